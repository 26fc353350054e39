/**
 * `@portico/dns-domainconnect/testing`: for tests only.
 *
 * A DNS provider's Domain Connect endpoints on loopback, written from the spec: settings per zone, the template
 * support check, and the synchronous apply page (standing in for the user clicking "Connect"), which checks the
 * signature against the public key it reads from DNS, as real providers do, before it writes anything.
 */
import { createPublicKey, verify } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DnsLookup, RecordSet } from '@portico/kernel';
import { expandTemplate, type DomainConnectTemplate } from './template.ts';

/** How the settings endpoint answers for one zone. */
export type SettingsBehaviour = { settings: Record<string, unknown> } | 'bad-json' | 'hang' | 'error';

export interface Consent {
  /** Where the provider reads the public key from. */
  dns: DnsLookup;
  /** The provider's onboarded copy of the template. */
  template: DomainConnectTemplate;
  /** Write the records into the zone (the provider's own DNS). */
  write(zone: string, records: RecordSet[]): void;
}

export interface FakeProvider {
  /** `127.0.0.1:<port>`: what the `_domainconnect` TXT record holds. */
  host: string;
  base: string;
  zones: Map<string, SettingsBehaviour>;
  /** `providerId/serviceId` of templates the `/api` endpoint supports (`/api-none` supports none). */
  supported: Set<string>;
  consent?: Consent;
  /** Request paths, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Settings as a provider publishes them; `urlAPI` and `urlSyncUX` point back at the fake. */
export function settingsFor(provider: FakeProvider, overrides: Record<string, unknown> = {}): { settings: Record<string, unknown> } {
  return {
    settings: {
      providerId: 'fakedns.example',
      providerName: 'FakeDNS',
      providerDisplayName: 'Fake DNS',
      urlSyncUX: `${provider.base}/sync`,
      urlAPI: `${provider.base}/api`,
      urlControlPanel: 'https://cp.fakedns.example/domains/%domain%',
      nameServers: ['ns1.fakedns.example'],
      ...overrides,
    },
  };
}

/** The public key a provider reassembles from `p=<n>,a=RS256,d=<piece>` TXT records. */
async function publicKey(dns: DnsLookup, name: string): Promise<string | undefined> {
  const answer = await dns.query(name, 'TXT');
  if (answer.status !== 'found') return undefined;
  const pieces = answer.values.map((v) => Object.fromEntries(v.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])));
  const data = pieces.sort((a, b) => Number(a.p) - Number(b.p)).map((p) => p.d).join('');
  return createPublicKey({ key: Buffer.from(data, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
}

async function apply(consent: Consent | undefined, rawQuery: string, res: ServerResponse): Promise<void> {
  if (!consent) return void res.writeHead(503).end('no consent configured');
  const { template } = consent;
  const signed = /^(.*)&sig=([^&]*)&key=([^&]*)$/.exec(rawQuery);
  if (template.syncPubKeyDomain !== undefined) {
    if (!signed) return void res.writeHead(400).end('signature required');
    const key = await publicKey(consent.dns, `${decodeURIComponent(signed[3])}.${template.syncPubKeyDomain}`);
    if (!key || !verify('sha256', Buffer.from(signed[1]), key, Buffer.from(decodeURIComponent(signed[2]), 'base64'))) {
      return void res.writeHead(400).end('invalid signature');
    }
  }
  const params = new URLSearchParams(rawQuery);
  const { domain, host, groupId, redirect_uri: redirectUri, state, sig: _sig, key: _key, ...variables } = Object.fromEntries(params);
  const records = expandTemplate(template, { domain, host: host ?? '', variables, groupIds: groupId?.split(',') });
  consent.write(domain, records);
  if (redirectUri === undefined) return void res.writeHead(200).end('applied');
  const back = new URL(redirectUri);
  if (state !== undefined) back.searchParams.set('state', state);
  res.writeHead(302, { location: back.href }).end();
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const zones = new Map<string, SettingsBehaviour>();
  const supported = new Set<string>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(url.pathname);
    const settings = /^\/v2\/([^/]+)\/settings$/.exec(url.pathname);
    if (settings) {
      const behaviour = zones.get(settings[1]);
      if (behaviour === undefined) return void res.writeHead(404).end();
      if (behaviour === 'hang') return; // never answers; closed with the server
      if (behaviour === 'error') return void res.writeHead(500).end();
      if (behaviour === 'bad-json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"providerId": ');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(behaviour.settings));
    }
    const template = /^\/(api|api-none)\/v2\/domainTemplates\/providers\/([^/]+)\/services\/([^/]+)$/.exec(url.pathname);
    if (template) {
      const known = template[1] === 'api' && supported.has(`${decodeURIComponent(template[2])}/${decodeURIComponent(template[3])}`);
      return void res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' }).end(known ? '{"version": 1}' : '');
    }
    if (/^\/sync\/v2\/domainTemplates\/providers\/[^/]+\/services\/[^/]+\/apply$/.test(url.pathname)) {
      const raw = (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1);
      apply(provider.consent, raw, res).catch((error: Error) => res.writeHead(500).end(error.message));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const provider: FakeProvider = {
    host: `127.0.0.1:${port}`,
    base: `http://127.0.0.1:${port}`,
    zones,
    supported,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return provider;
}
