import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.ts';
import { AppError } from '../src/errors/app-error.ts';

// The listen address and the public URL from the environment: PORTICO_ names first, then the common ones.
describe('config from the environment', () => {
  it('PORTICO_PORT, PORTICO_HOST and PORTICO_PUBLIC_URL override the file, and win over PORT, HOST and PUBLIC_URL', () => {
    const raw = { http: { host: '127.0.0.1', port: 8780 } };
    expect(parseConfig(raw, { PORT: '9001', HOST: '0.0.0.0', PUBLIC_URL: 'https://a.example' }, 'test').http).toMatchObject({ port: 9001, host: '0.0.0.0', publicUrl: 'https://a.example' });
    const both = { PORT: '9001', PORTICO_PORT: '9002', HOST: '0.0.0.0', PORTICO_HOST: '::1', PUBLIC_URL: 'https://a.example', PORTICO_PUBLIC_URL: 'https://b.example' };
    expect(parseConfig(raw, both, 'test').http).toMatchObject({ port: 9002, host: '::1', publicUrl: 'https://b.example' });
    expect(parseConfig(raw, { PORTICO_PORT: '0' }, 'test').http.port).toBe(0);
    expect(parseConfig(raw, { PORTICO_PORT: '', PORT: '9003' }, 'test').http.port).toBe(9003);
  });

  it('a bad value names the variable it came from', () => {
    let error: unknown;
    try {
      parseConfig({}, { PORTICO_PORT: 'eighty' }, 'test');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFIG_INVALID');
    expect((error as AppError).message).toContain('PORTICO_PORT');
  });

  it('demo mode is off unless a config turns it on', () => {
    expect(parseConfig({}, {}, 'test').seedDemo).toBe(false);
    expect(parseConfig({ seedDemo: true }, {}, 'test').seedDemo).toBe(true);
  });
});
