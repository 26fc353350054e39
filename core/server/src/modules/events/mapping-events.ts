import { wrap, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ServiceDomainMapping } from '../routing/mapping.entity.ts';
import { publishEvent } from './publish.ts';

/** Publish a mapping's creation, change or removal in the same unit of work as the change. */
export function publishMappingEvent(em: EntityManager, type: 'mapping.created' | 'mapping.updated' | 'mapping.deleted', mapping: ServiceDomainMapping): void {
  const domain = mapping.domain;
  publishEvent(em, {
    type,
    organizationId: mapping.organization.id,
    projectId: mapping.project.id,
    customerRef: wrap(domain).isInitialized() ? (domain.customerRef ?? null) : null,
    subject: { kind: 'mapping', id: mapping.id },
    data: { host: mapping.host, basePath: mapping.basePath, serviceId: mapping.service.id, domainId: domain.id },
  });
}

/**
 * Publish `mapping.deleted` for every mapping `where` matches, before a delete removes them: directly, or by the
 * cascade of a domain, assignment, service or project delete. Call inside the deleting transaction, then flush, so
 * the events commit exactly when the mappings go. Returns the mappings (domain populated).
 */
export async function publishMappingsDeleted(em: EntityManager, where: FilterQuery<ServiceDomainMapping>): Promise<ServiceDomainMapping[]> {
  const mappings = await em.find(ServiceDomainMapping, where, { populate: ['domain'], orderBy: { host: 'asc', basePath: 'asc' } });
  for (const mapping of mappings) publishMappingEvent(em, 'mapping.deleted', mapping);
  return mappings;
}
