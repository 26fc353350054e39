/**
 * acme-client sends every request through one process-wide axios instance and takes no per-client agent,
 * timeout or signal. An issuance runs inside `withTransport`, and two interceptors on that instance apply the
 * issuance's own settings (the CA bundle's agent, a request timeout, the deadline) and remember the last
 * RFC 8555 problem document, whose `type` acme-client drops from the errors it throws.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { request, type Agent } from 'node:https';
import { axios } from 'acme-client';
import { AcmeIssueError, type AcmeProblem } from './errors.ts';

export interface TransportContext {
  /** Agent trusting the configured CA bundle; undefined: Node's default roots. */
  agent?: Agent;
  /** Aborted at the deadline or by the caller: no further request is sent. */
  signal: AbortSignal;
  /** Longest wait for one request. */
  requestTimeoutMs: number;
  /** The last problem document any response carried, with its Retry-After. */
  lastProblem?: { problem: AcmeProblem; retryAfterSeconds?: number };

}

const storage = new AsyncLocalStorage<TransportContext>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  axios.interceptors.request.use((config) => {
    const context = storage.getStore();
    if (!context) return config;
    // Thrown before the request: acme-client's retry handler sees no config and passes the error on.
    context.signal.throwIfAborted();
    if (context.agent) config.httpsAgent = context.agent;
    config.timeout = context.requestTimeoutMs;
    return config;
  });
  axios.interceptors.response.use((response) => {
    const context = storage.getStore();
    const data = response.data as AcmeProblem | undefined;
    if (context && response.status >= 400 && typeof data?.type === 'string') {
      context.lastProblem = { problem: data, retryAfterSeconds: retryAfter(response.headers['retry-after']) };
    }
    return response;
  });
}

/** Run `fn` with `context` applied to every ACME request it makes. */
export function withTransport<T>(context: TransportContext, fn: () => Promise<T>): Promise<T> {
  install();
  return storage.run(context, fn);
}

/**
 * GET the directory once with the issuance's agent. acme-client retries network and TLS failures itself (5 to
 * 25 s apart) and then throws a TypeError without the cause; asking first reports a wrong URL or an untrusted
 * certificate at once, with its code.
 */
export function probeDirectory(url: string, agent: Agent | undefined, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, timeout: timeoutMs, signal }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new AcmeIssueError('directory', `The ACME directory ${url} answered HTTP ${res.statusCode}: check that "directoryUrl" is the CA's directory URL`));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`GET ${url} timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

function retryAfter(header: unknown): number | undefined {
  if (typeof header !== 'string') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - Date.now()) / 1000));
}
