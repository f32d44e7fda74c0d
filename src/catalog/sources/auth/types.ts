/**
 * How a source authenticates to its upstream, as configured (`sources.openapi[].auth`,
 * `sources.mcp[].auth`). Secrets are named, never written: each is read from an environment variable or
 * a file when it is needed.
 */

export interface BearerAuth {
  type: 'bearer';
  tokenEnv: string;
}

export interface ApiKeyAuth {
  type: 'apiKey';
  in: 'header' | 'query';
  name: string;
  valueEnv: string;
}

export interface BasicAuth {
  type: 'basic';
  usernameEnv: string;
  passwordEnv: string;
}

export type OAuth2Grant = 'client_credentials' | 'refresh_token';

/** OAuth 2.0 access tokens obtained by the gateway itself (RFC 6749 §4.4 client credentials, §6 refresh). */
export interface OAuth2Auth {
  type: 'oauth2';
  grant: OAuth2Grant;
  tokenUrl: string;
  /** The client id is no secret (RFC 6749 §2.2): written here, or named by clientIdEnv. */
  clientId?: string | undefined;
  clientIdEnv?: string | undefined;
  clientSecretEnv?: string | undefined;
  clientSecretFile?: string | undefined;
  refreshTokenEnv?: string | undefined;
  refreshTokenFile?: string | undefined;
  scopes: readonly string[];
  /** Sent as the `audience` parameter, for servers that pick the token's audience by it. */
  audience?: string | undefined;
  /** client_secret_basic (an Authorization header) or client_secret_post (form fields). */
  clientAuth: 'basic' | 'body';
  /** A token is renewed this long before it expires (at most half its lifetime early). */
  refreshSkewSeconds: number;
  /** Longest a token request may take. */
  timeoutMs: number;
}

/** One credential: what a source uses for every call, or what one tenant uses. */
export type SourceCredentialConfig = BearerAuth | ApiKeyAuth | BasicAuth | OAuth2Auth;

/** A credential per calling tenant; a tenant not listed has none for this source. */
export interface PerTenantAuth {
  type: 'perTenant';
  tenants: Readonly<Record<string, SourceCredentialConfig>>;
}

export type SourceAuthConfig = SourceCredentialConfig | PerTenantAuth;
