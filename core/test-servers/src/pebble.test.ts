import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePebble, startPebble, type Pebble } from './pebble.ts';

const available = requirePebble();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET with an optional CA; resolves with the status and body, rejects on TLS or connection errors. */
function get(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!available)('startPebble', () => {
  let pebble: Pebble;

  beforeAll(async () => {
    // Nothing answers on port 9 of loopback: no test here asks Pebble to resolve a name.
    pebble = await startPebble({ dnsServer: '127.0.0.1:9', httpPort: 5002, tlsPort: 5001 });
  });
  afterAll(() => pebble?.stop());

  it('serves an ACME directory over TLS trusted through caPem', async () => {
    expect(pebble.directoryUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/dir$/);
    const { status, body } = await get(pebble.directoryUrl, pebble.caPem);
    expect(status).toBe(200);
    expect(Object.keys(JSON.parse(body))).toEqual(expect.arrayContaining(['newNonce', 'newAccount', 'newOrder']));
  });

  it('refuses TLS to clients that do not trust the listener CA', async () => {
    await expect(get(pebble.directoryUrl)).rejects.toThrow(/certificate/i);
  });

  it('uses a listener CA that is a CA and signs a leaf for 127.0.0.1', () => {
    const ca = new X509Certificate(pebble.caPem);
    const leaf = new X509Certificate(readFileSync(join(pebble.dir, 'cert.pem')));
    expect(ca.ca).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('hands out the issuing root from the management API', async () => {
    const root = new X509Certificate(await pebble.rootsPem());
    expect(root.ca).toBe(true);
    expect(root.subject).toMatch(/Pebble Root CA/);
    expect(root.verify(root.publicKey)).toBe(true);
  });

  it('runs deterministic, always through the given DNS server, validating for real', () => {
    const config = JSON.parse(readFileSync(join(pebble.dir, 'pebble-config.json'), 'utf8'));
    expect(config.pebble).toMatchObject({ httpPort: 5002, tlsPort: 5001 });
    expect(pebble.log()).toContain('Using custom DNS resolver for ACME challenges: 127.0.0.1:9');
    expect(pebble.log()).toContain('Disabling random VA sleeps');
    expect(pebble.log()).toContain('reject 0% of good nonces');
    expect(pebble.log()).not.toContain('VA always returns valid');
  });
});

describe.skipIf(!available)('startPebble lifecycle', () => {
  it('skips validation with alwaysValid', async () => {
    const pebble = await startPebble({ dnsServer: '127.0.0.1:9', httpPort: 5002, tlsPort: 5001, alwaysValid: true });
    try {
      expect(pebble.log()).toContain('VA always returns valid');
    } finally {
      await pebble.stop();
    }
  });

  it('runs two servers side by side; stop kills the process and removes its directory, twice safely', async () => {
    const [a, b] = await Promise.all([
      startPebble({ dnsServer: '127.0.0.1:9', httpPort: 5002, tlsPort: 5001 }),
      startPebble({ dnsServer: '127.0.0.1:9', httpPort: 5002, tlsPort: 5001 }),
    ]);
    try {
      expect(a.directoryUrl).not.toBe(b.directoryUrl);
      expect(a.caPem).not.toBe(b.caPem);
      expect(isRunning(a.pid)).toBe(true);
      await a.stop();
      await a.stop();
      expect(isRunning(a.pid)).toBe(false);
      expect(existsSync(a.dir)).toBe(false);
      expect((await get(b.directoryUrl, b.caPem)).status).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('refuses a DNS server that is not host:port', async () => {
    await expect(startPebble({ dnsServer: '127.0.0.1', httpPort: 5002, tlsPort: 5001 })).rejects.toThrow(/host:port/);
  });
});
