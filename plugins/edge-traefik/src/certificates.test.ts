import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Route, SuppliedCertificate } from '@portico/kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { previewTraefikDirectory, previewTraefikFile, writeTraefikDirectory, writeTraefikFile } from './deliver-file.ts';
import { renderForHttp } from './http.ts';
import { flattenToKv } from './kv.ts';
import { DEFAULT_RENDER_OPTIONS, renderTraefikConfig } from './render.ts';
import { splitByTenant } from './split.ts';

// Supplied certificates (cert.acme) in every Traefik delivery: `tls.certificates` with the PEM content.
const key = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const body = (pem: string) => pem.split('\n')[1]!;
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfixture\n-----END CERTIFICATE-----\n';
const supplied = (hostnames: string[], privateKeyPem = key()): SuppliedCertificate => ({ hostnames, certificatePem: CERT, privateKeyPem, notAfter: new Date('2030-01-01') });
const routes: Route[] = [
  { hostname: 'b.test', basePath: '/', upstream: { host: '10.0.0.1', port: 80 }, stripPath: true, protocol: 'https', tenant: { organization: 'acme', project: 'shop' } },
  { hostname: 'a.test', basePath: '/', upstream: { host: '10.0.0.1', port: 80 }, stripPath: true, protocol: 'https', tenant: { organization: 'globex', project: 'web' } },
];
const work = mkdtempSync(join(tmpdir(), 'portico-traefik-certs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('supplied certificates in the Traefik configuration', () => {
  it('renders tls.certificates sorted by first hostname, and nothing without certificates', () => {
    const [a, b] = [supplied(['a.test']), supplied(['b.test'])];
    const config = renderTraefikConfig(routes, DEFAULT_RENDER_OPTIONS, [b, a]);
    expect(config.tls?.certificates).toEqual([
      { certFile: CERT, keyFile: a.privateKeyPem },
      { certFile: CERT, keyFile: b.privateKeyPem },
    ]);
    expect(renderTraefikConfig(routes, DEFAULT_RENDER_OPTIONS)).not.toHaveProperty('tls');
    // Routers keep `tls: {}`: Traefik picks the certificate by SNI from its store.
    expect(Object.values(config.http.routers).every((router) => JSON.stringify(router.tls) === '{}')).toBe(true);
  });

  it('lays them out as KV keys holding the PEM content', () => {
    const cert = supplied(['a.test']);
    const kv = flattenToKv(renderTraefikConfig(routes, DEFAULT_RENDER_OPTIONS, [cert]), 'traefik');
    expect(kv.get('traefik/tls/certificates/0/certFile')).toBe(CERT);
    expect(kv.get('traefik/tls/certificates/0/keyFile')).toBe(cert.privateKeyPem);
  });

  it('serves them to the HTTP provider', () => {
    const cert = supplied(['a.test']);
    expect(JSON.parse(renderForHttp(routes, DEFAULT_RENDER_OPTIONS, [cert]).body).tls).toEqual({ certificates: [{ certFile: CERT, keyFile: cert.privateKeyPem }] });
  });

  it('puts them in the _default file of directory delivery, once', () => {
    const files = splitByTenant(renderTraefikConfig(routes, DEFAULT_RENDER_OPTIONS, [supplied(['a.test'])]), routes);
    const holding = [...files].filter(([, config]) => config.tls !== undefined).map(([name]) => name);
    expect(holding).toEqual(['_default']);
  });

  it('writes a file holding a key with mode 0600 and previews it without the key', async () => {
    const path = join(work, 'dynamic.yaml');
    const first = supplied(['a.test']);
    await writeTraefikFile(path, renderTraefikConfig(routes, DEFAULT_RENDER_OPTIONS, [first]));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await previewTraefikFile(path, renderTraefikConfig(routes, DEFAULT_RENDER_OPTIONS, [first]))).changed).toBe(false);
    const renewed = supplied(['a.test']);
    const preview = await previewTraefikFile(path, renderTraefikConfig(routes, DEFAULT_RENDER_OPTIONS, [renewed]));
    expect(preview.changed).toBe(true);
    expect(preview.diff).toContain('private key redacted');
    expect(preview.diff).not.toContain(body(first.privateKeyPem));
    expect(preview.diff).not.toContain(body(renewed.privateKeyPem));
  });

  it('previews a directory without the key', async () => {
    const dir = join(work, 'dynamic');
    const first = supplied(['a.test']);
    const render = (cert: SuppliedCertificate) => splitByTenant(renderTraefikConfig(routes, DEFAULT_RENDER_OPTIONS, [cert]), routes);
    await writeTraefikDirectory(dir, render(first));
    const renewed = supplied(['a.test']);
    const preview = await previewTraefikDirectory(dir, render(renewed));
    expect(preview.summary).toBe('1 file would change: 1 changed');
    expect(preview.diff).toContain('private key redacted');
    expect(preview.diff).not.toContain(body(first.privateKeyPem));
    expect(preview.diff).not.toContain(body(renewed.privateKeyPem));
  });
});
