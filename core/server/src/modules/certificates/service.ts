import type { MikroORM } from '@mikro-orm/postgresql';
import type { DnsLookup, Kernel, RecordSet } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { JobData } from '../../jobs/queues.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import type { CredentialService } from '../credentials/service.ts';
import { Domain } from '../domains/entity.ts';
import type { DnsSetupService } from '../dns-setup/service.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import { ServiceDomainMapping } from '../routing/mapping.entity.ts';
import { AcmeChallenge } from './challenge.entity.ts';
import { Certificate } from './entity.ts';

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  jobs: JobQueue;
  config: PorticoConfig;
  logger: Logger;
  dns: DnsLookup;
  secretBox: SecretBox;
  credentialService: CredentialService;
  dnsSetupService: DnsSetupService;
}

const DAY = 86_400_000;
/** Renewal starts this long before expiry (issue 5 item 6). */
export const RENEW_BEFORE_MS = 30 * DAY;

/**
 * Certificates Portico obtains itself (issue 5 item 6): the first `issueCert` tap answers — an on-demand edge
 * (`delegated`: the probe records what the edge got) or `cert.acme` (`issued`). For an ACME issuer the job offers
 * HTTP-01 (tokens answered by Portico at /.well-known/acme-challenge/) and, when the domain has a DNS provider
 * credential, DNS-01 through `applyRecords` (ownership-checked), which wildcards need. Keys are sealed at rest.
 */
export function createCertificateService({ orm, kernel, jobs, logger, dns, secretBox, credentialService, dnsSetupService }: Deps) {
  /** Wait (bounded) until the authoritative servers show the TXT value: a CA that looks too early caches the miss. */
  async function visible(name: string, value: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      const answer = await dns.query(name, 'TXT');
      if (answer.status === 'found' && answer.values.includes(value)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the DNS-01 record ${name} did not appear at the authoritative servers`);
  }

  async function dnsChallenges(domain: Domain) {
    if (!domain.dnsProvider || !domain.dnsCredential) return undefined;
    const provider = domain.dnsProvider;
    const zone = await dnsSetupService.zoneOf(domain);
    const secret = (await credentialService.open(domain.dnsCredential.id)).secret as Record<string, unknown>;
    const txt = (name: string, value: string): RecordSet => ({ name, type: 'TXT', ttl: 60, values: [value] });
    return {
      async present({ name, value }: { name: string; value: string }) {
        await kernel.applyRecords(provider, { zone, upsert: [txt(name, value)], remove: [], credentials: secret });
        await visible(name, value);
      },
      async cleanup({ name, value }: { name: string; value: string }) {
        await kernel.applyRecords(provider, { zone, upsert: [], remove: [txt(name, value)], credentials: secret });
      },
    };
  }

  return {
    /** The HTTP-01 answer for a token, or undefined. */
    async challengeAnswer(token: string): Promise<string | undefined> {
      return (await orm.em.fork().findOne(AcmeChallenge, { token }))?.keyAuthorization;
    },

    list(domain: Domain): Promise<Certificate[]> {
      return orm.em.fork().find(Certificate, { domain: domain.id }, { orderBy: { hostname: 'asc' } });
    },

    /** Queue issuance for `hostname` (default: the domain's mapped hosts, else the domain itself). */
    async request(access: Access, domain: Domain, hostname?: string): Promise<string[]> {
      requireRole(access, 'admin');
      if (!['verified', 'deploying', 'live', 'cert_failed', 'issuing'].includes(domain.status)) {
        throw new AppError('DOMAIN_NOT_ROUTABLE', `${domain.hostname} is ${domain.status}: prove ownership before asking for a certificate.`, { status: domain.status });
      }
      const mapped = (await orm.em.fork().find(ServiceDomainMapping, { domain: domain.id }, { fields: ['host'] })).map((m) => m.host);
      const hostnames = hostname ? [hostname] : mapped.length > 0 ? [...new Set(mapped)] : [domain.hostname];
      const outside = hostnames.find((h) => h !== domain.hostname && !h.endsWith(`.${domain.hostname}`));
      if (outside) throw new AppError('VALIDATION_FAILED', `${outside} is not ${domain.hostname} or a name below it.`, { hostname: outside });
      for (const name of hostnames) await jobs.send('certificate.issue', { domainId: domain.id, hostname: name });
      return hostnames;
    },

    /** The `certificate.issue` job. */
    async runIssue({ domainId, hostname }: JobData['certificate.issue']): Promise<void> {
      const em = orm.em.fork();
      const domain = await em.findOne(Domain, { id: domainId });
      if (!domain) return;
      const certificate = (await em.findOne(Certificate, { hostname })) ?? em.create(Certificate, { domain, hostname, source: 'pending' });
      certificate.status = certificate.status === 'active' || certificate.status === 'expiring' ? 'renewing' : 'issuing';
      await em.flush();
      const http = {
        async present({ hostname: name, token, keyAuthorization }: { hostname: string; token: string; keyAuthorization: string }) {
          const tx = orm.em.fork();
          tx.create(AcmeChallenge, { token, hostname: name, keyAuthorization });
          await tx.flush();
        },
        async cleanup({ token }: { token: string }) {
          await orm.em.fork().nativeDelete(AcmeChallenge, { token });
        },
      };
      try {
        const issued = await kernel.issueCert({ hostnames: [hostname], challenges: { http, ...(await dnsChallenges(domain).then((d) => (d ? { dns: d } : {}))) } });
        if (issued.kind === 'delegated') {
          Object.assign(certificate, { source: issued.by, status: 'pending', lastError: null });
        } else {
          Object.assign(certificate, {
            source: 'cert.acme',
            status: 'active',
            issuer: issued.issuer,
            notAfter: issued.notAfter,
            certificatePem: issued.certificatePem,
            privateKeySealed: secretBox.seal(issued.privateKeyPem, `certificate:${certificate.id}`),
            lastError: null,
            lastCheckedAt: new Date(),
          });
        }
      } catch (error) {
        const reason = (error as { reason?: string }).reason;
        Object.assign(certificate, { status: 'failed', lastError: `${reason ? `${reason}: ` : ''}${error instanceof Error ? error.message : String(error)}`, lastCheckedAt: new Date() });
        logger.warn({ hostname, reason, err: error }, 'certificate issuance failed');
      }
      await em.flush();
    },

    /** Part of the sweep: certificates Portico issued that expire within 30 days are issued again. */
    async renewDue(now = new Date()): Promise<number> {
      const due = await orm.em.fork().find(Certificate, { source: 'cert.acme', status: { $in: ['active', 'expiring'] }, notAfter: { $lt: new Date(now.getTime() + RENEW_BEFORE_MS) } });
      for (const certificate of due) await jobs.send('certificate.issue', { domainId: certificate.domain.id, hostname: certificate.hostname }, { singletonKey: certificate.hostname });
      return due.length;
    },
  };
}
export type CertificateService = ReturnType<typeof createCertificateService>;
