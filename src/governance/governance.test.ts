/**
 * Information governance through the web application, as the data protection officer (the demo
 * administrator) and the QA team use it: a subject access bundle with its redactions, the record
 * that it was produced, legal holds, the disposal button, and the access-log reports.
 */
import crypto from 'node:crypto';
import JSZip from 'jszip';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request, { type Response } from 'supertest';
import { queryRows } from '../platform/db/client.ts';
import { accessLog } from '../platform/access-log/schema.ts';
import { actions } from '../actions/schema.ts';
import { createTestApp, csrfFrom, type TestApp, type TestClient } from '../../test/support/app.ts';
import type { Actor } from '../platform/auth/actor.ts';
import { addDays } from '../platform/calendar/iso-date.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { restrictChild } from '../restrictions/service.ts';
import { subjectAccessBundles, subjectAccessRequests } from './schema.ts';

describe('information governance', { timeout: 180_000 }, () => {
  let t: TestApp;
  let officer: TestClient;
  let qa: TestClient;
  let subject: { id: string; ref: string; name: string };
  let otherChild: { ref: string; name: string };
  let familyWords: string;
  let requestId: string;

  beforeAll(async () => {
    t = await createTestApp();
    officer = await t.signInAs('admin');
    qa = await t.signInAs('qa-officer');
    const db = t.database.db;
    // A child whose audit recorded a parent's feedback.
    const [row] = await queryRows<{ id: string; child_ref: string; name: string; words: string; audit_id: string }>(
      db,
      sql`select c.id, c.child_ref, c.name, f.what_they_said as words, a.id as audit_id from audit_family_feedback f join audits a on a.id = f.audit_id join children c on c.id = a.child_id
           where f.respondent in ('parent', 'carer') and f.what_they_said is not null order by c.child_ref limit 1`,
    );
    subject = { id: row!.id, ref: row!.child_ref, name: row!.name };
    familyWords = row!.words;
    const [other] = await queryRows<{ child_ref: string; name: string }>(db, sql`select child_ref, name from children where id <> ${subject.id} and name is not null order by child_ref limit 1`);
    otherChild = { ref: other!.child_ref, name: other!.name };
    // Someone looks at the child's case, so the access log has something to say about them.
    expect((await qa.get(`/cases/${subject.id}`)).status).toBe(200);
    // Free text naming another child and a member of staff: only a name search finds them.
    await db.insert(actions).values({
      organisationId: t.council.organisationId,
      childId: subject.id,
      auditId: row!.audit_id,
      what: `Ask Ben Carter to check contact arrangements with ${otherChild.name}, who shares the placement`,
      ownerId: t.council.people['practitioner']!,
      dueDate: '2026-12-01',
      createdBy: t.council.people['qa-officer']!,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('records a subject access request, and tells the officer what is wrong with the form and where', async () => {
    const empty = await officer.post('/governance/subject-access/new', {});
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('There is a problem');
    expect(empty.text).toContain('href="#subjectType"');
    const unknown = await officer.post('/governance/subject-access/new', { subjectType: 'child', childRef: 'NO-SUCH-CHILD', requester: 'parent-or-carer', 'receivedOn-day': '2', 'receivedOn-month': '11', 'receivedOn-year': '2026' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('No child has that reference');

    const created = await officer.post('/governance/subject-access/new', {
      subjectType: 'child',
      childRef: subject.ref.toLowerCase(),
      requester: 'parent-or-carer',
      'receivedOn-day': '2',
      'receivedOn-month': '11',
      'receivedOn-year': '2026',
    });
    expect(created.status).toBe(303);
    requestId = created.headers.location!.split('/').pop()!;
    expect(created.headers.location).not.toContain(subject.ref);
    const [request] = await t.database.db.select().from(subjectAccessRequests).where(eq(subjectAccessRequests.id, requestId));
    expect(request).toMatchObject({ subjectType: 'child', subjectId: subject.id, status: 'open', receivedOn: '2026-11-02' });

    const list = await officer.get('/governance/subject-access');
    expect(list.text).toContain(`SAR-${request!.number}`);
    expect(list.text).toContain('2 December 2026');
  });

  it('lists the third parties found, the other child named only in free text among them', async () => {
    const page = await officer.get(`/governance/subject-access/${requestId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${otherChild.name} (child)`);
    expect(page.text).toContain('Named in free text');
    expect(page.text).toContain('family member');
    // A preview with the defaults shows the labels in place of the people.
    const defaults = checkedParties(page.text);
    const preview = await officer.post(`/governance/subject-access/${requestId}`, { staffNames: 'redact', redactParty: defaults, intent: 'preview' });
    expect(preview.status).toBe(200);
    const previewPart = preview.text.slice(preview.text.indexOf('id="preview"'));
    expect(previewPart).toContain('[Staff member');
    expect(previewPart).not.toContain(familyWords);
    expect(previewPart).not.toContain('Ben Carter');
  });

  const checkedParties = (html: string) => [...html.matchAll(/name="redactParty" type="checkbox" value="([^"]+)" checked/g)].map((m) => m[1]!);

  /** Posts the redaction form as the officer's browser would, keeping the ZIP's bytes as bytes. */
  async function produce(form: Record<string, string | string[]>): Promise<{ response: Response; files: Record<string, string> }> {
    const page = await officer.get(`/governance/subject-access/${requestId}`);
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...form, intent: 'produce', _csrf: csrfFrom(page.text)! })) for (const v of [value].flat()) body.append(key, v);
    const response = await request(t.app)
      .post(`/governance/subject-access/${requestId}`)
      .set('Cookie', `sightline=${officer.cookie('sightline')!}`)
      .type('form')
      .send(body.toString())
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(response.status).toBe(200);
    const zip = await JSZip.loadAsync(response.body as Buffer);
    const files: Record<string, string> = {};
    for (const [name, entry] of Object.entries(zip.files)) files[name] = await entry.async('string');
    return { response, files };
  }

  it('produces a ZIP of an offline HTML document and JSON with the third parties redacted from every file, and records it', async () => {
    const page = await officer.get(`/governance/subject-access/${requestId}`);
    const { response, files } = await produce({ staffNames: 'redact', redactParty: checkedParties(page.text) });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="subject-access-sar-\d+\.zip"$/);
    expect(response.headers['cache-control']).toBe('no-store');
    const names = Object.keys(files).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/\.html$/);
    expect(names[1]).toMatch(/\.json$/);
    const html = files[names[0]!]!;
    const json = JSON.parse(files[names[1]!]!) as { sections: Array<{ recordType: string; records: unknown[] }> };

    // Everything held is there: the child, facts, audits with all their parts, actions, the access log.
    expect(html).toContain(subject.name);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
    const counts = Object.fromEntries(json.sections.map((s) => [s.recordType, s.records.length]));
    for (const type of ['child', 'audit', 'audit-response', 'audit-event', 'family-feedback', 'action', 'access-log']) expect(counts[type], type).toBeGreaterThan(0);

    // Redacted values are absent from every file: the parent's words, the other child, staff names.
    const staff = await queryRows<{ name: string }>(t.database.db, sql`select display_name as name from users`);
    for (const [name, content] of Object.entries(files)) {
      expect(content, name).not.toContain(familyWords);
      expect(content, name).not.toContain(otherChild.name);
      for (const s of staff) expect(content, `${name}: ${s.name}`).not.toContain(s.name);
    }
    expect(html).toContain('[Child 1]');

    // The record that it was produced: metadata and the hash of exactly these bytes.
    const [bundle] = await t.database.db.select().from(subjectAccessBundles).where(eq(subjectAccessBundles.requestId, requestId));
    expect(bundle!.sha256).toBe(crypto.createHash('sha256').update(response.body as Buffer).digest('hex'));
    expect(bundle!.counts).toEqual(counts);
    expect(bundle!.redactions).toMatchObject({ staffNames: 'redact' });
    expect(Number(bundle!.redactions.familyContributionsRedacted)).toBeGreaterThan(0);
    expect(JSON.stringify(bundle)).not.toContain(subject.name);
    const [request] = await t.database.db.select().from(subjectAccessRequests).where(eq(subjectAccessRequests.id, requestId));
    expect(request!.status).toBe('produced');

    // And the access log says who exported the child's record.
    const logged = await t.database.db.select().from(accessLog).where(sql`${accessLog.recordType} = 'child' and ${accessLog.recordId} = ${subject.id} and ${accessLog.action} = 'export'`);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.userId).toBe(t.council.people['admin']);
  });

  it('discloses staff names when the officer chooses to, and nothing the form did not offer', async () => {
    const { files } = await produce({ staffNames: 'disclose', redactParty: ['staff:not-offered'] });
    const html = Object.entries(files).find(([n]) => n.endsWith('.html'))![1];
    expect(html).toContain('Ben Carter');
    // Nobody else ticked: the other child and the parent's words are disclosed as the officer chose.
    expect(html).toContain(otherChild.name);
  });

  it('keeps subject access to information governance', async () => {
    expect((await qa.get('/governance/subject-access')).status).toBe(403);
    expect((await qa.get(`/governance/subject-access/${requestId}`)).status).toBe(403);
    expect((await qa.post(`/governance/subject-access/${requestId}`, { staffNames: 'disclose', intent: 'produce' })).status).toBe(403);
  });

  it('places a legal hold, lists it, and refuses to lift it with a stale form', async () => {
    expect((await officer.post('/governance/holds/new', { recordType: 'child', childRef: '', reason: '' })).status).toBe(400);
    const placed = await officer.post('/governance/holds/new', { recordType: 'child', childRef: subject.ref, reason: 'Care proceedings disclosure' });
    expect(placed.status).toBe(303);
    const list = await officer.get('/governance/holds');
    expect(list.text).toContain('Care proceedings disclosure');
    const holdId = /href="\/governance\/holds\/([0-9a-f-]{36})"/.exec(list.text)![1]!;
    expect((await officer.get(`/governance/holds/${holdId}`)).status).toBe(200);
    const stale = await officer.post(`/governance/holds/${holdId}`, { reason: 'Proceedings ended', version: '0' });
    expect(stale.status).toBe(409);
    const lifted = await officer.post(`/governance/holds/${holdId}`, { reason: 'Proceedings ended', version: '1' });
    expect(lifted.status).toBe(303);
    expect((await officer.get('/governance/holds')).text).toContain('Lifted');
  });

  it('shows the retention schedule and runs disposal only with confirmation', async () => {
    const page = await officer.get('/governance/retention');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Care Planning, Placement and Case Review');
    expect((await officer.post('/governance/retention/dispose', {})).status).toBe(400);
    const run = await officer.post('/governance/retention/dispose', { confirm: 'yes' });
    expect(run.status).toBe(303);
    const runPage = await officer.get(run.headers.location!);
    expect(runPage.status).toBe(200);
    expect(runPage.text).toContain('Disposal log');
    expect((await qa.post('/governance/retention/dispose', { confirm: 'yes' })).status).toBe(403);
  });

  describe('access-log reports', () => {
    const worker = () => t.council.people['sw-2']!;

    beforeAll(async () => {
      // 120 synthetic entries by one worker over four days, about the subject child.
      const days = ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z', '2026-03-04T10:00:00Z'];
      await t.database.db.insert(accessLog).values(
        Array.from({ length: 120 }, (_, i) => ({
          organisationId: t.council.organisationId,
          userId: worker(),
          role: 'practitioner',
          recordType: 'child',
          recordId: subject.id,
          action: 'view',
          at: new Date(new Date(days[i % 4]!).getTime() + i * 1000),
        })),
      );
    });

    const dates = (prefix: string, iso: string) => ({ [`${prefix}-day`]: String(Number(iso.slice(8))), [`${prefix}-month`]: String(Number(iso.slice(5, 7))), [`${prefix}-year`]: iso.slice(0, 4) });
    const query = (q: Record<string, string>) => new URLSearchParams(q).toString();

    it('reports by worker with date filters kept in the URL, 50 to a page', async () => {
      const q = { by: 'worker', userId: worker(), ...dates('from', '2026-03-02'), ...dates('to', '2026-03-03') };
      const first = await qa.get(`/access-log?${query(q)}`);
      expect(first.status).toBe(200);
      expect(first.text).toContain('60 entries for Ben Carter');
      const next = /<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
      expect(next).toContain('from-day=2');
      expect(next).toContain('page=2');
      const second = await qa.get(next!);
      expect((second.text.match(/<tr class="govuk-table__row">/g) ?? []).length - 1).toBe(10);
      expect(second.text).toContain(subject.ref);
      expect(second.text).not.toContain(subject.name);
    });

    it('reports by child, and exports the same as CSV and Excel with references, never names', async () => {
      const q = { by: 'child', childRef: subject.ref, ...dates('from', '2026-03-01'), ...dates('to', '2026-03-01') };
      const page = await qa.get(`/access-log?${query(q)}`);
      expect(page.text).toContain(`30 entries for child ${subject.ref}`);
      const csv = await qa.get(`/access-log/export?${query({ ...q, format: 'csv' })}`);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="access-log-child-\d{4}-\d{2}-\d{2}\.csv"$/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]!.replace(/^\uFEFF/, '')).toBe('When,Who,Acting as,What,Record type,Record id,Child reference');
      expect(lines).toHaveLength(31);
      expect(csv.text).toContain(subject.ref);
      expect(csv.text).not.toContain(subject.name);
      const xlsx = await qa.get(`/access-log/export?${query({ ...q, format: 'xlsx' })}`);
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers['content-type']).toContain('spreadsheetml');
      // Viewing and exporting the report are themselves logged against the child.
      const logged = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from access_log where record_type = 'child-access-log' and record_id = ${subject.id}`);
      expect(logged[0]!.n).toBe(3);
    });

    it('answers for a restricted child the viewer may not see as for a child that does not exist, and leaves it out of a worker’s report', async () => {
      const qaLead: Actor = { userId: t.council.people['qa-lead']!, organisationId: t.council.organisationId, displayName: 'QA lead', email: 'qa-lead@example', roles: ['qa-officer'], teamId: null };
      await restrictChild(t.database.db, qaLead, subject.id, { reason: 'staff-or-relative', note: null, lastDay: addDays(londonDate(new Date()), 30) }, new Date());
      const byChild = await qa.get(`/access-log?${query({ by: 'child', childRef: subject.ref })}`);
      expect(byChild.status).toBe(400);
      expect(byChild.text).toContain('No child has that reference');
      const byWorker = await qa.get(`/access-log?${query({ by: 'worker', userId: worker() })}`);
      expect(byWorker.text).toContain('0 entries for Ben Carter');
      expect(byWorker.text).not.toContain(subject.ref);
    });

    it('explains a bad filter, and keeps the reports from everyone but governance and the QA team', async () => {
      const bad = await qa.get(`/access-log?${query({ by: 'child', childRef: subject.ref, 'from-day': '31', 'from-month': '2', 'from-year': '2026' })}`);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('The start date must be a real date');
      const missing = await qa.get(`/access-log?${query({ by: 'child', childRef: 'NOBODY' })}`);
      expect(missing.status).toBe(400);
      const practitioner = await t.signInAs('practitioner');
      expect((await practitioner.get(`/access-log?${query({ by: 'child', childRef: subject.ref })}`)).status).toBe(403);
      expect((await practitioner.get(`/access-log/export?${query({ by: 'child', childRef: subject.ref })}`)).status).toBe(403);
    });
  });
});
