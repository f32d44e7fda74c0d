import { ApprovalPolicy } from '../../../src/approvals';
import { loadConfig } from '../../../src/config';

const policyOf = (overrides: Record<string, unknown>) => new ApprovalPolicy(loadConfig({ env: {}, overrides }));

describe('approval policy: the most restrictive rule that applies wins', () => {
  const policy = policyOf({
    approvals: { tools: { 'billing:refund': 'approve', 'users:get': 'allow', 'users:purge': 'block' }, sources: { billing: 'allow', crm: 'approve' }, fromAnnotations: false },
    tenants: {
      strict: { approvals: { tools: { 'users:get': 'approve', 'billing:refund': 'allow' }, sources: { billing: 'block' }, fromAnnotations: true } },
      loose: { approvals: { tools: { 'users:purge': 'allow', 'crm:note': 'allow' }, sources: { crm: 'allow' } } },
    },
  });
  // [tool, tenant, destructive annotation, expected]
  const table: [string, string, boolean, string][] = [
    ['users:list', 'default', false, 'allow'], // no rule
    ['users:list', 'default', true, 'allow'], // annotations are off for the server
    ['billing:refund', 'default', false, 'approve'], // tool rule beats the source's allow
    ['billing:invoice', 'default', false, 'allow'], // source rule
    ['crm:note', 'default', false, 'approve'], // source rule
    ['users:purge', 'default', false, 'block'], // tool rule
    ['users:get', 'strict', false, 'approve'], // the tenant adds approve over the server's allow
    ['billing:refund', 'strict', false, 'block'], // the tenant's source block beats every allow and approve
    ['users:list', 'strict', true, 'approve'], // the tenant turned annotations on
    ['users:list', 'strict', false, 'allow'],
    ['users:purge', 'loose', false, 'block'], // a tenant cannot loosen the server's block
    ['crm:note', 'loose', false, 'approve'], // nor the server's approve, by tool or source
    ['users:purge', 'unknown-tenant', false, 'block'],
  ];
  test.each(table)('%s for tenant %s (destructive: %s) → %s', (tool, tenant, destructive, expected) => {
    expect(policy.decide(tool, tenant, destructive)).toBe(expected);
  });

  test('fromAnnotations on the server makes destructive tools approve, and a rule can still block them', () => {
    const p = policyOf({ approvals: { fromAnnotations: true, tools: { 'users:purge': 'block' } } });
    expect(p.decide('users:suspend', 'default', true)).toBe('approve');
    expect(p.decide('users:suspend', 'default', false)).toBe('allow');
    expect(p.decide('users:purge', 'default', true)).toBe('block');
  });

  test('a policy of only allow rules is inert: runs skip the check', () => {
    expect(policyOf({}).inert).toBe(true);
    expect(policyOf({ approvals: { tools: { 'a:b': 'allow' } } }).inert).toBe(true);
    expect(policyOf({ approvals: { tools: { 'a:b': 'approve' } } }).inert).toBe(false);
    expect(policyOf({ tenants: { t: { approvals: { fromAnnotations: true } } } }).inert).toBe(false);
  });

  test('config: keys are validated, defaulted, and set from env', () => {
    const config = loadConfig({ env: { SCRIPTGATE_APPROVALS_TOOLS: '{"users:suspend":"approve"}', SCRIPTGATE_APPROVALS_TTL_SECONDS: '60', SCRIPTGATE_APPROVALS_FROM_ANNOTATIONS: 'true', SCRIPTGATE_APPROVALS_APPROVER_SCOPE: 'approver' } });
    expect(config.approvals).toEqual({ tools: { 'users:suspend': 'approve' }, sources: {}, fromAnnotations: true, ttlSeconds: 60, approverScope: 'approver' });
    expect(loadConfig({ env: {} }).approvals).toEqual({ tools: {}, sources: {}, fromAnnotations: false, ttlSeconds: 3600, approverScope: '' });
    expect(() => loadConfig({ env: {}, overrides: { approvals: { tools: { 'a:b': 'maybe' } } } })).toThrow(/approvals\.tools/);
    expect(() => loadConfig({ env: {}, overrides: { approvals: { ttl: 5 } } })).toThrow(/ttl/);
    expect(() => loadConfig({ env: {}, overrides: { tenants: { t: { approvals: { ttlSeconds: 5 } } } } })).toThrow(/ttlSeconds/);
  });
});
