import { createRequire } from 'node:module';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkFile, checkZipArchive, DEFAULT_FILE_LIMITS } from './file-checks.ts';
import { parseExtract } from './index.ts';

interface Entry {
  name: string;
  data: Uint8Array;
  /** Store instead of deflate. */
  stored?: boolean;
  /** What the directory claims the entry inflates to, when it should lie. */
  declaredSize?: number;
  flags?: number;
}

/** A minimal zip writer, so the tests can build archives that lie. */
function zip(entries: readonly Entry[]): Uint8Array {
  const chunks: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const body = entry.stored ? Buffer.from(entry.data) : deflateRawSync(entry.data);
    const declared = entry.declaredSize ?? entry.data.byteLength;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.flags ?? 0, 6);
    local.writeUInt16LE(entry.stored ? 0 : 8, 8);
    local.writeUInt32LE(body.byteLength, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.byteLength, 26);
    chunks.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.flags ?? 0, 8);
    central.writeUInt16LE(entry.stored ? 0 : 8, 10);
    central.writeUInt32LE(body.byteLength, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.byteLength, 28);
    central.writeUInt32LE(offset, 42);
    directory.push(central, name);
    offset += 30 + name.byteLength + body.byteLength;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, directoryBytes, end]));
}

const text = (value: string) => new Uint8Array(Buffer.from(value, 'utf8'));
const workbookParts: Entry[] = [
  { name: '[Content_Types].xml', data: text('<Types/>') },
  { name: 'xl/workbook.xml', data: text('<workbook/>') },
];

async function realWorkbook(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('List 1').addRow(['Child Unique ID', 'Date of Contact']);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** exceljs's own loader, the thing a zip bomb must never reach. */
const XlsxLoader = createRequire(import.meta.url)('exceljs/lib/xlsx/xlsx.js') as { prototype: { load: (...args: unknown[]) => unknown } };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('zip bombs and damaged workbooks', () => {
  it('accepts a real workbook and hands it to exceljs', async () => {
    const load = vi.spyOn(XlsxLoader.prototype, 'load');
    const real = await realWorkbook();
    expect(checkFile(real)).toEqual({ ok: true, kind: 'xlsx' });
    await parseExtract('annex.xlsx', real);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('refuses a small zip declaring a huge uncompressed size, before exceljs is called', async () => {
    const load = vi.spyOn(XlsxLoader.prototype, 'load');
    const bomb = zip([...workbookParts, { name: 'xl/worksheets/sheet1.xml', data: text('<x/>'), stored: true, declaredSize: 0xfffffff0 }]);
    expect(bomb.byteLength).toBeLessThan(1024);
    expect(checkZipArchive(bomb)).toMatchObject({ ok: false, reason: expect.stringMatching(/inflate to more than 500 MB/) });
    const result = await parseExtract('innocent.xlsx', bomb);
    expect(result.children).toEqual([]);
    expect(result.problems).toEqual([expect.objectContaining({ file: 'innocent.xlsx', severity: 'error', message: expect.stringMatching(/refused/) })]);
    expect(load).not.toHaveBeenCalled();
  });

  it('refuses a real bomb by its compression ratio', () => {
    const zeros = new Uint8Array(20 * 1024 * 1024);
    const bomb = zip([...workbookParts, { name: 'xl/worksheets/sheet1.xml', data: zeros }]);
    expect(checkZipArchive(bomb)).toMatchObject({ ok: false, reason: expect.stringMatching(/zip bomb/) });
  });

  it('refuses an archive whose directory understates what an entry inflates to', () => {
    const lying = zip([...workbookParts, { name: 'xl/worksheets/sheet1.xml', data: new Uint8Array(1024 * 1024).fill(65), declaredSize: 100_000 }]);
    expect(checkZipArchive(lying)).toMatchObject({ ok: false, reason: expect.stringMatching(/larger than declared/) });
  });

  it('refuses too many entries and a too large total, by the limits given', () => {
    const many = zip(Array.from({ length: 30 }, (_, index) => ({ name: `xl/part${index}.xml`, data: text('<p/>') })));
    expect(checkZipArchive(many, { ...DEFAULT_FILE_LIMITS, maxZipEntries: 20 })).toMatchObject({ ok: false, reason: expect.stringMatching(/30 parts/) });
    const big = zip([...workbookParts, { name: 'xl/sheet.xml', data: new Uint8Array(4096).fill(66) }]);
    expect(checkZipArchive(big, { ...DEFAULT_FILE_LIMITS, maxUncompressedBytes: 1000 })).toMatchObject({ ok: false });
  });

  it('refuses a truncated workbook, an encrypted one and unsafe entry names', async () => {
    const real = await realWorkbook();
    expect(checkFile(real.subarray(0, Math.floor(real.byteLength / 2)))).toMatchObject({ ok: false, reason: expect.stringMatching(/incomplete or damaged/) });
    expect(checkZipArchive(zip([...workbookParts, { name: 'xl/a.xml', data: text('<a/>'), flags: 1 }]))).toMatchObject({ ok: false, reason: expect.stringMatching(/encrypted/) });
    expect(checkZipArchive(zip([...workbookParts, { name: '../../evil.xml', data: text('<a/>') }]))).toMatchObject({ ok: false, reason: expect.stringMatching(/unsafe name/) });
  });

  it('tells a zip of other files from a workbook', () => {
    const archive = zip([{ name: 'episodes.csv', data: text('CHILD,DECOM\n') }]);
    expect(checkFile(archive)).toMatchObject({ ok: false, reason: expect.stringMatching(/not an Excel workbook/) });
  });
});

describe('what a file really is', () => {
  it('judges by content, not by name', async () => {
    const xml = await parseExtract('census.csv', text('<Message><Header/><Children/></Message>'));
    expect(xml.format).toBe('cin-census');
    const csv = await parseExtract('reviews.xlsx', text('CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2015,01/02/2024,PN1\n'));
    expect(csv.format).toBe('ssda903');
    expect(csv.facts).toHaveLength(1);
  });

  it('explains files that are not extracts', () => {
    expect(checkFile(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toMatchObject({ ok: false, reason: expect.stringMatching(/old Excel \.xls/) });
    expect(checkFile(text('%PDF-1.7\n'))).toMatchObject({ ok: false, reason: expect.stringMatching(/PDF/) });
    expect(checkFile(new Uint8Array([1, 2, 0, 3, 4]))).toMatchObject({ ok: false, reason: expect.stringMatching(/neither/) });
    expect(checkFile(new Uint8Array())).toMatchObject({ ok: false, reason: 'the file is empty' });
  });

  it('refuses a file over the size limit before reading its content', () => {
    expect(checkFile(text('CHILD,DOB\n'.repeat(200)), { ...DEFAULT_FILE_LIMITS, maxBytes: 1000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/larger than/) });
  });
});
