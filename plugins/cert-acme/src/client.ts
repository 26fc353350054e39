/**
 * Portico's ACME flow over acme-client: account, order, one challenge per authorization presented through the
 * caller's callbacks, validation, finalization with a fresh key and CSR, the PEM chain. Knows nothing of the
 * kernel beyond its types.
 */
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, crypto as acmeCrypto, type Authorization, type Order } from 'acme-client';
import type { IssueCertInput } from '@portico/kernel';
import { AcmeIssueError, fromProblem, fromTransport, type ChallengeContext } from './errors.ts';
import { probeDirectory, withTransport, type TransportContext } from './transport.ts';

export type ChallengePreference = 'http-01' | 'dns-01' | 'auto';
export type Challenges = NonNullable<IssueCertInput['challenges']>;

export interface AcmeIssuerOptions {
  directoryUrl: string;
  /** Extra CA certificates (PEM) trusted for the directory's TLS, on top of Node's roots (Pebble, a private CA). */
  caBundlePem?: string;
  /** The account key (PEM); generated once per issuer when absent. */
  accountKeyPem?: string;
  email?: string;
  preferredChallenge?: ChallengePreference;
  /** Deadline of one issuance, from order to certificate. */
  timeoutMs?: number;
  /** Longest pause between two polls of an authorization or order. */
  pollMaxMs?: number;
  /** Called when a cleanup callback fails (the issuance result stands). */
  onCleanupError?: (error: unknown, what: { type: string; hostname: string }) => void;
}

export interface IssuedCertificate {
  /** The leaf first, then the intermediates. */
  certificatePem: string;
  privateKeyPem: string;
  notAfter: Date;
  /** The leaf's issuer common name (`Pebble Intermediate CA 1a2b3c`, `R11`). */
  issuer: string;
  challengeType: 'http-01' | 'dns-01';
}

interface Presented {
  authz: Authorization;
  challenge: Authorization['challenges'][number];
  context: ChallengeContext;
}

export interface AcmeIssuer {
  issue(input: { hostnames: string[]; challenges?: Challenges; signal?: AbortSignal }): Promise<IssuedCertificate>;
  /** The account URL once registered. */
  accountUrl(): string | undefined;
  close(): void;
}

export function createAcmeIssuer(options: AcmeIssuerOptions): AcmeIssuer {
  const { directoryUrl, email, preferredChallenge = 'auto', timeoutMs = 120_000, pollMaxMs = 2000 } = options;
  const agent = options.caBundlePem ? new Agent({ ca: [...rootCertificates, options.caBundlePem] }) : undefined;
  let account: Promise<Client> | undefined;
  let registeredUrl: string | undefined;

  const client = () =>
    (account ??= (async () => {
      const accountKey = options.accountKeyPem ?? (await acmeCrypto.createPrivateEcdsaKey('P-256'));
      const acme = new Client({ directoryUrl, accountKey });
      try {
        await acme.createAccount({ termsOfServiceAgreed: true, ...(email ? { contact: [`mailto:${email}`] } : {}) });
      } catch (error) {
        // A known key: the CA answers 200 with the account URL, and acme-client's follow-up update can be refused
        // as empty (Pebble). The account exists and is usable; only a failure without an account URL counts.
        if (!hasAccountUrl(acme)) throw error;
      }
      registeredUrl = acme.getAccountUrl();
      return acme;
    })().catch((error: unknown) => {
      account = undefined;
      throw error;
    }));

  async function issue({ hostnames, challenges = {}, signal }: Parameters<AcmeIssuer['issue']>[0]): Promise<IssuedCertificate> {
    if (hostnames.length === 0) throw new AcmeIssueError('rejected_identifier', 'No hostnames to issue a certificate for');
    const type = pickChallenge(hostnames, challenges, preferredChallenge);
    const deadline = AbortSignal.timeout(timeoutMs);
    const context: TransportContext = { agent, signal: signal ? AbortSignal.any([signal, deadline]) : deadline, requestTimeoutMs: Math.min(timeoutMs, 30_000) };
    const cleanups: Array<() => Promise<void>> = [];
    try {
      return await withTransport(context, async () => {
        if (!account) await probeDirectory(directoryUrl, agent, context.requestTimeoutMs, context.signal);
        const acme = await client();
        const order = await acme.createOrder({ identifiers: hostnames.map((value) => ({ type: 'dns', value })) });
        const pending: Presented[] = [];
        for (const authz of await acme.getAuthorizations(order)) {
          if (authz.status === 'valid') continue;
          const presented = await present(acme, authz, type, challenges, cleanups);
          pending.push(presented);
          context.signal.throwIfAborted();
        }
        for (const { challenge } of pending) await acme.completeChallenge(challenge);
        await pollAuthorizations(acme, order, pending, context.signal, pollMaxMs);

        const privateKey = await acmeCrypto.createPrivateEcdsaKey('P-256');
        const commonName = hostnames.find((name) => name.length <= 64);
        const [, csr] = await acmeCrypto.createCsr({ commonName, altNames: hostnames }, privateKey);
        const finalized = await pollOrder(acme, await acme.finalizeOrder(order, csr), context.signal, pollMaxMs);
        const certificatePem = await acme.getCertificate(finalized);
        const info = acmeCrypto.readCertificateInfo(certificatePem);
        return { certificatePem, privateKeyPem: privateKey.toString(), notAfter: info.notAfter, issuer: info.issuer.commonName, challengeType: type };
      });
    } catch (error) {
      throw toIssueError(error, context, directoryUrl, signal, timeoutMs, hostnames);
    } finally {
      // Every presented challenge is withdrawn, whatever happened; one failing cleanup does not hide the others.
      for (const cleanup of cleanups.reverse()) await cleanup();
    }

    async function present(acme: Client, authz: Authorization, wanted: 'http-01' | 'dns-01', offered: Challenges, registry: typeof cleanups): Promise<Presented> {
      const base = authz.identifier.value;
      const hostname = authz.wildcard ? `*.${base}` : base;
      const challenge = authz.challenges.find((c) => c.type === wanted);
      if (!challenge) {
        const types = authz.challenges.map((c) => c.type).join(', ');
        throw new AcmeIssueError('no_challenge', `The CA offers ${types || 'no challenges'} for ${hostname}, not ${wanted}`, { hostname });
      }
      const keyAuthorization = await acme.getChallengeKeyAuthorization(challenge);
      const guard = (what: string, fn: () => Promise<void>) => async () => {
        try {
          await fn();
        } catch (error) {
          options.onCleanupError?.(error, { type: what, hostname });
        }
      };
      if (wanted === 'http-01') {
        const http = offered.http!;
        const { token } = challenge as { token: string };
        registry.push(guard(wanted, () => http.cleanup({ hostname, token })));
        await http.present({ hostname, token, keyAuthorization });
        return { authz, challenge, context: { hostname, type: wanted, where: `http://${base}/.well-known/acme-challenge/${token}` } };
      }
      const dns = offered.dns!;
      const record = { hostname, name: `_acme-challenge.${base}`, value: keyAuthorization };
      registry.push(guard(wanted, () => dns.cleanup(record)));
      await dns.present(record);
      return { authz, challenge, context: { hostname, type: wanted, where: record.name } };
    }
  }

  return { issue, accountUrl: () => registeredUrl, close: () => agent?.destroy() };
}

