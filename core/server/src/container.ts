import { asFunction, asValue, createContainer, InjectionMode, type AwilixContainer } from 'awilix';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Kernel } from '@portico/kernel';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { PorticoConfig } from './config/schema.ts';
import { createJobQueue, type JobQueue } from './jobs/boss.ts';
import { createAccessService, type AccessService } from './modules/organizations/access.ts';
import { createApiKeyService, type ApiKeyService } from './modules/api-keys/service.ts';
import { createDomainService, type DomainService } from './modules/domains/service.ts';
import { createVerificationService, type VerificationService } from './modules/domains/verification.ts';
import { createOrganizationService, type OrganizationService } from './modules/organizations/service.ts';
import { createSettingsService, type SettingsService } from './modules/organizations/settings.service.ts';
import { createAssignmentService, type AssignmentService } from './modules/projects/assignment.service.ts';
import { createProjectService, type ProjectService } from './modules/projects/service.ts';
import { createSessionService, type SessionService } from './modules/sessions/service.ts';

/** Everything the container holds. Services state the slice they take, so their dependencies are explicit. */
export interface Cradle {
  config: PorticoConfig;
  logger: Logger;
  orm: MikroORM;
  boss: PgBoss;
  kernel: Kernel;
  version: string;
  jobs: JobQueue;
  accessService: AccessService;
  apiKeyService: ApiKeyService;
  assignmentService: AssignmentService;
  domainService: DomainService;
  verificationService: VerificationService;
  organizationService: OrganizationService;
  projectService: ProjectService;
  settingsService: SettingsService;
  sessionService: SessionService;
}

export type Infrastructure = Pick<Cradle, 'config' | 'logger' | 'orm' | 'boss' | 'kernel' | 'version'>;

export function buildContainer(infra: Infrastructure): AwilixContainer<Cradle> {
  const container = createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true });
  for (const [name, value] of Object.entries(infra)) container.register(name, asValue(value));
  container.register({
    jobs: asFunction(createJobQueue).singleton(),
    accessService: asFunction(createAccessService).singleton(),
    apiKeyService: asFunction(createApiKeyService).singleton(),
    assignmentService: asFunction(createAssignmentService).singleton(),
    domainService: asFunction(createDomainService).singleton(),
    verificationService: asFunction(createVerificationService).singleton(),
    organizationService: asFunction(createOrganizationService).singleton(),
    projectService: asFunction(createProjectService).singleton(),
    settingsService: asFunction(createSettingsService).singleton(),
    sessionService: asFunction(createSessionService).singleton(),
  });
  return container;
}
