import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/auth';
import { ApiError } from '@/api/client';
import type { SessionInfo } from '@/api/session';
import { useSignInStore } from './auth';

// Every api call fails unless a test sets it up: the store never reaches the network.
vi.mock('@/api/auth', () => ({ login: vi.fn(() => Promise.reject(new Error('unexpected call: login'))) }));

const SESSION: SessionInfo = { user: { id: 'u1', email: 'ada@example.test', name: 'Ada', operator: false }, csrfToken: 'csrf', expiresAt: '2026-12-14T00:00:00.000Z' };
const fail = (code: ApiError['code'], status: number, retryAfterSeconds: number | null = null) => new ApiError(code, `${code} message`, status, undefined, retryAfterSeconds);

describe('sign-in store: password, then a code when the account has two-factor sign-in', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(api.login).mockReset();
  });

  it('signs in with email and password in one step when no code is needed, and forgets the password', async () => {
    vi.mocked(api.login).mockResolvedValueOnce(SESSION);
    const store = useSignInStore();
    store.email = ' ada@example.test ';
    store.password = 'correct horse';
    expect(await store.submit()).toEqual(SESSION);
    expect(api.login).toHaveBeenCalledWith({ email: 'ada@example.test', password: 'correct horse' });
    expect(store.password).toBe('');
    expect(store.email).toBe(' ada@example.test ');
  });

  it('asks for a code on TOTP_REQUIRED, then sends the same email and password with it', async () => {
    vi.mocked(api.login).mockRejectedValueOnce(fail('TOTP_REQUIRED', 401)).mockResolvedValueOnce(SESSION);
    const store = useSignInStore();
    store.email = 'ada@example.test';
    store.password = 'correct horse';
    expect(await store.submit()).toBeNull();
    expect(store.step).toBe('code');
    expect(store.error).toBeNull();
    expect(store.password).toBe('correct horse');

    store.code = ' 123456 ';
    expect(await store.submit()).toEqual(SESSION);
    expect(vi.mocked(api.login).mock.calls[1]![0]).toEqual({ email: 'ada@example.test', password: 'correct horse', code: '123456' });
    expect(store.step).toBe('credentials');
    expect(store.password).toBe('');
    expect(store.code).toBe('');
  });

  it('keeps the code step and what was typed on a wrong code', async () => {
    vi.mocked(api.login).mockRejectedValueOnce(fail('TOTP_REQUIRED', 401)).mockRejectedValueOnce(fail('TOTP_CODE_INVALID', 400));
    const store = useSignInStore();
    store.email = 'ada@example.test';
    store.password = 'pw';
    await store.submit();
    store.code = '000000';
    expect(await store.submit()).toBeNull();
    expect(store.step).toBe('code');
    expect(store.code).toBe('000000');
    expect(store.error?.code).toBe('TOTP_CODE_INVALID');
  });

  it('keeps email and password on a wrong password, and carries the rate limit’s wait', async () => {
    vi.mocked(api.login).mockRejectedValueOnce(fail('INVALID_CREDENTIALS', 401)).mockRejectedValueOnce(fail('LOGIN_RATE_LIMITED', 429, 42));
    const store = useSignInStore();
    store.email = 'ada@example.test';
    store.password = 'wrong';
    await store.submit();
    expect(store.error?.code).toBe('INVALID_CREDENTIALS');
    expect(store.step).toBe('credentials');
    expect([store.email, store.password]).toEqual(['ada@example.test', 'wrong']);
    await store.submit();
    expect(store.error?.retryAfterSeconds).toBe(42);
  });

  it('goes back to email and password from the code step', async () => {
    vi.mocked(api.login).mockRejectedValueOnce(fail('TOTP_REQUIRED', 401));
    const store = useSignInStore();
    store.email = 'ada@example.test';
    store.password = 'pw';
    await store.submit();
    store.code = '12';
    store.back();
    expect([store.step, store.code, store.email, store.password]).toEqual(['credentials', '', 'ada@example.test', 'pw']);
  });
});
