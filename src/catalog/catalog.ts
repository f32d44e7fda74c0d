import { createHash } from 'node:crypto';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { GatewayError } from '../errors';
import { assignAliases } from './naming';
import { ToolFailure, type ToolCallContext, type ToolCallHooks, type ToolDefinition } from './types';
import { describeValidation } from './validation-message';

/** Longest tool error message passed back to a script; tools sometimes echo whole payloads. */
export const TOOL_ERROR_MESSAGE_MAX_CHARS = 1_000;

/** Invalid inputs up to this size (JSON characters) are validated again for every error, to explain them. */
const EXPLAIN_MAX_INPUT_CHARS = 16_384;

export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*:[A-Za-z0-9_.-]{1,128}$/;

interface RegisteredTool {
  readonly definition: ToolDefinition;
  validate?: ValidateFunction;
  /** The same schema collecting every error, compiled on the tool's first invalid call. */
  explain?: ValidateFunction;
}

/**
 * The registry of every tool from every source. Validates arguments against each tool's inputSchema
 * (validators compiled on first use) and turns handler failures into TOOL_ERROR with the tool's code.
 */
export class Catalog {
  readonly #tools = new Map<string, RegisteredTool>();
  readonly #ajv: Ajv;
  readonly #explainingAjv: Ajv;
  #version: string | undefined;
  #aliases: { toAlias: Map<string, string>; toCanonical: Map<string, string> } | undefined;
  readonly #changeListeners: (() => void)[] = [];

