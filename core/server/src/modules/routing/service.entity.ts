import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import { ROUTES_CHANNEL } from './route-channel.ts';

/** A service of a project: where its traffic goes inside the SaaS: the container and its port. */
export const ServiceSchema = defineEntity({
  name: 'Service',
  tableName: 'services',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    name: p.string().length(63),
    /** Host name or address the edge forwards to (`web.internal`, `10.0.0.7`). */
    upstreamHost: p.string().length(253),
    /** The service's primary port: a mapping's internal port defaults to it. */
    upstreamPort: p.integer(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['project', 'name'] }],
  // A moved upstream changes the routes of every host mapped to the service. The payload names the service, never
  // its hosts: each listening route table asks which hosts those are (see route-channel.ts).
  triggers: [
    {
      name: 'services_notify',
      timing: 'after',
      events: ['update'],
      forEach: 'row',
      // As PostgreSQL prints it back, so schema diffs see no change.
      when: '(((old.upstream_host)::text IS DISTINCT FROM (new.upstream_host)::text) OR (old.upstream_port IS DISTINCT FROM new.upstream_port))',
      body: `perform pg_notify('${ROUTES_CHANNEL}', json_build_object('service', new.id)::text);
  return null;`,
    },
  ],
});
export class Service extends ServiceSchema.class {}
ServiceSchema.setClass(Service);
