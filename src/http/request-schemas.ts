import { z } from 'zod';

const int = (min: number) => z.number().int().min(min);

/** Per-request limits may only lower the preset (timeoutMs may rise to timeoutMaxMs); see README "Limits". */
const RequestLimitsSchema = z
  .object({
    timeoutMs: int(1).optional(),
    toolCalls: int(0).optional(),
    loopIterations: int(1).optional(),
    callDepth: int(1).optional(),
    scriptBytes: int(1).optional(),
    resultBytes: int(1).optional(),
    consoleLines: int(0).optional(),
    consoleBytes: int(0).optional(),
    parallelToolCalls: int(1).optional(),
  })
  .strict();

export const ExecuteBody = z
  .object({
    script: z.string().min(1, 'script must be a non-empty string'),
    context: z.record(z.string(), z.unknown()).optional(),
    timeoutMs: int(1).optional(),
    limits: RequestLimitsSchema.optional(),
  })
  .strict();

export const InvokeBody = z
  .object({
    name: z.string().min(1, 'name must be a tool name such as users:list'),
    input: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
