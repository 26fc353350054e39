/**
 * Provider credentials at rest: AES-256-GCM under named keys, so keys can rotate. A sealed value is
 * `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts); the caller's `aad` (`<organizationId>:<credentialId>`)
 * is authenticated with it, so a ciphertext copied onto another row does not open. docs/reference/secrets.md
 * tells operators how to configure and rotate keys.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SecretKey {
  /** Letters, digits, `_` and `-`, at most 32: it is written into every sealed value. */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export interface SecretKeyring {
  keys: SecretKey[];
  /** The key new values are sealed with; the others only open. */
  activeKeyId: string;
}

export interface SecretBox {
  /** Encrypts a string or a JSON-serialisable object with the active key, bound to `aad`. */
  seal(plaintext: string | object, aad: string): string;
  /** Decrypts with whichever known key sealed it. Wrong `aad` or key, tampering, a malformed value: `SECRET_UNREADABLE`. */
  open<T = unknown>(sealed: string, aad: string): T;
  /** Whether `sealed` was sealed with a key other than the active one. */
  needsRotation(sealed: string): boolean;
  /** `sealed` sealed again with the active key (unchanged when it already is). */
  reseal(sealed: string, aad: string): string;
}

export type SecretBoxErrorCode = 'SECRET_UNREADABLE' | 'SECRET_KEYS_INVALID';

/** Never carries plaintext or key material: messages name the key id, the variable or the file, nothing more. */
export class SecretBoxError extends Error {
  readonly code: SecretBoxErrorCode;

  constructor(code: SecretBoxErrorCode, message: string) {
    super(message);
    this.name = 'SecretBoxError';
    this.code = code;
  }
}

// Not PORTICO_SECRET_*: plugins read those through services.secrets, and must never see the master keys.
export const SECRET_KEYS_VARIABLE = 'PORTICO_ENCRYPTION_KEYS';
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

const unreadable = (why: string) => new SecretBoxError('SECRET_UNREADABLE', `Sealed secret cannot be opened: ${why}`);
const invalidKeys = (message: string) => new SecretBoxError('SECRET_KEYS_INVALID', message);

