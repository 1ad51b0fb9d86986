import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { actionChases, actions } from '../actions/schema.ts';
import { loadDemoActions } from './actions.ts';

describe('demo actions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ demo: 'council' });
    // Wednesday 25 November 2026.
    await loadDemoActions(t.database.db, t.council, new Date('2026-11-25T10:00:00Z'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows an action in every state', async () => {
    const rows = await t.database.db.select().from(actions).where(eq(actions.organisationId, t.council.organisationId));
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['open', 'done', 'signed-off', 'reopened', 'cancelled']));
  });

  it('has actions due soon (reminded), due today and overdue at every escalation level', async () => {
    const chases = await t.database.db.select().from(actionChases);
    expect(chases.filter((c) => c.kind === 'reminder').length).toBeGreaterThan(0);
    expect(new Set(chases.filter((c) => c.kind === 'escalation').map((c) => c.level))).toEqual(new Set([1, 2, 3]));
    const rows = await t.database.db.select().from(actions);
    expect(rows.some((r) => r.dueDate === '2026-11-25' && r.escalationLevel === 1)).toBe(true);
    expect(rows.some((r) => r.escalationLevel === 3 && r.priority === 'urgent')).toBe(true);
  });

  it('shows the practice manager an action waiting for sign-off', async () => {
    const manager = await t.signInAs('practice-manager');
    const list = await manager.get('/actions?view=sign-off');
    expect(list.text).toContain('Arrange a family network meeting');
  });
});
