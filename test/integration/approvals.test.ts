import { Writable } from 'node:stream';
import { apiOf } from '../../src/gateway';
import { createLogger } from '../../src/log';
import type { JobView } from '../../src/jobs';
import { ANONYMOUS, type Caller } from '../../src/auth';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Approvals on the embedded default (memory queue and store): a call that waits for a person pauses its
 * execution, which becomes a job; a decision resumes it, replaying what it did before.
 */
const APPROVER: Caller = { tenantId: 'default', scopes: ['approver'], via: 'apiKey' };

describe('approvals: a paused execution resumes by replay (embedded default)', () => {
  let g: TestGateway;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    g = await startTestGateway({ approvals: { tools: { 'test:sleep': 'approve', 'test:fail': 'block' }, ttlSeconds: 3600 } }, { log: createLogger('info', sink) });
  }, 60_000);
  afterAll(() => g.close());
  beforeEach(() => g.calls.splice(0));

  const api = () => apiOf(g.gateway);
  const settled = async (jobId: string): Promise<JobView> => (await api().waitJob(ANONYMOUS, jobId, 30_000)) as JobView;

  test('the execution pauses before the call, shows it, and resumes after approval with earlier calls and values replayed', async () => {
    const script = `
      const first = await callTool('test:echo', { stamp: Date.now(), roll: Math.random() });
      console.log('before the approval');
      const slept = await callTool('test:sleep', { ms: 1 });
      const second = await callTool('test:echo', { step: 2 });
      return { echoed: first.echo, again: { stamp: Date.now() >= first.echo.stamp }, slept: slept.slept, second: second.echo.step };`;
    const paused = await g.run(script);
    expect(paused).toMatchObject({ status: 'input_required', approval: { tool: 'test:sleep', args: { ms: 1 }, script } });
    expect(g.calls).toEqual(['test:echo']);
    const jobId = paused.jobId as string;
    const waiting = await api().job(ANONYMOUS, jobId);
    expect(waiting).toMatchObject({ state: 'input_required', approval: { approvalId: paused.approval?.approvalId, tool: 'test:sleep', scriptHash: expect.any(String) } });
    const { approvalId } = paused.approval as { approvalId: string };
    await api().decideApproval(APPROVER, jobId, approvalId, { decision: 'approve' });
    const done = await settled(jobId);
    expect(done).toMatchObject({ state: 'completed', result: { status: 'ok', result: { slept: 1, second: 2, again: { stamp: true } } } });
    // The replay ran the script from the start: its output before the pause is there once.
    expect((done.result as { logs: { message: string }[] }).logs.map((l) => l.message)).toEqual(['before the approval']);
    // The first call was answered from the log (not made again), the approved one made once.
    expect(g.calls).toEqual(['test:echo', 'test:sleep', 'test:echo']);
    expect(done.approvals).toEqual([expect.objectContaining({ approvalId, decision: expect.objectContaining({ outcome: 'approved', by: { tenantId: 'default' } }) })]);
    await expect(api().decideApproval(APPROVER, jobId, approvalId, { decision: 'deny' })).rejects.toMatchObject({ code: 'APPROVAL_DECIDED' });
    // Audit: who asked for what, and who decided (never the script text).
    const audit = lines.filter((l) => l.approvalId === approvalId);
    expect(audit.find((l) => l.audit === 'approval.requested')).toMatchObject({ jobId, tenantId: 'default', tool: 'test:sleep', scriptHash: expect.any(String) });
    expect(audit.find((l) => l.audit === 'approval.decided')).toMatchObject({ jobId, outcome: 'approved', by: { tenantId: 'default' } });
    expect(JSON.stringify(audit)).not.toContain('before the approval');
    const metrics = await g.gateway.metrics.registry.metrics();
    expect(metrics).toMatch(/scriptgate_approvals_requested_total\{tool="test:sleep"\} [1-9]/);
    expect(metrics).toMatch(/scriptgate_approvals_decided_total\{tool="test:sleep",outcome="approved"\} [1-9]/);
    expect(metrics).toMatch(/scriptgate_approval_decision_seconds_count\{outcome="approved"\} [1-9]/);
  }, 60_000);

  test('a script that cannot be replayed cannot pause: the call fails with APPROVAL_REQUIRED, which the script may catch', async () => {
    const envelope = await g.run(`for (let i = 0; i < 10001; i++) Date.now(); try { await callTool('test:sleep', { ms: 1 }); } catch (e) { return [e.code, e.message]; }`);
    expect(envelope).toMatchObject({ status: 'ok', result: ['APPROVAL_REQUIRED', expect.stringContaining('read the clock more often')] });
    expect(g.calls).toEqual([]);
  }, 60_000);

  test('denied: the script gets APPROVAL_DENIED with the reason and may handle it', async () => {
    const paused = await g.run(`try { await callTool('test:sleep', { ms: 1 }); return 'ran'; } catch (e) { return { code: e.code, message: e.message, data: e.data }; }`);
    const approvalId = paused.approval?.approvalId as string;
    await api().decideApproval(APPROVER, paused.jobId as string, approvalId, { decision: 'deny', reason: 'not during the freeze' });
    const done = await settled(paused.jobId as string);
    expect(done.result).toMatchObject({ status: 'ok', result: { code: 'APPROVAL_DENIED', message: expect.stringContaining('not during the freeze'), data: { approvalId, reason: 'not during the freeze' } } });
    expect(g.calls).toEqual([]);
  }, 60_000);

  test('calls whose arguments the tool completes with schema defaults replay as they were sent', async () => {
    // users:list fills in defaults (offset, …) while validating: the log keeps the arguments as the script sent them.
    const paused = await g.run(`const page = await callTool('users:list', { limit: 2 }); const u = await callTool('test:sleep', { ms: 1 }); return [page.items.length, u.slept];`);
    expect(paused).toMatchObject({ status: 'input_required', stats: { toolCalls: 1 } });
    await api().decideApproval(APPROVER, paused.jobId as string, paused.approval?.approvalId as string, { decision: 'approve' });
    expect(await settled(paused.jobId as string)).toMatchObject({ state: 'completed', result: { status: 'ok', result: [2, 1] } });
  }, 60_000);

  test('a script that reads a clock the log does not record diverges when replayed: REPLAY_DIVERGED, its earlier call not repeated', async () => {
    // Intl formats "now" from the real clock, which the replay cannot give back.
    const paused = await g.run(
      "const t = new Intl.DateTimeFormat('en-US', { minute: 'numeric', second: 'numeric', fractionalSecondDigits: 3 }).format();\nawait callTool('test:echo', { t });\nawait callTool('test:sleep', { ms: 1 });\nreturn t;",
    );
    await new Promise((r) => setTimeout(r, 20));
    await api().decideApproval(APPROVER, paused.jobId as string, paused.approval?.approvalId as string, { decision: 'approve' });
    const done = await settled(paused.jobId as string);
    expect(done.result).toMatchObject({ status: 'runtime_error', error: { code: 'REPLAY_DIVERGED', message: expect.stringMatching(/call 1 was test:echo \{"t":"[^"]+"\} before, now test:echo \{"t":"[^"]+"\}/) } });
    expect(g.calls).toEqual(['test:echo']);
  }, 60_000);

  test('two approvals in one script: the job pauses twice, and each call is made once', async () => {
    const paused = await g.run(`const a = await callTool('test:sleep', { ms: 1 }); await callTool('test:echo', { between: true }); const b = await callTool('test:sleep', { ms: 2 }); return [a.slept, b.slept];`);
    const jobId = paused.jobId as string;
    await api().decideApproval(APPROVER, jobId, paused.approval?.approvalId as string, { decision: 'approve' });
    const second = await settled(jobId);
    expect(second).toMatchObject({ state: 'input_required', approval: { tool: 'test:sleep', args: { ms: 2 } } });
    expect(g.calls).toEqual(['test:sleep', 'test:echo']);
    await api().decideApproval(APPROVER, jobId, second.approval?.approvalId as string, { decision: 'approve' });
    const done = await settled(jobId);
    expect(done).toMatchObject({ state: 'completed', result: { status: 'ok', result: [1, 2] } });
    expect(g.calls).toEqual(['test:sleep', 'test:echo', 'test:sleep']);
    expect(done.approvals?.map((a) => a.decision?.outcome)).toEqual(['approved', 'approved']);
  }, 60_000);

  test('invoke of a tool that needs approval answers with the job that makes the call once approved', async () => {
    const answer = await g.gateway.invoke({ name: 'test:sleep', input: { ms: 3 } });
    expect(answer).toMatchObject({ status: 'input_required', approval: { tool: 'test:sleep', args: { ms: 3 } } });
    expect(g.calls).toEqual([]);
    if (answer.status !== 'input_required') throw new Error('not paused');
    await api().decideApproval(APPROVER, answer.jobId, answer.approval.approvalId, { decision: 'approve' });
    expect(await settled(answer.jobId)).toMatchObject({ state: 'completed', result: { status: 'ok', result: { slept: 3 } } });
    expect(g.calls).toEqual(['test:sleep']);
    // Nobody is asked about a call that could not run: invalid arguments are refused at once.
    await expect(g.gateway.invoke({ name: 'test:sleep', input: { ms: 'soon' } })).rejects.toMatchObject({ code: 'TOOL_VALIDATION' });
    expect((await api().pendingApprovals(ANONYMOUS)).approvals).toEqual([]);
  }, 60_000);

  test('block: the call is refused with TOOL_BLOCKED on every path, and the tool does not run', async () => {
    const envelope = await g.run(`await callTool('test:fail', {})`);
    expect(envelope).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_BLOCKED' } });
    expect(await g.gateway.invoke({ name: 'test:fail', input: {} })).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_BLOCKED' } });
    expect(g.calls).toEqual([]);
  }, 60_000);

  test('an async job pauses in place: the job itself waits in input_required, and cancelling it ends it', async () => {
    const view = await api().submitJob({ script: `await callTool('test:sleep', { ms: 1 }); return 'done'` }, ANONYMOUS);
    const waiting = await settled(view.jobId);
    expect(waiting).toMatchObject({ jobId: view.jobId, state: 'input_required', approval: { tool: 'test:sleep' } });
    expect(await api().cancelJob(ANONYMOUS, view.jobId)).toMatchObject({ state: 'cancelled' });
    await expect(api().decideApproval(APPROVER, view.jobId, waiting.approval?.approvalId as string, { decision: 'approve' })).rejects.toMatchObject({ code: 'APPROVAL_DECIDED' });
    expect(g.calls).toEqual([]);
  }, 60_000);

  test('unknown approval or another tenant: not found, nothing decided', async () => {
    const paused = await g.run(`return await callTool('test:sleep', { ms: 1 })`);
    await expect(api().decideApproval(APPROVER, paused.jobId as string, 'apr_nope', { decision: 'approve' })).rejects.toMatchObject({ code: 'APPROVAL_NOT_FOUND' });
    await expect(api().decideApproval({ tenantId: 'other', scopes: [], via: 'apiKey' }, paused.jobId as string, paused.approval?.approvalId as string, { decision: 'approve' })).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect((await api().job(ANONYMOUS, paused.jobId as string))?.state).toBe('input_required');
    await api().cancelJob(ANONYMOUS, paused.jobId as string);
  }, 60_000);
});

