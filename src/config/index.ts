export { loadConfig, deepMerge, formatZodError, ConfigError, CONFIG_DIR } from './load';
export type { LoadedConfig, LoadConfigOptions } from './load';
export { ConfigSchema, RequestLimitsSchema, RETRY_POLICIES, RISK_PRESET_NAMES } from './schema';
export type { Config, ConfigInput, TenantSettings, RetryPolicy, RiskPresetName } from './schema';
export { PRESETS, PRESET_NAMES, LIMIT_KEYS, resolveLimits, capRequestLimits } from './presets';
export type { Limits, PresetName, RequestLimits, CappedLimits } from './presets';
export { configLeaves, configFromEnv, envNameFor, ENV_ALIASES, NON_LEAF_ENV } from './env';
export type { EnvLeaf } from './env';
