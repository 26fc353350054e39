/**
 * `cert.acme`: Portico issues certificates itself from an ACME CA (Let's Encrypt, Pebble, a private CA), for
 * edges that need them supplied. A thin adapter over the ACME flow (client.ts): it taps `issueCert` and uses
 * whichever challenges the caller (the certificate job) offers; it never calls hooks.
 */
import { readFile } from 'node:fs/promises';
import { definePlugin, packageFacts, z } from '@portico/kernel';
import { loadOrCreateAccountKey } from './account-key.ts';
import { createAcmeIssuer } from './client.ts';

export { loadOrCreateAccountKey } from './account-key.ts';
export { createAcmeIssuer, pickChallenge } from './client.ts';
export type { AcmeIssuer, AcmeIssuerOptions, ChallengePreference, Challenges, IssuedCertificate } from './client.ts';
export { ACME_FAILURE_REASONS, AcmeIssueError, isAcmeIssueError } from './errors.ts';
export type { AcmeFailureReason, AcmeProblem } from './errors.ts';

/** Well-known directories, for the README and the console; `directoryUrl` is always set explicitly. */
export const ACME_DIRECTORIES = {
  letsencryptProduction: 'https://acme-v02.api.letsencrypt.org/directory',
  letsencryptStaging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

export const optionsSchema = z.object({
  /** The CA's ACME directory. Required: issuing from production by accident burns rate limits. */
  directoryUrl: z.url({ protocol: /^https$/, error: 'expected the https:// URL of an ACME directory, e.g. https://acme-staging-v02.api.letsencrypt.org/directory' }),
  /** Extra CA certificates (PEM) trusted for the directory's TLS (Pebble, a private CA). */
  caBundlePem: z.string().includes('-----BEGIN CERTIFICATE-----', { error: 'expected PEM certificates' }).optional(),
  /** The same, read from a file at start-up. */
  caBundleFile: z.string().min(1).optional(),
  /** Contact address registered with the ACME account (expiry and policy mail). */
  email: z.email().optional(),
  /** Name of the secret holding the account key (PEM). Set: used instead of `accountKeyFile`. */
  accountKeySecret: z.string().min(1).optional(),
  /**
   * File holding the account key (PEM), created with a fresh key (mode 0600) when missing, so the ACME account
   * survives restarts and is shared by every process that reads the file. Relative to the working directory.
   */
  accountKeyFile: z.string().min(1).default('.portico/acme-account-key.pem'),
  /** `auto`: HTTP-01 unless a hostname is a wildcard, else DNS-01. `http-01`/`dns-01`: only that one. */
  preferredChallenge: z.enum(['http-01', 'dns-01', 'auto']).default('auto'),
  /** Deadline of one issuance, from order to certificate. */
  timeoutMs: z.number().int().positive().default(120_000),
  /** Longest pause between two polls of the CA while it validates. */
  pollMaxMs: z.number().int().positive().default(2000),
});

export type AcmePluginOptions = z.input<typeof optionsSchema>;

export default definePlugin({
  id: 'cert.acme',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  async apply({ hooks, services, options }) {
    const bundles = [options.caBundlePem, options.caBundleFile && (await readBundle(options.caBundleFile))].filter(Boolean);
    let accountKeyPem: string | undefined;
    if (options.accountKeySecret) {
      accountKeyPem = await services.secrets.get(options.accountKeySecret);
      if (!accountKeyPem?.includes('PRIVATE KEY-----')) {
        throw new Error(`cert.acme: the secret "${options.accountKeySecret}" (accountKeySecret) is missing or not a PEM private key; create one with "openssl ecparam -name prime256v1 -genkey -noout"`);
      }
    } else {
      accountKeyPem = await loadOrCreateAccountKey(options.accountKeyFile);
    }
    const issuer = createAcmeIssuer({
      ...options,
      caBundlePem: bundles.length ? bundles.join('\n') : undefined,
      accountKeyPem,
      onCleanupError: (err, what) => services.logger.warn({ err, ...what }, 'cert.acme: withdrawing an ACME challenge failed'),
    });
    services.onClose(() => issuer.close());

    hooks.issueCert.tapPromise('cert.acme', async ({ hostnames, challenges, signal }) => {
      const cert = await issuer.issue({ hostnames, challenges, signal });
      services.logger.info({ hostnames, issuer: cert.issuer, notAfter: cert.notAfter.toISOString(), challenge: cert.challengeType }, 'cert.acme: certificate issued');
      return { kind: 'issued', issuer: cert.issuer, certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem, notAfter: cert.notAfter };
    });
  },
});

async function readBundle(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cert.acme: cannot read caBundleFile "${path}": ${(error as Error).message}`, { cause: error });
  }
}
