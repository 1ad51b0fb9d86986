import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, parseExtractFiles, problemsToCsv, readExtracts } from './index.ts';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const REVIEWS = 'CHILD,DOB,REVIEW,REVIEW_CODE';
const EPISODES = 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN';

describe('detectFormat', () => {
  it('names the format and table from the content, whatever the file is called', async () => {
    expect(await detectFormat('list1.xlsx', bytes(`${REVIEWS}\n1,01/01/2015,01/02/2024,PN1\n`))).toEqual({ ok: true, format: 'ssda903', container: 'csv', table: 'reviews' });
    expect(await detectFormat('data.csv', bytes('<?xml version="1.0"?>\n<!-- census --><Message><Header/></Message>'))).toEqual({ ok: true, format: 'cin-census', container: 'xml' });
    expect(await detectFormat('x', bytes('<EXPSSDA903/>'))).toEqual({ ok: true, format: 'ssda903', container: 'xml' });
    expect(await detectFormat('ssd.csv', bytes('cppv_cp_visit_id,cppv_person_id,cppv_cp_visit_date\n'))).toEqual({ ok: true, format: 'ssd', container: 'csv', table: 'ssd_cp_visits' });
    expect(await detectFormat('notes.txt', bytes('Dear inspector,\nplease find attached'))).toMatchObject({ ok: false });
  });

  it('looks inside a workbook for a sheet it knows', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Cover').addRow(['Annex A return']);
    workbook.addWorksheet('Sheet2').addRow(['Child Unique ID', 'Gender', 'Date of Referral', 'Referral Source']);
    const detected = await detectFormat('return.xlsx', new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(detected).toEqual({ ok: true, format: 'annex-a', container: 'xlsx', table: 'List 3' });
  });
});

describe('text encodings and containers councils actually send', () => {
  it('reads Excel’s UTF-16 “Unicode text” (tab-separated) and Windows-1252 CSV', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('CHILD\tDOB\tREVIEW\tREVIEW_CODE\r\nC1\t01/01/2015\t01/02/2024\tPN1\r\n', 'utf16le')]);
    expect((await parseExtractFiles([{ fileName: 'reviews.txt', bytes: new Uint8Array(utf16) }])).facts).toHaveLength(1);
    const heading = 'Child Unique ID,Gender,Date of Birth,Date Started to be Looked After,Child\u2019s Legal Status\r\n';
    const row = 'L1,b) Female,01/01/2015,06/01/2025,C2: FCO\r\n';
    const cp1252 = new Uint8Array([...heading + row].map((char) => (char === '\u2019' ? 0x92 : char.charCodeAt(0))));
    const result = await parseExtractFiles([{ fileName: 'list 8.csv', bytes: cp1252 }]);
    expect(result.problems).toEqual([]);
    expect(result.facts).toEqual([expect.objectContaining({ kind: 'cla-episode', childId: 'L1', startDate: '2025-01-06', legalStatus: 'C2' })]);
  });

  it('reads SSDA903 tables saved as worksheets of a workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Episodes 2025');
    sheet.addRow(EPISODES.split(','));
    sheet.addRow(['C1', new Date(Date.UTC(2025, 0, 6)), 'S', 'C2', 'N1', 'U1', 'PR1', null, null]);
    const result = await parseExtractFiles([{ fileName: '903.xlsx', bytes: new Uint8Array(await workbook.xlsx.writeBuffer()) }]);
    expect(result.format).toBe('ssda903');
    expect(result.facts).toEqual([expect.objectContaining({ kind: 'cla-episode', startDate: '2025-01-06', source: { format: 'ssda903', file: '903.xlsx', sheet: 'Episodes 2025', row: 2 } })]);
  });
});

