import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createConsoleI18n } from '@/i18n';
import UsageChart, { type ChartPoint } from './UsageChart.vue';

const points = [
  { day: '2026-12-01', value: 3 },
  { day: '2026-12-02', value: 0 },
  { day: '2026-12-03', value: 9 },
  { day: '2026-12-04', value: 4 },
];

const render = (props: { title: string; points: ChartPoint[]; kind?: 'bar' | 'line' }) => mount(UsageChart, { props, global: { plugins: [createConsoleI18n('en')] } });

describe('UsageChart', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('draws one bar per day, the tallest for the highest value', () => {
    const wrapper = render({ title: 'Checks per day', points });
    const bars = wrapper.findAll('rect.bar');
    expect(bars).toHaveLength(4);
    const heights = bars.map((bar) => Number(bar.attributes('height')));
    expect(heights.indexOf(Math.max(...heights))).toBe(2);
    expect(heights[1]).toBe(0);
  });

  it('names the image with a summary and lists every value in a hidden table', () => {
    const wrapper = render({ title: 'Checks per day', points });
    const label = wrapper.get('svg').attributes('aria-label')!;
    expect(wrapper.get('svg').attributes('role')).toBe('img');
    expect(label).toContain('Checks per day: 4 days');
    expect(label).toContain('highest 9');
    expect(label).toContain('latest 4');
    const rows = wrapper.findAll('table tbody tr');
    expect(rows.map((row) => row.findAll('td')[1]!.text())).toEqual(['3', '0', '9', '4']);
  });

  it('draws a line instead of bars when asked, and says when there is no data', () => {
    const line = render({ title: 'Domains', points, kind: 'line' });
    expect(line.findAll('rect.bar')).toHaveLength(0);
    expect(line.get('polyline').attributes('points')!.split(' ')).toHaveLength(4);
    const empty = render({ title: 'Domains', points: [] });
    expect(empty.get('svg').attributes('aria-label')).toBe('Domains: no data yet.');
  });
});
