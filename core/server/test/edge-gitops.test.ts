import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// The Istio GitOps edge and Traefik's one-file-per-project delivery driven by the server's reconcile job: tenants
// come from the database (organization and project slugs), a routing change becomes one commit naming the tenant,
// a removed mapping is pruned, and a reconcile of the same table commits nothing.
describe('tenant-split edges through the reconcile job', () => {
  let portico: TestPortico;
  let dir: string;
  let repo: string;
  let traefikDir: string;
  let session: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;
  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', timeout: 10_000 }).trim();
  const log = () => (git('rev-list', '--count', '--all') === '0' ? [] : git('log', '--format=%s').split('\n'));
  const headOrNone = () => {
    try {
      return git('rev-parse', 'HEAD');
    } catch {
      return 'none';
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-gitops-'));
    repo = join(dir, 'cluster-config');
    traefikDir = join(dir, 'traefik');
    execFileSync('git', ['init', '-q', '-b', 'main', repo], { timeout: 10_000 });
    portico = await startTestPortico({
      plugins: [
        { package: '@portico/verify-dns-txt' },
        {
          package: '@portico/edge-istio',
          options: { issuerRef: { name: 'letsencrypt' }, acmeSolver: { host: 'cm-acme-http-solver.cert-manager.svc.cluster.local', port: 8089 }, delivery: { kind: 'gitops', workTree: repo, directory: 'portico' } },
        },
        { package: '@portico/edge-traefik', options: { delivery: { kind: 'directory', path: traefikDir } } },
      ],
      edges: [
        { id: 'istio-gitops', edge: 'istio', probe: { attempts: 1 } },
        { id: 'traefik-dir', edge: 'traefik', probe: { attempts: 1 } },
      ],
    });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
  });
  afterAll(async () => {
    await portico?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** A verified domain of a project, mapped to a new service. */
  async function mapped(projectId: string, hostname: string): Promise<string> {
    const serviceId = (await post(`/v1/projects/${projectId}/services`, { name: `web-${hostname.split('.')[0]}`, upstreamHost: 'web.shop.svc.cluster.local', upstreamPort: 3000 }).expect(201)).body.id;
    const domainId = (await post(`/v1/projects/${projectId}/domains`, { hostnames: [hostname] }).expect(200)).body.created[0].id;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'verified' });
    return (await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, basePath: '/' }).expect(201)).body.id;
  }

  const settled = async () => {
    const { edgeService } = portico.container.cradle;
    return waitFor(
      async () => ({ head: headOrNone(), statuses: await edgeService.statuses() }),
      (s) => s.statuses.every((e) => e.health === 'ok'),
      80,
      100,
    );
  };

  it('writes one file per tenant, commits naming the tenant, prunes removed mappings, and commits nothing for the same table', async () => {
    const projects = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data as Array<{ id: string; slug: string }>;
    const demoApp = projects.find((p) => p.slug === 'demo-app')!;
    const docs = (await post(`/v1/organizations/${organizationId}/projects`, { name: 'Docs', slug: 'docs' }).expect(201)).body;

    await mapped(demoApp.id, 'shop.example.test');
    const docsMapping = await mapped(docs.id, 'docs.example.test');
    const istioFile = (tenant: string) => join(repo, 'portico', `${tenant}.yaml`);
    await waitFor(
      async () => existsSync(istioFile('demo.demo-app')) && existsSync(istioFile('demo.docs')) && (await readFile(istioFile('demo.docs'), 'utf8')).includes('docs.example.test'),
      (ok) => ok,
      100,
      100,
    );
    await settled();
    const shop = await readFile(istioFile('demo.demo-app'), 'utf8');
    expect(shop).toContain('kind: Certificate');
    expect(shop).toContain('shop.example.test');
    expect(shop).not.toContain('docs.example.test');
    expect(log().filter((m) => /demo\.(demo-app|docs)/.test(m)).length).toBeGreaterThanOrEqual(2);
    expect(git('status', '--porcelain')).toBe('');

    // Each edge has its own reconcile job: Traefik's may deliver the second project a moment after Istio's.
    const yamlFiles = async () => (existsSync(traefikDir) ? (await readdir(traefikDir)).filter((n) => n.endsWith('.yaml')).sort() : []);
    expect(await waitFor(yamlFiles, (names) => names.length === 2, 100, 100)).toEqual(['portico-demo.demo-app.yaml', 'portico-demo.docs.yaml']);
    expect(await readFile(join(traefikDir, 'portico-demo.docs.yaml'), 'utf8')).toContain('docs.example.test');

    // The same table again (a forced reconcile): no commit, same bytes.
    const head = headOrNone();
    const bytes = await readFile(istioFile('demo.demo-app'));
    await portico.container.cradle.edgeService.runReconcile('istio-gitops');
    expect(headOrNone()).toBe(head);
    expect((await readFile(istioFile('demo.demo-app'))).equals(bytes)).toBe(true);

    // Removing the docs mapping prunes that tenant's file (its only domain) in a commit naming it.
    await session.agent.delete(`/v1/mappings/${docsMapping}`).set('x-csrf-token', session.csrf).expect(204);
    await waitFor(async () => existsSync(istioFile('demo.docs')), (present) => !present, 100, 100);
    expect(log()[0]).toMatch(/demo\.docs/);
    expect(existsSync(istioFile('demo.demo-app'))).toBe(true);
    await waitFor(async () => readdir(traefikDir), (names) => !names.includes('portico-demo.docs.yaml'), 100, 100);
  });
});
