#!/usr/bin/env bash
# The real servers the test suites talk to, from Debian/Ubuntu packages: `npm run test:servers:install`.
# Declared only here; .ci/run calls this script. Without them those suites skip with a printed reason
# (with CI=true they fail instead). Nothing here runs as a system service for the tests: each test starts its
# own server on a free port.
#   pdns-server pdns-backend-sqlite3 sqlite3  PowerDNS: plugins/dns-powerdns, cert-acme DNS-01, the server's PowerDNS
#                                             verification and DNS-setup suites, core/test-servers
#   bind9 bind9-utils, knot knot-dnsutils     BIND and Knot: plugins/dns-rfc2136 (RFC 2136, TSIG), authoritative lookup
#   bind9-dnsutils                            dig and nsupdate for the RFC 2136 / TSIG suites
#   caddy                                     plugins/edge-caddy and the server's Caddy end-to-end suite
#   pebble openssl                            a test ACME CA: plugins/cert-acme, the server's certificate suites
#   redis-server                              plugins/edge-traefik (its Redis KV provider)
#   python3                                   plugins/dns-webhook (its reference provider server, standard library only)
set -euo pipefail
packages=(pdns-server pdns-backend-sqlite3 sqlite3 bind9-dnsutils bind9 bind9-utils knot knot-dnsutils caddy pebble openssl redis-server python3 chromium fonts-dejavu-core)
if dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  echo "Test servers already installed: ${packages[*]}"
  exit 0
fi
command -v apt-get >/dev/null || { echo "apt-get not found: install these packages with your system's package manager: ${packages[*]}" >&2; exit 1; }
sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
