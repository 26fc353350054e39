/**
 * Well-known DNS hosts, by nameserver pattern, for detection when no enabled plugin claims a zone (the widget can
 * still say "your DNS is at GoDaddy" and link the manual steps). Facts from DNSControl's provider sources,
 * domainstack.io's rules and DNSpresso's provider data (research/anchors-dns.md §11). `*` is one label; `**`
 * one or more leading labels. An enabled plugin with the same `provider` id takes precedence over its row.
 */
export interface WellKnownProvider {
  provider: string;
  displayName: string;
  nameservers: readonly string[];
}

const tlds = (prefix: string, names: string[]) => names.map((tld) => `${prefix}.${tld}`);

export const WELL_KNOWN_PROVIDERS: readonly WellKnownProvider[] = [
  { provider: 'cloudflare', displayName: 'Cloudflare', nameservers: ['*.ns.cloudflare.com'] },
  { provider: 'route53', displayName: 'Amazon Route 53', nameservers: [...tlds('*.awsdns-*', ['com', 'net', 'org', 'co.uk']), ...tlds('*.amzndns', ['com', 'net', 'org', 'co.uk'])] },
  { provider: 'google-cloud-dns', displayName: 'Google Cloud DNS', nameservers: ['*.googledomains.com'] },
  { provider: 'azure-dns', displayName: 'Azure DNS', nameservers: tlds('*.azure-dns', ['com', 'net', 'org', 'info']) },
  { provider: 'godaddy', displayName: 'GoDaddy', nameservers: ['*.domaincontrol.com'] },
  { provider: 'namecheap', displayName: 'Namecheap', nameservers: ['*.registrar-servers.com', '*.namecheaphosting.com'] },
  { provider: 'digitalocean', displayName: 'DigitalOcean', nameservers: ['ns1.digitalocean.com', 'ns2.digitalocean.com', 'ns3.digitalocean.com'] },
  { provider: 'linode', displayName: 'Linode (Akamai Cloud)', nameservers: ['*.linode.com'] },
  { provider: 'vultr', displayName: 'Vultr', nameservers: ['ns1.vultr.com', 'ns2.vultr.com'] },
  { provider: 'hetzner', displayName: 'Hetzner', nameservers: ['*.ns.hetzner.com', '*.ns.hetzner.de', '*.ns.hetzner.cloud'] },
  { provider: 'hurricane-electric', displayName: 'Hurricane Electric', nameservers: ['*.he.net'] },
  { provider: 'desec', displayName: 'deSEC', nameservers: ['ns1.desec.io', 'ns2.desec.org'] },
  { provider: 'dnsimple', displayName: 'DNSimple', nameservers: ['*.dnsimple.com', ...tlds('*.dnsimple-edge', ['com', 'io', 'net', 'org'])] },
  { provider: 'ns1', displayName: 'NS1 (IBM)', nameservers: ['**.nsone.net'] },
  { provider: 'dnsmadeeasy', displayName: 'DNS Made Easy', nameservers: ['**.dnsmadeeasy.com', '**.constellix.com', '**.constellix.net'] },
  { provider: 'ultradns', displayName: 'UltraDNS', nameservers: tlds('**.ultradns', ['com', 'net', 'org', 'co.uk', 'biz', 'info']) },
  { provider: 'akamai', displayName: 'Akamai Edge DNS', nameservers: ['**.akam.net'] },
  { provider: 'namecom', displayName: 'Name.com', nameservers: ['*.name.com'] },
  { provider: 'porkbun', displayName: 'Porkbun', nameservers: ['*.ns.porkbun.com'] },
  { provider: 'inwx', displayName: 'INWX', nameservers: ['ns.inwx.de', 'ns2.inwx.de', 'ns3.inwx.eu'] },
  { provider: 'hostingde', displayName: 'hosting.de', nameservers: ['ns1.hosting.de', 'ns2.hosting.de', 'ns3.hosting.de'] },
  { provider: 'loopia', displayName: 'Loopia', nameservers: ['ns1.loopia.se', 'ns2.loopia.se'] },
  { provider: 'luadns', displayName: 'LuaDNS', nameservers: ['*.luadns.net'] },
  { provider: 'netcup', displayName: 'netcup', nameservers: ['*.netcup.net'] },
  { provider: 'oracle-cloud', displayName: 'Oracle Cloud DNS', nameservers: ['**.oraclecloud.com', '**.oraclecloud.net'] },
  { provider: 'vercel', displayName: 'Vercel', nameservers: ['*.vercel-dns.com'] },
  { provider: 'ovh', displayName: 'OVHcloud', nameservers: ['*.ovh.net', '*.ovh.co.uk', '*.anycast.me'] },
  { provider: 'ionos', displayName: 'IONOS', nameservers: [...tlds('*.ui-dns', ['com', 'de', 'org', 'biz']), '*.ionos.com', '*.1and1.com'] },
  { provider: 'namesilo', displayName: 'NameSilo', nameservers: ['*.dnsowl.com'] },
  { provider: 'squarespace', displayName: 'Squarespace Domains', nameservers: ['*.squarespacedns.com'] },
  { provider: 'wix', displayName: 'Wix', nameservers: ['*.wixdns.net'] },
  { provider: 'spaceship', displayName: 'Spaceship', nameservers: ['*.spaceship.com', '*.spaceship.net'] },
  { provider: 'alibaba-cloud', displayName: 'Alibaba Cloud DNS', nameservers: ['*.hichina.com', '*.alidns.com'] },
  { provider: 'dnspod', displayName: 'DNSPod', nameservers: ['*.dnspod.net'] },
  { provider: 'network-solutions', displayName: 'Network Solutions', nameservers: ['*.worldnic.com'] },
  { provider: 'gandi', displayName: 'Gandi', nameservers: ['*.gandi.net'] },
  { provider: 'easydns', displayName: 'easyDNS', nameservers: tlds('*.easydns', ['com', 'net', 'org', 'ca', 'info']) },
  { provider: 'bunny', displayName: 'Bunny DNS', nameservers: ['*.bunny.net'] },
  { provider: 'cloudns', displayName: 'ClouDNS', nameservers: ['*.cloudns.net', '*.cloudns.uk'] },
  { provider: 'dreamhost', displayName: 'DreamHost', nameservers: ['*.dreamhost.com'] },
  { provider: 'bluehost', displayName: 'Bluehost', nameservers: ['*.bluehost.com'] },
  { provider: 'gcore', displayName: 'Gcore', nameservers: ['*.gcorelabs.net'] },
];
