import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../../test/support/app.ts';
import { audits, auditEvents, auditThemes, themes } from '../schema.ts';
import { auditOf, submittedAudit } from '../programme/test-helpers.ts';

describe('stage 3: themes and senior leadership cases', () => {
  let t: TestApp;
  let qa: TestClient;
  beforeAll(async () => {
    t = await createTestApp();
    qa = await t.signInAs('qa-officer');
  });
  afterAll(async () => {
    await t.close();
  });

  const themeId = async (name: string) => (await t.database.db.select({ id: themes.id }).from(themes).where(eq(themes.name, name)))[0]!.id;
  const versionOf = async (auditId: string) => String((await t.database.db.select({ version: audits.version }).from(audits).where(eq(audits.id, auditId)))[0]!.version);

  it('keeps the theme list to the QA team, and refuses a theme twice', async () => {
    expect((await (await t.signInAs('senior-leader')).get('/themes')).status).toBe(403);
    expect((await (await t.signInAs('moderator')).post('/themes', { name: 'Anything' })).status).toBe(403);
    await qa.get('/themes');
    expect((await qa.post('/themes', { name: 'Contingency planning', description: 'Plans for when things go wrong.' })).status).toBe(303);
    const again = await qa.post('/themes', { name: 'contingency PLANNING' });
    expect(again.status).toBe(400);
    expect(again.text).toContain('There is already a theme with this name');
    const page = await qa.get('/themes');
    expect(page.text).toContain('Contingency planning');
  });

  it('tags an audit with a theme as a strength, barrier or recurring issue, and takes it off again', async () => {
    const audit = await auditOf(t.database.db, 'NB-P102');
    const page = await qa.get(`/audits/${audit.id}/evaluation`);
    expect(page.status).toBe(200);
    const empty = await qa.post(`/audits/${audit.id}/evaluation/themes`, {});
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Select whether it is a strength, a barrier or a recurring issue');
    const id = await themeId('Contingency planning');
    expect((await qa.post(`/audits/${audit.id}/evaluation/themes`, { themeId: id, kind: 'barrier', note: 'No plan for a placement ending.' })).status).toBe(303);
    const [tag] = await t.database.db.select().from(auditThemes).where(and(eq(auditThemes.auditId, audit.id), eq(auditThemes.themeId, id)));
    expect(tag).toMatchObject({ kind: 'barrier', note: 'No plan for a placement ending.', taggedBy: t.council.people['qa-officer'] });
    const theme = await qa.get(`/themes/${id}`);
    expect(theme.text).toContain('NB-P102');
    expect(theme.text).toContain('Barrier');
    expect((await qa.post(`/audits/${audit.id}/evaluation/themes/${id}/remove`)).status).toBe(303);
    expect(await t.database.db.select().from(auditThemes).where(and(eq(auditThemes.auditId, audit.id), eq(auditThemes.themeId, id)))).toHaveLength(0);
    const events = await t.database.db.select({ kind: auditEvents.kind }).from(auditEvents).where(eq(auditEvents.auditId, audit.id));
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['theme-tagged', 'theme-removed']));
  });

  it('only tags audits whose stage 1 is submitted, and retired themes leave the list', async () => {
    const allocated = await submittedAudit(t, { ref: 'NB-T8', team: 'mash', worker: 'sw-6', auditor: 'pm-cic', finalGrade: 'good', status: 'allocated' });
    const id = await themeId('Drift and delay');
    expect((await qa.post(`/audits/${allocated.id}/evaluation/themes`, { themeId: id, kind: 'barrier' })).status).toBe(409);
    expect((await qa.post(`/themes/${id}/retire`)).status).toBe(303);
    const audit = await auditOf(t.database.db, 'NB-P104');
    const page = await qa.get(`/audits/${audit.id}/evaluation`);
    expect(page.text).not.toContain('>Drift and delay<');
    const refused = await qa.post(`/audits/${audit.id}/evaluation/themes`, { themeId: id, kind: 'barrier' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Select a theme from the list');
    await qa.post(`/themes/${id}/reinstate`);
  });

  it('presents only audited and moderated cases to the senior leadership team, who see them with their themes', async () => {
    const notModerated = await auditOf(t.database.db, 'NB-P101');
    const refused = await qa.post(`/audits/${notModerated.id}/evaluation/slt`, { marked: 'yes', version: await versionOf(notModerated.id) });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Only audited and moderated cases');

    const audit = await auditOf(t.database.db, 'NB-P102');
    const version = await versionOf(audit.id);
    expect((await qa.post(`/audits/${audit.id}/evaluation/slt`, { marked: 'yes', reason: 'A good example of recording catching up.', version })).status).toBe(303);
    const stale = await qa.post(`/audits/${audit.id}/evaluation/slt`, { marked: 'no', version });
    expect(stale.status).toBe(409);
    const leader = await t.signInAs('senior-leader');
    const page = await leader.get('/slt');
    expect(page.status).toBe(200);
    expect(page.text).toContain('NB-P102');
    expect(page.text).toContain('A good example of recording catching up.');
    expect(page.text).toContain('NB-P105');
    expect(page.text).toContain('The voice of the child and direct work (strength)');
    expect((await (await t.signInAs('practice-manager')).get('/slt')).status).toBe(403);
  });

  it('closes a moderated audit, and refuses to close it twice', async () => {
    const audit = await auditOf(t.database.db, 'NB-P102');
    const version = await versionOf(audit.id);
    expect((await qa.post(`/audits/${audit.id}/evaluation/close`, { version })).status).toBe(303);
    const [row] = await t.database.db.select().from(audits).where(eq(audits.id, audit.id));
    expect(row!.status).toBe('closed');
    expect(row!.closedAt).not.toBeNull();
    const again = await qa.post(`/audits/${audit.id}/evaluation/close`, { version: String(row!.version) });
    expect(again.status).toBe(409);
    expect(again.text).toContain('An audit that is closed cannot close');
  });
});
