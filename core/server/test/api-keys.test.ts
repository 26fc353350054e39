import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createProject } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

type Agent = Awaited<ReturnType<typeof signIn>>['agent'];

// API keys: shown once, stored as a SHA-256, scoped, optionally bound to a project, managed from the console only.
describe('API keys', () => {
  let portico: TestPortico;
  let owner: Agent;
  let csrf: string;
  let organizationId: string;
  let demoProjectId: string;

  beforeAll(async () => {
    portico = await startTestPortico({ plugins: [{ package: '@portico/verify-dns-txt' }] });
    ({ agent: owner, csrf } = await signIn(portico, 'demo@portico.local', 'portico-demo'));
    organizationId = (await owner.get('/v1/organizations').expect(200)).body.data[0].id;
    demoProjectId = (await owner.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
  });
  afterAll(async () => portico?.stop());

  const keysUrl = () => `/v1/organizations/${organizationId}/api-keys`;
  const createKey = async (body: { name: string; scopes: string[]; projectId?: string | null }) => {
    const res = await owner.post(keysUrl()).set('x-csrf-token', csrf).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; prefix: string; secret: string; scopes: string[]; projectId: string | null; lastUsedAt: string | null };
  };
  const listKeys = async () => (await owner.get(keysUrl()).expect(200)).body.data as Array<{ id: string; lastUsedAt: string | null; revokedAt: string | null }>;
  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
  const addDomain = async (hostname: string, projectId: string | null) =>
    (await owner.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', csrf).send({ hostname, projectId }).expect(201)).body as { id: string };

  it('creates a key whose secret is shown once, works as a bearer, records its last use, and stops at revocation', async () => {
    const key = await createKey({ name: 'CI', scopes: ['domains:read', 'domains:write', 'projects:read'] });
    expect(key.secret).toMatch(/^pk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.secret.startsWith(`pk_${key.prefix}_`)).toBe(true);
    expect(key).toMatchObject({ name: 'CI', projectId: null, lastUsedAt: null, revokedAt: null });
    expect(key.scopes.sort()).toEqual(['domains:read', 'domains:write', 'projects:read']);

    // The list never shows the secret (nor its hash).
    const listRes = await owner.get(keysUrl()).expect(200);
    const listed = listRes.body.data.find((k: { id: string }) => k.id === key.id);
    expect(listed).toMatchObject({ id: key.id, prefix: key.prefix, lastUsedAt: null });
    expect(listed).not.toHaveProperty('secret');
    expect(listed).not.toHaveProperty('secretHash');
    const secretPart = key.secret.slice(`pk_${key.prefix}_`.length);
    expect(listRes.text).not.toContain(secretPart);
    expect(listRes.text).not.toContain(createHash('sha256').update(secretPart).digest('hex'));

    const used = await portico.http.get(`/v1/organizations/${organizationId}/domains`).set(bearer(key.secret));
    expect(used.status).toBe(200);
    expect(used.body.data).toEqual([]);
    const afterUse = (await listKeys()).find((k) => k.id === key.id)!;
    expect(afterUse.lastUsedAt).not.toBeNull();

    // The scheme is case-insensitive.
    expect((await portico.http.get(`/v1/organizations/${organizationId}/domains`).set('authorization', `bearer ${key.secret}`)).status).toBe(200);

    const revoked = await owner.post(`${keysUrl()}/${key.id}/revoke`).set('x-csrf-token', csrf).expect(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect(revoked.body).not.toHaveProperty('secret');
    const after = await portico.http.get(`/v1/organizations/${organizationId}/domains`).set(bearer(key.secret));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');

    for (const line of portico.logs) {
      expect(line).not.toContain(secretPart);
    }
  });

  it('answers 401 UNAUTHENTICATED for a bearer that is not a live key, even with a valid session cookie', async () => {
    const key = await createKey({ name: 'real', scopes: ['domains:read'] });
    const forged = `pk_${key.prefix}_${'A'.repeat(43)}`;
    for (const header of ['Bearer garbage', 'Bearer', 'Bearer ', `Basic ${key.secret}`, `Bearer ${forged}`, `Bearer ${key.secret}x`, `Bearer pk_zzzzzzzzzzzz_${'a'.repeat(43)}`]) {
      const res = await portico.http.get(`/v1/organizations/${organizationId}/domains`).set('authorization', header);
      expect(res.status, header).toBe(401);
      expect(res.body.error.code, header).toBe('UNAUTHENTICATED');
    }
    // A bad bearer is never silently ignored in favour of the cookie.
    const both = await owner.get(`/v1/organizations/${organizationId}/domains`).set('authorization', 'Bearer garbage');
    expect(both.status).toBe(401);
    expect(both.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 403 API_KEY_SCOPE_MISSING when the key lacks the route’s scope', async () => {
    const key = await createKey({ name: 'read projects', scopes: ['projects:read'] });
    const res = await portico.http
      .post(`/v1/organizations/${organizationId}/domains`)
      .set(bearer(key.secret))
      .send({ hostname: 'scope.example.com' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('API_KEY_SCOPE_MISSING');
    expect(res.body.error.details).toEqual({ scope: 'domains:write' });

    const read = await portico.http.get(`/v1/organizations/${organizationId}/domains`).set(bearer(key.secret));
    expect(read.status).toBe(403);
    expect(read.body.error.details).toEqual({ scope: 'domains:read' });

    const projects = await portico.http.post(`/v1/organizations/${organizationId}/projects`).set(bearer(key.secret)).send({ name: 'X', slug: 'x' });
    expect(projects.status).toBe(403);
    expect(projects.body.error.code).toBe('API_KEY_SCOPE_MISSING');

    expect((await portico.http.get(`/v1/organizations/${organizationId}/projects`).set(bearer(key.secret))).status).toBe(200);
    const domains = (await owner.get(`/v1/organizations/${organizationId}/domains`).expect(200)).body.data;
    expect(domains.map((d: { hostname: string }) => d.hostname)).not.toContain('scope.example.com');
  });

  it('cannot manage keys: the api-keys routes need a console session (401)', async () => {
    const key = await createKey({ name: 'all scopes', scopes: ['domains:read', 'domains:write', 'projects:read', 'projects:write'] });
    const victim = await createKey({ name: 'victim', scopes: ['domains:read'] });
    const calls = {
      list: () => portico.http.get(keysUrl()).set(bearer(key.secret)),
      create: () => portico.http.post(keysUrl()).set(bearer(key.secret)).send({ name: 'minted', scopes: ['domains:read'] }),
      revoke: () => portico.http.post(`${keysUrl()}/${victim.id}/revoke`).set(bearer(key.secret)),
    };
    for (const [name, call] of Object.entries(calls)) {
      const res = await call();
      expect(res.status, name).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
    const keys = await listKeys();
    expect(keys.find((k) => k.id === victim.id)!.revokedAt).toBeNull();
    expect(keys.some((k) => (k as { name?: string }).name === 'minted')).toBe(false);
  });

  it('a project-bound key reaches only its project', async () => {
    const { projectId: otherProjectId } = await createProject(portico, organizationId, 'other-app');
    const mine = await addDomain('mine.bound.example.com', demoProjectId);
    const theirs = await addDomain('theirs.bound.example.com', otherProjectId);
    const orgLevel = await addDomain('org.bound.example.com', null);

    const key = await createKey({ name: 'bound', scopes: ['domains:read', 'domains:write', 'projects:read', 'projects:write'], projectId: demoProjectId });
    expect(key.projectId).toBe(demoProjectId);
    const as = (req: ReturnType<typeof portico.http.get>) => req.set(bearer(key.secret));

    const list = await as(portico.http.get(`/v1/organizations/${organizationId}/domains`)).expect(200);
    expect(list.body.data.map((d: { id: string }) => d.id)).toEqual([mine.id]);
    expect((await as(portico.http.get(`/v1/domains/${mine.id}`))).status).toBe(200);
    for (const id of [theirs.id, orgLevel.id]) {
      for (const path of [`/v1/domains/${id}`, `/v1/domains/${id}/events`]) {
        const res = await as(portico.http.get(path));
        expect(res.status, path).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
      const verify = await portico.http.post(`/v1/domains/${id}/verify`).set(bearer(key.secret));
      expect(verify.status).toBe(404);
      expect(verify.body.error.code).toBe('NOT_FOUND');
    }

    const projects = await as(portico.http.get(`/v1/organizations/${organizationId}/projects`)).expect(200);
    expect(projects.body.data.map((p: { id: string }) => p.id)).toEqual([demoProjectId]);
    const other = await as(portico.http.get(`/v1/projects/${otherProjectId}`));
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');

    // It adds domains to its project only.
    const inProject = await portico.http.post(`/v1/organizations/${organizationId}/domains`).set(bearer(key.secret)).send({ hostname: 'new.bound.example.com', projectId: demoProjectId });
    expect(inProject.status).toBe(201);
    for (const projectId of [otherProjectId, null]) {
      const res = await portico.http.post(`/v1/organizations/${organizationId}/domains`).set(bearer(key.secret)).send({ hostname: `x${String(projectId).slice(0, 4)}.bound.example.com`, projectId });
      expect(res.status, String(projectId)).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }

    // A key bound to one project does not create organization-level projects, whatever its scopes.
    const created = await portico.http.post(`/v1/organizations/${organizationId}/projects`).set(bearer(key.secret)).send({ name: 'Escape', slug: 'escape' });
    expect(created.status).toBe(403);
    expect(created.body.error.code).toBe('FORBIDDEN');
    const slugs = (await owner.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data.map((p: { slug: string }) => p.slug);
    expect(slugs).not.toContain('escape');
  });

  it('refuses to bind a key to a project of another organization or to an unknown project (404)', async () => {
    const res = await owner.post(keysUrl()).set('x-csrf-token', csrf).send({ name: 'bad', scopes: ['domains:read'], projectId: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('validates the body: an unknown scope or no scope is 400 VALIDATION_FAILED', async () => {
    for (const body of [{ name: 'x', scopes: [] }, { name: 'x', scopes: ['admin'] }, { name: '', scopes: ['domains:read'] }, { scopes: ['domains:read'] }]) {
      const res = await owner.post(keysUrl()).set('x-csrf-token', csrf).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('lets an admin manage keys and refuses members below admin with 403 FORBIDDEN', async () => {
    const admin = await createMember(portico, organizationId, { role: 'admin' });
    const asAdmin = await signIn(portico, admin.email, admin.password);
    const made = await asAdmin.agent.post(keysUrl()).set('x-csrf-token', asAdmin.csrf).send({ name: 'by admin', scopes: ['domains:read'] });
    expect(made.status).toBe(201);

    for (const role of ['project_admin', 'project_member'] as const) {
      const member = await createMember(portico, organizationId, { role, projectId: demoProjectId });
      const { agent, csrf: token } = await signIn(portico, member.email, member.password);
      const create = await agent.post(keysUrl()).set('x-csrf-token', token).send({ name: 'nope', scopes: ['domains:read'], projectId: demoProjectId });
      expect(create.status, role).toBe(403);
      expect(create.body.error.code).toBe('FORBIDDEN');
      expect(create.body.error.details.requiredRole).toBe('admin');
      const list = await agent.get(keysUrl());
      expect(list.status, role).toBe(403);
      expect(list.body.error.code).toBe('FORBIDDEN');
      const revoke = await agent.post(`${keysUrl()}/${made.body.id}/revoke`).set('x-csrf-token', token);
      expect(revoke.status, role).toBe(403);
      expect(revoke.body.error.code).toBe('FORBIDDEN');
    }
    expect((await listKeys()).find((k) => k.id === made.body.id)!.revokedAt).toBeNull();
  });

  it('stores only the SHA-256 of the secret', async () => {
    const key = await createKey({ name: 'hashed', scopes: ['domains:read'] });
    const secretPart = key.secret.slice(`pk_${key.prefix}_`.length);
    const rows = await portico.container.cradle.orm.em
      .fork()
      .getConnection()
      .execute<{ secret_hash: string; prefix: string }[]>('select secret_hash, prefix from api_keys where id = ?', [key.id]);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row.prefix).toBe(key.prefix);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_hash).not.toBe(key.secret);
    expect(row.secret_hash).not.toContain(secretPart);
    expect(row.secret_hash).toBe(createHash('sha256').update(secretPart).digest('hex'));
    // And nowhere else in the table.
    const dump = JSON.stringify(await portico.container.cradle.orm.em.fork().getConnection().execute('select * from api_keys'));
    expect(dump).not.toContain(secretPart);
  });
});