/** HTTP-01 when offered and no hostname is a wildcard, else DNS-01 when offered; `preferredChallenge` narrows it. */
export function pickChallenge(hostnames: string[], challenges: Challenges, preference: ChallengePreference): 'http-01' | 'dns-01' {
  const wildcard = hostnames.find((name) => name.startsWith('*.'));
  const http = challenges.http !== undefined && wildcard === undefined && preference !== 'dns-01';
  if (http) return 'http-01';
  if (challenges.dns !== undefined && preference !== 'http-01') return 'dns-01';
  const offered = Object.keys(challenges).filter((k) => k === 'http' || k === 'dns');
  const why = wildcard
    ? `${wildcard} is a wildcard, which needs DNS-01`
    : preference === 'auto'
      ? 'no challenge can be presented'
      : `preferredChallenge is ${preference}`;
  throw new AcmeIssueError('no_challenge', `Cannot issue for ${hostnames.join(', ')}: ${why}, and the caller offered ${offered.length ? offered.join(' and ') : 'no challenges'} (a DNS provider must be connected for DNS-01)`, { hostname: wildcard ?? hostnames[0] });
}

async function pollAuthorizations(acme: Client, order: Order, pending: Presented[], signal: AbortSignal, maxDelay: number): Promise<void> {
  for (let delay = 100; ; delay = Math.min(delay * 2, maxDelay)) {
    const current = await acme.getAuthorizations(order);
    const byUrl = new Map(current.map((authz) => [authz.url, authz]));
    let done = true;
    for (const { authz, challenge, context } of pending) {
      const now = byUrl.get(authz.url);
      const failed = now?.challenges.find((c) => c.url === challenge.url && c.status === 'invalid');
      if (failed || now?.status === 'invalid') throw fromProblem((failed as { error?: object } | undefined)?.error ?? {}, { challenge: context });
      if (now?.status !== 'valid') done = false;
    }
    if (done) return;
    await sleep(delay, undefined, { signal });
  }
}

async function pollOrder(acme: Client, order: Order, signal: AbortSignal, maxDelay: number): Promise<Order> {
  for (let delay = 100, current = order; ; delay = Math.min(delay * 2, maxDelay)) {
    if (current.status === 'valid') return current;
    if (current.status === 'invalid') throw fromProblem((current as { error?: object }).error ?? {}, {});
    await sleep(delay, undefined, { signal });
    current = await acme.getOrder(current);
  }
}

function hasAccountUrl(acme: Client): boolean {
  try {
    return Boolean(acme.getAccountUrl());
  } catch {
    return false;
  }
}

function toIssueError(error: unknown, context: TransportContext, directoryUrl: string, signal: AbortSignal | undefined, timeoutMs: number, hostnames: string[]): AcmeIssueError {
  if (error instanceof AcmeIssueError) return error;
  const hostname = hostnames.join(', ');
  if (signal?.aborted) return new AcmeIssueError('aborted', `Issuance for ${hostname} was aborted by the caller`, { cause: error, hostname });
  const transport = fromTransport(error, directoryUrl);
  if (transport) return transport;
  if (context.signal.aborted) return new AcmeIssueError('timeout', `No certificate for ${hostname} within ${timeoutMs} ms: the CA may still be validating; raise "timeoutMs" or check the challenge is reachable`, { cause: error, hostname });
  const last = context.lastProblem;
  if (last && error instanceof Error && (!last.problem.detail || error.message.includes(last.problem.detail))) {
    const mapped = fromProblem(last.problem, { hostname, retryAfterSeconds: last.retryAfterSeconds });
    return Object.assign(mapped, { cause: error });
  }
  if (error instanceof TypeError && /reading 'status'/.test(error.message)) {
    // acme-client's retry handler after the last failed attempt at reaching the CA.
    return new AcmeIssueError('directory', `The ACME directory ${directoryUrl} stopped answering during the issuance for ${hostname}; retry later`, { cause: error, hostname });
  }
  return new AcmeIssueError('ca_error', `ACME issuance for ${hostname} failed: ${(error as Error).message ?? String(error)}`, { cause: error, hostname });
}
