/**
 * Actions to completion: setting an action (with its default deadline), moving it through its
 * lifecycle with a history entry for every change, and finding the actions each person should
 * see. Every function checks the actor's capability and the record's scope itself.
 */
import { childVisibleSql } from '../restrictions/visibility.ts';
import { and, asc, count, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../platform/db/client.ts';
import { ForbiddenError, NotFoundError, requireCapability, type Actor } from '../platform/auth/actor.ts';
import { ConflictError } from '../platform/http/errors.ts';
import { formatDate } from '../platform/http/render.ts';
import { calendarFor } from '../platform/calendar/closures.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { isIsoDate, type IsoDate, type WorkingDayCalendar } from '../platform/calendar/index.ts';
import { notify } from '../platform/notify/in-app.ts';
import { notifyAndEmail } from '../platform/notify/email/outbox.ts';
import { teams, users } from '../org/schema.ts';
import { visibleTeamIds } from '../org/service.ts';
import { children } from '../cases/schema.ts';
import { audits } from '../audits/schema.ts';
import { auditAccess } from '../audits/core.ts';
import { catalogueEntries } from '../standards/versions/schema.ts';
import { permittedMoves, refusal, type ActionPeople } from './access.ts';
import { defaultDueDate, isUrgent } from './due-dates.ts';
import { workingDaysOverdue } from './escalation.ts';
import { IllegalMoveError, canMove, isOutstanding, nextStatus, type ActionMove } from './lifecycle.ts';
import { dueRuleFor } from './settings.ts';
import { smartWarnings, type SmartWarning } from './smart.ts';
import { actionEvents, actions, type ActionStatus } from './schema.ts';

export { IllegalMoveError };

/** A problem with one field of an action that only the database can reveal. */
export class ActionProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** "A-42": what people quote, in e-mails and on the phone. */
export function actionReference(number: number): string {
  return `A-${number}`;
}

const owner = alias(users, 'owner');
const ownerTeam = alias(teams, 'owner_team');

// ---------------------------------------------------------------- scope

/** The action's child: its own, or its audit's. */
function actionChildVisible(actor: Actor): SQL {
  return childVisibleSql(actor, sql`coalesce(${actions.childId}, (select a.child_id from ${audits} a where a.id = ${actions.auditId}))`);
}

/**
 * The actions this person may see: their own; those they set; those of the teams in their scope
 * (own team, teams managed, services led, or all for council-wide roles); those of the people
 * they line-manage and those people's reports; and those from audits they carried out.
 */
async function visibleCondition(db: Db, actor: Actor): Promise<SQL> {
  // An action about a restricted child (directly or through its audit) is seen only by those who may see the child.
  const inOrganisation = and(eq(actions.organisationId, actor.organisationId), actionChildVisible(actor))!;
  const scope = await visibleTeamIds(db, actor);
  if (scope === 'all') return inOrganisation;
  return and(
    inOrganisation,
    or(
      eq(actions.ownerId, actor.userId),
      eq(actions.createdBy, actor.userId),
      scope.length > 0 ? inArray(owner.teamId, scope) : sql`false`,
      eq(owner.lineManagerId, actor.userId),
      sql`exists (select 1 from ${users} lm where lm.id = ${owner.lineManagerId} and lm.line_manager_id = ${actor.userId})`,
      sql`exists (select 1 from ${audits} a where a.id = ${actions.auditId} and a.auditor_id = ${actor.userId})`,
    ),
  )!;
}

/**
 * May the actor give an action to this person? In an audit: whoever carries it out, moderates
 * it or runs the programme. Otherwise: people in the teams the actor's scope covers, and the
 * people they line-manage.
 */
async function assertMayAssign(db: Db, actor: Actor, ownerRow: { id: string; teamId: string | null; lineManagerId: string | null }, audit: typeof audits.$inferSelect | undefined): Promise<void> {
  if (audit) {
    const access = await auditAccess(db, actor, audit);
    if (access.audit || access.moderate || access.manage) return;
    throw new ForbiddenError('Only the auditor, the moderator or the QA team can set actions from this audit.');
  }
  if (ownerRow.id === actor.userId || ownerRow.lineManagerId === actor.userId) return;
  const scope = await visibleTeamIds(db, actor);
  if (scope === 'all' || (ownerRow.teamId && scope.includes(ownerRow.teamId))) return;
  throw new ActionProblem('ownerId', 'You can only set actions for people in the teams you manage or lead');
}

// ---------------------------------------------------------------- setting an action

export interface NewAction {
  /** What must happen: specific and measurable (seed 004 standard 4.2). */
  what: string;
  ownerId: string;
  childId?: string | null | undefined;
  auditId?: string | null | undefined;
  /** The audit tool, when there is no audit to read it from (it picks the default deadlines). */
  toolId?: string | null | undefined;
  /** Omitted: the default for the tool and the audit's findings. */
  dueDate?: IsoDate | null | undefined;
  priority?: 'urgent' | 'normal' | undefined;
  /** What the audit found: either makes the action urgent, with the short deadline. */
  safeguardingConcern?: boolean | undefined;
  inadequateJudgement?: boolean | undefined;
  /** The day the action was agreed (day 0 of its deadline); today when omitted. */
  agreedOn?: IsoDate | undefined;
}

export interface CreatedAction {
  id: string;
  reference: string;
  dueDate: IsoDate;
  /** The due date came from the rules, not from the person setting it. */
  dueDateDefaulted: boolean;
  priority: 'urgent' | 'normal';
  /** SMART warnings the action was saved with (the form shows them before saving). */
  warnings: SmartWarning[];
}

/**
 * Sets an action and tells its owner (in-app and by e-mail). Callers inside a transaction (an
 * audit saving its agreed actions) pass the transaction as `db`: it nests.
 */
export async function createAction(db: Db, actor: Actor, input: NewAction, now: Date = new Date()): Promise<CreatedAction> {
  requireCapability(actor, 'actions.create');
  const what = input.what.trim();
  if (!what) throw new ActionProblem('what', 'Say what must happen');
  if (input.dueDate && !isIsoDate(input.dueDate)) throw new ActionProblem('dueDate', 'Enter a real due date');
  const today = londonDate(now);
  const agreedOn = input.agreedOn ?? today;
  if (input.dueDate && input.dueDate < agreedOn) throw new ActionProblem('dueDate', 'The due date must be today or later');

  return db.transaction(async (tx) => {
    const [ownerRow] = await tx
      .select({ id: users.id, teamId: users.teamId, lineManagerId: users.lineManagerId })
      .from(users)
      .where(and(eq(users.id, input.ownerId), eq(users.organisationId, actor.organisationId), isNull(users.disabledAt)));
    if (!ownerRow) throw new ActionProblem('ownerId', 'Select who will do this');

    let audit: typeof audits.$inferSelect | undefined;
    if (input.auditId) {
      [audit] = await tx
        .select()
        .from(audits)
        .where(and(eq(audits.id, input.auditId), eq(audits.organisationId, actor.organisationId)));
      if (!audit) throw new NotFoundError();
    }
    await assertMayAssign(tx, actor, ownerRow, audit);

    const childId = input.childId ?? audit?.childId ?? null;
    if (childId) {
      const [child] = await tx
        .select({ id: children.id })
        .from(children)
        .where(and(eq(children.id, childId), eq(children.organisationId, actor.organisationId), childVisibleSql(actor, sql`${children.id}`)));
      if (!child) throw new ActionProblem('childId', 'Select a child from the list');
    }

    const findings = { safeguardingConcern: input.safeguardingConcern || audit?.safeguardingConcern, inadequateJudgement: input.inadequateJudgement };
    const priority = isUrgent(findings) || input.priority === 'urgent' ? 'urgent' : 'normal';
    const toolId = audit?.toolId ?? input.toolId ?? null;
    const calendar = await calendarFor(tx, actor.organisationId);
    const dueDate = input.dueDate || defaultDueDate(agreedOn, { safeguardingConcern: priority === 'urgent' }, await dueRuleFor(tx, actor.organisationId, toolId), calendar);

    const [row] = await tx
      .insert(actions)
      .values({ organisationId: actor.organisationId, childId, auditId: audit?.id ?? null, toolId, what, ownerId: ownerRow.id, dueDate, priority, createdBy: actor.userId, createdAt: now, updatedAt: now })
      .returning({ id: actions.id, number: actions.number });
    const reference = actionReference(row!.number);
    await tx.insert(actionEvents).values({
      actionId: row!.id,
      at: now,
      actorId: actor.userId,
      kind: 'created',
      detail: { dueDate, priority, dueDateDefaulted: !input.dueDate, toolId, auditId: audit?.id ?? null, agreedOn },
    });
    if (ownerRow.id !== actor.userId) {
      await notifyAndEmail(tx, {
        organisationId: actor.organisationId,
        userIds: [ownerRow.id],
        kind: 'action-assigned',
        title: `Action ${reference} has been given to you, due ${formatDate(dueDate)}`,
        emailBody: `${actor.displayName} has given you an action (${reference}), due ${formatDate(dueDate)}${priority === 'urgent' ? '. It is urgent: the audit found a safeguarding concern or an inadequate judgement' : ''}.`,
        link: `/actions/${row!.id}`,
        reference,
        dedupeKey: `action:${row!.id}:assigned`,
      });
    }
    return { id: row!.id, reference, dueDate, dueDateDefaulted: !input.dueDate, priority, warnings: smartWarnings({ what, dueDate: input.dueDate }) };
  });
}

/** The due date an action would get if none were given: shown on the form before saving. */
export async function previewDefaultDueDate(db: Db, actor: Actor, input: { toolId?: string | null; urgent: boolean }, now: Date): Promise<IsoDate> {
  const calendar = await calendarFor(db, actor.organisationId);
  return defaultDueDate(londonDate(now), { safeguardingConcern: input.urgent }, await dueRuleFor(db, actor.organisationId, input.toolId ?? null), calendar);
}

// ---------------------------------------------------------------- one action

const lineManager = alias(users, 'line_manager');
const creator = alias(users, 'creator');
const signer = alias(users, 'signer');

export interface ActionEventView {
  at: Date;
  kind: string;
  actorName: string | null;
  detail: Record<string, unknown> | null;
}

export async function loadAction(db: Db, actor: Actor, id: string) {
  requireCapability(actor, 'actions.view');
  const [row] = await db
    .select({
      action: actions,
      ownerName: owner.displayName,
      ownerTeamId: owner.teamId,
      ownerTeamName: ownerTeam.name,
      ownerLineManagerId: owner.lineManagerId,
      lineManagerName: lineManager.displayName,
      createdByName: creator.displayName,
      signedOffByName: signer.displayName,
      childRef: children.childRef,
      toolTitle: catalogueEntries.title,
    })
    .from(actions)
    .innerJoin(owner, eq(owner.id, actions.ownerId))
    .leftJoin(ownerTeam, eq(ownerTeam.id, owner.teamId))
    .leftJoin(lineManager, eq(lineManager.id, owner.lineManagerId))
    .leftJoin(creator, eq(creator.id, actions.createdBy))
    .leftJoin(signer, eq(signer.id, actions.signedOffBy))
    .leftJoin(children, eq(children.id, actions.childId))
    .leftJoin(catalogueEntries, and(eq(catalogueEntries.organisationId, actions.organisationId), eq(catalogueEntries.catalogueId, actions.toolId)))
    .where(and(eq(actions.id, id), await visibleCondition(db, actor)));
  // An action the person may not see does not exist, as far as they can tell.
  if (!row) throw new NotFoundError();
  return row;
}

export type LoadedAction = Awaited<ReturnType<typeof loadAction>>;

function peopleOf(loaded: LoadedAction): ActionPeople {
  return { status: loaded.action.status, ownerId: loaded.action.ownerId, ownerLineManagerId: loaded.ownerLineManagerId, createdBy: loaded.action.createdBy };
}

export async function getActionDetail(db: Db, actor: Actor, id: string, now: Date) {
  const loaded = await loadAction(db, actor, id);
  const events = await db
    .select({ at: actionEvents.at, kind: actionEvents.kind, actorName: users.displayName, detail: actionEvents.detail })
    .from(actionEvents)
    .leftJoin(users, eq(users.id, actionEvents.actorId))
    .where(eq(actionEvents.actionId, id))
    .orderBy(asc(actionEvents.seq));
  const today = londonDate(now);
  const calendar = await calendarFor(db, actor.organisationId);
  const { action } = loaded;
  return {
    ...loaded,
    reference: actionReference(action.number),
    moves: permittedMoves(actor, peopleOf(loaded)),
    overdueBy: isOutstanding(action.status) ? safeOverdue(action.dueDate, today, calendar) : 0,
    overdue: isOutstanding(action.status) && action.dueDate < today,
    today,
    events: events.map((e) => ({ ...e, detail: (e.detail ?? null) as Record<string, unknown> | null })),
  };
}

/** Working days overdue, or 0 if the calendar cannot tell (a date beyond its years). */
function safeOverdue(dueDate: IsoDate, today: IsoDate, calendar: WorkingDayCalendar): number {
  try {
    return workingDaysOverdue(dueDate, today, calendar);
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- moving through the lifecycle

interface MoveSpec {
  move: ActionMove;
  version: number;
  now: Date;
  changes?: Partial<typeof actions.$inferInsert>;
  event: { kind: string; detail: Record<string, unknown> };
}

/**
 * The one way an action changes: the version the person started from must still be current (no
 * silent overwrite), the move must be allowed from the status and for this person, and the change
 * and its history entry are written together.
 */
async function applyMove(db: Db, actor: Actor, id: string, spec: MoveSpec, after?: (tx: Db, loaded: LoadedAction, reference: string) => Promise<void>): Promise<void> {
  await db.transaction(async (tx) => {
    const loaded = await loadAction(tx, actor, id);
    const { action } = loaded;
    if (action.version !== spec.version) throw new ConflictError('action');
    if (!canMove(action.status, spec.move)) throw new IllegalMoveError(spec.move, action.status);
    if (!permittedMoves(actor, peopleOf(loaded)).has(spec.move)) throw new ForbiddenError(refusal(spec.move, peopleOf(loaded), actor));
    const updated = await tx
      .update(actions)
      .set({ ...spec.changes, status: nextStatus(action.status, spec.move), version: sql`${actions.version} + 1`, updatedAt: spec.now })
      .where(and(eq(actions.id, id), eq(actions.version, spec.version)))
      .returning({ id: actions.id });
    if (updated.length === 0) throw new ConflictError('action');
    await tx.insert(actionEvents).values({ actionId: id, at: spec.now, actorId: actor.userId, kind: spec.event.kind, detail: spec.event.detail });
    await after?.(tx, loaded, actionReference(action.number));
  });
}

function required(text: string | undefined, field: string, message: string): string {
  const value = (text ?? '').trim();
  if (!value) throw new ActionProblem(field, message);
  return value;
}

/** The owner says what they did; the line manager is asked to sign it off. */
export async function markDone(db: Db, actor: Actor, id: string, version: number, evidence: string, now: Date = new Date()): Promise<void> {
  const text = required(evidence, 'evidence', 'Say what was done, and where the evidence is');
  await applyMove(db, actor, id, { move: 'mark-done', version, now, changes: { evidence: text, doneAt: now }, event: { kind: 'done', detail: { evidence: text } } }, async (tx, loaded, reference) => {
    const signers = loaded.ownerLineManagerId ? [loaded.ownerLineManagerId] : [];
    await notifyAndEmail(tx, {
      organisationId: actor.organisationId,
      userIds: signers,
      kind: 'action-awaiting-sign-off',
      title: `Action ${reference} is done and awaits your sign-off`,
      emailBody: `${loaded.ownerName} has marked action ${reference} done. Please check the evidence and sign it off, or reopen it with a reason.`,
      link: `/actions/${id}`,
      reference,
      dedupeKey: `action:${id}:done:${version}`,
    });
  });
}

export async function signOff(db: Db, actor: Actor, id: string, version: number, note: string | undefined, now: Date = new Date()): Promise<void> {
  const comment = (note ?? '').trim() || null;
  await applyMove(db, actor, id, { move: 'sign-off', version, now, changes: { signedOffBy: actor.userId, signedOffAt: now }, event: { kind: 'signed-off', detail: { note: comment } } }, async (tx, loaded, reference) => {
    await notify(tx, {
      organisationId: actor.organisationId,
      userIds: [loaded.action.ownerId],
      kind: 'action-signed-off',
      title: `Action ${reference} has been signed off`,
      link: `/actions/${id}`,
      dedupeKey: `action:${id}:signed-off`,
    });
  });
}

/**
 * Back to the owner, with the reason. When the due date has passed the manager gives a new one,
 * so the action does not come back already overdue and escalated; a new due date starts the
 * reminders and escalation again.
 */
export async function reopen(db: Db, actor: Actor, id: string, version: number, input: { reason: string; dueDate?: IsoDate | undefined }, now: Date = new Date()): Promise<void> {
  const reason = required(input.reason, 'reason', 'Say why the action is reopened');
  const today = londonDate(now);
  if (input.dueDate && (!isIsoDate(input.dueDate) || input.dueDate < today)) throw new ActionProblem('dueDate', 'The new due date must be today or later');
  await applyMove(db, actor, id, { move: 'reopen', version, now, changes: {}, event: { kind: 'reopened', detail: { reason } } }, async (tx, loaded, reference) => {
    const dueDate = input.dueDate ?? loaded.action.dueDate;
    if (dueDate < today) throw new ActionProblem('dueDate', 'The due date has passed: give a new one');
    if (dueDate !== loaded.action.dueDate) {
      await tx.update(actions).set({ dueDate, escalationLevel: 0 }).where(eq(actions.id, id));
      await tx.insert(actionEvents).values({ actionId: id, at: now, actorId: actor.userId, kind: 'due-date-changed', detail: { from: loaded.action.dueDate, to: dueDate } });
    }
    await notifyAndEmail(tx, {
      organisationId: actor.organisationId,
      userIds: [loaded.action.ownerId],
      kind: 'action-reopened',
      title: `Action ${reference} has been reopened, due ${formatDate(dueDate)}`,
      emailBody: `${actor.displayName} has reopened action ${reference}. The reason is on the action's page. It is now due ${formatDate(dueDate)}.`,
      link: `/actions/${id}`,
      reference,
      dedupeKey: `action:${id}:reopened:${version}`,
    });
  });
}

export async function cancel(db: Db, actor: Actor, id: string, version: number, reason: string, now: Date = new Date()): Promise<void> {
  const text = required(reason, 'cancelReason', 'Say why the action is cancelled');
  await applyMove(db, actor, id, { move: 'cancel', version, now, changes: { cancelReason: text }, event: { kind: 'cancelled', detail: { reason: text } } }, async (tx, loaded, reference) => {
    await notify(tx, {
      organisationId: actor.organisationId,
      userIds: [loaded.action.ownerId],
      kind: 'action-cancelled',
      title: `Action ${reference} has been cancelled`,
      link: `/actions/${id}`,
      dedupeKey: `action:${id}:cancelled`,
    });
  });
}

export interface ActionChanges {
  what: string;
  ownerId: string;
  dueDate: IsoDate;
  priority: 'urgent' | 'normal';
}

/** Changes what, who, when or how urgent; the history keeps what it was before. */
export async function editAction(db: Db, actor: Actor, id: string, version: number, input: ActionChanges, now: Date = new Date()): Promise<void> {
  const what = required(input.what, 'what', 'Say what must happen');
  if (!isIsoDate(input.dueDate)) throw new ActionProblem('dueDate', 'Enter a real due date');
  const before = await loadAction(db, actor, id);
  if (input.dueDate !== before.action.dueDate && input.dueDate < londonDate(now)) throw new ActionProblem('dueDate', 'A new due date must be today or later');
  const changes: Partial<typeof actions.$inferInsert> = {};
  const detail: Record<string, { from: unknown; to: unknown }> = {};
  const track = <K extends keyof ActionChanges>(key: K, value: ActionChanges[K], from: ActionChanges[K]) => {
    if (value === from) return;
    (changes as Record<string, unknown>)[key] = value;
    detail[key] = { from, to: value };
  };
  track('what', what, before.action.what);
  track('ownerId', input.ownerId, before.action.ownerId);
  track('dueDate', input.dueDate, before.action.dueDate);
  track('priority', input.priority, before.action.priority as 'urgent' | 'normal');
  if (Object.keys(detail).length === 0) return;
  // A new due date starts reminders and escalation again.
  if (detail.dueDate) changes.escalationLevel = 0;

  await applyMove(db, actor, id, { move: 'edit', version, now, changes, event: { kind: detail.dueDate && Object.keys(detail).length === 1 ? 'due-date-changed' : 'changed', detail } }, async (tx, _loaded, reference) => {
    if (!detail.ownerId) return;
    const [newOwner] = await tx
      .select({ id: users.id, teamId: users.teamId, lineManagerId: users.lineManagerId })
      .from(users)
      .where(and(eq(users.id, input.ownerId), eq(users.organisationId, actor.organisationId), isNull(users.disabledAt)));
    if (!newOwner) throw new ActionProblem('ownerId', 'Select who will do this');
    const [audit] = before.action.auditId ? await tx.select().from(audits).where(eq(audits.id, before.action.auditId)) : [];
    await assertMayAssign(tx, actor, newOwner, audit);
    await notifyAndEmail(tx, {
      organisationId: actor.organisationId,
      userIds: [newOwner.id],
      kind: 'action-assigned',
      title: `Action ${reference} has been given to you, due ${formatDate(input.dueDate)}`,
      emailBody: `${actor.displayName} has given you action ${reference}, due ${formatDate(input.dueDate)}.`,
      link: `/actions/${id}`,
      reference,
      dedupeKey: `action:${id}:assigned:${version}`,
    });
  });
}

// ---------------------------------------------------------------- lists

export const ACTION_VIEWS = ['mine', 'team', 'sign-off', 'all'] as const;
export type ActionView = (typeof ACTION_VIEWS)[number];
export const DUE_FILTERS = ['overdue', 'this-week', 'later'] as const;
export const SORTS = ['due', 'owner', 'team', 'status', 'tool', 'created'] as const;

export interface ActionFilter {
  view: ActionView;
  teamId?: string | undefined;
  ownerId?: string | undefined;
  /** A status, or `outstanding` for open and reopened together. */
  status?: ActionStatus | 'outstanding' | undefined;
  due?: (typeof DUE_FILTERS)[number] | undefined;
  toolId?: string | undefined;
  sort: (typeof SORTS)[number];
  order: 'asc' | 'desc';
}

export interface ActionRow {
  id: string;
  reference: string;
  what: string;
  status: ActionStatus;
  priority: string;
  dueDate: IsoDate;
  createdAt: Date;
  ownerId: string;
  ownerName: string;
  teamName: string | null;
  childRef: string | null;
  toolId: string | null;
  toolTitle: string | null;
  escalationLevel: number;
  overdue: boolean;
  /** Working days past the due date (0 when not overdue). */
  overdueBy: number;
}

/** The last day "due this week" covers: five working days ahead. */
export function dueSoonUntil(today: IsoDate, calendar: WorkingDayCalendar): IsoDate {
  return calendar.addWorkingDays(today, 5);
}

const SORT_COLUMNS = {
  due: actions.dueDate,
  owner: owner.displayName,
  team: ownerTeam.name,
  status: actions.status,
  tool: catalogueEntries.title,
  created: actions.createdAt,
} as const;

function signOffCondition(actor: Actor): SQL {
  return and(
    eq(actions.status, 'done'),
    sql`${actions.ownerId} <> ${actor.userId}`,
    or(eq(owner.lineManagerId, actor.userId), actor.roles.includes('qa-officer') ? isNull(owner.lineManagerId) : sql`false`),
  )!;
}

async function listConditions(db: Db, actor: Actor, filter: ActionFilter, today: IsoDate, calendar: WorkingDayCalendar): Promise<SQL[]> {
  const conditions: SQL[] = [await visibleCondition(db, actor)];
  if (filter.view === 'mine') conditions.push(eq(actions.ownerId, actor.userId));
  if (filter.view === 'sign-off') conditions.push(signOffCondition(actor));
  if (filter.view === 'team') {
    const scope = await visibleTeamIds(db, actor);
    if (scope !== 'all') conditions.push(scope.length > 0 ? inArray(owner.teamId, scope) : sql`false`);
  }
  if (filter.teamId) conditions.push(eq(owner.teamId, filter.teamId));
  if (filter.ownerId) conditions.push(eq(actions.ownerId, filter.ownerId));
  if (filter.status === 'outstanding') conditions.push(inArray(actions.status, ['open', 'reopened']));
  else if (filter.status) conditions.push(eq(actions.status, filter.status));
  if (filter.toolId) conditions.push(eq(actions.toolId, filter.toolId));
  if (filter.due) {
    conditions.push(inArray(actions.status, ['open', 'reopened']));
    const soon = dueSoonUntil(today, calendar);
    if (filter.due === 'overdue') conditions.push(lt(actions.dueDate, today));
    if (filter.due === 'this-week') conditions.push(sql`${actions.dueDate} between ${today} and ${soon}`);
    if (filter.due === 'later') conditions.push(sql`${actions.dueDate} > ${soon}`);
  }
  return conditions;
}

export async function listActions(db: Db, actor: Actor, filter: ActionFilter, now: Date, limit = 500): Promise<ActionRow[]> {
  requireCapability(actor, 'actions.view');
  const today = londonDate(now);
  const calendar = await calendarFor(db, actor.organisationId);
  const order = filter.order === 'desc' ? desc : asc;
  const rows = await db
    .select({
      id: actions.id,
      number: actions.number,
      what: actions.what,
      status: actions.status,
      priority: actions.priority,
      dueDate: actions.dueDate,
      createdAt: actions.createdAt,
      ownerId: actions.ownerId,
      ownerName: owner.displayName,
      teamName: ownerTeam.name,
      childRef: children.childRef,
      toolId: actions.toolId,
      toolTitle: catalogueEntries.title,
      escalationLevel: actions.escalationLevel,
    })
    .from(actions)
    .innerJoin(owner, eq(owner.id, actions.ownerId))
    .leftJoin(ownerTeam, eq(ownerTeam.id, owner.teamId))
    .leftJoin(children, eq(children.id, actions.childId))
    .leftJoin(catalogueEntries, and(eq(catalogueEntries.organisationId, actions.organisationId), eq(catalogueEntries.catalogueId, actions.toolId)))
    .where(and(...(await listConditions(db, actor, filter, today, calendar))))
    .orderBy(order(SORT_COLUMNS[filter.sort]), asc(actions.dueDate), asc(actions.number))
    .limit(limit);
  return rows.map(({ number, ...r }) => {
    const outstanding = isOutstanding(r.status);
    return { ...r, reference: actionReference(number), overdue: outstanding && r.dueDate < today, overdueBy: outstanding ? safeOverdue(r.dueDate, today, calendar) : 0 };
  });
}

/** The choices the list's filters offer: the teams, people and tools the person can see. */
export async function filterChoices(db: Db, actor: Actor) {
  requireCapability(actor, 'actions.view');
  const scope = await visibleTeamIds(db, actor);
  const teamRows = await db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(and(eq(teams.organisationId, actor.organisationId), scope === 'all' ? undefined : scope.length > 0 ? inArray(teams.id, scope) : sql`false`))
    .orderBy(asc(teams.name));
  const owners = await db
    .selectDistinct({ id: owner.id, name: owner.displayName })
    .from(actions)
    .innerJoin(owner, eq(owner.id, actions.ownerId))
    .where(await visibleCondition(db, actor))
    .orderBy(asc(owner.displayName));
  const tools = await db
    .select({ id: catalogueEntries.catalogueId, title: catalogueEntries.title })
    .from(catalogueEntries)
    .where(and(eq(catalogueEntries.organisationId, actor.organisationId), eq(catalogueEntries.kind, 'audit-tool')))
    .orderBy(asc(catalogueEntries.title));
  return { teams: teamRows, owners, tools };
}

/** People this actor may give an action to, for the form's list. */
export async function assignablePeople(db: Db, actor: Actor) {
  requireCapability(actor, 'actions.create');
  const scope = await visibleTeamIds(db, actor);
  return db
    .select({ id: users.id, name: users.displayName, teamName: teams.name })
    .from(users)
    .leftJoin(teams, eq(teams.id, users.teamId))
    .where(
      and(
        eq(users.organisationId, actor.organisationId),
        isNull(users.disabledAt),
        scope === 'all' ? undefined : or(eq(users.lineManagerId, actor.userId), eq(users.id, actor.userId), scope.length > 0 ? inArray(users.teamId, scope) : sql`false`),
      ),
    )
    .orderBy(asc(users.displayName));
}

/** Children in the actor's team scope, by reference only, for the form's list. */
export async function childChoices(db: Db, actor: Actor) {
  const scope = await visibleTeamIds(db, actor);
  return db
    .select({ id: children.id, ref: children.childRef })
    .from(children)
    .where(
      and(
        eq(children.organisationId, actor.organisationId),
        scope === 'all' ? undefined : scope.length > 0 ? inArray(children.teamId, scope) : sql`false`,
        childVisibleSql(actor, sql`${children.id}`),
      ),
    )
    .orderBy(asc(children.childRef))
    .limit(1000);
}

// ---------------------------------------------------------------- home page and navigation

/** Own actions still to do, plus actions waiting for this person's sign-off: the navigation count. */
export async function actionsNeedingAttention(db: Db, actor: Actor): Promise<number> {
  const [mine] = await db
    .select({ n: count() })
    .from(actions)
    .where(and(eq(actions.organisationId, actor.organisationId), eq(actions.ownerId, actor.userId), inArray(actions.status, ['open', 'reopened']), actionChildVisible(actor)));
  const [signOffs] = await db
    .select({ n: count() })
    .from(actions)
    .innerJoin(owner, eq(owner.id, actions.ownerId))
    .where(and(eq(actions.organisationId, actor.organisationId), signOffCondition(actor), actionChildVisible(actor)));
  return (mine?.n ?? 0) + (signOffs?.n ?? 0);
}

export interface HomeActions {
  /** Own actions overdue or due in the next five working days. */
  dueSoon: ActionRow[];
  awaitingSignOff: ActionRow[];
  counts: { mine: number; team: number; teamOverdue: number; awaitingSignOff: number };
}

export async function homeActions(db: Db, actor: Actor, now: Date): Promise<HomeActions> {
  const base = { sort: 'due', order: 'asc' } as const;
  const [dueSoon, overdue, awaitingSignOff, mine, team, teamOverdue] = await Promise.all([
    listActions(db, actor, { ...base, view: 'mine', due: 'this-week' }, now),
    listActions(db, actor, { ...base, view: 'mine', due: 'overdue' }, now),
    listActions(db, actor, { ...base, view: 'sign-off' }, now),
    listActions(db, actor, { ...base, view: 'mine', status: 'outstanding' }, now),
    listActions(db, actor, { ...base, view: 'team', status: 'outstanding' }, now),
    listActions(db, actor, { ...base, view: 'team', due: 'overdue' }, now),
  ]);
  return {
    dueSoon: [...overdue, ...dueSoon],
    awaitingSignOff,
    counts: { mine: mine.length, team: team.length, teamOverdue: teamOverdue.length, awaitingSignOff: awaitingSignOff.length },
  };
}