  constructor() {
    // useDefaults: handlers see schema defaults filled in; strict off: upstream schemas use vendor keywords.
    // verbose: errors carry the schema, so a failure can name types and accepted arguments.
    const options = { verbose: true, strict: false, useDefaults: true, coerceTypes: false, validateSchema: false } as const;
    this.#ajv = new Ajv({ ...options, allErrors: false });
    addFormats(this.#ajv);
    // Every error of a small invalid input, so an unknown argument can be paired with the missing one it
    // was meant to be (`user_id` → `userId`). Large inputs keep the first error: collecting all of a
    // huge invalid array would cost the front.
    this.#explainingAjv = new Ajv({ ...options, allErrors: true });
    addFormats(this.#explainingAjv);
  }

  register(tools: readonly ToolDefinition[]): void {
    for (const tool of tools) {
      if (!TOOL_NAME_PATTERN.test(tool.name)) throw new TypeError(`tool name '${tool.name}' must look like source:tool`);
      if (this.#tools.has(tool.name)) throw new TypeError(`tool '${tool.name}' is registered twice`);
      this.#tools.set(tool.name, { definition: tool });
    }
    this.#changed();
  }

  /** Called after every change of the tool set (search index, caches). */
  onChange(listener: () => void): void {
    this.#changeListeners.push(listener);
  }

  #changed(): void {
    this.#version = undefined;
    this.#aliases = undefined;
    for (const listener of this.#changeListeners) listener();
  }

  #aliasMaps(): { toAlias: Map<string, string>; toCanonical: Map<string, string> } {
    if (!this.#aliases) {
      const toAlias = assignAliases(this.#tools.keys());
      this.#aliases = { toAlias, toCanonical: new Map([...toAlias].map(([canonical, alias]) => [alias, canonical])) };
    }
    return this.#aliases;
  }

  /** The provider-safe alias of a canonical name (`users:list` → `users__list`). */
  aliasOf(canonical: string): string | undefined {
    return this.#aliasMaps().toAlias.get(canonical);
  }

  /** Canonical name for a canonical name or an alias; undefined when neither is known. Every entry point uses it. */
  resolve(name: string): string | undefined {
    if (this.#tools.has(name)) return name;
    return this.#aliasMaps().toCanonical.get(name);
  }

  /**
   * Replaces every tool of one source (`source:*`) with `tools`, e.g. after an upstream's
   * tools/list_changed. Validators of replaced tools are dropped with them.
   */
  replaceSource(source: string, tools: readonly ToolDefinition[]): void {
    const prefix = `${source}:`;
    for (const name of [...this.#tools.keys()]) if (name.startsWith(prefix)) this.#tools.delete(name);
    // register() announces the change once the new tools are in.
    this.register(tools.filter((t) => t.name.startsWith(prefix)));
  }

  get size(): number {
    return this.#tools.size;
  }

  get(name: string): ToolDefinition | undefined {
    const canonical = this.resolve(name);
    return canonical === undefined ? undefined : this.#tools.get(canonical)?.definition;
  }

  list(): ToolDefinition[] {
    return [...this.#tools.values()].map((t) => t.definition);
  }

  /** Changes whenever a tool is added, removed or its schema changes: the key for caches. */
  get version(): string {
    if (this.#version === undefined) {
      const hash = createHash('sha256');
      for (const [name, { definition }] of [...this.#tools.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        hash.update(name).update('\0').update(definition.description).update('\0');
        hash.update(JSON.stringify(definition.inputSchema)).update('\0').update(JSON.stringify(definition.outputSchema ?? null)).update('\n');
      }
      this.#version = hash.digest('hex').slice(0, 16);
    }
    return this.#version;
  }

  #validator(entry: RegisteredTool): ValidateFunction {
    if (!entry.validate) {
      try {
        entry.validate = this.#ajv.compile(entry.definition.inputSchema);
      } catch (err) {
        throw new GatewayError('TOOL_ERROR', `${entry.definition.name}: its input schema is invalid (${(err as Error).message})`, { tool: entry.definition.name });
      }
    }
    return entry.validate;
  }

  #allErrors(entry: RegisteredTool, input: unknown): ValidateFunction['errors'] | undefined {
    if ((JSON.stringify(input)?.length ?? 0) > EXPLAIN_MAX_INPUT_CHARS) return undefined;
    entry.explain ??= this.#explainingAjv.compile(entry.definition.inputSchema);
    return entry.explain(input) ? undefined : entry.explain.errors;
  }

  /**
   * Why `args` would fail the tool's validation, without running it (a copy is checked: nothing is filled
   * in). Undefined when they pass, or when request plugins run first and may still rewrite them.
   */
  invalid(name: string, args: unknown): GatewayError | undefined {
    const entry = this.#tools.get(name);
    if (!entry || this.#hooks) return undefined;
    const input = structuredClone(args === undefined || args === null ? {} : args);
    const validate = this.#validator(entry);
    if (validate(input)) return undefined;
    const { pointer, message } = describeValidation(this.#allErrors(entry, input) ?? validate.errors);
    return new GatewayError('TOOL_VALIDATION', `${name}: ${message}`, { tool: name, pointer });
  }

  /** Validates `args` and runs the tool. Throws GatewayError with TOOL_NOT_FOUND, TOOL_VALIDATION or TOOL_ERROR. */
  async call(nameOrAlias: string, args: unknown, ctx: ToolCallContext): Promise<unknown> {
    const name = this.resolve(nameOrAlias) ?? nameOrAlias;
    const entry = this.#tools.get(name);
    if (!entry) throw new GatewayError('TOOL_NOT_FOUND', `unknown tool '${nameOrAlias}'`, { tool: nameOrAlias });
    const sent = args === undefined || args === null ? {} : args;
    const hooked = this.#hooks?.request(name, sent, ctx);
    const input = hooked === undefined ? sent : hooked instanceof Promise ? await hooked : hooked;
    const validate = this.#validator(entry);
    if (!validate(input)) {
      const { pointer, message } = describeValidation(this.#allErrors(entry, input) ?? validate.errors);
      throw new GatewayError('TOOL_VALIDATION', `${name}: ${message}`, { tool: name, pointer });
    }
    let result: unknown;
    try {
      result = await entry.definition.handler(input as Record<string, unknown>, ctx);
    } catch (err) {
      if (err instanceof GatewayError) throw err.details.tool === undefined ? new GatewayError(err.code, err.message, { tool: name, ...err.details }, { cause: err }) : err;
      const toolCode = err instanceof ToolFailure ? err.code : 'TOOL_FAILED';
      const raw = err instanceof Error ? err.message : String(err);
      const message = raw.length > TOOL_ERROR_MESSAGE_MAX_CHARS ? `${raw.slice(0, TOOL_ERROR_MESSAGE_MAX_CHARS)}…` : raw;
      const data = err instanceof ToolFailure && err.data !== undefined ? { data: err.data } : {};
      throw new GatewayError('TOOL_ERROR', message, { tool: name, toolCode, ...data });
    }
    if (!this.#hooks) return result;
    const after = this.#hooks.response(name, result, ctx);
    return after instanceof Promise ? await after : after;
  }

  #hooks: ToolCallHooks | undefined;

  /** Hooks around every call from now on (operator plugins); none by default. */
  useHooks(hooks: ToolCallHooks): void {
    this.#hooks = hooks;
  }
}
