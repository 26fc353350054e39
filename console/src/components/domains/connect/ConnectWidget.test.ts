import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsoleI18n } from '@/i18n';
import ConnectWidget from './ConnectWidget.vue';

const load = vi.hoisted(() => vi.fn<() => Promise<void>>());
vi.mock('./load-widget', () => ({ loadConnectWidget: load }));

type ConnectElement = HTMLElement & { token?: string };

function mountWidget(refreshToken: () => Promise<string> = () => Promise.reject(new Error('not expected'))) {
  return mount(ConnectWidget, {
    props: { token: 'wt_first', hostname: 'shop.example.com', refreshToken },
    global: { plugins: [createConsoleI18n('de')] },
    attachTo: document.body,
  });
}
const element = (wrapper: ReturnType<typeof mountWidget>) => wrapper.find('portico-connect').element as ConnectElement;

afterEach(() => {
  load.mockReset();
  document.body.innerHTML = '';
  delete document.documentElement.dataset.theme;
});

describe('ConnectWidget', () => {
  it('mounts <portico-connect> with the token, Portico’s origin, the hostname and the console’s language and theme', async () => {
    load.mockResolvedValue();
    document.documentElement.dataset.theme = 'dark';
    const wrapper = mountWidget();
    await flushPromises();
    const el = element(wrapper);
    expect({ token: el.getAttribute('token'), apiBase: el.getAttribute('api-base'), domain: el.getAttribute('domain'), locale: el.getAttribute('locale'), theme: el.getAttribute('theme') }).toEqual({
      token: 'wt_first',
      apiBase: window.location.origin,
      domain: 'shop.example.com',
      locale: 'de',
      theme: 'dark',
    });
    document.documentElement.dataset.theme = 'light';
    await flushPromises();
    await vi.waitFor(() => expect(el.getAttribute('theme')).toBe('light'));
    wrapper.unmount();
    expect(document.querySelector('portico-connect')).toBeNull();
  });

  it('hands the widget a fresh token when its token expired, and passes on connected, close and error', async () => {
    load.mockResolvedValue();
    const refresh = vi.fn(() => Promise.resolve('wt_fresh'));
    const wrapper = mountWidget(refresh);
    await flushPromises();
    const el = element(wrapper);
    el.dispatchEvent(new CustomEvent('portico:token-expired', { detail: { domainId: null } }));
    await flushPromises();
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(el.token).toBe('wt_fresh');

    const connected = { domainId: 'd1', hostname: 'shop.example.com', url: 'https://shop.example.com', status: 'verified' };
    el.dispatchEvent(new CustomEvent('portico:connected', { detail: connected }));
    el.dispatchEvent(new CustomEvent('portico:error', { detail: { code: 'NETWORK', message: 'offline' } }));
    el.dispatchEvent(new CustomEvent('portico:close', { detail: { domainId: 'd1', status: 'verified' } }));
    expect(wrapper.emitted('connected')).toEqual([[connected]]);
    expect(wrapper.emitted('error')).toEqual([['offline']]);
    expect(wrapper.emitted('close')).toEqual([['d1']]);
  });

  it('says so when the widget’s script cannot be loaded', async () => {
    load.mockRejectedValue(new Error('503 WIDGET_NOT_BUILT'));
    const wrapper = mountWidget();
    await flushPromises();
    expect(wrapper.find('portico-connect').exists()).toBe(false);
    expect(wrapper.get('[role="alert"]').text()).toBe('Das Connect-Widget konnte nicht geladen werden: 503 WIDGET_NOT_BUILT');
  });
});
