/** An organization's webhook endpoints, their deliveries and each delivery's attempts (owners and admins). */
import { call, client, type paths, type Schemas } from './client';

export type Webhook = Schemas['Webhook'];
export type WebhookWithSecret = Schemas['WebhookWithSecret'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookAttempt = Schemas['WebhookAttempt'];
export type DeliveryStatus = WebhookDelivery['status'];
export type CreateWebhookBody = NonNullable<paths['/v1/organizations/{organizationId}/webhooks']['post']['requestBody']>['content']['application/json'];
export type UpdateWebhookBody = NonNullable<paths['/v1/organizations/{organizationId}/webhooks/{webhookId}']['patch']['requestBody']>['content']['application/json'];
export type DeliveryQuery = NonNullable<paths['/v1/organizations/{organizationId}/webhook-deliveries']['get']['parameters']['query']>;
export type ReplayRange = NonNullable<paths['/v1/organizations/{organizationId}/webhooks/{webhookId}/replay']['post']['requestBody']>['content']['application/json'];

const org = (organizationId: string) => ({ path: { organizationId } });
const hook = (organizationId: string, webhookId: string) => ({ path: { organizationId, webhookId } });
const delivery = (organizationId: string, deliveryId: string) => ({ path: { organizationId, deliveryId } });

export const listWebhooks = async (organizationId: string) => (await call(client.GET('/v1/organizations/{organizationId}/webhooks', { params: org(organizationId) }))).data;

export const getWebhook = (organizationId: string, webhookId: string) =>
  call(client.GET('/v1/organizations/{organizationId}/webhooks/{webhookId}', { params: hook(organizationId, webhookId) }));

/** The answer holds the signing secret: the only time it is shown. */
export const createWebhook = (organizationId: string, body: CreateWebhookBody) =>
  call(client.POST('/v1/organizations/{organizationId}/webhooks', { params: org(organizationId), body }));

export const updateWebhook = (organizationId: string, webhookId: string, body: UpdateWebhookBody) =>
  call(client.PATCH('/v1/organizations/{organizationId}/webhooks/{webhookId}', { params: hook(organizationId, webhookId), body }));

export const deleteWebhook = (organizationId: string, webhookId: string) =>
  call(client.DELETE('/v1/organizations/{organizationId}/webhooks/{webhookId}', { params: hook(organizationId, webhookId) }));

/** A new secret (shown once); the old one keeps signing beside it for `overlapHours`. */
export const rotateSecret = (organizationId: string, webhookId: string, overlapHours: number) =>
  call(client.POST('/v1/organizations/{organizationId}/webhooks/{webhookId}/rotate-secret', { params: hook(organizationId, webhookId), body: { overlapHours } }));

export const sendTest = (organizationId: string, webhookId: string) =>
  call(client.POST('/v1/organizations/{organizationId}/webhooks/{webhookId}/test', { params: hook(organizationId, webhookId) }));

/** Sends again the endpoint's failed (or all finished) deliveries of events in [since, until). */
export const replayRange = async (organizationId: string, webhookId: string, range: ReplayRange) =>
  (await call(client.POST('/v1/organizations/{organizationId}/webhooks/{webhookId}/replay', { params: hook(organizationId, webhookId), body: range }))).replayed;

/** Newest first; `next` is the `before` of the next page. */
export const listDeliveries = (organizationId: string, query: DeliveryQuery) =>
  call(client.GET('/v1/organizations/{organizationId}/webhook-deliveries', { params: { ...org(organizationId), query } }));

export const getDelivery = (organizationId: string, deliveryId: string) =>
  call(client.GET('/v1/organizations/{organizationId}/webhook-deliveries/{deliveryId}', { params: delivery(organizationId, deliveryId) }));

export const replayDelivery = (organizationId: string, deliveryId: string) =>
  call(client.POST('/v1/organizations/{organizationId}/webhook-deliveries/{deliveryId}/replay', { params: delivery(organizationId, deliveryId) }));

/** The organization's projects, for the endpoint's optional project filter. */
export const listProjectChoices = async (organizationId: string) =>
  (await call(client.GET('/v1/organizations/{organizationId}/projects', { params: org(organizationId) }))).data;
