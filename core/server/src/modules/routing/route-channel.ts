/**
 * The PostgreSQL channel on which the database's triggers (declared on the Domain, Service and
 * ServiceDomainMapping entities) announce route changes. Every process's route table LISTENs on it.
 *
 * A payload names what changed by id, never by a list of hosts (PostgreSQL refuses payloads of 8000 bytes or
 * more, and a service can be mapped by any number of hosts); the listener asks the database which hosts that is:
 * - `{"service":"<id>"}` — a service's upstream moved: every host mapped to it;
 * - `{"domain":"<id>"}` — a domain's status changed: every host of its mappings;
 * - `{"mapping":"<id>"}` — a mapping was added or changed; `"was":"<host>"` (one host name, at most 253
 *   characters) when it was deleted or its host changed, since the database no longer holds the old host;
 * - `{"probe":"<token>"}` — a route table's own liveness probe (see route-listener.ts), ignored by the others.
 * `{"hosts":[…]}` (the format before ids) is still read, so processes of both versions can share a database.
 */
export const ROUTES_CHANNEL = 'portico_routes';

export type RouteChange =
  | { kind: 'service'; id: string }
  | { kind: 'domain'; id: string }
  | { kind: 'mapping'; id: string; was?: string }
  | { kind: 'hosts'; hosts: string[] }
  | { kind: 'probe'; token: string };

/** The change a payload announces; undefined for one this version does not understand (reload everything). */
export function parseRouteChange(payload: string): RouteChange | undefined {
  let data: unknown;
  try {
    data = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { service, domain, mapping, was, hosts, probe } = data as Record<string, unknown>;
  if (typeof probe === 'string') return { kind: 'probe', token: probe };
  if (typeof service === 'string') return { kind: 'service', id: service };
  if (typeof domain === 'string') return { kind: 'domain', id: domain };
  if (typeof mapping === 'string') return typeof was === 'string' ? { kind: 'mapping', id: mapping, was } : { kind: 'mapping', id: mapping };
  if (Array.isArray(hosts) && hosts.every((h) => typeof h === 'string')) return { kind: 'hosts', hosts };
  return undefined;
}
