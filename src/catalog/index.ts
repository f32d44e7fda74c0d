export { Catalog, TOOL_NAME_PATTERN, TOOL_ERROR_MESSAGE_MAX_CHARS } from './catalog';
export { ToolFailure } from './types';
export type { ToolDefinition, ToolHandler, ToolCallContext, ToolAnnotations, JsonSchema } from './types';
export { createDemoTools } from './sources/demo';
export type { DemoCatalogOptions } from './sources/demo';
