import { ERROR_CODES, isErrorCode, type ErrorCode, type ExecutionStatus } from './codes';

/** Extra, code-specific facts carried with an error (e.g. `limit`, `line`, `pointer`). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** Raised inside the gateway. Reaches clients only through `toPublicError()`. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): ExecutionStatus {
    return ERROR_CODES[this.code].status;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }
}

/** The only error shape that leaves the process (envelopes, REST error bodies, MCP results). */
export interface PublicError {
  code: ErrorCode;
  message: string;
  hint: string;
  retriable?: true;
  line?: number;
  column?: number;
  tool?: string;
  [detail: string]: unknown;
}

export function toPublicError(err: GatewayError): PublicError {
  const spec = ERROR_CODES[err.code];
  const out: PublicError = { code: err.code, message: err.message, hint: spec.hint, ...err.details };
  if (spec.retriable) out.retriable = true;
  return out;
}

/** Wire form of an error that crossed a thread or process boundary. */
export interface WireError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Rebuilds a GatewayError from the wire; an unknown code becomes INTERNAL so nothing invents codes. */
export function fromWire(wire: WireError): GatewayError {
  const code: ErrorCode = isErrorCode(wire.code) ? wire.code : 'INTERNAL';
  return new GatewayError(code, wire.message, wire.details ?? {});
}

export function toWire(err: unknown): WireError {
  if (err instanceof GatewayError) return { code: err.code, message: err.message, details: { ...err.details } };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
