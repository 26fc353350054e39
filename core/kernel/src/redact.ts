/**
 * Private keys never leave a dry run: `redactPrivateKeys` replaces every PEM private key block in a text (or in
 * every string of a JSON-like value) with a placeholder naming a fingerprint of the key, so a preview still shows
 * that a key changed (the fingerprint differs) without showing the key. The block is found whatever it is wrapped
 * in: raw PEM, a JSON string (`\n` escapes) or an indented YAML block scalar, and the same key gets the same
 * fingerprint in each. Redact both sides of a comparison the same way (text against text, or value against value)
 * before diffing: a diff of unredacted texts can show part of a key in its context lines.
 */
import { createHash } from 'node:crypto';

const BLOCK = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;

/** The placeholder a key block becomes: `[private key redacted, sha256:1a2b3c4d5e6f]`. */
function placeholder(block: string): string {
  const body = block.replace(/\\[nr]/g, '').replace(/[\s"'|>-]/g, '');
  return `[private key redacted, sha256:${createHash('sha256').update(body).digest('hex').slice(0, 12)}]`;
}

export function redactPrivateKeys<T>(value: T): T {
  if (typeof value === 'string') return value.replace(BLOCK, placeholder) as T;
  if (Array.isArray(value)) return value.map((item) => redactPrivateKeys(item)) as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, redactPrivateKeys(child)])) as T;
}
