export { schemaToTypeScript, toolDeclaration, toolsDeclaration, toolTypeNames } from './typescript';
export { jsonQuote } from './literal';
export type { DeclarationBlockOptions, TypeScriptOptions, ToolSchemas } from './typescript';
export { usageExamples } from './examples';
export type { ExampleTool } from './examples';
export { withReachableDefinitions } from './reachable-definitions';
