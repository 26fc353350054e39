import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '@/api/client';
import * as api from '@/api/auth';
import type { SessionInfo } from '@/api/session';

export type SignInStep = 'credentials' | 'code';

/**
 * The sign-in form's two steps. Step one sends email and password; when the server answers 401 TOTP_REQUIRED (the
 * password was right, no session was made) step two asks for an authenticator or recovery code and sends the same
 * email and password again with it. The password stays in memory only between those two answers: `forget` (on
 * success, on leaving the page) drops it. Errors keep everything typed.
 */
export const useSignInStore = defineStore('sign-in', () => {
  const email = ref('');
  const password = ref('');
  const code = ref('');
  const step = ref<SignInStep>('credentials');
  const busy = ref(false);
  const error = ref<ApiError | null>(null);

  /** Sends the current step; answers the session when signed in, null when a code is needed or it failed. */
  async function submit(): Promise<SessionInfo | null> {
    if (busy.value) return null;
    busy.value = true;
    error.value = null;
    try {
      const body: api.LoginInput = { email: email.value.trim(), password: password.value };
      if (step.value === 'code') body.code = code.value.trim();
      const session = await api.login(body);
      forget();
      return session;
    } catch (caught) {
      const failure = caught instanceof ApiError ? caught : new ApiError('NETWORK', (caught as Error).message, 0);
      if (failure.code === 'TOTP_REQUIRED' && step.value === 'credentials') {
        step.value = 'code';
        code.value = '';
      } else {
        error.value = failure;
        // A wrong password on the code step means the account changed meanwhile: start over from step one.
        if (failure.code === 'INVALID_CREDENTIALS') step.value = 'credentials';
      }
      return null;
    } finally {
      busy.value = false;
    }
  }

  /** Back to email and password (the code step's "use another account"). */
  function back(): void {
    step.value = 'credentials';
    code.value = '';
    error.value = null;
  }

  /** Drops the password and code; the email stays for the next visit of the form. */
  function forget(): void {
    password.value = '';
    code.value = '';
    step.value = 'credentials';
    error.value = null;
  }

  return { email, password, code, step, busy, error, submit, back, forget };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSignInStore, import.meta.hot));
