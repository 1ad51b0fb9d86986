/**
 * Disposal on the full demo council: the records due go with everything under them, a legal hold
 * keeps what it covers, the disposal log holds no names, and the access log is untouched.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/client.ts';
import type { Actor } from '../platform/auth/actor.ts';
import { children } from '../cases/schema.ts';
import { audits } from '../audits/schema.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { DISPOSAL_COVERS, DISPOSED_CHILD_ID, DISPOSED_CHILD_REF, reviewRetention, runDisposal } from './disposal.ts';
import { liftHold, listHolds, placeHold } from './holds.ts';

const FAR_FUTURE = '2200-01-01';

describe('disposal', { timeout: 120_000 }, () => {
  let t: TestApp;
  let officer: Actor;
  let organisationId: string;

  beforeAll(async () => {
    t = await createTestApp();
    organisationId = t.council.organisationId;
    officer = { userId: t.council.people['admin']!, organisationId, displayName: 'Chris Dale', email: 'admin@example', roles: ['admin'], teamId: null };
  });
  afterAll(async () => {
    await t.close();
  });

  const count = async (table: string) => (await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;
  const childRefs = async () => (await t.database.db.select({ ref: children.childRef }).from(children)).map((r) => r.ref).sort();

  it('empties every table that depends on a disposed record: the plan matches the database’s foreign keys', async () => {
    const references = await queryRows<{ target: string; source: string }>(
      t.database.db,
      sql`select distinct t.relname as target, c.relname as source
            from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class t on t.oid = k.confrelid
           where k.contype = 'f' and t.relname in ('children', 'audits', 'actions', 'safeguarding_alerts', 'audit_disputes', 'child_restrictions')`,
    );
    const found: Record<string, string[]> = {};
    for (const r of references) found[r.target] = [...(found[r.target] ?? []), r.source].sort();
    const planned = Object.fromEntries(Object.entries(DISPOSAL_COVERS).map(([k, v]) => [k, [...v].sort()]));
    expect(found).toEqual(planned);
  });

  it('finds nothing due today: the demo council’s children are young and its audits recent', async () => {
    const review = await reviewRetention(t.database.db, organisationId, '2026-06-01');
    expect(review.due).toEqual([]);
  });

  it('lists a child with no date of birth for review and never as due', async () => {
    const [undated] = await t.database.db
      .insert(children)
      .values({ organisationId, childRef: 'GOV-NODOB', name: 'Synthetic Nodob', caseType: 'cla', source: 'manual' })
      .returning({ id: children.id });
    const review = await reviewRetention(t.database.db, organisationId, FAR_FUTURE);
    expect(review.undated.map((u) => u.childRef)).toContain('GOV-NODOB');
    expect(review.due.concat(review.kept).map((r) => r.id)).not.toContain(undated!.id);
  });

  it('is due on the 75th birthday and not the day before', async () => {
    await t.database.db.insert(children).values({ organisationId, childRef: 'GOV-LEAP', name: 'Synthetic Leap', caseType: 'cla', dateOfBirth: '2008-02-29', source: 'manual' });
    const before = await reviewRetention(t.database.db, organisationId, '2083-02-28');
    expect(before.due.map((r) => r.childRef)).not.toContain('GOV-LEAP');
    const on = await reviewRetention(t.database.db, organisationId, '2083-03-01');
    expect(on.due.find((r) => r.childRef === 'GOV-LEAP')).toMatchObject({ recordType: 'child', retentionClass: 'looked-after-child', disposalDate: '2083-03-01' });
  });

  it('disposes of exactly the records due and not kept, keeps held ones, and logs metadata only', async () => {
    const db = t.database.db;
    // A hold on a child, and a hold on one audit of another child: both children stay, with everything under them.
    const [heldChild] = await db.select({ id: children.id, ref: children.childRef }).from(children).where(eq(children.childRef, 'NB-P001'));
    const [heldAudit] = await queryRows<{ id: string; child_ref: string }>(
      db,
      sql`select a.id, c.child_ref from audits a join children c on c.id = a.child_id where a.status = 'closed' and c.child_ref <> 'NB-P001' order by c.child_ref limit 1`,
    );
    await placeHold(db, officer, { recordType: 'child', childRef: 'nb-p001', reason: 'Complaint to the Local Government Ombudsman under way' }, new Date());
    await placeHold(db, officer, { recordType: 'audit', auditId: heldAudit!.id, reason: 'Disclosure in care proceedings' }, new Date());
    // A hold placed and lifted again keeps nothing.
    const liftedId = await placeHold(db, officer, { recordType: 'child', childRef: 'GOV-LEAP', reason: 'Held by mistake' }, new Date());
    await liftHold(db, officer, liftedId, { reason: 'Placed on the wrong child', version: 1 }, new Date());
    expect((await listHolds(db, officer)).filter((h) => h.liftedAt === null)).toHaveLength(2);

    const review = await reviewRetention(db, organisationId, FAR_FUTURE);
    const keptRefs = review.kept.map((r) => r.childRef);
    expect(keptRefs).toContain(heldChild!.ref);
    expect(keptRefs).toContain(heldAudit!.child_ref);
    expect(review.due.map((r) => r.childRef)).not.toContain(heldChild!.ref);
    const dueChildren = review.due.filter((r) => r.recordType === 'child');
    expect(dueChildren.length).toBeGreaterThan(5);

    const ids = new Map((await db.select({ id: children.id, ref: children.childRef }).from(children)).map((c) => [c.ref, c.id]));
    const before = { children: await childRefs(), accessLog: await count('access_log'), alerts: await count('safeguarding_alerts') };
    const outcome = await runDisposal(db, { organisationId, asOf: FAR_FUTURE, userId: officer.userId, channel: 'browser', now: new Date() });
    expect(outcome.byType.child).toBe(dueChildren.length);
    expect(outcome.kept).toBe(review.kept.length);

    const after = await childRefs();
    const gone = before.children.filter((ref) => !after.includes(ref));
    expect(gone.sort()).toEqual(dueChildren.map((r) => r.childRef!).sort());
    expect(after).toContain(heldChild!.ref);
    expect(after).toContain(heldAudit!.child_ref);
    expect(after).toContain('GOV-NODOB');
    // The held audit and the held child's audits are still there.
    expect(await db.select({ id: audits.id }).from(audits).where(eq(audits.id, heldAudit!.id))).toHaveLength(1);
    // Nothing is left pointing at a disposed child.
    const orphans = await queryRows<{ n: number }>(
      db,
      sql`select (select count(*) from audits a where not exists (select 1 from children c where c.id = a.child_id))::int
               + (select count(*) from case_facts f where not exists (select 1 from children c where c.id = f.child_id))::int as n`,
    );
    expect(orphans[0]!.n).toBe(0);
    // No other record keeps a disposed child's id or reference: not a round's draw record, nor
    // anything else. The access log is the exception, kept by design (see DECISIONS.md).
    const tables = await queryRows<{ name: string }>(db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('access_log', 'disposal_log', '__drizzle_migrations')`);
    const goneIds = gone.map((ref) => ids.get(ref)!);
    const naming: Record<string, number> = {};
    for (const { name } of tables) {
      const rows = await queryRows<{ row: string }>(db, sql`select row_to_json(t)::text as row from ${sql.identifier(name)} t`);
      const text = rows.map((r) => r.row).join('\n');
      const left = goneIds.filter((id) => text.includes(id)).length + gone.filter((ref) => new RegExp(`\\b${ref}\\b`).test(text)).length;
      if (left > 0) naming[name] = left;
    }
    expect(naming, 'tables still naming a disposed child (by id or reference)').toEqual({});
    // A round that drew a disposed child still explains its draw, with the child's place kept.
    const qa = await t.signInAs('qa-officer');
    const drawn = await queryRows<{ id: string }>(db, sql`select id from audit_rounds where draw_record::text like ${`%${DISPOSED_CHILD_ID}%`}`);
    expect(drawn.length).toBeGreaterThan(0);
    for (const { id } of drawn) {
      const page = await qa.get(`/rounds/${id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(DISPOSED_CHILD_REF);
    }
    // The access log is never touched; safeguarding alerts went only with their audits.
    expect(await count('access_log')).toBeGreaterThanOrEqual(before.accessLog);
    expect(await count('safeguarding_alerts')).toBeLessThanOrEqual(before.alerts);

    // One log row per record: the children, and each audit and action that went with them.
    const log = await queryRows<Record<string, unknown>>(db, sql`select * from disposal_log where run_id = ${outcome.runId}`);
    expect(log.filter((r) => r.record_type === 'child')).toHaveLength(dueChildren.length);
    expect(log.every((r) => r.disposed_by === officer.userId && typeof r.retention_class === 'string')).toBe(true);
    // Metadata only: no child's reference or name, no person's name, anywhere in the log.
    const names = await queryRows<{ value: string }>(db, sql`select display_name as value from users`);
    const logText = JSON.stringify(log).toLowerCase();
    for (const ref of gone) expect(logText).not.toContain(ref.toLowerCase());
    for (const { value } of names) expect(logText).not.toContain(value.toLowerCase());
    expect(Object.keys(log[0]!).sort()).toEqual(['at', 'disposal_date', 'disposed_by', 'disposed_with', 'id', 'organisation_id', 'record_id', 'record_type', 'retention_class', 'run_id']);
  });

  it('refuses to change or delete the disposal log, and safeguarding alerts outside a disposal', async () => {
    await expect(t.database.db.execute(sql`delete from disposal_log`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`update disposal_log set record_type = 'x'`)).rejects.toThrow();
    const alerts = await count('safeguarding_alerts');
    expect(alerts).toBeGreaterThan(0);
    await expect(t.database.db.execute(sql`delete from safeguarding_alerts`)).rejects.toThrow();
    // Naming a run is not enough: the run must have logged the alert's audit first.
    await expect(
      t.database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('sightline.disposal_run', '00000000-0000-4000-8000-000000000000', true)`);
        await tx.execute(sql`delete from safeguarding_alerts`);
      }),
    ).rejects.toThrow();
    expect(await count('safeguarding_alerts')).toBe(alerts);
  });

  it('disposes of a held record once the hold is lifted', async () => {
    const db = t.database.db;
    const held = (await listHolds(db, officer)).find((h) => h.recordType === 'child' && h.liftedAt === null)!;
    await liftHold(db, officer, held.id, { reason: 'The complaint has been closed', version: held.version }, new Date());
    const outcome = await runDisposal(db, { organisationId, asOf: FAR_FUTURE, userId: null, channel: 'command line', now: new Date() });
    expect(outcome.byType.child).toBeGreaterThanOrEqual(1);
    expect(await childRefs()).not.toContain('NB-P001');
  });
});
