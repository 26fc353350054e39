import { call, client, type Schemas } from './client';

/** Usage of the organization (or one project) beside its limits, with the daily history of the last 30 days. */
export const getUsage = (organizationId: string, projectId?: string) =>
  call(client.GET('/v1/usage', { params: { query: { organizationId, ...(projectId ? { projectId } : {}) } } }));

/** The organization's plan, a pending change and the limits current usage is above. */
export const getSubscription = (organizationId: string) => call(client.GET('/v1/subscription', { params: { query: { organizationId } } }));

/** The plans this installation offers. */
export const listPlans = async () => (await call(client.GET('/v1/plans'))).data;

/** Moves the organization to another plan (owner, console session); the billing provider may hold it pending. */
export const changePlan = (organizationId: string, planId: string) => call(client.POST('/v1/subscription', { body: { organizationId, planId } }));

export type Usage = Schemas['Usage'];
export type UsageLine = Usage['resources']['domains'];
export type UsageDay = Usage['history'][number];
export type Plan = Schemas['Plan'];
export type PlanResource = keyof Plan['limits'];
export type Subscription = Schemas['Subscription'];
