import { z } from 'zod';

/**
 * A check that accepts at once what `accepts` proves valid and otherwise runs
 * `rules` (the schema that defines the field) and reports exactly its issues.
 * Why: zod runs every check of a schema one by one (~0.1 µs each on the ingest
 * hot path); one combined test replaces them for valid input, while errors keep
 * the codes, messages and order `rules` gives. Meant as the only check of a
 * schema of the same base type as `rules`. `accepts(v)` must imply that `rules`
 * accepts `v` unchanged: shared/events.equivalence.test.ts checks it.
 * `afterWrongType`: `rules` have a length check, which zod runs even on a value of
 * the wrong type if it has a length (an array id gets "must not be empty" too);
 * it costs a little on every parse, so only such rules ask for it.
 */
export function fastPath<T>(accepts: (value: unknown) => boolean, rules: z.ZodType<T>, afterWrongType = false): z.core.$ZodCheck<T> {
  const check = (payload: z.core.ParsePayload<T>) => {
    if (accepts(payload.value)) return;
    const result = rules._zod.run({ value: payload.value, issues: [] }, { async: false }) as z.core.ParsePayload;
    // A wrong type is already reported by the schema this check is on; keep only the issues of the rules' checks.
    for (const issue of result.issues) if (issue.inst !== rules) payload.issues.push(issue);
  };
  return z.core._check<T>(check, afterWrongType ? { when: () => true } : undefined);
}

const ID_CHARS = /^[\w.:@/+-]+$/;
const ID_RULES = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'at most 128 characters')
  .regex(ID_CHARS, 'letters, digits and . : @ / + - _ only');
// The three rules at once; the characters are ASCII, so UTF-16 units count as code points here.
const VALID_ID = /^[\w.:@/+-]{1,128}$/;

/** Identifier of an agent, team, queue, call or event: printable, no spaces, bounded. */
export const IdSchema = z
  .string()
  .check(fastPath((v) => typeof v === 'string' && VALID_ID.test(v), ID_RULES, true))
  // A custom check is invisible to z.toJSONSchema: state the rules for the OpenAPI document.
  .meta({ minLength: 1, maxLength: 128, pattern: ID_CHARS.source });
export type Id = z.infer<typeof IdSchema>;
