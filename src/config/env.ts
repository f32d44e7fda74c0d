import { ConfigSchema } from './schema';
import { LIMIT_KEYS } from './presets';

/**
 * Env overrides. Every config leaf `a.bC` has the variable `SCRIPTGATE_A_B_C`; a few short aliases
 * (DESIGN §7 and the usual `PORT`) map to the same leaves. An unknown `SCRIPTGATE_*` variable is an
 * error, so a typo never silently does nothing.
 */

type LeafKind = 'number' | 'boolean' | 'string' | 'json';
export interface EnvLeaf {
  path: readonly string[];
  kind: LeafKind;
  envName: string;
}

/** Variables that are not config leaves but are read elsewhere (documented in docs/configuration.md). */
export const NON_LEAF_ENV = Object.freeze(new Set(['SCRIPTGATE_CONFIG', 'SCRIPTGATE_API_KEYS']));

/**
 * SCRIPTGATE_API_KEYS="key:tenant,key:tenant" (the quick way, and what a Kubernetes Secret holds):
 * appended to auth.apiKeys. A key may itself contain ':'; the tenant is after the last one.
 */
export function apiKeysFromEnv(raw: string | undefined): { key: string; tenant: string }[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.lastIndexOf(':');
      if (at <= 0 || at === pair.length - 1) throw new RangeError('SCRIPTGATE_API_KEYS must be comma-separated key:tenant pairs');
      return { key: pair.slice(0, at), tenant: pair.slice(at + 1) };
    });
}

/** Applied in this order, so a later (more specific) alias wins: PORT < SCRIPTGATE_PORT < SCRIPTGATE_SERVER_PORT. */
export const ENV_ALIASES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  REDIS_URL: ['redis', 'url'],
  PORT: ['server', 'port'],
  SCRIPTGATE_PORT: ['server', 'port'],
  SCRIPTGATE_HOST: ['server', 'host'],
  SCRIPTGATE_EXECUTORS: ['executor', 'processes'],
});

const toSnake = (segment: string): string => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
export const envNameFor = (path: readonly string[]): string => `SCRIPTGATE_${path.map(toSnake).join('_')}`;

function collectLeaves(value: unknown, path: string[], out: EnvLeaf[]): void {
  // A list or map option (empty by default, e.g. sources.modules, risk.tools) is set from env as JSON;
  // `limits` is the exception: each of its keys has its own variable.
  const emptyMap = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
  if (Array.isArray(value) || (emptyMap && path.join('.') !== 'limits')) {
    out.push({ path, kind: 'json', envName: envNameFor(path) });
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) collectLeaves(child, [...path, key], out);
    return;
  }
  const kind = typeof value;
  if (kind === 'number' || kind === 'boolean' || kind === 'string') {
    out.push({ path, kind, envName: envNameFor(path) });
  }
}

let leavesMemo: readonly EnvLeaf[] | undefined;
/** Every config leaf (from the filled defaults, plus the optional `limits.*` overrides). */
export function configLeaves(): readonly EnvLeaf[] {
  if (leavesMemo) return leavesMemo;
  const out: EnvLeaf[] = [];
  collectLeaves(ConfigSchema.parse({}), [], out);
  for (const key of LIMIT_KEYS) out.push({ path: ['limits', key], kind: 'number', envName: envNameFor(['limits', key]) });
  leavesMemo = Object.freeze(out);
  return leavesMemo;
}

function parseEnvValue(name: string, raw: string, kind: LeafKind): unknown {
  if (kind === 'string') return raw;
  if (kind === 'json') {
    try {
      return JSON.parse(raw) as unknown;
    } catch (err) {
      throw new RangeError(`${name} must be JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (kind === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    throw new RangeError(`${name} must be true or false, got '${raw}'`);
  }
  const n = Number(raw.replace(/_/g, ''));
  if (raw.trim() === '' || !Number.isFinite(n)) throw new RangeError(`${name} must be a number, got '${raw}'`);
  return n;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (next === null || typeof next !== 'object') node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/** Builds a partial config object from the environment. Aliases apply first, so the full name wins. */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const leaves = configLeaves();
  const byName = new Map(leaves.map((leaf) => [leaf.envName, leaf] as const));
  const kindOf = (path: readonly string[]): LeafKind =>
    leaves.find((leaf) => leaf.path.join('.') === path.join('.'))?.kind ?? 'string';

  for (const [alias, path] of Object.entries(ENV_ALIASES)) {
    const raw = env[alias];
    if (raw !== undefined && raw !== '') setPath(out, path, parseEnvValue(alias, raw, kindOf(path)));
  }
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SCRIPTGATE_') || raw === undefined) continue;
    if (NON_LEAF_ENV.has(name) || name in ENV_ALIASES) continue;
    const leaf = byName.get(name);
    if (!leaf) {
      const near = [...byName.keys()].filter((known) => known.startsWith(name.split('_').slice(0, 2).join('_')));
      throw new RangeError(`unknown setting ${name}${near.length ? `; did you mean ${near.slice(0, 3).join(', ')}?` : ''}`);
    }
    setPath(out, leaf.path, parseEnvValue(name, raw, leaf.kind));
  }
  return out;
}
