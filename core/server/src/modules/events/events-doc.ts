import { z } from 'zod';
import { EVENT_CATALOGUE } from './catalogue.ts';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

const typeOf = (s: JsonSchema): string => {
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  return Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
};
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/reference/events.md, generated from the catalogue (`npm run docs:generate`; a test keeps it current). */
export function renderEventsDoc(): string {
  const lines = [
    '# Events',
    '',
    '<!-- Generated from core/server/src/modules/events/catalogue.ts by `npm run docs:generate`; do not edit by hand. -->',
    '',
    'Portico records what happens to domains, certificates, mappings and members as events, in the same database',
    'transaction as the change itself: a change that rolls back leaves no event, and every committed change leaves',
    'its event. Events reach you three ways:',
    '',
    '- `GET /v1/events?organizationId=…&after=<cursor>` — pages, oldest first. Keep the last `nextCursor` and ask',
    '  again with `after=` to get only what is new; an empty page returns the same cursor.',
    '- `GET /v1/events/stream?organizationId=…` — a live stream of server-sent events (`text/event-stream`). Each',
    '  message has `id:` (the cursor), `event:` (the type) and `data:` (the event as JSON). A browser’s `EventSource`',
    '  reconnects on its own and sends `Last-Event-ID`, so nothing committed in between is missed. A comment line',
    '  arrives every `events.heartbeatSeconds` (15); the stream ends when the session signs out or expires, the API',
    '  key is revoked or the caller leaves the organization. One caller may hold `events.maxStreamsPerPrincipal` (5)',
    '  streams at once; the next answers 429 `EVENT_STREAM_LIMIT`.',
    '- Webhooks (docs/reference/webhooks.md): delivered at least once, signed.',
    '',
    'Both routes take `projectId` (only events of that project’s resources and of the domains assigned to it) and',
    '`type` (comma-separated types). API keys need the `events:read` scope. Callers limited to some projects see',
    'only those projects’ events; nobody sees another organization’s. Widget tokens cannot call either route (403',
    '`WIDGET_ROUTE_REFUSED`). Events are kept `events.retentionDays` (90).',
    '',
    'A stream as it arrives (`curl -N -H "Authorization: Bearer pk_…" "https://portico.example.com/v1/events/stream?organizationId=…"`):',
    '',
    '```text',
    'retry: 3000',
    ': connected',
    '',
    'id: 42',
    'event: domain.verified',
    'data: {"id":"0193a4c2-…","type":"domain.verified","occurredAt":"…","organizationId":"…","projectId":null,"customerRef":"cust-42","subject":{"kind":"domain","id":"…"},"data":{…}}',
    '',
    ': heartbeat',
    '```',
    '',
    'In a browser, `new EventSource(\'/v1/events/stream?organizationId=…\', { withCredentials: true })` uses the console',
    'session cookie; listen with `addEventListener(\'domain.verified\', …)` (the SSE event name is the type).',
    '',
    '## Shape',
    '',
    '```json',
    JSON.stringify(
      {
        id: '0193a4c2-5e1f-7b3a-9c1d-2f4e6a8b0c1d',
        type: 'domain.verified',
        occurredAt: '2026-12-07T06:00:00.000Z',
        organizationId: '5b0c…',
        projectId: null,
        customerRef: 'cust-42',
        subject: { kind: 'domain', id: '8f2e…' },
        data: { hostname: 'shop.example.com', fromStatus: 'verifying', status: 'verified', reason: 'verified', message: 'Ownership verified.' },
        cursor: '1234',
      },
      null,
      2,
    ),
    '```',
    '',
    '`id` is stable (a UUID v7) and is the key to deduplicate on. `cursor` orders events in the order they became',
    'visible (numbered after commit), so paging by it never skips an event. `projectId` is null for domains (a',
    'domain may serve several projects) and for organization-level subjects. `customerRef` is the reference you gave',
    'the domain (or the widget token carried). `data` fields may be added over time; none is removed or renamed.',
    '',
    '## How events are published (for contributors)',
    '',
    'A type is declared once, in `core/server/src/modules/events/catalogue.ts` (description, subject kind, zod schema',
    'of `data`); this page is generated from it (`npm run docs:generate`, and a test fails when they differ). Code',
    'publishes with `publishEvent(em, { type, organizationId, projectId?, customerRef?, subject, data })` inside the',
    'unit of work of the change: the row is inserted by the same flush, and the insert sends the pg-boss job',
    '`event.published` `{ eventId }` in the same transaction. Durable consumers (webhooks) work that queue, at least',
    'once, and read the event row by id; in-process consumers (the live stream) use `eventService.onPublished`, fed by',
    'LISTEN/NOTIFY on `portico_events` so every process sees events committed by any other. Cursors are numbered',
    'after commit by a sequencer (one short transaction under an advisory lock), never at insert, so a reader paging by',
    'cursor cannot skip an event whose transaction committed late. Domain status moves publish from',
    '`domains/transition.ts` (the table of which move publishes what is `events/domain-events.ts`).',
    '',
    '## Catalogue',
    '',
    '| Type | Subject | When |',
    '| --- | --- | --- |',
    ...Object.entries(EVENT_CATALOGUE).map(([type, d]) => `| [\`${type}\`](#${type.replace(/\./g, '')}) | ${d.subject} | ${cell(d.description)} |`),
    '',
  ];
  for (const [type, definition] of Object.entries(EVENT_CATALOGUE)) {
    const schema = z.toJSONSchema(definition.data, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    lines.push(`### ${type}`, '', definition.description, '', `Subject: \`${definition.subject}\`.`, '', '| Data field | Type | Required | Meaning |', '| --- | --- | --- | --- |');
    for (const [name, field] of Object.entries(schema.properties ?? {})) {
      lines.push(`| \`${name}\` | ${typeOf(field)} | ${schema.required?.includes(name) ? 'yes' : 'no'} | ${cell(field.description ?? '')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
