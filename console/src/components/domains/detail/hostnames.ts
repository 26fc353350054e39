/** A record's host as a DNS panel wants it: relative to the zone, `@` for the zone apex, the full name when the zone is unknown. */
export function relativeHost(name: string, zone: string | null): string {
  const fqdn = name.replace(/\.$/, '').toLowerCase();
  const apex = zone?.replace(/\.$/, '').toLowerCase();
  if (!apex) return fqdn;
  if (fqdn === apex) return '@';
  return fqdn.endsWith(`.${apex}`) ? fqdn.slice(0, -(apex.length + 1)) : fqdn;
}
