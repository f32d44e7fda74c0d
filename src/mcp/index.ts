export { McpFace, SERVER_INFO } from './mcp-server';
export { metaTools } from './meta-tools';
export type { MetaTool } from './meta-tools';
export { mcpRouter, plainCall, answerPlainCall, sendBodyError } from './http-transport';
export type { PlainCall } from './http-transport';
export type { McpHttpOptions } from './http-transport';
export { serveStdio } from './stdio';
export type { StdioSession } from './stdio';
