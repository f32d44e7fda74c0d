import { describeUrl, upstreamAuthError } from './errors';
import { readSecret } from './secrets';
import type { OAuth2Auth } from './types';

/** A token endpoint's answer is a small JSON object; anything far larger is not one. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
const MAX_OAUTH_TEXT_CHARS = 300;

export interface IssuedToken {
  accessToken: string;
  /** Lifetime from `expires_in`, when the server gave one. */
  expiresInSeconds: number | undefined;
  /** A refresh token issued with it (a rotation, for the refresh_token grant). */
  refreshToken: string | undefined;
}

/** Who asks, for messages and error data: the source, and the tenant when the credential is one tenant's. */
export interface TokenRequester {
  label: string;
  data: Readonly<Record<string, unknown>>;
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 wants the client id and secret before Basic encoding. */
const formEncoded = (text: string): string => new URLSearchParams([['', text]]).toString().slice(1);

function redacted(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out.length > MAX_OAUTH_TEXT_CHARS ? `${out.slice(0, MAX_OAUTH_TEXT_CHARS)}…` : out;
}

async function readCapped(response: Response): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_TOKEN_RESPONSE_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const parsedObject = (text: string | undefined): Record<string, unknown> | undefined => {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const lifetimeOf = (value: unknown): number | undefined => {
  // Some servers send expires_in as a string of digits.
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
};

const failureReason = (err: unknown, timeoutMs: number): string => {
  if ((err as { name?: unknown }).name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
};

/**
 * One token request (RFC 6749 §4.4 or §6): the client authenticates with HTTP Basic or form fields; the
 * answer is checked for a bearer access token. A transport failure or a 5xx/429 is
 * UPSTREAM_AUTH_UNAVAILABLE (may pass); a refusal (`invalid_client`, `invalid_grant`, ...) or an unusable
 * answer is UPSTREAM_AUTH_FAILED. Messages name the source, the token URL and the OAuth error, and any
 * secret the server echoes back is redacted.
 */
export async function requestToken(who: TokenRequester, settings: OAuth2Auth, refreshToken: string | undefined): Promise<IssuedToken> {
  const tokenUrl = describeUrl(settings.tokenUrl);
  const data = { ...who.data, tokenUrl, grant: settings.grant };
  const clientId = settings.clientId ?? readSecret(who.label, 'client id', { env: settings.clientIdEnv }, data);
  const hasSecret = settings.clientSecretEnv !== undefined || settings.clientSecretFile !== undefined;
  const secret = hasSecret ? readSecret(who.label, 'client secret', { env: settings.clientSecretEnv, file: settings.clientSecretFile }, data) : undefined;

  const form = new URLSearchParams({ grant_type: settings.grant });
  if (refreshToken !== undefined) form.set('refresh_token', refreshToken);
  if (settings.scopes.length > 0) form.set('scope', settings.scopes.join(' '));
  if (settings.audience !== undefined) form.set('audience', settings.audience);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (secret !== undefined && settings.clientAuth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${formEncoded(clientId)}:${formEncoded(secret)}`).toString('base64')}`;
  } else {
    form.set('client_id', clientId);
    if (secret !== undefined) form.set('client_secret', secret);
  }

  let response: Response;
  let text: string | undefined;
  try {
    // A redirect would carry the client's credentials elsewhere: refused, not followed.
    response = await fetch(settings.tokenUrl, { method: 'POST', headers, body: form.toString(), redirect: 'error', signal: AbortSignal.timeout(settings.timeoutMs) });
    text = await readCapped(response);
  } catch (err) {
    throw upstreamAuthError('UPSTREAM_AUTH_UNAVAILABLE', `${who.label}: token endpoint ${tokenUrl} did not answer (${failureReason(err, settings.timeoutMs)})`, data);
  }

  const body = parsedObject(text);
  const clean = (value: unknown) => (typeof value === 'string' ? redacted(value, [secret, refreshToken]) : undefined);
  const oauthError = clean(body?.error);
  const oauthErrorDescription = clean(body?.error_description);
  if (!response.ok) {
    const oauth = oauthError ? `: ${oauthError}${oauthErrorDescription ? ` (${oauthErrorDescription})` : ''}` : '';
    const facts = { ...data, status: response.status, ...(oauthError ? { oauthError } : {}), ...(oauthErrorDescription ? { oauthErrorDescription } : {}) };
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw upstreamAuthError('UPSTREAM_AUTH_UNAVAILABLE', `${who.label}: token endpoint ${tokenUrl} answered HTTP ${response.status}${oauth}`, facts);
    }
    throw upstreamAuthError('UPSTREAM_AUTH_FAILED', `${who.label}: token endpoint ${tokenUrl} refused the ${settings.grant} grant with HTTP ${response.status}${oauth}`, facts);
  }
  const accessToken = body?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw upstreamAuthError('UPSTREAM_AUTH_FAILED', `${who.label}: token endpoint ${tokenUrl} answered without an access_token`, data);
  }
  const tokenType = body?.token_type;
  if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) {
    throw upstreamAuthError('UPSTREAM_AUTH_FAILED', `${who.label}: token endpoint ${tokenUrl} issued a ${clean(tokenType) ?? 'non-string'} token; only bearer tokens are supported`, data);
  }
  const rotated = body?.refresh_token;
  return { accessToken, expiresInSeconds: lifetimeOf(body?.expires_in), refreshToken: typeof rotated === 'string' && rotated !== '' ? rotated : undefined };
}
