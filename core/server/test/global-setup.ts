import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL with rights to create databases; each test file creates its own database. */
    adminDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL for the run: DATABASE_URL when set, otherwise an embedded one on a free port, thrown away after
 * the run — so it keeps the fast settings (`persistent: false`: fsync and full-page writes off), which `npm start`
 * never uses for data anyone keeps.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.DATABASE_URL);
    return async () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'portico-test-pg-'));
  const db = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: 0, persistent: false, database: null });
  project.provide('adminDatabaseUrl', db.url);
  return () => db.stop();
}
