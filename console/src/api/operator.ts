import { call, client } from './client';

/** The instance operator's views (403 OPERATOR_REQUIRED for everyone else). */
export const listEdges = async () => (await call(client.GET('/v1/operator/edges'))).data;
export const previewEdge = (edgeId: string) => call(client.GET('/v1/operator/edges/{edgeId}/preview', { params: { path: { edgeId } } }));
export const reconcileEdge = (edgeId: string) => call(client.POST('/v1/operator/edges/{edgeId}/reconcile', { params: { path: { edgeId } } }));
export const listOrganizations = (page: { limit: number; offset: number }) => call(client.GET('/v1/operator/organizations', { params: { query: page } }));
export const listUsers = (page: { limit: number; offset: number }) => call(client.GET('/v1/operator/users', { params: { query: page } }));
export const listPlans = async () => (await call(client.GET('/v1/plans'))).data;
export const assignPlan = (organizationId: string, planId: string) => call(client.PUT('/v1/operator/subscriptions', { body: { organizationId, planId } }));

export type OperatorEdge = Awaited<ReturnType<typeof listEdges>>[number];
export type EdgePreview = Awaited<ReturnType<typeof previewEdge>>;
export type OperatorOrganization = Awaited<ReturnType<typeof listOrganizations>>['data'][number];
export type PlanInfo = Awaited<ReturnType<typeof listPlans>>[number];
