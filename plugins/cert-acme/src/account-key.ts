/**
 * The ACME account key, kept in a file so every start (and every process sharing the file) uses one account instead
 * of registering a new one each time. Created once, mode 0600, atomically: the key is written to a temporary file
 * and hard-linked into place, so two processes starting together never read half a key and exactly one key wins.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crypto as acmeCrypto } from 'acme-client';

const isKey = (pem: string) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem);

/** The PEM key in `path`, created (P-256) when the file does not exist. Throws when it exists and holds no key. */
export async function loadOrCreateAccountKey(path: string): Promise<string> {
  const existing = await readKey(path);
  if (existing !== undefined) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.acme-key.tmp`);
  try {
    await writeFile(temp, (await acmeCrypto.createPrivateEcdsaKey('P-256')).toString(), { flag: 'wx', mode: 0o600 });
    await link(temp, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error; // another process created it first: use theirs
    });
  } finally {
    await rm(temp, { force: true });
  }
  const created = await readKey(path);
  if (created === undefined) throw new Error(`cert.acme: the account key file "${path}" (accountKeyFile) vanished while it was created`);
  return created;
}

async function readKey(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cert.acme: cannot read the account key file "${path}" (accountKeyFile): ${(error as Error).message}`, { cause: error });
  }
  if (!isKey(text)) throw new Error(`cert.acme: the account key file "${path}" (accountKeyFile) holds no PEM private key; remove it to have a new one created`);
  return text;
}
