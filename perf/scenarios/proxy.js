// Traffic through the edge: Caddy, configured with Portico's route table, proxying plain HTTP by Host to the
// upstream the bench services point at. The reference is the upstream asked directly, so the ratio is the cost of
// the hop through Caddy's routes.
import { BENCH_ZONE, benchHost, envInt, expectStatus, spread } from './scenario.js';

/**
 * @typedef {object} ProxyData
 * @property {number} hosts
 */

/**
 * @param {string} host
 * @param {number} n
 * @returns {import('./scenario.js').Request}
 */
const through = (host, n) => ({ method: 'GET', path: `/page/${n}`, headers: { host }, expect: [200], target: 'proxy' });

/** @type {import('./scenario.js').Scenario<ProxyData>} */
export default {
  name: 'proxy',
  title: 'HTTP through Caddy to an upstream',
  reference: { method: 'GET', path: '/page/0', expect: [200], target: 'upstream' },
  *setup(env) {
    const hosts = envInt(env.HOSTS, 1);
    const first = through(benchHost(hosts - 1), 0);
    expectStatus(first, yield first);
    return { hosts };
  },
  paths: [
    { name: 'proxy known host', maxRatio: 3, steps: [{ name: 'proxy known host', request: (data, { n }) => through(benchHost(spread(n, data.hosts)), n) }] },
    { name: 'proxy wildcard host', maxRatio: 3, steps: [{ name: 'proxy wildcard host', request: (_data, { n }) => through(`n${n % 1000}.w0.${BENCH_ZONE}`, n) }] },
  ],
};
