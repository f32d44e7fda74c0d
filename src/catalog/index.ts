export { Catalog, TOOL_NAME_PATTERN, TOOL_ERROR_MESSAGE_MAX_CHARS } from './catalog';
export { ToolFailure } from './types';
export { ALIAS_PATTERN, assignAliases, baseAlias } from './naming';
export type { ToolDefinition, ToolHandler, ToolCallContext, ToolAnnotations, JsonSchema } from './types';
export { createDemoTools } from './sources/demo';
export { defineTool, loadModuleTools, ModuleLoadError, TOOL_BRAND } from './sources/modules';
export type { DefinedTool, ToolModuleDefinition } from './sources/modules';
export type { DemoCatalogOptions } from './sources/demo';
