import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { ServiceDomainMapping } from '../src/modules/routing/mapping.entity.ts';
import { createMember, createOrganizationWithUser, createProject } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// Services and service domain mappings over HTTP: validation with suggestions,
// conflicts across the organization's projects (unique index as the last word), cascades, tenancy.
describe('services and domain mappings', () => {
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;
  let projectId: string;
  let serviceId: string;
  let domainId: string;

  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
  const del = (path: string) => session.agent.delete(path).set('x-csrf-token', session.csrf);
  const em = () => portico.container.cradle.orm.em.fork();

  /** A domain assigned to `project`, made verified directly (verification itself is tested elsewhere). */
  async function verifiedDomain(hostname: string, project = projectId): Promise<string> {
    const res = await post(`/v1/projects/${project}/domains`, { hostnames: [hostname] }).expect(200);
    const id = res.body.created[0]?.id ?? res.body.assigned[0]?.id;
    await em().nativeUpdate(Domain, { id }, { status: 'verified', verifiedAt: new Date() });
    return id;
  }

  beforeAll(async () => {
    portico = await startTestPortico({ plugins: [{ package: '@portico/verify-dns-txt' }] });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
    serviceId = (await post(`/v1/projects/${projectId}/services`, { name: 'web', upstreamHost: 'web.internal', upstreamPort: 3000 }).expect(201)).body.id;
    domainId = await verifiedDomain('example.test');
  });
  afterAll(async () => portico?.stop());

  it('refuses a bad port with the nearest valid one, and a duplicate service name', async () => {
    const bad = await post(`/v1/projects/${projectId}/services`, { name: 'api', upstreamHost: 'api.internal', upstreamPort: 70000 }).expect(400);
    expect(bad.body.error).toMatchObject({ code: 'ROUTING_INVALID', details: { issues: [{ field: 'upstreamPort', reason: 'out_of_range', suggestion: 65535 }] } });
    expect((await post(`/v1/projects/${projectId}/services`, { name: 'web', upstreamHost: 'x', upstreamPort: 1 }).expect(409)).body.error.code).toBe('CONFLICT');
  });

  it('maps a subdomain and base path with the defaults (internal path /, service port, strip on)', async () => {
    const res = await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, subdomain: 'API', basePath: '/v1' }).expect(201);
    expect(res.body).toMatchObject({
      host: 'api.example.test',
      basePath: '/v1',
      internalPath: '/',
      internalPort: 3000,
      stripPath: true,
      protocol: 'https',
      serviceName: 'web',
      externalUrl: 'https://api.example.test/v1',
      notice: null,
    });
    const root = await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, protocol: 'http', stripPath: true }).expect(201);
    expect(root.body).toMatchObject({ host: 'example.test', basePath: '/', stripPath: false, externalUrl: 'http://example.test/', notice: expect.stringContaining('Not recommended') });
  });

  it('explains every invalid field with a correction', async () => {
    const res = await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, subdomain: 'my app', basePath: 'v2/', internalPath: 'svc', internalPort: 0 }).expect(400);
    expect(res.body.error.code).toBe('ROUTING_INVALID');
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({ field: 'subdomain', reason: 'invalid_characters', suggestion: 'my-app' }),
      expect.objectContaining({ field: 'basePath', reason: 'missing_leading_slash', suggestion: '/v2' }),
      expect.objectContaining({ field: 'internalPath', reason: 'missing_leading_slash', suggestion: '/svc' }),
      expect.objectContaining({ field: 'internalPort', reason: 'out_of_range', suggestion: 1 }),
    ]);
  });

  it('refuses a taken host + base path, naming the holder and offering free base paths and subdomains', async () => {
    const check = await session.agent.get(`/v1/projects/${projectId}/mappings:check?domainId=${domainId}&subdomain=api&basePath=/v1`).expect(200);
    expect(check.body).toMatchObject({ available: false, host: 'api.example.test', basePath: '/v1', conflict: { serviceName: 'web', projectId } });
    expect(check.body.suggestions.basePaths).toEqual(['/v2', '/v3', '/api', '/app', '/web', '/admin', '/dashboard']);
    expect(check.body.suggestions.subdomains).toEqual(['api-2', 'app', 'www', 'portal', 'dashboard']);
    const free = await session.agent.get(`/v1/projects/${projectId}/mappings:check?domainId=${domainId}&subdomain=api&basePath=/v2`).expect(200);
    expect(free.body).toMatchObject({ available: true, conflict: null });
    const taken = await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, subdomain: 'api', basePath: '/v1' }).expect(409);
    expect(taken.body.error).toMatchObject({ code: 'MAPPING_CONFLICT', details: { conflict: { serviceName: 'web' }, suggestions: { basePaths: expect.not.arrayContaining(['/v1']) } } });
  });

  it('lets the unique index decide between two requests that race for one combination', async () => {
    const body = { serviceId, domainId, subdomain: 'race', basePath: '/x' };
    const results = await Promise.all([post(`/v1/projects/${projectId}/mappings`, body), post(`/v1/projects/${projectId}/mappings`, body)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('MAPPING_CONFLICT');
    expect(await em().count(ServiceDomainMapping, { host: 'race.example.test' })).toBe(1);
  });

  it('detects conflicts across projects, naming the holder only to those who may see it', async () => {
    const { projectId: other } = await createProject(portico, organizationId);
    await post(`/v1/projects/${other}/domains`, { hostnames: ['example.test'] }).expect(200);
    const otherService = (await post(`/v1/projects/${other}/services`, { name: 'docs', upstreamHost: 'docs.internal', upstreamPort: 8080 }).expect(201)).body.id;
    expect((await post(`/v1/projects/${other}/mappings`, { serviceId: otherService, domainId, subdomain: 'api', basePath: '/v1' }).expect(409)).body.error.details.conflict.serviceName).toBe('web');

    const member = await createMember(portico, organizationId, { role: 'project_admin', projectId: other });
    const theirs = await signIn(portico, member.email, member.password);
    const seen = await theirs.agent.get(`/v1/projects/${other}/mappings:check?domainId=${domainId}&subdomain=api&basePath=/v1`).expect(200);
    expect(seen.body.conflict).toEqual({ mappingId: null, serviceName: null, projectId: null });
  });

  it('previews a draft mapping through the kernel: external URL, internal target, stripping, an example', async () => {
    const draft = { serviceId, domainId, subdomain: 'docs', basePath: '/v2', internalPath: '/svc' };
    const res = await post(`/v1/projects/${projectId}/mappings:preview`, { ...draft, examplePath: '/users/7?x=1' }).expect(200);
    expect(res.body).toMatchObject({
      valid: true,
      externalUrl: 'https://docs.example.test/v2',
      internalUrl: 'http://web.internal:3000/svc',
      stripping: 'Path /v2 will be stripped',
      example: { outcome: 'proxy', internalUrl: 'http://web.internal:3000/svc/users/7?x=1', strippedPrefix: '/v2' },
      availability: { available: true },
    });
    const kept = await post(`/v1/projects/${projectId}/mappings:preview`, { ...draft, stripPath: false, examplePath: '/users' }).expect(200);
    expect(kept.body).toMatchObject({ stripping: 'Path preserved', example: { internalUrl: 'http://web.internal:3000/svc/v2/users' } });
    const redirect = await post(`/v1/projects/${projectId}/mappings:preview`, { ...draft, protocol: 'redirect-to-https' }).expect(200);
    expect(redirect.body.notice).toBeNull();
    const bad = await post(`/v1/projects/${projectId}/mappings:preview`, { ...draft, basePath: 'v2/' }).expect(200);
    expect(bad.body).toMatchObject({ valid: false, issues: [{ field: 'basePath', suggestion: '/v2' }] });
    const taken = await post(`/v1/projects/${projectId}/mappings:preview`, { serviceId, domainId, subdomain: 'api', basePath: '/v1' }).expect(200);
    expect(taken.body.availability).toMatchObject({ available: false, conflict: { serviceName: 'web' } });
    expect(await em().count(ServiceDomainMapping, { host: 'docs.example.test' })).toBe(0);
  });

  it('changes a mapping under the same rules: conflicts with others refused, its own combination kept', async () => {
    const mapping = (await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, subdomain: 'edit', basePath: '/a' }).expect(201)).body;
    const patch = (body: object) => session.agent.patch(`/v1/mappings/${mapping.id}`).set('x-csrf-token', session.csrf).send(body);
    expect((await patch({ basePath: '/a', protocol: 'both' }).expect(200)).body).toMatchObject({ basePath: '/a', protocol: 'both', notice: expect.stringContaining('both protocols') });
    expect((await patch({ subdomain: 'api', basePath: '/v1' }).expect(409)).body.error.code).toBe('MAPPING_CONFLICT');
    expect((await patch({ basePath: 'b/' }).expect(400)).body.error.details.issues[0]).toMatchObject({ field: 'basePath', suggestion: '/b' });
    expect((await patch({ basePath: '/b', internalPath: '/svc', stripPath: false }).expect(200)).body).toMatchObject({ host: 'edit.example.test', basePath: '/b', internalPath: '/svc', stripPath: false });
  });

  it('refuses a domain that is not verified', async () => {
    const res = await post(`/v1/projects/${projectId}/domains`, { hostnames: ['pending.test'] }).expect(200);
    const pending = res.body.created[0].id;
    expect((await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId: pending }).expect(409)).body.error.code).toBe('DOMAIN_NOT_ROUTABLE');
  });

  it('refuses a domain of the organization not assigned to the project, naming the assignment call; maps it once assigned', async () => {
    const added = await post(`/v1/organizations/${organizationId}/domains`, { hostname: 'unassigned.test' }).expect(201);
    const unassigned = added.body.id as string;
    await em().nativeUpdate(Domain, { id: unassigned }, { status: 'verified', verifiedAt: new Date() });
    const refused = await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId: unassigned }).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'DOMAIN_NOT_IN_PROJECT', details: { domainId: unassigned, hostname: 'unassigned.test', projectId } });
    expect(refused.body.error.message).toContain(`POST /v1/projects/${projectId}/domains`);
    const check = await session.agent.get(`/v1/projects/${projectId}/mappings:check?domainId=${unassigned}`).expect(409);
    expect(check.body.error.code).toBe('DOMAIN_NOT_IN_PROJECT');
    // A caller limited to another project does not learn that the domain exists.
    const { projectId: other } = await createProject(portico, organizationId);
    const member = await createMember(portico, organizationId, { role: 'project_admin', projectId: other });
    const them = await signIn(portico, member.email, member.password);
    const theirs = await them.agent.get(`/v1/projects/${other}/mappings:check?domainId=${unassigned}`);
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'NOT_FOUND']);

    await post(`/v1/projects/${projectId}/domains`, { hostnames: ['unassigned.test'] }).expect(200);
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId: unassigned }).expect(201);
  });

  it('cascades: deleting the service, unassigning the domain or deleting the domain removes its mappings', async () => {
    const temp = (await post(`/v1/projects/${projectId}/services`, { name: `temp`, upstreamHost: 't', upstreamPort: 1 }).expect(201)).body.id;
    await post(`/v1/projects/${projectId}/mappings`, { serviceId: temp, domainId, subdomain: 'temp' }).expect(201);
    await del(`/v1/services/${temp}`).expect(204);
    expect(await em().count(ServiceDomainMapping, { host: 'temp.example.test' })).toBe(0);

    const second = await verifiedDomain('second.test');
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId: second }).expect(201);
    await del(`/v1/projects/${projectId}/domains/${second}`).expect(204);
    expect(await em().count(ServiceDomainMapping, { domain: second })).toBe(0);

    const third = await verifiedDomain('third.test');
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId: third }).expect(201);
    await del(`/v1/domains/${third}?confirm=third.test`).expect(200);
    expect(await em().count(ServiceDomainMapping, { domain: third })).toBe(0);
  });

  it("keeps tenants apart: another organization's services and mappings are not found", async () => {
    const stranger = await createOrganizationWithUser(portico, { role: 'owner' });
    const them = await signIn(portico, stranger.email, stranger.password);
    const list = await them.agent.get(`/v1/projects/${projectId}/mappings`);
    expect([list.status, list.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const removal = await them.agent.delete(`/v1/services/${serviceId}`).set('x-csrf-token', them.csrf);
    expect([removal.status, removal.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const own = (await them.agent.post(`/v1/projects/${stranger.projectId}/services`).set('x-csrf-token', them.csrf).send({ name: 'x', upstreamHost: 'x', upstreamPort: 1 }).expect(201)).body.id;
    const res = await them.agent.post(`/v1/projects/${stranger.projectId}/mappings`).set('x-csrf-token', them.csrf).send({ serviceId: own, domainId });
    expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });
});
