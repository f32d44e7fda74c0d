import type { GatewayError } from '../../../errors';
import { isUpstreamAuthError, sameFailure } from './errors';
import { readSecret } from './secrets';
import { requestToken, type TokenRequester } from './token-request';
import type { OAuth2Auth } from './types';

/**
 * After a failed token request, calls that need a new token get the same error at once for this long
 * instead of each waiting on an endpoint that is down (or timing out).
 */
const RETRY_AFTER_FAILURE_MS = 1_000;

interface HeldToken {
  value: string;
  /** When to ask for the next one: refreshSkewSeconds before expiry, at most half the lifetime early. */
  renewAt: number;
  expiresAt: number;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}

/**
 * The access token of one OAuth 2.0 client (one source, or one tenant of a source). It is cached and
 * renewed before it expires; concurrent callers share one token request, whose own timeout (not any one
 * caller's cancellation) bounds it. A refresh token the server rotates is kept in memory and used next.
 * While a new token cannot be had, a held one that has not expired yet keeps serving.
 */
export class OAuthTokenSource {
  #held: HeldToken | undefined;
  #renewing: Promise<HeldToken> | undefined;
  #failure: { error: GatewayError; until: number } | undefined;
  /** The latest refresh token the server issued (rotation); it replaces the configured one until that changes. */
  #rotatedRefreshToken: string | undefined;
  /** The configured refresh token as last read, to notice an operator providing a new one. */
  #configuredRefreshToken: string | undefined;

  constructor(
    readonly who: TokenRequester,
    readonly settings: OAuth2Auth,
  ) {}

  /** The last token request's failure, until one succeeds. */
  get failure(): GatewayError | undefined {
    return this.#failure?.error;
  }

  /** A token to send now. `signal` ends this caller's wait, not the shared request. */
  async token(signal?: AbortSignal): Promise<string> {
    const held = this.#held;
    if (held && Date.now() < held.renewAt) return held.value;
    try {
      return (await abortable(this.#renew(), signal)).value;
    } catch (err) {
      if (held && held === this.#held && Date.now() < held.expiresAt && isUpstreamAuthError(err)) return held.value;
      throw err;
    }
  }

  /**
   * The upstream refused `rejected` (HTTP 401): a new token, unless another call already replaced that one,
   * in which case the replacement is returned without asking the server again.
   */
  async renewAfterRejection(rejected: string | undefined, signal?: AbortSignal): Promise<string> {
    const held = this.#held;
    if (held && (rejected === undefined || held.value === rejected)) this.#held = undefined;
    else if (held && !this.#renewing) return held.value;
    return (await abortable(this.#renew(), signal)).value;
  }

  #renew(): Promise<HeldToken> {
    if (this.#renewing) return this.#renewing;
    const failure = this.#failure;
    if (failure && Date.now() < failure.until) return Promise.reject(sameFailure(failure.error));
    const renewing = this.#request().then(
      (held) => {
        this.#held = held;
        this.#failure = undefined;
        return held;
      },
      (err: unknown) => {
        if (isUpstreamAuthError(err)) this.#failure = { error: err, until: Date.now() + RETRY_AFTER_FAILURE_MS };
        throw err;
      },
    );
    const shared = renewing.finally(() => {
      if (this.#renewing === shared) this.#renewing = undefined;
    });
    // Every caller may have stopped waiting (cancelled): the outcome is still recorded, never unhandled.
    shared.catch(() => undefined);
    this.#renewing = shared;
    return shared;
  }

  async #request(): Promise<HeldToken> {
    const refreshToken = this.settings.grant === 'refresh_token' ? this.#refreshToken() : undefined;
    const askedAt = Date.now();
    const issued = await requestToken(this.who, this.settings, refreshToken);
    if (this.settings.grant === 'refresh_token' && issued.refreshToken !== undefined) this.#rotatedRefreshToken = issued.refreshToken;
    const lifetimeMs = issued.expiresInSeconds === undefined ? Number.POSITIVE_INFINITY : issued.expiresInSeconds * 1000;
    const skewMs = Math.min(this.settings.refreshSkewSeconds * 1000, lifetimeMs / 2);
    // Counted from when it was asked for, so time spent on the way never makes a token look fresher.
    return { value: issued.accessToken, renewAt: askedAt + lifetimeMs - skewMs, expiresAt: askedAt + lifetimeMs };
  }

  /** The rotated refresh token, unless the configured one changed since it was last read (a new one provided). */
  #refreshToken(): string {
    const s = this.settings;
    let configured: string;
    try {
      configured = readSecret(this.who.label, 'refresh token', { env: s.refreshTokenEnv, file: s.refreshTokenFile }, this.who.data);
    } catch (err) {
      if (this.#rotatedRefreshToken !== undefined) return this.#rotatedRefreshToken;
      throw err;
    }
    if (configured !== this.#configuredRefreshToken) {
      this.#configuredRefreshToken = configured;
      this.#rotatedRefreshToken = undefined;
    }
    return this.#rotatedRefreshToken ?? configured;
  }
}
