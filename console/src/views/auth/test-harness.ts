import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { defineComponent, h, type Component } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';
import { createConsoleI18n } from '@/i18n';

const Blank = defineComponent({ render: () => h('p', 'elsewhere') });

/**
 * Mounts an accounts page at `path` with a real pinia, the English catalogue and a memory router whose other pages
 * are blanks; answers the wrapper and the router (to read where the page went).
 */
export async function mountAt(path: string, page: Component, pagePath: string) {
  setActivePinia(createPinia());
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: pagePath, component: page },
      { path: '/sign-in', name: 'sign-in', component: pagePath === '/sign-in' ? page : Blank },
      { path: '/sign-up', name: 'sign-up', component: Blank },
      { path: '/forgot-password', name: 'forgot-password', component: Blank },
      { path: '/:rest(.*)*', component: Blank },
    ],
  });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(defineComponent({ render: () => h(RouterView) }), { global: { plugins: [router, createConsoleI18n('en')] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}
