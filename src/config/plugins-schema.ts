import { z } from 'zod';
import { int } from './int';

/** One plugin in a chain: a module `<plugins.dir>/<name>.mjs` (or `.js`) run in the plugin pool. */
const PluginRef = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a plugin name is letters, digits, _, . or -; the module is <plugins.dir>/<name>.mjs or .js'),
    /** Chains run in ascending order (ties keep the order written; `*` chains before a source's own). */
    order: z.number().int().default(0),
    /** false leaves the plugin out without removing it from the file. */
    enabled: z.boolean().default(true),
    /** This plugin's budget per call; default plugins.defaultTimeoutMs. */
    timeoutMs: int(1, 600_000).optional(),
    /** Handed to the plugin as `options` (plain JSON). */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

const PluginChains = z
  .object({
    /** Before the tool runs: may rewrite the arguments or refuse the call. */
    request: z.array(PluginRef).default([]),
    /** After it answered: may rewrite the result. */
    response: z.array(PluginRef).default([]),
  })
  .strict();

export const Plugins = z
  .object({
    /** Where plugin modules are (relative to the working directory). */
    dir: z.string().min(1).default('./plugins'),
    /** A plugin's budget per call, unless its entry sets timeoutMs. */
    defaultTimeoutMs: int(1, 600_000).default(5_000),
    /** Plugin calls running or waiting at once; past it a call fails with PLUGIN_ERROR (busy). */
    maxConcurrentExecutions: int(1).default(20),
    /** Warm worker threads for plugins (started when a chain is configured). */
    poolSize: int(1, 64).default(2),
    /** Heap of each plugin thread; a plugin that exhausts it fails its call and the thread is replaced. */
    heapMb: int(16, 4_096).default(128),
    /** Chains by source name (`users`, `github`, …) or `*` for every source. */
    sources: z.record(z.string().min(1), PluginChains).default({}),
  })
  .strict();
