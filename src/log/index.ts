import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths never written to logs, whatever a caller passes. Top-level keys are matched in every record, so
 * only names that can never mean anything else belong here (`code` would blank audit records' error codes).
 */
export const REDACT_PATHS = Object.freeze([
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'script',
  'args.password',
  'args.token',
  'args.apiKey',
]);

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'scriptgate' },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/** A logger that drops everything (embedding and tests that do not assert logs). */
export const silentLogger = (): Logger => pino({ level: 'silent' });

/** For `scriptgate stdio`, where stdout carries the MCP protocol and logs must go elsewhere. */
export const stderrLogger = (level: string): Logger => createLogger(level, pino.destination({ fd: 2, sync: false }));
