/**
 * Inviting multi-agency partners into an audit: which partner, which areas of the audit tool they
 * complete, and whether they may see who the child is. The people who run the audit invite: the
 * QA team at any point until the audit is closed or cancelled, and the auditor while stage 1 is
 * open (after submission the audit is the moderators' and the QA team's). Partners then see
 * only their areas (`auditAccess` in core.ts); the child's details only when shared.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../platform/db/client.ts';
import { ForbiddenError, NotFoundError, type Actor } from '../platform/auth/actor.ts';
import { ConflictError } from '../platform/http/errors.ts';
import { notifyAndEmail } from '../platform/notify/email/outbox.ts';
import { userRoles, users } from '../org/schema.ts';
import { children } from '../cases/schema.ts';
import { getAuditToolVersion } from '../standards/versions/service.ts';
import { isChildHidden } from '../restrictions/visibility.ts';
import { recordAuditEvent, requireAuditAccess, type Audit, type AuditAccess } from './core.ts';
import { auditInvitations } from './schema.ts';
import { AuditStateError } from './errors.ts';
import { formAreas, type FormArea } from './tool-form.ts';

/** Before submission: the auditor's part of the audit. */
const STAGE_ONE_OPEN = new Set<Audit['status']>(['allocated', 'self-assessed', 'in-progress']);
const FINISHED = new Set<Audit['status']>(['closed', 'cancelled']);

/** Who sees the partners of an audit and may change them: the people who run it. */
export function runsAudit(access: AuditAccess): boolean {
  return access.invitedAreas === undefined && (access.manage || access.audit);
}

/**
 * Whether this person may invite partners now, and if not why: the QA team until the audit is
 * closed or cancelled; its auditor only while stage 1 is open.
 */
export function invitingRefusal(audit: Pick<Audit, 'status'>, access: AuditAccess): string | null {
  if (!runsAudit(access)) return 'Only the people who run the audit (its auditor and the quality assurance team) invite partners.';
  if (FINISHED.has(audit.status)) return `This audit is ${audit.status}: partners can no longer be invited or their invitations changed.`;
  if (!access.manage && !STAGE_ONE_OPEN.has(audit.status)) return 'Stage 1 of this audit has been submitted: ask the quality assurance team to invite partners now.';
  return null;
}

/** A form's problem with one field, shown beside it and in the error summary. */
export class InvitationProblem extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** Ticked boxes arrive as nothing, one string or a list. */
const ticked = (value: unknown) => (value === undefined || value === '' ? [] : [value].flat());

const Areas = z.preprocess(
  ticked,
  z
    .array(z.string().regex(/^\d{1,3}$/, 'Choose the areas from the list'), { error: 'Tick at least one area the partner is invited to complete' })
    .min(1, 'Tick at least one area the partner is invited to complete')
    .max(200),
);
/** The sharing box is ticked ("yes") or absent; anything else is treated as not ticked. */
const Share = z.preprocess((value) => value === 'yes', z.boolean());

export const InvitationChange = z.object({
  areas: Areas,
  shareChildDetails: Share,
  version: z.coerce.number({ error: 'The form is out of date. Reload the page and try again.' }).int().min(1, 'The form is out of date. Reload the page and try again.'),
});
export type InvitationChange = z.infer<typeof InvitationChange>;

export const InvitationInput = z.object({
  partnerId: z.uuid({ error: 'Choose the partner to invite' }),
  areas: Areas,
  shareChildDetails: Share,
});
export type InvitationInput = z.infer<typeof InvitationInput>;

export interface PartnerAccount {
  id: string;
  displayName: string;
  email: string;
  jobTitle: string | null;
}

/** Partner accounts of the organisation that can sign in: a withdrawn role or disabled account is not offered. */
export async function partnerAccounts(db: Db, organisationId: string): Promise<PartnerAccount[]> {
  return db
    .select({ id: users.id, displayName: users.displayName, email: users.email, jobTitle: users.jobTitle })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, 'partner'), eq(userRoles.active, true)))
    .where(and(eq(users.organisationId, organisationId), isNull(users.disabledAt)))
    .orderBy(asc(users.displayName));
}

