import { resolve } from 'node:path';
import { httpRequest, postJson } from '../helpers/http';
import { startPetApi, type PetApi } from '../helpers/pet-api';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { startTestGateway } from '../helpers/gateway';
import { apiOf } from '../../src/gateway';
import { ANONYMOUS } from '../../src/auth';
import type { JobView } from '../../src/jobs';

/**
 * Durable approvals as deployed: two gateway processes on one Redis, tools of a real HTTP API whose own
 * request log is the side-effect counter. An execution paused on one process is approved through the
 * other, and after every process (Redis included) was restarted; each call is made exactly once.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const SPEC = resolve(ROOT, 'test', 'fixtures', 'openapi', 'petstore.yaml');
const KEY = { 'x-api-key': 'approvals-acme-0123456789' };
const APPROVER = { 'x-api-key': 'approvals-boss-0123456789' };

type Envelope = { status: string; jobId?: string; approval?: { approvalId: string; tool: string; args: unknown; script: string }; result?: unknown; error?: { code: string } };

describe('approvals across processes on Redis', () => {
  let redis: PrivateRedis;
  let api: PetApi;
  let a: ServerProcess;
  let b: ServerProcess;
  const env = () => ({
    REDIS_URL: redis.url,
    SCRIPTGATE_REDIS_KEY_PREFIX: redis.keyPrefix,
    SCRIPTGATE_SOURCES_OPENAPI: JSON.stringify([{ name: 'pets', spec: SPEC, baseUrl: api.url, auth: { type: 'bearer', tokenEnv: 'PETS_TOKEN' } }]),
    PETS_TOKEN: 'pet-token',
    SCRIPTGATE_AUTH_API_KEYS: JSON.stringify([
      { key: KEY['x-api-key'], tenant: 'acme' },
      { key: APPROVER['x-api-key'], tenant: 'acme', scopes: ['approver'] },
    ]),
    SCRIPTGATE_APPROVALS_TOOLS: JSON.stringify({ 'pets:deletePet': 'approve' }),
    SCRIPTGATE_APPROVALS_APPROVER_SCOPE: 'approver',
    SCRIPTGATE_SERVER_SHUTDOWN_GRACE_MS: '5000',
  });
  const deletes = () => api.requests.filter((r) => r.method === 'DELETE').length;
  const creates = () => api.requests.filter((r) => r.method === 'POST').length;
  const lists = () => api.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/api/pets')).length;
  const job = async (server: ServerProcess, jobId: string, waitMs = 0): Promise<JobView> => (await httpRequest(`${server.url}/v1/jobs/${jobId}?waitMs=${waitMs}`, { headers: KEY })).body as JobView;
  const decide = (server: ServerProcess, jobId: string, approvalId: string, decision: 'approve' | 'deny', headers = APPROVER, reason?: string) =>
    postJson(`${server.url}/v1/jobs/${jobId}/approvals/${approvalId}`, { decision, ...(reason ? { reason } : {}) }, headers);

  beforeAll(async () => {
    redis = await startPrivateRedis({ appendOnly: true });
    api = await startPetApi('pet-token');
    [a, b] = await Promise.all([startServerProcess(env()), startServerProcess(env())]);
  }, 90_000);
  afterAll(async () => {
    for (const p of [a, b]) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await api.close();
    await redis.stop();
  });
  beforeEach(() => api.requests.splice(0));

  const SCRIPT = `
    const made = await callTool('pets:createPet', { body: { name: 'Kit' } });
    const all = await callTool('pets:listPets', {});
    const stamp = Date.now();
    await callTool('pets:deletePet', { petId: made.id });
    return { deleted: made.id, listed: all.length, stampKept: typeof stamp === 'number' };`;

  test('paused on one process, approved through the other: the approved call is made once and no earlier call again', async () => {
    const paused = await postJson(`${a.url}/v1/execute`, { script: SCRIPT }, KEY);
    expect(paused.status).toBe(202);
    const body = paused.body as Envelope;
    expect(body).toMatchObject({ status: 'input_required', jobId: expect.any(String), approval: { tool: 'pets:deletePet', args: { petId: expect.any(String) }, script: SCRIPT } });
    expect(paused.headers.location).toBe(`/v1/jobs/${body.jobId}`);
    expect([creates(), lists(), deletes()]).toEqual([1, 1, 0]);
    const jobId = body.jobId as string;
    const approvalId = body.approval?.approvalId as string;
    expect(await job(b, jobId)).toMatchObject({ state: 'input_required', approval: { approvalId, tool: 'pets:deletePet' } });
    const listed = (await httpRequest(`${b.url}/v1/approvals`, { headers: KEY })).body as { approvals: { jobId: string; approval: { approvalId: string } }[] };
    expect(listed.approvals).toEqual([{ jobId, approval: expect.objectContaining({ approvalId, tool: 'pets:deletePet', script: SCRIPT }) }]);

    // The tenant's ordinary key may read the job, not decide it: approverScope asks for the approver's.
    const refused = await decide(b, jobId, approvalId, 'approve', KEY);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'NOT_APPROVER' } });
    const approved = await decide(b, jobId, approvalId, 'approve');
    expect(approved.status).toBe(200);
    const done = await job(a, jobId, 20_000);
    expect(done).toMatchObject({ state: 'completed', result: { status: 'ok', result: { deleted: (body.approval?.args as { petId: string }).petId, stampKept: true } } });
    expect(done.approvals).toEqual([expect.objectContaining({ approvalId, decision: expect.objectContaining({ outcome: 'approved', by: { tenantId: 'acme' } }) })]);
    expect([creates(), lists(), deletes()]).toEqual([1, 1, 1]);
    expect(((await httpRequest(`${a.url}/v1/approvals`, { headers: KEY })).body as { approvals: unknown[] }).approvals).toEqual([]);
    // A second decision loses: the first one holds.
    expect((await decide(a, jobId, approvalId, 'deny')).body).toMatchObject({ error: { code: 'APPROVAL_DECIDED' } });
  }, 60_000);

  test('a script with two approvals pauses twice, decided on different processes; a denial is handled by the script', async () => {
    const script = `
      const one = await callTool('pets:createPet', { body: { name: 'A' } });
      const two = await callTool('pets:createPet', { body: { name: 'B' } });
      await callTool('pets:deletePet', { petId: one.id });
      let second = 'deleted';
      try { await callTool('pets:deletePet', { petId: two.id }); } catch (e) { second = e.code + ': ' + e.message; }
      return { second };`;
    const paused = (await postJson(`${b.url}/v1/execute`, { script }, KEY)).body as Envelope;
    const jobId = paused.jobId as string;
    expect((await decide(a, jobId, paused.approval?.approvalId as string, 'approve')).status).toBe(200);
    const again = await job(b, jobId, 20_000);
    expect(again).toMatchObject({ state: 'input_required', approval: { tool: 'pets:deletePet' } });
    expect(again.approval?.approvalId).not.toBe(paused.approval?.approvalId);
    expect([creates(), deletes()]).toEqual([2, 1]);
    expect((await decide(b, jobId, again.approval?.approvalId as string, 'deny', APPROVER, 'keep B')).status).toBe(200);
    const done = await job(a, jobId, 20_000);
    expect(done).toMatchObject({ state: 'completed', result: { status: 'ok', result: { second: expect.stringMatching(/^APPROVAL_DENIED: .*keep B/) } } });
    expect(done.approvals?.map((x) => x.decision?.outcome)).toEqual(['approved', 'denied']);
    expect([creates(), deletes()]).toEqual([2, 1]);
  }, 60_000);

  test('approved after every process restarted (both gateways and Redis): the execution resumes from Redis', async () => {
    const paused = (await postJson(`${a.url}/v1/execute`, { script: SCRIPT }, KEY)).body as Envelope;
    expect(paused.status).toBe('input_required');
    await Promise.all([a.stop(), b.stop()]);
    await redis.kill();
    await redis.restart();
    [a, b] = await Promise.all([startServerProcess(env()), startServerProcess(env())]);
    expect(await job(b, paused.jobId as string)).toMatchObject({ state: 'input_required', approval: { approvalId: paused.approval?.approvalId } });
    expect((await decide(b, paused.jobId as string, paused.approval?.approvalId as string, 'approve')).status).toBe(200);
    expect(await job(a, paused.jobId as string, 20_000)).toMatchObject({ state: 'completed', result: { status: 'ok' } });
    expect([creates(), lists(), deletes()]).toEqual([1, 1, 1]);
  }, 120_000);

  test('invoke of a tool that needs approval answers 202 with the job; approved, the call is made once', async () => {
    const created = (await postJson(`${a.url}/v1/invoke`, { name: 'pets:createPet', input: { body: { name: 'Z' } } }, KEY)).body as { result: { id: string } };
    const answer = await postJson(`${a.url}/v1/invoke`, { name: 'pets:deletePet', input: { petId: created.result.id } }, KEY);
    expect(answer.status).toBe(202);
    const body = answer.body as { status: string; jobId: string; approval: { approvalId: string } };
    expect(body).toMatchObject({ status: 'input_required', approval: { tool: 'pets:deletePet' } });
    expect(deletes()).toBe(0);
    await decide(b, body.jobId, body.approval.approvalId, 'approve');
    expect(await job(b, body.jobId, 20_000)).toMatchObject({ state: 'completed', result: { status: 'ok' } });
    expect(deletes()).toBe(1);
  }, 60_000);
});

describe('approvals on Redis: expiry', () => {
  test('an approval nobody decides expires: the delayed job runs by itself and the script sees APPROVAL_EXPIRED', async () => {
    const redis = await startPrivateRedis();
    const g = await startTestGateway({ redis: { url: redis.url, keyPrefix: redis.keyPrefix }, approvals: { tools: { 'test:sleep': 'approve' }, ttlSeconds: 1 } });
    try {
      const paused = await g.run(`try { await callTool('test:sleep', { ms: 1 }); return 'ran'; } catch (e) { return e.code; }`);
      expect(paused.status).toBe('input_required');
      let view: JobView | undefined;
      for (let i = 0; i < 100 && view?.state !== 'completed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        view = await apiOf(g.gateway).job(ANONYMOUS, paused.jobId as string);
      }
      expect(view).toMatchObject({ state: 'completed', result: { status: 'ok', result: 'APPROVAL_EXPIRED' }, approvals: [expect.objectContaining({ decision: expect.objectContaining({ outcome: 'expired' }) })] });
      expect(g.calls).toEqual([]);
    } finally {
      await g.close();
      await redis.stop();
    }
  }, 60_000);
});
