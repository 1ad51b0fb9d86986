/**
 * Safeguarding concerns found in an audit. Raising one tells the practitioner's line manager and
 * that manager's own manager at once (in-app, and on their home pages until each acknowledges
 * it), marks the audit so its actions get the short deadline, and can never be cleared: alerts,
 * acknowledgements and notes are only ever added (the database refuses anything else).
 */
import { childVisibleSql, isChildHidden } from '../restrictions/visibility.ts';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../platform/db/client.ts';
import { ForbiddenError, NotFoundError, type Actor } from '../platform/auth/actor.ts';
import { notifyAndEmail } from '../platform/notify/email/outbox.ts';
import { services, teams, users } from '../org/schema.ts';
import { children } from '../cases/schema.ts';
import { auditAccess, loadAudit, recordAuditEvent, requireAuditAccess, type Audit } from './core.ts';
import { safeguardingAlertRecipients, safeguardingAlerts, audits } from './schema.ts';
import { safeguardingAlertNotes } from './stage-one/schema.ts';
import { AuditStateError } from './errors.ts';
import { shortenActionDeadlines } from './agreed-actions.ts';

export type RecipientRelationship = 'line-manager' | 'group-manager' | 'team-manager' | 'service-lead';

export const RELATIONSHIP_LABELS: Record<RecipientRelationship, string> = {
  'line-manager': "practitioner's line manager",
  'group-manager': "line manager's manager (group manager)",
  'team-manager': "manager of the child's team",
  'service-lead': 'lead of the service',
};

export interface ChainPerson {
  id: string;
  lineManagerId: string | null;
  active: boolean;
}

export interface RecipientInput {
  /** The child's allocated worker, when the audit names one. */
  practitioner: ChainPerson | null;
  /** The manager of the team the audit belongs to. */
  teamManagerId: string | null;
  /** The lead of that team's service. */
  serviceLeadId: string | null;
  people: ReadonlyMap<string, ChainPerson>;
}

/**
 * Who must hear of a concern: the practitioner's line manager, then that manager's own line
 * manager (the group manager), following `users.line_manager_id`. Where the chain breaks (no
 * manager recorded, or an account disabled, so the alert would reach nobody) the team's manager
 * stands in for the line manager and the service lead for the group manager.
 */
export function safeguardingRecipients(input: RecipientInput): Array<{ userId: string; relationship: RecipientRelationship }> {
  const active = (id: string | null | undefined): string | null => (id && input.people.get(id)?.active ? id : null);
  const chosen: Array<{ userId: string; relationship: RecipientRelationship }> = [];
  const add = (userId: string | null, relationship: RecipientRelationship) => {
    if (userId && !chosen.some((c) => c.userId === userId)) chosen.push({ userId, relationship });
  };
  const lineManager = active(input.practitioner?.lineManagerId);
  if (lineManager) add(lineManager, 'line-manager');
  else add(active(input.teamManagerId) ?? active(input.serviceLeadId), active(input.teamManagerId) ? 'team-manager' : 'service-lead');
  const first = chosen[0]?.userId;
  const groupManager = active(first ? input.people.get(first)?.lineManagerId : null);
  if (groupManager) add(groupManager, 'group-manager');
  else add(active(input.serviceLeadId), 'service-lead');
  return chosen;
}

export const ConcernInput = z.object({
  concern: z
    .string({ error: 'Describe the concern' })
    .trim()
    .min(1, 'Describe the concern: what you found and why the child may be at risk')
    .max(5000, 'The concern must be 5,000 characters or fewer'),
});

export const NoteInput = z.object({
  note: z.string({ error: 'Enter a note' }).trim().min(1, 'Enter a note').max(5000, 'The note must be 5,000 characters or fewer'),
});

export const AcknowledgementInput = z.object({
  acknowledgement: z
    .string({ error: 'Say what you have done or decided' })
    .trim()
    .min(1, 'Say what you have done or decided about the concern')
    .max(5000, 'The note must be 5,000 characters or fewer'),
});

async function chainFor(db: Db, audit: Pick<Audit, 'organisationId' | 'teamId' | 'practitionerId'>): Promise<RecipientInput> {
  const [team] = audit.teamId
    ? await db
        .select({ managerUserId: teams.managerUserId, serviceLeadId: services.leadUserId })
        .from(teams)
        .innerJoin(services, eq(services.id, teams.serviceId))
        .where(eq(teams.id, audit.teamId))
    : [];
  const rows = await db
    .select({ id: users.id, lineManagerId: users.lineManagerId, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.organisationId, audit.organisationId));
  const people = new Map(rows.map((r) => [r.id, { id: r.id, lineManagerId: r.lineManagerId, active: r.disabledAt === null }]));
  return {
    practitioner: audit.practitionerId ? (people.get(audit.practitionerId) ?? null) : null,
    teamManagerId: team?.managerUserId ?? null,
    serviceLeadId: team?.serviceLeadId ?? null,
    people,
  };
}

