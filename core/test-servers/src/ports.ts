import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * A loopback port free right now for TCP (and UDP when asked: DNS needs both on one port). Another process
 * may still take it before the server binds; callers retry on a bind failure.
 */
export async function freePort({ udp = false, address = '127.0.0.1' }: { udp?: boolean; address?: string } = {}): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, address, () => resolve((server.address() as { port: number }).port));
    });
    const free = !udp || (await udpFree(port, address));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (free) return port;
  }
  throw new Error(`No free port on ${address} for both TCP and UDP after 20 attempts`);
}

async function udpFree(port: number, address: string): Promise<boolean> {
  const socket = createSocket('udp4');
  const bound = await new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, address, () => resolve(true));
  });
  if (bound) await new Promise<void>((resolve) => socket.close(() => resolve()));
  return bound;
}
