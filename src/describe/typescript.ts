/**
 * Compact TypeScript declarations for tool schemas: what a script author (or a model writing one) needs
 * to call a tool correctly, in far fewer tokens than the JSON Schema. Our own emitter rather than a
 * library because schemas come from upstream servers and must never make description fail or stall:
 * output is bounded, deterministic and always compiles. A declaration that does not fit its budget is
 * shortened step by step (ts-plan.ts) rather than given up.
 */
import { DeclarationEmitter, OverBudget, TRUNCATED_COMMENT, type Declaration } from './ts-emit';
import { cappedPlans, type EmitPlan } from './ts-plan';
import { TypeRegistry } from './ts-shared';
import { pascalCase, safeTypeName, singleQuote } from './literal';

export interface TypeScriptOptions {
  /** Inline nesting levels rendered before a type becomes `unknown` (default 12). */
  maxDepth?: number;
  /**
   * Budget in characters: of the whole text for `schemaToTypeScript`, of each tool's own part for tool
   * declarations (default 20,000). Past it the text is shortened, and past the shortest form cut.
   */
  maxChars?: number;
  /** Longest JSDoc text per declaration or property (default 200). */
  docMaxChars?: number;
}

export interface DeclarationBlockOptions extends TypeScriptOptions {
  /** A comment line added at the end when anything was left out to fit. */
  shortenedNote?: string;
  /** What ties a tool's name to its types; default a `callTool` overload. */
  entry?: (toolName: string, names: { args: string; result: string }) => string;
  /** Objects that allow more properties (`additionalProperties: true`) say so with an index signature. */
  openObjects?: boolean;
}

