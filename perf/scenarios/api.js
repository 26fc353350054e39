// The API's read/write mix as the console and a SaaS backend use it, with an API key: the domain list and its
// search, adding a domain and asking "verify now" for it, and the mapping editor's conflict check.
import { HEALTHZ, BENCH_ZONE, expectStatus, json, jsonRequest } from './scenario.js';
import { get, signIn } from './session.js';

/**
 * @typedef {import('./session.js').Session & { domainIds: string[] }} ApiData
 */

/**
 * Up to 200 live domains of the organization (the ones the mapping check and the churn's mappings use).
 * @param {import('./session.js').Session} session
 * @returns {Generator<import('./scenario.js').Request, Array<{ id: string, hostname: string }>, import('./scenario.js').Response>}
 */
export function* liveDomains(session) {
  const list = get(`/v1/organizations/${session.organizationId}/domains?limit=200&status=live`, session.auth);
  const domains = json(expectStatus(list, yield list)).data;
  if (domains.length === 0) throw new Error('the organization has no live domain: seed it first (seed-bench.ts)');
  return domains;
}

/** @type {import('./scenario.js').Scenario<ApiData>} */
export default {
  name: 'api',
  title: 'API read/write mix (API key)',
  reference: HEALTHZ,
  *setup(env) {
    const session = yield* signIn(env);
    const domains = yield* liveDomains(session);
    return { ...session, domainIds: domains.map((d) => d.id) };
  },
  paths: [
    {
      name: 'list domains',
      maxRatio: 30,
      steps: [{ name: 'list domains', request: (data) => get(`/v1/organizations/${data.organizationId}/domains?limit=50`, data.auth) }],
    },
    {
      name: 'search domains',
      maxRatio: 30,
      steps: [{ name: 'search domains', request: (data) => get(`/v1/organizations/${data.organizationId}/domains?limit=50&q=h77`, data.auth) }],
    },
    {
      // A new domain is pending; "verify now" moves it to verifying and queues its check (the way the console and a
      // SaaS backend add one). Asked again while the check runs, it answers with the running check.
      name: 'add and verify domain',
      maxRatio: 40,
      steps: [
        {
          name: 'add domain',
          request: (data, { n, token }) => jsonRequest('POST', `/v1/organizations/${data.organizationId}/domains`, { hostname: `add-${data.run}-${token}-${n}.${BENCH_ZONE}` }, [201], data.auth),
          after: (response, state) => {
            state.domainId = json(response).id;
          },
        },
        { name: 'verify now', request: (data, state) => jsonRequest('POST', `/v1/domains/${String(state.domainId)}/verify`, undefined, [202], data.auth) },
      ],
    },
    {
      name: 'mapping check',
      maxRatio: 30,
      steps: [
        {
          name: 'mapping check',
          request: (data, { n, token }) => get(`/v1/projects/${data.projectId}/mappings:check?domainId=${data.domainIds[n % data.domainIds.length]}&subdomain=free-${token}-${n}`, data.auth),
        },
      ],
    },
  ],
};
