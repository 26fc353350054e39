import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

/** `<reason> "<JSON string>"` lines of the bad-hostname corpus (comments start with #). */
function badHostnames(): Array<{ reason: string; input: string }> {
  return readFileSync(new URL('./fixtures/bad-hostnames.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)\s+("(?:[^"\\]|\\.)*")$/.exec(line);
      if (!match) throw new Error(`bad-hostnames.txt: cannot read line ${JSON.stringify(line)}`);
      return { reason: match[1]!, input: JSON.parse(match[2]!) as string };
    });
}

// Every hostname of the corpus, sent to the API the way a client would: refused, and nothing written.
describe('POST /v1/organizations/:org/domains with bad hostnames', () => {
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;
  const corpus = badHostnames();

  beforeAll(async () => {
    portico = await startTestPortico({ plugins: [{ package: '@portico/verify-dns-txt' }] });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
  });
  afterAll(async () => portico?.stop());

  it('reads the whole corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
  });

  it('answers 400 HOSTNAME_INVALID with the corpus reason for every entry', async () => {
    const answers: Array<{ input: string; status: number; code: string; reason?: string }> = [];
    for (const { input } of corpus) {
      const res = await session.agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', session.csrf).send({ hostname: input });
      answers.push({ input, status: res.status, code: res.body.error?.code, reason: res.body.error?.details?.reason });
    }
    const expected = corpus.map(({ input, reason }) =>
      // The request schema refuses the empty string before the normaliser sees it, and every route refuses a NUL
      // byte in any string before its handler runs.
      input === '' || input.includes('\u0000')
        ? { input, status: 400, code: 'VALIDATION_FAILED', reason: undefined }
        : { input, status: 400, code: 'HOSTNAME_INVALID', reason },
    );
    expect(answers).toEqual(expected);
  });

  it('created nothing', async () => {
    const list = await session.agent.get(`/v1/organizations/${organizationId}/domains`).expect(200);
    expect(list.body.data).toEqual([]);
    expect(await portico.container.cradle.orm.em.fork().count(Domain, {})).toBe(0);
  });
});
