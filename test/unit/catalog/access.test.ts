import { createAccessControl, globToRegExp, type AccessPolicy } from '../../../src/catalog';
import { startTestGateway } from '../../helpers/gateway';

const policy = (over: Partial<AccessPolicy>): AccessPolicy => ({ mode: 'codecall_only', include: [], exclude: [], defaultDeny: [], tools: {}, ...over });

describe('access decision', () => {
  test('globs match canonical names', () => {
    expect(globToRegExp('users:*').test('users:list')).toBe(true);
    expect(globToRegExp('*:delete*').test('users:deleteMany')).toBe(true);
    expect(globToRegExp('users:get').test('users:getX')).toBe(false);
    expect(globToRegExp('a.b:?').test('a.b:c')).toBe(true);
    expect(globToRegExp('a.b:?').test('aXb:c')).toBe(false);
  });

  test('include, exclude and default-deny', () => {
    const a = createAccessControl(policy({ include: ['users:*', 'emails:*'], exclude: ['users:delete'], defaultDeny: ['emails:*'], tools: { 'emails:send': { enabledInCodeCall: true } } }));
    expect(a.decide('users:list').codeCall).toBe(true);
    expect(a.decide('invoices:get').codeCall).toBe(false);
    expect(a.decide('users:delete').codeCall).toBe(false);
    expect(a.decide('emails:listTemplates').codeCall).toBe(false);
    expect(a.decide('emails:send').codeCall).toBe(true);
  });

  test('modes', () => {
    const tools = { 'a:listed': { visibleInListTools: true }, 'a:off': { enabledInCodeCall: false }, 'a:on': { enabledInCodeCall: true } };
    const only = createAccessControl(policy({ mode: 'codecall_only', tools }));
    expect([only.decide('a:plain'), only.decide('a:listed'), only.decide('a:off')]).toEqual([
      { codeCall: true, listed: false }, { codeCall: true, listed: false }, { codeCall: false, listed: false },
    ]);
    const optIn = createAccessControl(policy({ mode: 'codecall_opt_in', tools }));
    expect([optIn.decide('a:plain'), optIn.decide('a:on')]).toEqual([{ codeCall: false, listed: true }, { codeCall: true, listed: true }]);
    const meta = createAccessControl(policy({ mode: 'metadata_driven', tools }));
    expect([meta.decide('a:plain'), meta.decide('a:listed'), meta.decide('a:off')]).toEqual([
      { codeCall: true, listed: false }, { codeCall: true, listed: true }, { codeCall: false, listed: false },
    ]);
  });

  test('a tenant policy can only narrow', () => {
    const a = createAccessControl(policy({ exclude: ['payments:*'] }));
    const tenant = { include: ['users:*', 'payments:*'] };
    expect(a.decide('users:list', tenant).codeCall).toBe(true);
    expect(a.decide('invoices:get', tenant).codeCall).toBe(false);
    expect(a.decide('payments:refund', tenant).codeCall).toBe(false);
  });
});

describe('hidden tools are refused exactly like unknown ones', () => {
  test('invoke and scripts, by canonical name and alias', async () => {
    const g = await startTestGateway({ access: { exclude: ['users:delete'], defaultDeny: ['payments:*'] } });
    try {
      // Suggestions depend on the name asked for, so they are compared apart: never a hidden tool.
      const withoutSuggestions = (message: string | undefined, name: string) => message?.replaceAll(name, 'N').replace(/; did you mean [^?]*\?/, '');
      const hiddenName = (n: string) => n === 'users:delete' || n.startsWith('payments:');
      // Before the run (the type check) and at run time (the check off), alike.
      for (const [typecheck, code] of [['block', 'TYPE_ERROR'], ['off', 'TOOL_NOT_FOUND']] as const) {
        const unknown = await g.run("await callTool('users:nope', {})", { typecheck });
        for (const name of ['users:delete', 'users__delete', 'payments:refund']) {
          const hidden = await g.run(`await callTool('${name}', { id: 'x' })`, { typecheck });
          expect({ status: hidden.status, code: hidden.error?.code, message: withoutSuggestions(hidden.error?.message, name) }).toEqual({
            status: unknown.status,
            code,
            message: withoutSuggestions(unknown.error?.message, 'users:nope'),
          });
          const suggested = /did you mean ([^?]*)\?/.exec(hidden.error?.message ?? '')?.[1]?.split(', ') ?? [];
          expect(suggested.filter(hiddenName)).toEqual([]);
          await expect(g.gateway.invoke({ name, input: { id: 'x' } })).rejects.toMatchObject({ code: 'TOOL_NOT_FOUND' });
        }
      }
      expect((await g.run("return (await callTool('users:get', { id: 'u_0001' })).id")).result).toBe('u_0001');

      // Search and describe see the same decision: hidden tools are never found or suggested.
      for (const query of ['delete a user', 'refund a payment', 'payments', 'users:delete', 'users__delete']) {
        const found = await g.gateway.discovery.search({ queries: [query], topK: 50 });
        expect(found.tools.filter((t) => hiddenName(t.name))).toEqual([]);
      }
      const described = await g.gateway.discovery.describe(['users:delete', 'users__delete', 'payments:refund', 'users:nope', 'users:get']);
      expect(described.tools.map((t) => t.name)).toEqual(['users:get']);
      expect(described.notFound.map((n) => n.name)).toEqual(['users:delete', 'users__delete', 'payments:refund', 'users:nope']);
      for (const n of described.notFound) expect(n.didYouMean.filter(hiddenName)).toEqual([]);
    } finally {
      await g.close();
    }
  });
});
