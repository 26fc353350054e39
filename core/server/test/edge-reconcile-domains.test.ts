import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { startTestPortico, waitFor, type TestPortico } from './helpers.ts';
import { routingTenant } from './routing-fixtures.ts';

// What a reconcile does to domains: those its delivery carried move on to `deploying`; a routed domain whose last
// mapping is gone goes back to `verified`, and one that still has a mapping keeps its status. Each delivery after
// the first carries only what changed (a change set), and the edge still ends with every route.
describe('edge reconcile and domain status', () => {
  let portico: TestPortico;
  let dir: string;
  const file = () => join(dir, 'portico.yaml');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-reconcile-domains-'));
    portico = await startTestPortico({
      plugins: [{ package: '@portico/verify-dns-txt' }, { package: '@portico/edge-traefik', options: { delivery: { kind: 'file', path: join(dir, 'portico.yaml') } } }],
      edges: [{ id: 'traefik', edge: 'traefik' }],
    });
  });
  afterAll(async () => {
    await portico?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('moves carried domains to deploying, and a live domain left without mappings back to verified', async () => {
    const { edgeService, routeTable, orm } = portico.container.cradle;
    const tenant = await routingTenant(portico);
    const kept = await tenant.verifiedDomain('kept.test');
    const dropped = await tenant.verifiedDomain('dropped.test');
    await tenant.map(kept, null);
    const mapping = await tenant.map(dropped, null);
    // The table learns of a commit by its NOTIFY, which may not have arrived yet: wait until it holds both hosts.
    const held = (host: string) => routeTable.routesFor(host).length > 0;
    expect(await waitFor(async () => held('kept.test') && held('dropped.test'), Boolean)).toBe(true);
    await routeTable.settled();
    await edgeService.runReconcile('traefik');
    const status = async (id: string) => (await orm.em.fork().findOneOrFail(Domain, { id })).status;
    expect([await status(kept), await status(dropped)]).toEqual(['deploying', 'deploying']);
    await orm.em.fork().nativeUpdate(Domain, { id: { $in: [kept, dropped] } }, { status: 'live' });

    expect((await tenant.caller.delete(`/v1/mappings/${mapping.id}`)).status).toBe(204);
    expect(await waitFor(async () => held('dropped.test'), (v) => !v)).toBe(false);
    await routeTable.settled();
    await edgeService.runReconcile('traefik');
    expect([await status(kept), await status(dropped)]).toEqual(['live', 'verified']);
    const text = await readFile(file(), 'utf8');
    expect(text).toContain('Host(`kept.test`)');
    expect(text).not.toContain('Host(`dropped.test`)');
  });
});
