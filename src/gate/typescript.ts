import type { EditList } from './edits';
import type { EsNode } from './estree';
import type { RuleId } from './rules';

/**
 * Type stripping for scripts written in TypeScript: every piece of syntax that only carries types is
 * blanked in the source (same length, line breaks kept, so positions stay the model's own) and skipped by
 * the gate's walk, which then sees plain ESTree. TypeScript that would need generated
 * code (enums, namespaces with values, parameter properties, decorators, `import x = require()`) is
 * reported with the rule that says what to write instead.
 *
 * Where blanking alone would change how the rest parses, the edit keeps it equivalent:
 * - a removed statement or class member starts with `;`, so the code before it cannot run on into the next;
 * - an arrow function whose return type spans lines keeps its `)` on the line of `=>`.
 */

export interface StripProblem {
  rule: RuleId;
  node: EsNode;
  detail: string;
}

/** Fields of JavaScript nodes that hold only types. */
const TYPE_FIELDS = ['typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'superTypeParameters', 'superTypeArguments', 'predicate'] as const;

/** Node types the TypeScript plugin never gives a type, modifier or marker (checked by the strip tests). */
const NEVER_TYPED: ReadonlySet<string> = new Set([
  'Literal', 'MemberExpression', 'BinaryExpression', 'LogicalExpression', 'UnaryExpression', 'UpdateExpression', 'ConditionalExpression',
  'AssignmentExpression', 'SequenceExpression', 'AwaitExpression', 'YieldExpression', 'SpreadElement', 'ObjectExpression', 'ArrayExpression',
  'TemplateLiteral', 'TemplateElement', 'ThisExpression', 'Super', 'ChainExpression', 'ExpressionStatement', 'BlockStatement', 'ReturnStatement',
  'IfStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement', 'BreakStatement', 'ContinueStatement',
  'ThrowStatement', 'TryStatement', 'CatchClause', 'SwitchStatement', 'SwitchCase', 'LabeledStatement', 'EmptyStatement', 'Property', 'ClassBody',
]);

/** Class member modifiers that only exist in TypeScript. */
const MEMBER_MODIFIERS = new Set(['public', 'private', 'protected', 'readonly', 'override', 'abstract', 'declare']);

const isSpaceCode = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;

/** The offset of the next character that is not whitespace or a comment (parentheses too, when asked). */
export function skipTrivia(source: string, pos: number, skipParens = false): number {
  for (;;) {
    const c = source.charCodeAt(pos);
    if (Number.isNaN(c)) return pos;
    if (isSpaceCode(c) || (skipParens && c === 41)) pos++;
    else if (c === 47 && source.charCodeAt(pos + 1) === 47) {
      while (pos < source.length && !/[\n\r\u2028\u2029]/.test(source[pos]!)) pos++;
    } else if (c === 47 && source.charCodeAt(pos + 1) === 42) {
      const close = source.indexOf('*/', pos + 2);
      pos = close < 0 ? source.length : close + 2;
    } else return pos;
  }
}

const isIdentCode = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 0x7f;

/** Whether `word` starts at `pos` as a whole word. */
const wordAt = (source: string, pos: number, word: string): boolean =>
  source.startsWith(word, pos) && !isIdentCode(source.charCodeAt(pos + word.length)) && (pos === 0 || !isIdentCode(source.charCodeAt(pos - 1)));

/**
 * Called by the analyzer's walk for every node it is about to visit (so a TypeScript script costs one
 * walk, not two): records the edits that blank the node's types and returns the node to visit in its
 * place (the inner expression of `x as T`), or undefined when nothing of it runs.
 */
export interface TypeStripper {
  enter(node: EsNode): EsNode | undefined;
  readonly problems: StripProblem[];
}

export function createTypeStripper(source: string, edits: EditList): TypeStripper {
  const problems: StripProblem[] = [];
  const problem = (rule: RuleId, node: EsNode, detail: string): undefined => {
    problems.push({ rule, node, detail });
    return undefined;
  };

  /** Blanks a removed statement or member; the `;` keeps the code before it from joining the code after it. */
  const removeStatement = (node: EsNode): undefined => {
    const start = node.start!;
    const end = node.end!;
    edits.replace(start, end, `;${source.slice(start + 1, end).replace(/[^\r\n\u2028\u2029]/g, ' ')}`);
    return undefined;
  };

  const blankNode = (node: EsNode | undefined | null): void => {
    if (node && node.start !== undefined && node.end !== undefined) edits.blank(source, node.start, node.end);
  };

  /** `x as T`, `x satisfies T`: blank from the keyword (after any closing parentheses) to the end. */
  const stripCast = (node: EsNode): void => {
    const inner = node.expression as EsNode;
    edits.blank(source, skipTrivia(source, inner.end!, true), node.end!);
  };

  /** A parameter `this: T` only types `this`: blank it with its comma. */
  const stripThisParam = (params: EsNode[]): void => {
    const first = params[0];
    if (first?.type !== 'Identifier' || first.name !== 'this') return;
    const next = params[1];
    if (next) edits.blank(source, first.start!, next.start!);
    else {
      const after = skipTrivia(source, first.end!);
      edits.blank(source, first.start!, source[after] === ',' ? after + 1 : first.end!);
    }
    params.shift();
  };

  /** `a?: T`, `x!: T`: the `?` or `!` between a name and its annotation. */
  const stripMarker = (from: number, to: number, marker: '?' | '!'): void => {
    const at = source.indexOf(marker, from);
    if (at >= 0 && at < to) edits.blank(source, at, at + 1);
  };

  /** A return type on its own line would leave `=>` after a line break: keep the `)` next to the arrow. */
  const stripArrowReturnType = (node: EsNode, returnType: EsNode): void => {
    const end = returnType.end!;
    if (!/[\n\r\u2028\u2029]/.test(source.slice(returnType.start!, end))) {
      blankNode(returnType);
      return;
    }
    const close = source.lastIndexOf(')', returnType.start!);
    const params = node.params as EsNode[];
    const lastParam = params[params.length - 1];
    if (close < 0 || (lastParam && close < lastParam.end!)) blankNode(returnType);
    else edits.replace(close, end, `${source.slice(close, end - 1).replace(/[^\r\n\u2028\u2029]/g, ' ')})`);
  };

  const stripTypeFields = (node: EsNode): void => {
    for (const field of TYPE_FIELDS) {
      const value = node[field];
      if (value === undefined || value === null) continue;
      if (field === 'returnType' && node.type === 'ArrowFunctionExpression') stripArrowReturnType(node, value as EsNode);
      else blankNode(value as EsNode);
      node[field] = undefined;
    }
    const implemented = node.implements;
    if (Array.isArray(implemented) && implemented.length > 0) {
      // Back from the first interface to the `implements` keyword.
      const first = implemented[0] as EsNode;
      const keyword = source.lastIndexOf('implements', first.start!);
      edits.blank(source, keyword >= 0 ? keyword : first.start!, (implemented[implemented.length - 1] as EsNode).end!);
      node.implements = undefined;
    }
  };

  /** Modifiers between a class member's start and its key: blank the TypeScript-only ones. */
  const stripModifiers = (member: EsNode): void => {
    const stop = (member.key as EsNode | undefined)?.start ?? member.end!;
    let pos = skipTrivia(source, member.start!);
    while (pos < stop) {
      let end = pos;
      while (end < stop && isIdentCode(source.charCodeAt(end))) end++;
      if (end === pos) {
        pos = skipTrivia(source, pos + 1);
        continue;
      }
      if (MEMBER_MODIFIERS.has(source.slice(pos, end))) edits.blank(source, pos, end);
      pos = skipTrivia(source, end);
    }
  };

  const enterClassMember = (member: EsNode): EsNode | undefined => {
    const value = member.value as EsNode | null | undefined;
    if (member.declare === true || (member.abstract === true && (value == null || member.type === 'MethodDefinition')) || value?.type === 'TSDeclareMethod') return removeStatement(member);
    stripModifiers(member);
    const key = member.key as EsNode;
    const before = member.type === 'MethodDefinition' ? value!.start! : ((member.typeAnnotation as EsNode | undefined)?.start ?? value?.start ?? member.end!);
    if (member.optional === true) stripMarker(key.end!, before, '?');
    if (member.definite === true) stripMarker(key.end!, before, '!');
    return member;
  };

  const enterTypeScriptNode = (node: EsNode): EsNode | undefined => {
    switch (node.type) {
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
        stripCast(node);
        return enter(node.expression as EsNode);
      case 'TSNonNullExpression':
        if (source[node.end! - 1] === '!') edits.blank(source, node.end! - 1, node.end!);
        return enter(node.expression as EsNode);
      case 'TSInstantiationExpression':
        blankNode(node.typeArguments as EsNode);
        return enter(node.expression as EsNode);
      case 'TSTypeAssertion':
        return problem('ts-angle-assertion', node, 'a type assertion <T>value');
      case 'TSParameterProperty':
        return problem('ts-parameter-property', node, 'a constructor parameter property');
      case 'TSEnumDeclaration':
        return node.declare === true ? removeStatement(node) : problem('ts-enum', node, `the enum ${String((node.id as EsNode | undefined)?.name ?? '')}`.trim());
      case 'TSModuleDeclaration':
        return node.declare === true || isTypeOnlyNamespace(node) ? removeStatement(node) : problem('ts-namespace', node, 'a namespace with values');
      case 'TSImportEqualsDeclaration':
        return problem('ts-module-syntax', node, 'import … = require()');
      case 'TSExportAssignment':
        return problem('ts-module-syntax', node, 'export =');
      default:
        // Interfaces, type aliases, overload signatures, index signatures: statements or members that only type.
        return removeStatement(node);
    }
  };

  const enter = (node: EsNode): EsNode | undefined => {
    // Most nodes can carry nothing of TypeScript's: skip the checks below for them (a third of the stripper's time).
    if (NEVER_TYPED.has(node.type)) return node;
    if (node.type === 'Identifier') {
      const paramDecorators = node.decorators;
      if (Array.isArray(paramDecorators) && paramDecorators.length > 0) return problem('ts-decorator', paramDecorators[0] as EsNode, 'a decorator');
      if (node.optional === true) stripMarker(node.start! + String(node.name).length, node.end!, '?');
      if (node.typeAnnotation != null) {
        blankNode(node.typeAnnotation as EsNode);
        node.typeAnnotation = undefined;
      }
      return node;
    }
    if (node.type.startsWith('TS')) return enterTypeScriptNode(node);
    const decorators = node.decorators;
    if (Array.isArray(decorators) && decorators.length > 0) return problem('ts-decorator', decorators[0] as EsNode, 'a decorator');
    switch (node.type) {
      case 'ImportDeclaration': {
        const specifiers = node.specifiers as EsNode[];
        if (node.importKind === 'type' || (specifiers.length > 0 && specifiers.every((sp) => sp.importKind === 'type'))) return removeStatement(node);
        break;
      }
      case 'ExportNamedDeclaration': {
        const declaration = node.declaration as EsNode | null | undefined;
        if (node.exportKind === 'type' || (declaration && isTypeOnlyDeclaration(declaration))) return removeStatement(node);
        break;
      }
      case 'VariableDeclaration':
        if (node.declare === true) return removeStatement(node);
        break;
      case 'VariableDeclarator':
        if (node.definite === true) {
          const id = node.id as EsNode;
          stripMarker(id.start! + String(id.name ?? '').length, (node.init as EsNode | null)?.start ?? node.end!, '!');
        }
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (node.declare === true) return removeStatement(node);
        if (node.abstract === true && wordAt(source, node.start!, 'abstract')) edits.blank(source, node.start!, node.start! + 'abstract'.length);
        break;
      case 'PropertyDefinition':
      case 'MethodDefinition':
      case 'AccessorProperty':
        if (enterClassMember(node) === undefined) return undefined;
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if (node.declare === true) return removeStatement(node);
        stripThisParam(node.params as EsNode[]);
        break;
      case 'Identifier':
        if (node.optional === true) stripMarker(node.start! + String(node.name).length, node.end!, '?');
        break;
      default:
        break;
    }
    stripTypeFields(node);
    return node;
  };

  return { enter, problems };
}

function isTypeOnlyDeclaration(node: EsNode): boolean {
  switch (node.type) {
    case 'TSInterfaceDeclaration':
    case 'TSTypeAliasDeclaration':
    case 'TSDeclareFunction':
      return true;
    case 'TSEnumDeclaration':
    case 'VariableDeclaration':
    case 'ClassDeclaration':
    case 'FunctionDeclaration':
      return node.declare === true;
    case 'TSModuleDeclaration':
      return node.declare === true || isTypeOnlyNamespace(node);
    default:
      return false;
  }
}

/** A namespace holding only types (`namespace API { export interface User {} }`) has no run-time value. */
function isTypeOnlyNamespace(node: EsNode): boolean {
  const body = node.body as EsNode | undefined;
  if (!body) return true;
  if (body.type === 'TSModuleDeclaration') return isTypeOnlyNamespace(body);
  const statements = (body.body as EsNode[] | undefined) ?? [];
  return statements.every((s) => {
    const inner = s.type === 'ExportNamedDeclaration' ? (s.declaration as EsNode | null) : s;
    return inner !== null && inner !== undefined && isTypeOnlyDeclaration(inner);
  });
}