/** The managers a concern on this audit goes to, from the people and teams as they are now. */
export async function recipientsForAudit(db: Db, audit: Pick<Audit, 'organisationId' | 'teamId' | 'practitionerId'>) {
  return safeguardingRecipients(await chainFor(db, audit));
}

/** Only the auditor (or the moderator reviewing it) raises a concern, at any point before closure. */
export async function raiseConcern(db: Db, actor: Actor, auditId: string, concern: string, now: Date) {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  if (!access.audit && !access.moderate) throw new ForbiddenError('Only the auditor or the moderator can raise a safeguarding concern from an audit.');
  if (audit.status === 'closed' || audit.status === 'cancelled') throw new AuditStateError(`This audit is ${audit.status}. Raise the concern through the usual safeguarding route.`);
  const recipients = await recipientsForAudit(db, audit);
  const alertId = await db.transaction(async (tx) => {
    const [alert] = await tx
      .insert(safeguardingAlerts)
      .values({ organisationId: audit.organisationId, auditId, childId: audit.childId, raisedBy: actor.userId, concern })
      .returning({ id: safeguardingAlerts.id });
    const id = alert!.id;
    if (recipients.length) await tx.insert(safeguardingAlertRecipients).values(recipients.map((r) => ({ alertId: id, userId: r.userId, relationship: r.relationship })));
    // Monotonic, so it needs no version: raising never overwrites anybody's edit.
    await tx.update(audits).set({ safeguardingConcern: true }).where(eq(audits.id, auditId));
    const shortened = await shortenActionDeadlines(tx, actor, { ...audit, safeguardingConcern: true }, now);
    await recordAuditEvent(tx, auditId, actor.userId, 'safeguarding-raised', { alertId: id, recipients: recipients.map((r) => r.userId), actionsShortened: shortened });
    const [child] = await tx.select({ childRef: children.childRef }).from(children).where(eq(children.id, audit.childId));
    // In-app and by e-mail at once: a child at risk cannot wait for the manager to sign in.
    await notifyAndEmail(tx, {
      organisationId: audit.organisationId,
      userIds: recipients.map((r) => r.userId),
      kind: 'safeguarding-alert',
      title: 'Safeguarding concern raised in an audit',
      body: 'An auditor has found that a child may be at risk. Read the concern and acknowledge it with what you have done.',
      emailBody: `An auditor has found that a child may be at risk (child reference ${child?.childRef ?? 'unknown'}). Open Sightline to read the concern, then acknowledge it with what you have done or decided.`,
      reference: child?.childRef ?? 'safeguarding',
      link: `/safeguarding-alerts/${id}`,
      dedupeKey: `safeguarding-alert:${id}`,
    });
    return id;
  });
  return { alertId, recipients };
}

/** The alerts waiting for this person's acknowledgement, newest first, for their home page. */
export async function openAlertsFor(db: Db, actor: Actor) {
  return db
    .select({ alertId: safeguardingAlerts.id, auditId: safeguardingAlerts.auditId, raisedAt: safeguardingAlerts.raisedAt, childRef: children.childRef, raisedByName: users.displayName })
    .from(safeguardingAlertRecipients)
    .innerJoin(safeguardingAlerts, eq(safeguardingAlerts.id, safeguardingAlertRecipients.alertId))
    .innerJoin(children, eq(children.id, safeguardingAlerts.childId))
    .innerJoin(users, eq(users.id, safeguardingAlerts.raisedBy))
    .where(
      and(
        eq(safeguardingAlertRecipients.userId, actor.userId),
        isNull(safeguardingAlertRecipients.acknowledgedAt),
        eq(safeguardingAlerts.organisationId, actor.organisationId),
        childVisibleSql(actor, sql`${safeguardingAlerts.childId}`),
      ),
    )
    .orderBy(desc(safeguardingAlerts.raisedAt));
}

