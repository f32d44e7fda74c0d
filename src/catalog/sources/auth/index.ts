export { SourceCredentials, type CallCredential } from './source-credentials';
export { mcpAuthFailure, mcpOAuth, type McpOAuth } from './mcp-auth';
export { isUpstreamAuthError } from './errors';
export type { OAuth2Auth, PerTenantAuth, SourceAuthConfig, SourceCredentialConfig } from './types';
