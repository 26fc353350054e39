import { afterAll, describe, expect, it } from 'vitest';
import { createOrganizationWithUser } from './factories.ts';
import { startTestPortico, type TestPortico } from './helpers.ts';

// The sign-in page learns from a public route whether the installation has no account yet (then it shows the CLI
// command that makes the first owner) and the sign-up setting; the route tells nothing else.
describe('GET /v1/auth/setup', () => {
  const running: TestPortico[] = [];
  afterAll(async () => {
    for (const p of running) await p.stop();
  });

  it('says needsOwner until the first account exists, and nothing but that and the sign-up setting', async () => {
    const portico = await startTestPortico({ seedDemo: false });
    running.push(portico);
    const empty = await portico.http.get('/v1/auth/setup').expect(200);
    expect(empty.body).toEqual({ needsOwner: true, signup: 'invite-only' });

    await createOrganizationWithUser(portico, { role: 'owner' });
    const after = await portico.http.get('/v1/auth/setup').expect(200);
    expect(after.body).toEqual({ needsOwner: false, signup: 'invite-only' });
  });

  it('reports the sign-up setting (open, closed)', async () => {
    const open = await startTestPortico({ accounts: { signup: 'open' } });
    running.push(open);
    expect((await open.http.get('/v1/auth/setup').expect(200)).body).toEqual({ needsOwner: false, signup: 'open' });
    const closed = await startTestPortico({ accounts: { signup: 'closed' } });
    running.push(closed);
    expect((await closed.http.get('/v1/auth/setup').expect(200)).body).toEqual({ needsOwner: false, signup: 'closed' });
  });
});