async function areasOf(db: Db, audit: Audit): Promise<FormArea[]> {
  const [child] = await db.select({ caseType: children.caseType }).from(children).where(eq(children.id, audit.childId));
  const tool = await getAuditToolVersion(db, audit.organisationId, audit.toolId, audit.toolVersion);
  return formAreas(tool, child?.caseType ?? null);
}

/** The area ids for the ticked area numbers; a number that is not an area of this audit is refused. */
function areaIdsFor(areas: readonly FormArea[], numbers: readonly string[]): string[] {
  const ids: string[] = [];
  for (const n of numbers) {
    const area = areas.find((a) => a.number === Number(n));
    if (!area) throw new InvitationProblem('areas', 'Choose only areas of this audit’s tool that apply to the child');
    if (!ids.includes(area.id)) ids.push(area.id);
  }
  // In the tool's order, so the timeline and the list read the same whatever order they were ticked in.
  return areas.filter((a) => ids.includes(a.id)).map((a) => a.id);
}

/** The partner must hold the partner role here and be able to see the child (a restricted record needs a grant). */
async function requirePartner(db: Db, audit: Audit, partnerId: string): Promise<PartnerAccount> {
  const partner = (await partnerAccounts(db, audit.organisationId)).find((p) => p.id === partnerId);
  if (!partner) throw new InvitationProblem('partnerId', 'Choose a partner from the list: only multi-agency partner accounts can be invited');
  const asPartner: Actor = { userId: partner.id, organisationId: audit.organisationId, displayName: partner.displayName, email: partner.email, roles: ['partner'], teamId: null };
  if (await isChildHidden(db, asPartner, audit.childId)) {
    throw new InvitationProblem('partnerId', `This child’s record is restricted and ${partner.displayName} has not been granted access to it. Ask for a grant first.`);
  }
  return partner;
}

export interface InvitationView {
  partnerId: string;
  name: string;
  email: string;
  jobTitle: string | null;
  areaIds: string[];
  /** "4. Assessment" for each invited area that applies to the child, in the tool's order. */
  areaNames: string[];
  shareChildDetails: boolean;
  invitedAt: Date;
  invitedByName: string | null;
  version: number;
}

const areaLabel = (a: FormArea) => `${a.position}. ${a.title}${a.variant ? `: ${a.variant}` : ''}`;

/**
 * The audit's partners as its runners see them, the partner accounts not yet invited, the
 * areas that can be offered, and whether this person may invite now.
 */
export async function partnersOfAudit(db: Db, actor: Actor, auditId: string) {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  if (!runsAudit(access)) throw new ForbiddenError('Only the people who run the audit see and invite its partners.');
  const inviter = sql<string | null>`(select display_name from users inviter where inviter.id = ${auditInvitations.invitedBy})`;
  const [rows, accounts, areas] = await Promise.all([
    db
      .select({ invitation: auditInvitations, name: users.displayName, email: users.email, jobTitle: users.jobTitle, invitedByName: inviter })
      .from(auditInvitations)
      .innerJoin(users, eq(users.id, auditInvitations.userId))
      .where(eq(auditInvitations.auditId, audit.id))
      .orderBy(asc(users.displayName)),
    partnerAccounts(db, audit.organisationId),
    areasOf(db, audit),
  ]);
  const invitations: InvitationView[] = rows.map((r) => {
    const ids = r.invitation.areaIds as string[];
    return {
      partnerId: r.invitation.userId,
      name: r.name,
      email: r.email,
      jobTitle: r.jobTitle,
      areaIds: ids,
      areaNames: areas.filter((a) => ids.includes(a.id)).map(areaLabel),
      shareChildDetails: r.invitation.shareChildDetails,
      invitedAt: r.invitation.invitedAt,
      invitedByName: r.invitedByName,
      version: r.invitation.version,
    };
  });
  const invited = new Set(invitations.map((i) => i.partnerId));
  return {
    audit,
    invitations,
    available: accounts.filter((p) => !invited.has(p.id)),
    areas: areas.map((a) => ({ number: a.number, id: a.id, label: areaLabel(a) })),
    refusal: invitingRefusal(audit, access),
  };
}

