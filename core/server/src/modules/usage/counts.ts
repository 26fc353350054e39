import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from '../api-keys/entity.ts';
import { Domain } from '../domains/entity.ts';
import { Membership } from '../organizations/membership.entity.ts';
import { Project } from '../projects/entity.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import { ServiceDomainMapping } from '../routing/mapping.entity.ts';
import type { PlanResource } from '../plans/catalogue.ts';

/**
 * Usage is counted from the tables that hold the resources, never from counters that could drift: what the quota
 * check sees is what the usage report shows. Scope: the organization, or one of its projects.
 */
export interface UsageScope {
  organizationId: string;
  projectId?: string | null;
}

type Row = Record<string, string | number | boolean | null>;
const sql = async (em: EntityManager, text: string, params: unknown[]): Promise<Row[]> => (await em.getConnection().execute(text, params, 'all', em.getTransactionContext())) as Row[];
const num = (value: string | number | boolean | null | undefined): number => Number(value ?? 0);

/** Start of the current calendar month and of today, UTC. */
export function periodStarts(now = new Date()): { month: Date; day: Date } {
  return {
    month: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    day: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
  };
}

/** `YYYY-MM-DD` of a date, UTC. */
export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);

const projectFilter = (scope: UsageScope) => (scope.projectId ? { project: scope.projectId } : {});

/** Domains are assigned to projects through project_domains: a project's are the ones assigned to it. */
async function domainFilter(em: EntityManager, scope: UsageScope): Promise<object> {
  if (!scope.projectId) return {};
  const assigned = await em.find(ProjectDomain, { project: scope.projectId }, { fields: ['domain'] });
  return { id: { $in: assigned.map((row) => row.domain.id) } };
}

export const count = {
  domains: async (em: EntityManager, scope: UsageScope) => em.count(Domain, { organization: scope.organizationId, status: { $ne: 'archived' }, ...(await domainFilter(em, scope)) }),
  verifiedDomains: async (em: EntityManager, scope: UsageScope) =>
    em.count(Domain, { organization: scope.organizationId, status: { $ne: 'archived' }, verifiedAt: { $ne: null }, ...(await domainFilter(em, scope)) }),
  projects: (em: EntityManager, scope: UsageScope) => em.count(Project, { organization: scope.organizationId }),
  /** Mappings of one project, or of every project of the organization. */
  mappings: (em: EntityManager, scope: UsageScope) =>
    em.count(ServiceDomainMapping, scope.projectId ? { project: scope.projectId } : { project: { organization: scope.organizationId } }),
  apiKeys: (em: EntityManager, scope: UsageScope) => em.count(ApiKey, { organization: scope.organizationId, revokedAt: null, ...projectFilter(scope) }),
  /** Distinct people with any role in the organization (an organization role or a project role). */
  async members(em: EntityManager, scope: UsageScope): Promise<number> {
    const memberships = await em.find(Membership, { organization: scope.organizationId }, { fields: ['user'] });
    return new Set(memberships.map((m) => m.user.id)).size;
  },
  async webhookEndpoints(em: EntityManager, scope: UsageScope): Promise<number> {
    if (!(await tableExists(em, 'webhook_endpoints'))) return 0;
    const where = scope.projectId ? 'and project_id = ?' : '';
    const rows = await sql(em, `select count(*) as n from webhook_endpoints where organization_id = ? ${where}`, scope.projectId ? [scope.organizationId, scope.projectId] : [scope.organizationId]);
    return num(rows[0]?.n);
  },
  /** Certificates Portico's ACME client obtained for the scope's hostnames in [since, until) (renewals included). */
  async certificatesIssued(em: EntityManager, scope: UsageScope, since: Date, until?: Date): Promise<number> {
    const params: unknown[] = [scope.organizationId];
    let owner = 'd.organization_id = ?';
    if (scope.projectId) {
      owner += ' and exists (select 1 from project_domains pd where pd.domain_id = d.id and pd.project_id = ?)';
      params.push(scope.projectId);
    }
    params.push(since);
    let period = 'o.created_at >= ?';
    if (until) {
      period += ' and o.created_at < ?';
      params.push(until);
    }
    const rows = await sql(
      em,
      `select count(*) as n from certificate_orders o
        where o.outcome = 'issued'
          and exists (select 1 from certificates c join domains d on d.id = c.domain_id where c.hostname = o.hostname and ${owner})
          and ${period}`,
      params,
    );
    return num(rows[0]?.n);
  },
  /** Webhook deliveries that succeeded in [since, until). */
  async webhooksDelivered(em: EntityManager, scope: UsageScope, since: Date, until?: Date): Promise<number> {
    if (!(await tableExists(em, 'webhook_deliveries'))) return 0;
    const params: unknown[] = [scope.organizationId, since];
    let where = "organization_id = ? and status = 'delivered' and delivered_at >= ?";
    if (until) {
      where += ' and delivered_at < ?';
      params.push(until);
    }
    if (scope.projectId) {
      where += ' and endpoint_id in (select id from webhook_endpoints where project_id = ?)';
      params.push(scope.projectId);
    }
    const rows = await sql(em, `select count(*) as n from webhook_deliveries where ${where}`, params);
    return num(rows[0]?.n);
  },
};

async function tableExists(em: EntityManager, table: string): Promise<boolean> {
  const rows = await sql(em, 'select to_regclass(?) is not null as present', [table]);
  return rows[0]?.present === true || rows[0]?.present === 't';
}

/** What a plan limit is measured against, in the scope the limit applies to. */
export function usageOf(em: EntityManager, resource: Exclude<PlanResource, 'certificatesPerMonth' | 'checksPerDay'>, scope: UsageScope): Promise<number> {
  switch (resource) {
    case 'domains':
      return count.domains(em, { organizationId: scope.organizationId });
    case 'projects':
      return count.projects(em, scope);
    case 'mappingsPerProject':
      return count.mappings(em, scope);
    case 'apiKeys':
      return count.apiKeys(em, { organizationId: scope.organizationId });
    case 'members':
      return count.members(em, scope);
    case 'webhookEndpoints':
      return count.webhookEndpoints(em, { organizationId: scope.organizationId });
  }
}
