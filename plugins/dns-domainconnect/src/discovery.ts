/**
 * Domain Connect discovery: the `_domainconnect` TXT record of the zone names the DNS provider's API host, whose
 * settings say who the provider is and where its consent page is; then the provider is asked whether it knows
 * our template. Never throws: every way this can fail is an outcome with the error kind it would be.
 *
 * Any zone can publish a `_domainconnect` record, and the settings it leads to name the next URL, so every request
 * goes through the kernel's public-only fetch: public addresses only (a host that is or resolves to a loopback,
 * private, link-local or metadata address is refused before any connection), the connection pinned to the
 * checked address, bounded time and size, redirects only to the same origin.
 */
import { createPublicFetch, z, type DnsLookup, type DnsProviderErrorKind, type PluginServices, type PublicFetch } from '@portico/kernel';

export const settingsSchema = z.looseObject({
  providerId: z.string().min(1),
  providerName: z.string().min(1),
  providerDisplayName: z.string().min(1).optional(),
  urlSyncUX: z.string().min(1).optional(),
  urlAsyncUX: z.string().min(1).optional(),
  urlAPI: z.string().min(1),
  width: z.number().optional(),
  height: z.number().optional(),
  urlControlPanel: z.string().min(1).optional(),
  nameServers: z.array(z.string()).optional(),
});

export type DomainConnectSettings = z.output<typeof settingsSchema>;

export interface DiscoveryOptions {
  dns: DnsLookup;
  /** The kernel's public-only fetch (`services.publicFetch`). */
  publicFetch: PublicFetch;
  /** Let the guard pass loopback and private addresses (a fake provider in tests); never in production. */
  allowPrivateAddresses?: boolean;
  /** Scheme of the settings URL; `http` (tests only) also lets the provider's URLs be plain http. */
  scheme: 'https' | 'http';
  /** Limit of each HTTP request, in milliseconds. */
  timeoutMs: number;
  /** Our template: the provider must support it. */
  providerId: string;
  serviceId: string;
  signal?: AbortSignal;
}

export type Discovery =
  | {
      ok: true;
      settings: DomainConnectSettings & { urlSyncUX: string };
      /** For people: what the answer rests on. */
      evidence: string[];
    }
  | { ok: false; kind: DnsProviderErrorKind; reason: string };

/** What discovery needs of the plugin's options. */
export interface DiscoverySetup {
  settingsScheme: 'https' | 'http';
  timeoutMs: number;
  providerId: string;
  serviceId: string;
  allowPrivateAddresses: boolean;
}

/** Discovery options from the plugin's options and services (a kernel without `publicFetch` gets one built on `dns`). */
export function discoveryOptions(setup: DiscoverySetup, services: Pick<PluginServices, 'dns' | 'publicFetch'>, signal?: AbortSignal): DiscoveryOptions {
  return {
    dns: services.dns,
    publicFetch: services.publicFetch ?? createPublicFetch({ dns: services.dns }),
    allowPrivateAddresses: setup.allowPrivateAddresses,
    scheme: setup.settingsScheme,
    timeoutMs: setup.timeoutMs,
    providerId: setup.providerId,
    serviceId: setup.serviceId,
    signal,
  };
}

/** Settings documents are a few hundred bytes; anything far larger is not one. */
const MAX_BODY = 64 * 1024;

const fail = (kind: DnsProviderErrorKind, reason: string): Discovery => ({ ok: false, kind, reason });

/** `host[:port][/path]`, as the spec allows in the TXT record (a scheme some providers add is dropped). */
function apiHost(txt: string, scheme: string): URL | undefined {
  const value = txt.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  if (!/^[a-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~%/-]*)?$/i.test(value)) return undefined;
  try {
    return new URL(`${scheme}://${value}`);
  } catch {
    return undefined;
  }
}

function httpUrl(value: string, scheme: 'https' | 'http'): URL | undefined {
  try {
    const url = new URL(value);
    const allowed = scheme === 'http' ? ['https:', 'http:'] : ['https:'];
    return allowed.includes(url.protocol) && url.username === '' && url.password === '' ? url : undefined;
  } catch {
    return undefined;
  }
}

type Got = { status: number; body: string } | { error: DnsProviderErrorKind; reason: string };

