import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { ExpectedRecord, Kernel, VerifyResult } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import { requireProject, requireRole, type Access, type AccessService } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import { Domain } from './entity.ts';
import { DomainEvent } from './event.entity.ts';
import { normalizeHostname } from './hostname.ts';
import { findTransition, renderMessage, VERIFIABLE, type DomainStatus } from './lifecycle.ts';

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  jobs: JobQueue;
  accessService: AccessService;
  config: PorticoConfig;
  logger: Logger;
}

/** A verify outcome → the lifecycle transition it causes. */
const OUTCOME: Record<VerifyResult['status'], { to: DomainStatus; reason: string }> = {
  verified: { to: 'verified', reason: 'verified' },
  missing: { to: 'failed_temporary', reason: 'record_missing' },
  error: { to: 'failed_temporary', reason: 'checker_error' },
  mismatch: { to: 'failed_permanent', reason: 'record_mismatch' },
};

export function createDomainService({ orm, kernel, jobs, accessService, config, logger }: Deps) {
  /** Move a domain along the transition table and record the event; refuses moves the table does not list. */
  function transition(em: EntityManager, domain: Domain, to: DomainStatus, reason: string, details: Record<string, unknown> = {}): DomainEvent {
    const from = (domain.status as DomainStatus | undefined) ?? null;
    const rule = findTransition(from, to, reason);
    if (!rule) throw new Error(`Lifecycle table has no transition ${from} → ${to} (${reason})`);
    const message = renderMessage(rule.message, details);
    domain.status = to;
    domain.statusMessage = message;
    return em.create(DomainEvent, { domain, fromStatus: from, toStatus: to, reason, message, details });
  }

  const instructions = (domain: Domain): ExpectedRecord[] => kernel.challenge(domain.method, { hostname: domain.hostname, token: domain.token });

  return {
    instructions,

    async create(access: Access, input: { hostname: string; projectId?: string | null; method?: string }) {
      const hostname = normalizeHostname(input.hostname);
      const method = input.method ?? config.verification.defaultMethod;
      const em = orm.em;
      let project: Project | null = null;
      if (input.projectId) {
        project = await em.findOne(Project, { id: input.projectId, organization: access.organizationId });
        if (!project) throw notFound('Project');
      }
      requireProject(access, project?.id, 'Project');
      // Judged by the role in the target project, not the caller's strongest role elsewhere.
      requireRole(access, 'project_admin', project?.id);
      const domain = em.create(Domain, {
        organization: em.getReference(Organization, access.organizationId),
        project,
        hostname,
        method,
        token: randomBytes(16).toString('hex'),
        status: undefined as unknown as DomainStatus,
      });
      const records = instructions(domain); // raises VERIFY_METHOD_UNKNOWN before anything is written
      transition(em, domain, 'pending', 'created');
      try {
        await em.flush();
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) {
          throw new AppError('HOSTNAME_TAKEN', `${hostname} is already claimed on this installation.`, { hostname });
        }
        throw error;
      }
      return { domain, instructions: records };
    },

    list(access: Access): Promise<Domain[]> {
      const where = access.projectIds === null ? {} : { project: { $in: access.projectIds } };
      return orm.em.find(Domain, { organization: access.organizationId, ...where }, { orderBy: { createdAt: 'desc' }, limit: 500 });
    },

    /** A domain by id within the caller's scope; 404 for anything else. */
    async get(principal: Principal, domainId: string): Promise<{ domain: Domain; access: Access }> {
      const domain = await orm.em.findOne(Domain, { id: domainId });
      if (!domain) throw notFound('Domain');
      const access = await accessService.forOrganization(principal, domain.organization.id).catch(() => {
        throw notFound('Domain');
      });
      if (access.projectIds !== null) requireProject(access, domain.project?.id, 'Domain');
      return { domain, access };
    },

    events(domain: Domain): Promise<DomainEvent[]> {
      return orm.em.find(DomainEvent, { domain }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    },

    /** Queue a verification. Idempotent while one is running: the caller gets the domain as it is. */
    async requestVerification(access: Access, domain: Domain): Promise<Domain> {
      requireRole(access, 'project_member', domain.project?.id);
      if (domain.status === 'verifying') return domain;
      if (!VERIFIABLE.has(domain.status as DomainStatus)) {
        throw new AppError('DOMAIN_NOT_VERIFIABLE', `A ${domain.status} domain cannot be verified now.`, { status: domain.status });
      }
      await orm.em.transactional(async (em) => {
        const fresh = await em.findOneOrFail(Domain, { id: domain.id }, { lockMode: 4 /* PESSIMISTIC_WRITE */ });
        if (fresh.status === 'verifying') return;
        transition(em, fresh, 'verifying', 'verification_requested');
        await em.flush();
        // Committed with the status change, or not at all.
        await jobs.send('domain.verify', { domainId: fresh.id }, { em });
      });
      await orm.em.refresh(domain);
      return domain;
    },

    /** The `domain.verify` job: ask the verify hook and record its outcome. */
    async runVerification(domainId: string): Promise<void> {
      const em = orm.em.fork();
      const domain = await em.findOne(Domain, { id: domainId });
      if (!domain || domain.status !== 'verifying') return; // deleted, or already settled by an earlier attempt
      const result = await kernel.verify(domain.method, { hostname: domain.hostname, token: domain.token });
      const outcome = OUTCOME[result.status];
      domain.lastCheckedAt = new Date();
      if (result.status === 'verified') domain.verifiedAt = domain.lastCheckedAt;
      transition(em, domain, outcome.to, outcome.reason, {
        detail: result.message,
        check: result.status,
        expected: result.expected,
        ...(result.found ? { found: result.found } : {}),
      });
      await em.flush();
      logger.info({ domainId, hostname: domain.hostname, outcome: result.status }, 'domain verification finished');
    },
  };
}
export type DomainService = ReturnType<typeof createDomainService>;
