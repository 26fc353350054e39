/**
 * The rendered objects route as routing.ts says. A small model of what the ingress gateway does with them
 * (Istio: SNI / Host to Gateway server and VirtualService, first matching `http` rule, Envoy's prefix rewrite;
 * Gateway API: the longest matching PathPrefix, ReplacePrefixMatch) answers requests to every fixture host over
 * both schemes, and each answer is compared with `previewRoute`. Known differences are listed and asserted.
 */
import { previewRoute, type Route } from '@portico/kernel';
import { EDGE_FIXTURE_ROUTES } from '@portico/kernel/conformance';
import { describe, expect, it } from 'vitest';
import { renderIstio, type KubeObject } from '../src/render.ts';
import { renderOptionsFor, type CaseName } from './cases.ts';
import { generatedRoutes } from './generated-routes.ts';

type Answer = string;
/** The fixture's ownership challenge (a hostname verified by a file); Portico answers it where the edge forwards it. */
const FIXTURE_TOKEN = EDGE_FIXTURE_ROUTES.find((r) => r.ownershipChallenge)!.ownershipChallenge!.token;

const PATHS = ['/', '/x', '/api', '/api/', '/api/x', '/apiary', '/api/v2', '/api/v2/', '/api/v2/x', '/api/v20', '/docs', '/docs/', '/docs/x', '/blog', '/blog/', '/blog/x/', '/keep', '/keep/x', '/static', '/static/a.css', '/api/v1', '/api/v1/', '/api/v1/users', '/api/v1/users/7', '/a-b/c_d.e~f', '/a-b/c_d.e~f/x', '/p1', '/p12/x', '/.well-known/acme-challenge/tok', `/.well-known/portico-challenge/${FIXTURE_TOKEN}`, '/.well-known/portico-challenge/other'];

/** What routing.ts says, in the model's words. */
function expected(routes: readonly Route[], scheme: 'http' | 'https', host: string, path: string): Answer {
  const p = previewRoute(routes, { scheme, hostname: host, path });
  switch (p.outcome) {
    case 'proxy':
      return `proxy ${p.internalUrl}`;
    case 'redirect':
      return `${p.status} ${p.location}`;
    case 'acme_challenge':
      return 'acme';
    case 'ownership_challenge':
      return `challenge ${p.body}`;
    case 'refused':
    case 'not_found':
      return String(p.answer);
    default:
      return p.outcome;
  }
}

/**
 * The server (or listener) that gets a request for `host`, as Envoy picks server names and virtual hosts: the
 * exact name, else the longest wildcard suffix (`*.saas.test` also matches `b.a.saas.test`: a suffix match).
 */
function pick<T>(items: T[], hostsOf: (item: T) => string[], host: string): T | undefined {
  const exact = items.find((i) => hostsOf(i).includes(host));
  if (exact) return exact;
  const wildcards = items.flatMap((i) => hostsOf(i).filter((h) => h.startsWith('*.') && host.endsWith(h.slice(1))).map((h) => ({ i, length: h.length })));
  return wildcards.sort((a, b) => b.length - a.length)[0]?.i;
}
/** Whether the certificate behind `secret` covers `host` as a client checks it (a wildcard covers one label). */
function certificateCovers(objects: KubeObject[], secret: string, host: string): boolean {
  const cert = objects.find((o) => o.kind === 'Certificate' && o.spec.secretName === secret);
  return ((cert?.spec.dnsNames as string[] | undefined) ?? []).some((name) => name === host || (name.startsWith('*.') && host.endsWith(name.slice(1)) && !host.slice(0, -name.length + 1).includes('.')));
}
const upstreamUrl = (host: string, port: number, path: string) => `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;

function istioAnswer(objects: KubeObject[], scheme: 'http' | 'https', host: string, path: string, solver: boolean): Answer {
  const port = scheme === 'https' ? 443 : 80;
  type Server = { hosts: string[]; port: { number: number }; tls?: { credentialName: string } };
  const servers = objects.filter((o) => o.kind === 'Gateway').flatMap((g) => (g.spec.servers as Server[]).map((s) => ({ gateway: `${g.metadata.namespace}/${g.metadata.name}`, ...s })));
  const server = pick(servers.filter((s) => s.port.number === port), (s) => s.hosts.map((h) => h.split('/')[1]!), host);
  if (!server) return scheme === 'https' ? 'tls_handshake_fails' : '404';
  if (server.tls && !certificateCovers(objects, server.tls.credentialName, host)) return 'tls_handshake_fails';
  const vs = objects.find((o) => o.kind === 'VirtualService' && (o.spec.gateways as string[]).includes(server.gateway))!;
  type Rule = { match: { port?: number; uri: { exact?: string; prefix?: string } }[]; name: string; rewrite?: { uri: string }; route?: { destination: { host: string; port: { number: number } } }[]; redirect?: { redirectCode: number }; directResponse?: { status: number; body?: { string: string } } };
  for (const rule of vs.spec.http as Rule[]) {
    const match = rule.match.find((m) => (m.port === undefined || m.port === port) && (m.uri.exact !== undefined ? path === m.uri.exact : path.startsWith(m.uri.prefix!)));
    if (!match) continue;
    if (rule.name === 'acme-challenge') return solver ? 'acme' : 'acme via a route';
    if (rule.name.startsWith('ownership-challenge')) return `challenge ${rule.directResponse!.body!.string}`;
    if (rule.directResponse) return String(rule.directResponse.status);
    if (rule.redirect) return `${rule.redirect.redirectCode} https://${host}${path}`;
    const forwarded = rule.rewrite ? (match.uri.exact !== undefined ? rule.rewrite.uri : rule.rewrite.uri + path.slice(match.uri.prefix!.length)) : path;
    const { destination } = rule.route![0]!;
    return `proxy ${upstreamUrl(destination.host, destination.port.number, forwarded)}`;
  }
  return '404';
}

