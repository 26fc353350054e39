import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../modules/metrics/registry.ts';
import type { OnDemandLimits, OnDemandVerdict } from '../modules/routing/on-demand-limits.ts';
import type { RouteTable } from '../modules/routing/route-table.ts';

export const ASK_PATH = '/edge/ask';
const ASK_STATUS = { allowed: 200, denied: 404, capped: 429, rate_limited: 429 } as const;
const ASK_BODY = { allowed: 'ok', denied: 'not served here', capped: 'on-demand certificate limit reached', rate_limited: 'too many new names; try again later' } as const;
const HOSTNAME = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

interface AskDeps {
  routeTable: RouteTable;
  onDemandLimits: OnDemandLimits;
  metrics: Metrics;
  logger: Logger;
}

/** One answer of the gate: status, a short text body, and `Retry-After` seconds for a 429 that may pass later. */
interface AskAnswer {
  status: number;
  body: string;
  retryAfter?: number;
  allow?: string;
}

/**
 * `GET /edge/ask?domain=<host>` — Caddy's on-demand TLS gate: 200 only for a host that is verified, routed and
 * served over HTTPS; 404 for everything else; 400 for a missing, repeated or malformed name; 405 for a method other
 * than GET or HEAD. A name only a wildcard mapping serves also needs room in the on-demand limits
 * (on-demand-limits.ts): 429 when its wildcard or registered domain is at its cap of new names, or when this process
 * decides too many new names at once (with Retry-After); 503 when that decision could not be made. Caddy treats any
 * answer but 2xx as "no". A host mapped by name, or a name approved before, answers from memory.
 *
 * Every new TLS handshake for an unknown name reaches it, so it is answered straight on the HTTP server, before Koa
 * (no context, middleware or request log): a URL split, one or two Map gets, a few bytes written.
 * `handle(req, res)` answers and returns true for this path, and returns false for any other.
 */
/**
 * The one `domain` parameter of a query string, or undefined when it is missing or repeated. What Caddy sends,
 * `domain=<name>` alone and nothing to decode, is sliced out; anything else goes through URLSearchParams.
 */
function domainParameter(query: string): string | undefined {
  if (query.startsWith('domain=') && query.indexOf('&') === -1 && query.indexOf('%') === -1 && query.indexOf('+') === -1) return query.slice(7);
  const values = new URLSearchParams(query).getAll('domain');
  return values.length === 1 ? values[0] : undefined;
}

export function edgeAsk({ routeTable, onDemandLimits, metrics, logger }: AskDeps) {
  const { askAnswers } = metrics;

  function decide(method: string | undefined, query: string): AskAnswer | Promise<AskAnswer> {
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: 'method not allowed', allow: 'GET, HEAD' };
    const name = domainParameter(query);
    const host = name === undefined ? '' : name.toLowerCase().replace(/\.$/, '');
    if (host.length === 0 || host.length > 253 || !HOSTNAME.test(host)) {
      askAnswers.malformed.inc();
      return { status: 400, body: 'malformed domain' };
    }
    const grant = routeTable.certificateGrant(host);
    if (grant === undefined) return verdictAnswer('denied');
    if (grant === host) return verdictAnswer('allowed');
    let pending: OnDemandVerdict | Promise<OnDemandVerdict>;
    try {
      pending = onDemandLimits.decide(host, grant);
    } catch (error) {
      return failed(error, host);
    }
    return typeof pending === 'string' ? verdictAnswer(pending) : pending.then(verdictAnswer, (error: unknown) => failed(error, host));
  }

  function verdictAnswer(verdict: OnDemandVerdict | 'denied'): AskAnswer {
    askAnswers[verdict].inc();
    const answer: AskAnswer = { status: ASK_STATUS[verdict], body: ASK_BODY[verdict] };
    if (verdict === 'rate_limited') answer.retryAfter = onDemandLimits.retryAfterSeconds();
    return answer;
  }

  function failed(error: unknown, host: string): AskAnswer {
    logger.error({ err: error, host }, 'on-demand certificate decision failed');
    return { status: 503, body: 'try again later' };
  }

  function write(req: IncomingMessage, res: ServerResponse, answer: AskAnswer): void {
    const headers: Record<string, string | number> = { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(answer.body) };
    if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
    if (answer.allow !== undefined) headers.allow = answer.allow;
    res.writeHead(answer.status, headers);
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  }

  return {
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      if ((q === -1 ? url : url.slice(0, q)) !== ASK_PATH) return false;
      const answer = decide(req.method, q === -1 ? '' : url.slice(q + 1));
      if (answer instanceof Promise) {
        answer.then(
          (a) => write(req, res, a),
          (error: unknown) => write(req, res, failed(error, '')),
        );
      } else write(req, res, answer);
      return true;
    },
  };
}
