// ─── DEMO CONFIGURATION ───────────────────────────────────────────────────────────────────────────────────────
// `npm start` in a fresh clone runs this file. It turns on demo mode: the demo owner demo@portico.local, whose
// password is public (seeds/demo.json), is created in the embedded database, and the start-up banner says DEMO
// MODE. Its DNS checks ask only an in-process DNS server for the zone demo.portico.test, whose records are kept
// in .portico/demo-zones.json across restarts.
//
// Not for a real installation. Write your own config (docs/getting-started.md, "Run your own installation") and
// point PORTICO_CONFIG at it (or replace this file); without seedDemo no account is created, and
// `npm run portico -- users create-owner` makes the first one.
// ──────────────────────────────────────────────────────────────────────────────────────────────────────────────
import type { PorticoConfigInput } from './core/server/src/config/schema.ts';
import { freeUdpTcpPort } from './core/server/src/free-port.ts';

// Any free port, so several demos can run on one machine; PORTICO_DEMO_DNS_PORT pins one. The banner prints it.
const dnsPort = await freeUdpTcpPort('127.0.0.1', Number(process.env.PORTICO_DEMO_DNS_PORT) || undefined);
/** A port from the environment (0: any free one), else `fallback`. */
const envPort = (name: string, fallback: number) => (/^\d{1,5}$/.test(process.env[name] ?? '') ? Number(process.env[name]) : fallback);

export default {
  seedDemo: true,
  // PORTICO_PORT / PORT and PORTICO_HOST / HOST override these (PORT=0: any free port).
  http: { host: '127.0.0.1', port: 8780 },
  dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 2000, tries: 2 },
  verification: { defaultMethod: 'dns-txt' },
  routing: { cnameTarget: 'edge.demo.portico.test', ipv4: ['127.0.0.1'] },
  dnsSetup: { propagationIntervalSeconds: 2 },
  // The pretend SaaS page with the widget and the PretendDNS panel (PORTICO_DEMO_HOST_PORT), and Caddy as the local
  // edge when it is installed (PORTICO_CADDY names the binary; PORTICO_DEMO_HTTP_PORT / PORTICO_DEMO_HTTPS_PORT).
  demo: {
    hostPage: { port: envPort('PORTICO_DEMO_HOST_PORT', 8781) },
    localEdge: 'auto',
    edgeHttpPort: envPort('PORTICO_DEMO_HTTP_PORT', 8080),
    edgeHttpsPort: envPort('PORTICO_DEMO_HTTPS_PORT', 8443),
  },
  plugins: [
    {
      package: '@portico/dns-memory',
      // The demo zone keeps what people and automatic setup wrote across restarts.
      options: { serve: { host: '127.0.0.1', port: dnsPort }, zones: [{ name: 'demo.portico.test' }], persist: { file: '.portico/demo-zones.json' } },
    },
    { package: '@portico/verify-dns-txt', options: { recordName: '_portico-challenge' } },
    { package: '@portico/verify-dns-cname', options: { verifyDomain: 'verify.demo.portico.test', canonicalHost: '{token}.edge.demo.portico.test' } },
    { package: '@portico/verify-http-file', options: {} },
    { package: '@portico/verify-dns-address', options: { ipv4: ['127.0.0.1'] } },
  ],
} satisfies PorticoConfigInput;
