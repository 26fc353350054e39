import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactPrivateKeys } from './redact.ts';

const pem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const body = (key: string) => key.split('\n')[1]!;

describe('redactPrivateKeys', () => {
  it('replaces a raw PEM key block and keeps what is around it', () => {
    const key = pem();
    const out = redactPrivateKeys(`before\n${key}after`);
    expect(out).toMatch(/^before\n\[private key redacted, sha256:[0-9a-f]{12}\]\nafter$/);
    expect(out).not.toContain(body(key));
  });

  it('gives one key the same fingerprint as raw PEM, in a JSON string and in a YAML block scalar', () => {
    const key = pem();
    const raw = redactPrivateKeys(key).trim();
    const json = redactPrivateKeys(JSON.stringify({ key }, null, 2));
    const yaml = redactPrivateKeys(`tls:\n  keyFile: |\n${key.trimEnd().split('\n').map((line) => `    ${line}`).join('\n')}\n`);
    expect(json).toContain(raw);
    expect(yaml).toContain(raw);
    expect(json + yaml).not.toContain(body(key));
    expect(redactPrivateKeys(pem()).trim()).not.toBe(raw); // another key, another fingerprint
  });

  it('walks objects and arrays, leaving other values alone', () => {
    const key = pem();
    const at = new Date(0);
    const out = redactPrivateKeys({ list: [{ key, n: 1, at }], cert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', none: null });
    expect(JSON.stringify(out)).not.toContain(body(key));
    expect(out.list[0]).toMatchObject({ n: 1, at });
    expect(out.cert).toContain('BEGIN CERTIFICATE');
    expect(out.none).toBeNull();
  });

  it('redacts EC and RSA key blocks too', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(ec).toContain('BEGIN EC PRIVATE KEY');
    expect(redactPrivateKeys(ec)).not.toContain(body(ec));
  });
});
