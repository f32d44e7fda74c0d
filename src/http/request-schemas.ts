import { z } from 'zod';
import { RequestLimitsSchema } from '../config';

export const ExecuteBody = z
  .object({
    script: z.string().min(1, 'script must be a non-empty string'),
    context: z.record(z.string(), z.unknown()).optional(),
    timeoutMs: z.number().int().min(1).optional(),
    limits: RequestLimitsSchema.optional(),
  })
  .strict();

export const InvokeBody = z
  .object({
    name: z.string().min(1, 'name must be a tool name such as users:list'),
    input: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