async function get(url: string, options: DiscoveryOptions): Promise<Got> {
  const got = await options.publicFetch.get(url, {
    accept: 'application/json',
    timeoutMs: options.timeoutMs,
    maxBytes: MAX_BODY,
    signal: options.signal,
    allowPrivateAddresses: options.allowPrivateAddresses,
  });
  switch (got.kind) {
    case 'response':
      return { status: got.status, body: got.body };
    case 'refused':
      return { error: 'unsupported', reason: `${url} was not fetched: ${got.message}` };
    case 'too-large':
      return { error: 'validation', reason: `${url} answered more than ${MAX_BODY} bytes` };
    case 'redirect-refused':
      return { error: 'unsupported', reason: `${url} redirects to ${got.location}; only redirects on the same host, port and scheme are followed` };
    case 'too-many-redirects':
      return { error: 'unsupported', reason: `${url} redirects too many times` };
    case 'failed':
      if (got.code === 'ETIMEDOUT') return { error: 'transient', reason: `${url} did not answer within ${options.timeoutMs} ms` };
      if (got.code === 'ECANCELLED') return { error: 'transient', reason: `the request to ${url} was cancelled` };
      return { error: 'transient', reason: `${url} could not be fetched (${got.code}): ${got.message}` };
  }
}

/** Discover the DNS provider of `zone` and whether it can apply our template with the synchronous flow. */
export async function discover(zone: string, options: DiscoveryOptions): Promise<Discovery> {
  const txtName = `_domainconnect.${zone}`;
  const answer = await options.dns.query(txtName, 'TXT', { signal: options.signal });
  if (answer.status === 'nxdomain' || answer.status === 'nodata') return fail('not_found', `${txtName} has no TXT record: the DNS provider of ${zone} does not offer Domain Connect`);
  if (answer.status === 'error') return fail('transient', `${txtName} TXT could not be looked up (${answer.code}): ${answer.message}`);
  const txt = answer.values.find((v) => apiHost(v, options.scheme) !== undefined);
  if (txt === undefined) return fail('not_found', `${txtName} TXT (${answer.values.join(', ')}) does not name a host`);

  const settingsUrl = `${apiHost(txt, options.scheme)!.href.replace(/\/+$/, '')}/v2/${encodeURIComponent(zone)}/settings`;
  const got = await get(settingsUrl, options);
  if ('error' in got) return fail(got.error, got.reason);
  // A stale _domainconnect record outlives a move to another provider: its settings call fails.
  if (got.status === 404) return fail('not_found', `${settingsUrl} answered 404: the provider named by ${txtName} does not host ${zone} (a stale record)`);
  if (got.status !== 200) return fail(got.status >= 500 || got.status === 429 ? 'transient' : 'not_found', `${settingsUrl} answered ${got.status}`);
  let parsed: ReturnType<typeof settingsSchema.safeParse>;
  try {
    parsed = settingsSchema.safeParse(JSON.parse(got.body));
  } catch {
    return fail('unsupported', `${settingsUrl} did not answer JSON`);
  }
  if (!parsed.success) return fail('unsupported', `${settingsUrl} did not answer Domain Connect settings: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const settings = parsed.data;
  const evidence = [`_domainconnect TXT at ${txtName}: ${txt}`, `settings at ${settingsUrl}: providerId ${settings.providerId}`];

  if (settings.urlSyncUX === undefined) return fail('unsupported', `${settings.providerName} offers no synchronous Domain Connect flow (no urlSyncUX)`);
  const syncUx = httpUrl(settings.urlSyncUX, options.scheme);
  const api = httpUrl(settings.urlAPI, options.scheme);
  if (!syncUx || !api) return fail('unsupported', `${settingsUrl} names a urlSyncUX or urlAPI that is not an https URL`);

  const templateUrl = `${api.href.replace(/\/+$/, '')}/v2/domainTemplates/providers/${encodeURIComponent(options.providerId)}/services/${encodeURIComponent(options.serviceId)}`;
  const check = await get(templateUrl, options);
  if ('error' in check) return fail(check.error, check.reason);
  if (check.status === 404) return fail('unsupported', `${settings.providerName} does not support the template ${options.providerId}/${options.serviceId}`);
  if (check.status !== 200) return fail(check.status >= 500 || check.status === 429 ? 'transient' : 'unsupported', `${templateUrl} answered ${check.status}`);
  evidence.push(`template ${options.providerId}/${options.serviceId} supported at ${templateUrl}`);
  return { ok: true, settings: { ...settings, urlSyncUX: settings.urlSyncUX }, evidence };
}
