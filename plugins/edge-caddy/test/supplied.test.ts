/**
 * Certificates Portico supplies (cert.acme) through a real Caddy: the TLS handshake for a supplied name presents
 * exactly the supplied leaf (compared by SHA-256 fingerprint and serial), even after Caddy obtained an on-demand
 * certificate for that name; other names keep getting on-demand certificates; a dry run never shows the key.
 */
import { X509Certificate } from 'node:crypto';
import { connect, type PeerCertificate } from 'node:tls';
import type { Route } from '@portico/kernel';
import { requireCaddy, type Caddy } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushCaddyConfig, type CaddyClient } from '../src/client.ts';
import { previewCaddyConfig } from '../src/preview.ts';
import { renderCaddyConfig, type CaddyRenderOptions } from '../src/render.ts';
import { fixtureCertificates } from './fixtures/routes.ts';
import { startCaddyStack, type CaddyStack, type Listening } from './helpers.ts';

const supplied = fixtureCertificates[0]!;
const leaf = new X509Certificate(supplied.certificatePem);

/** The leaf Caddy presents for `servername` (not verified: only its identity matters here). */
function presented(port: number, servername: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, timeout: 8000 }, () => {
      const peer = socket.getPeerCertificate();
      socket.end();
      resolve(peer);
    });
    socket.on('timeout', () => socket.destroy(new Error('no TLS handshake within 8 s')));
    socket.on('error', reject);
  });
}

// Without caddy (apt-get install caddy) there is no edge to drive; CI=true makes requireCaddy() throw instead.
describe.skipIf(!requireCaddy())('edge.caddy serves supplied certificates', { timeout: 60_000 }, () => {
  let caddy: Caddy;
  let echo: Listening;
  let ask: CaddyStack['ask'];
  let client: CaddyClient;
  let options: CaddyRenderOptions;
  let routes: Route[];

  beforeAll(async () => {
    ({ caddy, echo, ask, client, options } = await startCaddyStack(new Set(['shop.example.test', 'other.test'])));
    const upstream = { host: '127.0.0.1', port: echo.port };
    routes = ['shop.example.test', 'other.test'].map((hostname) => ({ hostname, basePath: '/', upstream, stripPath: true, protocol: 'https' }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([caddy?.stop(), echo?.close(), ask?.close()]);
  });

  it('presents the supplied leaf for its name, even over an on-demand certificate Caddy already holds', async () => {
    // First without supplied certificates: Caddy obtains one on demand from its internal CA.
    await pushCaddyConfig(client, renderCaddyConfig(routes, options));
    const onDemand = await presented(caddy.httpsPort, 'shop.example.test');
    expect(onDemand.fingerprint256).not.toBe(leaf.fingerprint256);

    await pushCaddyConfig(client, renderCaddyConfig(routes, options, fixtureCertificates));
    const served = await presented(caddy.httpsPort, 'shop.example.test');
    expect(served.fingerprint256).toBe(leaf.fingerprint256);
    expect(served.serialNumber.toUpperCase()).toBe(leaf.serialNumber.toUpperCase());
  });

  it('keeps obtaining certificates on demand for the other names', async () => {
    const other = await presented(caddy.httpsPort, 'other.test');
    expect(other.fingerprint256).not.toBe(leaf.fingerprint256);
    expect(other.subjectaltname).toBe('DNS:other.test');
  });

  it('shows a dry run without the private key', async () => {
    const key = supplied.privateKeyPem.split('\n')[1]!;
    const preview = await previewCaddyConfig(client, renderCaddyConfig(routes, options));
    expect(preview.changed).toBe(true);
    expect(preview.diff).toContain('private key redacted');
    expect(preview.diff).not.toContain(key);
    expect((await previewCaddyConfig(client, renderCaddyConfig(routes, options, fixtureCertificates))).changed).toBe(false);
  });

  it('goes back to on demand once the certificate is no longer supplied', async () => {
    await pushCaddyConfig(client, renderCaddyConfig(routes, options));
    expect((await presented(caddy.httpsPort, 'shop.example.test')).fingerprint256).not.toBe(leaf.fingerprint256);
  });
});
