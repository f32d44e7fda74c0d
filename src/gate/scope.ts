import type { EsNode } from './estree';

/**
 * Names each scope declares, computed when the walker enters the scope, so every identifier can be
 * resolved to a local binding or found free (a global). Only statement-level nodes are visited to find
 * hoisted `var`s, which keeps this a small fraction of the main walk.
 */

export const FUNCTION_TYPES: ReadonlySet<string> = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Adds the names a binding pattern introduces. */
export function addPatternNames(pattern: EsNode | null | undefined, out: Set<string>): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier':
      out.add(pattern.name as string);
      break;
    case 'ObjectPattern':
      for (const prop of pattern.properties as EsNode[]) addPatternNames(prop.type === 'RestElement' ? prop : (prop.value as EsNode), out);
      break;
    case 'ArrayPattern':
      for (const el of pattern.elements as (EsNode | null)[]) addPatternNames(el, out);
      break;
    case 'RestElement':
      addPatternNames(pattern.argument as EsNode, out);
      break;
    case 'AssignmentPattern':
      addPatternNames(pattern.left as EsNode, out);
      break;
    default:
      break;
  }
}

function addVarDeclaration(decl: EsNode, out: Set<string>, kinds: 'var' | 'lexical'): void {
  const isVar = decl.kind === 'var';
  if ((kinds === 'var') !== isVar) return;
  for (const d of decl.declarations as EsNode[]) addPatternNames(d.id as EsNode, out);
}

/** `var` names anywhere in a function body (not inside nested functions). */
function collectVars(node: EsNode | null | undefined, out: Set<string>): void {
  if (!node) return;
  switch (node.type) {
    case 'VariableDeclaration':
      addVarDeclaration(node, out, 'var');
      return;
    case 'BlockStatement':
    case 'Program':
    case 'StaticBlock':
      for (const s of node.body as EsNode[]) collectVars(s, out);
      return;
    case 'IfStatement':
      collectVars(node.consequent as EsNode, out);
      collectVars(node.alternate as EsNode | null, out);
      return;
    case 'ForStatement':
      collectVars(node.init as EsNode | null, out);
      collectVars(node.body as EsNode, out);
      return;
    case 'ForInStatement':
    case 'ForOfStatement':
      collectVars(node.left as EsNode, out);
      collectVars(node.body as EsNode, out);
      return;
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'LabeledStatement':
      collectVars(node.body as EsNode, out);
      return;
    case 'TryStatement':
      collectVars(node.block as EsNode, out);
      collectVars((node.handler as EsNode | null)?.body as EsNode | undefined, out);
      collectVars(node.finalizer as EsNode | null, out);
      return;
    case 'SwitchStatement':
      for (const c of node.cases as EsNode[]) for (const s of c.consequent as EsNode[]) collectVars(s, out);
      return;
    default:
      return;
  }
}

/** let/const/class/function declared directly in a statement list (block-scoped in strict code). */
function collectLexical(statements: EsNode[], out: Set<string>): void {
  for (const s of statements) {
    if (s.type === 'VariableDeclaration') addVarDeclaration(s, out, 'lexical');
    else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) out.add((s.id as EsNode).name as string);
  }
}

/** The names a node introduces as a new scope, or undefined when it opens none. */
export function scopeNames(node: EsNode, parent: EsNode | undefined): Set<string> | undefined {
  switch (node.type) {
    case 'Program': {
      // The script runs as the body of a plain function, so `arguments` exists (and is empty).
      const names = new Set<string>(['arguments']);
      collectVars(node, names);
      collectLexical(node.body as EsNode[], names);
      return names;
    }
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression': {
      const names = new Set<string>();
      if (node.type !== 'ArrowFunctionExpression') names.add('arguments');
      if (node.type === 'FunctionExpression' && node.id) names.add((node.id as EsNode).name as string);
      for (const p of node.params as EsNode[]) addPatternNames(p, names);
      const body = node.body as EsNode;
      if (body.type === 'BlockStatement') {
        collectVars(body, names);
        collectLexical(body.body as EsNode[], names);
      }
      return names;
    }
    case 'BlockStatement': {
      // A function's own body shares the function's scope.
      if (parent && FUNCTION_TYPES.has(parent.type)) return undefined;
      const names = new Set<string>();
      collectLexical(node.body as EsNode[], names);
      return names.size > 0 ? names : undefined;
    }
    case 'StaticBlock': {
      const names = new Set<string>();
      collectVars(node, names);
      collectLexical(node.body as EsNode[], names);
      return names;
    }
    case 'SwitchStatement': {
      const names = new Set<string>();
      for (const c of node.cases as EsNode[]) collectLexical(c.consequent as EsNode[], names);
      return names.size > 0 ? names : undefined;
    }
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement': {
      const head = (node.type === 'ForStatement' ? node.init : node.left) as EsNode | null;
      if (!head || head.type !== 'VariableDeclaration' || head.kind === 'var') return undefined;
      const names = new Set<string>();
      addVarDeclaration(head, names, 'lexical');
      return names;
    }
    case 'CatchClause': {
      const names = new Set<string>();
      addPatternNames(node.param as EsNode | null, names);
      return names;
    }
    case 'ClassExpression':
    case 'ClassDeclaration':
      return node.id ? new Set([(node.id as EsNode).name as string]) : undefined;
    default:
      return undefined;
  }
}
