export { loadConfig, formatZodError, ConfigError, CONFIG_DIR } from './load';
export type { LoadedConfig } from './load';
export { ConfigSchema, RequestLimitsSchema, RETRY_POLICIES, TYPECHECK_LEVELS } from './schema';
export type { TenantSettings, RetryPolicy, RiskPresetName, TypecheckLevel } from './schema';
export { APPROVAL_POLICIES } from './approvals-schema';
export type { ApprovalPolicyValue } from './approvals-schema';
export { PRESETS, LIMIT_KEYS, resolveLimits, capRequestLimits } from './presets';
export type { Limits, PresetName, RequestLimits } from './presets';
export { configLeaves, ENV_ALIASES } from './env';
