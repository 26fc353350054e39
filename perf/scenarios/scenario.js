// The contract every load scenario follows, written once in plain JavaScript so that both drivers run the same
// code: k6 (perf/k6/drive.js, where k6 exists) and the Node harness (perf/harness/, autocannon in a child process).
// A scenario never performs I/O itself: it says which requests to send and what answers to expect, and the driver
// sends them — synchronously in k6, asynchronously in Node.

/**
 * Where a request goes: Portico's HTTP API (`api`), the edge proxy in front of the upstream (`proxy`), or the
 * upstream itself (`upstream`). Each driver maps these to base URLs from the environment (`BASE_URL`,
 * `PROXY_URL`, `UPSTREAM_URL`).
 * @typedef {'api' | 'proxy' | 'upstream'} Target
 */

/**
 * One HTTP request, and the statuses that count as a correct answer (anything else is an error of the run).
 * @typedef {object} Request
 * @property {'GET' | 'POST' | 'PATCH' | 'DELETE'} method
 * @property {string} path Path and query, starting with `/`.
 * @property {Record<string, string>} [headers]
 * @property {string} [body] JSON text (the driver sends `content-type: application/json` with it).
 * @property {number[]} expect
 * @property {Target} [target] Default `api`.
 */

/**
 * An answer, as both drivers hand it back: header names in lower case.
 * @typedef {object} Response
 * @property {number} status
 * @property {Record<string, string>} headers
 * @property {string} body
 */

/**
 * What one iteration of a path carries from step to step. `n` numbers the iterations of one virtual user or
 * connection; `token` tells the virtual users or connections apart across processes and runs. Steps may store
 * more (an id read from an answer) for the steps after them.
 * @typedef {{ n: number, token: string } & Record<string, unknown>} IterationState
 */

/**
 * One request of a path: built from the setup's data and the iteration's state; `after` reads the answer when a
 * later step needs something from it.
 * @template [Data=any]
 * @typedef {object} Step
 * @property {string} name
 * @property {(data: Data, state: IterationState) => Request} request
 * @property {(response: Response, state: IterationState) => void} [after]
 */

/**
 * One measured operation (or journey of dependent requests): its steps run in order, over and over.
 * `background` paths are not measured: they run alongside the measured ones for the whole scenario (the churn
 * that the measured traffic must live with). `maxRatio` is the k6 threshold: the median of (step duration /
 * reference duration in the same iteration) must stay below it.
 * @template [Data=any]
 * @typedef {object} Path
 * @property {string} name
 * @property {Step<Data>[]} steps
 * @property {boolean} [background]
 * @property {number} [maxRatio]
 */

/**
 * The setup: a generator that yields requests and receives their answers (the driver sends them), and returns
 * the data every path reads. It fails by throwing (`expectStatus`).
 * @template [Data=any]
 * @typedef {(env: Env) => Generator<Request, Data, Response>} Setup
 */

/**
 * What a run is told from outside (k6: `-e NAME=value`; the harness: the installation it started). Every field
 * is a string, as k6 hands environment variables over.
 * @typedef {object} Env
 * @property {string} [BASE_URL] Portico's HTTP API.
 * @property {string} [PROXY_URL] The edge proxy (Caddy) that routes to the upstream by Host.
 * @property {string} [UPSTREAM_URL] The upstream the bench services point at.
 * @property {string} [EMAIL] The installation's owner (seed-bench.ts prints it).
 * @property {string} [PASSWORD]
 * @property {string} [ORGANIZATION] Slug of the organization to work in; default the first one listed.
 * @property {string} [HOSTS] How many bench hosts `h<i>.bench.test` the installation holds.
 * @property {string} [EDGE_TOKEN] `edgeApi.resolveToken` of the installation.
 */

/**
 * A load scenario: a setup, the reference every path is compared with, and the paths.
 * @template [Data=any]
 * @typedef {object} Scenario
 * @property {string} name File-name safe: `perf/k6/<name>.js`, `perf/scenarios/<name>.js`.
 * @property {string} title
 * @property {Setup<Data>} setup
 * @property {Request} reference
 * @property {Path<Data>[]} paths
 */

/**
 * The reference of the API scenarios: `/healthz`, which does no work, on the same process in the same run.
 * @type {Request}
 */
export const HEALTHZ = { method: 'GET', path: '/healthz', expect: [200] };

/** The bench hosts seed-bench.ts writes: `h<i>.bench.test`, and their parent of wildcards `w<k>.bench.test`. */
export const BENCH_ZONE = 'bench.test';

/**
 * @param {number} i
 * @returns {string}
 */
export const benchHost = (i) => `h${i}.${BENCH_ZONE}`;

/**
 * The setup's check of an answer: throws with the request and answer unless the status is expected.
 * @param {Request} request
 * @param {Response} response
 * @returns {Response}
 */
export function expectStatus(request, response) {
  if (!request.expect.includes(response.status)) {
    throw new Error(`${request.method} ${request.path}: ${response.status}, expected ${request.expect.join(' or ')}: ${response.body.slice(0, 300)}`);
  }
  return response;
}

/**
 * A JSON request.
 * @param {Request['method']} method
 * @param {string} path
 * @param {unknown} body
 * @param {number[]} expect
 * @param {Record<string, string>} [headers]
 * @returns {Request}
 */
export function jsonRequest(method, path, body, expect, headers = {}) {
  return { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body), expect };
}

/**
 * The answer's JSON body.
 * @param {Response} response
 * @returns {any}
 */
export const json = (response) => JSON.parse(response.body);

/**
 * A whole number from the environment, or the default.
 * @param {string | undefined} value
 * @param {number} fallback
 * @returns {number}
 */
export function envInt(value, fallback) {
  const n = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got ${value}`);
  return n;
}

/**
 * A number in [0, max) that spreads over the whole range as `n` grows (a multiplicative hash), so consecutive
 * iterations touch far-apart hosts, the same way in both drivers.
 * @param {number} n
 * @param {number} max
 * @returns {number}
 */
export const spread = (n, max) => (max <= 1 ? 0 : Math.imul(n + 1, 2654435761) >>> 0) % max;
