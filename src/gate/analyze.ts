import { type EsNode, call, identifier, isNode, stringLiteral } from './estree';
import { FORBIDDEN_IDENTIFIERS, FORBIDDEN_PROPERTIES, RESERVED_PREFIX, RULES, type RuleId } from './rules';
import { snippetAt } from './source-location';
import type { GateViolation } from './types';

/**
 * One pass over the AST: rules are checked on the way down, rewrites are applied on the way up (so a
 * node is rewritten after its children, and inserted guard nodes are never walked again).
 *
 * Rewrites:
 * - `callTool` → `__sg_callTool`, a lexical parameter the script cannot reach otherwise;
 * - a countdown guard at the top of every loop body and function body (iteration budget, deadline,
 *   cancellation), plus call-depth accounting for synchronous functions;
 * - computed member keys that are not literals go through `__sg_key()`, which refuses prototype names
 *   at run time and converts the key exactly once;
 * - string, template and regex literals that SES would mistake for `import(` or HTML comments are
 *   rewritten to equivalent text it accepts.
 */

export const CALL_TOOL = 'callTool';
export const RT = Object.freeze({
  callTool: '__sg_callTool',
  countdown: '__sg_c',
  depth: '__sg_d',
  tick: '__sg_tick',
  depthExceeded: '__sg_depth',
  maxDepth: '__sg_maxDepth',
  key: '__sg_key',
});

// Built once; escodegen only reads nodes, so one instance may appear at many places in the tree.
const TICK_GUARD: EsNode = {
  type: 'IfStatement',
  test: {
    type: 'BinaryExpression',
    operator: '<',
    left: { type: 'UpdateExpression', operator: '--', prefix: true, argument: identifier(RT.countdown) },
    right: { type: 'Literal', value: 0 },
  },
  consequent: {
    type: 'ExpressionStatement',
    expression: { type: 'AssignmentExpression', operator: '=', left: identifier(RT.countdown), right: call(RT.tick, []) },
  },
  alternate: null,
};
const DEPTH_GUARD: EsNode = {
  type: 'IfStatement',
  test: {
    type: 'BinaryExpression',
    operator: '>',
    left: { type: 'UpdateExpression', operator: '++', prefix: true, argument: identifier(RT.depth) },
    right: identifier(RT.maxDepth),
  },
  consequent: { type: 'ExpressionStatement', expression: call(RT.depthExceeded, []) },
  alternate: null,
};
const DEPTH_RELEASE: EsNode = {
  type: 'BlockStatement',
  body: [{ type: 'ExpressionStatement', expression: { type: 'UpdateExpression', operator: '--', prefix: false, argument: identifier(RT.depth) } }],
};

