import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { createConsoleI18n } from '@/i18n';
import JsonSchemaForm from './JsonSchemaForm.vue';
import type { FieldValues } from './json-schema-fields';

const schema = {
  type: 'object',
  properties: {
    token: { type: 'string', description: 'The API token' },
    endpoint: { type: 'string', title: 'API endpoint' },
    region: { type: 'string', enum: ['eu', 'us'] },
    port: { type: 'integer' },
    dryRun: { type: 'boolean' },
  },
  required: ['token', 'region'],
};

function mountForm(props: { missing?: string[]; invalid?: string[] } = {}) {
  const values = ref<FieldValues>({});
  const Host = defineComponent(() => () => h(JsonSchemaForm, { schema, modelValue: values.value, 'onUpdate:modelValue': (v: FieldValues) => (values.value = v), idPrefix: 't', ...props }));
  const wrapper = mount(Host, { global: { plugins: [createConsoleI18n('en')] } });
  return { wrapper, values };
}

describe('JsonSchemaForm', () => {
  it('renders one labelled input per property, typed from the schema', () => {
    const { wrapper } = mountForm();
    expect(wrapper.get('#t-token').attributes('type')).toBe('password');
    expect(wrapper.get('#t-endpoint').attributes('type')).toBe('text');
    expect(wrapper.get('#t-region').element.tagName).toBe('SELECT');
    expect(wrapper.findAll('#t-region option').map((o) => o.text())).toEqual(['Choose…', 'eu', 'us']);
    expect(wrapper.get('#t-port').attributes('type')).toBe('number');
    expect(wrapper.get('#t-port').attributes('step')).toBe('1');
    expect(wrapper.get('#t-dryRun').attributes('type')).toBe('checkbox');
    for (const id of ['token', 'endpoint', 'region', 'port']) expect(wrapper.find(`label[for="t-${id}"]`).exists()).toBe(true);
    expect(wrapper.get('label[for="t-endpoint"]').text()).toContain('API endpoint');
  });

  it('marks required fields and shows descriptions as hints', () => {
    const { wrapper } = mountForm();
    expect(wrapper.get('#t-token').attributes('required')).toBeDefined();
    expect(wrapper.get('#t-region').attributes('required')).toBeDefined();
    expect(wrapper.get('#t-endpoint').attributes('required')).toBeUndefined();
    expect(wrapper.get('label[for="t-token"]').text()).toContain('*');
    expect(wrapper.get('label[for="t-token"]').text()).toContain('secret');
    expect(wrapper.get('#t-token').attributes('aria-describedby')).toBe('t-token-hint');
    expect(wrapper.get('#t-token-hint').text()).toBe('The API token');
    expect(wrapper.get('#t-token').attributes('autocomplete')).toBe('new-password');
  });

  it('reports what is typed through v-model', async () => {
    const { wrapper, values } = mountForm();
    await wrapper.get('#t-token').setValue('abc');
    await wrapper.get('#t-region').setValue('us');
    await wrapper.get('#t-dryRun').setValue(true);
    expect(values.value).toEqual({ token: 'abc', region: 'us', dryRun: true });
  });

  it('flags missing and invalid fields with an alert in place of the hint', () => {
    const { wrapper } = mountForm({ missing: ['token'], invalid: ['port'] });
    expect(wrapper.get('#t-token').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('#t-token-hint').text()).toBe('Token is required.');
    expect(wrapper.get('#t-token-hint').attributes('role')).toBe('alert');
    expect(wrapper.get('#t-port-hint').text()).toBe('Port must be a whole number.');
    expect(wrapper.get('#t-endpoint').attributes('aria-invalid')).toBeUndefined();
  });
});
