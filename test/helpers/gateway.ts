import { createGateway, type Gateway, type ExecuteRequest, type ExecutionEnvelope, type GatewayOptions } from '../../src/gateway';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { createTestTools } from './test-tools';

export interface TestGateway {
  gateway: Gateway;
  calls: string[];
  run(script: string, options?: Omit<ExecuteRequest, 'script'>): Promise<ExecutionEnvelope>;
  close(): Promise<void>;
}

/**
 * A real gateway: real executor child processes, real worker threads, the demo catalog plus test tools.
 * Env is ignored so a developer's SCRIPTGATE_* variables cannot change what a test sees.
 */
export async function startTestGateway(overrides: Record<string, unknown> = {}, options: Partial<Pick<GatewayOptions, 'enforceDeadlines' | 'embedder' | 'log'>> = {}): Promise<TestGateway> {
  // Tests that name a source expect it served, however busy the machine: startup waits for it unless the
  // test sets its own budget.
  const sources = { startupBudgetMs: 60_000, ...(overrides.sources as Record<string, unknown> | undefined) };
  const config = loadConfig({ env: {}, overrides: { log: { level: 'silent' }, ...overrides, sources } });
  const { tools, calls } = createTestTools();
  const gateway = createGateway({ config, extraTools: tools, processMetrics: false, ...options, log: options.log ?? silentLogger() });
  await gateway.start();
  return {
    gateway,
    calls,
    run: (script, options = {}) => gateway.execute({ script, ...options }),
    close: () => gateway.close(),
  };
}
