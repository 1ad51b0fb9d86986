/**
 * After the audit conversation (seed 002): family feedback is "actively sought following each
 * case file audit", and "each worker involved will reflect and record their learning of the
 * audit experience". Both are added to, never overwritten by someone else: feedback is one row
 * per person asked, and learning one row per participant, in their own words.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../platform/db/client.ts';
import { ForbiddenError, type Actor } from '../platform/auth/actor.ts';
import { users } from '../org/schema.ts';
import { recordAuditEvent, requireAuditAccess, type Audit, type AuditAccess } from './core.ts';
import { familyFeedback, reflectiveLearning } from './schema.ts';
import { AuditStateError } from './errors.ts';

export const RESPONDENTS = { child: 'The child or young person', parent: 'A parent', carer: 'A carer', other: 'Someone else in the family network' } as const;
export const METHODS = {
  'face-to-face': 'Face to face',
  phone: 'Phone call',
  video: 'Video call',
  questionnaire: 'Questionnaire',
  'direct-work': 'Direct work with the child',
  other: 'Another way',
} as const;

const longText = (what: string) => z.string({ error: `Enter ${what}` }).trim().min(1, `Enter ${what}`).max(5000, `${what[0]!.toUpperCase()}${what.slice(1)} must be 5,000 characters or fewer`);

export const FeedbackInput = z.discriminatedUnion('sought', [
  z.object({
    sought: z.literal('yes'),
    respondent: z.enum(Object.keys(RESPONDENTS) as [keyof typeof RESPONDENTS], { error: 'Select who gave the feedback' }),
    method: z.enum(Object.keys(METHODS) as [keyof typeof METHODS], { error: 'Select how the feedback was gathered' }),
    whatTheySaid: longText('what they said'),
    rating: z.enum(['1', '2', '3', '4', '5', 'none'], { error: 'Select a rating, or that they gave none' }).transform((r) => (r === 'none' ? null : Number(r))),
  }),
  z.object({ sought: z.literal('no'), notSoughtReason: longText('why feedback was not sought') }),
], { error: 'Select whether feedback was sought' });
export type FeedbackInput = z.infer<typeof FeedbackInput>;

export const LearningInput = z.object({ learning: longText('what you learnt') });

/** Feedback is recorded by the auditor or the practitioner, who may gather it after the audit. */
export function canRecordFeedback(audit: Audit, access: AuditAccess): boolean {
  return (access.audit || access.selfAssess) && audit.status !== 'cancelled' && audit.status !== 'allocated' && audit.status !== 'self-assessed';
}

export async function recordFeedback(db: Db, actor: Actor, auditId: string, input: FeedbackInput): Promise<void> {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  if (!access.audit && !access.selfAssess) throw new ForbiddenError('Family feedback is recorded by the auditor or the practitioner.');
  if (!canRecordFeedback(audit, access)) throw new AuditStateError('Family feedback is recorded once the audit has started and until it is closed.');
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(familyFeedback)
      .values(
        input.sought === 'yes'
          ? { auditId, respondent: input.respondent, method: input.method, whatTheySaid: input.whatTheySaid, rating: input.rating, recordedBy: actor.userId }
          : { auditId, notSoughtReason: input.notSoughtReason, recordedBy: actor.userId },
      )
      .returning({ id: familyFeedback.id });
    await recordAuditEvent(tx, auditId, actor.userId, 'family-feedback', { feedbackId: row!.id, sought: input.sought === 'yes', respondent: input.sought === 'yes' ? input.respondent : null });
  });
}

export async function feedbackOnAudit(db: Db, auditId: string) {
  const rows = await db
    .select({
      id: familyFeedback.id,
      respondent: familyFeedback.respondent,
      method: familyFeedback.method,
      whatTheySaid: familyFeedback.whatTheySaid,
      rating: familyFeedback.rating,
      notSoughtReason: familyFeedback.notSoughtReason,
      recordedAt: familyFeedback.recordedAt,
      recordedByName: users.displayName,
    })
    .from(familyFeedback)
    .innerJoin(users, eq(users.id, familyFeedback.recordedBy))
    .where(eq(familyFeedback.auditId, auditId))
    .orderBy(asc(familyFeedback.recordedAt));
  return rows.map((r) => ({
    ...r,
    respondentLabel: r.respondent ? (RESPONDENTS[r.respondent as keyof typeof RESPONDENTS] ?? r.respondent) : null,
    methodLabel: r.method ? (METHODS[r.method as keyof typeof METHODS] ?? r.method) : null,
  }));
}

/** The part a person plays in this audit, when they are one of its participants. */
export function participation(access: AuditAccess): 'practitioner' | 'auditor' | 'moderator' | 'manager' | null {
  if (access.audit) return 'auditor';
  if (access.selfAssess) return 'practitioner';
  if (access.moderate) return 'moderator';
  if (access.as === 'manager') return 'manager';
  return null;
}

export function canRecordLearning(audit: Audit, access: AuditAccess): boolean {
  return participation(access) !== null && !['allocated', 'self-assessed', 'cancelled'].includes(audit.status);
}

/** A participant's learning, in their own words; recording again replaces only their own. */
export async function recordLearning(db: Db, actor: Actor, auditId: string, learning: string): Promise<void> {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  const part = participation(access);
  if (!part) throw new ForbiddenError('Learning is recorded by the people who took part: the practitioner, the auditor, the moderator and the managers.');
  if (!canRecordLearning(audit, access)) throw new AuditStateError('Learning is recorded once the audit has started and until it is closed.');
  await db.transaction(async (tx) => {
    await tx
      .insert(reflectiveLearning)
      .values({ auditId, userId: actor.userId, participation: part, learning })
      .onConflictDoUpdate({ target: [reflectiveLearning.auditId, reflectiveLearning.userId], set: { learning, participation: part, recordedAt: sql`now()` } });
    await recordAuditEvent(tx, auditId, actor.userId, 'learning-recorded', { participation: part });
  });
}

export async function learningOnAudit(db: Db, auditId: string) {
  return db
    .select({ userId: reflectiveLearning.userId, name: users.displayName, participation: reflectiveLearning.participation, learning: reflectiveLearning.learning, recordedAt: reflectiveLearning.recordedAt })
    .from(reflectiveLearning)
    .innerJoin(users, eq(users.id, reflectiveLearning.userId))
    .where(eq(reflectiveLearning.auditId, auditId))
    .orderBy(asc(reflectiveLearning.recordedAt));
}
