/**
 * @portico/test-servers: real servers for Portico's tests, started on free loopback ports in temporary
 * directories and stopped by process id.
 */
export { findBinary, isCi, requireBinary, requirePowerDns } from './binaries.ts';
export { freePort } from './ports.ts';
export { startPowerDns } from './powerdns.ts';
export type { PowerDns, PowerDnsOptions } from './powerdns.ts';
export { createPowerDnsApi } from './powerdns-api.ts';
export type { PowerDnsApi, RecordSet } from './powerdns-api.ts';
export { requireBind, startBind } from './bind.ts';
export type { AuthoritativeOptions, AuthoritativeServer, Bind, TsigAlgorithm, TsigKeyInfo, TsigKeyOptions } from './bind.ts';
export { requireKnot, startKnot } from './knot.ts';
export type { Knot } from './knot.ts';
export { requirePebble, startPebble } from './pebble.ts';
export type { Pebble, PebbleOptions } from './pebble.ts';
export { initialCaddyConfig, requireCaddy, startCaddy } from './caddy.ts';
export type { Caddy, CaddyOptions } from './caddy.ts';
export { requireRedis, startRedis, type Redis, type RedisOptions } from './redis.ts';
