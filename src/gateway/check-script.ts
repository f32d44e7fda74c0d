import { Catalog, Upstream } from '../catalog';
import type { LoadedConfig } from '../config';
import { createScriptCompiler, type GateResult, type RiskAssessment } from '../gate';
import type { Logger } from '../log';
import { registerLoadedSources, riskOf } from './gateway-support';

export type ScriptCheck = { compiled: Extract<GateResult, { ok: false }> } | { compiled: Extract<GateResult, { ok: true }>; risk: RiskAssessment };

/**
 * The gate and the risk score of one script, as a gateway with this configuration would judge it, without
 * a gateway: no executor, job queue, Redis or search index. The catalog is built from the configured
 * sources only because the risk score reads tools' annotations; MCP upstreams are asked once for their
 * tools and let go.
 */
export async function checkScript(config: LoadedConfig, source: string, log: Logger): Promise<ScriptCheck> {
  const catalog = new Catalog();
  await registerLoadedSources(catalog, config.sources);
  const upstreams = config.sources.mcp.map((s) => new Upstream(s, log, (tools) => catalog.replaceSource(s.name, tools)));
  try {
    await Promise.all(upstreams.map((u) => u.connect()));
  } finally {
    await Promise.all(upstreams.map((u) => u.close().catch(() => undefined)));
  }
  const compiled = createScriptCompiler(1).compile(source, config.effectiveLimits);
  if (!compiled.ok) return { compiled };
  return { compiled, risk: riskOf(compiled.script.facts, catalog, config.risk, config.risk) };
}
