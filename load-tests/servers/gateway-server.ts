/**
 * Benchmark server: the real service (config from SCRIPTGATE_* env) plus the bench tools, on a free
 * port. Prints one JSON line `{ "url": ... }` when ready.
 * BENCH_TOOL_DELAY_MS: the bench tools answer after this long. BENCH_DEADLINES=off: scripts run with no
 * deadline enforcement, the baseline that shows what enforcement costs.
 */
import { loadConfig } from '../../src/config';
import { createGateway } from '../../src/gateway';
import { startHttpServer } from '../../src/http';
import { createLogger } from '../../src/log';
import { benchTools } from '../bench-tools';

async function main(): Promise<void> {
  const config = loadConfig({ overrides: { log: { level: 'warn' } } });
  const log = createLogger(config.log.level);
  const gateway = createGateway({ config, log, extraTools: benchTools(Number(process.env.BENCH_TOOL_DELAY_MS ?? 0)), enforceDeadlines: process.env.BENCH_DEADLINES !== 'off' });
  await gateway.start();
  // With the ml strategy, load only once the catalog is embedded, or lexical search would be measured.
  while (config.search.strategy === 'ml' && gateway.search.status().serving !== 'ml') {
    const ml = gateway.search.status().ml;
    if (ml?.state === 'failed') throw new Error(`search strategy ml is unavailable: ${ml.reason ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const server = await startHttpServer({ gateway, log, host: '127.0.0.1', port: 0, bodyLimitBytes: config.server.bodyLimitBytes, shutdownGraceMs: 2_000 });
  console.log(JSON.stringify({ url: server.url, pid: process.pid }));
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
