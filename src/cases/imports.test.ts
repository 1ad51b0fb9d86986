/**
 * Importing through the browser's form: upload, the background job and its progress page, the
 * result, the problems as CSV, re-imports, atomicity and the file checks.
 */
import { deflateRawSync } from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../platform/db/client.ts';
import { createTestApp, type TestApp, type TestClient } from '../../test/support/app.ts';
import { generateCouncil } from '../../test/synthetic/council.ts';
import type { InjectedFault } from '../../test/synthetic/mess.ts';
import { ssdFiles } from '../../test/synthetic/write-ssd.ts';
import { uploadFiles, waitForImport } from './case-fixtures.ts';
import { parseExtractFiles } from './import/index.ts';
import { createImport } from './imports.ts';
import { caseImports } from './schema.ts';

/** The SSD tables that carry a child's events: twenty files, the most one upload takes. */
const TABLES = [
  'ssd_person',
  'ssd_department',
  'ssd_professionals',
  'ssd_involvements',
  'ssd_contacts',
  'ssd_cin_episodes',
  'ssd_cin_assessments',
  'ssd_cin_plans',
  'ssd_cin_visits',
  'ssd_s47_enquiry',
  'ssd_initial_cp_conference',
  'ssd_cp_plans',
  'ssd_cp_visits',
  'ssd_cp_reviews',
  'ssd_cla_episodes',
  'ssd_cla_placement',
  'ssd_cla_reviews',
  'ssd_cla_visits',
  'ssd_cla_health',
];

function extract(options: { errorRate?: number; faults?: InjectedFault[] } = {}) {
  const council = generateCouncil({ seed: 11, children: 60, years: 3, asOf: '2026-03-31' });
  return [...ssdFiles(council, options)].filter(([name]) => TABLES.includes(name.replace(/\.csv$/, ''))).map(([name, content]) => ({ name, content }));
}

/** A zip whose one entry inflates more than a thousand times: what a zip bomb looks like. */
function zipBomb(): Uint8Array {
  const data = Buffer.alloc(30 * 1024 * 1024);
  const body = deflateRawSync(data, { level: 9 });
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(body.byteLength, 18);
  local.writeUInt32LE(data.byteLength, 22);
  local.writeUInt16LE(name.byteLength, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(body.byteLength, 20);
  central.writeUInt32LE(data.byteLength, 24);
  central.writeUInt16LE(name.byteLength, 28);
  const directorySize = central.byteLength + name.byteLength;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directorySize, 12);
  end.writeUInt32LE(local.byteLength + name.byteLength + body.byteLength, 16);
  return new Uint8Array(Buffer.concat([local, name, body, central, name, end]));
}

