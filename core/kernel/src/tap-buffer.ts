import type { HookName, PluginHooks } from './hooks.ts';

export type TapMethod = 'tap' | 'tapAsync' | 'tapPromise';

export interface TapOptions {
  name: string;
  stage?: number;
  before?: string | string[];
}

/** One tap a plugin asked for during `apply`, not yet on the real hook. */
export interface PendingTap {
  hook: HookName;
  /** HookMap key, for `verify`, `applyRecords` and `renderRoutes`. */
  key?: string;
  method: TapMethod;
  options: TapOptions;
  fn: (...args: never[]) => unknown;
}

export interface TapBuffer {
  /** The tap-only hooks handed to the plugin's `apply`: no `call`, `callAsync`, `promise` or `intercept`. */
  readonly hooks: PluginHooks;
  /** Taps recorded so far, in the order they were made. */
  readonly taps: readonly PendingTap[];
  /** Refuse further taps. Called when the registration settles, whatever its outcome. */
  seal(): void;
}

/**
 * Taps are buffered rather than made on the real hooks, and the kernel commits them only once `apply` has
 * succeeded: a plugin whose `apply` throws or times out never has a tap active, even for a moment, and an
 * `apply` still running after its timeout cannot add any (the buffer is sealed by then).
 * Options are checked here, as tapable would, so committing cannot fail half-way.
 */
export function createTapBuffer(pluginId: string): TapBuffer {
  const taps: PendingTap[] = [];
  let sealed = false;

  const record = (hook: HookName, key: string | undefined, method: TapMethod, options: unknown, fn: unknown) => {
    const where = key === undefined ? hook : `${hook}.for(${JSON.stringify(key)})`;
    if (sealed) {
      throw new Error(`Plugin "${pluginId}" tapped ${where} after its apply finished; tap hooks only inside apply`);
    }
    if (typeof fn !== 'function') throw new TypeError(`Plugin "${pluginId}": ${where}.${method} needs a function`);
    taps.push({ hook, key, method, options: normaliseOptions(pluginId, where, options), fn: fn as PendingTap['fn'] });
  };

  const tapOnly = (hook: HookName, key?: string) =>
    Object.freeze({
      tap: (options: unknown, fn: unknown) => record(hook, key, 'tap', options, fn),
      tapAsync: (options: unknown, fn: unknown) => record(hook, key, 'tapAsync', options, fn),
      tapPromise: (options: unknown, fn: unknown) => record(hook, key, 'tapPromise', options, fn),
    });

  const tapOnlyMap = (hook: HookName) =>
    Object.freeze({
      for: (key: unknown) => {
        if (typeof key !== 'string' || key === '') {
          throw new TypeError(`Plugin "${pluginId}": ${hook}.for() needs a non-empty string key`);
        }
        return tapOnly(hook, key);
      },
    });

  const hooks = Object.freeze({
    detectProvider: tapOnly('detectProvider'),
    verify: tapOnlyMap('verify'),
    applyRecords: tapOnlyMap('applyRecords'),
    renderRoutes: tapOnlyMap('renderRoutes'),
    issueCert: tapOnly('issueCert'),
  });

  return {
    // The views implement tapable's tap signatures with runtime checks instead of its generics.
    hooks: hooks as unknown as PluginHooks,
    taps,
    seal: () => {
      sealed = true;
    },
  };
}

function normaliseOptions(pluginId: string, where: string, options: unknown): TapOptions {
  const fail = (what: string) => new TypeError(`Plugin "${pluginId}": ${where} tap ${what}`);
  if (typeof options === 'string') {
    if (options.trim() === '') throw fail('needs a name');
    return { name: options.trim() };
  }
  if (typeof options !== 'object' || options === null) throw fail('options must be a name or { name, stage?, before? }');
  const { name, stage, before } = options as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') throw fail('needs a name');
  const normalised: TapOptions = { name: name.trim() };
  if (stage !== undefined) {
    if (typeof stage !== 'number' || !Number.isFinite(stage)) throw fail('stage must be a finite number');
    normalised.stage = stage;
  }
  if (before !== undefined) {
    const ok = typeof before === 'string' || (Array.isArray(before) && before.every((b) => typeof b === 'string'));
    if (!ok) throw fail('before must be a tap name or a list of tap names');
    normalised.before = Array.isArray(before) ? [...before] : before;
  }
  return normalised;
}
