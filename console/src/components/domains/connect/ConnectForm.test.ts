import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import type { Project } from '@/api/domain-connect';
import { createConsoleI18n } from '@/i18n';
import ConnectForm, { type ConnectDraft, type ConnectRequest } from './ConnectForm.vue';

const project = (id: string, name: string): Project => ({ id, name, slug: name.toLowerCase(), organizationId: 'org', createdAt: '2026-01-01T00:00:00Z' });
const PROJECTS = [project('p1', 'Shop'), project('p2', 'Blog'), project('p3', 'Docs')];

function mountForm(projects: Project[] = PROJECTS) {
  const draft = ref<ConnectDraft>({ hostname: '', projectIds: [], noProject: false, mode: 'self' });
  const submitted: ConnectRequest[] = [];
  const Host = defineComponent(
    () => () =>
      h(ConnectForm, {
        projects,
        modelValue: draft.value,
        'onUpdate:modelValue': (next: ConnectDraft) => (draft.value = next),
        onSubmit: (request: ConnectRequest) => submitted.push(request),
      }),
  );
  const wrapper = mount(Host, { global: { plugins: [createConsoleI18n('en')], stubs: { RouterLink: true } } });
  const checkbox = (label: string) => wrapper.findAll('label.choice').find((l) => l.text().includes(label))!.get('input');
  return { wrapper, draft, submitted, checkbox };
}

describe('ConnectForm', () => {
  it('previews the hostname it will send while the user types, and keeps what was typed', async () => {
    const { wrapper, draft } = mountForm();
    await wrapper.get('input[name="hostname"]').setValue('https://Bücher.Example/shop');
    expect(wrapper.get('[data-testid="hostname-preview"]').text()).toBe('Will be added as bücher.example (stored as xn--bcher-kva.example)');
    expect(draft.value.hostname).toBe('https://Bücher.Example/shop');
    await wrapper.get('input[name="hostname"]').setValue('shop.example.com');
    expect(wrapper.get('[data-testid="hostname-preview"]').text()).toBe('');
  });

  it('refuses to submit an invalid hostname or no project choice, saying why next to the field', async () => {
    const { wrapper, submitted } = mountForm();
    await wrapper.get('form').trigger('submit');
    expect(wrapper.text()).toContain('Enter a hostname such as shop.example.com.');
    expect(wrapper.get('input[name="hostname"]').attributes('aria-invalid')).toBe('true');
    await wrapper.get('input[name="hostname"]').setValue('shop_1.example.com');
    expect(wrapper.text()).toContain('Each part between dots is letters, digits or inner hyphens.');
    await wrapper.get('input[name="hostname"]').setValue('shop.example.com');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.text()).toContain('Choose at least one project, or “No project yet”.');
    expect(submitted).toEqual([]);
  });

  it('submits the chosen projects in the order they were chosen, and the chosen setup', async () => {
    const { wrapper, submitted, checkbox } = mountForm();
    await wrapper.get('input[name="hostname"]').setValue(' Shop.Example.com ');
    await checkbox('Docs').setValue(true);
    await checkbox('Shop').setValue(true);
    await wrapper.get('input[value="guide"]').setValue(true);
    expect(wrapper.text()).toContain('The guided setup runs in Docs.');
    expect(wrapper.get('button[type="submit"]').text()).toBe('Continue');
    await wrapper.get('form').trigger('submit');
    expect(submitted).toEqual([{ hostname: 'shop.example.com', projectIds: ['p3', 'p1'], mode: 'guide' }]);
  });

  it('“No project yet” clears the projects and allows only setting it up yourself', async () => {
    const { wrapper, draft, submitted, checkbox } = mountForm();
    await wrapper.get('input[name="hostname"]').setValue('shop.example.com');
    await checkbox('Blog').setValue(true);
    await wrapper.get('input[value="guide"]').setValue(true);
    await checkbox('No project yet').setValue(true);
    await nextTick();
    expect(draft.value.projectIds).toEqual([]);
    expect(draft.value.mode).toBe('self');
    expect(wrapper.get('input[value="guide"]').attributes('disabled')).toBeDefined();
    expect(wrapper.text()).toContain('Guided setup runs in a project: choose one.');
    await wrapper.get('form').trigger('submit');
    expect(submitted).toEqual([{ hostname: 'shop.example.com', projectIds: [], mode: 'self' }]);
    // Choosing a project again leaves "No project yet".
    await checkbox('Blog').setValue(true);
    await nextTick();
    expect(draft.value.noProject).toBe(false);
  });

  it('without any project in the organization, adds the domain without one', async () => {
    const { wrapper, submitted } = mountForm([]);
    expect(wrapper.get('[data-testid="no-projects"]').text()).toContain('no projects yet');
    await wrapper.get('input[name="hostname"]').setValue('shop.example.com');
    await wrapper.get('form').trigger('submit');
    expect(submitted).toEqual([{ hostname: 'shop.example.com', projectIds: [], mode: 'self' }]);
  });
});
