/**
 * Imports whose process stopped (killed, crashed, the machine lost power) before they finished.
 *
 * What an import writes to the case data lands in one transaction, so a stopped import leaves
 * none of it: the database rolls the transaction back when the connection drops. What is left is
 * the import's own record, still saying "running". Without this it would say so for fifteen
 * minutes (until its heartbeat was old enough to call it interrupted) and keep the council from
 * importing again meanwhile. Instead, when Sightline starts it marks those records interrupted at
 * once, and the import can be run again straight away (the files are not kept: they hold
 * children's records, so running it again is uploading them again).
 *
 * Which records are abandoned: on the embedded database, every unfinished one, because only one
 * process can have its folder open. On PostgreSQL several servers may share the database, so a
 * running import holds an advisory lock for as long as it runs, on a connection of its own; the
 * lock goes when its process does, and a record whose lock is free belongs to nobody.
 */
import { and, inArray, lt, sql } from 'drizzle-orm';
import { queryRows, type Database, type Db } from '../platform/db/client.ts';
import { caseImports } from './schema.ts';

const UNFINISHED = ['queued', 'running'] as const;

/**
 * An import is created a moment before its lock is taken; a record younger than this whose lock
 * is free may be one being started by another server, so it is looked at again once older.
 */
const START_GRACE_MS = 2_000;

export const INTERRUPTED_MESSAGE = 'The import stopped without finishing because Sightline was stopped or restarted. Nothing from it was saved. Import the files again.';

const lockKey = (importId: string) => sql`hashtext(${`sightline:case-import:${importId}`})`;

/**
 * Runs the import's work while this process holds the import's lock (PostgreSQL). The lock is a
 * transaction-level one in a transaction that does nothing else, so no row or snapshot is held;
 * it ends when the work does, or when the process dies and its connection with it.
 */
export async function whileRunningImport<T>(database: Database, importId: string, work: () => Promise<T>): Promise<T> {
  if (database.engine !== 'postgres') return work();
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  let locked!: () => void;
  const holding = new Promise<void>((resolve) => (locked = resolve));
  const transaction = database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(importId)})`);
    locked();
    await done;
  });
  // Without its lock (the database went away) the import still runs, and fails on its own terms.
  const settled = transaction.catch(() => locked());
  await holding;
  try {
    return await work();
  } finally {
    finished();
    await settled;
  }
}

async function interrupt(db: Db, ids: string[], now: Date, olderThan?: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(caseImports)
    .set({ status: 'interrupted', stage: 'done', failure: INTERRUPTED_MESSAGE, finishedAt: now, heartbeatAt: now })
    .where(and(inArray(caseImports.id, ids), inArray(caseImports.status, [...UNFINISHED]), olderThan ? lt(caseImports.heartbeatAt, olderThan) : undefined))
    .returning({ id: caseImports.id });
  return rows.map((r) => r.id);
}

/** Marks interrupted every unfinished import whose process is gone; returns their ids. */
export async function interruptAbandonedImports(database: Database, now: () => Date = () => new Date(), sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<string[]> {
  const { db } = database;
  const unfinished = await db.select({ id: caseImports.id, heartbeatAt: caseImports.heartbeatAt }).from(caseImports).where(inArray(caseImports.status, [...UNFINISHED]));
  if (database.engine !== 'postgres') return interrupt(db, unfinished.map((r) => r.id), now());

  const interrupted: string[] = [];
  let young = unfinished;
  for (let round = 0; round < 2 && young.length > 0; round++) {
    if (round > 0) await sleep(START_GRACE_MS);
    const next: typeof young = [];
    for (const record of young) {
      const at = now();
      const gone = await db.transaction(async (tx) => {
        const [probe] = await queryRows<{ free: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${lockKey(record.id)}) as free`);
        if (!probe?.free) return 'running';
        // Once looked at again, the record's own heartbeat (in the update's condition) decides.
        if (round === 0 && at.getTime() - record.heartbeatAt.getTime() < START_GRACE_MS) return 'young';
        return (await interrupt(tx, [record.id], at, new Date(at.getTime() - START_GRACE_MS))).length > 0 ? 'interrupted' : 'running';
      });
      if (gone === 'interrupted') interrupted.push(record.id);
      if (gone === 'young') next.push(record);
    }
    young = next;
  }
  return interrupted;
}
