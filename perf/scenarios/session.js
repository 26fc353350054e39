// The setup the API scenarios share: sign in as the installation's owner, find the organization and its first
// project, and mint an API key for the measured requests (a bearer header: no cookie jar, no CSRF token, the same
// in k6 and in autocannon).
import { expectStatus, json, jsonRequest } from './scenario.js';

/** Every scope an API key can hold (core/server/src/modules/api-keys/service.ts). */
const SCOPES = ['domains:read', 'domains:write', 'projects:read', 'projects:write', 'dns-credentials:read', 'dns-credentials:write', 'widget-tokens:write', 'audit:read', 'webhooks:read', 'webhooks:write', 'events:read'];

/** The demo owner that `npm start` seeds, for k6 runs against a development server. */
const DEMO = { email: 'demo@portico.local', password: 'portico-demo' };

/**
 * @typedef {object} Session
 * @property {Record<string, string>} auth The measured requests' `authorization` header.
 * @property {string} organizationId
 * @property {string} projectId
 * @property {string} run A token of this run, for names that must be new (hostnames, subdomains).
 */

/**
 * @param {import('./scenario.js').Env} env
 * @returns {Generator<import('./scenario.js').Request, Session, import('./scenario.js').Response>}
 */
export function* signIn(env) {
  const login = jsonRequest('POST', '/v1/auth/login', { email: env.EMAIL || DEMO.email, password: env.PASSWORD || DEMO.password }, [200]);
  const signedIn = expectStatus(login, yield login);
  const cookie = /portico_session=([^;,\s]+)/.exec(signedIn.headers['set-cookie'] ?? '')?.[1];
  if (!cookie) throw new Error('sign-in set no portico_session cookie');
  const session = { cookie: `portico_session=${cookie}`, 'x-csrf-token': json(signedIn).csrfToken };

  const organizations = get('/v1/organizations', session);
  /** @type {Array<{ id: string, slug: string }>} */
  const listed = json(expectStatus(organizations, yield organizations)).data;
  const organization = env.ORGANIZATION ? listed.find((o) => o.slug === env.ORGANIZATION) : listed[0];
  if (!organization) throw new Error(`no organization ${env.ORGANIZATION ?? ''} for ${env.EMAIL ?? DEMO.email}`);

  const projects = get(`/v1/organizations/${organization.id}/projects`, session);
  const project = json(expectStatus(projects, yield projects)).data[0];
  if (!project) throw new Error(`organization ${organization.slug} has no project`);

  const run = Math.random().toString(36).slice(2, 8);
  const key = jsonRequest('POST', `/v1/organizations/${organization.id}/api-keys`, { name: `bench-${run}`, scopes: SCOPES }, [201], session);
  const secret = json(expectStatus(key, yield key)).secret;
  return { auth: { authorization: `Bearer ${secret}` }, organizationId: organization.id, projectId: project.id, run };
}

/**
 * A GET with these headers (a session's `auth`, or the sign-in cookie).
 * @param {string} path
 * @param {Record<string, string>} headers
 * @param {number[]} [expect]
 * @returns {import('./scenario.js').Request}
 */
export const get = (path, headers, expect = [200]) => ({ method: 'GET', path, headers, expect });
