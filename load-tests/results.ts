import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HttpFigures } from './harness';
import type { MemoryFigures, RecoveryFigures } from './probes';
import type { SoakFigures } from './soak';
import type { HostileFigures } from './hostile';

export interface ScenarioResult extends HttpFigures {
  scenario: string;
  toolDelayMs: number;
  connections: number;
  durationS: number;
  rounds: number;
  /** The express hello-world floor in the same run, and this scenario's throughput over it. */
  helloRps: number;
  ratio: number;
  baseline?: { label: string; rps: number; p99: number; ratio: number; errors: number };
  date?: string;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
}

/** The latest figure of every scenario (keyed `name@delay`), the probes and the soak: what load:report charts. */
export interface LatestResults {
  machine?: Machine;
  scenarios: Record<string, ScenarioResult>;
  recovery?: RecoveryFigures & { date: string };
  memory?: MemoryFigures & { date: string };
  soak?: SoakFigures & { date: string };
  hostile?: HostileFigures & { date: string };
}

/** LOAD_RESULTS_DIR moves them (the tests that run the runner use a temporary one). */
export const RESULTS_DIR = process.env.LOAD_RESULTS_DIR ?? resolve(__dirname, '..', '..', 'load-tests', 'results');
export const LATEST_FILE = resolve(RESULTS_DIR, 'load-latest.json');

export function readLatest(file = LATEST_FILE): LatestResults {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LatestResults) : { scenarios: {} };
}

export const scenarioKey = (r: Pick<ScenarioResult, 'scenario' | 'toolDelayMs'>): string => `${r.scenario}@${r.toolDelayMs}ms`;

/** Merges a run into load-latest.json, so re-running one scenario updates only its own figures. */
export function recordResults(run: { machine: Machine; scenarios?: ScenarioResult[]; recovery?: RecoveryFigures; memory?: MemoryFigures; soak?: SoakFigures; hostile?: HostileFigures }): void {
  const date = new Date().toISOString();
  const latest = readLatest();
  latest.machine = run.machine;
  for (const s of run.scenarios ?? []) latest.scenarios[scenarioKey(s)] = { ...s, date };
  if (run.recovery) latest.recovery = { ...run.recovery, date };
  if (run.memory) latest.memory = { ...run.memory, date };
  if (run.soak) latest.soak = { ...run.soak, date };
  if (run.hostile) latest.hostile = { ...run.hostile, date };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(LATEST_FILE, `${JSON.stringify(latest, null, 2)}\n`);
}