const segmentPrefix = (prefix: string, path: string) => prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);

function gatewayApiAnswer(objects: KubeObject[], scheme: 'http' | 'https', host: string, path: string): Answer {
  type Listener = { hostname: string; name: string; port: number; tls?: { certificateRefs: { name: string }[] } };
  const listeners = objects.filter((o) => o.kind === 'Gateway').flatMap((g) => (g.spec.listeners as Listener[]).map((l) => ({ gateway: g.metadata.name, ...l })));
  const listener = pick(listeners.filter((l) => l.port === (scheme === 'https' ? 443 : 80)), (l) => [l.hostname], host);
  if (!listener) return scheme === 'https' ? 'tls_handshake_fails' : '404';
  if (listener.tls && !certificateCovers(objects, listener.tls.certificateRefs[0]!.name, host)) return 'tls_handshake_fails';
  type Ref = { name: string; namespace?: string; kind?: string; port: number };
  type Rule = { matches: { path: { type: string; value: string } }[]; backendRefs?: Ref[]; filters?: { requestRedirect?: { statusCode: number }; urlRewrite?: { path: { replacePrefixMatch: string } } }[] };
  const rules = objects
    .filter((o) => o.kind === 'HTTPRoute' && (o.spec.parentRefs as { name: string; sectionName: string }[]).some((p) => p.name === listener.gateway && p.sectionName === listener.name))
    .flatMap((o) => o.spec.rules as Rule[]);
  // Gateway API precedence: an Exact match before any PathPrefix, then the longest prefix.
  const exact = rules.find((r) => r.matches[0]!.path.type === 'Exact' && r.matches[0]!.path.value === path);
  if (exact) return exact.matches[0]!.path.value.startsWith('/.well-known/portico-challenge/') ? `challenge ${path.split('/').pop()}` : '500 (unexpected exact rule)';
  const matching = rules.filter((r) => r.matches[0]!.path.type !== 'Exact' && segmentPrefix(r.matches[0]!.path.value, path)).sort((a, b) => b.matches[0]!.path.value.length - a.matches[0]!.path.value.length);
  const rule = matching[0];
  if (!rule) return '404';
  const prefix = rule.matches[0]!.path.value;
  if (prefix === '/.well-known/acme-challenge') return 'acme';
  const redirect = rule.filters?.find((f) => f.requestRedirect)?.requestRedirect;
  if (redirect) return `${redirect.statusCode} https://${host}${path}`;
  if (!rule.backendRefs) return '500 (no backends)';
  const replace = rule.filters?.find((f) => f.urlRewrite)?.urlRewrite?.path.replacePrefixMatch;
  let forwarded = path;
  if (replace !== undefined) {
    const rest = prefix === '/' ? path : path.slice(prefix.length);
    forwarded = replace === '/' ? rest || '/' : rest === '' || rest === '/' ? `${replace}${rest}` : `${replace.replace(/\/$/, '')}${rest}`;
  }
  const ref = rule.backendRefs[0]!;
  const target = ref.kind === 'Hostname' ? ref.name : `${ref.name}.${ref.namespace}.svc.cluster.local`;
  return `proxy ${upstreamUrl(target, ref.port, forwarded)}`;
}

