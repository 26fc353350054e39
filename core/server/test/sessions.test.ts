import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwner } from '../src/modules/users/owner.ts';
import { startTestPortico, type TestPortico } from './helpers.ts';

const EMAIL = 'demo@portico.local';
const PASSWORD = 'portico-demo';

// The session list: each browser's session with where it signed in from, revoking one, and revoking the others.
describe('sessions: list and revoke', () => {
  let portico: TestPortico;

  beforeAll(async () => {
    portico = await startTestPortico({ login: { attemptsPerAccount: 50 } });
    await createOwner(portico.container.cradle.orm, { email: 'stranger@example.test', password: 'stranger-password', organization: 'Elsewhere' });
  });
  afterAll(async () => portico?.stop());

  async function browser(userAgent: string, email = EMAIL, password = PASSWORD) {
    const agent = supertest.agent(portico.app!.callback());
    const res = await agent.post('/v1/auth/login').set('user-agent', userAgent).send({ email, password }).expect(200);
    return { agent, csrf: res.body.csrfToken as string };
  }

  it('lists the user’s sessions with the current one marked, its address and browser', async () => {
    const laptop = await browser('Laptop/1.0');
    await browser('Phone/2.0');
    const res = await laptop.agent.get('/v1/auth/sessions').expect(200);
    const agents = res.body.data.map((s: { userAgent: string }) => s.userAgent);
    expect(agents).toEqual(expect.arrayContaining(['Laptop/1.0', 'Phone/2.0']));
    const current = res.body.data.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ userAgent: 'Laptop/1.0', ip: expect.stringContaining('127.0.0.1') });
    expect(current[0].lastSeenAt).not.toBeNull();
    expect(JSON.stringify(res.body)).not.toMatch(/token/i);
  });

  it('revokes one of the user’s own sessions; another user’s session or an unknown id is 404', async () => {
    const laptop = await browser('Laptop/1.0');
    const phone = await browser('Phone/2.0');
    const stranger = await browser('Stranger/1.0', 'stranger@example.test', 'stranger-password');
    const phoneId = (await phone.agent.get('/v1/auth/sessions').expect(200)).body.data.find((s: { current: boolean }) => s.current).id;
    const strangerId = (await stranger.agent.get('/v1/auth/sessions').expect(200)).body.data[0].id;

    const foreign = await laptop.agent.delete(`/v1/auth/sessions/${strangerId}`).set('x-csrf-token', laptop.csrf);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    await stranger.agent.get('/v1/auth/session').expect(200);
    await laptop.agent.delete('/v1/auth/sessions/00000000-0000-4000-8000-000000000000').set('x-csrf-token', laptop.csrf).expect(404);
    await laptop.agent.delete('/v1/auth/sessions/not-a-uuid').set('x-csrf-token', laptop.csrf).expect(400);

    await laptop.agent.delete(`/v1/auth/sessions/${phoneId}`).set('x-csrf-token', laptop.csrf).expect(204);
    await phone.agent.get('/v1/auth/session').expect(401);
    await laptop.agent.get('/v1/auth/session').expect(200);
  });

  it('revokes every other session and keeps this one', async () => {
    const laptop = await browser('Laptop/1.0');
    const phone = await browser('Phone/2.0');
    const res = await laptop.agent.post('/v1/auth/sessions/revoke-others').set('x-csrf-token', laptop.csrf).expect(200);
    expect(res.body.sessionsEnded).toBeGreaterThanOrEqual(1);
    await phone.agent.get('/v1/auth/session').expect(401);
    const left = (await laptop.agent.get('/v1/auth/sessions').expect(200)).body.data;
    expect(left).toHaveLength(1);
    expect(left[0].current).toBe(true);
  });

  it('refuses API keys: the session routes need a console session', async () => {
    await portico.http.get('/v1/auth/sessions').expect(401);
  });
});
