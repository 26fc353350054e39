/**
 * Domain Connect discovery: the `_domainconnect` TXT record of the zone names the DNS provider's API host, whose
 * settings say who the provider is and where its consent page is; then the provider is asked whether it knows
 * our template. Never throws: every way this can fail is an outcome with the error kind it would be.
 */
import { z, type DnsLookup, type DnsProviderErrorKind } from '@portico/kernel';

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
  fetch: typeof globalThis.fetch;
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

async function get(url: string, options: DiscoveryOptions, readBody: boolean): Promise<Got> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await options.fetch(url, { signal, headers: { accept: 'application/json' } });
    if (!readBody || response.status !== 200) {
      await response.body?.cancel();
      return { status: response.status, body: '' };
    }
    const body = await response.text();
    return body.length > MAX_BODY ? { error: 'validation', reason: `${url} answered more than ${MAX_BODY} bytes` } : { status: 200, body };
  } catch (error) {
    if (timeout.aborted) return { error: 'transient', reason: `${url} did not answer within ${options.timeoutMs} ms` };
    if (options.signal?.aborted) return { error: 'transient', reason: `the request to ${url} was cancelled` };
    return { error: 'transient', reason: `${url} could not be fetched: ${error instanceof Error ? error.message : String(error)}` };
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
  const got = await get(settingsUrl, options, true);
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
  const check = await get(templateUrl, options, false);
  if ('error' in check) return fail(check.error, check.reason);
  if (check.status === 404) return fail('unsupported', `${settings.providerName} does not support the template ${options.providerId}/${options.serviceId}`);
  if (check.status !== 200) return fail(check.status >= 500 || check.status === 429 ? 'transient' : 'unsupported', `${templateUrl} answered ${check.status}`);
  evidence.push(`template ${options.providerId}/${options.serviceId} supported at ${templateUrl}`);
  return { ok: true, settings: { ...settings, urlSyncUX: settings.urlSyncUX }, evidence };
}
