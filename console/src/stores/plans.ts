import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, watch } from 'vue';
import * as api from '@/api/plans';
import type { Plan, Subscription, Usage } from '@/api/plans';
import { listProjects, type Project } from '@/api/organizations';
import { useSessionStore } from './session';

/**
 * Usage, plan and billing of the current organization: what is used against each limit, the daily history, the
 * plan with a pending change, the plans offered, and changing plan (owners).
 */
export const usePlansStore = defineStore('plans', () => {
  const session = useSessionStore();
  const usage = ref<Usage | null>(null);
  const subscription = ref<Subscription | null>(null);
  const plans = ref<Plan[]>([]);
  const projects = ref<Project[]>([]);

  function organizationId(): string {
    if (!session.currentOrganizationId) throw new Error('no organization is chosen');
    return session.currentOrganizationId;
  }

  /** The organization's usage, or one project's when `projectId` is given. */
  async function loadUsage(projectId?: string): Promise<Usage> {
    usage.value = await api.getUsage(organizationId(), projectId);
    return usage.value;
  }

  /** The projects to pick from; project-bound callers see theirs only. A failure leaves the list empty. */
  async function loadProjects(): Promise<Project[]> {
    projects.value = await listProjects(organizationId()).catch(() => []);
    return projects.value;
  }

  async function loadBilling(): Promise<{ subscription: Subscription; plans: Plan[] }> {
    const id = organizationId();
    const [current, offered] = await Promise.all([api.getSubscription(id), api.listPlans()]);
    subscription.value = current;
    plans.value = offered;
    return { subscription: current, plans: offered };
  }

  /** Changes plan; the answer says whether it is active or pending the billing provider. Errors reach the caller. */
  async function choosePlan(planId: string): Promise<Subscription> {
    subscription.value = await api.changePlan(organizationId(), planId);
    return subscription.value;
  }

  function reset(): void {
    usage.value = null;
    subscription.value = null;
    plans.value = [];
    projects.value = [];
  }
  watch(() => session.currentOrganizationId, reset);

  return { usage, subscription, plans, projects, loadUsage, loadProjects, loadBilling, choosePlan, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePlansStore, import.meta.hot));
