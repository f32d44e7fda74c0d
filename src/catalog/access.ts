/**
 * The one access decision: which tools a caller can find (search, describe), call (invoke, scripts)
 * and see listed as raw tools. Every entry point asks this, so a tool that is hidden from search cannot
 * be called around it, and refusals look exactly like unknown tools (no probing for what exists).
 */

export type AccessMode = 'codecall_only' | 'codecall_opt_in' | 'metadata_driven';

export interface ToolAccessOverride {
  /** Listed as a raw tool to MCP clients (codecall_opt_in, metadata_driven). */
  visibleInListTools?: boolean;
  /** Usable through the meta-API: search, describe, invoke and scripts. */
  enabledInCodeCall?: boolean;
}

export interface AccessPolicy {
  mode: AccessMode;
  /** Glob patterns over canonical names (`users:*`); empty means every tool. */
  include: readonly string[];
  exclude: readonly string[];
  /** Denied unless a per-tool override enables the tool explicitly. */
  defaultDeny: readonly string[];
  tools: Readonly<Record<string, ToolAccessOverride>>;
}

/** A tenant's narrower view (filled by the tenant model). */
export interface TenantToolPolicy {
  include?: readonly string[];
  exclude?: readonly string[];
}

export interface AccessDecision {
  /** Found by search and describe, callable by invoke and scripts. */
  codeCall: boolean;
  /** Listed to MCP clients as a raw tool under its alias. */
  listed: boolean;
}

const DENIED: AccessDecision = Object.freeze({ codeCall: false, listed: false });

/** `*` matches any run of characters, `?` one; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

const compile = (globs: readonly string[]): RegExp[] => globs.map(globToRegExp);
const matchesAny = (name: string, patterns: readonly RegExp[]): boolean => patterns.some((p) => p.test(name));

export interface AccessControl {
  decide(tool: string, tenant?: TenantToolPolicy): AccessDecision;
}

export function createAccessControl(policy: AccessPolicy): AccessControl {
  const include = compile(policy.include);
  const exclude = compile(policy.exclude);
  const deny = compile(policy.defaultDeny);
  const tenantCache = new WeakMap<TenantToolPolicy, { include: RegExp[]; exclude: RegExp[] }>();
  const tenantPatterns = (tenant: TenantToolPolicy) => {
    let compiled = tenantCache.get(tenant);
    if (!compiled) {
      compiled = { include: compile(tenant.include ?? []), exclude: compile(tenant.exclude ?? []) };
      tenantCache.set(tenant, compiled);
    }
    return compiled;
  };

  return {
    decide(tool, tenant) {
      if (include.length > 0 && !matchesAny(tool, include)) return DENIED;
      if (matchesAny(tool, exclude)) return DENIED;
      if (tenant) {
        const t = tenantPatterns(tenant);
        if (t.include.length > 0 && !matchesAny(tool, t.include)) return DENIED;
        if (matchesAny(tool, t.exclude)) return DENIED;
      }
      const override = policy.tools[tool] ?? {};
      if (matchesAny(tool, deny) && override.enabledInCodeCall !== true) return DENIED;
      switch (policy.mode) {
        case 'codecall_only':
          return { codeCall: override.enabledInCodeCall ?? true, listed: false };
        case 'codecall_opt_in':
          return { codeCall: override.enabledInCodeCall ?? false, listed: override.visibleInListTools ?? true };
        case 'metadata_driven':
          return { codeCall: override.enabledInCodeCall ?? true, listed: override.visibleInListTools ?? false };
      }
    },
  };
}
