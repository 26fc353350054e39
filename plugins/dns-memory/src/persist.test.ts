import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, type Kernel } from '@portico/kernel';
import { createTestServices } from '@portico/kernel/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import memoryDns, { getMemoryDnsInstance } from './index.ts';

let folder: string;
const kernels: Kernel[] = [];

afterEach(async () => {
  for (const kernel of kernels.splice(0)) await kernel.close();
  rmSync(folder, { recursive: true, force: true });
});

async function start(options: Record<string, unknown>) {
  const services = createTestServices();
  const kernel = createKernel({ services });
  kernels.push(kernel);
  await kernel.register({ plugin: memoryDns, options: { id: 'persist', ...options } });
  return { kernel, services, zones: getMemoryDnsInstance('persist')!.zones };
}

function newFolder() {
  folder = mkdtempSync(join(tmpdir(), 'dns-memory-persist-'));
  return folder;
}

const www = { name: 'www.shop.test', type: 'A' as const, ttl: 60, values: ['192.0.2.7'] };

describe('dns.memory persist', () => {
  it('serves a record applied through the plugin again after a second instance starts on the same file', async () => {
    const file = join(newFolder(), 'state', 'zones.json');
    const first = await start({ zones: [{ name: 'shop.test' }], persist: { file } });
    await first.kernel.applyRecords('memory', { zone: 'shop.test', upsert: [www], remove: [] });
    const serial = first.zones.serial('shop.test');
    expect(serial).toBeGreaterThan(1);
    await first.kernel.close();

    const second = await start({ zones: [{ name: 'shop.test' }, { name: 'new.test' }], persist: { file } });
    expect(second.zones.get('www.shop.test', 'A')?.values).toEqual(['192.0.2.7']);
    expect(second.zones.serial('shop.test')).toBe(serial);
    expect(second.zones.zoneNames()).toEqual(['new.test', 'shop.test']);
    expect(second.services.logs.filter((log) => log.level === 'warn')).toEqual([]);
  });

  it('lets the file win over the configured records of a zone it holds', async () => {
    const file = join(newFolder(), 'zones.json');
    const first = await start({ zones: [{ name: 'shop.test' }], persist: { file } });
    await first.kernel.applyRecords('memory', { zone: 'shop.test', upsert: [www], remove: [] });
    await first.kernel.close();

    const configured = [{ name: 'shop.test', records: [{ name: 'www.shop.test', type: 'A', values: ['198.51.100.1'] }] }];
    const second = await start({ zones: configured, persist: { file } });
    expect(second.zones.get('www.shop.test', 'A')?.values).toEqual(['192.0.2.7']);
  });

  it('writes the file atomically as readable JSON, mode 0600, leaving no temp file behind', async () => {
    const dir = newFolder();
    const file = join(dir, 'zones.json');
    const { kernel } = await start({ zones: [{ name: 'shop.test' }], persist: { file } });
    await kernel.applyRecords('memory', { zone: 'shop.test', upsert: [www], remove: [] });
    await kernel.applyRecords('memory', { zone: 'shop.test', upsert: [{ ...www, values: ['192.0.2.8'] }], remove: [] });

    expect(readdirSync(dir)).toEqual(['zones.json']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.version).toBe(1);
    expect(saved.zones[0].name).toBe('shop.test');
    expect(saved.zones[0].records).toContainEqual({ name: 'www.shop.test', type: 'A', ttl: 60, values: ['192.0.2.8'] });
  });

  it('does not write the file for a dry run or a write that changes nothing', async () => {
    const dir = newFolder();
    const file = join(dir, 'zones.json');
    const { zones } = await start({ zones: [{ name: 'shop.test' }], persist: { file } });
    zones.apply({ zone: 'shop.test', upsert: [www], remove: [], dryRun: true });
    zones.apply({ zone: 'shop.test', upsert: [], remove: [www] });
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['not JSON', '{"version": 1, "zones": ['],
    ['the wrong shape', '{"version": 1, "zones": [{"name": "shop.test"}]}'],
    ['records the store refuses', JSON.stringify({ version: 1, zones: [{ name: 'shop.test', serial: 3, records: [{ ...www, values: ['not-an-ip'] }] }] })],
  ])('sets aside a file holding %s and starts with the configured zones', async (_, content) => {
    const dir = newFolder();
    const file = join(dir, 'zones.json');
    writeFileSync(file, content);
    const configured = [{ name: 'shop.test', records: [{ name: 'api.shop.test', type: 'A', values: ['198.51.100.1'] }] }];
    const { kernel, services, zones } = await start({ zones: configured, persist: { file } });

    expect(zones.list('shop.test')).toEqual([{ name: 'api.shop.test', type: 'A', ttl: 300, values: ['198.51.100.1'] }]);
    expect(zones.serial('shop.test')).toBe(1);
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^zones\.json\.corrupt-\d{4}-\d{2}-\d{2}T[\d-]+Z$/);
    expect(readFileSync(join(dir, names[0]), 'utf8')).toBe(content);
    expect(services.logs).toContainEqual(expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ file, setAside: join(dir, names[0]) }) }));

    await kernel.applyRecords('memory', { zone: 'shop.test', upsert: [www], remove: [] });
    expect(JSON.parse(readFileSync(file, 'utf8')).zones[0].records).toHaveLength(3);
  });
});
