/**
 * Fuzzing the importers: whatever the bytes, parsing ends, nothing throws, and the outcome is
 * either something imported or a problem that says what is wrong. Inputs are kept small so every
 * run is quick.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParsedExtract } from '../facts.ts';
import { parseExtract } from './index.ts';

function expectClearOutcome(result: ParsedExtract, file: string): void {
  expect(result.children.length + result.facts.length > 0 || result.problems.length > 0).toBe(true);
  for (const problem of result.problems) {
    expect(problem.file).toBe(file);
    expect(problem.message.length).toBeGreaterThan(0);
    expect(['error', 'warning']).toContain(problem.severity);
  }
}

/** An error on a row means that row produced nothing. */
function expectRejectedRowsYieldNothing(result: ParsedExtract): void {
  for (const error of result.problems.filter((problem) => problem.severity === 'error' && problem.row !== undefined && problem.sheet !== undefined)) {
    const fromRow = result.facts.filter((fact) => fact.source.sheet === error.sheet && fact.source.row === error.row);
    expect(fromRow, JSON.stringify(error)).toEqual([]);
  }
}

const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** Cell values that exercise the readers: dates in every shape (good and bad), codes, junk. */
const cell = fc.oneof(
  fc.constantFrom('', ' ', 'S', 'P', 'X1', 'E11', 'C2', 'U1', 'PN1', 'M', 'A', '1', '2', 'WBRI', 'a) Yes', 'b) No', '#N/A', '*DUMMY*', '=1+1'),
  fc.date({ min: new Date('1890-01-01T00:00:00Z'), max: new Date('2110-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => {
    const iso = date.toISOString().slice(0, 10);
    const [year, month, day] = iso.split('-');
    return [iso, `${day}/${month}/${year}`, `${iso} 00:00:00.000`][date.getUTCDate() % 3]!;
  }),
  fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1850, max: 2150 })).map(([day, month, year]) => `${day}/${month}/${year}`),
  fc.string({ maxLength: 12 }),
);

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function tableArbitrary(headings: readonly string[]) {
  return fc.array(fc.array(cell, { minLength: headings.length, maxLength: headings.length }), { maxLength: 12 }).map((rows) =>
    [headings.join(','), ...rows.map((row) => row.map(csvCell).join(','))].join('\n'),
  );
}

const TABLES: Record<string, readonly string[]> = {
  'episodes.csv': ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN'],
  'reviews.csv': ['CHILD', 'DOB', 'REVIEW', 'REVIEW_CODE'],
  'List 5.csv': [
    'Child Unique ID',
    'Gender',
    'Ethnicity',
    'Date of Birth',
    'Age',
    'Strategy discussion initiating Section 47 Enquiry Start Date',
    'Was an Initial Child Protection Conference deemed unnecessary?',
    'Date of Initial Child Protection Conference',
  ],
  'ssd_cla_episodes.csv': [
    'clae_person_id',
    'clae_cla_id',
    'clae_cla_episode_start_date',
    'clae_cla_episode_start_reason',
    'clae_cla_episode_ceased_date',
    'clae_cla_episode_ceased_reason',
  ],
};

