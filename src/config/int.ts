import { z } from 'zod';

/** A whole number in [min, max]: most settings are counts, sizes or durations. */
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
