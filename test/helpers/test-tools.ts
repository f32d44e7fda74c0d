import { ToolFailure, type ToolDefinition } from '../../src/catalog';

const obj = (properties: Record<string, unknown> = {}, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

/** Tools with behaviour the demo catalog does not have: hanging, slow, failing, echoing, counting. */
export function createTestTools(): { tools: ToolDefinition[]; calls: string[] } {
  const calls: string[] = [];
  const tools: ToolDefinition[] = [
    {
      name: 'test:echo',
      description: 'Returns its arguments.',
      inputSchema: { type: 'object', additionalProperties: true },
      handler: (args) => {
        calls.push('test:echo');
        return { echo: args };
      },
    },
    {
      name: 'test:hang',
      description: 'Never answers and ignores its abort signal.',
      inputSchema: obj(),
      handler: () => {
        calls.push('test:hang');
        return new Promise(() => undefined);
      },
    },
    {
      name: 'test:sleep',
      description: 'Answers after ms milliseconds.',
      inputSchema: obj({ ms: { type: 'integer', minimum: 0, maximum: 60000 } }, ['ms']),
      handler: (args) =>
        new Promise((resolve) => {
          calls.push('test:sleep');
          setTimeout(() => resolve({ slept: args.ms }), args.ms as number);
        }),
    },
    {
      name: 'test:fail',
      description: 'Always fails with code BROKEN.',
      inputSchema: obj(),
      handler: () => {
        calls.push('test:fail');
        throw new ToolFailure('BROKEN', 'the test tool failed on purpose');
      },
    },
    {
      name: 'test:big',
      description: 'Returns a string of n characters.',
      inputSchema: obj({ n: { type: 'integer', minimum: 0 } }, ['n']),
      handler: (args) => ({ text: 'x'.repeat(args.n as number) }),
    },
    {
      name: 'test:tree',
      description: 'Counts the nodes of an organisation chart given as a recursive tree.',
      inputSchema: {
        type: 'object',
        properties: { root: { $ref: '#/$defs/node' } },
        required: ['root'],
        additionalProperties: false,
        $defs: {
          node: {
            type: 'object',
            description: 'A person and their reports.',
            properties: { name: { type: 'string' }, reports: { type: 'array', items: { $ref: '#/$defs/node' } } },
            required: ['name'],
          },
        },
      },
      outputSchema: { type: 'object', properties: { nodes: { type: 'integer' }, names: { type: 'array', items: { type: 'string' } } }, required: ['nodes', 'names'] },
      handler: (args) => {
        const names: string[] = [];
        const walk = (node: { name: string; reports?: unknown[] }) => {
          names.push(node.name);
          for (const child of node.reports ?? []) walk(child as { name: string; reports?: unknown[] });
        };
        walk(args.root as { name: string });
        return { nodes: names.length, names };
      },
    },
    {
      name: 'test:ping',
      description: 'Answers pong; takes no arguments and declares no result schema.',
      inputSchema: { type: 'object', properties: {} },
      handler: () => 'pong',
    },
  ];
  return { tools, calls };
}
