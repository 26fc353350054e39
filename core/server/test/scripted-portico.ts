import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { startTestPortico, type TestPortico } from './helpers.ts';

const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));

/**
 * A Portico whose verification method (`scripted`) answers what a test scripts, with one zone served by the
 * in-memory DNS provider on a free port (its credential is `token`) and routing records set, so automatic setup,
 * checks and DNS diffs all run locally.
 */
export async function startScriptedPortico({ zone, token }: { zone: string; token: string }): Promise<TestPortico> {
  const dnsPort = await getPort({ host: '127.0.0.1' });
  return startTestPortico({
    dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
    routing: { cnameTarget: 'edge.portico.test', ipv4: ['192.0.2.80'] },
    verification: { defaultMethod: 'scripted' },
    plugins: [{ package: SCRIPTED }, { package: '@portico/dns-memory', options: { token, serve: { port: dnsPort }, zones: [{ name: zone }] } }],
  });
}
