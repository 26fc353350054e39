/**
 * A real ACME setup on loopback for cert.acme's tests: dns.memory answering DNS on a free port, Pebble resolving
 * every name through it and validating for real, a node:http server answering HTTP-01 tokens on the port Pebble
 * connects to, and a kernel with cert.acme registered against Pebble. The challenge callbacks record what was
 * presented and withdrawn, so tests can assert the cleanup.
 */
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, type IssueCertInput, type Kernel, type RecordSet } from '@portico/kernel';
import { createTestServices, type TestServices } from '@portico/kernel/conformance';
import memoryDns, { getMemoryDnsInstance, type MemoryZones } from '@portico/dns-memory';
import { startPebble, type Pebble } from '@portico/test-servers';
import certAcme, { type AcmePluginOptions } from '../src/index.ts';

export interface AcmeHarness {
  kernel: Kernel;
  services: TestServices;
  zones: MemoryZones;
  pebble: Pebble;
  /** token → key authorization the HTTP server answers with. */
  tokens: Map<string, string>;
  /** What the challenge callbacks saw, in order: `present http a.example.test`, `cleanup dns …`. */
  events: string[];
  /** HTTP-01 callbacks; `answer` overrides what is served (a wrong answer for failure tests). */
  http(answer?: (keyAuthorization: string) => string): NonNullable<NonNullable<IssueCertInput['challenges']>['http']>;
  /** DNS-01 callbacks writing `_acme-challenge` TXT values into the dns.memory zone (adding, not replacing). */
  dns(): NonNullable<NonNullable<IssueCertInput['challenges']>['dns']>;
  teardown(): Promise<void>;
}

export async function startAcmeHarness(options: { id: string; zone: string; records?: RecordSet[]; plugin?: Partial<AcmePluginOptions> }): Promise<AcmeHarness> {
  const services = createTestServices();
  const kernel = createKernel({ services });
  let server: Server | undefined;
  let pebble: Pebble | undefined;
  const teardown = async () => {
    await kernel.close();
    await pebble?.stop();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  };
  try {
    await kernel.register({ plugin: memoryDns, options: { id: options.id, zones: [{ name: options.zone, records: options.records ?? [] }], serve: {} } });
    const { zones, address } = getMemoryDnsInstance(options.id)!;

    const tokens = new Map<string, string>();
    server = createServer((req, res) => {
      const token = /^\/\.well-known\/acme-challenge\/([\w-]+)$/.exec(req.url ?? '')?.[1];
      const answer = token && tokens.get(token);
      res.writeHead(answer ? 200 : 404, { 'content-type': 'text/plain' }).end(answer || 'no such token');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const httpPort = (server.address() as { port: number }).port;

    pebble = await startPebble({ dnsServer: `${address!.host}:${address!.port}`, httpPort, tlsPort: httpPort });
    await kernel.register({
      plugin: certAcme,
      options: { directoryUrl: pebble.directoryUrl, caBundlePem: pebble.caPem, accountKeyFile: join(tmpdir(), `portico-acme-account-${options.id}-${process.pid}.pem`), timeoutMs: 20_000, pollMaxMs: 250, ...options.plugin },
    });

    const events: string[] = [];
    const txt = (name: string) => zones.get(name, 'TXT')?.values ?? [];
    const writeTxt = (name: string, values: string[]) =>
      zones.apply({ zone: options.zone, upsert: values.length ? [{ name, type: 'TXT', ttl: 1, values }] : [], remove: values.length ? [] : [{ name, type: 'TXT', ttl: 1, values: [] }] });
    return {
      kernel,
      services,
      zones,
      pebble,
      tokens,
      events,
      http: (answer = (keyAuthorization) => keyAuthorization) => ({
        async present({ hostname, token, keyAuthorization }) {
          events.push(`present http ${hostname}`);
          tokens.set(token, answer(keyAuthorization));
        },
        async cleanup({ hostname, token }) {
          events.push(`cleanup http ${hostname}`);
          tokens.delete(token);
        },
      }),
      dns: () => ({
        async present({ hostname, name, value }) {
          events.push(`present dns ${hostname}`);
          writeTxt(name, [...new Set([...txt(name), value])]);
        },
        async cleanup({ hostname, name, value }) {
          events.push(`cleanup dns ${hostname}`);
          writeTxt(name, txt(name).filter((v) => v !== value));
        },
      }),
      teardown,
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}