/** The audit, when this person may invite to it or change its invitations now; otherwise 404, 403 or 409. */
export async function requireInviting(db: Db, actor: Actor, auditId: string): Promise<Audit> {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  if (!runsAudit(access)) throw new ForbiddenError('Only the people who run the audit invite its partners.');
  const refusal = invitingRefusal(audit, access);
  // A finished audit answers 409 (the audit has moved on); an auditor past stage 1, 403.
  if (refusal) throw FINISHED.has(audit.status) ? new AuditStateError(refusal) : new ForbiddenError(refusal);
  return audit;
}

/**
 * Invites a partner to complete the ticked areas, and tells them in-app and by e-mail (a
 * reference and a link only). A partner already invited has their invitation changed instead:
 * nobody is invited twice, and a form sent twice leaves one invitation.
 */
export async function invitePartner(db: Db, actor: Actor, auditId: string, input: InvitationInput): Promise<void> {
  const audit = await requireInviting(db, actor, auditId);
  const partner = await requirePartner(db, audit, input.partnerId);
  const areaIds = areaIdsFor(await areasOf(db, audit), input.areas);
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(auditInvitations)
      .where(and(eq(auditInvitations.auditId, audit.id), eq(auditInvitations.userId, partner.id)));
    if (existing) {
      await applyChange(tx, actor, audit, partner, existing, areaIds, input.shareChildDetails);
      return;
    }
    const [created] = await tx
      .insert(auditInvitations)
      .values({ auditId: audit.id, userId: partner.id, areaIds, shareChildDetails: input.shareChildDetails, invitedBy: actor.userId })
      .returning();
    await recordAuditEvent(tx, audit.id, actor.userId, 'partner-invited', { partnerId: partner.id, partnerName: partner.displayName, areas: areaIds, shareChildDetails: input.shareChildDetails });
    // One notice per invitation: a partner invited again after a withdrawal is told again.
    await tellPartner(tx, audit, partner.id, {
      kind: 'partner-invited',
      title: 'You have been invited to take part in a case audit',
      body: `You are invited to complete ${areasWord(areaIds.length)} of a case audit.`,
      emailBody: (reference) => `You have been invited to complete ${areasWord(areaIds.length)} of a multi-agency case audit (reference ${reference}). Sign in to Sightline to see the areas and complete them.`,
      link: `/audits/${audit.id}`,
      dedupeKey: `partner-invited:${audit.id}:${partner.id}:${created!.invitedAt.getTime()}`,
    });
  });
}

/**
 * Tells a partner about their invitation, in-app and by e-mail. The e-mail's words are fixed and
 * carry the child's reference (what a partner can quote), never the name, whatever is shared.
 */
async function tellPartner(
  tx: Db,
  audit: Audit,
  partnerId: string,
  notice: { kind: string; title: string; body: string; emailBody: (reference: string) => string; link: string; dedupeKey: string },
): Promise<void> {
  const [child] = await tx.select({ childRef: children.childRef }).from(children).where(eq(children.id, audit.childId));
  const reference = child?.childRef ?? 'audit';
  await notifyAndEmail(tx, { ...notice, organisationId: audit.organisationId, userIds: [partnerId], emailBody: notice.emailBody(reference), reference });
}

const areasWord = (n: number) => `${n} area${n === 1 ? '' : 's'}`;

async function applyChange(
  tx: Db,
  actor: Actor,
  audit: Audit,
  partner: Pick<PartnerAccount, 'id' | 'displayName'>,
  existing: typeof auditInvitations.$inferSelect,
  areaIds: string[],
  shareChildDetails: boolean,
): Promise<void> {
  const before = existing.areaIds as string[];
  const same = before.length === areaIds.length && before.every((id) => areaIds.includes(id)) && existing.shareChildDetails === shareChildDetails;
  // A form sent twice, or saved unchanged, writes nothing.
  if (same) return;
  const [updated] = await tx
    .update(auditInvitations)
    .set({ areaIds, shareChildDetails, version: sql`${auditInvitations.version} + 1` })
    .where(and(eq(auditInvitations.auditId, audit.id), eq(auditInvitations.userId, partner.id), eq(auditInvitations.version, existing.version)))
    .returning({ version: auditInvitations.version });
  if (!updated) throw new ConflictError('invitation');
  await recordAuditEvent(tx, audit.id, actor.userId, 'partner-invitation-changed', {
    partnerId: partner.id,
    partnerName: partner.displayName,
    areas: areaIds,
    shareChildDetails,
    was: { areas: before, shareChildDetails: existing.shareChildDetails },
  });
  await tellPartner(tx, audit, partner.id, {
    kind: 'partner-invitation-changed',
    title: 'Your invitation to a case audit has changed',
    body: `You are now asked to complete ${areasWord(areaIds.length)} of the audit.`,
    emailBody: (reference) => `Your invitation to a multi-agency case audit (reference ${reference}) has changed: you are now asked to complete ${areasWord(areaIds.length)}. Sign in to Sightline to see them.`,
    link: `/audits/${audit.id}`,
    dedupeKey: `partner-invitation-changed:${audit.id}:${partner.id}:${updated.version}`,
  });
}

