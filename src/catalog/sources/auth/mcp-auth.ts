import { SdkError, SdkErrorCode, type AuthProvider, type FetchLike } from '@modelcontextprotocol/client';
import type { GatewayError } from '../../../errors';
import { isUpstreamAuthError, sameFailure, upstreamAuthError } from './errors';
import { OAuthTokenSource } from './oauth-token-source';
import type { OAuth2Auth } from './types';

/** What a Streamable HTTP transport takes to authenticate with OAuth tokens the gateway obtains itself. */
export interface McpOAuth {
  authProvider: AuthProvider;
  fetch: FetchLike;
  /** The last token request's failure, while no token could be had since. */
  failure(): GatewayError | undefined;
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * The SDK's minimal AuthProvider: `token()` before every request, `onUnauthorized()` on a 401, after
 * which the transport retries that request once. The fetch it is given notes which token each response
 * answered, so that concurrent 401s for one token renew it once, and a 401 for a token already replaced
 * renews nothing.
 */
export function mcpOAuth(source: string, settings: OAuth2Auth): McpOAuth {
  const tokens = new OAuthTokenSource({ label: `upstream MCP server '${source}'`, data: { source } }, settings);
  const sentWith = new WeakMap<Response, string>();
  const recordingFetch: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    const token = BEARER.exec(new Headers(init?.headers).get('authorization') ?? '')?.[1];
    if (token !== undefined) sentWith.set(response, token);
    return response;
  };
  return {
    authProvider: {
      token: () => tokens.token(),
      onUnauthorized: async ({ response }) => {
        await tokens.renewAfterRejection(sentWith.get(response));
      },
    },
    fetch: recordingFetch,
    failure: () => {
      const failure = tokens.failure;
      return failure ? sameFailure(failure) : undefined;
    },
  };
}

/**
 * The documented error for an upstream MCP failure that is about credentials: a token that could not be
 * had, or a 401 to a token issued just before (the SDK's retry after onUnauthorized). Undefined otherwise.
 */
export function mcpAuthFailure(source: string, err: unknown): GatewayError | undefined {
  if (isUpstreamAuthError(err)) return err;
  if (err instanceof SdkError && err.code === SdkErrorCode.ClientHttpAuthentication) {
    return upstreamAuthError('UPSTREAM_AUTH_FAILED', `upstream MCP server '${source}' answered HTTP 401 to a newly issued token (check the client's scopes and audience)`, { source, status: 401 });
  }
  return undefined;
}
