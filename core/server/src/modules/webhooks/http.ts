import { isIP } from 'node:net';
import { nonPublicReason, requestPinned, type DnsLookup } from '@portico/kernel';

/**
 * The webhook POST, with the same guard as the kernel's public fetch (which only GETs): the target's addresses
 * are looked up through Portico's DNS service, any address that is not public unicast refuses the call, and the
 * connection goes to exactly the checked address (no second lookup, so no DNS rebinding). Redirects are not
 * followed (a 3xx is an answer like any other), time is bounded, and at most `maxResponseBytes` of the answer are
 * kept. Never rejects.
 */
export type PostOutcome =
  | { kind: 'response'; status: number; body: string }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'refused'; reason: string; address?: string; message: string };

export interface PostOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  dns: DnsLookup;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Loopback, private, link-local targets and plain http allowed (development and tests only). */
  allowPrivateAddresses: boolean;
  userAgent?: string;
}

/** Why a URL may not be a webhook target at all, before any lookup; undefined when it may. */
export function urlProblem(text: string, allowPrivateAddresses: boolean): { reason: string; message: string } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { reason: 'invalid', message: 'not a URL' };
  }
  if (url.username || url.password) return { reason: 'invalid', message: 'a URL with a user name or password is not allowed' };
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return allowPrivateAddresses ? undefined : { reason: 'insecure', message: 'webhook URLs must use https' };
  return { reason: 'invalid', message: 'only https URLs can receive webhooks' };
}

/** The first address of `host` that is not public, with why; undefined when all are public. */
export function privateAddress(addresses: string[]): { address: string; reason: string } | undefined {
  for (const address of addresses) {
    const reason = nonPublicReason(address);
    if (reason !== undefined) return { address, reason };
  }
  return undefined;
}

/** The host's addresses (A, then AAAA; through a CNAME chain when the lookup offers it), or why there are none. */
export async function resolveHost(dns: DnsLookup, host: string, signal: AbortSignal): Promise<{ addresses: string[] } | { code: string; message: string }> {
  if (isIP(host) !== 0) return { addresses: [host] };
  const ask = async (name: string) => {
    const answers = await Promise.all((['A', 'AAAA'] as const).map((type) => dns.query(name, type, { signal }).catch((error: unknown) => ({ status: 'error' as const, code: 'EUNKNOWN', message: String(error) }))));
    return { addresses: answers.flatMap((a) => (a.status === 'found' ? a.values : [])), failed: answers.find((a) => a.status === 'error') };
  };
  let got = await ask(host);
  if (got.addresses.length === 0 && dns.resolveChain) {
    const chain = await dns.resolveChain(host, { signal }).catch(() => undefined);
    const target = chain?.status === 'found' ? chain.chain.at(-1) : undefined;
    if (target && target !== host) got = await ask(target);
  }
  if (got.addresses.length > 0) return { addresses: got.addresses };
  return got.failed?.status === 'error' ? { code: got.failed.code, message: `could not look up ${host}: ${got.failed.message}` } : { code: 'ENOTFOUND', message: `${host} has no A or AAAA records` };
}

export async function postWebhook(options: PostOptions): Promise<PostOutcome> {
  const problem = urlProblem(options.url, options.allowPrivateAddresses);
  if (problem) return { kind: 'refused', ...problem };
  const url = new URL(options.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const resolved = await resolveHost(options.dns, host, deadline);
  if ('code' in resolved) return { kind: 'failed', code: resolved.code, message: resolved.message };
  if (!options.allowPrivateAddresses) {
    // Every address is checked, not only the one used: a name must not mix public and internal destinations.
    const bad = privateAddress(resolved.addresses);
    if (bad) return { kind: 'refused', reason: bad.reason, address: bad.address, message: `${host} is or resolves to ${bad.address}, a ${bad.reason} address; Portico sends webhooks only to public addresses` };
  }
  return postPinned(url, resolved.addresses[0]!, options, deadline);
}

function postPinned(url: URL, address: string, options: PostOptions, deadline: AbortSignal): Promise<PostOutcome> {
  const body = Buffer.from(options.body, 'utf8');
  return requestPinned<PostOutcome>({
    url,
    address,
    method: 'POST',
    headers: { ...options.headers, 'content-type': 'application/json', 'content-length': String(body.length), 'user-agent': options.userAgent ?? 'Portico-Webhooks/0.1', connection: 'close' },
    body,
    signal: deadline,
    aborted: () => ({ kind: 'failed', code: 'ETIMEDOUT', message: `no complete answer within ${options.timeoutMs} ms` }),
    failed: (code, message) => ({ kind: 'failed', code, message }),
    onResponse: (response, settle, failed) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => settle({ kind: 'response', status, body: Buffer.concat(chunks).subarray(0, options.maxResponseBytes).toString('utf8') });
      response.on('data', (chunk: Buffer) => {
        if (size < options.maxResponseBytes) chunks.push(chunk);
        size += chunk.length;
        // Enough to log: the rest of a large answer is not waited for.
        if (size >= options.maxResponseBytes) done();
      });
      response.on('end', done);
      response.on('error', (error) => settle(failed(error)));
      response.on('close', () => {
        if (!response.complete) done();
      });
    },
  });
}
