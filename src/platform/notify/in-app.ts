/**
 * In-app notifications. `notify` is idempotent by (person, dedupe key), so a retried job or a
 * replayed form never tells anyone the same thing twice. E-mail delivery builds on this.
 */
import { and, count, desc, eq, isNull, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { Actor } from '../auth/actor.ts';
import { NotFoundError } from '../auth/actor.ts';
import { notifications } from './schema.ts';

export interface Notice {
  organisationId: string;
  userIds: readonly string[];
  kind: string;
  title: string;
  body?: string | undefined;
  /** A path inside Sightline. */
  link?: string | undefined;
  /** Identifies the event: the same key for the same person is stored once. */
  dedupeKey: string;
}

/** Returns the ids of the people newly notified (those already told are skipped). */
export async function notify(db: Db, notice: Notice): Promise<string[]> {
  if (notice.link && !notice.link.startsWith('/')) throw new Error('notification links must be paths inside Sightline');
  const unique = [...new Set(notice.userIds)];
  if (unique.length === 0) return [];
  const rows = await db
    .insert(notifications)
    .values(
      unique.map((userId) => ({
        organisationId: notice.organisationId,
        userId,
        kind: notice.kind,
        title: notice.title,
        body: notice.body,
        link: notice.link,
        dedupeKey: notice.dedupeKey,
      })),
    )
    .onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey] })
    .returning({ userId: notifications.userId });
  return rows.map((r) => r.userId);
}

/** `shown`: a further condition on the notices counted (e.g. none about a record hidden from the person). */
export async function unreadCount(db: Db, userId: string, shown?: SQL): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), shown));
  return row?.n ?? 0;
}

export async function listNotifications(db: Db, actor: Actor, limit = 100, shown?: SQL) {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, actor.userId), shown))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
}

/** Marks one of the actor's own notifications read; another person's is not found. */
export async function markRead(db: Db, actor: Actor, id: string): Promise<string | null> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.id, id), eq(notifications.userId, actor.userId)))
    .returning({ link: notifications.link });
  if (!row) throw new NotFoundError();
  return row.link;
}

export async function markAllRead(db: Db, actor: Actor): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, actor.userId), isNull(notifications.readAt)));
}
