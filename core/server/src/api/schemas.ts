import { z } from 'zod';

/** Shared pieces of the API's schemas. */
export const uuid = z.uuid();
export const timestamp = z.date().transform((d) => d.toISOString()).pipe(z.string()).or(z.string());
export const nullableTimestamp = timestamp.nullable();
export const slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens');
export const organizationParams = z.object({ organizationId: uuid });
