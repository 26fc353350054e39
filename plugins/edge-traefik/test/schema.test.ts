/**
 * Every YAML snapshot (one file in total, and one per project) validates against SchemaStore's Traefik v3 file-provider schema (copied into
 * test/fixtures with its license; see NOTICE there). The schema forbids unknown router fields, so a typo in a
 * field name fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const schema = JSON.parse(readFileSync(`${fixtures}traefik-v3-file-provider.schema.json`, 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
// One file per project (directory delivery): each file must be valid on its own, as Traefik parses each alone.
const perProject = readdirSync(`${fixtures}acme.directory`).sort().map((name) => `acme.directory/${name}`);
const snapshots = [...readdirSync(fixtures).filter((name) => name.endsWith('.traefik.yaml')).sort(), ...perProject];

describe('Traefik v3 file-provider schema', () => {
  it('finds the snapshot files', () => {
    expect(snapshots).toEqual([
      'acme.traefik.yaml',
      'certificates.traefik.yaml',
      'empty.traefik.yaml',
      'supplied.traefik.yaml',
      'acme.directory/portico-_default.yaml',
      'acme.directory/portico-acme.docs.yaml',
      'acme.directory/portico-acme.storefront.yaml',
      'acme.directory/portico-globex.portal.yaml',
    ]);
  });

  for (const name of snapshots) {
    it(`accepts ${name}`, () => {
      const ok = validate(parse(readFileSync(`${fixtures}${name}`, 'utf8')));
      expect(validate.errors ?? [], name).toEqual([]);
      expect(ok).toBe(true);
    });
  }

  // The check can fail: an unknown router field and a non-integer priority are refused.
  it('rejects a router with an unknown field, so the checks above mean something', () => {
    const bad = { http: { routers: { r: { rule: 'Host(`a.test`)', service: 's', priority: 'high', colour: 'red' } } } };
    expect(validate(bad)).toBe(false);
  });
});
