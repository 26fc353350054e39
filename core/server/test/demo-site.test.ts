import { createHash, randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestContext } from '@mikro-orm/postgresql';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.ts';
import { demoBannerLines, DEMO_SERVICE_NAME, startDemo, type DemoPortico, type DemoSite } from '../src/demo/index.ts';
import { freeUdpTcpPort } from '../src/free-port.ts';
import { Service } from '../src/modules/routing/service.entity.ts';
import { collectingLogger, createTestDatabase, REPO_ROOT } from './helpers.ts';

// The demo around Portico without an edge (Caddy "missing": PORTICO_CADDY names no file): the pretend SaaS page
// with its one script tag, its token endpoint, the PretendDNS panel writing the zone the demo DNS server answers,
// and the demo app as the project's default widget service.
const ZONE = 'demo.portico.test';
const SCRIPT = 'console.log("portico-connect (test build)");\n';

/** A built widget with real integrity values, so the API serves it and the page's integrity can be checked. */
function fakeWidgetDist(dir: string): string {
  const dist = join(dir, 'dist');
  const file = (name: string, text: string) => {
    writeFileSync(join(dist, name), text);
    return { integrity: `sha384-${createHash('sha384').update(text).digest('base64')}`, bytes: Buffer.byteLength(text), gzipBytes: 10 };
  };
  mkdirSync(dist);
  const files = { 'portico-connect.js': file('portico-connect.js', SCRIPT), 'portico-connect.mjs': file('portico-connect.mjs', `${SCRIPT}export {};\n`) };
  writeFileSync(join(dist, 'manifest.json'), JSON.stringify({ name: '@portico/widget', version: '0.1.0', sourceHash: 'test', files }));
  return dist;
}

