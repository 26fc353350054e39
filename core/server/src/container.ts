import { asFunction, asValue, createContainer, InjectionMode, type AwilixContainer } from 'awilix';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DnsLookup, Kernel } from '@portico/kernel';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { PorticoConfig } from './config/schema.ts';
import { createJobQueue, type JobQueue } from './jobs/boss.ts';
import { createAccessService, type AccessService } from './modules/organizations/access.ts';
import { createApiKeyService, type ApiKeyService } from './modules/api-keys/service.ts';
import { createAuditService, type AuditService } from './modules/audit/service.ts';
import type { SecretBox } from './modules/credentials/crypto.ts';
import { createCredentialService, type CredentialService } from './modules/credentials/service.ts';
import { createDomainCheckService, type DomainCheckService } from './modules/dns-setup/check.ts';
import { createMappingsService, type MappingsService } from './modules/routing/mappings.service.ts';
import { createCertificateService, type CertificateService } from './modules/certificates/service.ts';
import { createEdgeService, type EdgeService } from './modules/edges/service.ts';
import { createEventService, type EventService } from './modules/events/service.ts';
import { createMetrics, type Metrics } from './modules/metrics/registry.ts';
import { OnDemandLimits } from './modules/routing/on-demand-limits.ts';
import { RouteTable } from './modules/routing/route-table.ts';
import { createServicesService, type ServicesService } from './modules/routing/services.service.ts';
import { createDnsSetupService, type DnsSetupService } from './modules/dns-setup/service.ts';
import { createDomainService, type DomainService } from './modules/domains/service.ts';
import { createVerificationService, type VerificationService } from './modules/domains/verification.ts';
import { createOrganizationService, type OrganizationService } from './modules/organizations/service.ts';
import { createInvitationService, type InvitationService } from './modules/invitations/service.ts';
import { createMemberService, type MemberService } from './modules/organizations/members.service.ts';
import { createOperatorService, type OperatorService } from './modules/users/operator.ts';
import { createSignupService, type SignupService } from './modules/users/signup.ts';
import { createSettingsService, type SettingsService } from './modules/organizations/settings.service.ts';
import { createAssignmentService, type AssignmentService } from './modules/projects/assignment.service.ts';
import { createProjectService, type ProjectService } from './modules/projects/service.ts';
import { createSessionService, type SessionService } from './modules/sessions/service.ts';
import { createOidcService, type OidcService } from './modules/oidc/service.ts';
import { createOidcSettingsService, type OidcSettingsService } from './modules/oidc/settings.ts';
import { createMailer, type Mailer } from './modules/mail/mailer.ts';
import { createTotpService, type TotpService } from './modules/sessions/totp.ts';
import { createPasswordService, type PasswordService } from './modules/users/password-service.ts';
import { createWidgetService, type WidgetService } from './modules/widget/service.ts';
import { NO_BILLING, type BillingProvider } from './modules/plans/billing.ts';
import { createPlanService, type PlanService } from './modules/plans/service.ts';
import { createUsageService, type UsageService } from './modules/usage/service.ts';
import { createWebhookService, type WebhookService } from './modules/webhooks/service.ts';
import { createNotificationService, type NotificationService } from './modules/notifications/service.ts';

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
  auditService: AuditService;
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
  /** The event outbox (publish in a unit of work), the list and the live feed (modules/events). */
  eventService: EventService;
  metrics: Metrics;
  certificateService: CertificateService;
  domainService: DomainService;
  verificationService: VerificationService;
  organizationService: OrganizationService;
  memberService: MemberService;
  invitationService: InvitationService;
  signupService: SignupService;
  /** The instance operator's own views (`/v1/operator/…`). */
  operatorService: OperatorService;
  projectService: ProjectService;
  settingsService: SettingsService;
  sessionService: SessionService;
  /** Sign-in with OpenID Connect: providers, the code flow, linking identities to users. */
  oidcService: OidcService;
  /** An organization's own OpenID Connect provider. */
  oidcSettingsService: OidcSettingsService;
  /** Outgoing email: `enqueue` (the `mail.send` job, retried) or `send` now; only logged when no SMTP is configured. */
  mailer: Mailer;
  /** Two-factor sign-in (authenticator codes and recovery codes). */
  totpService: TotpService;
  /** Password change and reset links. */
  passwordService: PasswordService;
  widgetService: WidgetService;
  /** Asked on every plan change; the runtime replaces it with the configured billing module (`plans.billing`). */
  billing: BillingProvider;
  planService: PlanService;
  usageService: UsageService;
  /** Outgoing webhooks: endpoints, fan-out of outbox events, signed deliveries with retries. */
  webhookService: WebhookService;
  /** In-app notifications per user from outbox events (rules.ts), their email and the daily digest. */
  notificationService: NotificationService;
}

export type Infrastructure = Pick<Cradle, 'config' | 'logger' | 'orm' | 'boss' | 'kernel' | 'dns' | 'secretBox' | 'version'>;

export function buildContainer(infra: Infrastructure): AwilixContainer<Cradle> {
  const container = createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true });
  for (const [name, value] of Object.entries(infra)) container.register(name, asValue(value));
  container.register({
    jobs: asFunction(createJobQueue).singleton(),
    accessService: asFunction(createAccessService).singleton(),
    apiKeyService: asFunction(createApiKeyService).singleton(),
    auditService: asFunction(createAuditService).singleton(),
    assignmentService: asFunction(createAssignmentService).singleton(),
    credentialService: asFunction(createCredentialService).singleton(),
    dnsSetupService: asFunction(createDnsSetupService).singleton(),
    domainCheckService: asFunction(createDomainCheckService).singleton(),
    servicesService: asFunction(createServicesService).singleton(),
    mappingsService: asFunction(createMappingsService).singleton(),
    routeTable: asFunction((deps: Pick<Cradle, 'orm' | 'logger' | 'config'>) => new RouteTable(deps)).singleton(),
    onDemandLimits: asFunction((deps: Pick<Cradle, 'orm' | 'logger' | 'config'>) => new OnDemandLimits(deps)).singleton(),
    edgeService: asFunction(createEdgeService).singleton(),
    eventService: asFunction(createEventService).singleton(),
    metrics: asFunction(createMetrics).singleton(),
    certificateService: asFunction(createCertificateService).singleton(),
    domainService: asFunction(createDomainService).singleton(),
    verificationService: asFunction(createVerificationService).singleton(),
    organizationService: asFunction(createOrganizationService).singleton(),
    memberService: asFunction(createMemberService).singleton(),
    invitationService: asFunction(createInvitationService).singleton(),
    signupService: asFunction(createSignupService).singleton(),
    operatorService: asFunction(createOperatorService).singleton(),
    projectService: asFunction(createProjectService).singleton(),
    settingsService: asFunction(createSettingsService).singleton(),
    sessionService: asFunction(createSessionService).singleton(),
    oidcService: asFunction(createOidcService).singleton(),
    oidcSettingsService: asFunction(createOidcSettingsService).singleton(),
    mailer: asFunction(createMailer).singleton(),
    totpService: asFunction(createTotpService).singleton(),
    passwordService: asFunction(createPasswordService).singleton(),
    widgetService: asFunction(createWidgetService).singleton(),
    billing: asValue(NO_BILLING),
    planService: asFunction(createPlanService).singleton(),
    usageService: asFunction(createUsageService).singleton(),
    webhookService: asFunction(createWebhookService).singleton(),
    notificationService: asFunction(createNotificationService).singleton(),
  });
  return container;
}
