/**
 * OWASP ASVS 5.0, V5 File Handling, at the HTTP surface: the two upload forms (case-data
 * extracts, standards catalogue YAML) refuse a file too large, a file that is not what its name
 * says, and a hostile file name, and keep nothing of it. The file checks themselves (zip
 * directory, compression ratio, content sniffing) are proved in src/cases/import/file-checks.test.ts
 * and, for a zip bomb through the form, in src/cases/imports.test.ts.
 */
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFiles, waitForImport } from '../../src/cases/case-fixtures.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../src/platform/http/app.ts';
import { createTestApp, csrfFrom, type TestApp, type TestClient } from '../support/app.ts';

const PDF = '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n';

describe('ASVS V5 file handling', () => {
  let t: TestApp;
  let qa: TestClient;
  const count = async (table: string) => (await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;

  /** The standards upload form, with one file. */
  const uploadCatalogue = async (client: TestClient, name: string, content: Buffer) => {
    const token = csrfFrom((await client.get('/admin/standards/upload')).text)!;
    return request(t.app).post('/admin/standards/upload').set('Cookie', `sightline=${client.cookie('sightline')}`).field('_csrf', token).attach('file', content, name);
  };

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council' });
    qa = await t.signInAs('qa-officer');
  });
  afterAll(async () => {
    await t.close();
  });

  it('V5.2.1 refuses an extract larger than the upload limit with 413, before anything is stored', async () => {
    const before = await count('case_imports');
    const response = await uploadFiles(t.app, qa, [{ name: 'ssd_person.csv', content: new Uint8Array(DEFAULT_MAX_UPLOAD_BYTES + 1) }]);
    expect(response.status).toBe(413);
    expect(response.text).toContain('The file is too large');
    expect(await count('case_imports')).toBe(before);
  });

  it('V5.2.1 refuses a standards catalogue over 2 MB with 413, and makes no draft', async () => {
    const before = await count('catalogue_versions');
    const response = await uploadCatalogue(qa, 'tool.yaml', Buffer.alloc(2 * 1024 * 1024 + 1, 'a'));
    expect(response.status).toBe(413);
    expect(response.text).toContain('The file must be smaller than 2 MB');
    expect(await count('catalogue_versions')).toBe(before);
  });

  it('V5.2.2 judges an upload by its bytes: a PDF named .xlsx is refused with the reason, and nothing is imported', async () => {
    const children = await count('children');
    const response = await uploadFiles(t.app, qa, [{ name: 'annex_a.xlsx', content: PDF }]);
    expect(response.status).toBe(303);
    const page = await waitForImport(qa, String(response.headers.location));
    expect(page.text).toMatch(/PDF/);
    expect(page.text).toMatch(/refused|not imported|nothing was imported|could not/i);
    expect(await count('children')).toBe(children);
  });

  it('V5.2.2 refuses a PDF named .yaml as a standards catalogue, with the problem named, and makes no draft', async () => {
    const before = await count('catalogue_versions');
    const response = await uploadCatalogue(qa, 'tool.yaml', Buffer.from(PDF, 'latin1'));
    expect(response.status).toBe(400);
    expect(response.text).toContain('There is a problem');
    expect(await count('catalogue_versions')).toBe(before);
  });

  it('V5.3.2 never uses an uploaded file’s name as a path: a name that climbs directories writes nothing there', async () => {
    const target = `/tmp/sightline-asvs-probe-${process.pid}.csv`;
    const response = await uploadFiles(t.app, qa, [{ name: `../../../../..${target}`, content: 'child_id,name\n1,x\n' }]);
    expect(response.status).toBe(303);
    await waitForImport(qa, String(response.headers.location));
    expect(fs.existsSync(target)).toBe(false);
  });
});
