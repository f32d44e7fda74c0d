/**
 * Compact TypeScript declarations for tool schemas: what a script author (or a model writing one) needs
 * to call a tool correctly, in far fewer tokens than the JSON Schema. Our own emitter rather than a
 * library because schemas come from upstream servers and must never make description fail or stall:
 * output is bounded, deterministic and always compiles.
 */
import { DeclarationEmitter, TRUNCATED_COMMENT, type EmitOptions } from './ts-emit';
import { pascalCase, safeTypeName, singleQuote } from './literal';

export interface TypeScriptOptions {
  /** Inline nesting levels rendered before a type becomes `unknown` (default 12). */
  maxDepth?: number;
  /** Output budget in characters; declarations that do not fit become `unknown` (default 20,000). */
  maxChars?: number;
  /** Longest JSDoc text per declaration or property (default 200). */
  docMaxChars?: number;
}

/** What `toolDeclaration` reads from a tool; a catalog `ToolDefinition` fits. */
export interface ToolSchemas {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

export const DEFAULT_TYPESCRIPT_OPTIONS: Readonly<Required<TypeScriptOptions>> = { maxDepth: 12, maxChars: 20_000, docMaxChars: 200 };

function count(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

function resolveOptions(options: TypeScriptOptions | undefined): EmitOptions {
  const d = DEFAULT_TYPESCRIPT_OPTIONS;
  return {
    maxDepth: count(options?.maxDepth, d.maxDepth),
    maxChars: count(options?.maxChars, d.maxChars),
    docMaxChars: count(options?.docMaxChars, d.docMaxChars),
  };
}

/**
 * Joins the emitted lines. The emitter's budget is approximate, so an output that still overshoots is
 * replaced by the smallest text that keeps every declared name valid.
 */
function finish(emitter: DeclarationEmitter, names: readonly string[], trailer: readonly string[], maxChars: number): string {
  const lines = [...emitter.lines()];
  if (emitter.cut) lines.push(TRUNCATED_COMMENT);
  const text = [...lines, ...trailer].join('\n');
  if (text.length <= maxChars) return text;
  return [...names.map((n) => `type ${n} = unknown;`), TRUNCATED_COMMENT, ...trailer].join('\n');
}

/**
 * Declarations for `schema`: an interface or type alias named `typeName` (made a valid identifier if it
 * is not one), followed by one declaration per `$ref` target it uses.
 */
export function schemaToTypeScript(schema: unknown, typeName: string, options?: TypeScriptOptions): string {
  const name = safeTypeName(String(typeName));
  const opts = resolveOptions(options);
  try {
    const emitter = new DeclarationEmitter(opts, 0);
    emitter.claim(name);
    emitter.emitRoot(schema, name, undefined);
    return finish(emitter, [name], [], opts.maxChars);
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

/**
 * The argument and result types of one tool and a `callTool` overload tying them to its name. Arguments
 * without a usable schema are `Record<string, unknown>` (MCP arguments are always an object); a tool
 * without an output schema returns `unknown`.
 */
export function toolDeclaration(tool: ToolSchemas, options?: TypeScriptOptions): string {
  const opts = resolveOptions(options);
  const toolName = typeof tool?.name === 'string' ? tool.name : String(tool?.name ?? '');
  const names = toolTypeNames(toolName);
  const signature = `declare function callTool(name: ${singleQuote(toolName)}, args: ${names.args}): Promise<${names.result}>;`;
  try {
    const emitter = new DeclarationEmitter(opts, signature.length);
    const args = emitter.claim(names.args);
    const result = emitter.claim(names.result);
    const description = typeof tool.description === 'string' && tool.description.trim() ? tool.description : undefined;
    emitter.emitRoot(tool.inputSchema, args, description, 'Record<string, unknown>');
    if (tool.outputSchema === undefined || tool.outputSchema === null) emitter.raw(`type ${result} = unknown;`);
    else emitter.emitRoot(tool.outputSchema, result, undefined);
    return finish(emitter, [args, result], [signature], opts.maxChars);
  } catch {
    return [`type ${names.args} = Record<string, unknown>;`, `type ${names.result} = unknown;`, signature].join('\n');
  }
}
