import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { organizationParams } from '../schemas.ts';
import {
  attemptSchema,
  attemptView,
  createWebhookBody,
  deliveriesQuery,
  deliveryParams,
  deliverySchema,
  deliveryView,
  replayBody,
  rotateSecretBody,
  updateWebhookBody,
  webhookParams,
  webhookSchema,
  webhookView,
  webhookWithSecretSchema,
} from './schemas.ts';

const base = '/v1/organizations/:organizationId';

/** Outgoing webhooks of an organization (owners and admins): endpoints, their deliveries and attempts. */
export const webhookRoutes = [
  defineRoute({
    method: 'post',
    path: `${base}/webhooks`,
    tag: 'webhooks',
    summary: 'Add a webhook endpoint; the answer holds its signing secret, shown this once',
    auth: 'principal',
    scope: 'webhooks:write',
    status: 201,
    params: organizationParams,
    body: createWebhookBody,
    response: webhookWithSecretSchema,
    async handler({ params, body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      const { endpoint, secret } = await cradle.webhookService.create(access, body);
      return { ...webhookView(endpoint), secret };
    },
  }),
  defineRoute({
    method: 'get',
    path: `${base}/webhooks`,
    tag: 'webhooks',
    summary: "The organization's webhook endpoints (never their secrets)",
    auth: 'principal',
    scope: 'webhooks:read',
    params: organizationParams,
    response: z.object({ data: z.array(webhookSchema) }),
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return { data: (await cradle.webhookService.list(access)).map(webhookView) };
    },
  }),
  defineRoute({
    method: 'get',
    path: `${base}/webhooks/:webhookId`,
    tag: 'webhooks',
    summary: 'One webhook endpoint',
    auth: 'principal',
    scope: 'webhooks:read',
    params: webhookParams,
    response: webhookSchema,
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return webhookView(await cradle.webhookService.get(access, params.webhookId));
    },
  }),
  defineRoute({
    method: 'patch',
    path: `${base}/webhooks/:webhookId`,
    tag: 'webhooks',
    summary: 'Change a webhook endpoint (URL, filter, project, description, enabled)',
    auth: 'principal',
    scope: 'webhooks:write',
    params: webhookParams,
    body: updateWebhookBody,
    response: webhookSchema,
    async handler({ params, body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return webhookView(await cradle.webhookService.update(access, params.webhookId, body));
    },
  }),
  defineRoute({
    method: 'delete',
    path: `${base}/webhooks/:webhookId`,
    tag: 'webhooks',
    summary: 'Delete a webhook endpoint and its delivery log',
    auth: 'principal',
    scope: 'webhooks:write',
    params: webhookParams,
    response: null,
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      await cradle.webhookService.remove(access, params.webhookId);
    },
  }),
  defineRoute({
    method: 'post',
    path: `${base}/webhooks/:webhookId/rotate-secret`,
    tag: 'webhooks',
    summary: 'Replace the signing secret; the old one keeps signing beside it for overlapHours (default 24)',
    auth: 'principal',
    scope: 'webhooks:write',
    params: webhookParams,
    body: rotateSecretBody,
    response: webhookWithSecretSchema,
    async handler({ params, body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      const { endpoint, secret } = await cradle.webhookService.rotateSecret(access, params.webhookId, body?.overlapHours ?? 24);
      return { ...webhookView(endpoint), secret };
    },
  }),
  defineRoute({
    method: 'post',
    path: `${base}/webhooks/:webhookId/test`,
    tag: 'webhooks',
    summary: 'Send a webhook.test ping to the endpoint (one attempt, no retries)',
    auth: 'principal',
    scope: 'webhooks:write',
    status: 202,
    params: webhookParams,
    response: deliverySchema,
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return deliveryView(await cradle.webhookService.sendTest(access, params.webhookId));
    },
  }),
  defineRoute({
    method: 'post',
    path: `${base}/webhooks/:webhookId/replay`,
    tag: 'webhooks',
    summary: "Send again the endpoint's deliveries of events that occurred in [since, until): the failed ones, or all",
    auth: 'principal',
    scope: 'webhooks:write',
    status: 202,
    params: webhookParams,
    body: replayBody,
    response: z.object({ replayed: z.number() }),
    async handler({ params, body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      const range = { since: new Date(body.since), until: body.until ? new Date(body.until) : new Date(), status: body.status };
      return { replayed: await cradle.webhookService.replayRange(access, params.webhookId, range) };
    },
  }),
  defineRoute({
    method: 'get',
    path: `${base}/webhook-deliveries`,
    tag: 'webhooks',
    summary: 'Webhook deliveries, newest first, filtered by endpoint, status, event type or event',
    auth: 'principal',
    scope: 'webhooks:read',
    params: organizationParams,
    query: deliveriesQuery,
    response: z.object({ data: z.array(deliverySchema), next: z.string().nullable() }),
    async handler({ params, query, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      const { deliveries, next } = await cradle.webhookService.listDeliveries(access, query);
      return { data: deliveries.map(deliveryView), next };
    },
  }),
  defineRoute({
    method: 'get',
    path: `${base}/webhook-deliveries/:deliveryId`,
    tag: 'webhooks',
    summary: 'One delivery with its attempt log',
    auth: 'principal',
    scope: 'webhooks:read',
    params: deliveryParams,
    response: deliverySchema.extend({ attemptLog: z.array(attemptSchema) }),
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      const { delivery, attempts } = await cradle.webhookService.getDelivery(access, params.deliveryId);
      return { ...deliveryView(delivery), attemptLog: attempts.map(attemptView) };
    },
  }),
  defineRoute({
    method: 'post',
    path: `${base}/webhook-deliveries/:deliveryId/replay`,
    tag: 'webhooks',
    summary: 'Send one delivery again now, with the same webhook-id',
    auth: 'principal',
    scope: 'webhooks:write',
    status: 202,
    params: deliveryParams,
    response: deliverySchema,
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return deliveryView(await cradle.webhookService.replayDelivery(access, params.deliveryId));
    },
  }),
];
