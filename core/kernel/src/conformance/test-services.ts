import { createKernel, type Kernel, type KernelOptions } from '../kernel.ts';
import type { PluginSpec } from '../plugin.ts';
import type { DnsLookup, PluginLogger, PluginServices } from '../services.ts';

/** One line a test logger received. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  /** Bindings of the (child) logger that wrote it, e.g. `{ plugin: 'dns.memory' }`. */
  bindings: Record<string, unknown>;
  obj: object | string;
  msg?: string;
}

/** Services for plugin and kernel tests. Nothing is printed; everything is recorded for assertions. */
export interface TestServices extends PluginServices {
  /** Every line any logger derived from `logger` wrote, in order. */
  logs: LogLine[];
  /** The in-memory secrets behind `secrets`; set entries to change what plugins read. */
  secretValues: Map<string, string>;
  /** Callbacks given to `onClose`, in registration order. */
  closers: Array<() => void | Promise<void>>;
  /** Run the `onClose` callbacks, last first, and forget them. */
  runClosers(): Promise<void>;
}

export interface TestServicesOverrides extends Partial<PluginServices> {
  /** Initial secrets of the in-memory store (ignored when `secrets` is given). */
  secretValues?: Record<string, string>;
}

/** A logger that records lines into `logs` instead of printing them. */
export function createRecordingLogger(logs: LogLine[], bindings: Record<string, unknown> = {}): PluginLogger {
  const write = (level: LogLine['level']) => (obj: object | string, msg?: string) => {
    logs.push(msg === undefined ? { level, bindings, obj } : { level, bindings, obj, msg });
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createRecordingLogger(logs, { ...bindings, ...more }),
  };
}

/** DNS for tests that should not touch DNS: any query fails the test loudly. Override `dns` when a test needs it. */
const unusedDns: DnsLookup = {
  query: async (name, type) => {
    throw new Error(`createTestServices: dns.query(${name}, ${type}) was called, but no dns lookup was given; pass { dns }`);
  },
};

export function createTestServices(overrides: TestServicesOverrides = {}): TestServices {
  const { secretValues: initialSecrets, ...rest } = overrides;
  const logs: LogLine[] = [];
  const secretValues = new Map(Object.entries(initialSecrets ?? {}));
  const closers: TestServices['closers'] = [];
  return {
    logger: createRecordingLogger(logs),
    fetch: globalThis.fetch,
    dns: unusedDns,
    secrets: { get: async (name) => secretValues.get(name) },
    onClose: (fn) => {
      closers.push(fn);
    },
    ...rest,
    logs,
    secretValues,
    closers,
    async runClosers() {
      for (const fn of closers.splice(0).reverse()) await fn();
    },
  };
}

export interface TestKernelOptions extends Omit<KernelOptions, 'services'> {
  /** Services given to the kernel, on top of `createTestServices()`'s. */
  services?: TestServicesOverrides;
}

/** A kernel with test services and the given plugins registered in order. Close it in `afterAll`. */
export async function createTestKernel(specs: PluginSpec[], options: TestKernelOptions = {}): Promise<Kernel> {
  const { services, ...kernelOptions } = options;
  const kernel = createKernel({ ...kernelOptions, services: createTestServices(services) });
  await kernel.registerAll(specs);
  return kernel;
}
