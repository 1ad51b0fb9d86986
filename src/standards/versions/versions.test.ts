import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { buildWebApp } from '../../app.ts';
import { STANDARDS_DIR } from '../built-in.ts';
import { CatalogueError } from '../load.ts';
import { catalogueVersions } from './schema.ts';
import { getAuditToolVersion, getPublishedVersion } from './service.ts';

/** The built-in practice audit tool, revised: version 2 with one criterion reworded. */
function revisedPracticeTool(): string {
  const original = fs.readFileSync(path.join(STANDARDS_DIR, 'audit-tools/practice-audit-tool.yaml'), 'utf8');
  expect(original).toMatch(/^version: 1$/m);
  return original.replace(/^version: 1$/m, 'version: 2').replace(/^title: .*$/m, 'title: Practice audit tool (2027 revision)');
}

describe('catalogue versions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('publishes every built-in file as version 1 for the council', async () => {
    const qa = await t.signInAs('qa-officer');
    const list = await qa.get('/standards');
    for (const title of ['Ofsted outcome measures', 'Practice standards', 'Audit tools and checklists', 'Quality assurance framework']) expect(list.text).toContain(title);
    const tool = await getAuditToolVersion(t.database.db, t.council.organisationId, 'practice-audit-tool', 1);
    expect(tool.areas.length).toBeGreaterThanOrEqual(7);
  });

  it('shows an uploaded file\'s problems with the path inside the file, and keeps nothing', async () => {
    const qa = await t.signInAs('qa-officer');
    await qa.get('/admin/standards/upload');
    const broken = revisedPracticeTool().replace(/^version: 2$/m, 'version: 7');
    const response = await qa.post('/admin/standards/upload', { yaml: broken });
    expect(response.status).toBe(400);
    expect(response.text).toContain('version: must be 2: version 1 of practice-audit-tool is the latest published');

    const noKind = 'id: x\nversion: 1\ntitle: Broken\n';
    const second = await qa.post('/admin/standards/upload', { yaml: noKind });
    expect(second.status).toBe(400);
    expect(second.text).toMatch(/pasted text(:\d+:\d+)? kind/);
    const drafts = await t.database.db.select().from(catalogueVersions).where(eq(catalogueVersions.status, 'draft'));
    expect(drafts).toHaveLength(0);
  });

  it('uploads a revision as a draft, shows the difference, and publishes it without touching version 1', async () => {
    const qa = await t.signInAs('qa-officer');
    await qa.get('/admin/standards/upload');
    const upload = await qa.post('/admin/standards/upload', { yaml: revisedPracticeTool() });
    expect(upload.status).toBe(303);
    expect(upload.headers.location).toBe('/admin/standards/practice-audit-tool/draft');

    const review = await qa.get(upload.headers.location!);
    expect(review.text).toContain('<del>title: Practice audit tool</del>');
    expect(review.text).toContain('<ins>title: Practice audit tool (2027 revision)</ins>');
    // Not published yet: version 1 is still current.
    expect((await getPublishedVersion(t.database.db, t.council.organisationId, 'practice-audit-tool')).version).toBe(1);

    const revision = /name="revision" value="(\d+)"/.exec(review.text)![1]!;
    const publish = await qa.post('/admin/standards/practice-audit-tool/draft/publish', { revision });
    expect(publish.status).toBe(303);
    const current = await getPublishedVersion(t.database.db, t.council.organisationId, 'practice-audit-tool');
    expect(current.version).toBe(2);
    expect(current.file.title).toBe('Practice audit tool (2027 revision)');

    // An audit pinned to version 1 still gets version 1's words.
    const pinned = await getAuditToolVersion(t.database.db, t.council.organisationId, 'practice-audit-tool', 1);
    expect(pinned.title).not.toContain('2027');
    const page = await qa.get('/standards/practice-audit-tool?version=1');
    expect(page.text).toContain('This is an earlier version');
  });

  it('refuses a stale publish from a second reviewer', async () => {
    const first = await t.signInAs('qa-officer');
    const second = await t.signInAs('admin');
    const text = revisedPracticeTool().replace(/^version: 2$/m, 'version: 3');
    await first.get('/admin/standards/upload');
    await first.post('/admin/standards/upload', { yaml: text });
    const a = await first.get('/admin/standards/practice-audit-tool/draft');
    const b = await second.get('/admin/standards/practice-audit-tool/draft');
    const revA = /name="revision" value="(\d+)"/.exec(a.text)![1]!;
    const revB = /name="revision" value="(\d+)"/.exec(b.text)![1]!;
    await second.post('/admin/standards/practice-audit-tool/retire');
    expect((await first.post('/admin/standards/practice-audit-tool/draft/publish', { revision: revA })).status).toBe(409);
    expect(revB).toBe(revA);
    await second.post('/admin/standards/practice-audit-tool/reinstate');
    await first.post('/admin/standards/practice-audit-tool/draft/discard');
  });

  it('never lets a published version change or disappear, even by direct SQL', async () => {
    const where = and(eq(catalogueVersions.catalogueId, 'practice-audit-tool'), eq(catalogueVersions.version, 1));
    const failure = (attempt: Promise<unknown>) => attempt.then(() => 'no error', (e: Error) => `${e.message} ${(e.cause as Error | undefined)?.message ?? ''}`);
    expect(await failure(t.database.db.update(catalogueVersions).set({ sourceYaml: 'tampered' }).where(where))).toMatch(/published and cannot be changed/);
    expect(await failure(t.database.db.delete(catalogueVersions).where(where))).toMatch(/published and cannot be changed/);
  });

  it('exports a version as the YAML it was published with, as a download', async () => {
    const reader = await t.signInAs('practitioner');
    const response = await reader.get('/standards/ofsted-outcome-measures/export?version=1');
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="ofsted-outcome-measures-v1.yaml"');
    expect(response.text).toBe(fs.readFileSync(path.join(STANDARDS_DIR, 'outcome-measures/ofsted-outcome-measures.yaml'), 'utf8'));
  });

  it('shows outcome measures with the criteria and standards that evidence them', async () => {
    const reader = await t.signInAs('senior-leader');
    const page = await reader.get('/standards/ofsted-outcome-measures');
    expect(page.text).toContain('2.14');
    expect(page.text).toMatch(/Evidenced by \d+ items?/);
  });

  it('retired tools stay readable and are marked retired', async () => {
    const admin = await t.signInAs('admin');
    await admin.get('/standards/west-sussex-what-good-looks-like');
    await admin.post('/admin/standards/west-sussex-what-good-looks-like/retire');
    expect((await admin.get('/standards/west-sussex-what-good-looks-like')).text).toContain('This file is retired');
    expect((await admin.get('/standards')).text).toContain('Retired');
  });
});

describe('a broken built-in catalogue', () => {
  it('stops the application from being built, naming the file and the field', async () => {
    const t = await createTestApp();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-standards-'));
    try {
      fs.cpSync(STANDARDS_DIR, dir, { recursive: true });
      const file = path.join(dir, 'outcome-measures/ofsted-outcome-measures.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: ""'));
      const attempt = buildWebApp({ database: t.database, logger: pino({ level: 'silent' }), cookieSecure: false, development: false, standardsDir: dir });
      await expect(attempt).rejects.toThrow(CatalogueError);
      await expect(attempt).rejects.toThrow(/outcome-measures\/ofsted-outcome-measures\.yaml:\d+:\d+ title/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await t.close();
    }
  });
});
