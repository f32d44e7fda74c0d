/** Public API for embedding scriptgate. Adding an export here makes it public. */
export { Gateway, createGateway } from './gateway';
export type { GatewayOptions, ExecuteRequest, InvokeRequest, InvokeResponse, ExecutionEnvelope } from './gateway';
export { loadConfig, ConfigError, PRESETS } from './config';
export type { LoadedConfig, Limits, PresetName } from './config';
export { startHttpServer } from './http';
export type { RunningServer } from './http';
export { ToolFailure, defineTool } from './catalog';
export type { ToolDefinition, ToolCallContext, ToolAnnotations, DefinedTool, ToolModuleDefinition, JsonSchema } from './catalog';
export { ERROR_CODES, GatewayError } from './errors';
export type { ErrorCode, ExecutionStatus, PublicError } from './errors';
export { createLogger } from './log';
