import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, StreamableHTTPClientTransport, type Tool } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { MAIN } from '../helpers/server-process';

/**
 * MCP 2026-07-28 subscriptions/listen: a client that listens for tool-list changes hears when an upstream
 * adds a tool (the catalog changes the listed raw tools), over HTTP and over stdio.
 */
const FIXTURE = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'mcp', 'upstream-server.mjs');
const upstream = { name: 'fixture', transport: 'stdio' as const, command: process.execPath, args: [FIXTURE] };

/** A v2 client pinned to 2026-07-28 whose listChanged handler records every refreshed tool list. */
function listeningClient(): { client: Client; lists: string[][]; changed: (name: string) => Promise<void> } {
  const lists: string[][] = [];
  const waiters: Array<() => void> = [];
  const client = new Client(
    { name: 'listener', version: '1.0.0' },
    {
      versionNegotiation: { mode: { pin: '2026-07-28' } },
      listChanged: {
        tools: {
          onChanged: (error: Error | null, tools: Tool[] | null) => {
            if (error || !tools) return;
            lists.push(tools.map((t) => t.name));
            for (const wake of waiters.splice(0)) wake();
          },
        },
      },
    },
  );
  const changed = async (name: string): Promise<void> => {
    const until = Date.now() + 15_000;
    while (!lists.some((l) => l.includes(name))) {
      if (Date.now() > until) throw new Error(`no tools/list_changed brought '${name}' (lists seen: ${JSON.stringify(lists)})`);
      await new Promise<void>((wake) => {
        waiters.push(wake);
        setTimeout(wake, 200);
      });
    }
  };
  return { client, lists, changed };
}

describe('subscriptions/listen (MCP 2026-07-28): tool-list changes reach listening clients', () => {
  let g: TestGateway;
  let server: RunningServer;
  beforeAll(async () => {
    g = await startTestGateway({ access: { mode: 'codecall_opt_in' }, sources: { mcp: [upstream] } });
    server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 2_000 });
  });
  afterAll(async () => {
    await server.close();
    await g.close();
  });

  test('over HTTP: server/discover declares tools.listChanged; a tool added upstream is announced and listed', async () => {
    const { client, lists, changed } = listeningClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
    try {
      expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
      expect(client.autoOpenedSubscription?.honoredFilter).toMatchObject({ toolsListChanged: true });
      const before = (await client.listTools()).tools.map((t) => t.name);
      expect(before).toContain('fixture__echo');
      expect(before).not.toContain('fixture__via_http');
      await client.callTool({ name: 'fixture__addTool', arguments: { name: 'via_http' } });
      await changed('fixture__via_http');
      expect(lists.at(-1)).toEqual(expect.arrayContaining([...before, 'fixture__via_http']));
    } finally {
      await client.close();
    }
  });

  test('over stdio: the same announcement on the pinned connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scriptgate-listen-'));
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ access: { mode: 'codecall_opt_in' }, sources: { demo: false, mcp: [upstream] }, pool: { minThreads: 1, maxThreads: 1 } }));
    const { client, changed } = listeningClient();
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [MAIN, 'stdio', '--config', configFile], env: { PATH: process.env.PATH ?? '', SCRIPTGATE_LOG_LEVEL: 'warn', SCRIPTGATE_SOURCES_STARTUP_BUDGET_MS: '60000' }, stderr: 'pipe' }),
    );
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(client.autoOpenedSubscription?.honoredFilter).toMatchObject({ toolsListChanged: true });
      // The upstream is served from the start (the budget above): on a busy machine its connect can outlast
      // the default 3 s, and a call made before it joined would add no tool.
      expect((await client.callTool({ name: 'fixture__addTool', arguments: { name: 'via_stdio' } })).isError).toBeFalsy();
      await changed('fixture__via_stdio');
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
