import { createHash } from 'node:crypto';

/**
 * Provider-safe aliases for canonical `source:tool` names. LLM providers accept tool names matching
 * ^[A-Za-z0-9_-]{1,64}$, so `users:list` is listed as `users__list`. Names that do not fit, or that would
 * collide, get a short hash of the canonical name: deterministic, so the mapping survives restarts and
 * does not depend on registration order.
 */
export const ALIAS_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_ALIAS = 64;
const HASH_CHARS = 8;

const hashOf = (canonical: string): string => createHash('sha256').update(canonical).digest('hex').slice(0, HASH_CHARS);

/** The alias before collision handling: `source__tool` with every other character mapped to `_`. */
export function baseAlias(canonical: string): string {
  const i = canonical.indexOf(':');
  const raw = i === -1 ? canonical : `${canonical.slice(0, i)}__${canonical.slice(i + 1)}`;
  return raw.replace(/[^A-Za-z0-9_-]/g, '_');
}

function hashed(canonical: string): string {
  const base = baseAlias(canonical).slice(0, MAX_ALIAS - HASH_CHARS - 1);
  return `${base}_${hashOf(canonical)}`;
}

/** Aliases for a set of canonical names; every alias matches ALIAS_PATTERN and is unique. */
export function assignAliases(canonicalNames: Iterable<string>): Map<string, string> {
  const names = [...new Set(canonicalNames)];
  const byBase = new Map<string, string[]>();
  for (const name of names) {
    const base = baseAlias(name);
    byBase.set(base, [...(byBase.get(base) ?? []), name]);
  }
  const out = new Map<string, string>();
  for (const [base, owners] of byBase) {
    const fits = base.length <= MAX_ALIAS && owners.length === 1;
    for (const owner of owners) out.set(owner, fits ? base : hashed(owner));
  }
  // A hashed alias could, in theory, equal another tool's plain alias; hash that one too.
  const seen = new Map<string, string>();
  for (const [owner, alias] of out) {
    const other = seen.get(alias);
    if (other !== undefined) {
      out.set(owner, hashed(owner));
      out.set(other, hashed(other));
    }
    seen.set(alias, owner);
  }
  return out;
}
