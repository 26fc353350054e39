/**
 * EDGE_FIXTURE_ROUTES rendered per case must equal test/fixtures/<case>/<tenant>.yaml byte for byte: the files
 * exactly as GitOps delivery writes them. After an intended change, rewrite them with
 * `UPDATE_SNAPSHOTS=1 npx vitest run --project plugins plugins/edge-istio/test/snapshots.test.ts` and review the
 * diff; schema.test.ts validates every object in them against the CRD schemas.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EDGE_FIXTURE_ROUTES } from '@portico/kernel/conformance';
import { describe, expect, it } from 'vitest';
import { fileOf, tenantFiles } from '../src/gitops.ts';
import { renderIstio } from '../src/render.ts';
import { CASES, renderOptionsFor, type CaseName } from './cases.ts';

const update = process.env.UPDATE_SNAPSHOTS === '1';
const caseDir = (name: string) => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));
const render = (name: CaseName, routes = EDGE_FIXTURE_ROUTES) => tenantFiles(renderIstio(routes, renderOptionsFor(name)));

describe('rendered manifests match the snapshot files', () => {
  for (const name of Object.keys(CASES) as CaseName[]) {
    describe(name, () => {
      const files = render(name);
      const dir = caseDir(name);
      if (update) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        for (const [tenant, text] of files) writeFileSync(`${dir}${fileOf(tenant)}`, text);
      }

      it('has one file per tenant, and no other', () => {
        expect(existsSync(dir), `${dir} is missing: run with UPDATE_SNAPSHOTS=1`).toBe(true);
        expect(readdirSync(dir).sort()).toEqual([...files.keys()].map(fileOf).sort());
      });

      for (const [tenant, text] of files) {
        it(fileOf(tenant), () => expect(text).toBe(readFileSync(`${dir}${fileOf(tenant)}`, 'utf8')));
      }

      it('does not depend on the order of the route table', () => {
        expect(render(name, [...EDGE_FIXTURE_ROUTES].reverse())).toEqual(files);
      });
    });
  }
});
