import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttpServer, type RunningServer } from '../../src/http';
import { createLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * What upstream MCP tools return keeps its kind: images, audio and resources reach a script as values and
 * an MCP client as content blocks, text as text; task-only tools are not offered; a stdio server's stderr
 * is logged (rate-limited); an npx-started server runs where the home directory cannot be written.
 */
const FIXTURES = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'mcp');
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

type Block = { type: string; text?: string; data?: string; mimeType?: string; resource?: { uri: string; text?: string } };
type Result = { content: Block[]; structuredContent?: Record<string, unknown>; isError?: boolean };

describe('upstream content through scripts, invoke and raw tools', () => {
  let g: TestGateway;
  let server: RunningServer;
  let client: Client;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const log = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }));
    g = await startTestGateway(
      {
        // Raw tools listed, and the ones the scripts below call enabled for code use too.
        access: { mode: 'codecall_opt_in', tools: Object.fromEntries(['fixture:picture', 'fixture:report', 'fixture:motto', 'fixture:shout', 'viaNpx:echo'].map((t) => [t, { enabledInCodeCall: true }])) },
        sources: {
          demo: false,
          mcp: [
            { name: 'fixture', transport: 'stdio', command: process.execPath, args: [resolve(FIXTURES, 'upstream-server.mjs')] },
            // npx with a home directory nothing can be created in (as in the read-only image).
            { name: 'viaNpx', transport: 'stdio', command: 'npx', args: ['--yes', resolve(FIXTURES, 'npx-server')], env: { HOME: '/dev/null/no-home' } },
          ],
        },
      },
      { log },
    );
    server = await startHttpServer({ gateway: g.gateway, log, host: '127.0.0.1', port: 0, bodyLimitBytes: 65_536, shutdownGraceMs: 1_000 });
    client = new Client({ name: 'content-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
  }, 90_000);
  afterAll(async () => {
    await client.close();
    await server.close();
    await g.close();
  });

  test('a script gets an image as { type, mimeType, data }, mixed content as { content }, text as a string', async () => {
    const r = await g.run(`
      const picture = await callTool('fixture:picture', {});
      const report = await callTool('fixture:report', {});
      const motto = await callTool('fixture:motto', {});
      return { picture, kinds: report.content.map((c) => c.type), motto };`);
    expect(r.result).toEqual({ picture: { type: 'image', mimeType: 'image/png', data: PIXEL }, kinds: ['text', 'image', 'resource'], motto: 'Plain words, no JSON' });
  });

  test('a raw tool answers an image as an image block, text as text without quotes, mixed content block by block', async () => {
    const picture = (await client.callTool({ name: 'fixture__picture', arguments: {} })) as Result;
    expect(picture).toEqual({ content: [{ type: 'image', data: PIXEL, mimeType: 'image/png' }] });
    const motto = (await client.callTool({ name: 'fixture__motto', arguments: {} })) as Result;
    expect(motto.content).toEqual([{ type: 'text', text: 'Plain words, no JSON' }]);
    const report = (await client.callTool({ name: 'fixture__report', arguments: {} })) as Result;
    expect(report.content).toEqual([
      { type: 'text', text: 'caption' },
      { type: 'image', data: PIXEL, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'file:///notes.txt', mimeType: 'text/plain', text: 'notes' } },
    ]);
  });

  test('invoke_tool and execute_script send media as content blocks and name them in the JSON text', async () => {
    const invoked = (await client.callTool({ name: 'invoke_tool', arguments: { name: 'fixture:picture', input: {} } })) as Result;
    expect(invoked.content[1]).toEqual({ type: 'image', data: PIXEL, mimeType: 'image/png' });
    expect(invoked.content[0]!.text).not.toContain(PIXEL);
    expect(JSON.parse(invoked.content[0]!.text!)).toEqual({ status: 'ok', result: `[image: image/png, ${PIXEL.length} characters; sent as content block 2]` });
    expect(invoked.structuredContent).toMatchObject({ status: 'ok', result: { type: 'image', data: PIXEL } });
    const executed = (await client.callTool({ name: 'execute_script', arguments: { script: "const p = await callTool('fixture:picture', {}); return { caption: 'one pixel', p }" } })) as Result;
    expect(executed.content.map((b) => b.type)).toEqual(['text', 'image']);
    expect(JSON.parse(executed.content[0]!.text!).result).toEqual({ caption: 'one pixel', p: `[image: image/png, ${PIXEL.length} characters; sent as content block 2]` });
  });

  test('a tool that runs only as a task is not offered; plain answers keep structured content', async () => {
    expect(g.gateway.catalog.get('fixture:audit')).toBeUndefined();
    const listed = (await client.listTools()).tools.map((t) => t.name);
    expect(listed).toContain('fixture__echo');
    expect(listed).not.toContain('fixture__audit');
    expect(lines.some((l) => l.msg === 'upstream tools that run only as tasks are not offered' && JSON.stringify(l.tools) === '["audit"]')).toBe(true);
    const echo = (await client.callTool({ name: 'fixture__echo', arguments: { message: 'hi' } })) as Result;
    expect(echo.structuredContent).toEqual({ message: 'hi', n: 0 });
  });

  test('an npx-started server runs with an unwritable home (its cache is in the temporary directory)', async () => {
    expect(g.gateway.upstreams.find((u) => u.config.name === 'viaNpx')!.health()).toMatchObject({ state: 'connected', tools: 9 });
    expect((await g.run("return (await callTool('viaNpx:echo', { message: 'npx' })).message")).result).toBe('npx');
  });

  test("stderr lines reach the log under the upstream's name, rate-limited", async () => {
    expect(lines.some((l) => l.upstream === 'fixture' && l.stderr === 'fixture-upstream starting')).toBe(true);
    await g.run("await callTool('fixture:shout', { lines: 50 })");
    const shouted = () => lines.filter((l) => l.upstream === 'fixture' && typeof l.stderr === 'string' && l.stderr.startsWith('shout line')).length;
    const until = Date.now() + 10_000;
    while (shouted() < 19 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    // At most 20 lines per 10 s window (the start-up line may share the window).
    expect(shouted()).toBeGreaterThanOrEqual(19);
    expect(shouted()).toBeLessThanOrEqual(20);
  }, 30_000);
});
