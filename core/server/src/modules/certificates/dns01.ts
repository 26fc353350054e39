/**
 * ACME DNS-01 through the domain's DNS provider credential: `_acme-challenge.<name>` is written with `applyRecords`
 * under this installation's owner marker (`dnsSetup.owner`), ownership-checked like every write. Orders that share a
 * name (`example.com` and `*.example.com`) each keep their value: the record set is always the union of the values
 * every running order wants (acme_dns_challenges), written under a per-name lock, and an order's cleanup removes only
 * its own value. A record set Portico does not own is a `dns01_conflict`, never overwritten.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DnsLookup, IssueCertInput, Kernel, RecordSet } from '@portico/kernel';
import type { PorticoConfig } from '../../config/schema.ts';
import type { CredentialService } from '../credentials/service.ts';
import type { DnsSetupService } from '../dns-setup/service.ts';
import type { Domain } from '../domains/entity.ts';
import { AcmeDnsChallenge } from './challenge.entity.ts';
import { CertificateOrderError } from './policy.ts';

type DnsChallenges = NonNullable<NonNullable<IssueCertInput['challenges']>['dns']>;

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  dns: DnsLookup;
  config: PorticoConfig;
  credentialService: CredentialService;
  dnsSetupService: DnsSetupService;
}

/** DNS-01 callbacks for `domain`, or undefined when it has no DNS provider credential. */
export async function dns01Challenges({ orm, kernel, dns, config, credentialService, dnsSetupService }: Deps, domain: Domain): Promise<DnsChallenges | undefined> {
  if (!domain.dnsProvider || !domain.dnsCredential) return undefined;
  const provider = domain.dnsProvider;
  const zone = await dnsSetupService.zoneOf(domain);
  const credentials = (await credentialService.open(domain.dnsCredential.id)).secret as Record<string, unknown>;
  const { owner, ttl } = { owner: config.dnsSetup.owner, ttl: 60 };
  const { dns01TimeoutSeconds, dns01IntervalSeconds } = config.certificates;

  /** Write the record set at `name` as the union of the values wanted now (none: remove it). */
  async function sync(name: string): Promise<void> {
    await orm.em.fork().transactional(async (em) => {
      const ctx = em.getTransactionContext();
      await em.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [`portico:acme-dns:${name}`], 'all', ctx);
      const rows: Array<{ value: string }> = await em.getConnection().execute('select value from acme_dns_challenges where name = ? order by value', [name], 'all', ctx);
      const set: RecordSet = { name, type: 'TXT', ttl, values: rows.map((r) => r.value) };
      const result = await kernel.applyRecords(provider, { zone, upsert: rows.length ? [set] : [], remove: rows.length ? [] : [set], credentials, owner });
      if (result.redirect) throw new CertificateOrderError('dns01_unsupported', `${provider} writes records only with the customer's consent (Domain Connect): DNS-01 for ${name} needs a DNS provider with an API credential.`);
      const conflict = result.changes.find((change) => change.action === 'conflict');
      if (conflict) {
        throw new CertificateOrderError(
          'dns01_conflict',
          `The TXT record set ${conflict.name} exists and is not this installation's (${conflict.reason ?? 'not_owned'}, owner "${owner}"): remove it, or let Portico adopt it, so DNS-01 can write the ACME value.`,
        );
      }
      const failed = result.changes.find((change) => change.error);
      if (failed) throw new CertificateOrderError('dns01_write_failed', `${provider} refused to write ${failed.name}: ${failed.error!.message}`);
    });
  }

  /** Bounded wait until the zone's authoritative servers all show `value`: a CA that looks too early caches the miss. */
  async function visible(name: string, value: string): Promise<void> {
    const deadline = Date.now() + dns01TimeoutSeconds * 1000;
    let last: string;
    for (;;) {
      try {
        const answer = await dns.query(name, 'TXT');
        if (answer.status === 'found' && answer.values.includes(value)) return;
        last = answer.status === 'error' ? `${answer.code}: ${answer.message}` : answer.status === 'found' ? `other values (${answer.values.length})` : answer.status;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() + dns01IntervalSeconds * 1000 > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, dns01IntervalSeconds * 1000));
    }
    throw new CertificateOrderError('dns01_timeout', `The DNS-01 record ${name} did not show at every authoritative server within ${dns01TimeoutSeconds} s (last answer: ${last}); raise certificates.dns01TimeoutSeconds for a slow provider.`);
  }

  return {
    async present({ name, value }) {
      const em = orm.em.fork();
      await em.upsert(AcmeDnsChallenge, { name, value, createdAt: new Date() });
      await sync(name);
      await visible(name, value);
    },
    async cleanup({ name, value }) {
      await orm.em.fork().nativeDelete(AcmeDnsChallenge, { name, value });
      await sync(name);
    },
  };
}
