import { ApiError } from '@/api/client';

/** One refused field as the server explains it (ROUTING_INVALID `details.issues`, preview and check `issues`). */
export interface FieldIssue {
  field: string;
  reason: string;
  message: string;
  suggestion?: string | number | boolean;
}

/** The field issues an error carries (ROUTING_INVALID), else none. */
export function issuesOf(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError)) return [];
  const issues = (error.details as { issues?: unknown } | null | undefined)?.issues;
  return Array.isArray(issues) ? issues.filter((i): i is FieldIssue => typeof i === 'object' && i !== null && typeof (i as FieldIssue).field === 'string') : [];
}

/** Turns anything thrown into an ApiError (unexpected failures keep their message). */
export function asApiError(caught: unknown): ApiError {
  return caught instanceof ApiError ? caught : new ApiError('INTERNAL', (caught as Error).message, 0);
}
