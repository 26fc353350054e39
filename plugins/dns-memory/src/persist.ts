import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z, type PluginLogger } from '@portico/kernel';
import { MemoryZones, normalizeName, type ZoneSnapshot, type ZoneSpec } from './zones.ts';

const zoneFileSchema = z.object({
  version: z.literal(1),
  zones: z.array(
    z.object({
      name: z.string().min(1),
      serial: z.number().int().min(1),
      records: z.array(
        z.object({
          name: z.string().min(1),
          type: z.enum(['A', 'AAAA', 'CNAME', 'TXT']),
          ttl: z.number().int().min(1),
          values: z.array(z.string()).min(1),
        }),
      ),
    }),
  ),
});

/**
 * The zone store for `persist.file`: zones the file holds as the file has them (records and serial), configured
 * zones it lacks as configured. A missing file is a first start. A file that cannot be read or loaded never stops
 * the plugin: it is renamed `<file>.corrupt-<timestamp>` beside itself, with a warning, and the configured zones
 * are served.
 */
export function openZoneFile(file: string, configured: ZoneSpec[], logger: PluginLogger): MemoryZones {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new MemoryZones(configured);
    return setAside(file, error, configured, logger);
  }
  try {
    const saved = zoneFileSchema.parse(JSON.parse(text)).zones;
    const zones = new MemoryZones();
    for (const zone of saved) zones.addZone(zone.name, zone.records, zone.serial);
    const held = new Set(zones.zoneNames());
    for (const zone of configured) if (!held.has(normalizeName(zone.name))) zones.addZone(zone.name, zone.records);
    return zones;
  } catch (error) {
    return setAside(file, error, configured, logger);
  }
}

function setAside(file: string, error: unknown, configured: ZoneSpec[], logger: PluginLogger): MemoryZones {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, aside);
    logger.warn({ err: error, file, setAside: aside }, 'dns.memory zone file could not be loaded; kept it aside and serving the configured zones');
  } catch (renameError) {
    logger.warn({ err: error, renameErr: renameError, file }, 'dns.memory zone file could not be loaded nor set aside; serving the configured zones');
  }
  return new MemoryZones(configured);
}

/**
 * Write every zone to `file` so that it is either the old or the new content, never a mix: a temp file in the
 * same folder (mode 0600), flushed to disk, then renamed over it. Creates the folder when missing.
 */
export function writeZoneFile(file: string, zones: ZoneSnapshot[]): void {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const temp = join(folder, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const json = `${JSON.stringify({ version: 1, zones }, null, 2)}\n`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, json);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Write `zones` to `file` after every commit. The change is already served when the write runs, so a failed
 * write is logged, not thrown; the next commit writes every zone again.
 */
export function persistZones(zones: MemoryZones, file: string, logger: PluginLogger): () => void {
  return zones.onCommit(() => {
    try {
      writeZoneFile(file, zones.snapshot());
    } catch (error) {
      logger.warn({ err: error, file }, 'dns.memory could not write its zone file; the change is served but not saved');
    }
  });
}
