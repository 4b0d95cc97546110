/**
 * `hookflow tables create|list|show|import|export|rows|delete` against a real `hookflow start`:
 * a CSV with quoted commas and line breaks goes in and comes back out byte for byte, and the
 * server's coded errors reach the command line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookflow, json, ok, startServer, tempDir, type CliServer } from '../helpers/cli.js';

describe('hookflow tables', () => {
  let srv: CliServer;
  beforeAll(async () => { srv = await startServer(); }, 60_000);
  afterAll(async () => { await srv?.stop(); });

  it('creates, imports, lists, pages rows, exports and deletes', { timeout: 120_000 }, async () => {
    const env = srv.env;
    expect(await ok(['tables', 'create', 'team-channels', '--column', 'team:number,channel', '--column', 'note', '--column', 'urgent:boolean'], { env }))
      .toBe('Table team-channels created: team:number (key), channel:string, note:string, urgent:boolean\n');
    const dir = tempDir();
    const csv = 'team,channel,note,urgent\r\n1,#ops,"on call, 24/7",true\r\n2,#db,"two\r\nlines ""quoted""",false\r\n3,#net,,\r\n';
    fs.writeFileSync(path.join(dir, 'in.csv'), csv);
    expect(await ok(['tables', 'import', 'team-channels', 'in.csv'], { env, cwd: dir })).toBe('Imported 3 rows into team-channels (upsert)\n');
    expect(await ok(['tables', 'list'], { env })).toMatch(/^NAME\s+KEY\s+ROWS\s+COLUMNS\s+UPDATED\nteam-channels\s+team\s+3\s+/);
    expect(await json(['tables', 'show', 'team-channels'], { env })).toMatchObject({ name: 'team-channels', key: 'team', row_count: 3 });

    const page = await json<{ items: Array<{ team: number }>; next_cursor: string | null }>(['tables', 'rows', 'team-channels', '--limit', '2'], { env });
    expect(page.items.map((r) => r.team)).toEqual([1, 2]);
    const rest = await json<{ items: Array<{ team: number; note: string | null }> }>(['tables', 'rows', 'team-channels', '--cursor', page.next_cursor!], { env });
    expect(rest.items).toEqual([{ team: 3, channel: '#net', note: null, urgent: null }]);
    expect(await ok(['tables', 'rows', 'team-channels', '--where', '{"urgent":true}'], { env })).toMatch(/^TEAM\s+CHANNEL\s+NOTE\s+URGENT\n1\s+#ops\s+on call, 24\/7\s+true\n$/);

    expect(await ok(['tables', 'export', 'team-channels'], { env })).toBe(csv);
    await ok(['tables', 'export', 'team-channels', '-o', 'out.csv'], { env, cwd: dir });
    expect(fs.readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe(csv);

    // --replace from stdin makes the table the file.
    expect(await ok(['tables', 'import', 'team-channels', '-', '--replace'], { env, input: 'team,channel\n9,#x\n' })).toBe('Imported 1 rows into team-channels (replace)\n');
    expect((await json<{ row_count: number }>(['tables', 'show', 'team-channels'], { env })).row_count).toBe(1);

    const bad = await hookflow(['tables', 'import', 'team-channels', '-'], { env, input: 'team,urgent\nx,perhaps\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error HF_ERR_TABLE_ROW_INVALID: Table team-channels: row 1, column team');
    expect(bad.stderr).toContain('"column": "urgent"');

    expect(await ok(['tables', 'delete', 'team-channels'], { env })).toBe('Table team-channels deleted\n');
    const gone = await hookflow(['tables', 'rows', 'team-channels'], { env });
    expect([gone.code, gone.stderr]).toEqual([1, 'error HF_ERR_TABLE_NOT_FOUND: Table team-channels does not exist\n']);
    expect(await ok(['tables', 'list'], { env })).toBe('No tables.\n');
  });
});
