/**
 * The rendered fixture table must equal test/fixtures/<name>.traefik.yaml (the KV form <name>.traefik-kv.txt, and
 * one file per project for directory delivery in acme.directory/) byte for byte. After an intended change, rewrite them with
 * `UPDATE_SNAPSHOTS=1 npx vitest run --project plugins plugins/edge-traefik/test/snapshots.test.ts` and review
 * the diff; schema.test.ts validates the YAML files against the Traefik v3 file-provider schema.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flattenToKv } from '../src/kv.ts';
import { renderTraefikConfig, toYaml } from '../src/render.ts';
import { splitByTenant } from '../src/split.ts';
import { fixtureCertificates, fixtureOptions, fixtureRoutes } from './fixtures/routes.ts';

const update = process.env.UPDATE_SNAPSHOTS === '1';
const fixture = (file: string) => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

function check(file: string, text: string): void {
  const path = fixture(file);
  if (update) writeFileSync(path, text);
  expect(existsSync(path), `${path} is missing: run with UPDATE_SNAPSHOTS=1`).toBe(true);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

const cases = [
  ...Object.entries(fixtureOptions).map(([name, options]) => ({ name, render: () => renderTraefikConfig(fixtureRoutes, options) })),
  { name: 'empty', render: () => renderTraefikConfig([], fixtureOptions.acme) },
  // Certificates supplied by cert-acme: `tls.certificates` with the PEM content.
  { name: 'certificates', render: () => renderTraefikConfig(fixtureRoutes, fixtureOptions.supplied, fixtureCertificates) },
];

describe('rendered Traefik configs match the snapshot files', () => {
  for (const { name, render } of cases) {
    it(`${name}.traefik.yaml`, () => check(`${name}.traefik.yaml`, toYaml(render())));
  }

  it('acme.traefik-kv.txt (Redis KV layout)', () => {
    const kv = flattenToKv(renderTraefikConfig(fixtureRoutes, fixtureOptions.acme));
    check('acme.traefik-kv.txt', [...kv].map(([key, value]) => `${key} = ${value}`).join('\n') + '\n');
  });

  it('acme.directory/ (one file per project, directory delivery)', () => {
    const dir = fixture('acme.directory');
    const files = splitByTenant(renderTraefikConfig(fixtureRoutes, fixtureOptions.acme), fixtureRoutes);
    const names = [...files.keys()].map((key) => `portico-${key}.yaml`);
    if (update) {
      mkdirSync(dir, { recursive: true });
      for (const name of readdirSync(dir)) if (!names.includes(name)) rmSync(`${dir}/${name}`);
    }
    // Three tenants and the route of none; no stale snapshot left behind.
    expect(names).toEqual(['portico-_default.yaml', 'portico-acme.docs.yaml', 'portico-acme.storefront.yaml', 'portico-globex.portal.yaml']);
    for (const [key, config] of files) check(`acme.directory/portico-${key}.yaml`, toYaml(config));
    expect(readdirSync(dir).sort()).toEqual(names);
  });

  it('does not depend on the order of the route table', () => {
    const reversed = [...fixtureRoutes].reverse();
    for (const options of Object.values(fixtureOptions)) {
      expect(toYaml(renderTraefikConfig(reversed, options))).toBe(toYaml(renderTraefikConfig(fixtureRoutes, options)));
    }
  });
});