describe('approvals: expiry and the approver scope', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({ approvals: { tools: { 'test:sleep': 'approve' }, ttlSeconds: 1, approverScope: 'approver' } });
  }, 60_000);
  afterAll(() => g.close());

  test('undecided past ttlSeconds: the job resumes by itself and the script gets APPROVAL_EXPIRED', async () => {
    const paused = await g.run(`try { await callTool('test:sleep', { ms: 1 }); } catch (e) { return e.code; }`);
    expect(paused.status).toBe('input_required');
    const done = await apiOf(g.gateway).waitJob(ANONYMOUS, paused.jobId as string, 1);
    expect(done?.state).toBe('input_required');
    let view: JobView | undefined;
    for (let i = 0; i < 100 && view?.state !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = await apiOf(g.gateway).job(ANONYMOUS, paused.jobId as string);
    }
    expect(view).toMatchObject({ state: 'completed', result: { status: 'ok', result: 'APPROVAL_EXPIRED' } });
    expect(view?.approvals?.[0]?.decision?.outcome).toBe('expired');
    expect(g.calls).toEqual([]);
  }, 60_000);

  test('a caller without the approver scope cannot decide', async () => {
    const paused = await g.run(`return await callTool('test:sleep', { ms: 1 })`);
    await expect(apiOf(g.gateway).decideApproval(ANONYMOUS, paused.jobId as string, paused.approval?.approvalId as string, { decision: 'approve' })).rejects.toMatchObject({ code: 'NOT_APPROVER' });
    await apiOf(g.gateway).cancelJob(ANONYMOUS, paused.jobId as string);
  }, 60_000);
});
