import type { ApprovalPolicyValue, LoadedConfig } from '../config';

/** Strictness order: a later value overrides an earlier one wherever both apply. */
const RANK: Readonly<Record<ApprovalPolicyValue, number>> = { allow: 0, approve: 1, block: 2 };

type Rules = { tools?: Readonly<Record<string, ApprovalPolicyValue>>; sources?: Readonly<Record<string, ApprovalPolicyValue>>; fromAnnotations?: boolean };

/**
 * Whether a tool call runs, waits for a person, or is refused. Rules come from the server's `approvals`
 * and the tenant's own (`tenants.<id>.approvals`), by tool and by source; `fromAnnotations` makes tools
 * annotated `destructiveHint: true` wait. Every rule that applies is a vote and the most restrictive wins,
 * so neither a tenant nor a source-wide `allow` can loosen what another rule asks for.
 */
export class ApprovalPolicy {
  readonly #server: Rules;
  readonly #tenants: Readonly<Record<string, Rules | undefined>>;

  constructor(config: Pick<LoadedConfig, 'approvals' | 'tenants'>) {
    this.#server = config.approvals;
    const tenants: Record<string, Rules | undefined> = {};
    for (const [id, tenant] of Object.entries(config.tenants)) tenants[id] = tenant.approvals;
    this.#tenants = tenants;
  }

  /** True when no rule can ever ask for approval or block: the call path skips the check entirely. */
  get inert(): boolean {
    const quiet = (r: Rules | undefined) => !r || (!r.fromAnnotations && Object.values(r.tools ?? {}).every((v) => v === 'allow') && Object.values(r.sources ?? {}).every((v) => v === 'allow'));
    return quiet(this.#server) && Object.values(this.#tenants).every(quiet);
  }

  /** The decision for `tool` (canonical `source:tool`) called by `tenantId`; `destructive` is its annotation. */
  decide(tool: string, tenantId: string, destructive: boolean): ApprovalPolicyValue {
    const source = tool.slice(0, tool.indexOf(':'));
    let verdict: ApprovalPolicyValue = 'allow';
    const vote = (v: ApprovalPolicyValue | undefined) => {
      if (v !== undefined && RANK[v] > RANK[verdict]) verdict = v;
    };
    for (const rules of [this.#server, this.#tenants[tenantId]]) {
      if (!rules) continue;
      vote(rules.tools?.[tool]);
      vote(rules.sources?.[source]);
      if (rules.fromAnnotations && destructive) vote('approve');
    }
    return verdict;
  }
}
