import { createHash, timingSafeEqual } from 'node:crypto';
import type { LoadedConfig } from '../config';
import { GatewayError } from '../errors';

/** Who is calling: the tenant decides tools, limits and quotas; user and scopes are passed on to scripts and tools. */
export interface Caller {
  tenantId: string;
  userId?: string;
  scopes: readonly string[];
  via: 'none' | 'apiKey' | 'jwt';
}

export const DEFAULT_TENANT = 'default';
export const ANONYMOUS: Caller = Object.freeze({ tenantId: DEFAULT_TENANT, scopes: Object.freeze([]), via: 'none' as const });

export interface CredentialHeaders {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}

type JwtVerifier = (token: string) => Promise<Caller>;

const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);

/**
 * API keys (compared as SHA-256 digests in constant time, against every stored digest so the timing
 * says nothing about which matched) and JWT bearer tokens checked against a JWKS. With neither
 * configured every request is the default tenant, which is why an unauthenticated server only binds
 * to loopback.
 */
export class Authenticator {
  readonly #keys: { digest: Buffer; tenant: string; scopes: readonly string[] }[];
  readonly #jwt: LoadedConfig['auth']['jwt'];
  #verifier: Promise<JwtVerifier> | undefined;

  constructor(auth: LoadedConfig['auth']) {
    this.#keys = auth.apiKeys.map((k) => ({ digest: Buffer.from(k.sha256 ?? '', 'hex'), tenant: k.tenant, scopes: Object.freeze([...(k.scopes ?? [])]) }));
    this.#jwt = auth.jwt;
  }

  get enabled(): boolean {
    return this.#keys.length > 0 || this.jwtEnabled;
  }

  get jwtEnabled(): boolean {
    return this.#jwt.jwksUrl !== '';
  }

  async authenticate(headers: CredentialHeaders): Promise<Caller> {
    if (!this.enabled) return ANONYMOUS;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    const presented = headers.apiKey ?? bearer;
    if (!presented) throw new GatewayError('UNAUTHORIZED', 'missing credentials: send X-API-Key or Authorization: Bearer');
    if (headers.apiKey === undefined && this.jwtEnabled && looksLikeJwt(presented)) return (await this.#jwtVerifier())(presented);
    const stored = this.#keyFor(presented);
    if (stored === undefined) throw new GatewayError('UNAUTHORIZED', 'unknown API key');
    return { tenantId: stored.tenant, scopes: stored.scopes, via: 'apiKey' };
  }

  #keyFor(key: string): { tenant: string; scopes: readonly string[] } | undefined {
    const digest = createHash('sha256').update(key).digest();
    let found: { tenant: string; scopes: readonly string[] } | undefined;
    for (const stored of this.#keys) {
      if (stored.digest.length === digest.length && timingSafeEqual(stored.digest, digest)) found ??= stored;
    }
    return found;
  }

  /** jose is ESM-only: loaded on the first token, so deployments without JWT never load it. */
  #jwtVerifier(): Promise<JwtVerifier> {
    this.#verifier ??= (async () => {
      const { createRemoteJWKSet, jwtVerify } = await import('jose');
      const jwks = createRemoteJWKSet(new URL(this.#jwt.jwksUrl));
      const { issuer, audience, tenantClaim } = this.#jwt;
      return async (token: string): Promise<Caller> => {
        let payload: Record<string, unknown>;
        try {
          ({ payload } = await jwtVerify(token, jwks, { issuer, audience }));
        } catch (err) {
          throw new GatewayError('UNAUTHORIZED', `invalid token: ${(err as Error).message}`);
        }
        const tenant = payload[tenantClaim];
        if (typeof tenant !== 'string' || tenant === '') throw new GatewayError('UNAUTHORIZED', `invalid token: no '${tenantClaim}' claim naming the tenant`);
        const scope = payload.scope ?? payload.scp;
        const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : Array.isArray(scope) ? scope.filter((s): s is string => typeof s === 'string') : [];
        return { tenantId: tenant, ...(typeof payload.sub === 'string' ? { userId: payload.sub } : {}), scopes, via: 'jwt' };
      };
    })();
    return this.#verifier;
  }

  /** RFC 9728 metadata for MCP clients, when JWT auth is on. */
  protectedResourceMetadata(requestOrigin: string): Record<string, unknown> {
    return {
      resource: this.#jwt.resource || `${requestOrigin}/mcp`,
      authorization_servers: [this.#jwt.issuer],
      bearer_methods_supported: ['header'],
    };
  }
}
