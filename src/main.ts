#!/usr/bin/env node
import { nodeVersionProblem, runCheck } from './cli';
import { ConfigError, loadConfig, type LoadedConfig } from './config';
import { createGateway } from './gateway';
import { startHttpServer } from './http';
import { createLogger, stderrLogger } from './log';
import { serveStdio } from './mcp';

const USAGE = `scriptgate — code-mode gateway for MCP

Usage:
  scriptgate serve [--config FILE]                 start the HTTP service (REST API and MCP at /mcp)
  scriptgate stdio [--config FILE]                 serve MCP over stdin/stdout (logs go to stderr)
  scriptgate worker [--config FILE]                run queued jobs from Redis (needs REDIS_URL); serves only
                                                   /health, /ready and /metrics on server.port
  scriptgate check <file|-> [--typecheck] [--show-code] [--json]
                                                   run the script gate on a file (or stdin) without
                                                   executing it; exit 0 if accepted, 1 if refused
  scriptgate --help                                show this help

Options:
  --config FILE   YAML merged over config/default.yaml (also SCRIPTGATE_CONFIG)
  --typecheck     (check) also type-check it against the configured sources' tools
  --show-code     (check) print the transformed code that would run
  --json          (check) print one JSON object instead of text

Every setting has a SCRIPTGATE_* variable; see docs/configuration.md.`;

interface Cli {
  command: string;
  configFile?: string;
  operands: string[];
  showCode: boolean;
  json: boolean;
  typecheck: boolean;
}

function parseArgs(argv: string[]): Cli {
  const cli: Cli = { command: 'serve', operands: [], showCode: false, json: false, typecheck: false };
  let commandSeen = false;
  const rest = [...argv];
  while (rest.length > 0) {
    const arg = rest.shift() as string;
    if (arg === '--help' || arg === '-h') cli.command = 'help';
    else if (arg === '--config') {
      const file = rest.shift();
      if (!file) throw new ConfigError('--config needs a file path');
      cli.configFile = file;
    } else if (arg.startsWith('--config=')) cli.configFile = arg.slice('--config='.length);
    else if (arg === '--show-code') cli.showCode = true;
    else if (arg === '--typecheck') cli.typecheck = true;
    else if (arg === '--json') cli.json = true;
    else if (arg === '-' || !arg.startsWith('-')) {
      if (!commandSeen && arg !== '-') {
        cli.command = arg;
        commandSeen = true;
      } else cli.operands.push(arg);
    } else throw new ConfigError(`unknown option ${arg}`);
  }
  return cli;
}

function serverSettings(config: LoadedConfig): { host: string; port: number; bodyLimitBytes: number; shutdownGraceMs: number; requestReadTimeoutMs: number } {
  const { host, port, bodyLimitBytes, shutdownGraceMs, requestReadTimeoutMs } = config.server;
  return { host, port, bodyLimitBytes, shutdownGraceMs, requestReadTimeoutMs };
}

async function serve(configFile: string | undefined): Promise<void> {
  const config = loadConfig(configFile ? { file: configFile } : {});
  const log = createLogger(config.log.level);
  const gateway = createGateway({ config, log });
  await gateway.start();
  const running = await startHttpServer({ gateway, log, ...serverSettings(config) });
  log.info({ url: running.url, preset: config.preset, executors: config.executor.processes, tools: gateway.catalog.size }, 'scriptgate listening');
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  reloadPluginsOnHangup(gateway, configFile, log);
  // The front must survive anything a request does; log what slips through instead of dying silently.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

/**
 * SIGHUP reads the configuration again (file and environment) and applies its plugins section: an
 * operator turns a plugin off (enabled: false) or on without a restart. Anything else in it applies at
 * the next start; a configuration that does not load changes nothing.
 */
function reloadPluginsOnHangup(gateway: ReturnType<typeof createGateway>, configFile: string | undefined, log: ReturnType<typeof createLogger>): void {
  process.on('SIGHUP', () => {
    try {
      const next = loadConfig(configFile ? { file: configFile } : {});
      gateway.reloadPlugins(next.plugins);
      log.info({ sources: Object.keys(next.plugins.sources) }, 'plugins reloaded');
    } catch (err) {
      log.error({ err }, 'plugins not reloaded: the configuration does not load; the previous one stays');
    }
  });
}

async function stdio(configFile: string | undefined): Promise<void> {
  const config = loadConfig(configFile ? { file: configFile } : {});
  const log = stderrLogger(config.log.level);
  const gateway = createGateway({ config, log });
  await gateway.start();
  const session = await serveStdio(gateway, log);
  log.info({ tools: gateway.catalog.size }, 'scriptgate serving MCP on stdio');
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  const stop = () => void session.close();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await session.closed;
  await gateway.close();
  process.exit(0);
}

async function worker(configFile: string | undefined): Promise<void> {
  // A runner ranks no searches: with the API pods' settings (`search.strategy: ml`) it would load the model for nothing.
  const config = loadConfig({ ...(configFile ? { file: configFile } : {}), overrides: { jobs: { consume: true }, search: { strategy: 'tfidf' } } });
  if (!config.redis.url) throw new ConfigError('scriptgate worker needs redis.url (REDIS_URL): it runs the jobs that API instances queue in Redis');
  const log = createLogger(config.log.level);
  const gateway = createGateway({ config, log });
  await gateway.start();
  // Probes and metrics only (executor restarts, tool calls and pool figures of the jobs this runner runs).
  const ops = await startHttpServer({ gateway, log, ...serverSettings(config), opsOnly: true });
  log.info({ concurrency: config.jobs.concurrency, executors: config.executor.processes, ops: ops.url }, 'scriptgate job runner started');
  reloadPluginsOnHangup(gateway, configFile, log);
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('job runner stopping: finishing running jobs');
  // Closing the ops server closes the gateway, whose queue lets running jobs finish first.
  await ops.close();
  process.exit(0);
}

async function main(): Promise<void> {
  const tooOld = nodeVersionProblem(process.versions.node);
  if (tooOld) {
    console.error(`scriptgate: ${tooOld}`);
    process.exit(2);
  }
  let cli: Cli;
  try {
    cli = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`scriptgate: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  switch (cli.command) {
    case 'help':
      console.log(USAGE);
      return;
    case 'serve':
      await serve(cli.configFile);
      return;
    case 'stdio':
      await stdio(cli.configFile);
      return;
    case 'worker':
      await worker(cli.configFile);
      return;
    case 'check': {
      const file = cli.operands[0];
      if (!file || cli.operands.length > 1) {
        console.error(`scriptgate: check needs exactly one file (or - for stdin)\n\n${USAGE}`);
        process.exit(2);
      }
      const config = loadConfig(cli.configFile ? { file: cli.configFile } : {});
      process.exitCode = await runCheck({ file, showCode: cli.showCode, json: cli.json, typecheck: cli.typecheck, config });
      return;
    }
    default:
      console.error(`scriptgate: unknown command '${cli.command}'\n\n${USAGE}`);
      process.exit(2);
  }
}

main().catch((err: unknown) => {
  console.error(`scriptgate: ${err instanceof ConfigError ? err.message : (err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
