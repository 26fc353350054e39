// Runs a scenario module (perf/scenarios/) under k6: its setup through http.* calls, each path as a k6 scenario of
// its own (background paths on one virtual user), a check per request, and a threshold per path on the ratio of
// each request's duration to the reference's, requested just before it in the same iteration.
//
//   k6 run perf/k6/ask.js -e BASE_URL=http://127.0.0.1:8780 -e HOSTS=100000 [-e VUS=4] [-e DURATION=30s]
/* global __ENV -- k6 hands `-e NAME=value` over in this global. */
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Trend } from 'k6/metrics';

/** Duration of a request over the reference's in the same iteration (a plain number, not a time). */
const ratio = new Trend('ratio_to_reference');
/** Tells this virtual user's new names apart from every other's, in this run and earlier ones. */
const VU_TOKEN = Math.random().toString(36).slice(2, 6);

/**
 * A k6 scenario name for a path (letters, digits, `_` and `-` only).
 * @param {string} name
 * @returns {string}
 */
const key = (name) => name.replace(/[^A-Za-z0-9_-]+/g, '_');

/**
 * @param {import('../scenarios/scenario.js').Target | undefined} target
 * @returns {string}
 */
function baseUrl(target) {
  const name = target === 'proxy' ? 'PROXY_URL' : target === 'upstream' ? 'UPSTREAM_URL' : 'BASE_URL';
  const url = __ENV[name] || (name === 'BASE_URL' ? 'http://127.0.0.1:8780' : '');
  if (!url) throw new Error(`-e ${name}=… is needed by this scenario`);
  return url.replace(/\/+$/, '');
}

/**
 * @param {import('../scenarios/scenario.js').Request} request
 * @param {string} name
 */
function send(request, name) {
  /** @type {Record<string, string>} */
  const headers = {};
  for (const [header, value] of Object.entries(request.headers ?? {})) headers[header.toLowerCase() === 'host' ? 'Host' : header] = value;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  return http.request(request.method, baseUrl(request.target) + request.path, request.body ?? null, {
    headers,
    redirects: 0,
    tags: { name },
    responseCallback: http.expectedStatuses(...request.expect),
  });
}

/**
 * @param {import('k6/http').RefinedResponse<'text'>} res
 * @returns {import('../scenarios/scenario.js').Response}
 */
function toResponse(res) {
  /** @type {Record<string, string>} */
  const headers = {};
  for (const [name, value] of Object.entries(res.headers)) headers[name.toLowerCase()] = value;
  return { status: res.status, headers, body: typeof res.body === 'string' ? res.body : '' };
}

/**
 * The exports of a k6 script for one scenario.
 * @template Data
 * @param {import('../scenarios/scenario.js').Scenario<Data>} scenario
 */
export function k6Script(scenario) {
  const vus = Number(__ENV.VUS || 4);
  const duration = __ENV.DURATION || '30s';
  /** @type {Record<string, import('k6/options').Scenario>} */
  const scenarios = {};
  /** @type {Record<string, string[]>} */
  const thresholds = { checks: ['rate==1'] };
  for (const path of scenario.paths) {
    scenarios[key(path.name)] = { executor: 'constant-vus', vus: path.background ? 1 : vus, duration, tags: { path: path.name } };
    if (!path.background && path.maxRatio !== undefined) thresholds[`ratio_to_reference{path:${path.name}}`] = [`med<${path.maxRatio}`];
  }

  return {
    /** @type {import('k6/options').Options} */
    options: { scenarios, thresholds, setupTimeout: '120s' },

    /** The scenario's setup generator, each request it yields sent and answered. */
    setup() {
      const steps = scenario.setup(/** @type {import('../scenarios/scenario.js').Env} */ (__ENV));
      let step = steps.next();
      while (!step.done) step = steps.next(toResponse(send(step.value, 'setup')));
      return step.value;
    },

    /** One iteration of the path this k6 scenario runs: the reference, then the path's steps in order. */
    iteration(/** @type {Data} */ data) {
      const path = scenario.paths.find((p) => key(p.name) === exec.scenario.name);
      if (!path) throw new Error(`no path for k6 scenario ${exec.scenario.name}`);
      const reference = path.background ? undefined : send(scenario.reference, 'reference');
      if (reference) check(reference, { [`reference ${scenario.reference.expect.join('|')}`]: (r) => scenario.reference.expect.includes(r.status) });
      const state = { n: exec.vu.iterationInScenario, token: `v${exec.vu.idInTest}${VU_TOKEN}` };
      for (const step of path.steps) {
        const request = step.request(data, state);
        const res = send(request, step.name);
        const ok = check(res, { [`${step.name} ${request.expect.join('|')}`]: (r) => request.expect.includes(r.status) });
        if (reference) ratio.add(res.timings.duration / Math.max(reference.timings.duration, 0.001), { path: path.name, step: step.name });
        if (!ok) return;
        step.after?.(toResponse(res), state);
      }
    },

    /** The median ratio of each measured path, after k6's own verdict on the thresholds. */
    handleSummary(/** @type {any} */ summary) {
      const lines = [`\n${scenario.title}: median of (request duration / reference duration), same iteration`];
      for (const path of scenario.paths.filter((p) => !p.background && p.maxRatio !== undefined)) {
        const metric = summary.metrics[`ratio_to_reference{path:${path.name}}`];
        const median = metric?.values?.med;
        lines.push(`  ${path.name.padEnd(32)} ${median === undefined ? 'no data' : median.toFixed(2)}  (threshold < ${path.maxRatio})`);
      }
      return { stdout: `${lines.join('\n')}\n` };
    },
  };
}
