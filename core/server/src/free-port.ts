import { createSocket } from 'node:dgram';
import { createServer, isIPv6 } from 'node:net';

const ATTEMPTS = 10;

/**
 * A port free for both UDP and TCP on `host` right now (a DNS server needs both): `preferred` when it is free,
 * otherwise one the system hands out. Another process may still take it before it is bound; random ephemeral
 * ports make that unlikely.
 */
export async function freeUdpTcpPort(host = '127.0.0.1', preferred?: number): Promise<number> {
  const candidates = [...(preferred ? [preferred] : []), ...Array<number>(ATTEMPTS).fill(0)];
  for (const candidate of candidates) {
    const udp = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    const port = await new Promise<number | undefined>((resolve) => {
      udp.once('error', () => resolve(undefined));
      udp.bind(candidate, host, () => resolve(udp.address().port));
    });
    if (port === undefined) {
      udp.close();
      continue;
    }
    const tcp = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    await new Promise<void>((resolve) => (ok ? tcp.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (ok) return port;
  }
  throw new Error(`No port free for both UDP and TCP on ${host}${preferred ? ` (${preferred} is taken)` : ''}`);
}
