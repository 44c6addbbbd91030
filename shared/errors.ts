import { z } from 'zod';

export const ERROR_CODES = [
  'validation_failed', 'unauthorized', 'forbidden', 'not_found', 'payload_too_large',
  'unsupported_media_type', 'too_many_requests', 'store_unavailable', 'internal', 'conflict',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const FieldIssueSchema = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/** Every error answer of the API has this body. */
export const ErrorBodySchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), issues: z.array(FieldIssueSchema).optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Flattens zod issues into `path: message` pairs; `prefix` locates the value in the request. */
export function fieldIssues(error: z.ZodError, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.map((i) => ({ path: formatPath([...prefix, ...(i.path as (string | number)[])]), message: i.message }));
}

export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(body)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
