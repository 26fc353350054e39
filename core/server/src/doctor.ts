// `portico doctor`: what this machine can reach of what the configuration names — the database, the DNS servers
// the checks ask, every configured edge, the ACME directory — each check with a verdict and a line for people.
// Nothing is written anywhere: edges are asked for a dry run, the CA for its directory. See docs/reference/cli.md.
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createDnsLookup } from '@portico/kernel';
import type { PorticoConfig } from './config/schema.ts';
import type { Portico } from './runtime.ts';

export interface DoctorCheck {
  /** `database`, `dns <server>`, `dns lookup <hostname>`, `edge <id>`, `acme`. */
  check: string;
  ok: boolean;
  detail: string;
}

/** Answers that mean the server was never heard from; any other answer (even REFUSED) means it is reachable. */
const UNREACHABLE = new Set(['ETIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'EHOSTUNREACH', 'EBADRESP']);
const ACME_PACKAGE = '@portico/cert-acme';
const ACME_TIMEOUT_MS = 10_000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function checkDatabase(portico: Portico): Promise<DoctorCheck> {
  try {
    const [row] = await portico.container.cradle.orm.em.fork().getConnection().execute<Array<{ version: string }>>("select current_setting('server_version') as version");
    return { check: 'database', ok: true, detail: `PostgreSQL ${row?.version ?? '?'}` };
  } catch (error) {
    return { check: 'database', ok: false, detail: message(error) };
  }
}

/** Each server the checks ask (`dns.servers`): does it answer at all? */
async function checkDnsServers(config: PorticoConfig): Promise<DoctorCheck[]> {
  const { timeoutMs, tries } = config.dns;
  return Promise.all(
    config.dns.servers.map(async (server): Promise<DoctorCheck> => {
      const started = performance.now();
      const answer = await createDnsLookup({ servers: [server], timeoutMs, tries }).query('portico-doctor.invalid', 'TXT');
      const ms = Math.round(performance.now() - started);
      if (answer.status === 'error' && UNREACHABLE.has(answer.code)) return { check: `dns ${server}`, ok: false, detail: `no answer (${answer.code}): ${answer.message}` };
      return { check: `dns ${server}`, ok: true, detail: `answers (${answer.status === 'error' ? answer.code : answer.status}) in ${ms} ms` };
    }),
  );
}

/** One name asked the way verification asks it (the server's own lookup): its zone, and its TXT records there. */
async function checkLookup(portico: Portico, hostname: string): Promise<DoctorCheck> {
  const { dns } = portico.container.cradle;
  const check = `dns lookup ${hostname}`;
  const zone = dns.findZone ? await dns.findZone(hostname) : undefined;
  if (zone?.status === 'error') return { check, ok: false, detail: `zone not found (${zone.code}): ${zone.message}` };
  const where = zone ? `zone ${zone.zone} at ${zone.nameservers.join(', ')}` : 'through the configured servers';
  const answer = await dns.query(hostname, 'TXT');
  if (answer.status === 'error') return { check, ok: false, detail: `${where}; TXT: ${answer.code}: ${answer.message}` };
  return { check, ok: true, detail: `${where}; TXT ${answer.status}` };
}

/** Every configured edge asked for a dry run: it reaches the edge (admin API, Redis, files, git) and writes nothing. */
async function checkEdges(portico: Portico, config: PorticoConfig): Promise<DoctorCheck[]> {
  const { edgeService } = portico.container.cradle;
  const out: DoctorCheck[] = [];
  for (const edge of config.edges) {
    const check = `edge ${edge.id}`;
    try {
      const [preview] = await edgeService.preview([edge.id]);
      if (!preview?.preview) out.push({ check, ok: true, detail: `${edge.edge}: served at /edge/${edge.edge}/config (${preview?.routes ?? 0} routes), nothing to reach` });
      else out.push({ check, ok: true, detail: `${edge.edge}: reachable; ${preview.preview.changed ? preview.preview.summary : 'up to date'} (${preview.routes} routes)` });
    } catch (error) {
      out.push({ check, ok: false, detail: `${edge.edge}: ${message(error)}` });
    }
  }
  return out;
}

/** GET a URL over HTTPS trusting `ca` besides the system's roots: the status and body, bounded in time and size. */
function getHttps(url: string, ca: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: ACME_TIMEOUT_MS, ...(ca ? { ca } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 65_536) req.destroy(new Error('directory answer larger than 64 KiB'));
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ACME_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The ACME directory of the enabled `cert-acme` plugin, read as the issuer reads it. */
async function checkAcme(config: PorticoConfig, baseDir: string): Promise<DoctorCheck | undefined> {
  const entry = config.plugins.find((p) => p.enabled && p.package === ACME_PACKAGE);
  if (!entry) return undefined;
  const options = (entry.options ?? {}) as { directoryUrl?: string; caBundlePem?: string; caBundleFile?: string };
  if (!options.directoryUrl) return { check: 'acme', ok: false, detail: 'cert-acme has no directoryUrl' };
  try {
    const ca = options.caBundlePem ?? (options.caBundleFile ? await readFile(new URL(options.caBundleFile, `file://${baseDir}/`), 'utf8') : undefined);
    const { status, body } = await getHttps(options.directoryUrl, ca);
    const directory = status === 200 ? (JSON.parse(body) as { newOrder?: unknown }) : undefined;
    if (typeof directory?.newOrder !== 'string') return { check: 'acme', ok: false, detail: `${options.directoryUrl}: HTTP ${status}, not an ACME directory` };
    return { check: 'acme', ok: true, detail: `${options.directoryUrl}: an ACME directory` };
  } catch (error) {
    return { check: 'acme', ok: false, detail: `${options.directoryUrl}: ${message(error)}` };
  }
}

/** Every check, in order: database, DNS servers (and one lookup with `hostname`), edges, ACME. */
export async function runDoctor(portico: Portico, config: PorticoConfig, { baseDir, hostname }: { baseDir: string; hostname?: string }): Promise<DoctorCheck[]> {
  const checks = [await checkDatabase(portico), ...(await checkDnsServers(config))];
  if (hostname !== undefined) checks.push(await checkLookup(portico, hostname));
  checks.push(...(await checkEdges(portico, config)));
  const acme = await checkAcme(config, baseDir);
  if (acme) checks.push(acme);
  return checks;
}

/** The checks as a table for people. */
export function doctorTable(checks: readonly DoctorCheck[]): string {
  const width = Math.max(5, ...checks.map((c) => c.check.length));
  return [`${'CHECK'.padEnd(width)}  RESULT  DETAIL`, ...checks.map((c) => `${c.check.padEnd(width)}  ${(c.ok ? 'ok' : 'FAIL').padEnd(6)}  ${c.detail}`)].join('\n');
}
