import { ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError } from '@/api/client';
import { assignToProject, createDomain, findDomainByHostname, issueWidgetToken, type Project } from '@/api/domain-connect';
import type { ConnectRequest } from './ConnectForm.vue';

/** The guided journey in progress: which request started it and the widget's first token. */
export interface GuideSession {
  request: ConnectRequest;
  token: string;
}

const asApiError = (error: unknown): ApiError => (error instanceof ApiError ? error : new ApiError('INTERNAL', (error as Error).message, 0));

/**
 * What the connect page does with a submitted form. "Set it up myself": add the domain (in the first chosen project,
 * or none), then assign it to the other chosen projects. "Guide me": issue a widget token for the first chosen
 * project, limited to the hostname; once the widget reports the domain, assign it to the other chosen projects.
 * A failure keeps the form as it was and is kept in `error` (with the existing domain's id for HOSTNAME_TAKEN).
 */
export function useConnectActions(organizationId: () => string | null, projects: () => Project[]) {
  const { t } = useI18n();
  const busy = ref(false);
  const error = shallowRef<ApiError | null>(null);
  const errorHostname = ref('');
  const existingId = ref<string | null>(null);

  async function fail(caught: unknown, hostname: string): Promise<void> {
    const apiError = asApiError(caught);
    error.value = apiError;
    errorHostname.value = hostname;
    existingId.value = null;
    const orgId = organizationId();
    if (apiError.code === 'HOSTNAME_TAKEN' && orgId) existingId.value = (await findDomainByHostname(orgId, hostname).catch(() => null))?.id ?? null;
  }

  function clearError(): void {
    error.value = null;
    existingId.value = null;
  }

  /** Assigns the domain to each project in `projectIds`; answers one translated line per failed assignment. */
  async function assignRest(hostname: string, projectIds: string[]): Promise<string[]> {
    const problems: string[] = [];
    for (const projectId of projectIds) {
      try {
        await assignToProject(projectId, hostname);
      } catch (caught) {
        const project = projects().find((p) => p.id === projectId)?.name ?? projectId;
        problems.push(t('domains.connect.errors.assignFailed', { hostname, project, message: asApiError(caught).message }));
      }
    }
    return problems;
  }

  /** Adds the domain; answers its id and any assignment that failed, or null when it was not added. */
  async function addYourself(request: ConnectRequest): Promise<{ domainId: string; hostname: string; problems: string[] } | null> {
    const orgId = organizationId();
    if (!orgId || busy.value) return null;
    busy.value = true;
    clearError();
    try {
      const [first, ...rest] = request.projectIds;
      const domain = await createDomain(orgId, { hostname: request.hostname, projectId: first ?? null });
      return { domainId: domain.id, hostname: domain.hostname, problems: await assignRest(domain.hostname, rest) };
    } catch (caught) {
      await fail(caught, request.hostname);
      return null;
    } finally {
      busy.value = false;
    }
  }

  /** Issues the widget's first token; null when refused (the error says why). */
  async function startGuide(request: ConnectRequest): Promise<GuideSession | null> {
    const projectId = request.projectIds[0];
    if (!projectId || busy.value) return null;
    busy.value = true;
    clearError();
    try {
      return { request, token: (await issueWidgetToken(projectId, request.hostname)).token };
    } catch (caught) {
      await fail(caught, request.hostname);
      return null;
    } finally {
      busy.value = false;
    }
  }

  /** A fresh token for a guided session whose token expired. */
  const refreshToken = async (session: GuideSession): Promise<string> => (await issueWidgetToken(session.request.projectIds[0]!, session.request.hostname)).token;

  /** The widget added the domain in the first project: assign it to the others. */
  const finishGuide = (session: GuideSession, hostname: string): Promise<string[]> => assignRest(hostname, session.request.projectIds.slice(1));

  return { busy, error, errorHostname, existingId, clearError, addYourself, startGuide, refreshToken, finishGuide };
}
