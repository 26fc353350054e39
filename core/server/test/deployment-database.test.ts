import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.ts';
import { MIGRATIONS_DIR } from '../src/db/orm.ts';
import { createSecretBox, loadSecretKeys } from '../src/modules/credentials/crypto.ts';
import { startPortico } from '../src/runtime.ts';
import { migrate } from '../../../docs/deployment/migrate.ts';
import { collectingLogger, createTestDatabase } from './helpers.ts';
import { argvOf, configs, DEPLOY, execForm, inCheckout, instruction, nodeCommand, podsOf, read, run, workloads } from './deployment-files.ts';

// The files of docs/deployment/ and docs/deployment.md against the code they drive. Every Kubernetes object is
// validated against the Kubernetes schemas, unknown fields included; every role, flag, environment variable and
// config key they use must be one the server reads; ports and probe paths are asked of a running Portico; the
// Containerfile's commands must name real scripts and files; the systemd units pass systemd-analyze; the migration
// step and the backup query run against a real database. Each failure names the file and what is wrong in it.


describe('with a database', () => {
  const keys = `k1:${randomBytes(32).toString('base64')}`;
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.PORTICO_ENCRYPTION_KEYS;
    process.env.PORTICO_ENCRYPTION_KEYS = keys; // runtime.ts reads the keys from process.env, as in production
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.PORTICO_ENCRYPTION_KEYS;
    else process.env.PORTICO_ENCRYPTION_KEYS = saved;
  });

  it('migrates with docs/deployment/migrate.ts: all pending, then applied once, then none', async () => {
    const url = await createTestDatabase();
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^Migration\d+\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
    expect((await migrate(url, { list: true })).pending.sort()).toEqual(files);
    // The migration Job's own command line, with the environment it gets.
    const job = workloads.find((o) => o.kind === 'Job')!;
    const argv = argvOf(podsOf(job).containers[0]!);
    expect(nodeCommand(argv).script).toBe('docs/deployment/migrate.ts');
    const env = { DATABASE_URL: url, PORTICO_CONFIG: join(DEPLOY, 'systemd/portico.config.json') };
    expect(await run(argv, env), argv.join(' ')).toMatchObject({ code: 0, output: expect.stringContaining(`Applied (${files.length})`) });
    expect(await run([...argv, '--list'], env)).toMatchObject({ code: 0, output: expect.stringContaining('No migration is pending') });
    expect(await migrate(url)).toEqual({ pending: [], applied: [] });
  });

  it('lists the key ids of every sealed column with docs/deployment/sealed-key-ids.sql', async () => {
    const url = await createTestDatabase();
    await migrate(url);
    const sql = read('docs/deployment/sealed-key-ids.sql');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const columns = await client.query<{ c: string }>(`select table_name || '.' || column_name as c from information_schema.columns where table_schema = 'public' and column_name like '%sealed%' order by 1`);
      expect(columns.rows.length).toBeGreaterThan(0);
      for (const { c } of columns.rows) {
        const [table, column] = c.split('.');
        expect(new RegExp(`${column}\\b[^\\n]*from ${table}\\b`).test(sql), `sealed-key-ids.sql reads ${c}`).toBe(true);
      }
      expect((await client.query(sql)).fields.map((f) => f.name)).toEqual(['key_id', 'sealed_values']);
      const sealed = createSecretBox((await loadSecretKeys({ PORTICO_ENCRYPTION_KEYS: keys }))!).seal('x', 'aad');
      expect((await client.query<{ id: string }>(`select split_part($1, '.', 2) as id`, [sealed])).rows[0]!.id).toBe('k1');
    } finally {
      await client.end();
    }
  });

  it('starts the ConfigMap config as the API, answering the probe paths; the Containerfile HEALTHCHECK passes, then fails once stopped', async () => {
    const { where, text, installedAt } = configs[1]!;
    const config = parseConfig(JSON.parse(text), { PORTICO_HOST: '127.0.0.1', PORTICO_PORT: '0' }, where);
    config.database.url = await createTestDatabase();
    const portico = await startPortico({ config, baseDir: inCheckout(installedAt), logger: collectingLogger().logger, role: 'api' });
    const port = new URL(portico.url!).port;
    let stopped = false;
    try {
      const paths = new Set(workloads.flatMap((o) => podsOf(o).containers.flatMap((c) => [c.startupProbe, c.readinessProbe, c.livenessProbe].map((p) => p?.httpGet?.path))).filter((p) => p !== undefined));
      for (const path of paths) expect((await fetch(`${portico.url}${path}`)).status, `GET ${path}`).toBe(200);
      const ready = (await (await fetch(`${portico.url}/readyz`)).json()) as { checks?: Record<string, string> };
      expect(Object.keys(ready.checks ?? {}), 'readiness checks its dependencies').toEqual(expect.arrayContaining(['database', 'jobs', 'routeTable']));
      const healthcheck = /CMD (\[.*\])$/.exec(instruction('HEALTHCHECK')[0] ?? '')?.[1];
      expect(healthcheck, 'HEALTHCHECK in exec form').toContain('/readyz');
      expect(await run(execForm(healthcheck!), { PORTICO_PORT: port }), 'HEALTHCHECK while ready').toMatchObject({ code: 0 });
      stopped = true;
      await portico.stop();
      expect((await run(execForm(healthcheck!), { PORTICO_PORT: port })).code, 'HEALTHCHECK once stopped').toBe(1);
    } finally {
      if (!stopped) await portico.stop();
    }
  });

  it('starts the systemd config: its plugins load from the installation folder and its edges check out', async () => {
    const { where, text, installedAt } = configs[0]!;
    const config = parseConfig(JSON.parse(text), {}, where);
    config.database.url = await createTestDatabase();
    const portico = await startPortico({ config, baseDir: inCheckout(installedAt), logger: collectingLogger().logger, role: 'cli' });
    await portico.stop();
  });
});

// ── docs/deployment.md ─────────────────────────────────────────────────────────────────────────────────────────

/** Backticked words in the doc that look like environment variables but are not ones (signals, SQL, other tools'). */
