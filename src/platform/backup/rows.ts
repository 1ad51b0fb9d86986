/**
 * Every row of a table as one line of JSON, in one order on every engine, with the SHA-256 of
 * the lines. PostgreSQL writes the JSON (row_to_json) and reads it back (json_populate_recordset),
 * so values keep their exact form: 64-bit integers, timestamps to the microsecond, jsonb, arrays.
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';

const FETCH_ROWS = 1000;

export interface TableDigest {
  rows: number;
  sha256: string;
}

/**
 * Calls `each` with every row's line, in byte order of the lines (collation "C", the same on
 * both engines). Run inside a transaction with TimeZone set to UTC, so timestamps read alike.
 */
export async function eachRow(db: Db, table: string, each: (line: string) => Promise<void> | void): Promise<TableDigest> {
  const hash = crypto.createHash('sha256');
  let rows = 0;
  const cursor = sql.identifier(`backup_${table}`);
  await db.execute(
    sql`declare ${cursor} no scroll cursor for
        select line from (select row_to_json(t)::text as line from ${sql.identifier(table)} t) rows order by line collate "C"`,
  );
  try {
    for (;;) {
      const batch = await queryRows<{ line: string }>(db, sql`fetch forward ${sql.raw(String(FETCH_ROWS))} from ${cursor}`);
      for (const { line } of batch) {
        hash.update(line).update('\n');
        rows++;
        await each(line);
      }
      if (batch.length < FETCH_ROWS) break;
    }
  } finally {
    await db.execute(sql`close ${cursor}`);
  }
  return { rows, sha256: hash.digest('hex') };
}

/** Rows as they were written, in one statement per batch: the database parses every value. */
export async function insertRows(db: Db, table: string, columns: readonly string[], lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const list = sql.join(columns.map((c) => sql.identifier(c)), sql`, `);
  // OVERRIDING SYSTEM VALUE keeps the numbers of identity columns (action numbers) as they were.
  await db.execute(
    sql`insert into ${sql.identifier(table)} (${list}) overriding system value
        select ${list} from json_populate_recordset(null::${sql.identifier(table)}, ${`[${lines.join(',')}]`}::json)`,
  );
}

/** After a restore, sequences continue after the highest restored value, not from 1. */
export async function resetSequences(db: Db, table: string, columns: readonly string[]): Promise<void> {
  for (const column of columns) {
    const [found] = await queryRows<{ sequence: string | null }>(db, sql`select pg_get_serial_sequence(${`"${table}"`}, ${column}) as sequence`);
    if (!found?.sequence) continue;
    await db.execute(
      sql`select setval(${found.sequence}::regclass, coalesce((select max(${sql.identifier(column)}) from ${sql.identifier(table)}), 0) + 1, false)`,
    );
  }
}