async function invitationOf(db: Db, audit: Audit, partnerId: string) {
  const [row] = await db
    .select({ invitation: auditInvitations, displayName: users.displayName })
    .from(auditInvitations)
    .innerJoin(users, eq(users.id, auditInvitations.userId))
    .where(and(eq(auditInvitations.auditId, audit.id), eq(auditInvitations.userId, partnerId)));
  if (!row) throw new NotFoundError();
  return row;
}

/** One invitation for its change page, with the areas that can be offered. */
export async function invitationForChange(db: Db, actor: Actor, auditId: string, partnerId: string) {
  const view = await partnersOfAudit(db, actor, auditId);
  const invitation = view.invitations.find((i) => i.partnerId === partnerId);
  if (!invitation) throw new NotFoundError();
  return { ...view, invitation };
}

/** Changes the invited areas or the sharing, refusing a change made over someone else's (by version). */
export async function changeInvitation(db: Db, actor: Actor, auditId: string, partnerId: string, input: InvitationChange): Promise<void> {
  const audit = await requireInviting(db, actor, auditId);
  const { invitation, displayName } = await invitationOf(db, audit, partnerId);
  if (invitation.version !== input.version) throw new ConflictError('invitation');
  const areaIds = areaIdsFor(await areasOf(db, audit), input.areas);
  await db.transaction((tx) => applyChange(tx, actor, audit, { id: partnerId, displayName }, invitation, areaIds, input.shareChildDetails));
}

/**
 * Withdraws an invitation: the partner loses sight of the audit at once; the timeline keeps the
 * invitation and its withdrawal. Removing access is always safe, so the QA team may withdraw
 * even from a closed audit; the auditor while stage 1 is open.
 */
export async function withdrawInvitation(db: Db, actor: Actor, auditId: string, partnerId: string): Promise<void> {
  const { audit, access } = await requireAuditAccess(db, actor, auditId, 'view');
  if (!runsAudit(access)) throw new ForbiddenError('Only the people who run the audit withdraw its invitations.');
  if (!access.manage && !STAGE_ONE_OPEN.has(audit.status)) throw new ForbiddenError('Stage 1 of this audit has been submitted: ask the quality assurance team to withdraw the invitation.');
  const { displayName } = await invitationOf(db, audit, partnerId);
  await db.transaction(async (tx) => {
    const gone = await tx
      .delete(auditInvitations)
      .where(and(eq(auditInvitations.auditId, audit.id), eq(auditInvitations.userId, partnerId)))
      .returning({ invitedAt: auditInvitations.invitedAt });
    // Withdrawn a moment ago by someone else: nothing more to do, and nothing to record twice.
    if (!gone[0]) return;
    await recordAuditEvent(tx, audit.id, actor.userId, 'partner-invitation-withdrawn', { partnerId, partnerName: displayName });
    // Told, so that an audit vanishing from their list is not a mystery; the link is their list.
    await tellPartner(tx, audit, partnerId, {
      kind: 'partner-invitation-withdrawn',
      title: 'An invitation to a case audit was withdrawn',
      body: 'You no longer have access to this audit. What you entered before stays with the audit.',
      emailBody: (reference) => `Your invitation to a multi-agency case audit (reference ${reference}) was withdrawn, and you no longer have access to it. What you entered before stays with the audit.`,
      link: '/audits',
      dedupeKey: `partner-invitation-withdrawn:${audit.id}:${partnerId}:${gone[0].invitedAt.getTime()}`,
    });
  });
}