/** In-cluster hosts are written in full by the fixture; the Gateway API model spells Services in full too. */
const canonical = (answer: Answer) => answer.replace(/http:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc(:\d)/, 'http://$1.$2.svc.cluster.local$3');

function compare(name: CaseName, routes: readonly Route[], hosts: string[]) {
  const objects = renderIstio(routes, renderOptionsFor(name)).flatMap((t) => t.objects);
  const solver = name.endsWith('-solver');
  const differences: string[] = [];
  let checked = 0;
  for (const host of hosts) {
    for (const scheme of ['http', 'https'] as const) {
      for (const path of PATHS) {
        const want = canonical(expected(routes, scheme, host, path));
        const got = canonical(name.startsWith('gateway-api') ? gatewayApiAnswer(objects, scheme, host, path) : istioAnswer(objects, scheme, host, path, solver));
        checked++;
        if (want !== got) differences.push(`${scheme}://${host}${path}: routing.ts ${want}, edge ${got}`);
      }
    }
  }
  return { checked, differences };
}

const fixtureHosts = [...new Set(EDGE_FIXTURE_ROUTES.map((r) => r.hostname).filter((h) => !h.startsWith('*.'))), 'a.saas.test', 'b.a.saas.test', 'saas.test', 'unknown.test'];

/**
 * Known: Envoy (and Gateway API) match a wildcard as a suffix, so `*.saas.test` also answers plain HTTP for
 * `b.a.saas.test`, two labels down, where routing.ts finds no route (HTTPS fails there: the certificate does not
 * cover the name).
 */
const twoLabelsDown = (d: string) => d.startsWith('http://b.a.saas.test/');

describe('the rendered objects route as routing.ts says', () => {
  it('istio with a solver: every request of the fixture as previewRoute answers it (but two labels below a wildcard)', () => {
    const { checked, differences } = compare('istio-solver', EDGE_FIXTURE_ROUTES, fixtureHosts);
    expect(checked).toBe(fixtureHosts.length * 2 * PATHS.length);
    expect(differences.filter((d) => !twoLabelsDown(d))).toEqual([]);
    expect(differences.filter(twoLabelsDown).length).toBeGreaterThan(0);
    expect(differences.filter((d) => d.startsWith('https://b.a.saas.test/'))).toEqual([]);
  });

  it('istio without a solver: the same, except that HTTP-01 challenges get the route treatment (DNS-01 issuers need none)', () => {
    const { differences } = compare('istio', EDGE_FIXTURE_ROUTES, fixtureHosts);
    const acme = differences.filter((d) => !twoLabelsDown(d));
    expect(acme.length).toBeGreaterThan(0);
    for (const d of acme) expect(d).toMatch(/^http:\/\/[^/]+\/\.well-known\/acme-challenge\/tok: routing\.ts acme, edge /);
  });

  it('gateway-api: the same, except HTTP paths refused below a shorter served path, which HTTPRoute can only answer 5xx', () => {
    const { differences } = compare('gateway-api-solver', EDGE_FIXTURE_ROUTES, fixtureHosts);
    expect(differences.filter((d) => !twoLabelsDown(d))).toEqual([
      'http://app.example.test/api/v2: routing.ts 404, edge 500 (no backends)',
      'http://app.example.test/api/v2/: routing.ts 404, edge 500 (no backends)',
      'http://app.example.test/api/v2/x: routing.ts 404, edge 500 (no backends)',
      'http://a.saas.test/static: routing.ts 404, edge 500 (no backends)',
      'http://a.saas.test/static/a.css: routing.ts 404, edge 500 (no backends)',
    ]);
  });

  it('istio with a solver, on the generated table too', () => {
    const routes = generatedRoutes();
    const hosts = [...new Set(routes.map((r) => r.hostname.toLowerCase()))].filter((h) => !/[^\x20-\x7e]/.test(h)).map((h) => (h.startsWith('*.') ? `x${h.slice(1)}` : h));
    const { checked, differences } = compare('istio-solver', routes, hosts);
    expect(checked).toBeGreaterThan(3000);
    // x.deep.saasN.test: one label below *.deep.saasN.test, two below *.saasN.test; the more specific wins, as in routing.ts.
    expect(differences).toEqual([]);
  });
});
