import { useI18n } from 'vue-i18n';
import { eventTypeKey } from './eventTypes';

/** The readable name of an event type (`domain.verified` → "Domain verified"), or the type itself when unknown. */
export function useEventTypeLabel() {
  const { t, te } = useI18n();
  return (type: string): string => (te(eventTypeKey(type)) ? t(eventTypeKey(type)) : type);
}
