import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, neutraliseText } from './cells.ts';
import { toCsv, toXlsx, type ExportColumn } from './table.ts';

describe('formula injection', () => {
  it('neutralises text beginning with = + - @, tab or carriage return', () => {
    for (const text of ['=1+1', '+44 20 7946 0000', '-2+3', '@SUM(A1)', '\t=cmd', '\r=cmd', '=HYPERLINK("http://evil.example")']) {
      expect(neutraliseText(text)).toBe(`'${text}`);
    }
  });

  it('leaves other text and numbers alone', () => {
    expect(neutraliseText('Visit the child')).toBe('Visit the child');
    expect(neutraliseText('a=b')).toBe('a=b');
    expect(neutraliseCell(-3)).toBe(-3);
    expect(neutraliseCell(null)).toBeNull();
    expect(neutraliseCell(undefined)).toBeNull();
  });

  it('never lets a cell start with a formula character, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(neutraliseText(text)).not.toMatch(/^[=+\-@\t\r]/);
        // Nothing is lost: the original follows the apostrophe, or is untouched.
        expect([text, `'${text}`]).toContain(neutraliseText(text));
      }),
    );
  });
});

interface Row {
  what: string;
  days: number;
}
const COLUMNS: ExportColumn<Row>[] = [
  { header: 'What', value: (r) => r.what },
  { header: 'Days', value: (r) => r.days },
];

describe('exports', () => {
  it('write CSV with quoting, CRLF line ends and every text cell neutralised', () => {
    const csv = toCsv(COLUMNS, [
      { what: 'Say "hello", then leave', days: -2 },
      { what: '=cmd|"/c calc"!A1', days: 3 },
      { what: 'two\nlines', days: 0 },
    ]);
    expect(csv).toBe('\uFEFFWhat,Days\r\n"Say ""hello"", then leave",-2\r\n"\'=cmd|""/c calc""!A1",3\r\n"two\nlines",0\r\n');
  });

  it('write an Excel workbook whose text cells are text, neutralised', async () => {
    const buffer = await toXlsx('Actions', COLUMNS, [{ what: '@SUM(1,2)', days: 4 }]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('Actions')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'What', 'Days']);
    expect(sheet.getRow(2).getCell(1).value).toBe("'@SUM(1,2)");
    expect(sheet.getRow(2).getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(2).getCell(2).value).toBe(4);
  });
});