describe('importing case data through the browser', () => {
  let t: TestApp;
  let qa: TestClient;
  let organisationId: string;
  const count = async (table: 'children' | 'case_facts' | 'compliance_items') => {
    const [row] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ${sql.raw(table)} where organisation_id = ${organisationId}`);
    return row!.n;
  };

  beforeAll(async () => {
    t = await createTestApp({ demo: 'council' });
    organisationId = t.council.organisationId;
    qa = await t.signInAs('qa-officer');
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes an upload as a background job whose page shows its progress, then every count and problem', async () => {
    const allFaults: InjectedFault[] = [];
    const files = extract({ errorRate: 0.01, faults: allFaults });
    const faults = allFaults.filter((fault) => files.some((f) => f.name === fault.file));
    const response = await uploadFiles(t.app, qa, files);
    expect(response.status).toBe(303);
    const location = response.headers.location as string;
    expect(location).toMatch(/^\/case-data\/imports\/[0-9a-f-]{36}$/);

    const page = await waitForImport(qa, location);
    expect(page.status).toBe(200);
    expect(page.text).toContain('The extract was imported');

    // What the library makes of the same files is what landed.
    const parsed = await parseExtractFiles(files.map((f) => ({ fileName: f.name, bytes: Buffer.from(f.content) })));
    const text = page.text.replace(/\s+/g, ' ');
    expect(text).toContain(`Rows read </dt> <dd class="govuk-summary-list__value"> ${parsed.rowsRead} </dd>`);
    expect(await count('children')).toBe(parsed.children.length);
    const [distinct] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from case_facts where organisation_id = ${organisationId}`);
    expect(distinct!.n).toBeGreaterThan(0);
    expect(distinct!.n).toBeLessThanOrEqual(parsed.facts.length);
    expect(await count('compliance_items')).toBeGreaterThan(0);

    // Each injected fault is reported, located to its file and row, in the page and the CSV.
    expect(faults.length).toBeGreaterThan(0);
    const csv = await qa.get(`${location}/problems.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('file,sheet,row,column,severity,message');
    for (const fault of faults) expect(csv.text).toMatch(new RegExp(`^${fault.file},[^,]*,${fault.row},`, 'm'));

    const [record] = await queryRows<{ status: string; files: { name: string; sha256: string; format?: string }[]; rowsRejected: number }>(
      t.database.db,
      sql`select status, files, rows_rejected as "rowsRejected" from case_imports where id = ${location.split('/').pop()}`,
    );
    expect(record!.status).toBe('succeeded');
    expect(record!.files.map((f) => f.name).sort()).toEqual(files.map((f) => f.name).sort());
    expect(record!.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
    // Every file of this extract is an SSD table that carries children or events.
    expect(new Set(record!.files.map((f) => f.format))).toEqual(new Set(['ssd']));
    expect(record!.rowsRejected).toBe(new Set(faults.map((f) => `${f.file}:${f.row}`)).size);
  });

  it('adds nothing twice when the same extract is imported again, and updates a fact that changed', async () => {
    const files = extract({ errorRate: 0.01 });
    const before = { children: await count('children'), facts: await count('case_facts') };
    const again = await waitForImport(qa, (await uploadFiles(t.app, qa, files)).headers.location as string);
    expect(again.text.replace(/\s+/g, ' ')).toMatch(/\(0 new, 0 changed, \d+ unchanged\)/);
    expect({ children: await count('children'), facts: await count('case_facts') }).toEqual(before);

    // A later extract in which one assessment was authorised on another day.
    const changed = files.map((f) => {
      if (f.name !== 'ssd_cin_assessments.csv') return f;
      const lines = (f.content as string).split('\n');
      // id, person, referral, start, child seen, authorised: the first row with an authorisation date.
      const index = lines.findIndex((line, i) => i > 0 && /^\d{4}-\d{2}-\d{2}$/.test(line.split(',')[5] ?? ''));
      const cells = lines[index]!.split(',');
      const next = new Date(`${cells[5]}T12:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      cells[5] = next.toISOString().slice(0, 10);
      lines[index] = cells.join(',');
      return { ...f, content: lines.join('\n') };
    });
    const updated = await waitForImport(qa, (await uploadFiles(t.app, qa, changed)).headers.location as string);
    expect(updated.text.replace(/\s+/g, ' ')).toMatch(/\(0 new, 1 changed, \d+ unchanged\)/);
    expect({ children: await count('children'), facts: await count('case_facts') }).toEqual(before);
  });

  it('leaves nothing behind when the import fails part-way through saving', async () => {
    const fresh = await createTestApp({ demo: 'council' });
    try {
      const client = await fresh.signInAs('qa-officer');
      const db = fresh.database.db;
      // The database refuses one late fact: by then the children and earlier facts are written.
      await db.execute(
        sql.raw(`create function refuse_fact() returns trigger language plpgsql as $$
                 begin if new.kind = 'cla-visit' then raise exception 'simulated failure'; end if; return new; end $$`),
      );
      await db.execute(sql.raw('create trigger refuse_fact before insert on case_facts for each row execute function refuse_fact()'));
      const page = await waitForImport(client, (await uploadFiles(fresh.app, client, extract())).headers.location as string);
      expect(page.text).toContain('nothing from it was saved');
      for (const table of ['children', 'case_facts', 'compliance_items', 'compliance_runs']) {
        const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.raw(table)}`);
        expect(row!.n, table).toBe(0);
      }
      const [record] = await queryRows<{ status: string }>(db, sql`select status from case_imports`);
      expect(record!.status).toBe('failed');
    } finally {
      await fresh.close();
    }
  });

  it('refuses a zip bomb and a file that is not an extract before parsing, and imports nothing', async () => {
    const before = await count('case_facts');
    const bomb = await waitForImport(qa, (await uploadFiles(t.app, qa, [{ name: 'annex_a.xlsx', content: zipBomb() }, ...extract()])).headers.location as string);
    expect(bomb.text).toContain('Nothing was imported');
    expect(bomb.text).toContain('zip bomb');
    const pdf = await waitForImport(qa, (await uploadFiles(t.app, qa, [{ name: 'extract.csv', content: '%PDF-1.7\n%\u00e2\u00e3\n1 0 obj' }])).headers.location as string);
    expect(pdf.text).toContain('this is a PDF, not a data extract');
    expect(await count('case_facts')).toBe(before);
  });

  it('shows the stage and counts of a running import from the database, and reloads itself until it is done', async () => {
    const importId = await createImport(t.database.db, { organisationId, importedBy: null, channel: 'command line', files: [{ fileName: 'ssd_person.csv', bytes: new Uint8Array([65]) }], now: new Date() });
    await t.database.db
      .update(caseImports)
      .set({ status: 'running', stage: 'saving', filesRead: 1, rowsRead: 1234, rowsRejected: 7, factsRead: 900, factsWritten: 450 })
      .where(eq(caseImports.id, importId));
    const page = await qa.get(`/case-data/imports/${importId}`);
    expect(page.headers.refresh).toBe('2');
    const text = page.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Stage: saving');
    expect(text).toContain('Rows read 1234');
    expect(text).toContain('Rows rejected 7');
    expect(text).toContain('Events saved 450 of 900');
    // A second import for the council waits for this one.
    const refused = await uploadFiles(t.app, qa, extract());
    expect(refused.status).toBe(409);
    await t.database.db.update(caseImports).set({ status: 'failed', stage: 'done' }).where(eq(caseImports.id, importId));
    expect((await qa.get(`/case-data/imports/${importId}`)).headers.refresh).toBeUndefined();
  });

  it('asks for a file when none is chosen', async () => {
    const response = await uploadFiles(t.app, qa, []);
    expect(response.status).toBe(400);
    expect(response.text).toContain('Choose one or more extract files to import');
  });

  it('records who imported what, and every view of an import, in the access log', async () => {
    const [row] = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from access_log where record_type = 'case-import' and user_id = ${t.council.people['qa-officer']} and action in ('create', 'view', 'export')`,
    );
    expect(row!.n).toBeGreaterThan(3);
  });
});
