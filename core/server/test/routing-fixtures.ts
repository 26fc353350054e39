import { Domain } from '../src/modules/domains/entity.ts';
import { OrganizationSettings } from '../src/modules/organizations/settings.entity.ts';
import { createOrganizationWithUser, sessionCaller, type Caller } from './factories.ts';
import { signIn, type TestPortico } from './helpers.ts';

/** A tenant of its own (organization, owner signed in, project) with one service, for route table tests. */
export async function routingTenant(portico: TestPortico, upstreamHost = 'web.internal') {
  const owner = await createOrganizationWithUser(portico);
  // Route table tests hold many thousands of mappings in one project: far past the default per-project limit.
  const { settingsService, orm } = portico.container.cradle;
  await settingsService.get(owner.organizationId, orm.em.fork());
  await orm.em.fork().nativeUpdate(OrganizationSettings, { organization: owner.organizationId }, { maxMappingsPerProject: 1_000_000 });
  const caller: Caller = sessionCaller(await signIn(portico, owner.email, owner.password));
  const { projectId } = owner;
  const service = await caller.post(`/v1/projects/${projectId}/services`, { name: 'web', upstreamHost, upstreamPort: 3000 });
  if (service.status !== 201) throw new Error(`routingTenant: service ${service.status} ${JSON.stringify(service.body)}`);
  const serviceId = service.body.id as string;

  /** A domain added to the project and made verified directly (verification is tested elsewhere). */
  async function verifiedDomain(hostname: string): Promise<string> {
    const res = await caller.post(`/v1/projects/${projectId}/domains`, { hostnames: [hostname] });
    const id = res.body.created?.[0]?.id as string | undefined;
    if (res.status !== 200 || id === undefined) throw new Error(`verifiedDomain ${hostname}: ${res.status} ${JSON.stringify(res.body)}`);
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id }, { status: 'verified', verifiedAt: new Date() });
    return id;
  }

  /** A mapping of `subdomain` (null: the domain itself) to `service`. */
  async function map(domainId: string, subdomain: string | null, service = serviceId): Promise<{ id: string; host: string }> {
    const res = await caller.post(`/v1/projects/${projectId}/mappings`, { serviceId: service, domainId, subdomain });
    if (res.status !== 201) throw new Error(`map ${subdomain}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; host: string };
  }

  return { caller, projectId, serviceId, verifiedDomain, map };
}

/** Copies of mapping `templateId` with hosts `<prefix><n>.<domain>` (n = 1…count), written in one statement. */
export async function cloneMapping(portico: TestPortico, templateId: string, prefix: string, count: number): Promise<void> {
  const connection = portico.container.cradle.orm.em.fork().getConnection();
  const columns: Array<{ column_name: string }> = await connection.execute(
    "select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'service_domain_mappings'",
  );
  const own: Record<string, string> = {
    id: 'gen_random_uuid()',
    subdomain: `'${prefix}' || n`,
    host: `'${prefix}' || n || '.' || t.host`,
    primary: 'false',
  };
  const names = columns.map((c) => c.column_name);
  const values = names.map((name) => own[name] ?? `t."${name}"`);
  await connection.execute(
    `insert into service_domain_mappings (${names.map((n) => `"${n}"`).join(', ')})
     select ${values.join(', ')} from service_domain_mappings t, generate_series(1, ?) n where t.id = ?`,
    [count, templateId],
  );
}
