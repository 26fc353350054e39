import type { Route } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { describe, expect, it } from 'vitest';
import caddy, { adminOf, adminUrlOf, optionsSchema, renderCaddyConfig, renderOptionsOf, targetSchema, type CaddyPluginOptions } from './index.ts';

const askUrl = 'http://127.0.0.1:4000/edge/ask';
const routes: Route[] = [{ hostname: 'shop.example.test', basePath: '/', upstream: { host: '10.0.0.5', port: 3000 }, stripPath: true, protocol: 'https' }];
const start = (options: CaddyPluginOptions | Record<string, unknown>) => createTestKernel([{ plugin: caddy, options }]);

describe('edge.caddy', () => {
  it('describes the caddy edge', async () => {
    const kernel = await start({ askUrl });
    expect(kernel.descriptors.edges).toEqual([{ edge: 'caddy', displayName: 'Caddy', target: targetSchema, plugin: 'edge.caddy' }]);
  });

  it('renders the route table for the caddy edge with the documented defaults', async () => {
    const kernel = await start({ askUrl });
    const output = await kernel.renderRoutes('caddy', { routes });
    expect(output).toEqual(
      renderCaddyConfig(routes, { adminListen: '127.0.0.1:2019', httpPort: 80, httpsPort: 443, listenAddresses: [], askUrl, issuers: [{ module: 'acme' }], redirectStatus: 308 }),
    );
    expect(output).toMatchObject({ apps: { http: { servers: { https: { listen: [':443'] }, http: { listen: [':80'] } } } } });
  });

  it('passes its options to the renderer', async () => {
    const kernel = await start({ askUrl, httpsPort: 8443, issuers: [{ module: 'internal' }], storageRoot: '/var/lib/caddy', redirectStatus: 301 });
    expect(await kernel.renderRoutes('caddy', { routes })).toMatchObject({
      storage: { root: '/var/lib/caddy' },
      apps: { tls: { automation: { policies: [{ issuers: [{ module: 'internal' }] }] } }, http: { https_port: 8443 } },
    });
  });

  it('answers issueCert with delegated, unless told not to', async () => {
    const kernel = await start({ askUrl });
    expect(await kernel.issueCert({ hostnames: ['shop.example.test'] })).toEqual({ kind: 'delegated', by: 'edge.caddy', message: 'Caddy obtains certificates on demand' });
    const quiet = await start({ askUrl, delegateCertificates: false });
    await expect(quiet.issueCert({ hostnames: ['shop.example.test'] })).rejects.toMatchObject({ code: 'NO_CERT_ISSUER' });
  });

  it.each([
    ['no askUrl', {}],
    ['an askUrl that is not http', { askUrl: 'ftp://x/ask' }],
    ['a port out of range', { askUrl, httpPort: 70_000 }],
    ['an unknown issuer', { askUrl, issuers: [{ module: 'zerossl' }] }],
    ['no issuer', { askUrl, issuers: [] }],
    ['a redirect status other than 301/308', { askUrl, redirectStatus: 302 }],
    ['an admin listen without a port', { askUrl, adminListen: 'localhost' }],
  ])('refuses %s', async (_, options) => {
    await expect(start(options)).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
  });

  it('derives the admin URL from adminListen unless given', () => {
    expect(adminUrlOf(optionsSchema.parse({ askUrl }))).toBe('http://127.0.0.1:2019');
    expect(adminUrlOf(optionsSchema.parse({ askUrl, adminListen: ':2999' }))).toBe('http://127.0.0.1:2999');
    expect(adminUrlOf(optionsSchema.parse({ askUrl, adminUrl: 'http://caddy:2019' }))).toBe('http://caddy:2019');
    expect(renderOptionsOf(optionsSchema.parse({ askUrl }))).not.toHaveProperty('storageRoot');
  });

  it('takes an adminUrl and an adminListen per edge, falling back to the plugin\'s', () => {
    const plugin = optionsSchema.parse({ askUrl, adminUrl: 'http://caddy:2019' });
    expect(adminOf(plugin)).toEqual({ adminUrl: 'http://caddy:2019', adminListen: '127.0.0.1:2019' });
    expect(adminOf(plugin, {})).toEqual({ adminUrl: 'http://caddy:2019', adminListen: '127.0.0.1:2019' });
    expect(adminOf(plugin, { adminUrl: 'http://10.0.0.2:2019' })).toEqual({ adminUrl: 'http://10.0.0.2:2019', adminListen: '127.0.0.1:2019' });
    // A target's own admin address is where Portico reaches it too, unless it names an adminUrl.
    expect(adminOf(plugin, { adminListen: '10.0.0.3:2019' })).toEqual({ adminUrl: 'http://10.0.0.3:2019', adminListen: '10.0.0.3:2019' });
    expect(adminOf(plugin, { adminListen: ':2999' })).toEqual({ adminUrl: 'http://127.0.0.1:2999', adminListen: ':2999' });
    expect(adminOf(plugin, { adminUrl: 'https://edge-3.internal', adminListen: '10.0.0.4:2019' })).toEqual({ adminUrl: 'https://edge-3.internal', adminListen: '10.0.0.4:2019' });
  });

  it('parses an edge\'s target options: none is the plugin\'s Caddy', async () => {
    const kernel = await start({ askUrl });
    expect(kernel.parseEdgeTarget('caddy', undefined)).toEqual({});
    expect(kernel.parseEdgeTarget('caddy', { adminUrl: 'http://10.0.0.2:2019' })).toEqual({ adminUrl: 'http://10.0.0.2:2019' });
  });

  it.each([
    ['an adminUrl that is not http', { adminUrl: 'ftp://10.0.0.2:2019' }],
    ['an adminUrl that is no URL', { adminUrl: '10.0.0.2:2019' }],
    ['an adminListen without a port', { adminListen: '10.0.0.2' }],
    ['a misspelt key', { adminURL: 'http://10.0.0.2:2019' }],
  ])('refuses a target with %s (EDGE_TARGET_INVALID), before calling any Caddy', async (_, options) => {
    // The plugin's admin API is on a port nothing listens on: reaching it would fail with a CaddyAdminError instead.
    const kernel = await start({ askUrl, adminListen: '127.0.0.1:9' });
    for (const call of [kernel.deployRoutes('caddy', { routes, target: { id: 'edge-2', options } }), kernel.previewDeploy('caddy', { routes, target: { id: 'edge-2', options } })]) {
      await expect(call).rejects.toMatchObject({ code: 'EDGE_TARGET_INVALID', details: { edge: 'caddy' } });
    }
  });
});