/** Alerts raised on one audit, with who was told and what each has said. */
export async function alertsOnAudit(db: Db, auditId: string) {
  const alerts = await db
    .select({ id: safeguardingAlerts.id, raisedAt: safeguardingAlerts.raisedAt, concern: safeguardingAlerts.concern, raisedByName: users.displayName })
    .from(safeguardingAlerts)
    .innerJoin(users, eq(users.id, safeguardingAlerts.raisedBy))
    .where(eq(safeguardingAlerts.auditId, auditId))
    .orderBy(asc(safeguardingAlerts.raisedAt));
  if (alerts.length === 0) return [];
  const ids = alerts.map((a) => a.id);
  const [recipients, notes] = await Promise.all([
    db
      .select({
        alertId: safeguardingAlertRecipients.alertId,
        userId: safeguardingAlertRecipients.userId,
        name: users.displayName,
        relationship: safeguardingAlertRecipients.relationship,
        acknowledgedAt: safeguardingAlertRecipients.acknowledgedAt,
        acknowledgement: safeguardingAlertRecipients.acknowledgement,
      })
      .from(safeguardingAlertRecipients)
      .innerJoin(users, eq(users.id, safeguardingAlertRecipients.userId))
      .where(inArray(safeguardingAlertRecipients.alertId, ids))
      .orderBy(asc(users.displayName)),
    db
      .select({ alertId: safeguardingAlertNotes.alertId, note: safeguardingAlertNotes.note, at: safeguardingAlertNotes.at, authorName: users.displayName })
      .from(safeguardingAlertNotes)
      .innerJoin(users, eq(users.id, safeguardingAlertNotes.authorId))
      .where(inArray(safeguardingAlertNotes.alertId, ids))
      .orderBy(asc(safeguardingAlertNotes.at)),
  ]);
  return alerts.map((a) => ({
    ...a,
    recipients: recipients
      .filter((r) => r.alertId === a.id)
      .map((r) => ({ ...r, relationshipLabel: RELATIONSHIP_LABELS[r.relationship as RecipientRelationship] ?? r.relationship })),
    notes: notes.filter((n) => n.alertId === a.id),
  }));
}

/**
 * One alert, for a person told of it or anyone who may see the audit (partners excepted: the
 * concern is about the whole child, not their sections).
 */
export async function getAlert(db: Db, actor: Actor, alertId: string) {
  const [alert] = await db
    .select()
    .from(safeguardingAlerts)
    .where(and(eq(safeguardingAlerts.id, alertId), eq(safeguardingAlerts.organisationId, actor.organisationId)));
  // A concern about a restricted child is not there for someone who may not see the child, even a recipient.
  if (!alert || (await isChildHidden(db, actor, alert.childId))) throw new NotFoundError();
  const [mine] = await db
    .select()
    .from(safeguardingAlertRecipients)
    .where(and(eq(safeguardingAlertRecipients.alertId, alertId), eq(safeguardingAlertRecipients.userId, actor.userId)));
  const audit = await loadAudit(db, actor, alert.auditId);
  const access = await auditAccess(db, actor, audit);
  const seesAudit = access.view && access.invitedAreas === undefined;
  if (!mine && !seesAudit) throw new NotFoundError();
  const [child] = await db.select({ childRef: children.childRef, name: children.name }).from(children).where(eq(children.id, audit.childId));
  const [detail] = (await alertsOnAudit(db, audit.id)).filter((a) => a.id === alertId);
  return {
    alert: detail!,
    audit: { id: audit.id, status: audit.status },
    child: child ?? { childRef: '', name: null },
    seesAudit,
    canAcknowledge: Boolean(mine && mine.acknowledgedAt === null),
    isRecipient: Boolean(mine),
  };
}

export async function acknowledgeAlert(db: Db, actor: Actor, alertId: string, acknowledgement: string): Promise<string> {
  const { alert, isRecipient } = await getAlert(db, actor, alertId);
  if (!isRecipient) throw new ForbiddenError('Only the managers told of this concern acknowledge it. You can add a note.');
  const auditId = await db.transaction(async (tx) => {
    const done = await tx
      .update(safeguardingAlertRecipients)
      .set({ acknowledgedAt: sql`now()`, acknowledgement })
      .where(and(eq(safeguardingAlertRecipients.alertId, alertId), eq(safeguardingAlertRecipients.userId, actor.userId), isNull(safeguardingAlertRecipients.acknowledgedAt)))
      .returning({ alertId: safeguardingAlertRecipients.alertId });
    if (done.length === 0) throw new AuditStateError('You have already acknowledged this concern. Add a note to say what has happened since.');
    const [row] = await tx.select({ auditId: safeguardingAlerts.auditId }).from(safeguardingAlerts).where(eq(safeguardingAlerts.id, alert.id));
    await recordAuditEvent(tx, row!.auditId, actor.userId, 'safeguarding-acknowledged', { alertId });
    return row!.auditId;
  });
  return auditId;
}

export async function addAlertNote(db: Db, actor: Actor, alertId: string, note: string): Promise<void> {
  const { audit } = await getAlert(db, actor, alertId);
  await db.transaction(async (tx) => {
    await tx.insert(safeguardingAlertNotes).values({ alertId, authorId: actor.userId, note });
    await recordAuditEvent(tx, audit.id, actor.userId, 'safeguarding-note', { alertId });
  });
}
