import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceDomainMapping } from '../routing/mapping.entity.ts';
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
