import type { EditList } from './edits';
import { type EsNode, isNode, staticKey } from './estree';
import { guardFunction, guardLoop } from './guards';
import { DataFlow, GATHER_METHODS, isListingTool, urlLiterals, wholeUse, type Flow } from './data-flow';
import { ITERATION_METHODS, LIMIT_ARG, SENSITIVE_FIELD, summariseArgs, type ArgValue, type ScriptFacts } from './facts';
import { ALLOWED_GLOBALS, ALWAYS_REFUSED, HOST_ALTERNATIVES, HOST_GLOBALS, SANDBOX_LIBRARY, metaToolNamed, suggestGlobal } from './globals';
import { hasSesHazard, neutraliseRegexSource, neutraliseTemplateRaw, splitStringSource } from './literals';
import type { RegexLiteral } from './prescan';
import { RESERVED_PREFIX, RULES, type RuleId } from './rules';
import { childIsTarget, isNameSlot } from './ast-slots';
import { FUNCTION_TYPES, scopeNames } from './scope';
import type { TypeStripper } from './typescript';
import { regexProblem, runtimeSupports } from './runtime-syntax';
import { createLocator, snippetAt } from './source-location';
import type { GateViolation } from './types';

/**
 * One pass over the AST: rules are checked on the way down (with real scopes, so a local named like a
 * global is fine and a free unknown name is refused), source edits are recorded on the way up, and the
 * facts the risk scorer needs are collected along the way.
 *
 * Edits (applied to the script's own text, see edits.ts):
 * - a countdown guard at the top of every loop body and function body (iteration budget, deadline,
 *   cancellation), plus call-depth accounting for synchronous functions;
 * - string, template and regex literals whose text SES would mistake for `import(` or an HTML comment
 *   are rewritten to equal values it accepts (only when the script holds such text at all).
 *
 * Prototype names (`constructor`, `__proto__`, `prototype`) are not refused: after lockdown every shared
 * intrinsic is frozen and every function constructor reachable through them is SES's inert one, so a
 * dictionary may use any key (test/sandbox/escapes.test.ts holds the proof).
 */

export const CALL_TOOL = 'callTool';

/** Deepest AST the walk follows; far beyond hand-written code, well within the front's stack. */
export const MAX_AST_DEPTH = 1_000;

const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

const memberName = (node: EsNode): string | undefined =>
  node.computed === true ? staticKey(node.property as EsNode) : ((node.property as EsNode).name as string | undefined);

export interface AnalyzeResult {
  violations: GateViolation[];
  facts: ScriptFacts;
  /** Patterns passed as literals to `RegExp(...)`, for the ReDoS check. */
  regexes: RegexLiteral[];
  /** Standard-library globals the script names (the sandbox endows only these). */
  library: string[];
  /** Refusals past MAX_REPORTED_VIOLATIONS, counted but not described. */
  omitted: number;
}

/** A listing asked for at most this many records is a handful, not bulk. */
const HANDFUL = 10;

/** Refusals described per script; the rest are counted. */
export const MAX_REPORTED_VIOLATIONS = 10;

/**
 * Checks rules, records the rewrites in `edits`, and collects facts. `hazards`: the source holds text SES
 * refuses. `types`: the script is TypeScript; each node passes through the stripper before it is visited.
 */
