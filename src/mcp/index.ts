export { McpFace, SERVER_INFO } from './mcp-server';
export { mcpRouter, plainCall, answerPlainCall, sendBodyError } from './http-transport';
export { serveStdio } from './stdio';
