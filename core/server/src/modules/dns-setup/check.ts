import type { MikroORM } from '@mikro-orm/postgresql';
import type { DnsLookup, Kernel, RecordSet } from '@portico/kernel';
import type { PorticoConfig } from '../../config/schema.ts';
import { notFound } from '../../errors/app-error.ts';
import { DnsCredential } from '../credentials/entity.ts';
import { Domain } from '../domains/entity.ts';
import { normalizeHostname } from '../domains/hostname.ts';
import { requireProject, type Access } from '../organizations/access.ts';
import { Project } from '../projects/entity.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import { widgetMaySee } from '../widget/scope.ts';
import { detectProvider, type DetectionResult } from './detection.ts';
import { desiredRecords } from './records.ts';

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  dns: DnsLookup;
  config: PorticoConfig;
}

/** Stands for the per-domain token in records shown before the domain exists. */
export const TOKEN_PLACEHOLDER = '<token: shown when the domain is added>';

export type AutomaticReason = 'ready' | 'needs_credential' | 'consent' | 'no_plugin' | 'unknown_provider' | 'zone_not_found';

export interface CheckResult extends DetectionResult {
  automatic: {
    possible: boolean;
    route: 'api' | 'domain-connect' | null;
    reason: AutomaticReason;
    /** Stored credentials (of the caller's reach) for the detected provider that may write this zone. */
    credentials: Array<{ id: string; label: string; projectId: string }>;
  };
  /** The records to publish; the ownership token is a placeholder until the domain is added. */
  records: RecordSet[];
  /** The organization's own domain with this hostname, when it exists and the caller may see it. */
  existing: { id: string; status: string } | null;
  /**
   * False only when the caller's organization has this hostname already (adding it would answer HOSTNAME_TAKEN).
   * Other organizations' claims are never told: any organization may add a hostname, and the first to prove
   * control holds it (a later proof takes it over).
   */
  available: boolean;
}

/**
 * `POST /v1/domains:check` (the widget's first step): normalise, detect the DNS provider, say
 * whether automatic setup is possible and by which route, and list the records either way.
 */
export function createDomainCheckService({ orm, kernel, dns, config }: Deps) {
  return {
    async check(access: Access, input: { hostname: string; projectId?: string; method?: string }): Promise<CheckResult> {
      const hostname = normalizeHostname(input.hostname);
      const em = orm.em.fork();
      /** A caller bound to projects sees the organization's domain only through one of them (as GET /v1/domains/:id). */
      const visible = async (domain: Domain) =>
        (access.principal.kind !== 'widget' || widgetMaySee(access.principal, domain)) &&
        (access.projectIds === null || (await em.count(ProjectDomain, { domain: domain.id, project: { $in: access.projectIds } })) > 0);
      if (input.projectId) {
        // A project outside the caller's reach answers as if it did not exist, like GET /v1/projects/:id.
        requireProject(access, input.projectId, 'Project');
        if (!(await em.findOne(Project, { id: input.projectId, organization: access.organizationId }))) throw notFound('Project');
      }
      const [detection, own] = await Promise.all([
        detectProvider(kernel, dns, hostname),
        em.findOne(Domain, { hostname, organization: access.organizationId, status: { $ne: 'archived' } }),
      ]);
      const mine = own && (await visible(own)) ? own : null;
      const method = mine?.method ?? input.method ?? config.verification.defaultMethod;
      const token = mine?.token ?? TOKEN_PLACEHOLDER;
      const zone = detection.zone ?? hostname;
      const records = desiredRecords({ hostname, zone, challenge: kernel.challenge(method, { hostname, token }), routing: config.routing, ttl: config.dnsSetup.ttl });

      const descriptor = kernel.descriptors.dnsProviders.find((d) => d.provider === detection.provider.provider);
      const projectFilter = input.projectId ? { project: input.projectId } : access.projectIds === null ? {} : { project: { $in: access.projectIds } };
      // A widget session is offered the SaaS's own credentials and its customer's, never another customer's.
      const principal = access.principal;
      const customerFilter = principal.kind === 'widget' ? { $or: [{ customerRef: null }, ...(principal.customerRef ? [{ customerRef: principal.customerRef }] : [])] } : {};
      const stored = descriptor?.setup === 'api' ? await em.find(DnsCredential, { organization: access.organizationId, provider: descriptor.provider, ...projectFilter, ...customerFilter }) : [];
      const usable = stored.filter((c) => !c.zones || c.zones.includes(zone));
      let reason: AutomaticReason;
      if (!detection.zone) reason = 'zone_not_found';
      else if (detection.provider.provider === 'unknown') reason = 'unknown_provider';
      else if (!descriptor) reason = 'no_plugin';
      else if (descriptor.setup === 'domain-connect') reason = 'consent';
      else reason = usable.length > 0 ? 'ready' : 'needs_credential';
      const route = reason === 'ready' ? 'api' : reason === 'consent' ? 'domain-connect' : null;
      return {
        ...detection,
        automatic: {
          possible: route !== null,
          route,
          reason,
          credentials: usable.map((c) => ({ id: c.id, label: c.label, projectId: c.project.id })),
        },
        records,
        existing: mine ? { id: mine.id, status: mine.status } : null,
        available: own === null,
      };
    },
  };
}
export type DomainCheckService = ReturnType<typeof createDomainCheckService>;
