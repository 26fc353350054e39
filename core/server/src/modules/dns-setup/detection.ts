import { isKernelError, matchNameservers, type DnsLookup, type Kernel, type ProviderDetection } from '@portico/kernel';
import { registrableDomain } from '../domains/hostname.ts';

export interface ZoneFacts {
  /** The zone apex, or null when no enclosing name has NS records (or DNS failed: see `error`). */
  zone: string | null;
  nameservers: string[];
  error?: string;
}

export interface DetectionResult extends ZoneFacts {
  hostname: string;
  provider: ProviderDetection;
  /** Every provider the nameservers matched, best first (a zone on two providers lists both). */
  candidates: ProviderDetection[];
}

const UNKNOWN: ProviderDetection = { provider: 'unknown', displayName: 'Unknown DNS provider', confidence: 'low', setup: 'manual' };

/**
 * The zone a hostname lives in and its nameservers: the authoritative lookup's zone discovery when it has one,
 * else NS questions from the hostname up to its registrable domain (resolver mode: the demo and tests).
 */
export async function findZone(dns: DnsLookup, hostname: string, signal?: AbortSignal): Promise<ZoneFacts> {
  if (dns.findZone) {
    const found = await dns.findZone(hostname, { signal });
    return found.status === 'found' ? { zone: found.zone, nameservers: found.nameservers } : { zone: null, nameservers: [], error: found.code };
  }
  const floor = registrableDomain(hostname) ?? hostname;
  const labels = hostname.split('.');
  for (let i = 0; i < labels.length; i++) {
    const name = labels.slice(i).join('.');
    const answer = await dns.query(name, 'NS', { signal });
    if (answer.status === 'found') return { zone: name, nameservers: answer.values.map((v) => v.toLowerCase().replace(/\.$/, '')).sort() };
    if (answer.status === 'error') return { zone: null, nameservers: [], error: answer.code };
    if (name === floor) break;
  }
  return { zone: null, nameservers: [], error: 'ENOZONE' };
}

/**
 * Who hosts a hostname's DNS: the zone's nameservers matched against every enabled provider's
 * hints and the well-known table, then the plugins' detection taps (Domain Connect discovery). Never throws for
 * an unrecognised zone: the answer is then `unknown` with manual setup.
 */
export async function detectProvider(kernel: Kernel, dns: DnsLookup, hostname: string, signal?: AbortSignal): Promise<DetectionResult> {
  const facts = await findZone(dns, hostname, signal);
  let provider = UNKNOWN;
  let candidates: ProviderDetection[] = [];
  if (facts.zone) {
    candidates = matchNameservers(facts.nameservers, kernel.descriptors.dnsProviders);
    try {
      provider = await kernel.detectProvider({ hostname, zone: facts.zone, nameservers: facts.nameservers, candidates, signal });
    } catch (error) {
      if (!isKernelError(error, 'PROVIDER_NOT_DETECTED')) throw error;
    }
  }
  return { hostname, ...facts, provider, candidates };
}
