/**
 * The body Portico serves to Traefik's HTTP provider (`GET /edge/traefik/config`, served by the server, not
 * here): the dynamic configuration as JSON with a strong ETag of its bytes, so a poll with `If-None-Match`
 * gets 304 while nothing changed. Pure.
 */
import { createHash } from 'node:crypto';
import type { Route, SuppliedCertificate } from '@portico/kernel';
import { DEFAULT_RENDER_OPTIONS, renderTraefikConfig, type TraefikRenderOptions } from './render.ts';

/** `certificates`: supplied certificates (cert.acme) as `tls.certificates`; the body then holds private keys. */
export function renderForHttp(routes: readonly Route[], options: TraefikRenderOptions = DEFAULT_RENDER_OPTIONS, certificates: readonly SuppliedCertificate[] = []): { body: string; etag: string } {
  const body = JSON.stringify(renderTraefikConfig(routes, options, certificates));
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}
