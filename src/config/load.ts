import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodError } from 'zod';
import { ConfigSchema, type Config } from './schema';
import { createHash } from 'node:crypto';
import { apiKeysFromEnv, configFromEnv } from './env';
import { resolveLimits, type Limits } from './presets';

/** Where the shipped config/ folder lives, relative to the compiled file (dist/src/config). */
export const CONFIG_DIR = resolve(__dirname, '..', '..', '..', 'config');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadConfigOptions {
  /** A YAML file merged over config/default.yaml (`--config FILE` or SCRIPTGATE_CONFIG). */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Programmatic values merged last (embedding and tests). */
  overrides?: Record<string, unknown>;
}

export interface LoadedConfig extends Config {
  /** The preset numbers with `limits` applied: the server-wide ceiling for every request. */
  readonly effectiveLimits: Readonly<Limits>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new ConfigError(`config file ${file} must hold a mapping at the top level`);
  return doc;
}

export function formatZodError(err: ZodError): string {
  return err.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/** Defaults ← config/default.yaml ← file ← SCRIPTGATE_* env ← overrides, validated once and frozen. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  let raw = readYaml(resolve(CONFIG_DIR, 'default.yaml'));
  const file = options.file ?? env.SCRIPTGATE_CONFIG;
  if (file) raw = deepMerge(raw, readYaml(resolve(file)));
  let fromEnv: Record<string, unknown>;
  try {
    fromEnv = configFromEnv(env);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  raw = deepMerge(raw, fromEnv);
  if (options.overrides) raw = deepMerge(raw, options.overrides);
  let envKeys: { key: string; tenant: string }[];
  try {
    envKeys = apiKeysFromEnv(env.SCRIPTGATE_API_KEYS);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (envKeys.length > 0) {
    const auth = isPlainObject(raw.auth) ? raw.auth : {};
    const listed = Array.isArray(auth.apiKeys) ? auth.apiKeys : [];
    raw = { ...raw, auth: { ...auth, apiKeys: [...listed, ...envKeys] } };
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatZodError(parsed.error)}`);
  const config = parsed.data;
  // Plain keys are hashed here and dropped: only digests live in memory, logs and dumps.
  const apiKeys = config.auth.apiKeys.map(({ key, sha256, tenant, scopes }) => ({ sha256: sha256 ?? createHash('sha256').update(key ?? '').digest('hex'), tenant, ...(scopes ? { scopes } : {}) }));
  return deepFreeze({ ...config, auth: { ...config.auth, apiKeys }, effectiveLimits: resolveLimits(config.preset, config.limits) });
}
