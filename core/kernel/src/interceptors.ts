import type { HookName, Hooks } from './hooks.ts';
import type { PluginLogger } from './services.ts';

/** One plugin call made through a hook, reported after it finished. */
export interface HookCallEvent {
  hook: HookName;
  /** The HookMap key (verification method, DNS provider, edge); absent for `detectProvider` and `issueCert`. */
  key?: string;
  /** Id of the plugin that made the tap. */
  plugin: string;
  /** The tap's own name (usually the plugin id as well). */
  tap: string;
  /** Duration of this one tap, in milliseconds (performance.now). */
  ms: number;
  /** `answer`: returned a value; `pass`: returned undefined (let the next tap answer); `error`: threw or rejected. */
  outcome: 'answer' | 'pass' | 'error';
  error?: unknown;
}

export type HookCallObserver = (event: HookCallEvent) => void;

type AnyFn = (...args: unknown[]) => unknown;
type NodeCallback = (err?: unknown, result?: unknown) => void;
interface TapLike {
  name: string;
  type: 'sync' | 'async' | 'promise';
  fn: unknown;
  /** Set by the kernel when it commits a plugin's taps (see kernel.ts). */
  plugin?: unknown;
}
type Finish = (start: number, outcome: HookCallEvent['outcome'], error?: unknown) => void;

const outcomeOf = (result: unknown): HookCallEvent['outcome'] => (result === undefined ? 'pass' : 'answer');

/** Wrap a tap's function so it reports when it finishes, keeping its calling convention (sync, callback, promise). */
function wrapFn(type: TapLike['type'], fn: AnyFn, finish: Finish): AnyFn {
  if (type === 'async') {
    return (...args) => {
      const callback = args.pop() as NodeCallback;
      const start = performance.now();
      try {
        return fn(...args, (err?: unknown, result?: unknown) => {
          finish(start, err ? 'error' : outcomeOf(result), err || undefined);
          callback(err, result);
        });
      } catch (err) {
        finish(start, 'error', err);
        throw err;
      }
    };
  }
  if (type === 'promise') {
    return (...args) => {
      const start = performance.now();
      let pending: unknown;
      try {
        pending = fn(...args);
      } catch (err) {
        finish(start, 'error', err);
        throw err;
      }
      return Promise.resolve(pending).then(
        (result) => {
          finish(start, outcomeOf(result));
          return result;
        },
        (err: unknown) => {
          finish(start, 'error', err);
          throw err;
        },
      );
    };
  }
  return (...args) => {
    const start = performance.now();
    try {
      const result = fn(...args);
      finish(start, outcomeOf(result));
      return result;
    } catch (err) {
      finish(start, 'error', err);
      throw err;
    }
  };
}

/**
 * Install the kernel's one interceptor on every hook (and, through the HookMap factory, on every keyed hook
 * created later). It times each tap, logs it at debug (errors at error) and reports it to `observer`.
 * Must run before anything taps: a `register` interceptor only sees taps registered after it.
 */
export function installInterceptors(hooks: Hooks, logger: PluginLogger, observer?: HookCallObserver): void {
  const interceptor = (hook: HookName, key?: string) => ({
    name: 'portico-kernel',
    register<T extends TapLike>(tap: T): T {
      const plugin = typeof tap.plugin === 'string' ? tap.plugin : tap.name;
      const finish: Finish = (start, outcome, error) => {
        const ms = performance.now() - start;
        const event: HookCallEvent = { hook, ...(key === undefined ? {} : { key }), plugin, tap: tap.name, ms, outcome };
        if (outcome === 'error') {
          event.error = error;
          logger.error({ hook, key, plugin, ms, outcome, err: error }, `plugin ${plugin} failed in ${hook}`);
        } else {
          logger.debug({ hook, key, plugin, ms, outcome }, `${hook} call`);
        }
        if (observer) {
          // An observer (metrics, tracing) must never change the outcome of a plugin call.
          try {
            observer(event);
          } catch (err) {
            logger.warn({ err }, 'onHookCall observer threw');
          }
        }
      };
      return { ...tap, fn: wrapFn(tap.type, tap.fn as AnyFn, finish) };
    },
  });

  hooks.detectProvider.intercept(interceptor('detectProvider'));
  hooks.issueCert.intercept(interceptor('issueCert'));
  hooks.verify.intercept({
    factory: (key, hook) => {
      hook.intercept(interceptor('verify', String(key)));
      return hook;
    },
  });
  hooks.applyRecords.intercept({
    factory: (key, hook) => {
      hook.intercept(interceptor('applyRecords', String(key)));
      return hook;
    },
  });
  hooks.renderRoutes.intercept({
    factory: (key, hook) => {
      hook.intercept(interceptor('renderRoutes', String(key)));
      return hook;
    },
  });
}
