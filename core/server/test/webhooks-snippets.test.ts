import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecret, signatureHeaders } from '../src/modules/webhooks/signing.ts';
import { REPO_ROOT } from './helpers.ts';

// The verification snippets in docs/reference/webhooks.md, run as a receiver would run them, against messages
// Portico's own signing produced: a genuine one passes; a tampered body, a foreign secret and a stale timestamp fail;
// during a rotation (two signatures) the new secret alone verifies. The test reads the doc, so the two cannot drift.

const DOC = readFileSync(join(REPO_ROOT, 'docs/reference/webhooks.md'), 'utf8');

/** The code block that follows `<!-- test: <name> -->`. */
function snippet(name: string): string {
  const match = new RegExp(`<!-- test: ${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  if (!match) throw new Error(`docs/reference/webhooks.md has no block marked "test: ${name}"`);
  return match[1]!;
}

// The JavaScript snippet imports `standardwebhooks`: it runs from a folder inside the repository so it resolves.
const dir = join(REPO_ROOT, '.tmp', `webhook-snippets-${process.pid}`);
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const has = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
const runners: Record<string, { available: boolean; command: (file: string) => [string, string[]]; ext: string }> = {
  'verify-js': { available: true, ext: 'mjs', command: (file) => [process.execPath, [file]] },
  'verify-python': { available: has('python3'), ext: 'py', command: (file) => ['python3', [file]] },
  'verify-shell': { available: has('openssl') || spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0, ext: 'sh', command: (file) => ['bash', [file]] },
};

const body = JSON.stringify({ type: 'domain.verified', timestamp: new Date().toISOString(), data: { hostname: 'shop.example.com', customerRef: 'cust-42', note: 'ünïcödé' } });

function run(name: string, secret: string, headers: Record<string, string>, payload = body) {
  const runner = runners[name]!;
  const file = join(dir, `${name}.${runner.ext}`);
  writeFileSync(file, snippet(name));
  const [command, args] = runner.command(file);
  const env = { ...process.env, PORTICO_WEBHOOK_SECRET: secret, WEBHOOK_ID: headers['webhook-id'], WEBHOOK_TIMESTAMP: headers['webhook-timestamp'], WEBHOOK_SIGNATURE: headers['webhook-signature'] };
  const result = spawnSync(command, args, { input: payload, env, cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe.each(Object.keys(runners))('the webhook verification snippet %s', (name) => {
  // python3 and openssl are on every machine CI runs on (openssl comes with the test servers); elsewhere a missing
  // one skips its snippet with this reason rather than failing the suite.
  const missing = !runners[name]!.available;
  if (missing && process.env.CI === 'true') throw new Error(`${name}: its interpreter is missing on a CI machine`);
  const secret = generateSecret();
  const now = Math.floor(Date.now() / 1000);
  const id = randomUUID();

  it.skipIf(missing)('accepts a message Portico signed', () => {
    const result = run(name, secret, signatureHeaders([secret], id, now, body));
    expect(result.out).toMatch(/^valid/);
    expect(result.status).toBe(0);
  });

  it.skipIf(missing)('refuses a tampered body, a foreign secret and a stale timestamp', () => {
    const headers = signatureHeaders([secret], id, now, body);
    expect(run(name, secret, headers, body.replace('shop.example.com', 'evil.example.com')).status).not.toBe(0);
    expect(run(name, generateSecret(), headers).status).not.toBe(0);
    const stale = now - 3600;
    expect(run(name, secret, signatureHeaders([secret], id, stale, body)).status).not.toBe(0);
  });

  it.skipIf(missing)('accepts either signature during a rotation', () => {
    const next = generateSecret();
    const headers = signatureHeaders([next, secret], id, now, body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(run(name, next, headers).status).toBe(0);
    expect(run(name, secret, headers).status).toBe(0);
  });
});
