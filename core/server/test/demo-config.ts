import { join } from 'node:path';
import { parseConfig } from '../src/config/load-config.ts';
import type { PorticoConfig } from '../src/config/schema.ts';
import { REPO_ROOT } from './helpers.ts';

export interface DemoConfigOptions {
  /** The demo's working directory (its secrets key file goes there). */
  dir: string;
  /** The port PretendDNS (the dns-memory plugin) serves on, and the resolver asks. */
  dnsPort: number;
  /** The PretendDNS zone; the CNAME target is `edge.<zone>`. */
  zone: string;
  /** Config sections merged over the shared ones, one level deep (`routing: { ipv4 }` keeps `routing.cnameTarget`). */
  sections?: Record<string, Record<string, unknown>>;
}

/**
 * The repository's demo config (portico.config.ts) for startDemo in tests: free ports, faster jobs, DNS through
 * PretendDNS on 127.0.0.1, verification by DNS TXT, and the managed local edge (Caddy) on free ports.
 */
export function demoTestConfig({ dir, dnsPort, zone, sections = {} }: DemoConfigOptions): PorticoConfig {
  const shared: Record<string, Record<string, unknown>> = {
    http: { host: '127.0.0.1', port: 0 },
    jobs: { pollingIntervalSeconds: 0.5 },
    secrets: { keyFile: join(dir, 'keys.json') },
    dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
    verification: { defaultMethod: 'dns-txt' },
    routing: { cnameTarget: `edge.${zone}` },
    demo: { hostPage: { port: 0 }, localEdge: 'auto', edgeHttpPort: 0, edgeHttpsPort: 0 },
  };
  for (const [name, section] of Object.entries(sections)) shared[name] = { ...shared[name], ...section };
  return parseConfig(
    {
      seedDemo: true,
      ...shared,
      plugins: [
        { package: join(REPO_ROOT, 'plugins/dns-memory'), options: { serve: { host: '127.0.0.1', port: dnsPort }, zones: [{ name: zone }] } },
        { package: join(REPO_ROOT, 'plugins/verify-dns-txt'), options: { recordName: '_portico-challenge' } },
      ],
    },
    {},
    'test',
  );
}
