export { createScriptCompiler, compileUncached, hashScript, GATE_POLICY_VERSION } from './compile';
export type { ScriptCompiler } from './compile';
export { RULES, FORBIDDEN_PROPERTIES, FORBIDDEN_IDENTIFIERS, RESERVED_PREFIX } from './rules';
export type { RuleId } from './rules';
export { LruCache } from './lru';
export type { CompiledScript, GateResult, GateViolation, GateLimits } from './types';
