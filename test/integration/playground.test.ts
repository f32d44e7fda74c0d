import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';

/** A real headless Chromium against a real server with API keys on (.ci/run installs Debian's chromium). */
const CHROMIUM = '/usr/bin/chromium';
const KEY = 'playground-key-0123456789';
const OUTPUT = resolve(__dirname, '..', '..', '..', 'test-output');

let g: TestGateway;
let server: RunningServer;
let browser: Browser;
beforeAll(async () => {
  g = await startTestGateway({ auth: { apiKeys: [{ key: KEY, tenant: 'acme' }] } });
  server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 5_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the playground page', () => {
  test('is served with a strict Content-Security-Policy and no inline script', async () => {
    const res = await httpRequest(`${server.url}/`);
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\son\w+=/);
    const js = await httpRequest(`${server.url}/playground/app.js`);
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.text).not.toMatch(/https?:\/\/(cdn|unpkg|esm\.sh)/);
  });

  test('search, read a tool, run the seed example with its timeline, then a syntax error', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${server.url}/`);
    await page.fill('#api-key', KEY);
    await page.dispatchEvent('#api-key', 'change');

    await page.fill('#search', 'invoices');
    await page.press('#search', 'Enter');
    await page.waitForSelector('#results li');
    const names = await page.$$eval('#results li', (items) => items.map((li) => li.getAttribute('data-tool') ?? ''));
    expect(names.some((n) => n.startsWith('invoices:'))).toBe(true);
    expect(await page.textContent('#search-status')).toContain('ranked by words (tfidf)');
    await page.click('#results li[data-tool^="invoices:"]');
    await page.waitForSelector('#tool-detail:not([hidden])');
    expect(await page.textContent('#tool-name')).toMatch(/^invoices:/);
    expect((await page.textContent('#tool-ts'))!.length).toBeGreaterThan(20);

    // The editor opens on the seed example.
    await page.click('#run');
    await page.waitForSelector('#outcome:not([hidden])');
    expect(await page.textContent('#status')).toBe('ok');
    expect(await page.locator('#result-table tr.row').count()).toBe(10);
    const calls = await page.$$eval('#timeline .call', (rows) => rows.map((r) => [r.getAttribute('data-tool'), r.getAttribute('data-outcome')]));
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every(([tool, outcome]) => tool === 'users:list' && outcome === 'ok')).toBe(true);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: resolve(OUTPUT, 'playground.png'), fullPage: true });

    await page.selectOption('#examples', { label: 'A syntax error' });
    // Ctrl+Enter in the editor runs it, like the button.
    await page.click('#editor .cm-content');
    await page.keyboard.press('Control+Enter');
    await page.locator('#status', { hasText: 'syntax_error' }).waitFor();
    expect(await page.textContent('#error-line')).toMatch(/^line 1, column \d+/);
    expect((await page.textContent('#error-hint'))!.length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('without the key the page says why its calls fail', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.fill('#search', 'invoices');
    await page.press('#search', 'Enter');
    await page.locator('#search-status', { hasText: 'UNAUTHORIZED' }).waitFor();
    await page.close();
  });

  test('playground.enabled: false serves no page', async () => {
    const off = await startTestGateway({ playground: { enabled: false } });
    const s = await startHttpServer({ gateway: off.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 5_000 });
    try {
      expect((await httpRequest(`${s.url}/`)).status).toBe(404);
      expect((await httpRequest(`${s.url}/playground/app.js`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});

describe('the playground approves and denies calls waiting for a person', () => {
  test('an agent\'s execution pauses; the approver sees the call, its arguments and script, approves one and denies another', async () => {
    const gated = await startTestGateway({ auth: { apiKeys: [{ key: KEY, tenant: 'acme' }] }, approvals: { tools: { 'test:sleep': 'approve' } } });
    const s = await startHttpServer({ gateway: gated.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 5_000 });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    try {
      // The agent's side: two scripts pause at the call that needs approval.
      const agent = { 'x-api-key': KEY };
      const first = (await postJson(`${s.url}/v1/execute`, { script: "const n = await callTool('test:echo', { n: 41 }); await callTool('test:sleep', { ms: 5 }); return n.echo.n + 1;" }, agent)).body as { jobId: string };
      const second = (await postJson(`${s.url}/v1/execute`, { script: "try { await callTool('test:sleep', { ms: 6 }); return 'slept'; } catch (e) { return e.message; }" }, agent)).body as { jobId: string };
      expect(gated.calls).toEqual(['test:echo']);

      await page.goto(`${s.url}/`);
      await page.fill('#api-key', KEY);
      await page.dispatchEvent('#api-key', 'change');
      const card = (jobId: string) => page.locator(`#approvals li.approval[data-job="${jobId}"]`);
      await card(first.jobId).waitFor();
      expect(await page.locator('#approvals li.approval').count()).toBe(2);
      expect(await card(first.jobId).locator('.tool').textContent()).toBe('test:sleep');
      expect(JSON.parse((await card(first.jobId).locator('pre.args').textContent()) ?? '')).toEqual({ ms: 5 });
      expect(await card(first.jobId).locator('pre.script').textContent()).toContain("callTool('test:echo', { n: 41 })");
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: resolve(OUTPUT, 'playground-approvals.png'), fullPage: true });

      await card(first.jobId).locator('button.approve').click();
      await page.locator('#status', { hasText: 'ok' }).waitFor();
      expect(JSON.parse((await page.textContent('#result')) ?? '')).toBe(42);
      // The echo before the pause was replayed, not made again; the approved call was made once.
      expect(gated.calls).toEqual(['test:echo', 'test:sleep']);
      await card(second.jobId).waitFor();
      expect(await page.locator('#approvals li.approval').count()).toBe(1);

      await card(second.jobId).locator('input.reason').fill('not today');
      await card(second.jobId).locator('button.deny').click();
      await page.locator('#result', { hasText: 'not today' }).waitFor();
      await page.locator('#approvals-status', { hasText: 'Nothing waits for approval.' }).waitFor();
      expect(gated.calls).toEqual(['test:echo', 'test:sleep']);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await s.close();
    }
  }, 60_000);
});
