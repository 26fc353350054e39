import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis, startRedis, type Redis } from './redis.ts';

/** One RESP command over a raw socket; resolves with the first reply line. */
function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 3000 });
    let reply = '';
    socket.once('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.endsWith('\r\n')) {
        socket.destroy();
        resolve(reply);
      }
    });
    socket.once('error', reject);
    socket.once('timeout', () => (socket.destroy(), reject(new Error('no reply within 3000 ms'))));
  });
}

// Without redis-server (apt-get install redis-server) there is nothing to test; CI=true makes requireRedis() throw.
describe.skipIf(!requireRedis())('startRedis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await startRedis({ notifyKeyspaceEvents: 'KEA' });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('listens on a loopback port of its own, not the default 6379', async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(redis.port).not.toBe(6379);
    expect(await command(redis.port, 'PING')).toBe('+PONG\r\n');
  });

  it('stores keys and has persistence off', async () => {
    expect(await command(redis.port, 'SET', 'k', 'v')).toBe('+OK\r\n');
    expect(await command(redis.port, 'GET', 'k')).toBe('$1\r\nv\r\n');
    expect(await command(redis.port, 'CONFIG', 'GET', 'appendonly')).toContain('no');
    expect(await command(redis.port, 'CONFIG', 'GET', 'notify-keyspace-events')).toMatch(/AKE|KEA/);
    expect(readdirSync(redis.dir)).toEqual([]);
  });

  it('stops by pid and removes its directory', async () => {
    const other = await startRedis();
    await other.stop();
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
    await expect(command(other.port, 'PING')).rejects.toThrow();
  });
});
