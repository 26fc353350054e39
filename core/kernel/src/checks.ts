import semver from 'semver';
import { isPlugin } from './define-plugin.ts';
import { KernelError } from './errors.ts';
import { PLUGIN_ID_PATTERN, type Plugin, type PluginDescriptors } from './plugin.ts';

/** One option the schema refused, as listed in a `PLUGIN_OPTIONS_INVALID` error's `details`. */
export interface OptionIssue {
  /** Dotted path of the option (`listen.port`); empty for the options object itself. */
  path: string;
  message: string;
}

const malformed = (message: string, field?: string) =>
  new KernelError('PLUGIN_MALFORMED', message, field === undefined ? {} : { details: { field } });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Fields each descriptor must have: string fields, and which one is the key. */
const DESCRIPTOR_FIELDS = {
  verificationMethods: { strings: ['method', 'title'], functions: ['challenge'], arrays: [] },
  dnsProviders: { strings: ['provider', 'displayName', 'setup'], functions: [], arrays: ['nameservers'] },
  edges: { strings: ['edge', 'displayName'], functions: [], arrays: [] },
} as const satisfies Record<keyof PluginDescriptors, { strings: string[]; functions: string[]; arrays: string[] }>;

/** PLUGIN_MALFORMED: the spec is `{ plugin, options? }` and the plugin has every field with the right type. */
export function checkShape(spec: unknown): Plugin {
  if (!isObject(spec)) throw malformed('A plugin spec must be an object { plugin, options? }');
  if (isPlugin(spec)) {
    throw malformed(`Plugin "${String(spec.id)}" was passed directly: register { plugin, options } instead`);
  }
  const plugin = spec.plugin;
  if (!isPlugin(plugin)) {
    throw malformed('spec.plugin is not a plugin: use the default export of a plugin package built with definePlugin()', 'plugin');
  }
  const raw = plugin as unknown as Record<string, unknown>;
  if (typeof raw.id !== 'string') throw malformed('A plugin needs an id string such as "dns.powerdns"', 'id');
  const where = `Plugin "${raw.id}"`;
  if (typeof raw.version !== 'string' || semver.valid(raw.version) === null) {
    throw malformed(`${where} needs a version that is a valid semver version (its package version)`, 'version');
  }
  if (typeof raw.kernel !== 'string') throw malformed(`${where} needs a kernel semver range such as "^0.1.0"`, 'kernel');
  if (raw.dependsOn !== undefined && !isStringArray(raw.dependsOn)) {
    throw malformed(`${where}: dependsOn must be a list of plugin ids`, 'dependsOn');
  }
  if (!isObject(raw.options) || typeof raw.options.safeParseAsync !== 'function') {
    throw malformed(`${where}: options must be a zod schema (use z from @portico/kernel)`, 'options');
  }
  if (typeof raw.apply !== 'function') throw malformed(`${where}: apply must be a function`, 'apply');
  if (raw.describe !== undefined && typeof raw.describe !== 'function') checkDescriptors(where, raw.describe);
  return plugin;
}

export function checkDescriptors(where: string, describe: unknown): void {
  if (!isObject(describe)) throw malformed(`${where}: describe must be an object`, 'describe');
  for (const [list, fields] of Object.entries(DESCRIPTOR_FIELDS)) {
    const items = describe[list];
    if (items === undefined) continue;
    if (!Array.isArray(items)) throw malformed(`${where}: describe.${list} must be a list`, `describe.${list}`);
    items.forEach((item: unknown, index) => {
      const at = `describe.${list}.${index}`;
      if (!isObject(item)) throw malformed(`${where}: ${at} must be an object`, at);
      for (const name of fields.strings) {
        if (typeof item[name] !== 'string' || item[name] === '') {
          throw malformed(`${where}: ${at}.${name} must be a non-empty string`, `${at}.${name}`);
        }
      }
      for (const name of fields.functions) {
        if (typeof item[name] !== 'function') {
          throw malformed(`${where}: ${at}.${name} must be a function`, `${at}.${name}`);
        }
      }
      for (const name of fields.arrays) {
        if (!isStringArray(item[name])) {
          throw malformed(`${where}: ${at}.${name} must be a list of strings`, `${at}.${name}`);
        }
      }
      if (list === 'edges' && item.target !== undefined && typeof (item.target as { safeParse?: unknown } | null)?.safeParse !== 'function') {
        throw malformed(`${where}: ${at}.target must be a zod schema`, `${at}.target`);
      }
    });
  }
}

/** PLUGIN_ID_INVALID. */
export function checkId(plugin: Plugin): void {
  if (!PLUGIN_ID_PATTERN.test(plugin.id)) {
    throw new KernelError(
      'PLUGIN_ID_INVALID',
      `Plugin id "${plugin.id}" is invalid: use <kind>.<name> in lower case, ` +
        'kind one of dns, verify, edge, cert, ext (e.g. "dns.powerdns")',
      { details: { id: plugin.id, pattern: PLUGIN_ID_PATTERN.source } },
    );
  }
}

/** PLUGIN_KERNEL_INCOMPATIBLE: an invalid range counts as incompatible. Prereleases of the kernel match. */
export function checkKernelRange(plugin: Plugin, kernelVersion: string): void {
  const details = { range: plugin.kernel, kernel: kernelVersion };
  if (semver.validRange(plugin.kernel) === null) {
    throw new KernelError(
      'PLUGIN_KERNEL_INCOMPATIBLE',
      `Plugin "${plugin.id}" declares kernel range "${plugin.kernel}", which is not a valid semver range`,
      { details },
    );
  }
  if (!semver.satisfies(kernelVersion, plugin.kernel, { includePrerelease: true })) {
    throw new KernelError(
      'PLUGIN_KERNEL_INCOMPATIBLE',
      `Plugin "${plugin.id}" ${plugin.version} needs @portico/kernel ${plugin.kernel}, ` +
        `but this kernel is ${kernelVersion}: install a plugin version made for this kernel`,
      { details },
    );
  }
}

/** PLUGIN_OPTIONS_INVALID. Absent options are parsed as `{}`, so a schema's defaults apply. */
export async function parseOptions(plugin: Plugin, raw: unknown): Promise<unknown> {
  let result: Awaited<ReturnType<Plugin['options']['safeParseAsync']>>;
  try {
    result = await plugin.options.safeParseAsync(raw === undefined ? {} : raw);
  } catch (err) {
    // A transform or refinement that throws instead of reporting an issue.
    const message = err instanceof Error ? err.message : String(err);
    throw new KernelError('PLUGIN_OPTIONS_INVALID', `Plugin "${plugin.id}": options could not be parsed: ${message}`, {
      details: [{ path: '', message }],
      cause: err,
    });
  }
  if (result.success) return result.data;
  const issues: OptionIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map((part) => String(part)).join('.'),
    message: issue.message,
  }));
  const first = issues[0] ?? { path: '', message: 'rejected by the schema' };
  const field = first.path === '' ? 'options' : `option "${first.path}"`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new KernelError('PLUGIN_OPTIONS_INVALID', `Plugin "${plugin.id}": ${field}: ${first.message}${more}`, { details: issues });
}