describe('demo site (no edge)', { timeout: 60_000 }, () => {
  let portico: DemoPortico;
  let site: DemoSite;
  let page: ReturnType<typeof supertest>;
  let dnsPort: number;
  let dist: string;
  let zoneFile: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-demo-site-'));
    dist = fakeWidgetDist(dir);
    zoneFile = join(dir, 'zones.json');
    dnsPort = await freeUdpTcpPort('127.0.0.1');
    const { logger } = collectingLogger();
    const config = parseConfig(
      {
        seedDemo: true,
        http: { port: 0 },
        jobs: { pollingIntervalSeconds: 0.5 },
        secrets: { keyFile: join(dir, 'keys.json') },
        dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
        routing: { cnameTarget: `edge.${ZONE}` },
        widget: { distDir: dist },
        demo: { hostPage: { port: 0 } },
        plugins: [
          { package: join(REPO_ROOT, 'plugins/dns-memory'), options: { serve: { port: dnsPort }, zones: [{ name: ZONE }], persist: { file: zoneFile } } },
          { package: join(REPO_ROOT, 'plugins/verify-dns-txt') },
        ],
      },
      {},
      'test',
    );
    config.database.url = await createTestDatabase();
    portico = await startDemo({ config, baseDir: dir, logger, env: { PORTICO_CADDY: '/nonexistent/caddy' } });
    site = portico.site!;
    page = supertest(site.origin);
  }, 120_000);
  afterAll(async () => {
    await portico?.stop();
  }, 60_000);

  it('starts without Caddy and says how to get it', () => {
    expect(site.edge.kind).toBe('missing');
    const lines = demoBannerLines(site).join('\n');
    expect(lines).toContain(`Demo SaaS page (start here): ${site.origin}/`);
    expect(lines).toContain(`${site.origin}/dns-panel`);
    expect(lines).toMatch(/apt-get install caddy.*https:\/\/caddyserver\.com\/docs\/install.*stop at "verified"/);
  });

  it('serves the settings page with one script tag carrying the manifest integrity, and a CSP', async () => {
    const res = await page.get('/?domain=shop.example.com&locale=de&theme=dark&ttl=30').expect(200);
    const integrity = `sha384-${createHash('sha384').update(SCRIPT).digest('base64')}`;
    const scripts = res.text.match(/<script src=[^>]*>/g) ?? [];
    expect(scripts).toEqual([`<script src="${portico.url}/widget/v0.1.0/portico-connect.js" integrity="${integrity}" crossorigin="anonymous">`]);
    expect(res.text).toContain(`<portico-connect api-base="${portico.url}" domain="shop.example.com" locale="de" theme="dark">`);
    expect(res.text).toContain('Connect a domain');
    expect(res.text).toContain('"ttl":30');
    expect(res.headers['content-security-policy']).toContain(`script-src 'nonce-`);
    expect(res.headers['content-security-policy']).toContain(portico.url);

    // The script the tag names is what Portico serves, byte for byte (so the browser's integrity check passes).
    const served = await supertest(portico.url!).get('/widget/v0.1.0/portico-connect.js').expect(200);
    expect(`sha384-${createHash('sha384').update(served.text).digest('base64')}`).toBe(integrity);
  });

  it('escapes what the query puts into the page and ignores unknown locales and themes', async () => {
    const res = await page.get('/').query({ domain: '"><script>alert(1)</script>', locale: 'xx', theme: 'neon' }).expect(200);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('domain="&#34;&#62;&#60;script&#62;');
    expect(res.text).not.toMatch(/locale=|theme=/);
  });

  it('issues tokens for the demo customer that work from the page origin only', async () => {
    const res = await page.post('/api/widget-token').send({ ttl: 120 }).expect(200);
    expect(res.body.token).toMatch(/^wt_/);
    expect(new Date(res.body.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 120_000);
    const api = supertest(portico.url!);
    const session = await api.get('/v1/widget/session').set('authorization', `Bearer ${res.body.token}`).set('origin', site.origin).expect(200);
    expect(session.body.projectId).toBeTruthy();
    const [stored] = await portico.container.cradle.orm.em.fork().getConnection().execute<Array<{ customer_ref: string }>>('select customer_ref from widget_tokens order by created_at desc limit 1');
    expect(stored.customer_ref).toBe('demo-customer');
    const refused = await api.get('/v1/widget/session').set('authorization', `Bearer ${res.body.token}`).set('origin', 'http://evil.example').expect(403);
    expect(refused.body.error.code).toBe('WIDGET_ORIGIN_REFUSED');
  });

  it('refuses token requests sent by another site', async () => {
    const res = await page.post('/api/widget-token').set('origin', 'http://evil.example').send({}).expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    const bad = await page.post('/api/widget-token').set('content-type', 'application/json').send('{nope').expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('makes the demo app the project service and the widget default service, and allows the page origin', async () => {
    const { orm, widgetService, accessService } = portico.container.cradle;
    const service = await orm.em.fork().findOneOrFail(Service, { name: DEMO_SERVICE_NAME });
    expect(service.upstreamPort).toBe(Number(new URL(site.appUrl).port));
    const owner = { kind: 'user' as const, userId: (await orm.em.fork().getConnection().execute<Array<{ id: string }>>('select id from users limit 1'))[0].id, sessionId: 'test' };
    const settings = await RequestContext.create(orm.em, async () => widgetService.settings(await accessService.forOrganization(owner, service.organization.id), service.project.id));
    expect(settings.allowedOrigins).toContain(site.origin);
    expect(settings.defaultServiceId).toBe(service.id);

    const hello = await supertest(site.appUrl).get('/').set('host', 'shop.example.com').expect(200);
    expect(hello.text).toContain('Acme Sites — hello from shop.example.com');
  });

  it('PretendDNS adds and deletes records that the demo DNS server answers at once', async () => {
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${dnsPort}`]);
    const name = `www-${randomBytes(3).toString('hex')}`;

    const empty = await page.get('/dns-panel').expect(200);
    expect(empty.text).toContain(`PretendDNS — ${ZONE}`);
    for (const label of ['Name', 'Type', 'Value', 'TTL']) expect(empty.text).toMatch(new RegExp(`<label for="(rr-[a-z]+)">${label}</label><(input|select) id="\\1"`));

    await page.post('/dns-panel/records').type('form').send({ name, type: 'A', value: '192.0.2.7', ttl: '120' }).expect(302).expect('location', '/dns-panel?done=added');
    expect(await resolver.resolve4(`${name}.${ZONE}`)).toEqual(['192.0.2.7']);
    // Kept in the plugin's zone file, so it is still there after a restart.
    expect(readFileSync(zoneFile, 'utf8')).toContain('192.0.2.7');
    expect((await page.get('/dns-panel').expect(200)).text).toContain('192.0.2.7');

    await page.post('/dns-panel/records').type('form').send({ name: '@', type: 'TXT', value: 'hello world', ttl: '' }).expect(302);
    expect(await resolver.resolveTxt(ZONE)).toEqual([['hello world']]);

    await page.post('/dns-panel/records/delete').type('form').send({ name: `${name}.${ZONE}`, type: 'A', value: '192.0.2.7' }).expect(302);
    await expect(resolver.resolve4(`${name}.${ZONE}`)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('PretendDNS refuses bad input with a message, and forms posted by another site', async () => {
    const bad = await page.post('/dns-panel/records').type('form').send({ name: 'x', type: 'A', value: 'not-an-ip', ttl: '300' }).expect(400);
    expect(bad.text).toMatch(/role="alert">&#34;not-an-ip&#34; is not an IPv4 address/);
    await page.post('/dns-panel/records').type('form').send({ name: 'x', type: 'MX', value: 'a', ttl: '300' }).expect(400);
    await page.post('/dns-panel/records').set('origin', 'http://evil.example').type('form').send({ name: 'x', type: 'A', value: '192.0.2.1' }).expect(403);
  });
});
