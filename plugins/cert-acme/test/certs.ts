import { X509Certificate } from 'node:crypto';
import { expect } from 'vitest';

/** Split a PEM chain into certificates, leaf first. */
export function chainOf(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));
}

/** The chain is leaf → intermediates → one of `roots`, each link signed by the next. */
export function expectChainVerifies(chain: X509Certificate[], rootsPem: string): void {
  const roots = chainOf(rootsPem);
  expect(chain.length).toBeGreaterThanOrEqual(2);
  for (let i = 0; i + 1 < chain.length; i++) {
    expect(chain[i].checkIssued(chain[i + 1])).toBe(true);
    expect(chain[i].verify(chain[i + 1].publicKey)).toBe(true);
  }
  const top = chain[chain.length - 1];
  expect(roots.some((root) => top.checkIssued(root) && top.verify(root.publicKey))).toBe(true);
}
