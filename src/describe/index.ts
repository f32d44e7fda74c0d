export { schemaToTypeScript, toolDeclaration, toolTypeNames } from './typescript';
export type { TypeScriptOptions, ToolSchemas } from './typescript';
export { usageExamples } from './examples';
export type { ExampleTool } from './examples';
