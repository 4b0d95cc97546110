/** `hookflow recipes apply --draft`, `show --draft`, `publish` and `rename`, over a real server. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookflow, json, ok, startServer, tempDir, type CliServer } from '../helpers/cli.js';

const yaml = (label: string) => `name: drafted\ntrigger: { type: webhook }\nsteps:\n  - id: s\n    action: transform\n    with: { label: ${label} }\n`;

describe('hookflow recipes drafts', () => {
  let srv: CliServer;
  beforeAll(async () => { srv = await startServer(); }, 120_000);
  afterAll(async () => { await srv?.stop(); });

  it('applies as a draft, shows it, publishes it as the next version, and renames', { timeout: 90_000 }, async () => {
    const dir = tempDir();
    const file = path.join(dir, 'drafted.yaml');
    fs.writeFileSync(file, yaml('one'));
    expect((await json<Array<{ version: number }>>(['recipes', 'apply', file, '--json'], { env: srv.env }))[0]!.version).toBe(1);

    fs.writeFileSync(file, yaml('two'));
    expect(await ok(['recipes', 'apply', file, '--draft'], { env: srv.env })).toMatch(/drafted\s+version 1\s+draft saved/);
    const listed = await json<Array<{ name: string; version: number; draft: unknown }>>(['recipes', 'list', '--json'], { env: srv.env });
    expect(listed.find((r) => r.name === 'drafted')).toMatchObject({ version: 1, draft: { updated_at: expect.any(String) } });
    expect(await ok(['recipes', 'list'], { env: srv.env })).toMatch(/drafted\s+1\s+started.*draft saved/);
    expect(await ok(['recipes', 'show', 'drafted', '--draft'], { env: srv.env })).toContain('label: two');
    expect(await ok(['recipes', 'show', 'drafted'], { env: srv.env })).toContain('label: one');

    expect(await ok(['recipes', 'publish', 'drafted'], { env: srv.env })).toMatch(/^drafted published as version 2 \(http/);
    expect(await ok(['recipes', 'show', 'drafted'], { env: srv.env })).toContain('label: two');
    const again = await hookflow(['recipes', 'publish', 'drafted'], { env: srv.env });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('HF_ERR_NOTHING_TO_PUBLISH');

    const url = (await json<Array<{ name: string; trigger_url: string }>>(['recipes', 'list', '--json'], { env: srv.env })).find((r) => r.name === 'drafted')!.trigger_url;
    expect(await ok(['recipes', 'rename', 'drafted', 'renamed'], { env: srv.env })).toBe('drafted renamed to renamed\n');
    const after = await json<Array<{ name: string; trigger_url: string; version: number }>>(['recipes', 'list', '--json'], { env: srv.env });
    expect(after.map((r) => r.name)).toEqual(['renamed']);
    expect(after[0]).toMatchObject({ trigger_url: url, version: 2 });
  });
});
