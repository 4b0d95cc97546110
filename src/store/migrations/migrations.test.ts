import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { migrate, migrator } from './index.js';

describe('0022_steps_without_rowid', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

  function open(): { db: Kysely<any>; raw: Database.Database; file: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-mig-'));
    dirs.push(dir);
    const file = path.join(dir, 'hookflow.db');
    const raw = new Database(file);
    return { db: new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) }), raw, file };
  }

  const step = (job: string, id: string, seq: number) => ({
    job_id: job, step_id: id, seq, status: 'succeeded', attempts: 1, input: `{"n":${seq}}`, output: '{"ok":true}', error: null,
    idempotency_key: `${job}:${id}`, started_at: 1000 + seq, finished_at: 2000 + seq,
  });

  it('keeps every step row of an existing database and stores them in the key b-tree', async () => {
    const { db, raw } = open();
    const m = await migrator(db, 'sqlite');
    const before = await m.migrateTo('0021_finished_partial');
    expect(before.error).toBeUndefined();
    const rows = [step('j1', 'first', 0), step('j1', 'second', 1), step('j2', 'first', 0)];
    await db.insertInto('job_steps').values(rows).execute();
    const wr = () => (raw.prepare(`SELECT wr FROM pragma_table_list WHERE name = 'job_steps'`).get() as { wr: number }).wr;
    expect(wr()).toBe(0);

    await migrate(db, 'sqlite');
    expect(wr()).toBe(1);
    const after = await db.selectFrom('job_steps').selectAll().orderBy('job_id').orderBy('seq').execute();
    expect(after).toEqual(rows);
    // The primary key still holds: a second row for the same step is refused, an upsert updates it.
    await expect(db.insertInto('job_steps').values(step('j1', 'first', 5)).execute()).rejects.toThrow(/UNIQUE/);
    await sql`INSERT INTO job_steps (job_id, step_id, seq, status, attempts, idempotency_key) VALUES ('j1', 'first', 7, 'failed', 2, 'k')
      ON CONFLICT (job_id, step_id) DO UPDATE SET status = excluded.status, seq = excluded.seq`.execute(db);
    const j1 = await db.selectFrom('job_steps').select(['status', 'seq', 'idempotency_key']).where('job_id', '=', 'j1').where('step_id', '=', 'first').executeTakeFirstOrThrow();
    expect(j1).toEqual({ status: 'failed', seq: 7, idempotency_key: 'j1:first' });
    await db.destroy();
  });

  it('leaves the old table as it was when its last statement fails', async () => {
    const { db, raw } = open();
    await (await migrator(db, 'sqlite')).migrateTo('0021_finished_partial');
    await db.insertInto('job_steps').values(step('j1', 'first', 0)).execute();
    // The copy and the DROP go through; the RENAME then fails, as SQLite checks every view
    // against the schema and this one's table has just been dropped.
    raw.exec('CREATE VIEW steps_seen AS SELECT * FROM job_steps');
    await expect(migrate(db, 'sqlite')).rejects.toThrow(/0022_steps_without_rowid/);
    expect(raw.inTransaction).toBe(false);
    expect((raw.prepare(`SELECT count(*) AS n FROM job_steps`).get() as { n: number }).n).toBe(1);
    expect((raw.prepare(`SELECT wr FROM pragma_table_list WHERE name = 'job_steps'`).get() as { wr: number }).wr).toBe(0);
    expect(raw.prepare(`SELECT name FROM sqlite_schema WHERE name = 'job_steps_new'`).get()).toBeUndefined();
    await db.destroy();
  });
});
