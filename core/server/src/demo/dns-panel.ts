/**
 * "PretendDNS": the demo's stand-in for the customer's DNS provider, a panel listing and editing the in-memory
 * zone the demo's DNS server answers from. Writes go through the zone store, so the dns.memory plugin persists
 * them (its `persist.file`) and DNS answers change at once.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type Router from '@koa/router';
import coBody from 'co-body';
import type { Context } from 'koa';
import type { MemoryZones, ZoneSnapshot } from '@portico/dns-memory';
import { escapeHtml, pageShell } from './html.ts';

type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT';
const TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
const LABELS = /^(\*|[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const HOST = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

export interface DnsPanelOptions {
  /** The zone store of the running dns.memory plugin (undefined while it is not running). */
  zones(): MemoryZones | undefined;
  /** The zone the panel edits (`demo.portico.test`). */
  zone: string;
}

interface Form {
  name: string;
  type: string;
  value: string;
  ttl: string;
}

/** The full name of `name` entered relative to `zone` (`@` or empty: the apex; a full name inside the zone is kept). */
export function absoluteName(name: string, zone: string): string | undefined {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  if (n === '' || n === '@') return zone;
  if (n === zone || n.endsWith(`.${zone}`)) return n;
  return LABELS.test(n) && `${n}.${zone}`.length <= 253 ? `${n}.${zone}` : undefined;
}

/** The record set after adding `form`, or a message saying what is wrong with it. */
function parseForm(form: Form, zone: string, existing: (name: string, type: RecordType) => { values: string[] } | undefined): { name: string; type: RecordType; ttl: number; values: string[] } | { error: string } {
  const name = absoluteName(form.name, zone);
  if (!name) return { error: `"${form.name}" is not a valid name in ${zone}.` };
  const type = form.type.toUpperCase() as RecordType;
  if (!TYPES.includes(type)) return { error: 'Type must be A, AAAA, CNAME or TXT.' };
  const ttl = form.ttl.trim() === '' ? 300 : Number(form.ttl);
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > 86_400) return { error: 'TTL must be a whole number of seconds from 30 to 86400.' };
  let value = form.value.trim();
  if (value === '') return { error: 'Value is required.' };
  if (type === 'A' && !isIPv4(value)) return { error: `"${value}" is not an IPv4 address.` };
  if (type === 'AAAA' && !isIPv6(value)) return { error: `"${value}" is not an IPv6 address.` };
  if (type === 'CNAME') {
    value = value.toLowerCase().replace(/\.$/, '');
    if (!HOST.test(value)) return { error: `"${value}" is not a host name.` };
  }
  if (type === 'TXT' && value.length > 2048) return { error: 'A TXT value may be at most 2048 characters.' };
  // A CNAME has one value; other types gain the value beside the ones they have.
  const before = type === 'CNAME' ? [] : (existing(name, type)?.values ?? []);
  return { name, type, ttl, values: [...new Set([...before, value])] };
}

export function dnsPanelRoutes(router: Router, options: DnsPanelOptions): void {
  const render = (ctx: Context, input: { error?: string; notice?: string; form?: Form }) => {
    const zones = options.zones();
    ctx.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    ctx.set('cache-control', 'no-store');
    ctx.type = 'html';
    ctx.body = panelPage(options.zone, zones?.snapshot().find((z) => z.name === options.zone), input);
  };

  router.get('/dns-panel', (ctx) => {
    const done = typeof ctx.query.done === 'string' ? ctx.query.done : undefined;
    render(ctx, { notice: done === 'added' ? 'Record saved.' : done === 'deleted' ? 'Record deleted.' : undefined });
  });

  router.post('/dns-panel/records', async (ctx) => {
    const zones = options.zones();
    const body = await readForm(ctx);
    const form: Form = { name: body.name ?? '', type: body.type ?? 'A', value: body.value ?? '', ttl: body.ttl ?? '300' };
    if (!zones) return fail(ctx, 503, 'The demo DNS server is not running.', form);
    const parsed = parseForm(form, options.zone, (name, type) => zones.get(name, type));
    if ('error' in parsed) return fail(ctx, 400, parsed.error, form);
    try {
      zones.apply({ zone: options.zone, upsert: [parsed], remove: [] });
    } catch (error) {
      return fail(ctx, 400, (error as Error).message, form);
    }
    ctx.redirect('/dns-panel?done=added');
  });

  router.post('/dns-panel/records/delete', async (ctx) => {
    const zones = options.zones();
    const body = await readForm(ctx);
    const type = (body.type ?? '').toUpperCase() as RecordType;
    const name = absoluteName(body.name ?? '', options.zone);
    if (!zones) return fail(ctx, 503, 'The demo DNS server is not running.');
    if (!name || !TYPES.includes(type)) return fail(ctx, 400, 'Unknown record.');
    const set = zones.get(name, type);
    if (set) {
      const values = set.values.filter((v) => v !== body.value);
      zones.apply({ zone: options.zone, upsert: values.length > 0 ? [{ ...set, values }] : [], remove: values.length > 0 ? [] : [set] });
    }
    ctx.redirect('/dns-panel?done=deleted');
  });

  function fail(ctx: Context, status: number, error: string, form?: Form) {
    render(ctx, { error, form });
    ctx.status = status;
  }
}

