import { z } from 'zod';
import { AppError, notFound } from '../../errors/app-error.ts';
import { Project } from '../../modules/projects/entity.ts';
import { defineRoute } from '../../http/route.ts';
import type { Principal } from '../../http/principal.ts';
import type { Cradle } from '../../container.ts';
import { requireProject } from '../../modules/organizations/access.ts';
import { EVENT_TYPES, type EventType } from '../../modules/events/catalogue.ts';
import { serveEventStream } from '../../modules/events/stream.ts';
import { uuid } from '../schemas.ts';

const cursor = z.string().regex(/^\d{1,19}$/, 'a cursor from an earlier page or event');
const types = z
  .string()
  .optional()
  .transform((value) => (value ? value.split(',').map((t) => t.trim()) : []))
  .pipe(z.array(z.enum(EVENT_TYPES as [EventType, ...EventType[]])));
const filterQuery = {
  organizationId: uuid,
  projectId: uuid.optional(),
  /** Comma-separated event types. */
  type: types.describe('Comma-separated event types of the catalogue (docs/reference/events.md); all when omitted.'),
};

export const eventSchema = z.object({
  id: z.string(),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]).meta({ id: 'EventType', description: 'A type of the event catalogue (docs/reference/events.md).' }),
  occurredAt: z.string(),
  organizationId: z.string(),
  projectId: z.string().nullable(),
  customerRef: z.string().nullable(),
  subject: z.object({ kind: z.string(), id: z.string() }),
  data: z.record(z.string(), z.unknown()),
  cursor: z.string(),
});

async function scoped(cradle: Cradle, principal: Principal, query: { organizationId: string; projectId?: string }) {
  const access = await cradle.accessService.forOrganization(principal, query.organizationId);
  if (query.projectId) {
    requireProject(access, query.projectId, 'Project');
    const inOrganization = await cradle.orm.em.fork().count(Project, { id: query.projectId, organization: access.organizationId });
    if (inOrganization === 0) throw notFound('Project');
  }
  return access;
}

export const eventRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/events',
    tag: 'events',
    summary: 'Events the caller may see, oldest first, after a cursor (keyset pages; poll with the last `nextCursor`)',
    auth: 'principal',
    scope: 'events:read',
    query: z.object({
      ...filterQuery,
      after: z
        .union([cursor, z.literal('latest')])
        .optional()
        .meta({ description: 'A cursor from an earlier page or event; `latest`: no events, and `nextCursor` is the newest event’s (to follow from now on).' }),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({ data: z.array(eventSchema), nextCursor: z.string().nullable() }),
    async handler({ query, principal, cradle }) {
      const access = await scoped(cradle, principal, query);
      const filter = { types: query.type, projectId: query.projectId };
      if (query.after === 'latest') return { data: [], nextCursor: await cradle.eventService.latestCursor(access, filter) };
      const page = await cradle.eventService.list(access, filter, query.after ?? '0', query.limit);
      return { data: page.events, nextCursor: page.nextCursor ?? query.after ?? null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/events/stream',
    tag: 'events',
    summary: 'Live events as server-sent events (text/event-stream); `Last-Event-ID` (or `after`) resumes after a cursor',
    auth: 'principal',
    scope: 'events:read',
    query: z.object({ ...filterQuery, after: cursor.optional() }),
    status: 200,
    response: null,
    responseContentType: 'text/event-stream',
    responseDescription:
      'A server-sent event stream: each event is `id: <cursor>`, `event: <type>` and `data: <the event as JSON, as in GET /v1/events, without cursor>`; a `: heartbeat` comment keeps the connection open.',
    async handler({ query, principal, cradle, ctx }) {
      const access = await scoped(cradle, principal, query);
      const header = ctx.get('last-event-id') || undefined;
      if (header !== undefined && !/^\d{1,19}$/.test(header)) {
        throw new AppError('VALIDATION_FAILED', 'Invalid Last-Event-ID: a cursor from an earlier event', { issues: [{ in: 'header', path: 'last-event-id', message: 'not a cursor' }] });
      }
      await serveEventStream(ctx, cradle, access, { types: query.type, projectId: query.projectId }, header ?? query.after);
    },
  }),
];
