// Edge churn: mappings added and removed through the API, each change reaching every route table by NOTIFY,
// while the gate and the route lookup answer traffic. The churn runs in the background; what is measured is the
// ask and resolve traffic that lives with it (compare with the ask and resolve scenarios of the same run).
import askScenario, { approveWildcardNames } from './ask.js';
import { resolveKnown, resolveSetup } from './resolve.js';
import { HEALTHZ, expectStatus, json, jsonRequest } from './scenario.js';
import { get, signIn } from './session.js';
import { liveDomains } from './api.js';

/**
 * @typedef {import('./session.js').Session & import('./resolve.js').ResolveData & { approved: string[], serviceId: string, domainIds: string[] }} ChurnData
 */

/** @type {import('./scenario.js').Scenario<ChurnData>} */
export default {
  name: 'churn',
  title: 'Edge churn: mappings added and removed under ask/resolve traffic',
  reference: HEALTHZ,
  *setup(env) {
    const resolve = yield* resolveSetup(env);
    const approved = yield* approveWildcardNames(env);
    const session = yield* signIn(env);
    const services = get(`/v1/projects/${session.projectId}/services`, session.auth);
    const service = json(expectStatus(services, yield services)).data[0];
    if (!service) throw new Error('the project has no service: seed it first (seed-bench.ts)');
    const domains = yield* liveDomains(session);
    return { ...session, ...resolve, approved, serviceId: service.id, domainIds: domains.map((d) => d.id) };
  },
  paths: [
    {
      name: 'mapping churn',
      background: true,
      steps: [
        {
          name: 'add mapping',
          request: (data, { n, token }) =>
            jsonRequest('POST', `/v1/projects/${data.projectId}/mappings`, { serviceId: data.serviceId, domainId: data.domainIds[n % data.domainIds.length], subdomain: `c${token}${n}` }, [201], data.auth),
          after: (response, state) => {
            state.mappingId = json(response).id;
          },
        },
        { name: 'remove mapping', request: (data, state) => ({ method: 'DELETE', path: `/v1/mappings/${String(state.mappingId)}`, headers: data.auth, expect: [204] }) },
      ],
    },
    ...askScenario.paths.map((path) => ({ ...path, name: `${path.name} under churn` })),
    { ...resolveKnown, name: `${resolveKnown.name} under churn` },
  ],
};
