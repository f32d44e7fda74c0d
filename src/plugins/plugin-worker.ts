/**
 * Worker-thread entry of the plugin pool (plugin-runner.ts): loads an operator's plugin module once per
 * thread and calls its default export with the call's input. Whatever it returns crosses back by
 * structured clone; the front checks its shape.
 */
import { pathToFileURL } from 'node:url';

export interface PluginTask {
  /** Absolute path of the module. */
  file: string;
  input: Record<string, unknown>;
}

type PluginFunction = (input: Record<string, unknown>) => unknown;

const loaded = new Map<string, Promise<PluginFunction>>();

async function load(file: string): Promise<PluginFunction> {
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  if (typeof module.default !== 'function') throw new TypeError(`${file} does not export a default function`);
  return module.default as PluginFunction;
}

export default async function runPlugin(task: PluginTask): Promise<unknown> {
  let fn = loaded.get(task.file);
  if (!fn) {
    fn = load(task.file);
    loaded.set(task.file, fn);
    // A module that failed to load is tried again on the next call (it may have been fixed on disk).
    fn.catch(() => loaded.delete(task.file));
  }
  return (await fn)(task.input);
}
