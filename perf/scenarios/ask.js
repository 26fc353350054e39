// The on-demand TLS gate, `GET /edge/ask?domain=`: what Caddy asks before every new TLS handshake. Names mapped by
// name (200), names nobody mapped (404, after the wildcard lookup misses too), and names only a wildcard mapping
// serves that were approved before (200 from memory; the on-demand limits decide new ones, see setup).
import { BENCH_ZONE, HEALTHZ, benchHost, envInt, expectStatus, spread } from './scenario.js';

/**
 * @typedef {object} AskData
 * @property {number} hosts
 * @property {string[]} approved Names under the wildcard `*.w0.bench.test` the gate said yes to.
 */

/** Names under one wildcard the setup asks for, at most; the default cap of new names per wildcard is 10. */
const MAX_WILDCARD_NAMES = 40;

/**
 * Names under `*.w0.bench.test` asked one by one until the on-demand limits refuse one (429): the ones approved,
 * now or in an earlier run, are what the wildcard path asks for, each answered from memory.
 * @param {import('./scenario.js').Env} env
 * @returns {Generator<import('./scenario.js').Request, string[], import('./scenario.js').Response>}
 */
export function* approveWildcardNames(env) {
  const approved = [];
  for (let j = 0; j < MAX_WILDCARD_NAMES; j++) {
    const name = `a${j}.w0.${BENCH_ZONE}`;
    /** @type {import('./scenario.js').Request} */
    const ask = { method: 'GET', path: `/edge/ask?domain=${name}`, expect: [200, 429] };
    if (expectStatus(ask, yield ask).status === 429) break;
    approved.push(name);
  }
  if (approved.length === 0) throw new Error(`the gate approved no name under *.w0.${BENCH_ZONE}: is the installation seeded (seed-bench.ts) and ${env.BASE_URL ?? 'the server'} reloaded?`);
  return approved;
}

/** @type {import('./scenario.js').Scenario<AskData>} */
export default {
  name: 'ask',
  title: 'On-demand TLS gate (/edge/ask)',
  reference: HEALTHZ,
  *setup(env) {
    const hosts = envInt(env.HOSTS, 1);
    /** @type {import('./scenario.js').Request} */
    const last = { method: 'GET', path: `/edge/ask?domain=${benchHost(hosts - 1)}`, expect: [200] };
    expectStatus(last, yield last);
    return { hosts, approved: yield* approveWildcardNames(env) };
  },
  paths: [
    { name: 'ask known', maxRatio: 3, steps: [{ name: 'ask known', request: (data, { n }) => ({ method: 'GET', path: `/edge/ask?domain=${benchHost(spread(n, data.hosts))}`, expect: [200] }) }] },
    { name: 'ask unknown', maxRatio: 3, steps: [{ name: 'ask unknown', request: (data, { n }) => ({ method: 'GET', path: `/edge/ask?domain=x${spread(n, data.hosts)}.${BENCH_ZONE}`, expect: [404] }) }] },
    { name: 'ask wildcard', maxRatio: 3, steps: [{ name: 'ask wildcard', request: (data, { n }) => ({ method: 'GET', path: `/edge/ask?domain=${data.approved[n % data.approved.length]}`, expect: [200] }) }] },
  ],
};
