import type { ToolDefinition } from '../src/catalog';

/** Tools that answer at once (or after a fixed delay), so benchmarks measure the gateway, not the tools. */
export function benchTools(delayMs = 0): ToolDefinition[] {
  return [
    {
      name: 'bench:echo',
      description: 'Returns its arguments immediately (or after the configured delay).',
      inputSchema: { type: 'object', properties: { i: { type: 'integer' } }, additionalProperties: true },
      annotations: { readOnlyHint: true },
      handler: (args) => (delayMs > 0 ? new Promise((resolve) => setTimeout(() => resolve(args), delayMs)) : args),
    },
  ];
}

export const SCRIPTS = Object.freeze({
  trivial: 'return 1',
  threeTools:
    "const a = await callTool('bench:echo', { i: 1 });\n" +
    "const b = await callTool('bench:echo', { i: 2 });\n" +
    "const c = await callTool('bench:echo', { i: 3 });\n" +
    'return a.i + b.i + c.i;',
});
