/**
 * The file and the served body joined from kept, encoded blocks equal a whole serialisation of the same table after
 * every change — also once blocks have split (many hosts added between two neighbours) and emptied (a run of hosts
 * removed), which the small random tables of the delivery tests never reach.
 */
import { servedText, type Route } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { renderTraefikConfig, toYaml } from './render.ts';
import { TraefikRenderCache } from './render-cache.ts';
import { JsonBody, YamlFile } from './unit-texts.ts';

const route = (hostname: string): Route => ({ hostname, basePath: '/', upstream: { host: 'app.internal', port: 8080 }, stripPath: false, protocol: 'https' });
const name = (i: number) => `h${String(i).padStart(6, '0')}.example.com`;
const noPause = () => Promise.resolve();

describe('YamlFile and JsonBody: kept blocks', () => {
  it('equal a whole serialisation after blocks split and empty', async () => {
    const hosts = new Set<string>();
    for (let i = 0; i < 2000; i += 2) hosts.add(name(i));
    const table = () => [...hosts].map(route);
    const cache = new TraefikRenderCache({ httpEntryPoint: 'web', httpsEntryPoint: 'websecure' });
    const file = new YamlFile();
    const body = new JsonBody();
    let version = 1;
    cache.reset(table(), version);
    const check = async (delta: ReturnType<TraefikRenderCache['apply']> | undefined, label: string) => {
      const whole = renderTraefikConfig(table(), { httpEntryPoint: 'web', httpsEntryPoint: 'websecure' });
      const { chunks, changed } = file.chunks(cache, delta, undefined);
      expect(changed, label).toBe(true);
      expect(Buffer.concat(chunks).toString(), label).toBe(toYaml(whole));
      const served = await body.body(cache, delta, undefined, noPause);
      expect(JSON.parse(servedText(served.body)), label).toEqual(JSON.parse(JSON.stringify(whole)));
    };
    await check(undefined, 'whole');
    // Odd names land between the even ones of one block: the block grows past twice its size and splits.
    const steps: Array<[string, () => string[], boolean]> = [
      ['fill a block', () => Array.from({ length: 700 }, (_, k) => name(2 * k + 1)), true],
      ['before every name', () => ['a.example.com', 'b.example.com'], true],
      ['after every name', () => ['z.example.com'], true],
      ['empty the first blocks', () => Array.from({ length: 1200 }, (_, k) => name(k)), false],
      ['empty everything', () => [...hosts], false],
      ['fill again', () => Array.from({ length: 600 }, (_, k) => name(3 * k)), true],
    ];
    for (const [label, list, add] of steps) {
      const names = list();
      // One change set per 50 names, as a busy table sends them.
      for (let i = 0; i < names.length; i += 50) {
        const part = names.slice(i, i + 50);
        for (const host of part) {
          if (add) hosts.add(host);
          else hosts.delete(host);
        }
        const delta = cache.apply({ hosts: part, routes: add ? part.map(route) : [] }, ++version);
        await check(delta, `${label} (${i})`);
      }
    }
    // A unit changed in place (a host's upstream) encodes its block again.
    const moved = name(3);
    const delta = cache.apply({ hosts: [moved], routes: [{ ...route(moved), upstream: { host: 'other.internal', port: 9090 } }] }, version + 1);
    const { chunks } = file.chunks(cache, delta, undefined);
    expect(Buffer.concat(chunks).toString()).toContain('other.internal:9090');
    const served = await body.body(cache, delta, undefined, noPause);
    expect(servedText(served.body)).toContain('other.internal:9090');
  });
});
