/**
 * What a backup holds, read from the database's own catalogue rather than listed by hand, so a
 * table added by a later feature is backed up without anyone remembering to add it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_FOLDER, queryRows, type Db } from '../db/client.ts';

/**
 * State that must not outlive its moment: live sessions, counts of failed sign-ins, sign-ins
 * half done, forms already sent (their single-use ids die with the session). A restored database
 * starts with nobody signed in.
 */
export const TRANSIENT_TABLES: ReadonlySet<string> = new Set(['sessions', 'sign_in_failures', 'oidc_sign_in_attempts', 'second_factor_challenges', 'form_submissions']);

export interface TableInfo {
  name: string;
  /** Stored columns in table order (generated columns are left to the database). */
  columns: string[];
  /** Tables this one's foreign keys point at. */
  references: string[];
  /** Has triggers of its own (append-only and immutability guards). */
  guarded: boolean;
}

export async function readCatalog(db: Db): Promise<TableInfo[]> {
  const tables = await queryRows<{ name: string; guarded: boolean }>(
    db,
    sql`select c.relname as name,
               exists (select 1 from pg_trigger g where g.tgrelid = c.oid and not g.tgisinternal) as guarded
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p')
         order by c.relname`,
  );
  const columns = await queryRows<{ table: string; column: string }>(
    db,
    sql`select table_name as "table", column_name as "column"
          from information_schema.columns
         where table_schema = 'public' and is_generated = 'NEVER'
         order by table_name, ordinal_position`,
  );
  const references = await queryRows<{ table: string; target: string }>(
    db,
    sql`select distinct c.relname as "table", t.relname as target
          from pg_constraint k
          join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
          join pg_class t on t.oid = k.confrelid
         where k.contype = 'f' and n.nspname = 'public'`,
  );
  return tables.map((t) => ({
    name: t.name,
    columns: columns.filter((c) => c.table === t.name).map((c) => c.column),
    references: references.filter((r) => r.table === t.name).map((r) => r.target),
    guarded: t.guarded,
  }));
}

export class DependencyCycleError extends Error {}

/**
 * Every table after the tables it references, ties broken by name so the order is the same on
 * every engine. A cycle (a table referencing itself included) would need rows ordered within a
 * table, which a backup does not do, so it is refused loudly rather than restored wrongly.
 */
export function dependencyOrder(tables: ReadonlyArray<Pick<TableInfo, 'name' | 'references'>>): string[] {
  const names = new Set(tables.map((t) => t.name));
  const waitingOn = new Map(tables.map((t) => [t.name, new Set(t.references.filter((r) => names.has(r)))]));
  const order: string[] = [];
  while (waitingOn.size > 0) {
    const ready = [...waitingOn].filter(([, deps]) => deps.size === 0).map(([name]) => name).sort();
    if (ready.length === 0) throw new DependencyCycleError(`Tables reference each other in a cycle: ${[...waitingOn.keys()].sort().join(', ')}`);
    for (const name of ready) {
      order.push(name);
      waitingOn.delete(name);
      for (const deps of waitingOn.values()) deps.delete(name);
    }
  }
  return order;
}

export interface MigrationLevel {
  /** How many migrations have been applied. */
  count: number;
  /** The newest applied migration's file name and content hash (drizzle's own record). */
  latest: string | null;
  hash: string | null;
}

export async function migrationLevel(db: Db): Promise<MigrationLevel> {
  const exists = await queryRows<{ present: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!exists[0]?.present) return { count: 0, latest: null, hash: null };
  const rows = await queryRows<{ hash: string; created_at: string | number }>(db, sql`select hash, created_at from drizzle.__drizzle_migrations order by created_at`);
  const last = rows[rows.length - 1];
  return { count: rows.length, latest: last ? migrationTag(Number(last.created_at)) : null, hash: last?.hash ?? null };
}

/** drizzle records a migration by its journal timestamp; the journal gives it its name. */
function migrationTag(when: number): string | null {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number; tag: string }> };
  return journal.entries.find((e) => e.when === when)?.tag ?? null;
}

export function sameLevel(a: MigrationLevel, b: MigrationLevel): boolean {
  return a.count === b.count && a.hash === b.hash;
}