describe('fuzzing the importers', () => {
  let workbook: Uint8Array;
  beforeAll(async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('List 4');
    sheet.addRow(['Child Unique ID', 'Gender', 'Continuous Assessment Start Date', 'Continuous Assessment Date of Authorisation']);
    for (let index = 0; index < 20; index++) sheet.addRow([1000 + index, 'Female', new Date(Date.UTC(2024, 0, 1 + index)), 45352 + index]);
    workbook = new Uint8Array(await book.xlsx.writeBuffer());
  });

  it('survive random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        expectClearOutcome(await parseExtract('fuzz.bin', bytes), 'fuzz.bin');
      }),
      { numRuns: 200 },
    );
  });

  it('survive random bytes behind a zip signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (tail) => {
        const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...tail]);
        expectClearOutcome(await parseExtract('fuzz.xlsx', bytes), 'fuzz.xlsx');
      }),
      { numRuns: 100 },
    );
  });

  it('survive truncated and corrupted workbooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.boolean(),
        async (cut, flips, truncate) => {
          const bytes = truncate ? workbook.slice(0, cut % workbook.byteLength) : workbook.slice();
          for (const [at, value] of flips) if (bytes.byteLength > 0) bytes[at % bytes.byteLength] = value;
          expectClearOutcome(await parseExtract('book.xlsx', bytes), 'book.xlsx');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('survive arbitrary text, CSV-like or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', 'Z', '0', ',', '"', '\n', '\r', ';', '\t', ' ', '<', '>', '/', '\u00a0', 'é'), maxLength: 600 }), async (text) => {
        expectClearOutcome(await parseExtract('fuzz.csv', bytesOf(text)), 'fuzz.csv');
      }),
      { numRuns: 200 },
    );
  });

  it('validate every row of a recognised table, and a rejected row yields nothing', async () => {
    for (const [file, headings] of Object.entries(TABLES)) {
      await fc.assert(
        fc.asyncProperty(tableArbitrary(headings), async (text) => {
          const result = await parseExtract(file, bytesOf(text));
          expect(result.problems.some((problem) => /headings match no/.test(problem.message))).toBe(false);
          expectClearOutcome(result, file);
          expectRejectedRowsYieldNothing(result);
          // Every date that reaches a fact is a real calendar date in range.
          for (const fact of result.facts) {
            for (const [key, value] of Object.entries(fact)) {
              if (/date$|^asOf$/i.test(key)) expect(value).toMatch(/^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
            }
          }
        }),
        { numRuns: 60 },
      );
    }
  });

  it('validate every row of a workbook whatever its cells hold', async () => {
    const headings = ['Child Unique ID', 'Gender', 'Date of Birth', 'Child Protection Plan Start Date', 'Date of the Last Statutory Visit', 'Child Protection Plan End Date', 'Allocated Team'];
    const spreadsheetCell = fc.oneof(cell, fc.integer({ min: -5, max: 80_000 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(spreadsheetCell, { minLength: headings.length, maxLength: headings.length }), { minLength: 1, maxLength: 8 }), async (rows) => {
        const book = new ExcelJS.Workbook();
        const sheet = book.addWorksheet('List 7');
        sheet.addRow(headings);
        for (const row of rows) sheet.addRow(row);
        const result = await parseExtract('list7.xlsx', new Uint8Array(await book.xlsx.writeBuffer()));
        expectClearOutcome(result, 'list7.xlsx');
        expectRejectedRowsYieldNothing(result);
      }),
      { numRuns: 40 },
    );
  });

  it('survive census XML with arbitrary values and structure', async () => {
    const element = (name: string) => cell.map((value) => `<${name}>${value.replace(/[<&]/g, '')}</${name}>`);
    const details = fc
      .tuple(element('CINreferralDate'), element('CINclosureDate'), element('ReferralNFA'), fc.array(fc.tuple(element('AssessmentActualStartDate'), element('AssessmentAuthorisationDate')), { maxLength: 3 }))
      .map(([referral, closure, nfa, assessments]) => `<CINdetails>${referral}${closure}${nfa}${assessments.map(([start, end]) => `<Assessments>${start}${end}</Assessments>`).join('')}</CINdetails>`);
    const child = fc
      .tuple(element('LAchildID'), element('PersonBirthDate'), fc.array(details, { maxLength: 3 }))
      .map(([id, birth, episodes]) => `<Child><ChildIdentifiers>${id}${birth}</ChildIdentifiers>${episodes.join('')}</Child>`);
    const document = fc.tuple(fc.array(child, { maxLength: 6 }), fc.boolean(), fc.nat()).map(([children, cut, at]) => {
      const xml = `<Message><Header/><Children>${children.join('')}</Children></Message>`;
      return cut ? xml.slice(0, at % (xml.length + 1)) : xml;
    });
    await fc.assert(
      fc.asyncProperty(document, async (xml) => {
        expectClearOutcome(await parseExtract('census.xml', bytesOf(xml)), 'census.xml');
      }),
      { numRuns: 150 },
    );
  });
});
