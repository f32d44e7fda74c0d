import { Catalog, SpecSource, Upstream } from '../catalog';
import type { LoadedConfig } from '../config';
import { createScriptCompiler, type GateResult, type RiskAssessment } from '../gate';
import type { Logger } from '../log';
import { registerLocalSources, riskOf, startWithinBudget } from './gateway-support';

export type ScriptCheck = { compiled: Extract<GateResult, { ok: false }> } | { compiled: Extract<GateResult, { ok: true }>; risk: RiskAssessment };

/**
 * The gate and the risk score of one script, as a gateway with this configuration would judge it, without
 * a gateway: no executor, job queue, Redis or search index. The catalog is built from the configured
 * sources only because the risk score reads tools' annotations; MCP upstreams are asked once for their
 * tools and let go.
 */
export async function checkScript(config: LoadedConfig, source: string, log: Logger): Promise<ScriptCheck> {
  const catalog = new Catalog();
  await registerLocalSources(catalog, config.sources);
  const upstreams = config.sources.mcp.map((s) => new Upstream(s, log, (tools) => catalog.replaceSource(s.name, tools)));
  const specs = config.sources.openapi.map((s) => new SpecSource(s, log, (tools) => catalog.replaceSource(s.name, tools)));
  try {
    // A source that does not load in time only means its tools' annotations are unknown to the score.
    await startWithinBudget([...upstreams.map((u) => ({ name: u.config.name, start: () => u.connect() })), ...specs.map((s) => ({ name: s.config.name, start: () => s.start() }))], config.sources.startupBudgetMs, log);
  } finally {
    specs.forEach((s) => s.close());
    await Promise.all(upstreams.map((u) => u.close().catch(() => undefined)));
  }
  const compiled = createScriptCompiler(1).compile(source, config.effectiveLimits);
  if (!compiled.ok) return { compiled };
  return { compiled, risk: riskOf(compiled.script.facts, catalog, config.risk, config.risk) };
}
