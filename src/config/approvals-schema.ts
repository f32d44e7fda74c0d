import { z } from 'zod';
import { int } from './int';

/** What a tool call may do: run, wait for a person, or not run at all. The most restrictive applicable wins. */
export const APPROVAL_POLICIES = ['allow', 'approve', 'block'] as const;
export type ApprovalPolicyValue = (typeof APPROVAL_POLICIES)[number];

const PolicyValue = z.enum(APPROVAL_POLICIES);

/** The keys a tenant's own policy may add to the server's (it can only make calls stricter). */
export const TenantApprovals = z
  .object({
    /** By tool, canonical name (`source:tool`). */
    tools: z.record(z.string().min(1), PolicyValue).optional(),
    /** By source name: every tool of it. */
    sources: z.record(z.string().min(1), PolicyValue).optional(),
    /** true: tools annotated `destructiveHint: true` need approval for this tenant. */
    fromAnnotations: z.boolean().optional(),
  })
  .strict();

export const Approvals = z
  .object({
    /** By tool, canonical name (`source:tool`). */
    tools: z.record(z.string().min(1), PolicyValue).default({}),
    /** By source name: every tool of it. */
    sources: z.record(z.string().min(1), PolicyValue).default({}),
    /** true: tools annotated `destructiveHint: true` need approval unless a stricter policy applies. */
    fromAnnotations: z.boolean().default(false),
    /** An undecided approval expires after this; the script then sees APPROVAL_EXPIRED. */
    ttlSeconds: int(1, 30 * 24 * 3600).default(3600),
    /** Non-empty: deciding an approval needs this scope (an API key's `scopes` or a JWT's `scope`); empty: any caller of the tenant. */
    approverScope: z.string().default(''),
  })
  .strict();
