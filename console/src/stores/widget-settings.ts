import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, watch } from 'vue';
import * as api from '@/api/widget';
import type { Service, WidgetManifest, WidgetSettings, WidgetSettingsPatch } from '@/api/widget';
import { useSessionStore } from './session';

/**
 * The widget settings of the project on screen (allowed origins, default service), its services, and the built
 * widget's manifest (version and integrity for the embed snippet; null when the widget is not built here).
 */
export const useWidgetSettingsStore = defineStore('widget-settings', () => {
  const session = useSessionStore();
  const settings = ref<WidgetSettings | null>(null);
  const services = ref<Service[]>([]);
  const manifest = ref<WidgetManifest | null>(null);
  const manifestError = ref<string | null>(null);

  async function load(projectId: string): Promise<WidgetSettings> {
    const [loaded, serviceList] = await Promise.all([api.getWidgetSettings(projectId), api.listServices(projectId)]);
    settings.value = loaded;
    services.value = serviceList;
    await loadManifest();
    return loaded;
  }

  /** The manifest is optional for the page: without it the snippet says the widget is not built. */
  async function loadManifest(): Promise<void> {
    try {
      manifest.value = await api.getWidgetManifest();
      manifestError.value = null;
    } catch (error) {
      manifest.value = null;
      manifestError.value = (error as Error).message;
    }
  }

  async function save(projectId: string, patch: WidgetSettingsPatch): Promise<WidgetSettings> {
    settings.value = await api.updateWidgetSettings(projectId, patch);
    return settings.value;
  }

  function reset(): void {
    settings.value = null;
    services.value = [];
  }

  watch(() => session.currentOrganizationId, reset);

  return { settings, services, manifest, manifestError, load, loadManifest, save, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useWidgetSettingsStore, import.meta.hot));
