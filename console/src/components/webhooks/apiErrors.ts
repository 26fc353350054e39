import { useI18n } from 'vue-i18n';
import { ApiError } from '@/api/client';

/**
 * The text to show for a failed webhook action: the translated explanation of a well-known code (an invalid or
 * refused URL, a replay range too large, a rate limit), followed by the server's own message and code.
 */
export function useWebhookErrorText() {
  const { t, te } = useI18n();
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return String((error as Error)?.message ?? error);
    const key = `webhooks.errors.${error.code}`;
    const server = error.code === 'NETWORK' ? t('common.states.networkError') : `${error.message} (${error.code})`;
    return te(key) ? `${t(key, { seconds: error.retryAfterSeconds ?? 0 })} ${server}` : server;
  };
}
