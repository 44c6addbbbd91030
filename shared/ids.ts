import { z } from 'zod';

/** Identifier of an agent, team, queue, call or event: printable, no spaces, bounded. */
export const IdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'at most 128 characters')
  .regex(/^[\w.:@/+-]+$/, 'letters, digits and . : @ / + - _ only');
export type Id = z.infer<typeof IdSchema>;
