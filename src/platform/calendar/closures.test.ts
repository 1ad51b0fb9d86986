import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { ForbiddenError } from '../auth/actor.ts';
import { actorFor } from '../../actions/acting-as.ts';
import { addClosure, calendarFor, ClosureProblem, removeClosure } from './closures.ts';

describe('local closure days', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ demo: 'council', now: () => new Date('2026-11-25T10:00:00Z') });
  });
  afterAll(async () => {
    await t.close();
  });

  it('stop a day counting as a working day for this council, until removed', async () => {
    const admin = await actorFor(t.database.db, t.council.people['admin']!);
    // Tuesday 29 December 2026: 5 working days after Wednesday 23rd is Monday 4 January without it.
    expect((await calendarFor(t.database.db, t.council.organisationId)).addWorkingDays('2026-12-23', 5)).toBe('2027-01-04');
    await addClosure(t.database.db, admin, { date: '2026-12-29', reason: 'Christmas closure' });
    expect((await calendarFor(t.database.db, t.council.organisationId)).addWorkingDays('2026-12-23', 5)).toBe('2027-01-05');
    await expect(addClosure(t.database.db, admin, { date: '2026-12-29', reason: 'Again' })).rejects.toThrow(ClosureProblem);
    await expect(addClosure(t.database.db, admin, { date: '2026-12-25', reason: 'Christmas' })).rejects.toThrow(/already a bank holiday/);
    await expect(addClosure(t.database.db, admin, { date: '2026-12-26', reason: 'Saturday' })).rejects.toThrow(/weekend/);
    expect(await removeClosure(t.database.db, admin, '2026-12-29')).toBe(true);
    expect((await calendarFor(t.database.db, t.council.organisationId)).isWorkingDay('2026-12-29')).toBe(true);
  });

  it('are kept by administrators only', async () => {
    const qa = await actorFor(t.database.db, t.council.people['qa-officer']!);
    await expect(addClosure(t.database.db, qa, { date: '2026-12-30', reason: 'x' })).rejects.toThrow(ForbiddenError);
  });

  it('are added and removed on the administrators’ page, with GOV.UK date errors', async () => {
    const admin = await t.signInAs('admin');
    const page = await admin.get('/admin/calendar');
    expect(page.status).toBe(200);
    // Bank holidays in the next 12 months are shown for reference.
    expect(page.text).toContain('25 December 2026');
    const bad = await admin.post('/admin/calendar/closures', { 'date-day': '31', 'date-month': '11', 'date-year': '2026', reason: 'Training' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('The closure date must be a real date');
    expect(bad.text).toContain('href="#date-day"');
    const noReason = await admin.post('/admin/calendar/closures', { 'date-day': '31', 'date-month': '12', 'date-year': '2026' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Say why the council is closed');
    expect((await admin.post('/admin/calendar/closures', { 'date-day': '31', 'date-month': '12', 'date-year': '2026', reason: 'New Year closure' })).status).toBe(303);
    expect((await admin.get('/admin/calendar')).text).toContain('New Year closure');
    expect((await admin.post('/admin/calendar/closures/2026-12-31/remove')).status).toBe(303);
    expect((await admin.post('/admin/calendar/closures/2026-12-31/remove')).status).toBe(404);
    expect((await admin.get('/admin/calendar')).text).not.toContain('New Year closure');
  });
});
