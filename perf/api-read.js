// k6 run perf/api-read.js — read-path latency of the domains list, as a ratio to /healthz in the same run.
import http from 'k6/http';
import { check } from 'k6';
import { Trend } from 'k6/metrics';

const BASE = __ENV.BASE_URL || 'http://127.0.0.1:8780';
const reference = new Trend('reference_healthz', true);
const subject = new Trend('subject_domains_list', true);

export const options = { vus: 4, duration: __ENV.DURATION || '20s' };

export function setup() {
  const login = http.post(`${BASE}/v1/auth/login`, JSON.stringify({ email: 'demo@portico.local', password: 'portico-demo' }), {
    headers: { 'content-type': 'application/json' },
  });
  check(login, { 'signed in': (r) => r.status === 200 });
  const cookie = login.cookies.portico_session[0].value;
  const orgs = http.get(`${BASE}/v1/organizations`, { cookies: { portico_session: cookie } }).json('data');
  return { cookie, organizationId: orgs[0].id };
}

export default function (data) {
  reference.add(http.get(`${BASE}/healthz`).timings.duration);
  const res = http.get(`${BASE}/v1/organizations/${data.organizationId}/domains`, { cookies: { portico_session: data.cookie } });
  check(res, { 'domains 200': (r) => r.status === 200 });
  subject.add(res.timings.duration);
}

export function handleSummary(summary) {
  const p95 = (name) => summary.metrics[name].values['p(95)'];
  const ratio = p95('subject_domains_list') / p95('reference_healthz');
  return { stdout: `\nratio p95(domains list) / p95(healthz) = ${ratio.toFixed(2)}\n` };
}
