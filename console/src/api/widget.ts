import { ApiError, call, client, type Schemas } from './client';

export type WidgetSettings = Schemas['WidgetSettings'];
export type Service = Schemas['Service'];
export interface WidgetSettingsPatch {
  allowedOrigins?: string[];
  defaultServiceId?: string | null;
}

/** One built file of the widget as `GET /widget/manifest.json` describes it. */
export interface WidgetManifestFile {
  url: string;
  integrity: string;
  bytes: number;
  gzipBytes: number;
}
export interface WidgetManifest {
  version: string;
  files: Record<string, WidgetManifestFile>;
}

export const getWidgetSettings = (projectId: string) => call(client.GET('/v1/projects/{projectId}/widget', { params: { path: { projectId } } }));

/** Replaces the allowed origins (the server normalises them; 400 VALIDATION_FAILED names each bad one) and/or the default service. */
export const updateWidgetSettings = (projectId: string, body: WidgetSettingsPatch) =>
  call(client.PATCH('/v1/projects/{projectId}/widget', { params: { path: { projectId } }, body }));

/** The project's services (for the default service select). */
export const listServices = async (projectId: string) => (await call(client.GET('/v1/projects/{projectId}/services', { params: { path: { projectId } } }))).data;

/**
 * The built widget's current version and each file's URL and SRI integrity. Outside the versioned API (no OpenAPI
 * type), so a plain same-origin fetch; failures become `ApiError` like every other call.
 */
export async function getWidgetManifest(): Promise<WidgetManifest> {
  let response: Response;
  try {
    response = await fetch('/widget/manifest.json', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  } catch (error) {
    throw new ApiError('NETWORK', (error as Error).message || 'The server could not be reached.', 0);
  }
  const body = (await response.json().catch(() => null)) as (WidgetManifest & { error?: { code?: string; message?: string } }) | null;
  if (!response.ok || !body) {
    const code = (body?.error?.code ?? (response.status >= 500 ? 'INTERNAL' : 'NETWORK')) as ApiError['code'];
    throw new ApiError(code, body?.error?.message ?? response.statusText, response.status);
  }
  return { version: body.version, files: body.files };
}
