import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DnsProviderError, type Kernel } from '@portico/kernel';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { requireProject, requireRole, type Access, type AccessService } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import type { SecretBox } from './crypto.ts';
import { DnsCredential } from './entity.ts';

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  secretBox: SecretBox;
  accessService: AccessService;
}

/** Whether a caller may use a credential: a widget session only the SaaS's own (no customer) or its own customer's. */
export function customerMayUse(principal: Principal, credential: { customerRef?: string | null }): boolean {
  return principal.kind !== 'widget' || credential.customerRef == null || credential.customerRef === principal.customerRef;
}

const aadOf = (credential: { id: string; organization: { id: string } }) => `${credential.organization.id}:${credential.id}`;

/** Every string in a credential, so a provider's message that echoes one can be scrubbed before anyone sees it. */
function secretStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= 4) out.push(value);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) secretStrings(item, out);
  return out;
}

export function scrub(message: string, credentials: unknown): string {
  return secretStrings(credentials).reduce((text, secret) => text.replaceAll(secret, '[redacted]'), message);
}

/**
 * A provider failure as the API reports it: a refused credential is DNS_CREDENTIAL_REJECTED (422), anything
 * else DNS_PROVIDER_FAILED (502) with the kind, so a client knows whether retrying helps. Messages are scrubbed
 * of the credential's values whatever the plugin put in them.
 */
export function providerFailure(error: unknown, credentials: unknown, displayName: string): unknown {
  if (!(error instanceof DnsProviderError)) return error;
  const message = scrub(error.message, credentials);
  const details = { kind: error.kind, ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }) };
  if (error.kind === 'auth' || error.kind === 'permission') {
    return new AppError('DNS_CREDENTIAL_REJECTED', `${displayName} refused the credential (${error.kind}): ${message}`, details);
  }
  return new AppError('DNS_PROVIDER_FAILED', `${displayName} failed (${error.kind}): ${message}`, details);
}

/**
 * Delegated provider credentials: verified with the provider before they are stored, sealed at
 * rest, never returned, never logged. Jobs carry a credential's id and open it when they run.
 */
export function createCredentialService({ orm, kernel, secretBox, accessService }: Deps) {
  async function projectOf(access: Access, projectId: string, em: EntityManager = orm.em): Promise<Project> {
    requireProject(access, projectId, 'Project');
    const project = await em.findOne(Project, { id: projectId, organization: access.organizationId });
    if (!project) throw notFound('Project');
    return project;
  }

  /** Verify a credential with its provider, then seal and store it in `project`; nothing is stored when refused. */
  async function store(access: Access, project: Project, input: { provider: string; label: string; credentials: Record<string, unknown> }, customerRef: string | null): Promise<DnsCredential> {
    const handle = kernel.dns(input.provider);
    const parsed = handle.parseCredentials(input.credentials);
    let verified: { zones?: string[] };
    try {
      verified = await handle.verifyCredentials(parsed);
    } catch (error) {
      throw providerFailure(error, parsed, handle.descriptor.displayName);
    }
    const em = orm.em.fork();
    const id = randomUUID();
    const credential = em.create(DnsCredential, {
      id,
      organization: em.getReference(Organization, access.organizationId),
      project: em.getReference(Project, project.id),
      provider: input.provider,
      label: input.label,
      customerRef,
      sealed: secretBox.seal(parsed as object, `${access.organizationId}:${id}`),
      zones: verified.zones?.map((z) => z.toLowerCase()) ?? null,
      verifiedAt: new Date(),
    });
    await em.flush();
    return credential;
  }

  return {
    async create(access: Access, projectId: string, input: { provider: string; label: string; credentials: Record<string, unknown> }): Promise<DnsCredential> {
      const project = await projectOf(access, projectId);
      requireRole(access, 'project_admin', project.id);
      return store(access, project, input, null);
    },

    /**
     * A credential the SaaS's customer hands over in the Connect widget: an API provider's credential only (consent-based
     * providers need none), verified and sealed like any other, bound to the customer's reference and labelled so the
     * SaaS's team can tell it apart. Without a customer reference it would be shared with every customer, so it is refused.
     */
    async createForCustomer(access: Access, projectId: string, input: { provider: string; credentials: Record<string, unknown> }, customerRef: string | null): Promise<DnsCredential> {
      const project = await projectOf(access, projectId);
      requireRole(access, 'project_admin', project.id);
      if (!customerRef) {
        throw new AppError('WIDGET_CUSTOMER_REQUIRED', 'This widget session has no customer reference, so a DNS credential stored through it would be shared; issue the widget token with customerRef.');
      }
      // DNS_PROVIDER_UNKNOWN, or DNS_PROVIDER_NO_API for a consent-based provider (it needs no credential).
      const descriptor = kernel.dns(input.provider).descriptor;
      return store(access, project, { provider: input.provider, label: `${descriptor.displayName} (connected by customer)`.slice(0, 120), credentials: input.credentials }, customerRef);
    },

    async list(access: Access, projectId: string): Promise<DnsCredential[]> {
      const project = await projectOf(access, projectId);
      requireRole(access, 'project_member', project.id);
      return orm.em.fork().find(DnsCredential, { project: project.id }, { orderBy: { createdAt: 'asc' } });
    },

    /** The caller's access to the organization a credential belongs to; NOT_FOUND for anyone outside it. */
    async accessFor(principal: Principal, credentialId: string): Promise<Access> {
      const credential = await orm.em.fork().findOne(DnsCredential, { id: credentialId });
      if (!credential) throw notFound('DNS credential');
      return accessService.forOrganization(principal, credential.organization.id).catch(() => {
        throw notFound('DNS credential');
      });
    },

    /**
     * One credential within the caller's reach; NOT_FOUND otherwise (other tenants' ids included). A widget session
     * reaches the SaaS's own credentials and its customer's, never another customer's.
     */
    async get(access: Access, credentialId: string, em: EntityManager = orm.em.fork()): Promise<DnsCredential> {
      const credential = await em.findOne(DnsCredential, { id: credentialId, organization: access.organizationId });
      if (!credential) throw notFound('DNS credential');
      requireProject(access, credential.project.id, 'DNS credential');
      if (!customerMayUse(access.principal, credential)) throw notFound('DNS credential');
      return credential;
    },

    async remove(access: Access, credentialId: string): Promise<void> {
      const em = orm.em.fork();
      const credential = await this.get(access, credentialId, em);
      requireRole(access, 'project_admin', credential.project.id);
      em.remove(credential);
      await em.flush();
    },

    /** The decrypted credential, for a job or a plan; never to be logged or returned. */
    async open(credentialId: string): Promise<{ credential: DnsCredential; secret: unknown }> {
      const em = orm.em.fork();
      const credential = await em.findOne(DnsCredential, { id: credentialId }, { populate: ['sealed'] });
      if (!credential) throw notFound('DNS credential');
      const secret = secretBox.open(credential.sealed as string, aadOf(credential));
      credential.lastUsedAt = new Date();
      await em.flush();
      return { credential, secret };
    },
  };
}
export type CredentialService = ReturnType<typeof createCredentialService>;
