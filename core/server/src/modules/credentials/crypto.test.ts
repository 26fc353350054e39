import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createSecretBox, ensureLocalKeyFile, loadSecretKeys, SecretBoxError, type SecretKey } from './crypto.ts';

const k1: SecretKey = { id: 'k1', key: randomBytes(32) };
const k2: SecretKey = { id: 'k2', key: randomBytes(32) };
const AAD = 'org_1:cred_1';
const PLAINTEXT = 'pdns-api-key-4f1c2a9e77d0';
const CREDENTIAL = { apiUrl: 'https://pdns.example.com', apiKey: PLAINTEXT };

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-secrets-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function secretBoxError(fn: () => unknown): SecretBoxError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretBoxError);
    return error as SecretBoxError;
  }
  throw new Error('expected a SecretBoxError');
}

async function rejected(promise: Promise<unknown>): Promise<SecretBoxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretBoxError);
  return error as SecretBoxError;
}

/** Nothing secret in the message, the stack or anything inspect shows. */
function expectNoSecrets(error: Error, secrets: string[]) {
  const shown = `${error.message}\n${error.stack}\n${inspect(error)}`;
  for (const secret of secrets) expect(shown).not.toContain(secret);
}

describe('createSecretBox', () => {
  const box = createSecretBox({ keys: [k1], activeKeyId: 'k1' });

  it('round-trips strings and objects in the compact v1 form', () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain(PLAINTEXT);
    expect(box.open(sealed, AAD)).toBe(PLAINTEXT);
    expect(box.open(box.seal(CREDENTIAL, AAD), AAD)).toEqual(CREDENTIAL);
    expect(box.open(box.seal('', AAD), AAD)).toBe('');
    expect(box.open(box.seal('é 🙂', AAD), AAD)).toBe('é 🙂');
  });

  it('uses a fresh IV every time: the same plaintext never seals the same way', () => {
    const a = box.seal(PLAINTEXT, AAD);
    const b = box.seal(PLAINTEXT, AAD);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('binds the value to its aad: another row cannot open it', () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    for (const aad of ['org_1:cred_2', 'org_2:cred_1', '', `${AAD} `]) {
      expect(secretBoxError(() => box.open(sealed, aad)).code).toBe('SECRET_UNREADABLE');
    }
  });

  it('detects tampering with every part', () => {
    const sealed = box.seal(CREDENTIAL, AAD);
    const parts = sealed.split('.');
    const flip = (text: string, at: number) => `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    const variants: string[] = [];
    for (const index of [2, 3, 4]) {
      // First and last character of iv, ciphertext and tag (the tag's last character also carries padding bits).
      for (const at of [0, parts[index].length - 1]) variants.push(parts.map((part, i) => (i === index ? flip(part, at) : part)).join('.'));
    }
    variants.push(['v2', ...parts.slice(1)].join('.'));
    variants.push(['v1', 'k2', ...parts.slice(2)].join('.'));
    variants.push([...parts.slice(0, 4), parts[4].slice(0, 16)].join('.'));
    variants.push([...parts.slice(0, 3), `${parts[3]}AAAA`, parts[4]].join('.'));
    variants.push([...parts.slice(0, 3), parts[3].slice(0, -2), parts[4]].join('.'));
    variants.push(parts.slice(0, 4).join('.'));
    variants.push(`${sealed}.extra`);
    variants.push('');
    variants.push('not a sealed value');
    for (const variant of variants) {
      expect(variant).not.toBe(sealed);
      expect(secretBoxError(() => box.open(variant, AAD)).code, variant).toBe('SECRET_UNREADABLE');
    }
    expect(box.open(sealed, AAD)).toEqual(CREDENTIAL);
  });

  it('refuses a value sealed under the same id with another key', () => {
    const other = createSecretBox({ keys: [{ id: 'k1', key: randomBytes(32) }], activeKeyId: 'k1' });
    expect(secretBoxError(() => box.open(other.seal(PLAINTEXT, AAD), AAD)).code).toBe('SECRET_UNREADABLE');
  });

  it('rotates: old values still open under any known key, needsRotation tells which to re-seal', () => {
    const before = box.seal(CREDENTIAL, AAD);
    const rotated = createSecretBox({ keys: [k2, k1], activeKeyId: 'k2' });
    expect(rotated.open(before, AAD)).toEqual(CREDENTIAL);
    expect(rotated.needsRotation(before)).toBe(true);
    const after = rotated.reseal(before, AAD);
    expect(after.startsWith('v1.k2.')).toBe(true);
    expect(rotated.needsRotation(after)).toBe(false);
    expect(rotated.reseal(after, AAD)).toBe(after);
    expect(rotated.open(after, AAD)).toEqual(CREDENTIAL);
    // Once k1 is dropped, values still under k1 no longer open, and the error says which key is missing.
    const k2Only = createSecretBox({ keys: [k2], activeKeyId: 'k2' });
    expect(k2Only.open(after, AAD)).toEqual(CREDENTIAL);
    expect(secretBoxError(() => k2Only.open(before, AAD)).message).toContain('"k1"');
  });

  it('never puts plaintext or key material in an error', () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    const keyTexts = [k1.key.toString('base64'), k1.key.toString('base64url'), k1.key.toString('hex')];
    const errors = [
      secretBoxError(() => box.open(sealed, 'org_9:cred_9')),
      secretBoxError(() => createSecretBox({ keys: [k2], activeKeyId: 'k2' }).open(sealed, AAD)),
      secretBoxError(() => box.open(sealed.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), AAD)),
      secretBoxError(() => createSecretBox({ keys: [{ id: k1.key.toString('base64url'), key: k1.key }], activeKeyId: 'x' })),
      secretBoxError(() => createSecretBox({ keys: [{ id: 'k1', key: k1.key.subarray(0, 16) }], activeKeyId: 'k1' })),
    ];
    for (const error of errors) expectNoSecrets(error, [PLAINTEXT, ...keyTexts]);
  });

  it('refuses bad keyrings', () => {
    const invalid = (keys: SecretKey[], activeKeyId: string) => secretBoxError(() => createSecretBox({ keys, activeKeyId })).code;
    expect(invalid([], 'k1')).toBe('SECRET_KEYS_INVALID');
    expect(invalid([{ id: 'k1', key: randomBytes(16) }], 'k1')).toBe('SECRET_KEYS_INVALID');
    expect(invalid([k1, { ...k2, id: 'k1' }], 'k1')).toBe('SECRET_KEYS_INVALID');
    expect(invalid([{ ...k1, id: 'k.1' }], 'k.1')).toBe('SECRET_KEYS_INVALID');
    expect(invalid([k1], 'k2')).toBe('SECRET_KEYS_INVALID');
  });
});

describe('loadSecretKeys', () => {
  const b64 = (key: Buffer) => key.toString('base64');

  it('reads PORTICO_ENCRYPTION_KEYS: id:base64key pairs, the first active, standard or url-safe base64', async () => {
    const ring = await loadSecretKeys({ PORTICO_ENCRYPTION_KEYS: ` k2:${b64(k2.key)} , k1:${k1.key.toString('base64url')}` });
    expect(ring?.activeKeyId).toBe('k2');
    expect(ring?.keys.map((key) => key.id)).toEqual(['k2', 'k1']);
    expect(ring?.keys[0].key.equals(k2.key)).toBe(true);
    expect(ring?.keys[1].key.equals(k1.key)).toBe(true);
    const box = createSecretBox(ring!);
    expect(box.open(createSecretBox({ keys: [k1], activeKeyId: 'k1' }).seal('x', AAD), AAD)).toBe('x');
  });

  it('reads a JSON key file, and the variable wins over it', async () => {
    const file = join(tempDir(), 'keys.json');
    writeFileSync(file, JSON.stringify({ active: 'k2', keys: { k1: b64(k1.key), k2: b64(k2.key) } }));
    const ring = await loadSecretKeys({}, { keyFile: file });
    expect(ring?.activeKeyId).toBe('k2');
    expect(ring?.keys.map((key) => key.id).sort()).toEqual(['k1', 'k2']);
    expect((await loadSecretKeys({ PORTICO_ENCRYPTION_KEYS: `k9:${b64(k1.key)}` }, { keyFile: file }))?.activeKeyId).toBe('k9');
  });

  it('returns undefined when nothing is configured', async () => {
    expect(await loadSecretKeys({})).toBeUndefined();
    expect(await loadSecretKeys({ PORTICO_ENCRYPTION_KEYS: '  ' })).toBeUndefined();
  });

  it('names the variable and the key, never the value, when a key is short or malformed', async () => {
    const short = randomBytes(16).toString('base64');
    const good = b64(k1.key);
    for (const value of [`k1:${short}`, `k1:${good},k2:${short}`, 'k1:', `${good}`, `k1:${good}!!`, `k1:${good},k1:${good}`, `bad id:${good}`]) {
      const error = await rejected(loadSecretKeys({ PORTICO_ENCRYPTION_KEYS: value }));
      expect(error.code).toBe('SECRET_KEYS_INVALID');
      expect(error.message).toContain('PORTICO_ENCRYPTION_KEYS');
      expectNoSecrets(error, [short, good, value]);
    }
  });

  it('names the file, never its content, when the key file is wrong', async () => {
    const dir = tempDir();
    const good = b64(k1.key);
    const cases = {
      'not-json.json': `{ "active": "k1", "keys": { "k1": "${good}" `,
      'unquoted.json': `{"active":"k1","keys":{"k1":${good}}}`,
      'shape.json': JSON.stringify({ keys: { k1: good } }),
      'short.json': JSON.stringify({ active: 'k1', keys: { k1: good.slice(0, 20) } }),
      'inactive.json': JSON.stringify({ active: 'k3', keys: { k1: good } }),
      'swapped.json': JSON.stringify({ active: 'k1', keys: { [good]: 'k1' } }),
    };
    for (const [name, content] of Object.entries(cases)) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const error = await rejected(loadSecretKeys({}, { keyFile: file }));
      expect(error.code, name).toBe('SECRET_KEYS_INVALID');
      expect(error.message, name).toContain(file);
      // JSON.parse's own message would quote a few characters around the error: not even those.
      expectNoSecrets(error, [good.slice(0, 8)]);
    }
    const missing = await rejected(loadSecretKeys({}, { keyFile: join(dir, 'missing.json') }));
    expect(missing.message).toContain('ENOENT');
  });
});

describe('ensureLocalKeyFile', () => {
  it('creates a 0600 file with one fresh 32-byte key, and reads it back on the next start', async () => {
    const path = join(tempDir(), '.portico', 'secret-keys.json');
    const first = await ensureLocalKeyFile(path);
    expect(first.created).toBe(true);
    expect(first.activeKeyId).toBe('k1');
    expect(first.keys).toHaveLength(1);
    expect(first.keys[0].key).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ active: 'k1', keys: { k1: first.keys[0].key.toString('base64') } });

    const second = await ensureLocalKeyFile(path);
    expect(second.created).toBe(false);
    expect(second.keys[0].key.equals(first.keys[0].key)).toBe(true);
    const sealed = createSecretBox(first).seal(CREDENTIAL, AAD);
    expect(createSecretBox(second).open(sealed, AAD)).toEqual(CREDENTIAL);
  });

  it('gives concurrent starts one and the same key, and leaves no temporary file', async () => {
    const dir = tempDir();
    const path = join(dir, 'secret-keys.json');
    const rings = await Promise.all([1, 2, 3, 4].map(() => ensureLocalKeyFile(path)));
    expect(rings.filter((ring) => ring.created)).toHaveLength(1);
    for (const ring of rings) expect(ring.keys[0].key.equals(rings[0].keys[0].key)).toBe(true);
    expect(readdirSync(dir)).toEqual(['secret-keys.json']);
  });
});
