import { describe, expect, it } from 'vitest';
import type { ParsedExtract } from '../facts.ts';
import { parseExtract, parseExtractFiles } from './index.ts';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const parse = (name: string, text: string) => parseExtract(name, bytes(text));
const errors = (result: ParsedExtract) => result.problems.filter((problem) => problem.severity === 'error');

const EPISODES = 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN';

describe('SSDA903 tables', () => {
  it('are recognised by their columns, in any order and under any file name', async () => {
    const result = await parse('export.txt', 'REVIEW_CODE,REVIEW,DOB,CHILD\nPN1,10/02/2025,01/01/2015,C1\n');
    expect(result.format).toBe('ssda903');
    expect(result.facts).toEqual([
      { kind: 'cla-review', childId: 'C1', source: { format: 'ssda903', file: 'export.txt', sheet: 'reviews', row: 2 }, date: '2025-02-10', participation: 'PN1' },
    ]);
  });

  it('turn episodes into cla-episode facts, dropping postcodes and the reason of an episode still open', async () => {
    const result = await parse('episodes.csv', `${EPISODES}\nC1,06/01/2025,S,C2,N1,U1,PR1,01/03/2025,X1,CARPL,AB1 2CD,EF3 4GH,1234567\nC1,01/03/2025,P,C2,N1,U4,PR1,,X1,,AB1 2CD,EF3 4GH,\n`);
    expect(result.problems).toEqual([]);
    expect(result.facts).toEqual([
      expect.objectContaining({ kind: 'cla-episode', startDate: '2025-01-06', endDate: '2025-03-01', rne: 'S', legalStatus: 'C2', placement: 'U1', reasonEnded: 'X1' }),
      expect.objectContaining({ kind: 'cla-episode', startDate: '2025-03-01', rne: 'P', placement: 'U4' }),
    ]);
    expect(result.facts[1]).not.toHaveProperty('reasonEnded');
    expect(JSON.stringify(result)).not.toMatch(/AB1 2CD|1234567/);
  });

  it('reject rows whose dates or codes the period-of-care logic cannot use, each located', async () => {
    const result = await parse(
      'episodes.csv',
      `${EPISODES}\nC1,31/02/2025,S,C2,N1,U1,PR1,,,,,,\nC2,06/01/2025,Q,C2,N1,U1,PR1,,,,,,\nC3,06/01/2025,S,C2,N1,U1,PR1,01/01/2025,E11,,,,\nC4,06/01/2025,S,C2,N1,U1,PR1,01/02/2025,,,,,\nC5,06/01/2025,S,ZZ,N1,U1,PR1,,,,,,\n`,
    );
    expect(errors(result).map(({ row, column }) => ({ row, column }))).toEqual([
      { row: 2, column: 'DECOM' },
      { row: 3, column: 'RNE' },
      { row: 4, column: 'DEC' },
      { row: 5, column: 'REC' },
    ]);
    expect(errors(result)[0]!.message).toBe('31/02/2025 is not a real date');
    // An unknown legal status only loses that value.
    expect(result.facts.map((fact) => fact.childId)).toEqual(['C5']);
    expect(result.problems).toContainEqual(expect.objectContaining({ row: 6, column: 'LS', severity: 'warning' }));
  });

  it('warn when one child’s episodes overlap or an X1 ending is not followed the same day', async () => {
    const result = await parse('episodes.csv', `${EPISODES}\nC1,06/01/2025,S,C2,N1,U1,PR1,01/03/2025,X1,,,,\nC1,05/03/2025,P,C2,N1,U1,PR1,,,,,,\nC2,06/01/2025,S,C2,N1,U1,PR1,,,,,,\nC2,01/02/2025,P,C2,N1,U1,PR1,,,,,,\n`);
    expect(result.problems.map(({ row, severity, message }) => ({ row, severity, message: message.replace(/'.*$/, '') }))).toEqual([
      { row: 3, severity: 'warning', message: 'child C1' },
      { row: 5, severity: 'warning', message: 'child C2' },
    ]);
    expect(result.problems[0]!.message).toMatch(/X1/);
    expect(result.problems[1]!.message).toMatch(/overlaps/);
    expect(result.facts).toHaveLength(4);
  });

  it('refuse a second header row for the same child, keeping the first', async () => {
    const result = await parse('header.csv', 'CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/01/2015,WBRI,A123,,\nC1,2,02/02/2016,WBRI,A123,,\n');
    expect(result.children).toEqual([expect.objectContaining({ childId: 'C1', dateOfBirth: '2015-01-01', gender: 'male' })]);
    expect(errors(result)).toEqual([expect.objectContaining({ row: 3, column: 'CHILD', message: expect.stringMatching(/already has a row in header \(row 2\)/) })]);
    expect(JSON.stringify(result)).not.toContain('A123');
  });

  it('say so when a table has its headings but no rows', async () => {
    const result = await parse('uasc.csv', 'CHILD,SEX,DOB,DUC\r\n');
    expect(result.facts).toEqual([]);
    expect(result.problems).toEqual([{ file: 'uasc.csv', sheet: 'uasc', severity: 'warning', message: 'uasc has its headings but no rows' }]);
  });

  it('join ad1 and placed_for_adoption into one adoption fact per decision', async () => {
    const result = await parseExtractFiles([
      { fileName: 'ad1.csv', bytes: bytes('CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\nC1,01/01/2015,01/03/2024,01/06/2024,0,2,MF,L0\n') },
      { fileName: 'pfa.csv', bytes: bytes('CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\nC1,01/01/2015,01/03/2024,,\n') },
    ]);
    expect(result.facts).toEqual([expect.objectContaining({ kind: 'adoption', childId: 'C1', decisionDate: '2024-03-01', matchedDate: '2024-06-01' })]);
  });

  it('read missing spells and social worker allocations', async () => {
    const result = await parseExtractFiles([
      { fileName: 'missing.csv', bytes: bytes('CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/01/2010,M,01/03/2024,03/03/2024\nC1,01/01/2010,A,05/03/2024,\n') },
      { fileName: 'sw.csv', bytes: bytes('CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC1,01/01/2010,SW1,01/01/2024,01/02/2024,MANAGE\nC1,01/01/2010,SW2,01/02/2024,,\n') },
    ]);
    expect(result.facts.filter((fact) => fact.kind === 'missing')).toEqual([
      expect.objectContaining({ startDate: '2024-03-01', endDate: '2024-03-03', type: 'missing' }),
      expect.objectContaining({ startDate: '2024-03-05', type: 'away' }),
    ]);
    expect(result.children).toEqual([expect.objectContaining({ childId: 'C1', worker: 'SW2' })]);
  });
});

describe('the SSDA903 XML layout', () => {
  const xml = `<?xml version='1.0' encoding='us-ascii'?>
<EXPSSDA903><CHILD><HEADER><CHILDID>0042</CHILDID><UPN>X1</UPN><SEX>2</SEX><DOB>28/07/2010</DOB><ETHNIC>BAFR</ETHNIC><UASC>1</UASC><DUC>28/07/2028</DUC>
<AREVIEW><REVIEW>27/09/2024</REVIEW><REVIEW_CODE>PN0</REVIEW_CODE></AREVIEW><AMISSING><MISSING>M</MISSING><MIS_START>01/10/2024</MIS_START><MIS_END /></AMISSING></HEADER>
<EPISODE><DECOM>06/09/2024</DECOM><RNE>S</RNE><LS>J3</LS><CIN>N4</CIN><PL>R5</PL><PL_POST>E7 5YR</PL_POST><DEC /><REC /></EPISODE></CHILD>
<CHILD><HEADER><CHILDID>0043</CHILDID><SEX>1</SEX><DOB>31/02/2011</DOB><ETHNIC>WBRI</ETHNIC></HEADER><EPISODE><DECOM>06/09/2024</DECOM><RNE>X</RNE></EPISODE></CHILD></EXPSSDA903>`;

  it('gives the same facts as the CSV tables, with rows numbered by CHILD element', async () => {
    const result = await parse('return.xml', xml);
    expect(result.format).toBe('ssda903');
    expect(result.children).toEqual([expect.objectContaining({ childId: '0042', gender: 'female', dateOfBirth: '2010-07-28', ethnicity: 'BAFR', uasc: true })]);
    expect(result.facts.map((fact) => fact.kind).sort()).toEqual(['cla-episode', 'cla-review', 'missing']);
    expect(result.facts.find((fact) => fact.kind === 'cla-episode')).toMatchObject({ startDate: '2024-09-06', rne: 'S', legalStatus: 'J3', placement: 'R5' });
    expect(errors(result).map(({ sheet, row, column }) => ({ sheet, row, column }))).toEqual([
      { sheet: 'episodes', row: 2, column: 'RNE' },
      { sheet: 'header', row: 2, column: 'DOB' },
    ]);
    expect(JSON.stringify(result)).not.toContain('E7 5YR');
  });
});
