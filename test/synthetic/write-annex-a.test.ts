import ExcelJS from 'exceljs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCouncil } from './council.ts';
import type { InjectedFault } from './mess.ts';
import { writeAnnexA } from './write-annex-a.ts';

const AS_OF = '2026-03-31';
const SIX_MONTHS_BEFORE = '2025-10-01';
const council = generateCouncil({ seed: 21, children: 3000, asOf: AS_OF });

type Cell = ExcelJS.CellValue;
interface Sheet {
  name: string;
  header: string[];
  rows: Cell[][];
}

async function read(buffer: Buffer): Promise<Sheet[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook.worksheets.map((ws) => {
    const all: Cell[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => all.push((row.values as Cell[]).slice(1)));
    return { name: ws.name, header: (all[0] ?? []).map(String), rows: all.slice(1) };
  });
}

const column = (sheet: Sheet | undefined, name: string): Cell[] => {
  const i = sheet?.header.indexOf(name) ?? -1;
  return (sheet?.rows ?? []).map((r) => r[i]);
};
const isoOf = (cell: Cell): string | undefined => (cell instanceof Date ? cell.toISOString().slice(0, 10) : undefined);

/** What an importer does to a heading before matching it (issue 6's list of variants). */
const normalise = (header: string) =>
  header
    .replace(/\u00a0/g, ' ')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\)\)$/, ')')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/^age of child \(years\)$/, 'age');

let sample: Sheet[];
let clean: Sheet[];
let cleanBuffer: Buffer;

beforeAll(async () => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile('/work/shared/reference-data/liia-tools/Annex_A.xlsx');
  sample = workbook.worksheets.map((ws) => ({ name: ws.name, header: (ws.getRow(1).values as Cell[]).slice(1).map(String), rows: [] }));
  cleanBuffer = await writeAnnexA(council, AS_OF);
  clean = await read(cleanBuffer);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('writeAnnexA', () => {
  it('has the sheets List 1 … List 11, each headed exactly as the sample workbook', () => {
    expect(clean.map((s) => s.name)).toEqual(sample.map((s) => s.name));
    clean.forEach((sheet, i) => expect(sheet.header, sheet.name).toEqual(sample[i]?.header));
  });

  it('lists every contact of the last six months once, with its date as an Excel date', () => {
    const expected = council.children.flatMap((child) => child.contacts.filter((c) => c.date >= SIX_MONTHS_BEFORE && c.date <= AS_OF));
    const list1 = clean[0];
    expect(list1?.rows).toHaveLength(expected.length);
    const dates = column(list1, 'Date of Contact').map(isoOf);
    expect(dates.every((d) => d !== undefined && d >= SIX_MONTHS_BEFORE && d <= AS_OF)).toBe(true);
    expect(dates.sort()).toEqual(expected.map((c) => c.date).sort());
  });

  it('lists each CP plan open on the as-of date with its latest statutory visit', () => {
    const list7 = clean[6];
    const ids = column(list7, 'Child Unique ID');
    const starts = column(list7, 'Child Protection Plan Start Date').map(isoOf);
    const visits = column(list7, 'Date of the Last Statutory Visit').map(isoOf);
    let open = 0;
    for (const child of council.children) {
      for (const plan of child.referrals.flatMap((r) => r.cpPlans)) {
        if (plan.endDate !== undefined) continue;
        open += 1;
        const row = ids.findIndex((id, i) => id === child.id && starts[i] === plan.startDate);
        expect(row, `${child.id} ${plan.startDate}`).toBeGreaterThanOrEqual(0);
        expect(visits[row]).toBe(plan.visits[plan.visits.length - 1]?.date);
      }
    }
    expect(open).toBeGreaterThan(10);
  });

  it('writes coded values with their option letters, as the sample mostly does', () => {
    const genders = new Set(column(clean[0], 'Gender'));
    expect(genders).toContain('a) Male');
    expect(genders).toContain('b) Female');
    for (const g of genders) expect(['a) Male', 'b) Female', 'c) Not stated/recorded']).toContain(g);
    expect(column(clean[0], 'Contact Source').every((v) => /^[a-u]\) \w+: /.test(String(v)))).toBe(true);
  });

  it('is byte-identical for the same council, whenever it is written', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-07-04T15:16:17Z'));
    const later = await writeAnnexA(council, AS_OF);
    expect(later.equals(cleanBuffer)).toBe(true);
  });

  it('written as of an earlier date, shows nothing after that date', async () => {
    const earlier = await read(await writeAnnexA(council, '2025-06-30'));
    for (const sheet of earlier) {
      for (const row of sheet.rows) for (const cell of row) if (cell instanceof Date) expect((isoOf(cell) ?? '') <= '2025-06-30', sheet.name).toBe(true);
    }
    expect(earlier[0]?.rows.length).toBeGreaterThan(100);
    await expect(writeAnnexA(council, '2026-04-01')).rejects.toThrow(/after/);
  });

  it('messy variant: varied headings and sheet names, bare coded values and text dates, all still recognisable', async () => {
    const messy = await read(await writeAnnexA(council, AS_OF, { messy: true }));
    let variedHeaders = 0;
    messy.forEach((sheet, i) => {
      expect(sheet.name.replace(/\s/g, '').toLowerCase().startsWith(`list${i + 1}`), sheet.name).toBe(true);
      expect(sheet.header.map(normalise), sheet.name).toEqual(sample[i]?.header.map(normalise));
      variedHeaders += sheet.header.filter((h, k) => h !== sample[i]?.header[k]).length;
      expect(sheet.rows).toHaveLength(clean[i]?.rows.length ?? -1);
    });
    expect(variedHeaders).toBeGreaterThan(10);
    expect(messy.some((s) => !/^List \d+$/.test(s.name))).toBe(true);
    const genders = messy.flatMap((s) => column(s, s.header.find((h) => normalise(h) === 'gender') ?? ''));
    expect(genders).toContain('Female');
    expect(genders).toContain('b) Female');
    const cells = messy.flatMap((s) => s.rows.flat());
    expect(cells.some((c) => typeof c === 'string' && /^\d{2}\/\d{2}\/\d{4}$/.test(c))).toBe(true);
    expect(cells.some((c) => c instanceof Date)).toBe(true);
  });

  it('reports every injected error by sheet, row and column', async () => {
    const faults: InjectedFault[] = [];
    const broken = await read(await writeAnnexA(council, AS_OF, { errorRate: 0.02, faults }));
    expect(faults.length).toBeGreaterThan(20);
    for (const f of faults) {
      const sheet = broken.find((s) => s.name === f.sheet);
      const value = sheet?.rows[f.row - 2]?.[sheet.header.indexOf(f.column)];
      if (f.kind === 'missing-value') {
        expect(f.column).toBe('Child Unique ID');
        expect(value ?? null).toBeNull();
      } else expect(String(value)).toMatch(/^(3[01]\/02|31\/(04|06|09|11))\/\d{4}$/);
    }
  });
});
