import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DnsProviderError, isRetryable, type ApplyRecordsResult, type DnsLookup, type Kernel, type RecordChange, type RecordSet } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { JobData, QueueName } from '../../jobs/queues.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import { DnsCredential } from '../credentials/entity.ts';
import { providerFailure, scrub, type CredentialService } from '../credentials/service.ts';
import { Domain } from '../domains/entity.ts';
import { SETUP_FROM, type DomainStatus } from '../domains/lifecycle.ts';
import { transition } from '../domains/transition.ts';
import type { VerificationService } from '../domains/verification.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import { findZone } from './detection.ts';
import { desiredRecords, isSatisfied } from './records.ts';

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  jobs: JobQueue;
  config: PorticoConfig;
  logger: Logger;
  dns: DnsLookup;
  credentialService: CredentialService;
  verificationService: VerificationService;
}

export interface SetupRequest {
  /** A stored credential (API providers); its provider is the one used. */
  credentialId?: string;
  /** A consent-based provider (`domainconnect`) when no credential is given. */
  provider?: string;
  /** Take over record sets Portico did not write instead of stopping at them. */
  adopt?: boolean;
}

const describeConflicts = (changes: RecordChange[]) =>
  changes
    .filter((c) => c.action === 'conflict')
    .map((c) => `${c.name} ${c.type} has ${c.before.length > 0 ? c.before.join(', ') : 'records'} (${c.reason})`)
    .join('; ');

/**
 * Automatic DNS setup: plan the records a domain needs, write them through its provider as
 * a job, then watch the authoritative servers until they show them (propagating → verifying). A failed or
 * conflicting apply leaves the domain where it was, with an event that names the problem and the records to add
 * by hand; the instructions stay valid throughout.
 */
