/**
 * @module cli/commands/catalog
 * `hookflow catalog [--json]`: what the server's catalog holds (GET /api/v1/catalog), as tables of
 * actions, trigger types and connection types; `--json` prints the whole catalog with schemas.
 */
import type { Command } from 'commander';
import { api, emit, out, sub, table, type JsonOpt } from './shared.js';

interface Entry { name?: string; type?: string; title: string; description: string; connector?: string; connection_types?: string[]; auth?: Array<{ type: string }> }
interface CatalogView { actions: Entry[]; triggers: Entry[]; connection_types: Entry[] }

const short = (s: string) => (s.length > 70 ? `${s.slice(0, 69)}…` : s);

export function registerCatalogCommand(program: Command): void {
  sub(program, 'catalog', 'Actions, trigger types and connection types, with their fields (--json: with schemas)')
    .action(async (opts: JsonOpt) => {
      const c = await api(opts)<CatalogView>('GET', '/catalog');
      emit(opts, c, () => {
        out('ACTIONS');
        out(table(['NAME', 'CONNECTOR', 'CONNECTION', 'TITLE'], c.actions.map((a) => [a.name, a.connector, (a.connection_types ?? []).join(','), short(a.title)])));
        out();
        out('TRIGGERS');
        out(table(['TYPE', 'TITLE'], c.triggers.map((t) => [t.type, short(t.title)])));
        out();
        out('CONNECTION TYPES');
        out(table(['TYPE', 'AUTH', 'TITLE'], c.connection_types.map((t) => [t.type, (t.auth ?? []).map((a) => a.type).join(','), short(t.title)])));
      });
    });
}
