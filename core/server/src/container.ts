import { asFunction, asValue, createContainer, InjectionMode, type AwilixContainer } from 'awilix';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DnsLookup, Kernel } from '@portico/kernel';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { PorticoConfig } from './config/schema.ts';
import { createJobQueue, type JobQueue } from './jobs/boss.ts';
import { createAccessService, type AccessService } from './modules/organizations/access.ts';
import { createApiKeyService, type ApiKeyService } from './modules/api-keys/service.ts';
import type { SecretBox } from './modules/credentials/crypto.ts';
import { createCredentialService, type CredentialService } from './modules/credentials/service.ts';
import { createDomainCheckService, type DomainCheckService } from './modules/dns-setup/check.ts';
import { createMappingsService, type MappingsService } from './modules/routing/mappings.service.ts';
import { createCertificateService, type CertificateService } from './modules/certificates/service.ts';
import { createEdgeService, type EdgeService } from './modules/edges/service.ts';
import { createMetrics, type Metrics } from './modules/metrics/registry.ts';
import { OnDemandLimits } from './modules/routing/on-demand-limits.ts';
import { RouteTable } from './modules/routing/route-table.ts';
import { createServicesService, type ServicesService } from './modules/routing/services.service.ts';
import { createDnsSetupService, type DnsSetupService } from './modules/dns-setup/service.ts';
import { createDomainService, type DomainService } from './modules/domains/service.ts';
import { createVerificationService, type VerificationService } from './modules/domains/verification.ts';
import { createOrganizationService, type OrganizationService } from './modules/organizations/service.ts';
import { createSettingsService, type SettingsService } from './modules/organizations/settings.service.ts';
import { createAssignmentService, type AssignmentService } from './modules/projects/assignment.service.ts';
import { createProjectService, type ProjectService } from './modules/projects/service.ts';
import { createSessionService, type SessionService } from './modules/sessions/service.ts';
import { createWidgetService, type WidgetService } from './modules/widget/service.ts';

/** Everything the container holds. Services state the slice they take, so their dependencies are explicit. */
export interface Cradle {
  config: PorticoConfig;
  logger: Logger;
  orm: MikroORM;
  boss: PgBoss;
  kernel: Kernel;
  /** The DNS lookup the kernel's plugins use (authoritative by default): zone discovery, propagation, diffs. */
  dns: DnsLookup;
  /** Seals and opens stored provider credentials. */
  secretBox: SecretBox;
  version: string;
  jobs: JobQueue;
  accessService: AccessService;
  apiKeyService: ApiKeyService;
  assignmentService: AssignmentService;
  credentialService: CredentialService;
  dnsSetupService: DnsSetupService;
  domainCheckService: DomainCheckService;
  servicesService: ServicesService;
  mappingsService: MappingsService;
  /** Host → routes, current in every process (LISTEN/NOTIFY); started by the runtime for the API role. */
  routeTable: RouteTable;
  /** The on-demand TLS budget for names only a wildcard mapping serves (shared by every process through the database). */
  onDemandLimits: OnDemandLimits;
  edgeService: EdgeService;
  metrics: Metrics;
  certificateService: CertificateService;
  domainService: DomainService;
  verificationService: VerificationService;
  organizationService: OrganizationService;
  projectService: ProjectService;
  settingsService: SettingsService;
  sessionService: SessionService;
  widgetService: WidgetService;
}

export type Infrastructure = Pick<Cradle, 'config' | 'logger' | 'orm' | 'boss' | 'kernel' | 'dns' | 'secretBox' | 'version'>;

export function buildContainer(infra: Infrastructure): AwilixContainer<Cradle> {
  const container = createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true });
  for (const [name, value] of Object.entries(infra)) container.register(name, asValue(value));
  container.register({
    jobs: asFunction(createJobQueue).singleton(),
    accessService: asFunction(createAccessService).singleton(),
    apiKeyService: asFunction(createApiKeyService).singleton(),
    assignmentService: asFunction(createAssignmentService).singleton(),
    credentialService: asFunction(createCredentialService).singleton(),
    dnsSetupService: asFunction(createDnsSetupService).singleton(),
    domainCheckService: asFunction(createDomainCheckService).singleton(),
    servicesService: asFunction(createServicesService).singleton(),
    mappingsService: asFunction(createMappingsService).singleton(),
    routeTable: asFunction((deps: Pick<Cradle, 'orm' | 'logger' | 'config'>) => new RouteTable(deps)).singleton(),
    onDemandLimits: asFunction((deps: Pick<Cradle, 'orm' | 'logger' | 'config'>) => new OnDemandLimits(deps)).singleton(),
    edgeService: asFunction(createEdgeService).singleton(),
    metrics: asFunction(createMetrics).singleton(),
    certificateService: asFunction(createCertificateService).singleton(),
    domainService: asFunction(createDomainService).singleton(),
    verificationService: asFunction(createVerificationService).singleton(),
    organizationService: asFunction(createOrganizationService).singleton(),
    projectService: asFunction(createProjectService).singleton(),
    settingsService: asFunction(createSettingsService).singleton(),
    sessionService: asFunction(createSessionService).singleton(),
    widgetService: asFunction(createWidgetService).singleton(),
  });
  return container;
}