export function createSecretBox({ keys, activeKeyId }: SecretKeyring): SecretBox {
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    // An invalid id is not echoed: it may be a key pasted into the wrong field.
    if (!KEY_ID.test(id)) throw invalidKeys('A secret key id is invalid: use 1–32 letters, digits, "_" or "-"');
    if (byId.has(id)) throw invalidKeys(`Secret key id "${id}" is listed twice`);
    if (key.length !== KEY_BYTES) throw invalidKeys(`Secret key "${id}" is ${key.length} bytes; each key must be ${KEY_BYTES} bytes`);
    byId.set(id, Buffer.from(key));
  }
  const active = byId.get(activeKeyId);
  if (!active) {
    if (byId.size === 0) throw invalidKeys('No secret key is configured');
    throw invalidKeys(KEY_ID.test(activeKeyId) ? `The active secret key "${activeKeyId}" is not among the keys` : 'The active secret key id is invalid');
  }

  // The version and key id are authenticated too, so neither can be swapped under the ciphertext.
  const additionalData = (keyId: string, aad: string) => Buffer.from(`${VERSION}:${keyId}:${aad}`, 'utf8');

  function parse(sealed: string): { keyId: string; iv: Buffer; ciphertext: Buffer; tag: Buffer } {
    if (typeof sealed !== 'string') throw unreadable('not a string');
    const parts = sealed.split('.');
    if (parts.length !== 5) throw unreadable('not a sealed value');
    const [version, keyId, iv, ciphertext, tag] = parts;
    if (version !== VERSION) throw unreadable('unknown format version');
    if (!KEY_ID.test(keyId)) throw unreadable('invalid key id');
    return { keyId, iv: decodePart(iv, IV_BYTES), ciphertext: decodePart(ciphertext), tag: decodePart(tag, TAG_BYTES) };
  }

  function open<T>(sealed: string, aad: string): T {
    const { keyId, iv, ciphertext, tag } = parse(sealed);
    const key = byId.get(keyId);
    if (!key) throw unreadable(`key "${keyId}" is not configured`);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(keyId, aad));
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      // Node's own message is generic, but the cause is not ours to pass on.
      throw unreadable(`authentication failed with key "${keyId}" (wrong key, wrong binding, or altered)`);
    }
    return JSON.parse(plaintext.toString('utf8')) as T;
  }

  function seal(plaintext: string | object, aad: string): string {
    const json = JSON.stringify(plaintext);
    if (json === undefined) throw new TypeError('seal() takes a string or a JSON-serialisable object');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', active as Buffer, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(activeKeyId, aad));
    const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
    return [VERSION, activeKeyId, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  return {
    seal,
    open,
    needsRotation: (sealed) => parse(sealed).keyId !== activeKeyId,
    reseal(sealed, aad) {
      if (parse(sealed).keyId === activeKeyId) return sealed;
      return seal(open<string | object>(sealed, aad), aad);
    },
  };
}

/** Strict base64url: a part that does not re-encode to itself was altered (lenient decoding would ignore that). */
function decodePart(part: string, bytes?: number): Buffer {
  const buffer = Buffer.from(part, 'base64url');
  if (!BASE64URL.test(part) || buffer.toString('base64url') !== part) throw unreadable('malformed part');
  if (bytes !== undefined && buffer.length !== bytes) throw unreadable('malformed part');
  return buffer;
}

/** Standard or url-safe base64 of exactly 32 bytes, or undefined. */
function decodeKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

const KEY_HINT = `each key must be ${KEY_BYTES} bytes of base64 (openssl rand -base64 32)`;

/**
 * The keys from `PORTICO_ENCRYPTION_KEYS` (`id:base64key,…`, the first is active) or else from `keyFile`
 * (`{ "active": "k2", "keys": { "k1": "<base64>", "k2": "<base64>" } }`). Neither configured: `undefined`, and
 * the caller decides (the embedded default uses `ensureLocalKeyFile`). Errors name the variable or file and the
 * key id, never a value.
 */
export async function loadSecretKeys(env: Record<string, string | undefined>, { keyFile }: { keyFile?: string } = {}): Promise<SecretKeyring | undefined> {
  const variable = env[SECRET_KEYS_VARIABLE];
  if (variable !== undefined && variable.trim() !== '') return parseKeyList(variable);
  if (keyFile === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(keyFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw invalidKeys(`Secret key file ${keyFile} cannot be read (${code})`);
  }
  return parseKeyFile(text, keyFile);
}

function parseKeyList(value: string): SecretKeyring {
  const keys: SecretKey[] = [];
  for (const [index, entry] of value.split(',').entries()) {
    const separator = entry.indexOf(':');
    const id = separator === -1 ? '' : entry.slice(0, separator).trim();
    if (!KEY_ID.test(id)) throw invalidKeys(`${SECRET_KEYS_VARIABLE}: entry ${index + 1} is not "id:base64key" with an id of 1–32 letters, digits, "_" or "-"`);
    const key = decodeKey(entry.slice(separator + 1));
    if (!key) throw invalidKeys(`${SECRET_KEYS_VARIABLE}: key "${id}" is missing or not ${KEY_BYTES} bytes; ${KEY_HINT}`);
    keys.push({ id, key });
  }
  return checked({ keys, activeKeyId: keys[0].id }, SECRET_KEYS_VARIABLE);
}

function parseKeyFile(text: string, path: string): SecretKeyring {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input, which holds keys.
    throw invalidKeys(`Secret key file ${path} is not valid JSON`);
  }
  const { active, keys } = (data ?? {}) as { active?: unknown; keys?: unknown };
  if (typeof active !== 'string' || !keys || typeof keys !== 'object' || Array.isArray(keys)) {
    throw invalidKeys(`Secret key file ${path} must be { "active": "<id>", "keys": { "<id>": "<base64 key>" } }`);
  }
  const list: SecretKey[] = [];
  for (const [id, value] of Object.entries(keys)) {
    if (!KEY_ID.test(id)) throw invalidKeys(`Secret key file ${path}: a key id is invalid: use 1–32 letters, digits, "_" or "-"`);
    const key = typeof value === 'string' ? decodeKey(value) : undefined;
    if (!key) throw invalidKeys(`Secret key file ${path}: key "${id}" is missing or not ${KEY_BYTES} bytes; ${KEY_HINT}`);
    list.push({ id, key });
  }
  return checked({ keys: list, activeKeyId: active }, `Secret key file ${path}`);
}

/** Runs createSecretBox's checks now, so a bad configuration stops start-up naming its source. */
function checked(ring: SecretKeyring, source: string): SecretKeyring {
  try {
    createSecretBox(ring);
  } catch (error) {
    if (error instanceof SecretBoxError) throw invalidKeys(`${source}: ${error.message}`);
    throw error;
  }
  return ring;
}

/**
 * The embedded default's key file (e.g. `.portico/secret-keys.json`): read when it exists, otherwise created
 * with one fresh key `k1`, mode 0600 in a 0700 directory. Two processes starting at once agree on one key
 * (the file is created exclusively).
 */
export async function ensureLocalKeyFile(path: string): Promise<SecretKeyring & { created: boolean }> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const content = `${JSON.stringify({ active: 'k1', keys: { k1: randomBytes(KEY_BYTES).toString('base64') } }, null, 2)}\n`;
  // Written whole under a temporary name, then linked into place: link fails when the file exists, so a second
  // process never reads a half-written file nor replaces the first one's key.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let created = false;
  try {
    await writeFile(temporary, content, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
    // The umask can only narrow the mode; this makes sure of 0600.
    await chmod(temporary, 0o600);
    await link(temporary, path);
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  const ring = await loadSecretKeys({}, { keyFile: path });
  return { ...(ring as SecretKeyring), created };
}