describe('merging several files', () => {
  it('keeps each child once, and a fact restated by a later file from that file', async () => {
    const result = await parseExtractFiles([
      { fileName: 'march.csv', bytes: bytes(`${EPISODES}\nC1,06/01/2025,S,C2,N1,U1,PR1,,,,,,\n`) },
      { fileName: 'cin.xml', bytes: bytes('<Message><Children><Child><ChildIdentifiers><LAchildID>C1</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate></ChildIdentifiers></Child></Children></Message>') },
      { fileName: 'april.csv', bytes: bytes(`${EPISODES}\nC1,06/01/2025,S,C2,N1,U1,PR1,01/04/2025,E11,,,,\nC1,02/05/2025,S,C2,N1,U1,PR1,,,,,,\n`) },
    ]);
    expect(result.children).toHaveLength(1);
    expect(result.children[0]).toMatchObject({ childId: 'C1', dateOfBirth: '2015-01-01' });
    expect(result.facts.map((fact) => [fact.source.file, fact.kind === 'cla-episode' ? fact.endDate : undefined])).toEqual([
      ['april.csv', '2025-04-01'],
      ['april.csv', undefined],
    ]);
    expect(result.formats).toEqual(['ssda903', 'cin-census']);
  });

  it('warns when files disagree on a date of birth, keeping the later', async () => {
    const result = await parseExtractFiles([
      { fileName: 'a.csv', bytes: bytes(`${REVIEWS}\nC1,01/01/2015,01/02/2024,PN1\n`) },
      { fileName: 'b.xml', bytes: bytes('<Message><Children><Child><ChildIdentifiers><LAchildID>C1</LAchildID><PersonBirthDate>2016-01-01</PersonBirthDate></ChildIdentifiers></Child></Children></Message>') },
    ]);
    expect(result.children[0]?.dateOfBirth).toBe('2016-01-01');
    expect(result.problems).toEqual([expect.objectContaining({ file: 'b.xml', severity: 'warning', message: expect.stringMatching(/2016-01-01 differs from 2015-01-01/) })]);
  });
});

describe('readExtracts', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'extracts-'));
    await mkdir(path.join(folder, '2025', 'march'), { recursive: true });
    await writeFile(path.join(folder, '2025', 'march', 'reviews.csv'), `${REVIEWS}\nC1,01/01/2015,01/02/2024,PN1\n`);
    await writeFile(path.join(folder, 'episodes.csv'), `${EPISODES}\nC1,06/01/2025,S,C2,N1,U1,PR1,,,,,,\n`);
    await writeFile(path.join(folder, '.DS_Store'), 'Bud1\u0000\u0000');
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('walks folders recursively, skips hidden files and reports progress', async () => {
    const seen: string[] = [];
    const result = await readExtracts([folder], { onProgress: ({ file, filesRead, filesTotal }) => seen.push(`${filesRead}/${filesTotal} ${file}`) });
    expect(result.problems).toEqual([]);
    expect(result.facts.map((fact) => fact.kind).sort()).toEqual(['cla-episode', 'cla-review']);
    expect(seen).toEqual(['1/2 reviews.csv', '2/2 episodes.csv']);
  });

  it('reports a path that does not exist, and still reads the others', async () => {
    const result = await readExtracts([path.join(folder, 'missing.csv'), path.join(folder, 'episodes.csv')]);
    expect(result.problems).toEqual([{ file: 'missing.csv', severity: 'error', message: 'cannot be read: no such file or folder' }]);
    expect(result.facts).toHaveLength(1);
  });

  it('refuses a file over the size limit without reading it', async () => {
    const result = await readExtracts([path.join(folder, 'episodes.csv')], { limits: { maxBytes: 10, maxZipEntries: 10, maxUncompressedBytes: 10, maxCompressionRatio: 10 } });
    expect(result.problems).toEqual([expect.objectContaining({ file: 'episodes.csv', severity: 'error', message: expect.stringMatching(/larger than/) })]);
    expect(result.format).toBe('manual');
    expect(result.formats).toEqual([]);
  });
});

describe('the downloadable error report', () => {
  it('has one line per problem, quoted where needed, with formulas defused', () => {
    const csv = problemsToCsv([
      { file: 'List 1.csv', sheet: 'List 1', row: 4, column: 'Date of Contact', severity: 'error', message: '31/02/2024 is not a real date' },
      { file: 'x.csv', severity: 'warning', message: 'a "quoted", comma' },
      { file: '=HYPERLINK("http://example.invalid")', severity: 'error', message: '-1+1' },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'file,sheet,row,column,severity,message',
      'List 1.csv,List 1,4,Date of Contact,error,31/02/2024 is not a real date',
      'x.csv,,,,warning,"a ""quoted"", comma"',
      `"'=HYPERLINK(""http://example.invalid"")",,,,error,'-1+1`,
      '',
    ]);
  });
});
