import { z } from 'zod';
import { TenantId } from './source-auth-schema';

export const ApiKey = z
  .object({
    /** SHA-256 of the key, hex (`printf %s KEY | sha256sum`): the way to keep keys out of config files. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits').optional(),
    /** The key itself; hashed at load and never kept. At least 16 characters. */
    key: z.string().min(16, 'an API key must be at least 16 characters').optional(),
    tenant: TenantId,
    /** Scopes callers with this key hold (e.g. the one approvals.approverScope names). */
    scopes: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((k) => (k.sha256 === undefined) !== (k.key === undefined), { message: 'give either key or sha256' });

const Jwt = z
  .object({
    /** JWKS URL of the token issuer; setting it turns JWT bearer auth on. */
    jwksUrl: z.string().default(''),
    /** Required `iss` and `aud` of accepted tokens. */
    issuer: z.string().default(''),
    audience: z.string().default(''),
    /** Claim naming the tenant; tokens without it are refused. */
    tenantClaim: z.string().min(1).default('tenant'),
    /** This server's public URL, announced in the protected-resource metadata (default: from the request). */
    resource: z.string().default(''),
  })
  .strict();

export const Auth = z
  .object({
    /** API keys and the tenant each maps to (also SCRIPTGATE_API_KEYS="key:tenant,key:tenant"). */
    apiKeys: z.array(ApiKey).default([]),
    jwt: Jwt.prefault({}),
  })
  .strict();
