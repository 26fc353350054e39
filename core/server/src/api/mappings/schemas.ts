import { checkRoute, ROUTE_ISSUES } from '@portico/kernel';
import { z } from 'zod';
import { PROTOCOL_MODES, TLS_SOURCES, type ServiceDomainMapping } from '../../modules/routing/mapping.entity.ts';
import { protocolNotice } from '../../modules/routing/validation.ts';

export const mappingSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    serviceId: z.string(),
    serviceName: z.string(),
    domainId: z.string(),
    subdomain: z.string().nullable(),
    host: z.string(),
    basePath: z.string(),
    internalPath: z.string(),
    internalPort: z.number().int(),
    stripPath: z.boolean(),
    protocol: z.enum(PROTOCOL_MODES),
    redirectStatus: z.number().int(),
    tlsSource: z.enum(TLS_SOURCES),
    primary: z.boolean(),
    externalUrl: z.string().meta({ description: 'The public URL of the mapping (https unless HTTP only).' }),
    notice: z.string().nullable().meta({ description: 'The warning the console shows for HTTP only or both.' }),
    deployment: z
      .object({ skipped: z.boolean(), reason: z.enum(ROUTE_ISSUES).optional(), message: z.string().optional() })
      .meta({ description: 'skipped: every edge leaves this mapping out because it cannot be served (for example a service upstream host that is no host name), with the reason; other mappings are not affected.' }),
    createdAt: z.string(),
  })
  .meta({ id: 'ServiceDomainMapping' });

export const mappingBody = z.object({
  serviceId: z.uuid(),
  domainId: z.uuid().meta({ description: 'A domain assigned to the project (verified).' }),
  subdomain: z.string().max(190).nullable().optional().meta({ example: 'api' }),
  basePath: z.string().max(300).optional().meta({ example: '/v1', description: 'External base path; default "/".' }),
  internalPath: z.string().max(300).optional().meta({ description: 'Path the service listens on; default "/".' }),
  internalPort: z.number().optional().meta({ description: "Default: the service's port." }),
  stripPath: z.boolean().optional().meta({ description: 'Remove the base path before forwarding (default on; off without a base path).' }),
  protocol: z.enum(PROTOCOL_MODES).optional(),
  redirectStatus: z.union([z.literal(301), z.literal(308)]).optional(),
  tlsSource: z.enum(TLS_SOURCES).optional(),
  primary: z.boolean().optional(),
});

export const checkQuery = z.object({
  domainId: z.uuid(),
  subdomain: z.string().max(190).optional(),
  basePath: z.string().max(300).optional(),
});

export const availabilitySchema = z
  .object({
    available: z.boolean(),
    host: z.string(),
    basePath: z.string(),
    conflict: z
      .object({ mappingId: z.string().nullable(), serviceName: z.string().nullable(), projectId: z.string().nullable() })
      .nullable()
      .meta({ description: 'What holds host + base path; the fields are null unless it is in a project you may see.' }),
    suggestions: z.object({ basePaths: z.array(z.string()), subdomains: z.array(z.string()) }),
    issues: z.array(z.object({ field: z.string(), reason: z.string(), message: z.string(), suggestion: z.union([z.string(), z.number(), z.boolean()]).optional() })),
  })
  .meta({ id: 'MappingAvailability' });

export const mappingView = (m: ServiceDomainMapping) => ({
  id: m.id,
  projectId: m.project.id,
  serviceId: m.service.id,
  serviceName: m.service.name,
  domainId: m.domain.id,
  subdomain: m.subdomain ?? null,
  host: m.host,
  basePath: m.basePath,
  internalPath: m.internalPath,
  internalPort: m.internalPort,
  stripPath: m.stripPath,
  protocol: m.protocol,
  redirectStatus: m.redirectStatus,
  tlsSource: m.tlsSource,
  primary: m.primary,
  externalUrl: `${m.protocol === 'http' ? 'http' : 'https'}://${m.host}${m.basePath === '/' ? '/' : m.basePath}`,
  notice: protocolNotice(m.protocol),
  deployment: deploymentOf(m),
  createdAt: m.createdAt.toISOString(),
});

/** Whether the edges serve the mapping: the kernel's `checkRoute` of the route the route table makes of it. */
function deploymentOf(m: ServiceDomainMapping): { skipped: boolean; reason?: (typeof ROUTE_ISSUES)[number]; message?: string } {
  const check = checkRoute({
    hostname: m.host,
    basePath: m.basePath,
    upstream: { host: m.service.upstreamHost, port: m.internalPort, path: m.internalPath },
    stripPath: m.stripPath,
    protocol: m.protocol,
    redirectStatus: m.redirectStatus as 301 | 308,
  });
  return check.ok ? { skipped: false } : { skipped: true, reason: check.reason, message: check.message };
}
