import { type EsNode, forEachChild } from './estree';
import { ITERATION_METHODS } from './facts';
import { parseScript } from './parse';
import { closestNames } from '../text';

/**
 * Explains a TypeError that comes from reading a tool result wrongly, the commonest failure of a model's
 * script (`page.data.map` on a result whose list is `items`): which tool the value came from, and what that
 * tool really returned, from the shape the sandbox saw at run time. Runs on the error path only: it
 * parses the script again and reads the failing expression at the reported position.
 */

/** A summary of a value the script received, as the sandbox records it for the tool's last result. */
export type ValueShape =
  | { kind: 'object'; keys: string[]; fields?: Record<string, ValueShape> }
  | { kind: 'array'; length: number; element?: ValueShape }
  | { kind: 'string' | 'number' | 'boolean' | 'null' | 'undefined' | 'other' };

export interface RuntimeFailure {
  source: string;
  /** Offset in `source` that V8 reported. */
  offset: number;
  message: string;
  /** Shape of each tool's last result (tool name → shape). */
  shapes: Record<string, ValueShape>;
}

/** Where a value came from: a tool's result, then property names (`[]` for an element). */
interface Origin {
  tool: string;
  path: string[];
  /** `callTool(…)` or `Promise.all(…)` without `await`: the value is a Promise. */
  pending: boolean;
  /** `list.map((x) => callTool(…))` without `Promise.all`: every element is a Promise. */
  pendingElements?: boolean;
}

const PROMISE_COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);

