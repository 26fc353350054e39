import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary, requireBinary } from './binaries.ts';
import { startAuthoritative, zoneFile, type AuthoritativeOptions, type AuthoritativeServer, type TsigKeyInfo } from './bind.ts';

export type Knot = AuthoritativeServer;

/** `requireBinary('knotd', 'knot')`: true when Knot can be started; see `requireBinary` for CI. */
export const requireKnot = (): boolean => requireBinary('knotd', 'knot');

/**
 * Starts Knot DNS (`knotd`, foreground) on a free loopback port, in a fresh temporary directory, with zones that
 * take updates signed by the given keys (one acl per key), and resolves once every zone's SOA is served.
 */
export async function startKnot(options: AuthoritativeOptions = {}): Promise<Knot> {
  const binary = findBinary('knotd');
  if (!binary) throw new Error('knotd is not installed: apt-get install knot');
  return await startAuthoritative('knotd', options, {
    binary,
    args: (dir) => ['-c', join(dir, 'knot.conf')],
    portTaken: /address already in use|cannot bind/i,
    configure: async ({ dir, address, dnsPort, keys, zones }) => {
      await writeFile(join(dir, 'knot.conf'), knotConfig({ dir, address, dnsPort, keys, zones: zones.map((zone) => zone.name) }));
      for (const zone of zones) await writeFile(join(dir, `${zone.name}.zone`), zoneFile(zone.name, zone.records, address));
    },
  });
}

// YAML written by hand: every value is a name, a path, a number or a base64 secret, none needing quotes but paths.
function knotConfig({ dir, address, dnsPort, keys, zones }: { dir: string; address: string; dnsPort: number; keys: TsigKeyInfo[]; zones: string[] }): string {
  const acls = keys
    .map((key, i) => {
      const actions = [...(key.update === false ? [] : ['update']), ...(key.transfer ? ['transfer'] : [])];
      if (actions.length === 0) return undefined;
      const types = Array.isArray(key.update) ? [`    update-type: [${key.update.join(', ')}]`] : [];
      return { id: `acl${i}`, lines: [`  - id: acl${i}`, `    key: ${key.name}`, `    action: [${actions.join(', ')}]`, ...types] };
    })
    .filter((acl) => acl !== undefined);
  return [
    'server:',
    `    rundir: "${dir}"`,
    `    listen: ${address}@${dnsPort}`,
    'log:',
    '  - target: stderr',
    '    any: info',
    ...(keys.length > 0 ? ['key:', ...keys.flatMap((key) => [`  - id: ${key.name}`, `    algorithm: ${key.algorithm}`, `    secret: ${key.secret}`])] : []),
    ...(acls.length > 0 ? ['acl:', ...acls.flatMap((acl) => acl.lines)] : []),
    // Knot fails every update with SERVFAIL when this directory does not exist; startAuthoritative creates it.
    'database:',
    `    storage: "${join(dir, 'db')}"`,
    'template:',
    '  - id: default',
    `    storage: "${dir}"`,
    '    file: "%s.zone"',
    '    zonefile-sync: -1',
    '    zonefile-load: difference-no-serial',
    '    journal-content: all',
    ...(zones.length > 0 ? ['zone:', ...zones.flatMap((zone) => [`  - domain: ${zone}`, ...(acls.length > 0 ? [`    acl: [${acls.map((acl) => acl.id).join(', ')}]`] : [])])] : []),
    '',
  ].join('\n');
}
