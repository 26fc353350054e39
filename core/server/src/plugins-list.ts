// `portico plugins list`: the plugins the configuration names, as loaded from where they are installed — id,
// version, the kernel range each supports, what it provides, and whether its options pass its own schema. Nothing
// is applied (no plugin starts anything), so it runs without a database. See docs/reference/cli.md.
import type { PluginDescriptors } from '@portico/kernel';
import { importPlugins } from './config/load-plugins.ts';
import type { PorticoConfig } from './config/schema.ts';

export interface ListedPlugin {
  package: string;
  enabled: boolean;
  id?: string;
  version?: string;
  /** The `@portico/kernel` versions the plugin supports (semver range). */
  kernel?: string;
  /** `edge caddy`, `method dns-txt`, `provider memory`. */
  provides: string[];
  /** `ok`, or why its options (or the package itself) were refused. */
  status: string;
}

const providedBy = (descriptors: PluginDescriptors | undefined): string[] => [
  ...(descriptors?.edges ?? []).map((d) => `edge ${d.edge}`),
  ...(descriptors?.verificationMethods ?? []).map((d) => `method ${d.method}`),
  ...(descriptors?.dnsProviders ?? []).map((d) => `provider ${d.provider}`),
];

/** Every plugin entry of the configuration, in order; one that cannot load is listed with the reason. */
export async function listPlugins(config: PorticoConfig, baseDir: string): Promise<ListedPlugin[]> {
  const out: ListedPlugin[] = [];
  for (const entry of config.plugins) {
    if (!entry.enabled) {
      out.push({ package: entry.package, enabled: false, provides: [], status: 'disabled' });
      continue;
    }
    let spec;
    try {
      [spec] = await importPlugins([entry], baseDir);
    } catch (error) {
      out.push({ package: entry.package, enabled: true, provides: [], status: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const { plugin } = spec!;
    const parsed = plugin.options.safeParse(spec!.options ?? {});
    const describe = typeof plugin.describe === 'function' ? (parsed.success ? plugin.describe(parsed.data) : undefined) : plugin.describe;
    out.push({
      package: entry.package,
      enabled: true,
      id: plugin.id,
      version: plugin.version,
      kernel: plugin.kernel,
      provides: providedBy(describe),
      status: parsed.success ? 'ok' : `invalid options: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`,
    });
  }
  return out;
}

/** The list as a table for people. */
export function pluginsTable(plugins: readonly ListedPlugin[]): string {
  const header = ['PLUGIN', 'VERSION', 'KERNEL', 'PACKAGE', 'PROVIDES', 'STATUS'];
  const rows = plugins.map((p) => [p.id ?? '-', p.version ?? '-', p.kernel ?? '-', p.package, p.provides.join(', ') || '-', p.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
