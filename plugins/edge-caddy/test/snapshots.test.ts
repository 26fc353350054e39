/**
 * The rendered fixture table must equal test/fixtures/<name>.caddy.json byte for byte. After an intended change,
 * rewrite the files with `UPDATE_SNAPSHOTS=1 npx vitest run --project plugins plugins/edge-caddy/test/snapshots.test.ts`
 * and review the diff; the files are then checked by `caddy validate` (validate.test.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderCaddyConfig } from '../src/render.ts';
import { fixtureCertificates, fixtureOptions, fixtureRoutes } from './fixtures/routes.ts';

const update = process.env.UPDATE_SNAPSHOTS === '1';
const snapshotPath = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.caddy.json`, import.meta.url));

const cases = [
  ...Object.entries(fixtureOptions).map(([name, options]) => ({ name, render: () => renderCaddyConfig(fixtureRoutes, options) })),
  { name: 'empty', render: () => renderCaddyConfig([], fixtureOptions.internal!) },
  // Supplied certificates (cert.acme): loaded, selected by tag for their names, never obtained on demand.
  { name: 'supplied', render: () => renderCaddyConfig(fixtureRoutes, fixtureOptions.acme!, fixtureCertificates) },
];

describe('rendered Caddy configs match the snapshot files', () => {
  for (const { name, render } of cases) {
    it(`${name}.caddy.json`, () => {
      const text = `${JSON.stringify(render(), null, 2)}\n`;
      const path = snapshotPath(name);
      if (update) writeFileSync(path, text);
      expect(existsSync(path), `${path} is missing: run with UPDATE_SNAPSHOTS=1`).toBe(true);
      expect(text).toBe(readFileSync(path, 'utf8'));
    });
  }

  it('does not depend on the order of the route table', () => {
    const reversed = [...fixtureRoutes].reverse();
    for (const options of Object.values(fixtureOptions)) {
      expect(renderCaddyConfig(reversed, options)).toEqual(renderCaddyConfig(fixtureRoutes, options));
    }
  });
});