/** What a tool declaration reads from a tool; a catalog `ToolDefinition` fits. */
export interface ToolSchemas {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

export const DEFAULT_TYPESCRIPT_OPTIONS: Readonly<Required<TypeScriptOptions>> = { maxDepth: 12, maxChars: 20_000, docMaxChars: 200 };

/** Room kept in the last, hard-cut attempt for closing braces of a declaration cut short. */
const HARD_CUT_RESERVE = 256;

function count(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

function resolveOptions(options: TypeScriptOptions | undefined): { plans: EmitPlan[]; maxChars: number } {
  const d = DEFAULT_TYPESCRIPT_OPTIONS;
  return { plans: cappedPlans(count(options?.maxDepth, d.maxDepth), count(options?.docMaxChars, d.docMaxChars)), maxChars: count(options?.maxChars, d.maxChars) };
}

interface Fitted<T> {
  parts: T;
  text: string;
  registry: TypeRegistry;
  emitter: DeclarationEmitter;
}

/**
 * Renders with each plan in turn until the text fits `maxChars`; the last plan cuts hard and its text
 * is returned even when it still overshoots (the caller then falls back to the smallest valid text).
 */
function fit<T>(plans: readonly EmitPlan[], maxChars: number, registry: TypeRegistry, prefix: string, render: (emitter: DeclarationEmitter) => { parts: T; text: string }): Fitted<T> {
  for (let i = 0; ; i++) {
    const plan = plans[i]!;
    const hardCut = i === plans.length - 1;
    const fork = registry.fork();
    const limit = hardCut ? Math.max(0, maxChars - HARD_CUT_RESERVE) : maxChars;
    const emitter = new DeclarationEmitter({ plan, limit, hardCut, registry: fork, prefix });
    try {
      const out = render(emitter);
      if (hardCut || out.text.length <= maxChars) return { ...out, registry: fork, emitter };
    } catch (err) {
      if (!(err instanceof OverBudget)) throw err;
    }
  }
}

/**
 * Declarations for `schema`: an interface or type alias named `typeName` (made a valid identifier if it
 * is not one), followed by one declaration per `$ref` target it uses.
 */
export function schemaToTypeScript(schema: unknown, typeName: string, options?: TypeScriptOptions): string {
  const name = safeTypeName(String(typeName));
  const { plans, maxChars } = resolveOptions(options);
  try {
    const registry = new TypeRegistry();
    registry.claim(name);
    const { text } = fit(plans, maxChars, registry, name, (emitter) => {
      const lines = [emitter.emitRoot(schema, name, 'result', undefined), ...emitter.drain().map((d) => d.text)];
      return { parts: undefined, text: [...lines, ...(emitter.cut ? [TRUNCATED_COMMENT] : [])].join('\n') };
    });
    return text.length <= maxChars ? text : `type ${name} = unknown;\n${TRUNCATED_COMMENT}`;
  } catch {
    // Proxies or throwing getters in a hand-built schema: describe it as unknown rather than fail.
    return `type ${name} = unknown;`;
  }
}

/** `users:list` → `UsersListArgs` / `UsersListResult`. */
export function toolTypeNames(toolName: string): { args: string; result: string } {
  const base = pascalCase(toolName, 'Tool');
  return { args: `${base}Args`, result: `${base}Result` };
}

/** Shared type names start with the tool's source: `github:issues/create` uses `GithubIssue`. */
const sharedPrefix = (toolName: string): string => pascalCase(toolName.includes(':') ? toolName.slice(0, toolName.indexOf(':')) : toolName, 'Tool');

/**
 * One declaration block for several tools: per tool its argument and result types and a `callTool`
 * overload tying them to its name, then the named types it references that no earlier tool declared.
 * A named type used by several tools is declared once. Arguments without a usable schema are
 * `Record<string, unknown>` (MCP arguments are always an object); a tool without an output schema
 * returns `unknown`. Each tool's part (its types and the named types it adds) keeps to `maxChars`.
 */
export function toolsDeclaration(tools: readonly ToolSchemas[], options?: DeclarationBlockOptions): string {
  const resolved = resolveOptions(options);
  const plans = options?.openObjects ? resolved.plans.map((plan) => ({ ...plan, openObjects: true })) : resolved.plans;
  const { maxChars } = resolved;
  let registry = new TypeRegistry();
  // Every tool's own names first, so no shared type takes one of them.
  const entries = tools.map((tool) => {
    const toolName = typeof tool?.name === 'string' ? tool.name : String(tool?.name ?? '');
    const base = toolTypeNames(toolName);
    const names = { args: registry.claim(base.args), result: registry.claim(base.result) };
    const signature = options?.entry ? options.entry(toolName, names) : `declare function callTool(name: ${singleQuote(toolName)}, args: ${names.args}): Promise<${names.result}>;`;
    return { tool, toolName, names, signature };
  });
  const sections: (string | { shared: string })[] = [];
  const sharedText = new Map<string, string>();
  let leftOut = false;
  let truncated = false;
  for (const { tool, toolName, names, signature } of entries) {
    const fallback = [`type ${names.args} = Record<string, unknown>;`, `type ${names.result} = unknown;`, signature];
    const budget = Math.max(0, maxChars - signature.length - 1);
    let fitted: Fitted<{ own: string[]; defs: Declaration[] }>;
    try {
      const description = typeof tool.description === 'string' && tool.description.trim() ? tool.description : undefined;
      fitted = fit(plans, budget, registry, sharedPrefix(toolName), (emitter) => {
        const args = emitter.emitRoot(tool.inputSchema, names.args, 'args', description, 'Record<string, unknown>');
        const result = tool.outputSchema === undefined || tool.outputSchema === null ? `type ${names.result} = unknown;` : emitter.emitRoot(tool.outputSchema, names.result, 'result', undefined);
        const defs = emitter.drain();
        return { parts: { own: [args, result], defs }, text: [args, result, ...defs.map((d) => d.text)].join('\n') };
      });
    } catch {
      // Proxies or throwing getters in a hand-built schema: the bare signature is still right.
      sections.push(...fallback);
      continue;
    }
    if (fitted.text.length > budget) {
      sections.push(...fallback);
      truncated = true;
      continue;
    }
    registry = fitted.registry;
    leftOut ||= fitted.emitter.leftOut;
    truncated ||= fitted.emitter.cut;
    sections.push(...fitted.parts.own, signature);
    for (const d of fitted.parts.defs) {
      if (d.shared && !sharedText.has(d.name)) sections.push({ shared: d.name });
      if (d.shared) sharedText.set(d.name, d.text);
      else sections.push(d.text);
    }
  }
  const lines = sections.map((s) => (typeof s === 'string' ? s : sharedText.get(s.shared)!));
  if (truncated) lines.push(TRUNCATED_COMMENT);
  else if (leftOut && options?.shortenedNote) lines.push(options.shortenedNote);
  return lines.join('\n');
}

/** The declarations of one tool: `toolsDeclaration` of that tool alone. */
export function toolDeclaration(tool: ToolSchemas, options?: TypeScriptOptions): string {
  return toolsDeclaration([tool], options);
}
