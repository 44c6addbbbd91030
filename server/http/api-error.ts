import type { ErrorCode, FieldIssue } from '../../shared/errors.ts';

/** An error that becomes an HTTP answer with the shared error body. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, message: string, readonly issues?: FieldIssue[], readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
  }
}

export const validationFailed = (issues: FieldIssue[], message = 'request validation failed') => new ApiError(400, 'validation_failed', message, issues);
