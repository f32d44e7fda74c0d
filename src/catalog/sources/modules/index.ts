import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ToolCallContext, ToolDefinition } from '../../types';

/** Marks objects made by defineTool; Symbol.for so a module that loaded its own copy still matches. */
export const TOOL_BRAND = Symbol.for('scriptgate.tool');

/**
 * A catalog tool definition whose handler is typed by its arguments and result. `name` is `tool`
 * (namespaced by the file name: tools/weather.mjs → `weather:tool`) or a full `source:tool`.
 */
export type ToolModuleDefinition<Args extends Record<string, unknown>, Result> = Omit<ToolDefinition, 'handler'> & {
  /** Receives validated arguments and a context with the tenant, caller context, abort signal and deadline. */
  handler: (args: Args, ctx: ToolCallContext) => Result | Promise<Result>;
};

export type DefinedTool = ToolDefinition & { readonly [TOOL_BRAND]: true };

/**
 * Declares a tool in a local module. Arguments are validated against `inputSchema` before the handler
 * runs, so `Args` can describe the validated shape.
 */
export function defineTool<Args extends Record<string, unknown> = Record<string, unknown>, Result = unknown>(
  definition: ToolModuleDefinition<Args, Result>,
): DefinedTool {
  if (typeof definition.name !== 'string' || !definition.name) throw new TypeError('defineTool: name must be a non-empty string');
  if (typeof definition.description !== 'string') throw new TypeError(`defineTool(${definition.name}): description must be a string`);
  if (typeof definition.handler !== 'function') throw new TypeError(`defineTool(${definition.name}): handler must be a function`);
  if (definition.inputSchema === null || typeof definition.inputSchema !== 'object') throw new TypeError(`defineTool(${definition.name}): inputSchema must be a JSON Schema object`);
  return Object.freeze({ ...definition, handler: definition.handler as ToolDefinition['handler'], [TOOL_BRAND]: true as const });
}

const isDefinedTool = (value: unknown): value is DefinedTool =>
  value !== null && typeof value === 'object' && (value as { [TOOL_BRAND]?: unknown })[TOOL_BRAND] === true;

export class ModuleLoadError extends Error {
  override name = 'ModuleLoadError';
}

const MODULE_FILE = /\.(mjs|js|cjs)$/;

/** Where `sources.demo` finds the demo catalog's tool module (dist/demo/tools beside dist/src). */
export const DEMO_TOOLS_DIR = resolve(__dirname, '..', '..', '..', '..', 'demo', 'tools');

/** Node's own rule: `.cjs`, or `.js` whose nearest package.json does not say `"type": "module"`. */
function isCommonJs(path: string): boolean {
  if (path.endsWith('.cjs')) return true;
  if (path.endsWith('.mjs')) return false;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown }).type !== 'module';
    } catch {
      if (dirname(dir) === dir) return true;
    }
  }
}

/**
 * CommonJS is required, ES modules imported: require gives a CommonJS module's real exports (import() sees
 * only what a static scan of the file finds), and it also works where dynamic import is unavailable, such as
 * an embedder's test runner.
 */
async function loadModule(path: string): Promise<Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path chosen by config, see above
  if (isCommonJs(path)) return require(path) as Record<string, unknown>;
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

/** Loads every tool module (top level of each directory, in name order); relative directories resolve from the working directory. */
export async function loadModuleTools(sources: readonly { dir: string }[]): Promise<ToolDefinition[]> {
  const tools: ToolDefinition[] = [];
  for (const { dir } of sources) {
    const root = resolve(dir);
    let files: string[];
    try {
      files = readdirSync(root).filter((f) => MODULE_FILE.test(f) && statSync(join(root, f)).isFile()).sort();
    } catch (err) {
      throw new ModuleLoadError(`sources.modules: cannot read directory ${root}: ${(err as Error).message}`, { cause: err });
    }
    for (const file of files) {
      const path = join(root, file);
      let namespace: Record<string, unknown>;
      try {
        namespace = await loadModule(path);
      } catch (err) {
        throw new ModuleLoadError(`sources.modules: ${path} failed to load: ${(err as Error).message}`, { cause: err });
      }
      const source = basename(file, extname(file));
      const found = Object.values(namespace).flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isDefinedTool);
      for (const tool of new Set(found)) {
        tools.push({ ...tool, name: tool.name.includes(':') ? tool.name : `${source}:${tool.name}` });
      }
    }
  }
  return tools;
}
