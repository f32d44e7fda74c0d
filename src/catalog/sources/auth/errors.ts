import { GatewayError } from '../../../errors';

/** The registry codes a source's own credential handling answers with (docs/errors.md). */
export type UpstreamAuthCode = 'UPSTREAM_CREDENTIAL_MISSING' | 'UPSTREAM_AUTH_FAILED' | 'UPSTREAM_AUTH_UNAVAILABLE';

const CODES: ReadonlySet<string> = new Set<UpstreamAuthCode>(['UPSTREAM_CREDENTIAL_MISSING', 'UPSTREAM_AUTH_FAILED', 'UPSTREAM_AUTH_UNAVAILABLE']);

/** Facts travel as `data`, the field a script's ToolError carries. */
export const upstreamAuthError = (code: UpstreamAuthCode, message: string, data: Readonly<Record<string, unknown>>): GatewayError =>
  new GatewayError(code, message, { data });

export const isUpstreamAuthError = (err: unknown): err is GatewayError => err instanceof GatewayError && CODES.has(err.code);

/** A remembered failure is thrown again as a new error, so one call's stack never shows in another's. */
export const sameFailure = (err: GatewayError): GatewayError => new GatewayError(err.code, err.message, err.details);

/** Where a message names a token endpoint: scheme, host and path, never userinfo or query. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
