export { McpFace, SERVER_INFO } from './mcp-server';
export { mcpRouter, sendBodyError } from './http-transport';
export { plainCall, answerPlainCall } from './plain-call';
export { serveStdio } from './stdio';
