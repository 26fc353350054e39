import getPort from 'get-port';
import { getMemoryDnsInstance } from '@portico/dns-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dns01Challenges } from '../src/modules/certificates/dns01.ts';
import { Domain } from '../src/modules/domains/entity.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// DNS-01 as the certificate job presents it, through the domain's dns.memory credential: under this installation's
// owner marker, two orders sharing `_acme-challenge.<name>` (a name and its wildcard) each keep their value, and a
// cleanup removes only its own.
const ZONE = 'example.test';
const NAME = '_acme-challenge.shop.example.test';

describe('DNS-01 challenge records', { timeout: 60_000 }, () => {
  let portico: TestPortico;
  let domain: Domain;
  const txt = (name: string) => getMemoryDnsInstance()!.zones.get(name, 'TXT')?.values;

  beforeAll(async () => {
    const dnsPort = await getPort({ host: '127.0.0.1' });
    portico = await startTestPortico({
      dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
      dnsSetup: { owner: 'cert-test' },
      certificates: { dns01IntervalSeconds: 0.05, dns01TimeoutSeconds: 10 },
      plugins: [{ package: '@portico/dns-memory', options: { serve: { port: dnsPort }, zones: [{ name: ZONE, records: [] }] } }, { package: '@portico/verify-dns-txt' }],
    });
    const session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    const projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
    const id = (await post(`/v1/projects/${projectId}/domains`, { hostnames: ['shop.example.test'] }).expect(200)).body.created[0].id;
    const credential = (await post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'memory', label: 'zone', credentials: {} }).expect(201)).body;
    const em = portico.container.cradle.orm.em.fork();
    await em.nativeUpdate(Domain, { id }, { status: 'verified', dnsProvider: 'memory', dnsCredential: credential.id, dnsZone: ZONE });
    domain = await em.findOneOrFail(Domain, { id });
  }, 120_000);
  afterAll(async () => {
    await portico?.stop();
  }, 120_000);

  it('keeps the value of every running order and removes only its own, under the installation owner', async () => {
    const [apex, wildcard] = [await dns01Challenges(portico.container.cradle, domain), await dns01Challenges(portico.container.cradle, domain)];
    await apex!.present({ hostname: 'shop.example.test', name: NAME, value: 'apex-value' });
    await wildcard!.present({ hostname: '*.shop.example.test', name: NAME, value: 'wildcard-value' });
    expect(txt(NAME)?.sort()).toEqual(['apex-value', 'wildcard-value']);
    expect(txt(`_portico-owner.txt.${NAME}`)).toEqual(['heritage=portico,portico/owner=cert-test']);

    await apex!.cleanup({ hostname: 'shop.example.test', name: NAME, value: 'apex-value' });
    expect(txt(NAME)).toEqual(['wildcard-value']);
    await wildcard!.cleanup({ hostname: '*.shop.example.test', name: NAME, value: 'wildcard-value' });
    expect(txt(NAME)).toBeUndefined();
  });
});
