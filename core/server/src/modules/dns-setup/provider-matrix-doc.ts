import { readdirSync, readFileSync } from 'node:fs';
import type { DnsProviderDescriptor, Plugin } from '@portico/kernel';

/** The repository's plugin folders (`plugins/dns-*` hold the DNS providers). */
const PLUGINS = new URL('../../../../../plugins/', import.meta.url);

/**
 * Options a provider plugin needs before it can describe itself (its own schema refuses `{}`); a placeholder value
 * is enough, since only the static facts are read. A new plugin with required options needs an entry here, and the
 * matrix's test names it.
 */
const EXAMPLE_OPTIONS: Record<string, unknown> = {
  'dns-domainconnect': { providerId: 'example.com', serviceId: 'portico' },
  'dns-webhook': { url: 'http://127.0.0.1:8888' },
};

/** One DNS provider as the matrix shows it: its package and what it describes. */
export interface MatrixRow {
  folder: string;
  packageName: string;
  version: string;
  provider: DnsProviderDescriptor;
}

/** Every DNS provider plugin of the repository (`plugins/dns-*`), described with `EXAMPLE_OPTIONS` where it needs options. */
export async function repositoryProviders(): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  const folders = readdirSync(PLUGINS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('dns-'))
    .map((entry) => entry.name)
    .sort();
  for (const folder of folders) {
    const pkg = JSON.parse(readFileSync(new URL(`${folder}/package.json`, PLUGINS), 'utf8')) as { name: string; version: string };
    const plugin = ((await import(new URL(`${folder}/src/index.ts`, PLUGINS).href)) as { default: Plugin }).default;
    const parsed = plugin.options.safeParse(EXAMPLE_OPTIONS[folder] ?? {});
    if (!parsed.success) throw new Error(`${folder}: its options refuse ${JSON.stringify(EXAMPLE_OPTIONS[folder] ?? {})}; give it an entry in EXAMPLE_OPTIONS (provider-matrix-doc.ts)`);
    const described = typeof plugin.describe === 'function' ? plugin.describe(parsed.data) : plugin.describe;
    for (const provider of described?.dnsProviders ?? []) rows.push({ folder, packageName: pkg.name, version: pkg.version, provider });
  }
  return rows;
}

const yes = (value: boolean) => (value ? '✓' : '—');
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The credential's fields, from its schema (a zod object); none for a provider written by the user's consent. */
function credentialFields(provider: DnsProviderDescriptor): string {
  const shape = (provider.credentials as { shape?: Record<string, { safeParse(v: unknown): { success: boolean } }> } | undefined)?.shape;
  if (!shape || Object.keys(shape).length === 0) return '—';
  return Object.entries(shape)
    .map(([name, schema]) => (schema.safeParse(undefined).success ? `${name}?` : name))
    .map((name) => `\`${name}\``)
    .join(', ');
}

/**
 * docs/reference/dns-providers.md, rendered from the providers' own descriptors (`npm run docs:generate` writes it;
 * a test compares): one matrix of capabilities in the manner of DNSControl's, then per provider the nameserver hints
 * detection uses and the exact permissions a credential needs.
 */
export function renderProviderMatrixDoc(rows: readonly MatrixRow[]): string {
  const matrix = rows.map(({ provider: p, packageName, version }) => {
    // A provider written by the user's consent (Domain Connect) writes through the DNS host's own template.
    const caps = p.capabilities;
    return [
      `**${cell(p.displayName)}** (\`${p.provider}\`)`,
      `\`${packageName}\` ${version}`,
      p.setup === 'domain-connect' ? 'Domain Connect (the user consents)' : 'API credential',
      caps ? caps.recordTypes.join(', ') : 'the template\'s',
      caps?.updateGranularity ?? '—',
      caps ? yes(caps.atomic) : '—',
      caps ? yes(caps.wildcard) : '—',
      caps ? yes(caps.apexAlias) : '—',
      caps ? (caps.ownership === 'comment' ? 'comment' : 'TXT beside') : '—',
      p.nameservers.length > 0 ? '✓' : '—',
      credentialFields(p),
    ].join(' | ');
  });
  const details = rows.flatMap(({ provider: p, folder }) => [
    `### ${p.displayName} (\`${p.provider}\`)`,
    '',
    `Package folder \`plugins/${folder}\`${p.docsUrl ? `; credentials are made at ${p.docsUrl}` : ''}.`,
    '',
    p.nameservers.length > 0 ? `Detected by its nameservers: ${p.nameservers.map((n) => `\`${n}\``).join(', ')}.` : 'Not detected by nameservers (self-hosted, or chosen explicitly).',
    '',
    'What a credential needs:',
    '',
    ...(p.permissions?.length ? p.permissions.map((line) => `- ${line}`) : ['- nothing stored: the user signs in at their DNS host and consents to the change.']),
    '',
  ]);
  return [
    '# DNS providers: capability matrix',
    '',
    'What each DNS provider plugin of this repository can do, generated from the descriptors the plugins themselves',
    'report (`capabilities`, `nameservers`, `credentials`, `permissions`; `npm run docs:generate` writes this page and',
    'a test fails when it differs). The console shows the same facts in its providers grid, and `GET /v1/providers`',
    'returns them for the providers a deployment enables. How to write a provider: [the provider guide](../plugins/dns-providers.md).',
    '',
    '- **Writes**: what one write replaces — a whole record set (`rrset`), single records (`record`) or the zone.',
    '- **Atomic**: every change of one apply lands together or not at all.',
    '- **Ownership**: how Portico marks the record sets it owns — the provider keeps a comment, or a TXT record beside',
    '  each managed set (in the manner of external-dns); Portico never touches a record set it does not own.',
    '- **Detection**: whether the provider is recognised from a domain\'s nameservers.',
    '- **Credential**: the fields of a stored credential (`?` optional); always encrypted at rest, never returned.',
    '',
    '| Provider | Package | Setup | Record types | Writes | Atomic | Wildcards | Apex alias | Ownership | Detection | Credential |',
    '| :-- | :-- | :-- | :-- | :-- | :-: | :-: | :-: | :-- | :-: | :-- |',
    ...matrix.map((line) => `| ${line} |`),
    '',
    '## Per provider',
    '',
    ...details,
  ].join('\n');
}
