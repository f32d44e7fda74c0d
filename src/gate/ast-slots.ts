import type { EsNode } from './estree';

/** What an AST slot holds, for the walk: a name rather than a reference, a binding target rather than a read. */

/** Identifiers in these (parent type, field) slots are names, not variable references. */
export function isNameSlot(parent: EsNode | undefined, field: string): boolean {
  if (!parent) return false;
  switch (parent.type) {
    case 'MemberExpression':
      return field === 'property' && parent.computed !== true;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return field === 'key' && parent.computed !== true;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return field === 'label';
    case 'MetaProperty':
      return true;
    default:
      return false;
  }
}

/** Whether the child in `field` of `node` is a binding or assignment target. */
export function childIsTarget(node: EsNode, field: string, nodeIsTarget: boolean): boolean {
  switch (node.type) {
    case 'VariableDeclarator':
      return field === 'id';
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return field === 'params' || field === 'id';
    case 'ClassDeclaration':
    case 'ClassExpression':
      return field === 'id';
    case 'CatchClause':
      return field === 'param';
    case 'AssignmentExpression':
      return field === 'left';
    case 'UpdateExpression':
      return field === 'argument';
    case 'ForInStatement':
    case 'ForOfStatement':
      return field === 'left';
    case 'ObjectPattern':
    case 'ArrayPattern':
    case 'RestElement':
      return nodeIsTarget;
    case 'Property':
      return nodeIsTarget && field === 'value';
    case 'AssignmentPattern':
      return nodeIsTarget && field === 'left';
    default:
      return false;
  }
}
