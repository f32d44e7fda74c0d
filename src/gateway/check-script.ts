import { Catalog, SpecSource, Upstream, createAccessControl } from '../catalog';
import type { LoadedConfig } from '../config';
import { createScriptCompiler, type GateResult, type RiskAssessment } from '../gate';
import type { Logger } from '../log';
import { closestNames } from '../text';
import { TypeChecker } from '../typecheck';
import { ANONYMOUS } from '../auth';
import { registerLocalSources, riskOf, startWithinBudget, unloadedSource } from './gateway-support';
import { Preflight, type PreflightResult } from './preflight';

export type ScriptCheck =
  | { compiled: Extract<GateResult, { ok: false }> }
  | { compiled: Extract<GateResult, { ok: true }>; risk: RiskAssessment; typecheck?: PreflightResult };

/**
 * The gate and the risk score of one script, as a gateway with this configuration would judge it, without
 * a gateway: no executor, job queue, Redis or search index. The catalog is built from the configured
 * sources only because the risk score reads tools' annotations, and the type check their schemas; MCP
 * upstreams are asked once for their tools and let go. `typecheck`: also run the type check, as `block`
 * would (the default tenant's view of the tools).
 */
export async function checkScript(config: LoadedConfig, source: string, log: Logger, options: { typecheck?: boolean } = {}): Promise<ScriptCheck> {
  const catalog = new Catalog();
  await registerLocalSources(catalog, config.sources);
  const upstreams = config.sources.mcp.map((s) => new Upstream(s, log, (tools) => catalog.replaceSource(s.name, tools)));
  const specs = config.sources.openapi.map((s) => new SpecSource(s, log, (tools) => catalog.replaceSource(s.name, tools)));
  try {
    // A source that does not load in time only means its tools are unknown to the score and the type check.
    await startWithinBudget([...upstreams.map((u) => ({ name: u.config.name, start: () => u.connect() })), ...specs.map((s) => ({ name: s.config.name, start: () => s.start() }))], config.sources.startupBudgetMs, log);
  } finally {
    specs.forEach((s) => s.close());
    await Promise.all(upstreams.map((u) => u.close().catch(() => undefined)));
  }
  const compiled = createScriptCompiler(1).compile(source, config.effectiveLimits);
  if (!compiled.ok) return { compiled };
  const risk = riskOf(compiled.script.facts, catalog, config.risk, config.risk);
  if (!options.typecheck) return { compiled, risk };
  const checker = new TypeChecker({ timeoutMs: config.gate.typecheckTimeoutMs, cacheEntries: 1, log });
  const access = createAccessControl(config.access);
  const preflight = new Preflight('block', checker, {
    catalog,
    access,
    // Spelling only: the service also asks its search index, which a one-off check does not build.
    suggest: (name, _caller, usable) => closestNames(name, catalog.list().map((t) => t.name).filter(usable), 3),
    sourcePending: (name) => unloadedSource(name, [...upstreams, ...specs]) !== undefined,
  });
  try {
    await preflight.start();
    return { compiled, risk, typecheck: await preflight.check(compiled.script, source, ANONYMOUS, undefined, 'block') };
  } finally {
    await preflight.close();
  }
}