async function readForm(ctx: Context): Promise<Record<string, string | undefined>> {
  try {
    const body = (await coBody.form(ctx.req, { limit: '16kb' })) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
  } catch {
    return {};
  }
}

function relative(name: string, zone: string): string {
  return name === zone ? '@' : name.slice(0, -(zone.length + 1));
}

function panelPage(zone: string, snapshot: ZoneSnapshot | undefined, input: { error?: string; notice?: string; form?: Form }): string {
  const form = input.form ?? { name: '', type: 'TXT', value: '', ttl: '300' };
  const rows = (snapshot?.records ?? []).flatMap((set) =>
    set.values.map(
      (value) => `<tr>
        <td>${escapeHtml(relative(set.name, zone))}</td><td>${set.type}</td><td class="value">${escapeHtml(value)}</td><td>${set.ttl}</td>
        <td><form method="post" action="/dns-panel/records/delete">
          <input type="hidden" name="name" value="${escapeHtml(set.name)}"><input type="hidden" name="type" value="${set.type}"><input type="hidden" name="value" value="${escapeHtml(value)}">
          <button type="submit" aria-label="Delete ${set.type} ${escapeHtml(relative(set.name, zone))} ${escapeHtml(value)}">Delete</button>
        </form></td></tr>`,
    ),
  );
  const table = rows.length
    ? `<table><caption>Records of ${escapeHtml(zone)}</caption><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Value</th><th scope="col">TTL</th><th scope="col"><span class="sr">Actions</span></th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : `<p class="hint">${snapshot ? 'This zone has no records yet.' : 'The demo DNS server is not running.'}</p>`;
  const option = (t: string) => `<option value="${t}"${form.type.toUpperCase() === t ? ' selected' : ''}>${t}</option>`;
  const main = `
    <h1>DNS records — ${escapeHtml(zone)}</h1>
    <p class="lead">The demo's stand-in for your customer's DNS provider. Records saved here are what the demo DNS server
      answers at once, and what Portico sees when it checks a domain under <code>${escapeHtml(zone)}</code>.</p>
    ${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
    ${input.notice ? `<p class="ok" role="status">${escapeHtml(input.notice)}</p>` : ''}
    <section class="card" aria-labelledby="add-title">
      <h2 id="add-title">Add a record</h2>
      <form method="post" action="/dns-panel/records" class="add">
        <div class="field"><label for="rr-name">Name</label><input id="rr-name" name="name" value="${escapeHtml(form.name)}" placeholder="shop or @" autocomplete="off"></div>
        <div class="field"><label for="rr-type">Type</label><select id="rr-type" name="type">${TYPES.map(option).join('')}</select></div>
        <div class="field grow"><label for="rr-value">Value</label><input id="rr-value" name="value" value="${escapeHtml(form.value)}" required autocomplete="off"></div>
        <div class="field"><label for="rr-ttl">TTL</label><input id="rr-ttl" name="ttl" value="${escapeHtml(form.ttl)}" inputmode="numeric" size="6"></div>
        <button type="submit" class="primary">Add record</button>
      </form>
      <p class="hint">Name is relative to ${escapeHtml(zone)}: <code>shop</code> means <code>shop.${escapeHtml(zone)}</code>, <code>@</code> the zone itself.</p>
    </section>
    <section class="card">${table}</section>`;
  const nav = `<nav class="side" aria-label="Zones"><a href="/dns-panel" aria-current="page">${escapeHtml(zone)}</a></nav>`;
  return pageShell({ title: `PretendDNS — ${zone}`, brand: 'PretendDNS', who: 'Demo DNS provider', nav, main, css: PANEL_CSS });
}

const PANEL_CSS = `
  header.top{background:#065f46}
  .side a[aria-current]{background:#d1fae5;color:#065f46}
  button.primary{background:#059669;border-color:#059669}
  form.add{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}
  form.add .field{display:flex;flex-direction:column;gap:.2rem}
  form.add label{font-size:.85rem;color:#374151}
  form.add .grow{flex:1;min-width:14rem}
  input,select{font:inherit;padding:.4rem .5rem;border:1px solid #d1d5db;border-radius:6px}
  table{width:100%;border-collapse:collapse}caption{text-align:left;font-weight:600;padding-bottom:.5rem}
  th,td{text-align:left;padding:.45rem .5rem;border-top:1px solid #e5e7eb;vertical-align:middle}
  td.value{font-family:ui-monospace,monospace;word-break:break-all}
  td form{margin:0}
  .error{background:#fee2e2;border:1px solid #ef4444;padding:.6rem;border-radius:6px}
  .ok{background:#d1fae5;border:1px solid #10b981;padding:.6rem;border-radius:6px}
  .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}`;