/** The callTool call a callback returns (`(x) => callTool(…)`, or `{ return callTool(…); }`). */
function returnedToolCall(fn: EsNode): string | undefined {
  if (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') return undefined;
  let body = unwrap(fn.body as EsNode);
  if (body.type === 'BlockStatement') {
    const last = (body.body as EsNode[]).at(-1);
    if (last?.type !== 'ReturnStatement' || !last.argument) return undefined;
    body = unwrap(last.argument as EsNode);
  }
  return toolCallName(body);
}

const READ_OF_NOTHING = /^Cannot read properties of (?:undefined|null) \(reading '([^']*)'\)/;
const NOT_A_FUNCTION = /^(.+) is not a function/;
const NOT_ITERABLE = /is not iterable/;
const DESTRUCTURE = /^Cannot destructure property '([^']*)' of '([^']*)' as it is (?:undefined|null)/;

export function explainRuntimeError(failure: RuntimeFailure): string | undefined {
  const parsed = parseScript(failure.source);
  if (!parsed.ok) return undefined;
  const program = parsed.ast as unknown as EsNode;
  const { offset, message } = failure;
  const read = READ_OF_NOTHING.exec(message);
  if (read) {
    const member = memberAt(program, offset);
    if (member) return describeMissing(program, unwrap(member.object as EsNode), failure.shapes);
  }
  const destructure = DESTRUCTURE.exec(message);
  if (destructure) {
    const declarator = innermost(program, (n) => n.type === 'VariableDeclarator' && n.start! <= offset && offset < n.end! && n.init != null);
    if (declarator) return describeMissing(program, unwrap(declarator.init as EsNode), failure.shapes);
  }
  if (NOT_A_FUNCTION.test(message) || NOT_ITERABLE.test(message)) {
    const target = NOT_ITERABLE.test(message)
      ? innermost(program, (n) => n.start === offset && isExpression(n))
      : (innermost(program, (n) => n.type === 'MemberExpression' && (n.property as EsNode).start! <= offset && offset <= (n.property as EsNode).end!)?.object as EsNode | undefined);
    if (target) return describeNotAList(program, unwrap(target), failure.shapes);
  }
  return undefined;
}

const isExpression = (n: EsNode): boolean => n.type.endsWith('Expression') || n.type === 'Identifier';

/** TypeScript wrappers and parentheses do not change the value. */
function unwrap(node: EsNode): EsNode {
  let n = node;
  while (n.type === 'TSAsExpression' || n.type === 'TSSatisfiesExpression' || n.type === 'TSNonNullExpression' || n.type === 'ChainExpression') n = n.expression as EsNode;
  return n;
}

/**
 * The member expression whose property V8 points at: it reports the property (`page.data.⟦map`) or,
 * in an optional chain, the dot before it (`u?.profile⟦.name`). Of the members spanning the offset, the
 * one whose object ends last is the one being read.
 */
function memberAt(root: EsNode, offset: number): EsNode | undefined {
  let best: EsNode | undefined;
  const walk = (node: EsNode): void => {
    if (node.type === 'MemberExpression') {
      const objectEnd = (node.object as EsNode).end!;
      if (objectEnd <= offset && offset <= (node.property as EsNode).end! && (!best || objectEnd > (best.object as EsNode).end!)) best = node;
    }
    forEachChild(node, walk);
  };
  walk(root);
  return best;
}

/** The smallest node matching `test`. */
function innermost(root: EsNode, test: (node: EsNode) => boolean): EsNode | undefined {
  let best: EsNode | undefined;
  const walk = (node: EsNode): void => {
    if (test(node) && (!best || node.end! - node.start! <= best.end! - best.start!)) best = node;
    forEachChild(node, walk);
  };
  walk(root);
  return best;
}

/** Text of a member chain as written (`page.data`), for messages. */
function chainText(node: EsNode): string | undefined {
  const n = unwrap(node);
  if (n.type === 'Identifier') return n.name as string;
  if (n.type === 'MemberExpression') {
    const object = chainText(n.object as EsNode);
    const key = memberKey(n);
    if (object === undefined || key === undefined) return undefined;
    return n.computed ? `${object}[${JSON.stringify(key)}]` : `${object}.${key}`;
  }
  return undefined;
}

function memberKey(member: EsNode): string | undefined {
  const property = member.property as EsNode;
  if (member.computed !== true) return property.name as string | undefined;
  return property.type === 'Literal' && (typeof property.value === 'string' || typeof property.value === 'number') ? String(property.value) : undefined;
}

function toolCallName(node: EsNode): string | undefined {
  if (node.type !== 'CallExpression') return undefined;
  const callee = node.callee as EsNode;
  const first = (node.arguments as EsNode[])[0];
  if (callee.type !== 'Identifier' || callee.name !== 'callTool' || !first) return undefined;
  if (first.type === 'Literal' && typeof first.value === 'string') return first.value;
  if (first.type === 'TemplateLiteral' && (first.expressions as EsNode[]).length === 0) return ((first.quasis as EsNode[])[0]?.value as { cooked?: string }).cooked;
  return undefined;
}

/** The origin of an expression's value, following variables back to a callTool call. */
function originOf(program: EsNode, expression: EsNode, depth = 0): Origin | undefined {
  if (depth > 20) return undefined;
  const node = unwrap(expression);
  if (node.type === 'AwaitExpression') {
    const inner = unwrap(node.argument as EsNode);
    const tool = toolCallName(inner);
    return tool !== undefined ? { tool, path: [], pending: false } : originOf(program, inner, depth + 1);
  }
  const tool = toolCallName(node);
  if (tool !== undefined) return { tool, path: [], pending: true };
  if (node.type === 'CallExpression' && (node.callee as EsNode).type === 'MemberExpression') {
    const callee = node.callee as EsNode;
    const method = memberKey(callee);
    const object = unwrap(callee.object as EsNode);
    // `Promise.all(…)` without await, or `ids.map((id) => callTool(…))` without Promise.all.
    if (object.type === 'Identifier' && object.name === 'Promise' && method !== undefined && PROMISE_COMBINATORS.has(method)) {
      const inner = (node.arguments as EsNode[])[0];
      const mapped = inner && unwrap(inner).type === 'CallExpression' ? originOf(program, inner, depth + 1) : undefined;
      return { tool: mapped?.tool ?? '', path: [], pending: true };
    }
    const callback = (node.arguments as EsNode[])[0];
    const called = (method === 'map' || method === 'flatMap') && callback ? returnedToolCall(callback) : undefined;
    if (called !== undefined) return { tool: called, path: [], pending: false, pendingElements: true };
  }
  if (node.type === 'MemberExpression') {
    const key = memberKey(node);
    const base = key === undefined ? undefined : originOf(program, node.object as EsNode, depth + 1);
    return base && key !== undefined ? { ...base, path: [...base.path, /^\d+$/.test(key) ? '[]' : key] } : undefined;
  }
  if (node.type === 'Identifier') return bindingOrigin(program, node.name as string, node.start!, depth);
  return undefined;
}

/** Where `name` got its value: the last binding or assignment before `before`. */
function bindingOrigin(program: EsNode, name: string, before: number, depth: number): Origin | undefined {
  let found: Origin | undefined;
  let foundAt = -1;
  const consider = (at: number, origin: () => Origin | undefined): void => {
    if (at < before && at > foundAt) {
      const o = origin();
      if (o) {
        found = o;
        foundAt = at;
      }
    }
  };
  const walk = (node: EsNode, parent: EsNode | undefined): void => {
    if (node.type === 'VariableDeclarator' && node.init) {
      const path = patternPath(node.id as EsNode, name);
      if (path) consider(node.start!, () => extend(originOf(program, node.init as EsNode, depth + 1), path));
    } else if (node.type === 'AssignmentExpression' && node.operator === '=') {
      const path = patternPath(node.left as EsNode, name);
      if (path) consider(node.start!, () => extend(originOf(program, node.right as EsNode, depth + 1), path));
    } else if (node.type === 'ForOfStatement') {
      const left = node.left as EsNode;
      const target = left.type === 'VariableDeclaration' ? ((left.declarations as EsNode[])[0]?.id as EsNode) : left;
      const path = patternPath(target, name);
      if (path) consider(node.start!, () => extend(originOf(program, node.right as EsNode, depth + 1), ['[]', ...path]));
    } else if ((node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression') && parent?.type === 'CallExpression') {
      // `list.map((u) => …)`: the first parameter is an element of the list.
      const callee = parent.callee as EsNode;
      const first = (node.params as EsNode[])[0];
      const method = callee.type === 'MemberExpression' ? memberKey(callee) : undefined;
      const path = first && method && ITERATION_METHODS.has(method) && method !== 'reduce' && method !== 'reduceRight' ? patternPath(first, name) : undefined;
      if (path) consider(node.start!, () => extend(originOf(program, callee.object as EsNode, depth + 1), ['[]', ...path]));
    }
    forEachChild(node, (child) => walk(child, node));
  };
  walk(program, undefined);
  return found;
}

const extend = (origin: Origin | undefined, path: string[]): Origin | undefined => (origin ? { ...origin, path: [...origin.path, ...path] } : undefined);

/** The property path at which a binding pattern puts `name` (`{ data }` → ['data']), or undefined. */
function patternPath(pattern: EsNode | undefined, name: string): string[] | undefined {
  if (!pattern) return undefined;
  switch (pattern.type) {
    case 'Identifier':
      return pattern.name === name ? [] : undefined;
    case 'AssignmentPattern':
      return patternPath(pattern.left as EsNode, name);
    case 'ObjectPattern':
      for (const p of pattern.properties as EsNode[]) {
        if (p.type !== 'Property') continue;
        const key = p.computed ? undefined : ((p.key as EsNode).name as string | undefined) ?? String((p.key as EsNode).value);
        const inner = patternPath(p.value as EsNode, name);
        if (inner && key !== undefined) return [key, ...inner];
      }
      return undefined;
    case 'ArrayPattern':
      for (const e of pattern.elements as (EsNode | null)[]) {
        const inner = e ? patternPath(e.type === 'RestElement' ? (e.argument as EsNode) : e, name) : undefined;
        if (inner) return ['[]', ...inner];
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The shape at `path` inside a tool's result shape. */
function shapeAt(shape: ValueShape | undefined, path: string[]): ValueShape | undefined {
  let current = shape;
  for (const step of path) {
    if (!current) return undefined;
    if (step === '[]') current = current.kind === 'array' ? current.element : undefined;
    else current = current.kind === 'object' ? current.fields?.[step] : undefined;
  }
  return current;
}

const describeShape = (shape: ValueShape): string =>
  shape.kind === 'object' ? `{ ${shape.keys.join(', ')} }` : shape.kind === 'array' ? `an array of ${shape.length} item(s)` : `a ${shape.kind}`;

/** "users:list returned", "the users:list result's items[i] has". */
function whose(origin: Origin, path: string[]): string {
  if (path.length === 0) return `${origin.tool} returned`;
  const at = path.map((p, i) => (p === '[]' ? '[i]' : i === 0 ? p : `.${p}`)).join('');
  return `in the ${origin.tool} result, ${at.startsWith('[') ? `result${at}` : at} has`;
}

/** Advice for a value that is (or holds) Promises, or undefined when it is plain data. */
function promiseAdvice(text: string, origin: Origin): string | undefined {
  if (origin.pendingElements && origin.path[0] === '[]') {
    return `${text} is read from a Promise: the map callback's callTool('${origin.tool}', …) returns one per item, so wait for them all with \`await Promise.all(list.map(…))\` first.`;
  }
  if (!origin.pending) return undefined;
  if (origin.tool === '') return `${text} is read from a Promise: write \`await Promise.all(…)\` before using the results.`;
  return `${text} is read from a Promise: callTool returns one, so write \`await callTool('${origin.tool}', …)\` before reading the result.`;
}

function describeMissing(program: EsNode, target: EsNode, shapes: Record<string, ValueShape>): string | undefined {
  const text = chainText(target) ?? 'That value';
  const origin = originOf(program, target);
  if (!origin) return undefined;
  const waiting = promiseAdvice(text, origin);
  if (waiting) return waiting;
  const missing = origin.path[origin.path.length - 1];
  const parentPath = origin.path.slice(0, -1);
  const parent = shapeAt(shapes[origin.tool], parentPath);
  if (!parent) return `${text} is undefined; ${origin.tool} did not return that field (describe_tools shows its result).`;
  if (parent.kind === 'object') {
    const [closest] = missing !== undefined ? closestNames(missing, parent.keys, 1) : [];
    const list = parent.keys.find((k) => parent.fields?.[k]?.kind === 'array');
    const advice = closest !== undefined ? ` Use ${closest}.` : list !== undefined && missing !== undefined && /^(data|results|rows|records|list|entries|values|items)$/i.test(missing) ? ` The list is ${list}.` : '';
    return `${text} is undefined: ${whose(origin, parentPath)} ${describeShape(parent)}.${advice}`;
  }
  return `${text} is undefined: at that point ${origin.tool}'s result is ${describeShape(parent)}.`;
}

function describeNotAList(program: EsNode, target: EsNode, shapes: Record<string, ValueShape>): string | undefined {
  const text = chainText(target) ?? 'That value';
  const origin = originOf(program, target);
  if (!origin) return undefined;
  const waiting = promiseAdvice(text, origin);
  if (waiting) return waiting;
  const shape = shapeAt(shapes[origin.tool], origin.path);
  if (!shape || shape.kind !== 'object') return undefined;
  const list = shape.keys.find((k) => shape.fields?.[k]?.kind === 'array');
  return `${text} is not an array: ${whose(origin, origin.path)} ${describeShape(shape)}${list !== undefined ? `; the list is ${text}.${list}` : ''}.`;
}


/**
 * Where a failure without a stack happened, when the script leaves no doubt: its only `throw` statement
 * (a thrown string or object has no stack), or its only top-level `return` (a result JSON cannot hold).
 */
export function soleStatement(source: string, kind: 'throw' | 'return'): number | undefined {
  const parsed = parseScript(source);
  if (!parsed.ok) return undefined;
  const found: number[] = [];
  const walk = (node: EsNode, inFunction: boolean): void => {
    if (kind === 'throw' && node.type === 'ThrowStatement') found.push(node.start!);
    if (kind === 'return' && node.type === 'ReturnStatement' && !inFunction) found.push(node.start!);
    const fn = inFunction || node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
    forEachChild(node, (child) => walk(child, fn));
  };
  walk(parsed.ast as unknown as EsNode, false);
  return found.length === 1 ? found[0] : undefined;
}
