import { describe, expect, it } from 'vitest';
import type { CaddyClient } from './client.ts';
import { canonicalJson, changedSections, previewCaddyConfig } from './preview.ts';

/** A client that serves `running` and refuses to load or change: a dry run must never push. */
const clientWith = (running: unknown): CaddyClient => ({
  getConfig: async () => ({ config: running, etag: '"/config/ 1"' }),
  load: async () => {
    throw new Error('a dry run loaded a config');
  },
  change: async () => {
    throw new Error('a dry run changed the config');
  },
});

const config = {
  admin: { listen: '127.0.0.1:2019' },
  apps: { http: { servers: { https: { listen: [':443'], routes: [{ handle: [{ handler: 'static_response', status_code: 404 }] }] } } }, tls: { automation: {} } },
};

describe('previewCaddyConfig', () => {
  it('reports no change when the running config equals the rendered one, whatever its key order', async () => {
    const reordered = { apps: { tls: { automation: {} }, http: config.apps.http }, admin: config.admin };
    expect(await previewCaddyConfig(clientWith(reordered), config)).toEqual({ changed: false, diff: '', summary: 'no change' });
  });

  it('diffs pretty-printed JSON and names the apps that change', async () => {
    const changed = structuredClone(config);
    changed.apps.http.servers.https.listen = [':8443'];
    const preview = await previewCaddyConfig(clientWith(config), changed);
    expect(preview.changed).toBe(true);
    expect(preview.summary).toBe('would change apps.http');
    expect(preview.diff).toMatch(/^--- a\/caddy.json\n\+\+\+ b\/caddy.json\n@@ /);
    expect(preview.diff).toContain('\n-            ":443"\n+            ":8443"\n');
  });

  it('names top-level sections and apps that appear or go', async () => {
    const running = { ...config, apps: { http: config.apps.http, pki: {} }, storage: { module: 'file_system', root: '/x' } };
    expect(changedSections(running, config)).toEqual(['apps.pki', 'apps.tls', 'storage']);
    expect((await previewCaddyConfig(clientWith(running), config)).summary).toBe('would change apps.pki, apps.tls, storage');
  });

  it('diffs against an empty Caddy (no config yet) as a created file', async () => {
    const preview = await previewCaddyConfig(clientWith(null), config);
    expect(preview.diff.startsWith('--- /dev/null\n+++ b/caddy.json\n@@ -0,0 +1,')).toBe(true);
    expect(preview.summary).toBe('would change admin, apps.http, apps.tls');
  });

  it('keeps array order (meaningful in Caddy) and sorts keys', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: 1, c: 2 } })).toBe('{\n  "a": {\n    "c": 2,\n    "d": 1\n  },\n  "b": [\n    2,\n    1\n  ]\n}\n');
  });
});
