// `GET /edge/resolve?host=&path=&scheme=`: the route lookup of edges that ask per request, with the edge token.
// A host mapped by name, a name under a wildcard mapping, and a host nobody mapped.
import { BENCH_ZONE, HEALTHZ, benchHost, envInt, expectStatus, spread } from './scenario.js';

/**
 * @typedef {object} ResolveData
 * @property {number} hosts
 * @property {Record<string, string>} edgeAuth The edge token's header.
 */

/**
 * @param {Record<string, string>} auth
 * @param {string} host
 * @param {number[]} expect
 * @returns {import('./scenario.js').Request}
 */
export const resolveRequest = (auth, host, expect) => ({ method: 'GET', path: `/edge/resolve?host=${host}&path=/app/x&scheme=https`, headers: auth, expect });

/**
 * The edge token's header, and a first lookup to prove the token and the seed.
 * @param {import('./scenario.js').Env} env
 * @returns {Generator<import('./scenario.js').Request, ResolveData, import('./scenario.js').Response>}
 */
export function* resolveSetup(env) {
  if (!env.EDGE_TOKEN) throw new Error('EDGE_TOKEN: the installation’s edgeApi.resolveToken (without it /edge/resolve is off)');
  const hosts = envInt(env.HOSTS, 1);
  const edgeAuth = { authorization: `Bearer ${env.EDGE_TOKEN}` };
  const first = resolveRequest(edgeAuth, benchHost(hosts - 1), [200]);
  expectStatus(first, yield first);
  return { hosts, edgeAuth };
}

/** @type {import('./scenario.js').Path<ResolveData>} */
export const resolveKnown = {
  name: 'resolve known',
  maxRatio: 4,
  steps: [{ name: 'resolve known', request: (data, { n }) => resolveRequest(data.edgeAuth, benchHost(spread(n, data.hosts)), [200]) }],
};

/** @type {import('./scenario.js').Scenario<ResolveData>} */
export default {
  name: 'resolve',
  title: 'Per-request route lookup (/edge/resolve)',
  reference: HEALTHZ,
  setup: resolveSetup,
  paths: [
    resolveKnown,
    { name: 'resolve unknown', maxRatio: 4, steps: [{ name: 'resolve unknown', request: (data, { n }) => resolveRequest(data.edgeAuth, `x${spread(n, data.hosts)}.${BENCH_ZONE}`, [404]) }] },
    { name: 'resolve wildcard', maxRatio: 4, steps: [{ name: 'resolve wildcard', request: (data, { n }) => resolveRequest(data.edgeAuth, `n${n}.w0.${BENCH_ZONE}`, [200]) }] },
  ],
};
