/** What administrators see of the background jobs: recent runs, failures, undelivered e-mail. */
import { and, count, desc, eq, gte } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { requireCapability, type Actor } from '../auth/actor.ts';
import { listFailedEmails } from '../notify/email/outbox.ts';
import { jobRuns } from './schema.ts';

export async function jobReport(db: Db, actor: Actor) {
  requireCapability(actor, 'jobs.view');
  const [runs, failures, emails] = await Promise.all([
    db.select().from(jobRuns).orderBy(desc(jobRuns.startedAt), desc(jobRuns.attempt)).limit(50),
    db.select().from(jobRuns).where(eq(jobRuns.status, 'failed')).orderBy(desc(jobRuns.startedAt)).limit(50),
    listFailedEmails(db),
  ]);
  return { runs, failures, emails };
}

/** Runs given up in the last week: the navigation count for administrators. */
export async function recentGiveUps(db: Db, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(jobRuns)
    .where(and(eq(jobRuns.gaveUp, true), gte(jobRuns.startedAt, new Date(now.getTime() - 7 * 86_400_000))));
  return row?.n ?? 0;
}
