/**
 * E-mail through an outbox. Telling someone of an event writes the in-app notification and the
 * e-mail in the caller's transaction; the delivery job sends what is waiting. So an e-mail is
 * never sent for an event that was rolled back, and never lost because the mail server was down:
 * a failed message is tried again later (backing off), and after the last attempt it is marked
 * failed and listed for administrators.
 */
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../../org/schema.ts';
import { notify, type Notice } from '../in-app.ts';
import { emailMessages } from './schema.ts';
import type { EmailTransport } from './transport.ts';

export interface EmailNotice extends Notice {
  link: string;
  /** What the recipient can quote: "A-42". */
  reference: string;
  /** The e-mail's text: fixed words, no child's name, no free text typed by a user. */
  emailBody: string;
}

/**
 * Tells each person in-app and by e-mail, once per dedupe key: people already told are skipped
 * for both. Returns the ids of the people newly told.
 */
export async function notifyAndEmail(db: Db, notice: EmailNotice): Promise<string[]> {
  const told = await notify(db, notice);
  if (told.length === 0) return told;
  const recipients = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(inArray(users.id, told), isNull(users.disabledAt)));
  if (recipients.length > 0) {
    await db
      .insert(emailMessages)
      .values(
        recipients.map((r) => ({
          organisationId: notice.organisationId,
          userId: r.id,
          toAddress: r.email,
          kind: notice.kind,
          subject: notice.title,
          body: notice.emailBody,
          link: notice.link,
          reference: notice.reference,
          dedupeKey: notice.dedupeKey,
        })),
      )
      .onConflictDoNothing({ target: [emailMessages.userId, emailMessages.dedupeKey] });
  }
  return told;
}

export interface DeliveryOptions {
  now: Date;
  /** Sightline's address as people reach it, for the links in messages. */
  publicUrl: string;
  batchSize?: number;
  maxAttempts?: number;
}

export interface DeliveryReport {
  sent: number;
  /** Failed this time, to be tried again later. */
  retrying: number;
  /** Failed for the last time: reported to administrators. */
  failed: number;
}

/** Minutes to wait before the 2nd, 3rd, … attempt. */
const BACKOFF_MINUTES = [1, 5, 30, 120];
export const MAX_EMAIL_ATTEMPTS = BACKOFF_MINUTES.length + 1;
/** A message claimed by a process that died is claimed again after this long. */
const STALE_CLAIM_MS = 10 * 60_000;

/**
 * Sends the messages waiting. Each is claimed (status `sending`) before it is sent, so a second
 * delivery running at the same time skips it: a message is sent once. A process that dies after
 * sending and before recording it leaves the claim to go stale, and the message may then be sent
 * again; a repeated message is better than a lost one.
 */
export async function deliverPendingEmails(db: Db, transport: EmailTransport, options: DeliveryOptions): Promise<DeliveryReport> {
  const { now } = options;
  const maxAttempts = options.maxAttempts ?? MAX_EMAIL_ATTEMPTS;
  const waiting = db
    .select({ id: emailMessages.id })
    .from(emailMessages)
    .where(
      or(
        // A new message is due at once, whatever the clock says; retries wait for their time.
        and(eq(emailMessages.status, 'pending'), or(eq(emailMessages.attempts, 0), lt(emailMessages.nextAttemptAt, new Date(now.getTime() + 1)))),
        and(eq(emailMessages.status, 'sending'), lt(emailMessages.claimedAt, new Date(now.getTime() - STALE_CLAIM_MS))),
      ),
    )
    .orderBy(emailMessages.createdAt)
    .limit(options.batchSize ?? 100)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(emailMessages)
    .set({ status: 'sending', claimedAt: now, attempts: sql`${emailMessages.attempts} + 1` })
    .where(inArray(emailMessages.id, waiting))
    .returning();

  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  const base = options.publicUrl.replace(/\/+$/, '');
  for (const message of claimed) {
    try {
      const { providerId } = await transport.send({ id: message.id, to: message.toAddress, subject: message.subject, body: message.body, url: `${base}${message.link}`, reference: message.reference });
      await db.update(emailMessages).set({ status: 'sent', sentAt: now, transport: transport.name, providerId, lastError: null }).where(eq(emailMessages.id, message.id));
      report.sent++;
    } catch (error) {
      const last = message.attempts >= maxAttempts;
      const wait = BACKOFF_MINUTES[Math.min(message.attempts, BACKOFF_MINUTES.length) - 1]! * 60_000;
      await db
        .update(emailMessages)
        .set({ status: last ? 'failed' : 'pending', nextAttemptAt: new Date(now.getTime() + wait), transport: transport.name, lastError: describe(error) })
        .where(eq(emailMessages.id, message.id));
      if (last) report.failed++;
      else report.retrying++;
    }
  }
  return report;
}

/** The error's message, short: it is shown to administrators, never a stack. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 500);
}

export async function listFailedEmails(db: Db, limit = 50) {
  return db
    .select({ id: emailMessages.id, kind: emailMessages.kind, reference: emailMessages.reference, attempts: emailMessages.attempts, lastError: emailMessages.lastError, createdAt: emailMessages.createdAt, status: emailMessages.status })
    .from(emailMessages)
    .where(or(eq(emailMessages.status, 'failed'), and(eq(emailMessages.status, 'pending'), sql`${emailMessages.attempts} > 0`)))
    .orderBy(sql`${emailMessages.createdAt} desc`)
    .limit(limit);
}
