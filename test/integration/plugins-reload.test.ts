/**
 * Hot disable: the service reads its plugins section again on SIGHUP, so an operator turns a plugin off
 * (enabled: false) without a restart. A real server process, a real configuration file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { postJson } from '../helpers/http';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

const DIR = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plugins');
const configFile = join(mkdtempSync(join(tmpdir(), 'scriptgate-plugins-')), 'config.yaml');
const writeConfig = (enabled: boolean): void =>
  writeFileSync(configFile, `plugins:\n  dir: ${JSON.stringify(DIR)}\n  sources:\n    users:\n      response:\n        - { name: wrap-result, enabled: ${enabled} }\n`);

let server: ServerProcess;
let out = '';
beforeAll(async () => {
  writeConfig(true);
  server = await startServerProcess({ SCRIPTGATE_CONFIG: configFile });
  server.child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
}, 30_000);
afterAll(() => server.stop());

const invokeUser = async (): Promise<unknown> => (await postJson(`${server.url}/v1/invoke`, { name: 'users:get', input: { id: 'u_0001' } })).body;

async function hangUp(): Promise<void> {
  const seen = out.split('plugins reloaded').length;
  server.child.kill('SIGHUP');
  const until = Date.now() + 10_000;
  while (out.split('plugins reloaded').length === seen) {
    if (Date.now() > until) throw new Error(`no reload logged: ${out.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('enabled: false and SIGHUP turn a plugin off; enabled: true and SIGHUP turn it on again', async () => {
  expect(await invokeUser()).toMatchObject({ status: 'ok', result: { tool: 'users:get', wrapped: { id: 'u_0001' } } });
  writeConfig(false);
  await hangUp();
  expect(await invokeUser()).toMatchObject({ status: 'ok', result: { id: 'u_0001' } });
  writeConfig(true);
  await hangUp();
  expect(await invokeUser()).toMatchObject({ status: 'ok', result: { tool: 'users:get', wrapped: { id: 'u_0001' } } });
}, 60_000);

test('a configuration that does not load on SIGHUP changes nothing', async () => {
  writeFileSync(configFile, 'plugins:\n  poolSize: lots\n');
  const seen = out.split('plugins not reloaded').length;
  server.child.kill('SIGHUP');
  const until = Date.now() + 10_000;
  while (out.split('plugins not reloaded').length === seen && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(out.split('plugins not reloaded').length).toBe(seen + 1);
  expect(await invokeUser()).toMatchObject({ status: 'ok', result: { tool: 'users:get', wrapped: { id: 'u_0001' } } });
}, 30_000);
