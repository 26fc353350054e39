import type { ApiError } from '@/api/client';

/**
 * Splits a VALIDATION_FAILED answer to an origins update into the reason for each refused origin (by its index in
 * the list sent) and what concerns the list as a whole (too many origins).
 */
export function originErrors(error: ApiError): { byIndex: Map<number, string>; general: string[] } {
  const byIndex = new Map<number, string>();
  const general: string[] = [];
  const issues = (error.details as { issues?: Array<{ path?: string; message?: string }> } | undefined)?.issues ?? [];
  for (const issue of issues) {
    const match = /^allowedOrigins\.(\d+)$/.exec(issue.path ?? '');
    if (match) byIndex.set(Number(match[1]), issue.message ?? error.message);
    else general.push(issue.message ?? error.message);
  }
  if (byIndex.size === 0 && general.length === 0) general.push(error.message);
  return { byIndex, general };
}