// SES rejects source text matching these even inside literals (it scans text, it does not parse).
const SES_IMPORT = /import(?=\s*(?:\(|\/[/*]))/g;
const SES_HTML_OPEN = /<!--/g;
const SES_HTML_CLOSE = /-->/g;
const hasSesHazard = (text: string): boolean => /import\s*(?:\(|\/[/*])|<!--|-->/.test(text);

/** Offsets at which a hazardous sequence should be split, so no part contains it whole. */
function hazardSplitPoints(text: string): number[] {
  const points = new Set<number>();
  for (const m of text.matchAll(SES_IMPORT)) points.add(m.index + 5); // between "impor" and "t"
  for (const m of text.matchAll(SES_HTML_OPEN)) points.add(m.index + 2); // "<!" | "--"
  for (const m of text.matchAll(SES_HTML_CLOSE)) points.add(m.index + 1); // "-" | "->"
  return [...points].sort((a, b) => a - b);
}

function splitStringLiteral(value: string): EsNode {
  const points = hazardSplitPoints(value);
  let prev = 0;
  const parts: string[] = [];
  for (const p of points) {
    parts.push(value.slice(prev, p));
    prev = p;
  }
  parts.push(value.slice(prev));
  return parts
    .map((part) => stringLiteral(part))
    .reduce((left, right) => ({ type: 'BinaryExpression', operator: '+', left, right }));
}

/** Template raw text: escape one character of each hazard (keeping the first, so a preceding backslash stays valid). */
function neutraliseTemplateRaw(raw: string): string {
  return raw
    .replace(SES_IMPORT, 'impor\\x74')
    .replace(SES_HTML_OPEN, '<!\\x2D-')
    .replace(SES_HTML_CLOSE, '-\\x2D>');
}

/** Regex source: insert an empty group inside each hazard; undefined when a hazard sits in a character class. */
function neutraliseRegexSource(pattern: string): string | undefined {
  const points = hazardSplitPoints(pattern);
  if (points.length === 0) return pattern;
  const inClass: boolean[] = [];
  let cls = false;
  for (let i = 0; i < pattern.length; i++) {
    inClass[i] = cls;
    const ch = pattern[i];
    if (ch === '\\') {
      inClass[i + 1] = cls;
      i++;
    } else if (ch === '[') cls = true;
    else if (ch === ']') cls = false;
  }
  let out = '';
  let prev = 0;
  for (const p of points) {
    if (inClass[p] || inClass[p - 1]) return undefined;
    out += `${pattern.slice(prev, p)}(?:)`;
    prev = p;
  }
  return out + pattern.slice(prev);
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

/** Identifiers in these (parent type, field) slots are names, not variable references. */
function isNameSlot(parent: EsNode | undefined, field: string): boolean {
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
function childIsTarget(node: EsNode, field: string, nodeIsTarget: boolean): boolean {
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

function staticKey(node: EsNode): string | undefined {
  if (node.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
  if (node.type === 'TemplateLiteral' && Array.isArray(node.expressions) && node.expressions.length === 0) {
    const quasi = (node.quasis as EsNode[])[0];
    const cooked = (quasi?.value as { cooked?: unknown } | undefined)?.cooked;
    return typeof cooked === 'string' ? cooked : undefined;
  }
  return undefined;
}

export interface AnalyzeResult {
  violations: GateViolation[];
}

/** Checks rules and rewrites `program` in place. */
export function analyzeAndTransform(program: EsNode, source: string): AnalyzeResult {
  const violations: GateViolation[] = [];

  const report = (ruleId: RuleId, node: EsNode, detail: string): void => {
    const spec = RULES[ruleId];
    const line = node.loc?.start.line;
    const column = node.loc?.start.column;
    violations.push({
      code: spec.code,
      rule: ruleId,
      message: spec.message(detail) + (line !== undefined ? ` (line ${line}, column ${column})` : ''),
      ...(line !== undefined ? { line, column, snippet: snippetAt(source, line) } : {}),
      hint: spec.hint,
    });
  };

  const checkIdentifier = (node: EsNode, isTarget: boolean): void => {
    const name = node.name as string;
    const forbidden = FORBIDDEN_IDENTIFIERS[name];
    if (forbidden) report(forbidden, node, name);
    if (name.startsWith(RESERVED_PREFIX)) report('reserved-prefix', node, name);
    if (name === CALL_TOOL && isTarget) report('no-calltool-reassign', node, name);
  };

  const checkNode = (node: EsNode, parent: EsNode | undefined): void => {
    switch (node.type) {
      case 'ImportExpression':
        report('no-dynamic-import', node, 'import()');
        break;
      case 'ImportDeclaration':
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
        report('no-module-syntax', node, node.type.startsWith('Import') ? 'import' : 'export');
        break;
      case 'MetaProperty':
        if ((node.meta as EsNode).name === 'import') report('no-module-syntax', node, 'import.meta');
        break;
      case 'WithStatement':
        report('no-with', node, 'with');
        break;
      case 'PropertyDefinition':
        report('unsupported-syntax', node, 'a class field');
        break;
      case 'PrivateIdentifier':
        report('unsupported-syntax', node, `the private name #${String(node.name)}`);
        break;
      case 'StaticBlock':
        report('unsupported-syntax', node, 'a static block');
        break;
      case 'MemberExpression': {
        const prop = node.property as EsNode;
        const key = node.computed ? staticKey(prop) : (prop.name as string | undefined);
        if (key !== undefined && FORBIDDEN_PROPERTIES.has(key)) report('no-prototype-access', prop, key);
        break;
      }
      case 'Property': {
        const key = node.computed ? staticKey(node.key as EsNode) : ((node.key as EsNode).name as string | undefined) ?? staticKey(node.key as EsNode);
        if (key === undefined) break;
        if (parent?.type === 'ObjectPattern' && FORBIDDEN_PROPERTIES.has(key)) report('no-prototype-access', node.key as EsNode, key);
        // `{ __proto__: x }` sets the new object's prototype; a computed key only makes a data property.
        if (parent?.type === 'ObjectExpression' && key === '__proto__' && node.computed !== true && node.kind === 'init' && node.method !== true) {
          report('no-prototype-access', node.key as EsNode, key);
        }
        break;
      }
      case 'TaggedTemplateExpression': {
        const quasis = ((node.quasi as EsNode).quasis as EsNode[]) ?? [];
        if (quasis.some((q) => hasSesHazard(String((q.value as { raw: string }).raw)))) {
          report('unsafe-literal', node, 'import( or an HTML comment marker inside a tagged template');
        }
        break;
      }
      default:
        break;
    }
  };

  const guardLoop = (node: EsNode): void => {
    const body = node.body as EsNode;
    node.body = body.type === 'BlockStatement'
      ? { ...body, body: [TICK_GUARD, ...(body.body as EsNode[])] }
      : { type: 'BlockStatement', body: [TICK_GUARD, body] };
  };

  const guardFunction = (node: EsNode): void => {
    let body = node.body as EsNode;
    if (body.type !== 'BlockStatement') {
      body = { type: 'BlockStatement', body: [{ type: 'ReturnStatement', argument: body }] };
      node.expression = false;
    }
    // Async functions and generators suspend, so "depth" would count pending calls, not nesting:
    // they get the budget guard only (their synchronous recursion still ends in V8's stack check).
    if (node.async === true || node.generator === true) {
      node.body = { ...body, body: [TICK_GUARD, ...(body.body as EsNode[])] };
      return;
    }
    node.body = {
      type: 'BlockStatement',
      body: [
        TICK_GUARD,
        { type: 'TryStatement', block: { type: 'BlockStatement', body: [DEPTH_GUARD, ...(body.body as EsNode[])] }, handler: null, finalizer: DEPTH_RELEASE },
      ],
    };
  };

  const rewriteLiteral = (node: EsNode, parent: EsNode | undefined, field: string): EsNode => {
    const regex = node.regex as { pattern: string; flags: string } | undefined;
    if (regex) {
      if (!hasSesHazard(regex.pattern)) return node;
      const pattern = neutraliseRegexSource(regex.pattern);
      if (pattern === undefined) {
        report('unsafe-literal', node, 'import( or an HTML comment marker inside a regex character class');
        return node;
      }
      return { ...node, regex: { pattern, flags: regex.flags }, raw: undefined };
    }
    if (typeof node.value !== 'string' || !hasSesHazard(node.value)) return node;
    if (parent && field === 'key' && parent.computed !== true) parent.computed = true;
    return splitStringLiteral(node.value);
  };

  const visit = (node: EsNode, parent: EsNode | undefined, field: string, isTarget: boolean): EsNode => {
    if (node.type === 'Identifier' && !isNameSlot(parent, field)) checkIdentifier(node, isTarget);
    else checkNode(node, parent);

    for (const key in node) {
      if (key === 'type' || key === 'loc' || key === 'start' || key === 'end') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (isNode(item)) value[i] = visit(item, node, key, childIsTarget(node, key, isTarget));
        }
      } else if (isNode(value)) {
        node[key] = visit(value, node, key, childIsTarget(node, key, isTarget));
      }
    }
    return rewrite(node, parent, field);
  };

  const rewrite = (node: EsNode, parent: EsNode | undefined, field: string): EsNode => {
    if (FUNCTION_TYPES.has(node.type)) {
      guardFunction(node);
      return node;
    }
    if (LOOP_TYPES.has(node.type)) {
      guardLoop(node);
      return node;
    }
    switch (node.type) {
      case 'Identifier':
        if (node.name === CALL_TOOL && !isNameSlot(parent, field)) {
          if (parent?.type === 'Property' && parent.shorthand === true) {
            parent.shorthand = false;
            parent.key = identifier(CALL_TOOL);
          }
          return identifier(RT.callTool);
        }
        return node;
      case 'MemberExpression': {
        const prop = node.property as EsNode;
        if (node.computed === true && staticKey(prop) === undefined) node.property = call(RT.key, [prop]);
        return node;
      }
      case 'Property':
        if (parent?.type === 'ObjectPattern' && node.computed === true && staticKey(node.key as EsNode) === undefined) {
          node.key = call(RT.key, [node.key as EsNode]);
        }
        return node;
      case 'UnaryExpression': {
        // `!--x` prints as `<!--` after `a <`; a sequence keeps the meaning and breaks the marker.
        const arg = node.argument as EsNode;
        if (arg.type === 'UpdateExpression' && arg.operator === '--' && arg.prefix === true) {
          node.argument = { type: 'SequenceExpression', expressions: [{ type: 'Literal', value: 0 }, arg] };
        }
        return node;
      }
      case 'Literal':
        return rewriteLiteral(node, parent, field);
      case 'TemplateElement': {
        if (parent?.type === 'TemplateLiteral') {
          const value = node.value as { raw: string; cooked: string | null };
          if (hasSesHazard(value.raw)) node.value = { raw: neutraliseTemplateRaw(value.raw), cooked: value.cooked };
        }
        return node;
      }
      default:
        return node;
    }
  };

  for (const [i, statement] of (program.body as EsNode[]).entries()) {
    (program.body as EsNode[])[i] = visit(statement, program, 'body', false);
  }
  return { violations };
}

