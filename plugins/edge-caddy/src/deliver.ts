/**
 * Deliver a change set's routes through Caddy's admin API, route by route, rather than loading the whole config.
 *
 * Each call changes one route of one server: one host put into or taken out of a group's host list
 * (`PUT`/`POST`/`DELETE …/routes/<i>/match/0/host[/<j>]`, the common case: a body of one name whatever the list's
 * length), a group's whole host list when more than one of its hosts changed (`PATCH /id/<id>/match/0/host`), the
 * challenge route (`PATCH /id/<id>`), a new route inserted at its place (`PUT …/routes/<i>`), an emptied one removed
 * (`DELETE /id/<id>`). Each is conditional (`If-Match` on the route at that index, with the hash of what Portico
 * delivered there), so it applies only where Caddy runs exactly the routes this cache delivered; anything else
 * (a 412, a missing `@id`, an unreachable Caddy) makes the caller load the whole config instead.
 *
 * Caddy (2.6 and newer) provisions its whole config again after every change through the admin API, a PATCH as
 * much as a /load: each call costs about one reload of Caddy. So a change needing more than `maxChangeCalls` calls
 * (default `MAX_CALLS`, one) is sent as ONE call replacing both servers (`replaceServers`: one reload, the routes
 * built from the kept render, no whole render and no read of the running config). Hosts are added before they are
 * removed, so a host moving between groups is always routed.
 */
import { caddyEtag, type CaddyClient } from './client.ts';
import type { CaddyDelta, Slot, SlotChange } from './render-cache.ts';
import { SCHEMES, type Json, type Scheme } from './render.ts';

/** The most admin API calls one delivery makes before it replaces both servers in one call (`maxChangeCalls`). */
export const MAX_CALLS = 1;

interface Call {
  scheme: Scheme;
  change: SlotChange;
  /** 0: inserts and growing host lists, 1: shrinking ones, 2: removals. */
  phase: number;
}

/** How many calls `deliverDelta` makes for `delta`, or `undefined` when it must be loaded whole (certificates). */
export function callsFor(delta: CaddyDelta): number | undefined {
  if (delta.tls) return undefined;
  return SCHEMES.reduce((sum, scheme) => sum + delta.servers[scheme].changes.length, 0);
}

/** Send `delta` call by call; throws (a `CaddyAdminError`) at the first call Caddy refuses. Returns the calls made. */
export async function deliverDelta(client: CaddyClient, delta: CaddyDelta, after: Record<Scheme, Slot[]>): Promise<number> {
  const calls: Call[] = [];
  for (const scheme of SCHEMES) for (const change of delta.servers[scheme].changes) calls.push({ scheme, change, phase: phaseOf(change) });
  calls.sort((a, b) => a.phase - b.phase);
  // What Caddy holds, route by route, as the calls go.
  const running: Record<Scheme, Slot[]> = { https: [...delta.servers.https.before], http: [...delta.servers.http.before] };
  for (const { scheme, change } of calls) {
    const slots = running[scheme];
    const routes = `/config/apps/http/servers/${scheme}/routes`;
    const guard = (index: number) => caddyEtag(`${routes}/${index}`, slots[index]!.route);
    if (change.before === undefined) {
      // Before the first route that follows it in the new order and is already there (the catch-all at the latest).
      const order = after[scheme];
      const at = order.findIndex((slot) => slot.id === change.id);
      const present = new Set(slots.map((slot) => slot.id));
      const nextId = order.slice(at + 1).find((slot) => present.has(slot.id))!.id;
      const index = slots.findIndex((slot) => slot.id === nextId);
      await client.change('PUT', `${routes}/${index}`, change.after, guard(index));
      slots.splice(index, 0, { id: change.id, route: change.after! });
      continue;
    }
    const index = slots.findIndex((slot) => slot.id === change.id);
    if (change.after === undefined) {
      await client.change('DELETE', `/id/${change.id}`, undefined, guard(index));
      slots.splice(index, 1);
    } else {
      const isGroup = !change.id.endsWith('-challenges');
      const one = isGroup ? oneHost(hostsOf(change.before), hostsOf(change.after)) : undefined;
      const hosts = `${routes}/${index}/match/0/host`;
      if (one?.joined !== undefined) {
        // PUT inserts before index `at`; past the last name, POST appends.
        if (one.at < hostsOf(change.before).length) await client.change('PUT', `${hosts}/${one.at}`, one.joined, guard(index));
        else await client.change('POST', hosts, one.joined, guard(index));
      } else if (one) await client.change('DELETE', `${hosts}/${one.at}`, undefined, guard(index));
      else await client.change('PATCH', isGroup ? `/id/${change.id}/match/0/host` : `/id/${change.id}`, isGroup ? hostsOf(change.after) : change.after, guard(index));
      slots[index] = { id: change.id, route: change.after };
    }
  }
  return calls.length;
}

/**
 * Send a change as one call: `PATCH /config/apps/http/servers` with both servers as the kept render has them, on
 * condition that the first route it changes is what Portico delivered there.
 */
export async function replaceServers(client: CaddyClient, delta: CaddyDelta, servers: unknown): Promise<void> {
  // The first route the change replaces or removes; a change that only adds: the https server's catch-all.
  let guard = caddyEtag(`/config/apps/http/servers/https/routes/${delta.servers.https.before.length - 1}`, delta.servers.https.before.at(-1)!.route);
  for (const scheme of SCHEMES) {
    const { before, changes } = delta.servers[scheme];
    const changed = changes.find((change) => change.before !== undefined);
    if (!changed) continue;
    const index = before.findIndex((slot) => slot.id === changed.id);
    guard = caddyEtag(`/config/apps/http/servers/${scheme}/routes/${index}`, before[index]!.route);
    break;
  }
  await client.change('PATCH', '/config/apps/http/servers', servers, guard);
}

const hostsOf = (route: Json) => (route.match as Json[])[0]!.host as string[];

/**
 * When two sorted host lists differ by exactly one name: the name that joined and its index in `after`, or the index
 * in `before` of the one that left. Otherwise undefined.
 */
function oneHost(before: readonly string[], after: readonly string[]): { at: number; joined?: string } | undefined {
  const [longer, shorter] = after.length === before.length + 1 ? [after, before] : before.length === after.length + 1 ? [before, after] : [];
  if (!longer || !shorter) return undefined;
  let at = 0;
  while (at < shorter.length && shorter[at] === longer[at]) at++;
  for (let i = at; i < shorter.length; i++) if (shorter[i] !== longer[i + 1]) return undefined;
  return longer === after ? { at, joined: after[at]! } : { at };
}

function phaseOf({ before, after }: SlotChange): number {
  if (after === undefined) return 2;
  if (before === undefined || !before.match || !(before.match as Json[])[0]?.host) return 0;
  const had = new Set(hostsOf(before));
  return hostsOf(after).some((host) => !had.has(host)) ? 0 : 1;
}
