// The Connect widget's journey (widget/src/flow*.ts), one customer after another: the SaaS server issues a widget
// token, then the widget, from an allowed page origin, reads its session and the customer's domains, checks the
// hostname typed in, adds it, polls it with its events, asks "verify now", and lists the DNS providers.
import { BENCH_ZONE, HEALTHZ, expectStatus, json, jsonRequest } from './scenario.js';
import { get, signIn } from './session.js';

/** The page that embeds the widget: an allowed origin of the project. */
const PAGE_ORIGIN = 'https://app.bench.test';

/**
 * @typedef {import('./session.js').Session} WidgetData
 */

/**
 * The widget's headers: its token and the page's origin.
 * @param {import('./scenario.js').IterationState} state
 * @returns {Record<string, string>}
 */
const widget = (state) => ({ authorization: `Bearer ${String(state.widgetToken)}`, origin: PAGE_ORIGIN });

/**
 * @param {WidgetData} data
 * @param {import('./scenario.js').IterationState} state
 * @returns {string}
 */
const hostname = (data, state) => `shop-${data.run}-${state.token}-${state.n}.${BENCH_ZONE}`;

/** @type {import('./scenario.js').Scenario<WidgetData>} */
export default {
  name: 'widget',
  title: 'Connect widget journey',
  reference: HEALTHZ,
  *setup(env) {
    const session = yield* signIn(env);
    const settings = jsonRequest('PATCH', `/v1/projects/${session.projectId}/widget`, { allowedOrigins: [PAGE_ORIGIN] }, [200], session.auth);
    expectStatus(settings, yield settings);
    return session;
  },
  paths: [
    {
      name: 'widget journey',
      maxRatio: 40,
      steps: [
        {
          name: 'issue token',
          request: (data) => jsonRequest('POST', '/v1/widget-tokens', { projectId: data.projectId, expiresInSeconds: 600 }, [201], data.auth),
          after: (response, state) => {
            state.widgetToken = json(response).token;
          },
        },
        { name: 'session', request: (_data, state) => get('/v1/widget/session', widget(state)) },
        { name: 'resume list', request: (_data, state) => get('/v1/widget/domains', widget(state)) },
        { name: 'check hostname', request: (data, state) => jsonRequest('POST', '/v1/domains:check', { hostname: hostname(data, state) }, [200], widget(state)) },
        {
          name: 'add domain',
          request: (data, state) => jsonRequest('POST', `/v1/organizations/${data.organizationId}/domains`, { hostname: hostname(data, state) }, [201], widget(state)),
          after: (response, state) => {
            state.domainId = json(response).id;
          },
        },
        { name: 'poll domain', request: (_data, state) => get(`/v1/domains/${String(state.domainId)}`, widget(state)) },
        { name: 'poll events', request: (_data, state) => get(`/v1/domains/${String(state.domainId)}/events`, widget(state)) },
        { name: 'verify now', request: (_data, state) => jsonRequest('POST', `/v1/domains/${String(state.domainId)}/verify`, undefined, [202], widget(state)) },
        { name: 'providers', request: (_data, state) => get('/v1/providers', widget(state)) },
      ],
    },
  ],
};
