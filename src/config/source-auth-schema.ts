import { z } from 'zod';

/**
 * How sources authenticate to their upstreams (`sources.openapi[].auth`, `sources.mcp[].auth`): static
 * secrets, OAuth 2.0 tokens the gateway obtains, or a credential per tenant. Secrets are named (an
 * environment variable or a file), never written in the configuration.
 */

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const TenantId = z.string().regex(TENANT_ID, 'a tenant id is 1-64 letters, digits, _ . or -, starting with a letter or digit');

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
/** RFC 6749 §3.3 scope-token characters. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** OAuth 2.0 tokens the gateway obtains for a source. The client id is no secret: written, or named like the others. */
export const OAuth2Auth = z
  .object({
    type: z.literal('oauth2'),
    /** client_credentials (RFC 6749 §4.4), or refresh_token (§6) with a refresh token obtained beforehand. */
    grant: z.enum(['client_credentials', 'refresh_token']).default('client_credentials'),
    /** https, or http to a loopback address only: the client secret travels in the request. */
    tokenUrl: z.string().url(),
    clientId: z.string().min(1).optional(),
    clientIdEnv: z.string().min(1).optional(),
    clientSecretEnv: z.string().min(1).optional(),
    clientSecretFile: z.string().min(1).optional(),
    refreshTokenEnv: z.string().min(1).optional(),
    refreshTokenFile: z.string().min(1).optional(),
    scopes: z.array(z.string().regex(SCOPE_TOKEN, 'a scope is printable ASCII without spaces, quotes or backslashes')).default([]),
    audience: z.string().min(1).optional(),
    /** basic: client_secret_basic (Authorization header); body: client_secret_post (form fields). */
    clientAuth: z.enum(['basic', 'body']).default('basic'),
    refreshSkewSeconds: z.number().int().min(0).max(3_600).default(60),
    timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
  })
  .strict()
  .superRefine((a, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const url = URL.canParse(a.tokenUrl) ? new URL(a.tokenUrl) : undefined;
    if (url && url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname))) {
      issue('tokenUrl', 'tokenUrl must be https (http only to a loopback address): the client secret is sent to it');
    }
    if ((a.clientId === undefined) === (a.clientIdEnv === undefined)) issue('clientId', 'give either clientId or clientIdEnv');
    if (a.clientSecretEnv !== undefined && a.clientSecretFile !== undefined) issue('clientSecretEnv', 'give clientSecretEnv or clientSecretFile, not both');
    const hasSecret = a.clientSecretEnv !== undefined || a.clientSecretFile !== undefined;
    const refreshRefs = Number(a.refreshTokenEnv !== undefined) + Number(a.refreshTokenFile !== undefined);
    if (a.grant === 'client_credentials') {
      if (!hasSecret) issue('clientSecretEnv', 'the client_credentials grant needs clientSecretEnv or clientSecretFile');
      if (refreshRefs > 0) issue('refreshTokenEnv', 'a refresh token is for grant: refresh_token');
    } else if (refreshRefs !== 1) {
      issue('refreshTokenEnv', 'the refresh_token grant needs one of refreshTokenEnv or refreshTokenFile');
    }
  });

const BearerAuth = z.object({ type: z.literal('bearer'), tokenEnv: z.string().min(1) }).strict();
const ApiKeyAuth = z.object({ type: z.literal('apiKey'), in: z.enum(['header', 'query']), name: z.string().min(1), valueEnv: z.string().min(1) }).strict();
const BasicAuth = z.object({ type: z.literal('basic'), usernameEnv: z.string().min(1), passwordEnv: z.string().min(1) }).strict();
const OpenApiCredential = z.discriminatedUnion('type', [BearerAuth, ApiKeyAuth, BasicAuth, OAuth2Auth]);

const PerTenantAuth = z
  .object({
    type: z.literal('perTenant'),
    /** Each tenant's own credential for this source; a tenant not listed has none (UPSTREAM_CREDENTIAL_MISSING). */
    tenants: z.record(TenantId, OpenApiCredential).refine((t) => Object.keys(t).length > 0, { message: 'list at least one tenant' }),
  })
  .strict();

export const OpenApiAuth = z.discriminatedUnion('type', [BearerAuth, ApiKeyAuth, BasicAuth, OAuth2Auth, PerTenantAuth]);
