import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { upstreamAuthError } from './errors';

/** Where a secret is: an environment variable or a file (one of them; the config schema checks which). */
export interface SecretRef {
  env?: string | undefined;
  file?: string | undefined;
}

/**
 * Reads a secret when it is needed, so a rotated file (a mounted Kubernetes secret, say) is picked up
 * without a restart. Messages name the variable or the file, never the value.
 */
export function readSecret(label: string, what: string, ref: SecretRef, data: Readonly<Record<string, unknown>>): string {
  const missing = (why: string) => upstreamAuthError('UPSTREAM_CREDENTIAL_MISSING', `${label}: ${what}: ${why}`, data);
  if (ref.env !== undefined) {
    const value = process.env[ref.env];
    if (value === undefined || value === '') throw missing(`environment variable ${ref.env} is not set`);
    return value;
  }
  if (ref.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(ref.file), 'utf8');
    } catch (err) {
      throw missing(`cannot read ${ref.file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    // Secret files usually end with a newline; no credential starts or ends with whitespace.
    const value = text.trim();
    if (value === '') throw missing(`${ref.file} is empty`);
    return value;
  }
  throw missing('none is configured');
}
