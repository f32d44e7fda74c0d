export { schemaToTypeScript, toolDeclaration, toolTypeNames, DEFAULT_TYPESCRIPT_OPTIONS } from './typescript';
export type { TypeScriptOptions, ToolSchemas } from './typescript';
export { usageExamples } from './examples';
export type { ExampleTool } from './examples';
