import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Domain } from '../domains/entity.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import { ROUTES_CHANNEL } from './route-channel.ts';
import { Service } from './service.entity.ts';

export const PROTOCOL_MODES = ['https', 'http', 'both', 'redirect-to-https'] as const;
export const TLS_SOURCES = ['acme', 'uploaded', 'none'] as const;

/**
 * One external `host + basePath` routed to a service. `host` is the subdomain joined to
 * the domain, stored so one unique index refuses the same host and base path twice anywhere in the organization.
 * Deleting the service, the project's domain assignment or the domain removes the mapping.
 */
export const ServiceDomainMappingSchema = defineEntity({
  name: 'ServiceDomainMapping',
  tableName: 'service_domain_mappings',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    service: () => p.manyToOne(Service).deleteRule('cascade'),
    projectDomain: () => p.manyToOne(ProjectDomain).deleteRule('cascade'),
    domain: () => p.manyToOne(Domain).deleteRule('cascade'),
    /** Labels before the domain (`api`, `*`), or null for the domain itself. */
    subdomain: p.string().length(190).nullable(),
    host: p.string().length(253),
    /** `/` or `/seg/seg`, no trailing slash. */
    basePath: p.string().length(255).default('/'),
    internalPath: p.string().length(255).default('/'),
    internalPort: p.integer(),
    stripPath: p.boolean().default(true),
    protocol: p.enum(PROTOCOL_MODES).default('https'),
    /** For `redirect-to-https`: 301 or 308 (both keep path and query). */
    redirectStatus: p.integer().default(308),
    tlsSource: p.enum(TLS_SOURCES).default('acme'),
    /** The mapping shown first for its service (its canonical URL). */
    primary: p.boolean().default(false),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'service_domain_mappings_host_base_path_unique', properties: ['host', 'basePath'] }],
  indexes: [{ properties: ['service'] }, { properties: ['domain'] }],
  // Every change, cascaded deletes included, tells each process's route table which mapping changed; a deleted
  // mapping, or one whose host changed, also names its old host (one name, which the database no longer holds).
  triggers: [
    {
      name: 'service_domain_mappings_notify',
      timing: 'after',
      events: ['insert', 'update', 'delete'],
      forEach: 'row',
      body: `if tg_op = 'DELETE' then perform pg_notify('${ROUTES_CHANNEL}', json_build_object('mapping', old.id, 'was', old.host)::text);
  elsif tg_op = 'UPDATE' and old.host <> new.host then perform pg_notify('${ROUTES_CHANNEL}', json_build_object('mapping', new.id, 'was', old.host)::text);
  else perform pg_notify('${ROUTES_CHANNEL}', json_build_object('mapping', new.id)::text);
  end if;
  return null;`,
    },
  ],
});
export class ServiceDomainMapping extends ServiceDomainMappingSchema.class {}
ServiceDomainMappingSchema.setClass(ServiceDomainMapping);