export function analyzeAndTransform(program: EsNode, source: string, edits: EditList, hazards: boolean, types?: TypeStripper): AnalyzeResult {
  const violations: GateViolation[] = [];
  const facts: ScriptFacts = { toolCalls: [], sensitiveFields: [] };
  const regexes: RegexLiteral[] = [];
  const library = new Set<string>();
  const scopes: Set<string>[] = [];
  // Where tool results go (read → send, and in what bulk); the path of the node being visited.
  const dataFlow = new DataFlow();
  const path: EsNode[] = [];
  const fields: string[] = [];
  let loopDepth = 0;

  const locate = createLocator(source);
  const where = (node: EsNode): { line: number; column: number } => locate(node.start ?? 0);

  // A script can hold thousands of refusals (`a,a,a,…`): the first few are what a model needs, and
  // describing all of them would cost the front time and answer bytes in proportion.
  let omitted = 0;
  const report = (ruleId: RuleId, node: EsNode, detail: string, extra = ''): void => {
    if (violations.length >= MAX_REPORTED_VIOLATIONS) {
      omitted++;
      return;
    }
    const spec = RULES[ruleId];
    const { line, column } = where(node);
    violations.push({ code: spec.code, rule: ruleId, message: `${spec.message(detail)}${extra} (line ${line}, column ${column})`, line, column, snippet: snippetAt(source, line), hint: spec.hint });
  };

  const declared = (name: string): boolean => {
    for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]!.has(name)) return true;
    return false;
  };

  const checkIdentifier = (node: EsNode, parent: EsNode | undefined, field: string, isTarget: boolean): void => {
    const name = node.name as string;
    if (name.startsWith(RESERVED_PREFIX)) report('reserved-prefix', node, name);
    if (name === CALL_TOOL && isTarget) {
      report('no-calltool-reassign', node, name);
      return;
    }
    if (declared(name)) {
      if (!isTarget) dataFlow.reference(name, path, fields);
      return;
    }
    if (ALLOWED_GLOBALS.has(name)) {
      if (SANDBOX_LIBRARY.has(name)) library.add(name);
      return;
    }
    // `typeof x` is a feature test: it is harmless on anything but the names that are always refused.
    const typeofOperand = parent?.type === 'UnaryExpression' && parent.operator === 'typeof' && field === 'argument';
    if (typeofOperand && !ALWAYS_REFUSED.has(name)) return;
    const hostRule = HOST_GLOBALS[name];
    if (hostRule) {
      const instead = HOST_ALTERNATIVES[name];
      report(hostRule, node, name, instead ? `; use ${instead}` : '');
      return;
    }
    // The suggestion costs a scan of the allowed names: only for refusals that are described.
    const suggestion = violations.length < MAX_REPORTED_VIOLATIONS ? suggestGlobal(name) : undefined;
    report('no-unknown-global', node, name, suggestion ? `; did you mean '${suggestion}'?` : '');
  };

  const checkCall = (node: EsNode): void => {
    const callee = node.callee as EsNode;
    const args = node.arguments as EsNode[];
    if (callee.type === 'Identifier' && callee.name === CALL_TOOL && !declared(CALL_TOOL)) {
      const name = args[0] ? staticKey(args[0]) : undefined;
      const meta = name !== undefined ? metaToolNamed(name) : undefined;
      if (meta) report('no-self-reference', args[0]!, meta);
      return;
    }
    if ((callee.type === 'Identifier' && callee.name === 'RegExp') && args[0]) {
      const pattern = staticKey(args[0]);
      const flags = args[1] ? staticKey(args[1]) : '';
      if (pattern !== undefined && flags !== undefined) regexes.push({ pattern, flags, ...where(args[0]) });
      return;
    }
  };

  const checkNode = (node: EsNode, parent: EsNode | undefined): void => {
    switch (node.type) {
      case 'ImportExpression':
        report('no-dynamic-import', node, 'import()');
        break;
      case 'ExportNamedDeclaration':
        // `export {}` only marks a file as a module (a TypeScript habit) and does nothing: removed.
        if (!node.declaration && !node.source && (node.specifiers as EsNode[]).length === 0) {
          edits.replace(node.start!, node.end!, `;${source.slice(node.start! + 1, node.end!).replace(/[^\r\n\u2028\u2029]/g, ' ')}`);
          break;
        }
        report('no-module-syntax', node, 'export');
        break;
      case 'ImportDeclaration':
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
      case 'Literal': {
        // acorn knows the newest regex syntax; the sandbox's engine may not (duplicate group names, modifiers).
        const regex = node.regex as { pattern: string; flags: string } | undefined;
        const problem = regex ? regexProblem(regex.pattern, regex.flags) : undefined;
        if (problem !== undefined) report('unsupported-regex', node, `/${regex!.pattern.length > 60 ? `${regex!.pattern.slice(0, 59)}…` : regex!.pattern}/${regex!.flags}`, ` (${problem})`);
        break;
      }
      case 'VariableDeclaration':
        if ((node.kind === 'using' || node.kind === 'await using') && !runtimeSupports('using')) report('unsupported-syntax', node, `a ${String(node.kind)} declaration`);
        break;
      case 'AccessorProperty':
        report('unsupported-syntax', node, 'an accessor field');
        break;
      case 'PropertyDefinition':
        // The TypeScript plugin marks `accessor x` on a PropertyDefinition instead.
        if (node.accessor === true) report('unsupported-syntax', node, 'an accessor field');
        break;
      case 'CallExpression':
      case 'NewExpression':
        checkCall(node);
        break;
      case 'MemberExpression': {
        const key = memberName(node);
        if (key === undefined) break;
        const object = node.object as EsNode;
        if (object.type === 'Identifier' && object.name === 'arguments' && (key === 'callee' || key === 'caller')) report('no-arguments-callee', node, key);
        if (SENSITIVE_FIELD.test(key)) facts.sensitiveFields.push({ name: key, line: where(node).line });
        break;
      }
      case 'Property': {
        if (parent?.type !== 'ObjectPattern') break;
        const keyNode = node.key as EsNode;
        const key = node.computed ? staticKey(keyNode) : ((keyNode.name as string | undefined) ?? staticKey(keyNode));
        if (key !== undefined && SENSITIVE_FIELD.test(key)) facts.sensitiveFields.push({ name: key, line: where(keyNode).line });
        break;
      }
      case 'TaggedTemplateExpression': {
        const quasis = ((node.quasi as EsNode).quasis as EsNode[]) ?? [];
        if (hazards && quasis.some((q) => hasSesHazard(source.slice(q.start!, q.end!)))) {
          report('unsafe-literal', node, 'import( or an HTML comment marker inside a tagged template');
        }
        break;
      }
      default:
        break;
    }
  };

  /** Literal text SES would refuse, rewritten in place to the same value (tagged templates are refused above). */
  const rewriteLiteral = (node: EsNode, parent: EsNode | undefined, field: string): void => {
    const raw = source.slice(node.start!, node.end!);
    if (!hasSesHazard(raw)) return;
    if (node.type === 'TemplateElement') {
      if (parent?.type === 'TemplateLiteral') edits.replace(node.start!, node.end!, neutraliseTemplateRaw(raw));
      return;
    }
    const regex = node.regex as { pattern: string; flags: string } | undefined;
    if (regex) {
      const pattern = neutraliseRegexSource(regex.pattern);
      if (pattern === undefined) report('unsafe-literal', node, 'import( or an HTML comment marker inside a regex character class');
      else edits.replace(node.start!, node.end!, `/${pattern}/${regex.flags}`);
      return;
    }
    if (typeof node.value !== 'string') return;
    const split = splitStringSource(raw);
    // A plain key becomes a computed one: `{ 'a-->b': 1 }` → `{ [('a-'+'->b')]: 1 }`.
    const plainKey = field === 'key' && parent !== undefined && parent.computed !== true;
    edits.replace(node.start!, node.end!, plainKey ? `[${split}]` : split);
  };

  const rewrite = (node: EsNode, parent: EsNode | undefined, field: string): void => {
    if (FUNCTION_TYPES.has(node.type)) guardFunction(node, source, edits);
    else if (LOOP_TYPES.has(node.type)) guardLoop(node, edits);
    else if (hazards && (node.type === 'Literal' || node.type === 'TemplateElement')) rewriteLiteral(node, parent, field);
  };

  // Functions that pass one of their parameters to callTool as the tool name (`const call = (n, a) =>
  // callTool(n, a)`, the gate's own advice): calls to them are scored like callTool calls.
  const wrappers = new Map<string, { nameIndex: number; argsIndex: number }>();
  const frames: { params: string[]; wraps?: { nameIndex: number; argsIndex: number } }[] = [];

  /** Where a tool call names its tool and passes its arguments, or undefined when it is not one. */
  const toolCallShape = (node: EsNode): { nameIndex: number; argsIndex: number } | undefined => {
    if (node.type !== 'CallExpression' || (node.callee as EsNode).type !== 'Identifier') return undefined;
    const name = (node.callee as EsNode).name as string;
    if (name === CALL_TOOL) return { nameIndex: 0, argsIndex: 1 };
    return wrappers.get(name);
  };

  /** Records the call (unless it sits in a wrapper) and returns its tool name when static. */
  const recordToolCall = (node: EsNode, shape: { nameIndex: number; argsIndex: number }, args: Record<string, ArgValue>, argsFlow: Flow | undefined): string | undefined => {
    const argNodes = node.arguments as EsNode[];
    const nameArg = argNodes[shape.nameIndex];
    const frame = frames[frames.length - 1];
    // Inside a wrapper, the name is its parameter: the call sites of the wrapper are what gets scored.
    if (nameArg?.type === 'Identifier' && frame && frame.params.includes(nameArg.name as string)) {
      const argsArg = argNodes[shape.argsIndex];
      frame.wraps = { nameIndex: frame.params.indexOf(nameArg.name as string), argsIndex: argsArg?.type === 'Identifier' ? frame.params.indexOf(argsArg.name as string) : -1 };
      return undefined;
    }
    const name = nameArg ? staticKey(nameArg) : undefined;
    const { line, column } = where(node);
    const urls = urlLiterals(argNodes[shape.argsIndex]);
    const options = argNodes[shape.argsIndex + 1];
    facts.toolCalls.push({
      tool: name ?? null,
      line,
      column,
      inLoop: loopDepth > 0,
      args,
      argsFromToolData: argsFlow !== undefined,
      ...(argsFlow ? { dataFrom: { tools: [...argsFlow.tools], bulk: argsFlow.bulk } } : {}),
      ...(urls.length > 0 ? { urls } : {}),
      span: [node.start ?? 0, node.end ?? 0],
      ...(options && summariseArgs(options).throwOnError === false ? { settles: true as const } : {}),
    });
    return name;
  };

  /** After a node's children: tool calls become tool data, bindings and collections take on what reached them. */
  const trackData = (node: EsNode, toolCall: { nameIndex: number; argsIndex: number } | undefined): void => {
    const seen = dataFlow.current();
    if (toolCall) {
      const args = summariseArgs((node.arguments as EsNode[])[toolCall.argsIndex]);
      const name = recordToolCall(node, toolCall, args, seen);
      // A call that pages (`limit`, `pageSize`, …) or is named like a listing returns many records,
      // unless it asks for a handful (`limit: 5`).
      const limits = Object.entries(args).filter(([k]) => LIMIT_ARG.test(k));
      const handful = limits.length > 0 && limits.every(([, v]) => typeof v === 'number' && v <= HANDFUL);
      const listing = limits.length > 0 || (name !== undefined && isListingTool(name));
      dataFlow.replace({ tools: new Set(name ? [name] : []), bulk: listing && !handful && wholeUse(path, fields) });
      return;
    }
    if (!seen) return;
    if (node.type === 'VariableDeclarator') dataFlow.bind(node.id as EsNode, seen);
    else if (node.type === 'AssignmentExpression') {
      const left = node.left as EsNode;
      // `text += row` in a loop gathers; `x = y` just binds.
      if (node.operator !== '=' && left.type === 'Identifier') dataFlow.gather(left, seen, loopDepth > 0);
      else if (left.type === 'MemberExpression') dataFlow.gather(left, seen, loopDepth > 0);
      else dataFlow.bind(left, seen);
    } else if (node.type === 'CallExpression' && (node.callee as EsNode).type === 'MemberExpression' && GATHER_METHODS.has(memberName(node.callee as EsNode) ?? '')) {
      dataFlow.gather((node.callee as EsNode).object as EsNode, seen, loopDepth > 0);
    }
  };

  const wrapperName = (node: EsNode, parent: EsNode | undefined): string | undefined => {
    if (node.type === 'FunctionDeclaration') return (node.id as EsNode | null)?.name as string | undefined;
    if (parent?.type === 'VariableDeclarator' && (parent.id as EsNode).type === 'Identifier') return (parent.id as EsNode).name as string;
    if (parent?.type === 'AssignmentExpression' && (parent.left as EsNode).type === 'Identifier') return (parent.left as EsNode).name as string;
    return undefined;
  };

  let depth = 0;
  let tooDeepReported = false;
  const visit = (original: EsNode, parent: EsNode | undefined, field: string, isTarget: boolean): void => {
    const node = types ? types.enter(original) : original;
    if (!node) return;
    // Bracket nesting is bounded by the pre-scan, but chains without brackets (`!!!…x`, `a.b.b…`,
    // `a = a = …`) nest just as deep; stop before the walk (or the generator) runs out of stack.
    if (++depth > MAX_AST_DEPTH) {
      depth--;
      if (!tooDeepReported) {
        tooDeepReported = true;
        const { line, column } = where(node);
        violations.push({
          code: 'TOO_DEEP',
          rule: 'max-nesting',
          message: `the expression nests more than ${MAX_AST_DEPTH} levels deep (line ${line}, column ${column})`,
          line,
          column,
          snippet: snippetAt(source, line),
          hint: 'Split long chains into several statements with intermediate variables.',
        });
      }
      return;
    }
    visitNode(node, parent, field, isTarget);
    depth--;
  };

  const visitNode = (node: EsNode, parent: EsNode | undefined, field: string, isTarget: boolean): void => {
    const scope = scopeNames(node, parent);
    if (scope) scopes.push(scope);
    path.push(node);
    fields.push(field);
    dataFlow.enter();
    if (node.type === 'Identifier' && !isNameSlot(parent, field)) checkIdentifier(node, parent, field, isTarget);
    else checkNode(node, parent);

    const loop = LOOP_TYPES.has(node.type);
    if (loop) loopDepth++;
    const toolCall = toolCallShape(node);
    const fn = FUNCTION_TYPES.has(node.type);
    if (fn) frames.push({ params: (node.params as EsNode[]).map((p) => (p.type === 'Identifier' ? (p.name as string) : '')) });
    const iterationCall =
      node.type === 'CallExpression' && (node.callee as EsNode).type === 'MemberExpression' && ITERATION_METHODS.has(memberName(node.callee as EsNode) ?? '');

    for (const key in node) {
      if (key === 'type' || key === 'loc' || key === 'start' || key === 'end') continue;
      const value = node[key];
      const iterating = iterationCall && key === 'arguments';
      if (iterating) loopDepth++;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (isNode(item)) visit(item, node, key, childIsTarget(node, key, isTarget));
        }
      } else if (isNode(value)) {
        visit(value, node, key, childIsTarget(node, key, isTarget));
      }
      if (iterating) loopDepth--;
      // `items.map((u) => …)` over tool data: the callback's parameters hold items of it.
      const seen = dataFlow.current();
      if (iterationCall && key === 'callee' && seen) {
        for (const arg of node.arguments as EsNode[]) {
          if (FUNCTION_TYPES.has(arg.type)) for (const param of arg.params as EsNode[]) dataFlow.bind(param, seen, true);
        }
      }
      // The loop variable holds an item as soon as its iterable is tool data: taint it before the body is walked.
      if (key === 'right' && (node.type === 'ForOfStatement' || node.type === 'ForInStatement') && seen) dataFlow.bind(node.left as EsNode, seen, true);
    }
    if (loop) loopDepth--;

    trackData(node, toolCall);
    if (fn) {
      const frame = frames.pop();
      const name = frame?.wraps ? wrapperName(node, parent) : undefined;
      if (name && frame?.wraps) wrappers.set(name, frame.wraps);
    }
    dataFlow.leave();
    path.pop();
    fields.pop();

    if (scope) scopes.pop();
    rewrite(node, parent, field);
  };

  const programScope = scopeNames(program, undefined);
  if (programScope) scopes.push(programScope);
  for (const statement of program.body as EsNode[]) visit(statement, program, 'body', false);
  return { violations, facts, regexes, library: [...library], omitted };
}
