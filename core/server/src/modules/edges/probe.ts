import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface ProbeResult {
  host: string;
  ok: boolean;
  /** The HTTP status the edge answered with (any status proves TLS and routing reached the edge). */
  status?: number;
  issuer?: string;
  notAfter?: Date;
  /** Node's error code (`ERR_TLS_CERT_ALTNAME_INVALID`, `ECONNREFUSED`, …) and a sentence for people. */
  code?: string;
  detail?: string;
}

const EXPLAIN: Record<string, string> = {
  ECONNREFUSED: 'nothing listens at the edge address.',
  ECONNRESET: 'the edge closed the connection during the TLS handshake (it has no certificate for the name yet, or refused one).',
  EPROTO: 'the edge ended the TLS handshake (no certificate for the name: the ask endpoint refused it, or issuance failed).',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate does not chain to a trusted root.',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chains to an untrusted root.',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed.',
  CERT_HAS_EXPIRED: 'the certificate has expired.',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another name.',
  ETIMEDOUT: 'no answer in time (a first on-demand issuance can take several seconds).',
};

/**
 * One HTTPS request to `host` through the edge at `connect` (or the host itself), with SNI and certificate
 * verification against `ca` (or the system's roots). Never throws: a failure is `ok: false` with the reason.
 */
export function probeHttps({ host, path = '/', connect, ca, timeoutMs }: { host: string; path?: string; connect?: string; ca?: string; timeoutMs: number }): Promise<ProbeResult> {
  const [address, port] = connect ? [connect.slice(0, connect.lastIndexOf(':')), Number(connect.slice(connect.lastIndexOf(':') + 1))] : [host, 443];
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const req = request(
      { host: address, port, path, method: 'GET', servername: host, headers: { host, 'user-agent': 'portico-probe' }, ca, agent: false, rejectUnauthorized: true, timeout: timeoutMs },
      (res) => {
        const certificate = (res.socket as TLSSocket).getPeerCertificate();
        const issuer = certificate.issuer?.CN ?? certificate.issuer?.O;
        done({ host, ok: true, status: res.statusCode, issuer: typeof issuer === 'string' ? issuer : undefined, notAfter: certificate.valid_to ? new Date(certificate.valid_to) : undefined });
        res.resume();
        res.destroy();
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('probe timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'EPROTO';
      done({ host, ok: false, code, detail: EXPLAIN[code] ?? (code.startsWith('ERR_SSL') ? EXPLAIN.EPROTO : error.message) });
    });
    req.end();
  });
}
