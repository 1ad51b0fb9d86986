import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { ForbiddenError, NotFoundError, type Actor } from '../platform/auth/actor.ts';
import { ConflictError } from '../platform/http/errors.ts';
import { addClosure } from '../platform/calendar/closures.ts';
import { notifications } from '../platform/notify/schema.ts';
import { emailMessages } from '../platform/notify/email/schema.ts';
import { children } from '../cases/schema.ts';
import { actorFor } from './acting-as.ts';
import { ActionProblem, cancel, createAction, editAction, getActionDetail, IllegalMoveError, listActions, markDone, reopen, signOff } from './service.ts';
import { saveDueRule } from './settings.ts';
import { actionEvents, actions } from './schema.ts';

/** Thursday 2 April 2026, 10am in London: Good Friday and Easter Monday follow. */
const BEFORE_EASTER = new Date('2026-04-02T09:00:00Z');

describe('actions', () => {
  let t: TestApp;
  const as: Record<string, Actor> = {};
  let childId: string;

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council' });
    for (const key of ['practitioner', 'sw-2', 'sw-3', 'practice-manager', 'pm-south', 'group-manager', 'qa-officer', 'admin']) as[key] = await actorFor(t.database.db, t.council.people[key]!);
    const [child] = await t.database.db
      .insert(children)
      .values({ organisationId: t.council.organisationId, childRef: 'NB-T001', name: 'Pat Example', caseType: 'cin', teamId: t.council.teams['fst-north'], workerId: t.council.people['practitioner'], source: 'manual' })
      .returning({ id: children.id });
    childId = child!.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.database.db;
  const version = async (id: string) => (await db().select({ v: actions.version }).from(actions).where(eq(actions.id, id)))[0]!.v;

  describe('deadlines', () => {
    it('defaults to 5 working days, across the Easter bank holidays, when the audit found a safeguarding concern', async () => {
      const created = await createAction(db(), as['practice-manager']!, { what: 'Hold a strategy discussion with the police', ownerId: as['practitioner']!.userId, childId, safeguardingConcern: true }, BEFORE_EASTER);
      expect(created).toMatchObject({ dueDate: '2026-04-13', dueDateDefaulted: true, priority: 'urgent' });
    });

    it('defaults to 4 weeks otherwise, and keeps a date the manager chose', async () => {
      const normal = await createAction(db(), as['practice-manager']!, { what: 'Update the chronology', ownerId: as['practitioner']!.userId, childId }, BEFORE_EASTER);
      expect(normal).toMatchObject({ dueDate: '2026-04-30', priority: 'normal' });
      const chosen = await createAction(db(), as['practice-manager']!, { what: 'Share the plan with the school', ownerId: as['practitioner']!.userId, dueDate: '2026-04-20' }, BEFORE_EASTER);
      expect(chosen).toMatchObject({ dueDate: '2026-04-20', dueDateDefaulted: false });
    });

    it('uses the QA team’s own defaults for the tool, and the council’s closure days', async () => {
      await saveDueRule(db(), as['qa-officer']!, 'multi-agency-cp-audit-tool', { urgentAmount: 3, urgentUnit: 'working-days', normalAmount: 10, normalUnit: 'working-days', version: 0 });
      await addClosure(db(), as['admin']!, { date: '2026-04-08', reason: 'Staff training day' });
      const input = { what: 'Convene a core group meeting', ownerId: as['practitioner']!.userId, toolId: 'multi-agency-cp-audit-tool' };
      // Tue 7, (Wed 8 closed), Thu 9, Fri 10.
      expect((await createAction(db(), as['practice-manager']!, { ...input, inadequateJudgement: true }, BEFORE_EASTER)).dueDate).toBe('2026-04-10');
      // Ten working days: 7, 9, 10, 13, 14, 15, 16, 17, 20, 21.
      expect((await createAction(db(), as['practice-manager']!, input, BEFORE_EASTER)).dueDate).toBe('2026-04-21');
      // Another tool still has seed 002's 5 working days: 7, 9, 10, 13, 14.
      expect((await createAction(db(), as['practice-manager']!, { ...input, toolId: 'practice-audit-tool', safeguardingConcern: true }, BEFORE_EASTER)).dueDate).toBe('2026-04-14');
    });

    it('warns about vague timescales but still saves the action', async () => {
      const created = await createAction(db(), as['practice-manager']!, { what: 'Direct work with the child, ongoing', ownerId: as['practitioner']!.userId }, BEFORE_EASTER);
      expect(created.warnings.map((w) => w.field)).toEqual(['what', 'dueDate']);
      expect(created.reference).toMatch(/^A-\d+$/);
    });
  });

  describe('setting an action', () => {
    it('tells the owner in-app and by e-mail, with a reference and a link but no child’s name or the action’s words', async () => {
      const created = await createAction(db(), as['practice-manager']!, { what: 'Pat Example to be seen alone', ownerId: as['sw-2']!.userId, childId }, BEFORE_EASTER);
      const [notice] = await db().select().from(notifications).where(eq(notifications.dedupeKey, `action:${created.id}:assigned`));
      expect(notice).toMatchObject({ userId: as['sw-2']!.userId, link: `/actions/${created.id}` });
      const [email] = await db().select().from(emailMessages).where(eq(emailMessages.dedupeKey, `action:${created.id}:assigned`));
      expect(email).toMatchObject({ toAddress: as['sw-2']!.email, reference: created.reference, status: 'pending' });
      for (const text of [email!.subject, email!.body, notice!.title]) {
        expect(text).toContain(created.reference);
        expect(text).not.toMatch(/Pat|Example|seen alone/);
      }
    });

    it('refuses an owner outside the manager’s teams, and people who cannot set actions', async () => {
      await expect(createAction(db(), as['practice-manager']!, { what: 'x', ownerId: as['sw-3']!.userId }, BEFORE_EASTER)).rejects.toThrow(ActionProblem);
      await expect(createAction(db(), as['practitioner']!, { what: 'x', ownerId: as['practitioner']!.userId }, BEFORE_EASTER)).rejects.toThrow(ForbiddenError);
      await expect(createAction(db(), as['practice-manager']!, { what: '   ', ownerId: as['practitioner']!.userId }, BEFORE_EASTER)).rejects.toThrow(ActionProblem);
    });
  });

  describe('to completion', () => {
    it('is marked done by its owner with evidence and signed off by the owner’s line manager, every step in the history', async () => {
      const { id } = await createAction(db(), as['practice-manager']!, { what: 'Complete the child’s single assessment', ownerId: as['practitioner']!.userId, childId }, BEFORE_EASTER);
      await expect(markDone(db(), as['practitioner']!, id, 1, '  ', BEFORE_EASTER)).rejects.toThrow(ActionProblem);
      await expect(markDone(db(), as['practice-manager']!, id, 1, 'Done', BEFORE_EASTER)).rejects.toThrow(ForbiddenError);
      await markDone(db(), as['practitioner']!, id, 1, 'Assessment authorised on Mosaic on 10 April', BEFORE_EASTER);

      // The line manager is asked to sign off.
      const asked = await db().select().from(notifications).where(and(eq(notifications.userId, as['practice-manager']!.userId), eq(notifications.kind, 'action-awaiting-sign-off')));
      expect(asked.map((n) => n.link)).toContain(`/actions/${id}`);

      await expect(signOff(db(), as['practitioner']!, id, 2, undefined, BEFORE_EASTER)).rejects.toThrow(/Nobody signs off their own action/);
      await expect(signOff(db(), as['group-manager']!, id, 2, undefined, BEFORE_EASTER)).rejects.toThrow(ForbiddenError);
      await expect(signOff(db(), as['qa-officer']!, id, 2, undefined, BEFORE_EASTER)).rejects.toThrow(ForbiddenError);
      await signOff(db(), as['practice-manager']!, id, 2, 'Good work', BEFORE_EASTER);

      const detail = await getActionDetail(db(), as['practice-manager']!, id, BEFORE_EASTER);
      expect(detail.action).toMatchObject({ status: 'signed-off', signedOffBy: as['practice-manager']!.userId, evidence: 'Assessment authorised on Mosaic on 10 April', version: 3 });
      expect(detail.events.map((e) => e.kind)).toEqual(['created', 'done', 'signed-off']);
      expect(detail.moves.size).toBe(0);
    });

    it('refuses illegal moves and stale versions, so nobody overwrites anybody', async () => {
      const { id } = await createAction(db(), as['practice-manager']!, { what: 'Arrange a family group conference', ownerId: as['practitioner']!.userId }, BEFORE_EASTER);
      await expect(signOff(db(), as['practice-manager']!, id, 1, undefined, BEFORE_EASTER)).rejects.toThrow(IllegalMoveError);
      await expect(reopen(db(), as['practice-manager']!, id, 1, { reason: 'x' }, BEFORE_EASTER)).rejects.toThrow(IllegalMoveError);
      await markDone(db(), as['practitioner']!, id, 1, 'FGC booked for 20 April', BEFORE_EASTER);
      // The manager's page was loaded before the owner marked it done.
      await expect(cancel(db(), as['practice-manager']!, id, 1, 'No longer needed', BEFORE_EASTER)).rejects.toThrow(ConflictError);
      await expect(markDone(db(), as['practitioner']!, id, 2, 'again', BEFORE_EASTER)).rejects.toThrow(IllegalMoveError);
      expect(await version(id)).toBe(2);
    });

    it('is reopened with a reason and a new date when the old one has passed, and done again', async () => {
      const { id } = await createAction(db(), as['practice-manager']!, { what: 'Visit the child at school', ownerId: as['practitioner']!.userId, dueDate: '2026-04-07' }, BEFORE_EASTER);
      await markDone(db(), as['practitioner']!, id, 1, 'Visited', BEFORE_EASTER);
      const later = new Date('2026-04-20T09:00:00Z');
      await expect(reopen(db(), as['practice-manager']!, id, 2, { reason: '' }, later)).rejects.toThrow(ActionProblem);
      await expect(reopen(db(), as['practice-manager']!, id, 2, { reason: 'The record of the visit is missing' }, later)).rejects.toThrow(/due date has passed/);
      expect(await version(id)).toBe(2);
      await reopen(db(), as['practice-manager']!, id, 2, { reason: 'The record of the visit is missing', dueDate: '2026-04-24' }, later);
      const reopened = await getActionDetail(db(), as['practitioner']!, id, later);
      expect(reopened.action).toMatchObject({ status: 'reopened', dueDate: '2026-04-24', escalationLevel: 0 });
      expect(reopened.events.map((e) => e.kind)).toEqual(['created', 'done', 'reopened', 'due-date-changed']);
      expect(reopened.events[2]!.detail).toEqual({ reason: 'The record of the visit is missing' });
      await markDone(db(), as['practitioner']!, id, 3, 'Visit recorded on 21 April', later);
      expect((await getActionDetail(db(), as['practitioner']!, id, later)).action.status).toBe('done');
    });

    it('is cancelled with a reason by a manager, never by its owner', async () => {
      const { id } = await createAction(db(), as['practice-manager']!, { what: 'Refer to the youth service', ownerId: as['practitioner']!.userId }, BEFORE_EASTER);
      await expect(cancel(db(), as['practitioner']!, id, 1, 'Not needed', BEFORE_EASTER)).rejects.toThrow(ForbiddenError);
      await expect(cancel(db(), as['practice-manager']!, id, 1, ' ', BEFORE_EASTER)).rejects.toThrow(ActionProblem);
      await cancel(db(), as['practice-manager']!, id, 1, 'The family moved out of the area', BEFORE_EASTER);
      const detail = await getActionDetail(db(), as['practice-manager']!, id, BEFORE_EASTER);
      expect(detail.action).toMatchObject({ status: 'cancelled', cancelReason: 'The family moved out of the area' });
    });

    it('records what a change replaced', async () => {
      const { id } = await createAction(db(), as['practice-manager']!, { what: 'Update the plan', ownerId: as['practitioner']!.userId, dueDate: '2026-04-15' }, BEFORE_EASTER);
      await editAction(db(), as['practice-manager']!, id, 1, { what: 'Update the CIN plan with the family', ownerId: as['sw-2']!.userId, dueDate: '2026-04-15', priority: 'normal' }, BEFORE_EASTER);
      const [event] = await db().select().from(actionEvents).where(and(eq(actionEvents.actionId, id), eq(actionEvents.kind, 'changed')));
      expect(event!.detail).toEqual({ what: { from: 'Update the plan', to: 'Update the CIN plan with the family' }, ownerId: { from: as['practitioner']!.userId, to: as['sw-2']!.userId } });
      await expect(editAction(db(), as['practice-manager']!, id, 1, { what: 'x', ownerId: as['sw-2']!.userId, dueDate: '2026-04-15', priority: 'normal' }, BEFORE_EASTER)).rejects.toThrow(ConflictError);
    });
  });

  describe('who sees what', () => {
    it('hides an action from people outside its owner’s teams and management chain', async () => {
      const { id } = await createAction(db(), as['practice-manager']!, { what: 'Seek the child’s views', ownerId: as['practitioner']!.userId }, BEFORE_EASTER);
      await expect(getActionDetail(db(), as['sw-3']!, id, BEFORE_EASTER)).rejects.toThrow(NotFoundError);
      await expect(getActionDetail(db(), as['pm-south']!, id, BEFORE_EASTER)).rejects.toThrow(NotFoundError);
      for (const who of ['practitioner', 'sw-2', 'practice-manager', 'group-manager', 'qa-officer']) {
        expect((await getActionDetail(db(), as[who]!, id, BEFORE_EASTER)).action.id, who).toBe(id);
      }
    });

    it('lists each person’s own actions, their sign-offs and their teams’, with filters and sorting', async () => {
      const sort = { sort: 'due', order: 'asc' } as const;
      const mine = await listActions(db(), as['sw-2']!, { ...sort, view: 'mine' }, BEFORE_EASTER);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((r) => r.ownerId === as['sw-2']!.userId)).toBe(true);

      const signOffs = await listActions(db(), as['practice-manager']!, { ...sort, view: 'sign-off' }, BEFORE_EASTER);
      expect(signOffs.length).toBeGreaterThan(0);
      expect(signOffs.every((r) => r.status === 'done')).toBe(true);
      expect(await listActions(db(), as['group-manager']!, { ...sort, view: 'sign-off' }, BEFORE_EASTER)).toEqual([]);

      const south = await listActions(db(), as['pm-south']!, { ...sort, view: 'team' }, BEFORE_EASTER);
      expect(south).toEqual([]);

      const byOwner = await listActions(db(), as['qa-officer']!, { view: 'all', sort: 'owner', order: 'desc' }, BEFORE_EASTER);
      const names = byOwner.map((r) => r.ownerName);
      expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a)));

      const cancelled = await listActions(db(), as['qa-officer']!, { ...sort, view: 'all', status: 'cancelled' }, BEFORE_EASTER);
      expect(cancelled.length).toBe(1);
      const overdue = await listActions(db(), as['qa-officer']!, { ...sort, view: 'all', due: 'overdue' }, new Date('2026-05-01T09:00:00Z'));
      expect(overdue.length).toBeGreaterThan(0);
      expect(overdue.every((r) => r.overdue && r.dueDate < '2026-05-01' && r.overdueBy > 0)).toBe(true);
      const tool = await listActions(db(), as['qa-officer']!, { ...sort, view: 'all', toolId: 'multi-agency-cp-audit-tool' }, BEFORE_EASTER);
      expect(tool.map((r) => r.toolTitle)).toEqual(['Multi-agency child protection audit tool', 'Multi-agency child protection audit tool']);
    });
  });
});