export function createDnsSetupService({ orm, kernel, jobs, config, logger, dns, credentialService, verificationService }: Deps) {
  const settings = config.dnsSetup;

  async function zoneOf(domain: Domain): Promise<string> {
    if (domain.dnsZone) return domain.dnsZone;
    const facts = await findZone(dns, domain.hostname);
    if (!facts.zone) {
      throw new AppError('DNS_ZONE_NOT_FOUND', `The DNS zone of ${domain.hostname} could not be found (${facts.error ?? 'no NS records'}); check that the domain is registered and delegated.`, {
        hostname: domain.hostname,
        code: facts.error,
      });
    }
    return facts.zone;
  }

  /** The record sets `domain` needs in `zone` (ownership + routing). */
  function recordsFor(domain: Domain, zone: string): RecordSet[] {
    const challenge = kernel.challenge(domain.method, { hostname: domain.hostname, token: domain.token });
    return desiredRecords({ hostname: domain.hostname, zone, challenge, routing: config.routing, ttl: settings.ttl });
  }

  /**
   * Which provider and credential a request means; the credential must be within the caller's reach, and one a
   * customer connected in the widget sets up only that customer's domains.
   */
  async function resolveTarget(access: Access, domain: Domain, request: SetupRequest): Promise<{ provider: string; credentialId?: string }> {
    if (request.credentialId) {
      const credential = await credentialService.get(access, request.credentialId);
      if (credential.customerRef != null && credential.customerRef !== domain.customerRef) {
        throw new AppError('VALIDATION_FAILED', `This credential was connected by customer ${credential.customerRef}; it sets up only that customer's domains.`, {
          issues: [{ in: 'body', path: 'credentialId', message: 'belongs to another customer' }],
        });
      }
      return { provider: credential.provider, credentialId: credential.id };
    }
    if (!request.provider) throw new AppError('VALIDATION_FAILED', 'Give credentialId (a stored provider credential) or provider (a consent-based provider).');
    const descriptor = kernel.descriptors.dnsProviders.find((d) => d.provider === request.provider);
    if (descriptor?.setup === 'api') {
      throw new AppError('VALIDATION_FAILED', `${descriptor.displayName} writes records with a stored credential: give credentialId.`, { provider: request.provider });
    }
    return { provider: request.provider };
  }

  async function apply(domain: Domain, zone: string, target: { provider: string; credentialId?: string }, options: { dryRun: boolean; adopt?: boolean }) {
    const secret = target.credentialId ? (await credentialService.open(target.credentialId)).secret : undefined;
    const upsert = recordsFor(domain, zone);
    try {
      const result = await kernel.applyRecords(target.provider, {
        zone,
        hostname: domain.hostname,
        upsert,
        remove: [],
        credentials: secret as Record<string, unknown> | undefined,
        owner: settings.owner,
        adopt: options.adopt,
        dryRun: options.dryRun,
      });
      return { result, upsert, secret };
    } catch (error) {
      const displayName = kernel.descriptors.dnsProviders.find((d) => d.provider === target.provider)?.displayName ?? target.provider;
      throw Object.assign(providerFailure(error, secret, displayName) as object, { original: error });
    }
  }

  async function schedule<Q extends QueueName>(em: EntityManager, queue: Q, data: JobData[Q], startAfterSeconds = 0) {
    await jobs.send(queue, data, { em, ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}) });
  }

  /** Record the outcome of one apply on a fresh, locked copy of the domain. */
  async function settle(domainId: string, fn: (em: EntityManager, domain: Domain) => Promise<void> | void) {
    await orm.em.fork().transactional(async (em) => {
      const domain = await em.findOne(Domain, { id: domainId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!domain || !SETUP_FROM.includes(domain.status as DomainStatus)) return;
      await fn(em, domain);
      await em.flush();
    });
  }

  return {
    recordsFor,
    zoneOf,

    /** The plan (dry run): what automatic setup would write, and what is in the way. */
    async plan(access: Access, domain: Domain, request: SetupRequest) {
      const target = await resolveTarget(access, domain, request);
      const zone = await zoneOf(domain);
      const { result } = await apply(domain, zone, target, { dryRun: true, adopt: request.adopt });
      return { provider: target.provider, zone, changes: result.changes, redirect: result.redirect?.url ?? null };
    },

    /** Start automatic setup: the domain remembers provider and credential, and the apply job is queued with it. */
    async request(access: Access, domain: Domain, request: SetupRequest, outer?: EntityManager): Promise<Domain> {
      requireRole(access, 'project_admin');
      const target = await resolveTarget(access, domain, request);
      const zone = await zoneOf(domain);
      const run = async (em: EntityManager) => {
        const fresh = await em.findOneOrFail(Domain, { id: domain.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!SETUP_FROM.includes(fresh.status as DomainStatus)) {
          throw new AppError('DOMAIN_NOT_VERIFIABLE', `Automatic DNS setup cannot start for a ${fresh.status} domain.`, { status: fresh.status });
        }
        const descriptor = kernel.descriptors.dnsProviders.find((d) => d.provider === target.provider);
        fresh.setupMode = descriptor?.setup === 'domain-connect' ? 'domain-connect' : 'api';
        fresh.dnsProvider = target.provider;
        fresh.dnsCredential = target.credentialId ? em.getReference(DnsCredential, target.credentialId) : null;
        fresh.dnsZone = zone;
        await em.flush();
        await schedule(em, 'domain.dns-apply', { domainId: fresh.id, provider: target.provider, credentialId: target.credentialId, adopt: request.adopt, attempt: 1 });
        return fresh;
      };
      return outer ? run(outer) : orm.em.fork().transactional(run);
    },

    /** The `domain.dns-apply` job. */
    async runApply(data: JobData['domain.dns-apply']): Promise<void> {
      const domain = await orm.em.fork().findOne(Domain, { id: data.domainId });
      if (!domain || !SETUP_FROM.includes(domain.status as DomainStatus)) return;
      const displayName = kernel.descriptors.dnsProviders.find((d) => d.provider === data.provider)?.displayName ?? data.provider;
      let outcome: { result: ApplyRecordsResult; upsert: RecordSet[]; secret: unknown };
      try {
        outcome = await apply(domain, await zoneOf(domain), data, { dryRun: false, adopt: data.adopt });
      } catch (error) {
        const original = (error as { original?: unknown }).original ?? error;
        if (original instanceof DnsProviderError && isRetryable(original.kind) && data.attempt < settings.applyAttempts) {
          const wait = original.retryAfterSeconds ?? Math.min(300, settings.applyRetryBaseSeconds * 2 ** (data.attempt - 1));
          logger.warn({ domainId: domain.id, provider: data.provider, kind: original.kind, attempt: data.attempt, retryInSeconds: wait }, 'dns apply will be retried');
          await orm.em.fork().transactional((em) => schedule(em, 'domain.dns-apply', { ...data, attempt: data.attempt + 1 }, wait));
          return;
        }
        const detail = error instanceof Error ? error.message : String(error);
        await settle(domain.id, (em, fresh) => {
          transition(em, fresh, fresh.status as DomainStatus, 'dns_setup_failed', { detail, provider: displayName, kind: (original as DnsProviderError).kind ?? 'unknown' });
        });
        return;
      }
      const { result, upsert, secret } = outcome;
      const failed = result.changes.filter((c) => c.error);
      await settle(domain.id, async (em, fresh) => {
        if (result.changes.some((c) => c.action === 'conflict')) {
          transition(em, fresh, fresh.status as DomainStatus, 'dns_setup_conflict', { detail: describeConflicts(result.changes), provider: displayName, changes: result.changes, records: upsert });
          return;
        }
        if (failed.length > 0) {
          const detail = failed.map((c) => `${c.name} ${c.type}: ${scrub(c.error!.message, secret)}`).join('; ');
          transition(em, fresh, fresh.status as DomainStatus, 'dns_setup_failed', { detail, provider: displayName, changes: result.changes });
          return;
        }
        fresh.propagationStartedAt = new Date();
        fresh.nextCheckAt = null;
        fresh.setupRedirectUrl = result.redirect?.url ?? null;
        const reason = result.redirect ? 'consent_requested' : 'records_applied';
        transition(em, fresh, 'propagating', reason, { provider: displayName, changes: result.changes, ...(result.redirect ? { url: result.redirect.url } : {}) });
        await schedule(em, 'domain.propagation', { domainId: fresh.id });
      });
      logger.info({ domainId: domain.id, provider: data.provider, changes: result.changes.map((c) => c.action) }, 'dns apply finished');
    },

    /** The `domain.propagation` job: are the records visible at the authoritative servers yet? */
    async runPropagation(domainId: string): Promise<void> {
      const domain = await orm.em.fork().findOne(Domain, { id: domainId });
      if (!domain || domain.status !== 'propagating') return;
      type Check = { set: RecordSet; state: 'visible' | 'missing' | 'unknown' };
      let checks: Check[] | null;
      try {
        const zone = await zoneOf(domain);
        checks = await Promise.all(
          recordsFor(domain, zone).map(async (set): Promise<Check> => {
            const answer = await dns.query(set.name, set.type);
            if (answer.status === 'error') return { set, state: 'unknown' };
            return { set, state: answer.status === 'found' && isSatisfied(set, answer.values) ? 'visible' : 'missing' };
          }),
        );
      } catch (error) {
        // Looking failed this time (zone discovery, DNS): not an answer, so keep watching until the timeout.
        logger.warn({ domainId, err: error }, 'propagation check could not look; trying again');
        checks = null;
      }
      await orm.em.fork().transactional(async (em) => {
        const fresh = await em.findOne(Domain, { id: domainId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!fresh || fresh.status !== 'propagating') return;
        if (checks?.every((c) => c.state === 'visible')) {
          fresh.propagationStartedAt = null;
          fresh.setupRedirectUrl = null;
          transition(em, fresh, 'verifying', 'records_visible', { records: checks.map((c) => c.set) });
          await em.flush();
          await verificationService.enqueue(em, fresh, 'automatic');
          return;
        }
        const started = fresh.propagationStartedAt?.getTime() ?? Date.now();
        if (Date.now() - started > settings.propagationTimeoutMinutes * 60_000) {
          const missing = checks?.filter((c) => c.state !== 'visible').map((c) => c.set) ?? [];
          fresh.propagationStartedAt = null;
          transition(em, fresh, 'pending', 'propagation_timeout', {
            minutes: settings.propagationTimeoutMinutes,
            detail: checks ? `Still missing: ${missing.map((s) => `${s.name} ${s.type}`).join(', ')}.` : 'The records could not be looked up.',
            missing,
          });
          await em.flush();
          return;
        }
        await schedule(em, 'domain.propagation', { domainId }, settings.propagationIntervalSeconds);
      });
    },

    /** Desired records against what the authoritative servers answer now. */
    async diff(domain: Domain) {
      const zone = await zoneOf(domain);
      const records = await Promise.all(
        recordsFor(domain, zone).map(async (set) => {
          const answer = await dns.query(set.name, set.type);
          const current = answer.status === 'found' ? answer.values : [];
          const status: 'ok' | 'missing' | 'different' | 'unknown' =
            answer.status === 'error' ? 'unknown' : answer.status !== 'found' ? 'missing' : isSatisfied(set, answer.values) ? 'ok' : 'different';
          return { name: set.name, type: set.type, ttl: set.ttl, desired: set.values, current, status, ...(answer.status === 'error' ? { error: answer.code } : {}) };
        }),
      );
      return { zone, records, inSync: records.every((r) => r.status === 'ok') };
    },
  };
}
export type DnsSetupService = ReturnType<typeof createDnsSetupService>;
