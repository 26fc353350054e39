import { inject, type InjectionKey } from 'vue';
import type { Flow } from './flow.ts';
import type { Translate } from './i18n/index.ts';

/** What every screen needs: the journey and the translator of the widget's current locale. */
export const FLOW: InjectionKey<Flow> = Symbol('portico-flow');
export const TRANSLATE: InjectionKey<{ t: Translate }> = Symbol('portico-t');

export function useFlow(): Flow {
  const flow = inject(FLOW);
  if (!flow) throw new Error('<portico-connect> screens must be rendered inside the element');
  return flow;
}

export function useT(): Translate {
  const holder = inject(TRANSLATE);
  if (!holder) throw new Error('<portico-connect> screens must be rendered inside the element');
  return (key, params) => holder.t(key, params);
}
