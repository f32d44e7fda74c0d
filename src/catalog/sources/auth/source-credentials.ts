import { upstreamAuthError } from './errors';
import { OAuthTokenSource } from './oauth-token-source';
import { readSecret } from './secrets';
import type { TokenRequester } from './token-request';
import type { SourceAuthConfig, SourceCredentialConfig } from './types';

/** What one call sends to prove who it is. */
export interface CallCredential {
  headers: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  /**
   * After the upstream answered 401: the credential to retry once with. Only OAuth credentials have one
   * (a static secret would be sent again unchanged), and the retried credential has none.
   */
  renew?: () => Promise<CallCredential>;
}

type Credential = (signal: AbortSignal) => Promise<CallCredential>;

const NO_CREDENTIAL: CallCredential = Object.freeze({ headers: Object.freeze({}), query: Object.freeze({}) });

function credentialOf(who: TokenRequester, config: SourceCredentialConfig): Credential {
  const secret = (what: string, env: string) => readSecret(who.label, what, { env }, who.data);
  switch (config.type) {
    case 'bearer':
      return async () => ({ headers: { authorization: `Bearer ${secret('bearer token', config.tokenEnv)}` }, query: {} });
    case 'basic':
      return async () => {
        const pair = `${secret('basic username', config.usernameEnv)}:${secret('basic password', config.passwordEnv)}`;
        return { headers: { authorization: `Basic ${Buffer.from(pair).toString('base64')}` }, query: {} };
      };
    case 'apiKey':
      return async () => {
        const value = secret('API key', config.valueEnv);
        return config.in === 'header' ? { headers: { [config.name.toLowerCase()]: value }, query: {} } : { headers: {}, query: { [config.name]: value } };
      };
    case 'oauth2': {
      const tokens = new OAuthTokenSource(who, config);
      const bearer = (token: string): CallCredential => ({ headers: { authorization: `Bearer ${token}` }, query: {} });
      return async (signal) => {
        const token = await tokens.token(signal);
        return { ...bearer(token), renew: async () => bearer(await tokens.renewAfterRejection(token, signal)) };
      };
    }
  }
}

/**
 * The credentials of one source. A source either has one credential for every call, or one per tenant
 * (`type: perTenant`): then the calling tenant's id alone picks it, each tenant's OAuth client caches its
 * own tokens, and a tenant that is not listed gets UPSTREAM_CREDENTIAL_MISSING, never another's.
 */
export class SourceCredentials {
  readonly #shared: Credential | undefined;
  /** A Map, not the config object: a tenant id such as `constructor` must not find an inherited value. */
  readonly #byTenant: ReadonlyMap<string, Credential> | undefined;

  constructor(
    readonly source: string,
    auth: SourceAuthConfig | undefined,
  ) {
    if (auth?.type === 'perTenant') {
      this.#byTenant = new Map(
        Object.entries(auth.tenants).map(([tenant, config]) => [tenant, credentialOf({ label: `source '${source}' (tenant '${tenant}')`, data: { source, tenant } }, config)]),
      );
    } else if (auth) {
      this.#shared = credentialOf({ label: `source '${source}'`, data: { source } }, auth);
    }
  }

  /** The credential for one call made for `tenantId`. */
  async forCall(tenantId: string, signal: AbortSignal): Promise<CallCredential> {
    if (this.#byTenant) {
      const credential = this.#byTenant.get(tenantId);
      if (!credential) {
        throw upstreamAuthError('UPSTREAM_CREDENTIAL_MISSING', `source '${this.source}' has no credential for tenant '${tenantId}'`, { source: this.source, tenant: tenantId });
      }
      return credential(signal);
    }
    return this.#shared ? this.#shared(signal) : NO_CREDENTIAL;
  }
}
