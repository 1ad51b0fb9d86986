import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseFact, ParsedExtract } from '../cases/facts.ts';
import { runComplianceCommand, type ExtractReader } from './compliance-command.ts';

const source = { format: 'manual' as const, file: 'extract.csv' };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sightline-compliance-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type NewFact = CaseFact extends infer F ? (F extends CaseFact ? Omit<F, 'source'> : never) : never;

function extract(facts: NewFact[], problems: ParsedExtract['problems'] = []): ExtractReader {
  return async () => ({ format: 'manual', children: [], facts: facts.map((f) => ({ ...f, source }) as CaseFact), problems, rowsRead: facts.length });
}

async function run(args: string[], reader: ExtractReader = extract([])) {
  let stdout = '';
  let stderr = '';
  const code = await runComplianceCommand(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }, reader);
  return { code, stdout, stderr };
}

const twoConferences = extract([
  { kind: 's47', childId: 'A', strategyDate: '2026-03-02', icpcDate: '2026-03-20' },
  { kind: 's47', childId: 'B', strategyDate: '2026-03-02', icpcDate: '2026-03-27' },
  { kind: 's47', childId: 'B', strategyDate: '2026-03-09', icpcDate: '2026-03-27' },
  { kind: 's47', childId: '=HYPERLINK("x")', strategyDate: '2026-03-16' },
]);

describe('sightline compliance: arguments', () => {
  it('explains itself with --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--as-of YYYY-MM-DD/);
  });

  it.each([
    [[], /at least one extract/],
    [['x'], /--as-of YYYY-MM-DD is required/],
    [['x', '--as-of', '31/03/2026'], /YYYY-MM-DD, not "31\/03\/2026"/],
    [['x', '--as-of', '2026-02-30'], /YYYY-MM-DD/],
    [['x', '--as-of', '2026-03-31', '--format', 'xml'], /--format must be one of json, csv, table/],
    [['x', '--as-of', '2026-03-31', '--icpc-clock', 'middle'], /first or latest/],
    [['x', '--as-of', '2026-03-31', '--colour'], /Unknown option '--colour'/],
    [['x', '--as-of', '2035-03-31'], /outside the years the working-day calendar covers/],
  ])('refuses %j with a usage error', async (args, message) => {
    const { code, stderr, stdout } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('names a file that does not exist', async () => {
    const { code, stderr } = await run([path.join(dir, 'missing.csv'), '--as-of', '2026-03-31']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no such file or folder: .*missing\.csv/);
  });

  it('reports an extract that cannot be read, and fails', async () => {
    const broken: ExtractReader = async () => {
      throw new Error('broken.xml: not a CIN census file (root element <Message> has no <Children>)');
    };
    const { code, stderr, stdout } = await run([dir, '--as-of', '2026-03-31'], broken);
    expect(code).toBe(1);
    expect(stderr).toMatch(/broken\.xml: not a CIN census file/);
    expect(stdout).toBe('');
  });
});

describe('sightline compliance: output', () => {
  it('prints the JSON result by default', async () => {
    const { code, stdout } = await run([dir, '--as-of', '2026-03-31'], twoConferences);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.asOf).toBe('2026-03-31');
    expect(json.measures.map((m: { id: string }) => m.id)).toEqual(['assessment-45wd', 'icpc-15wd', 'cp-visit-10wd', 'cla-health-assessment', 'cla-review']);
    expect(json.measures[1]).toMatchObject({ id: 'icpc-15wd', met: 1, missed: 1, overdue: 0, pending: 1 });
    expect(json.items[0]).toEqual({ childId: '=HYPERLINK("x")', measure: 'icpc-15wd', status: 'pending', anchorDate: '2026-03-16', dueDate: '2026-04-08', actualDate: null });
    expect(json.items.map((i: { childId: string }) => i.childId)).toEqual(['=HYPERLINK("x")', 'A', 'B']);
  });

  it('lets the council start the ICPC clock at the latest strategy discussion', async () => {
    const { stdout } = await run([dir, '--as-of', '2026-03-31', '--icpc-clock', 'latest'], twoConferences);
    expect(JSON.parse(stdout).measures[1]).toMatchObject({ met: 2, missed: 0 });
  });

  it('writes the items as CSV with a header row, neutralising cells a spreadsheet would run', async () => {
    const { code, stdout } = await run([dir, '--as-of=2026-03-31', '--format', 'csv'], twoConferences);
    expect(code).toBe(0);
    expect(stdout.split('\r\n')).toEqual([
      'childId,measure,status,anchorDate,dueDate,actualDate',
      `"'=HYPERLINK(""x"")",icpc-15wd,pending,2026-03-16,2026-04-08,`,
      'A,icpc-15wd,met,2026-03-02,2026-03-23,2026-03-20',
      'B,icpc-15wd,missed,2026-03-02,2026-03-23,2026-03-27',
      '',
    ]);
  });

  it('summarises each measure in a table', async () => {
    const { stdout } = await run([dir, '--as-of', '2026-03-31', '--format', 'table'], twoConferences);
    expect(stdout).toMatch(/Timeliness as of 2026-03-31/);
    expect(stdout).toMatch(/^icpc-15wd\s+1\s+1\s+0\s+1\s+50\.0%$/m);
    expect(stdout).toMatch(/^cp-visit-10wd\s+not evaluated$/m);
    expect(stdout).toMatch(/cp-visit-10wd not evaluated: none of the extracts records cp-visit facts/);
    expect(stdout).toMatch(/Working Together to Safeguard Children 2023/);
  });

  it('reports rejected rows on stderr and still gives the figures for the rest', async () => {
    const reader = extract(
      [{ kind: 'assessment', childId: 'A', startDate: '2026-03-02' }],
      [{ file: 'assessments.csv', row: 7, column: 'startDate', severity: 'error', message: '"32/01/2026" is not a date' }],
    );
    const { code, stdout, stderr } = await run([dir, '--as-of', '2026-03-31'], reader);
    expect(code).toBe(0);
    expect(stderr).toMatch(/Reading the extracts: 1 error\(s\) \(rows or files left out\)\n/);
    expect(stderr).toMatch(/error: assessments\.csv, row 7, startDate: "32\/01\/2026" is not a date/);
    expect(JSON.parse(stdout).items).toHaveLength(1);
  });

  it('fails when not one row could be used', async () => {
    const reader = extract([], [{ file: 'x.csv', severity: 'error', message: 'no recognisable table' }]);
    const { code, stderr, stdout } = await run([dir, '--as-of', '2026-03-31'], reader);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no usable rows/);
    expect(stdout).toBe('');
  });

  it('says which deadlines fall outside the calendar years instead of miscounting them', async () => {
    const reader = extract([{ kind: 'assessment', childId: 'A', startDate: '1970-10-06' }]);
    const { code, stdout, stderr } = await run([dir, '--as-of', '2026-03-31'], reader);
    expect(code).toBe(0);
    expect(stderr).toMatch(/1 deadline\(s\) could not be evaluated/);
    expect(stderr).toMatch(/child A, assessment-45wd from 1970-10-06: 1970-10-06 is outside the working-day calendar/);
    expect(JSON.parse(stdout).notEvaluated).toEqual([expect.objectContaining({ childId: 'A', anchorDate: '1970-10-06' })]);
  });

  it('adds the practice-standard timescales of a catalogue folder when asked', async () => {
    const catalogue = path.join(dir, 'standards');
    await mkdir(catalogue, { recursive: true });
    await writeFile(
      path.join(catalogue, 'test-standards.yaml'),
      [
        'kind: practice-standards',
        'id: test-standards',
        'version: 1',
        'title: Test standards',
        'source: { citation: A test }',
        'sections:',
        '  - id: "12"',
        '    title: Strategy',
        '    standards:',
        '      - id: "12.1"',
        '        title: Strategy discussions are timely',
        '        timescales:',
        '          - { id: test-strategy-3wd, anchor: referral, event: strategy-discussion, amount: 3, unit: working-days, quote: within three working days }',
        '          - { id: test-notes-24h, anchor: strategy-discussion, event: other, amount: 24, unit: hours, quote: within 24 hours }',
      ].join('\n'),
    );
    const reader = extract([
      { kind: 'referral', childId: 'A', date: '2026-03-02' },
      { kind: 's47', childId: 'A', strategyDate: '2026-03-04', icpcDate: '2026-03-20' },
    ]);
    const { code, stdout, stderr } = await run([dir, '--as-of', '2026-03-31', '--standards', catalogue], reader);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.measures.at(-1)).toMatchObject({ id: 'test-strategy-3wd', met: 1 });
    expect(stderr).toMatch(/1 practice-standard timescale\(s\) cannot be checked/);
  });
});

describe('sightline compliance: on real extract files', () => {
  const referenceData = fileURLToPath(new URL('../../../shared/reference-data/', import.meta.url));
  const realRun = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runComplianceCommand(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
    return { code, stdout, stderr };
  };
  type Item = { childId: string; measure: string; status: string; anchorDate: string; dueDate: string; actualDate: string | null };

  it('times looked-after reviews from SSDA903 CSVs we wrote, across an X1 change and two periods of care', async () => {
    const folder = path.join(dir, 'ssda903');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'header.csv'), 'CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n900001,1,15/03/2012,WBRI,UN1,,\n900002,2,01/04/2021,WBRI,UN1,,\n');
    await writeFile(
      path.join(folder, 'episodes.csv'),
      [
        'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN',
        '900001,06/01/2025,S,C2,N1,U1,PR1,10/03/2025,X1,,,,SC999999',
        '900001,10/03/2025,P,C2,N1,U2,PR1,,,CARPL,,,SC999999',
        '900002,06/01/2025,S,V2,N1,U1,PR1,14/02/2025,E13,,,,SC999999',
        '900002,01/09/2025,S,C2,N1,U1,PR1,,,,,,SC999999',
      ].join('\n'),
    );
    await writeFile(path.join(folder, 'reviews.csv'), 'CHILD,DOB,REVIEW,REVIEW_CODE\n900001,15/03/2012,31/01/2025,PN1\n900001,15/03/2012,02/05/2025,PN1\n900002,01/04/2021,03/02/2025,PN1\n');
    const { code, stdout, stderr } = await realRun([folder, '--as-of', '2025-12-31', '--format', 'csv']);
    expect(code).toBe(0);
    expect(stdout.split('\r\n')).toEqual([
      'childId,measure,status,anchorDate,dueDate,actualDate',
      // First review within 20 working days of 6 January; the placement move (X1, then P) keeps
      // one period; the second review is due 3 months after the first, the third 6 months after.
      '900001,cla-review,met,2025-01-06,2025-02-03,2025-01-31',
      '900001,cla-review,missed,2025-01-31,2025-04-30,2025-05-02',
      '900001,cla-review,overdue,2025-05-02,2025-11-02,',
      // A first period ended on 14 February (E13) before its second review was due; a new period
      // started on 1 September has its own first review, not held.
      '900002,cla-review,met,2025-01-06,2025-02-03,2025-02-03',
      '900002,cla-review,overdue,2025-09-01,2025-09-29,',
      '',
    ]);
    expect(stderr).toMatch(/cla-health-assessment not evaluated/);
  });

  it('reads the public SSDA903 sample and times each period of care', async () => {
    const { code, stdout } = await realRun([path.join(referenceData, 'csc-validator-be-903'), '--as-of', '2026-03-31']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { items: Item[]; measuresNotEvaluated: { id: string }[] };
    // Child 144519 (episodes.csv): looked after 25 May 2016 (S) to 21 June 2017 (E13), with an
    // X1 change on 20 April 2017; reviews.csv holds one review before the period (ignored) and
    // one on 16 October 2016. Due dates worked by hand: 20 working days from 25 May 2016, over
    // the spring bank holiday (30 May), is 23 June; three months after 16 October is 16 January.
    expect(result.items.filter((i) => i.childId === '144519')).toEqual([
      { childId: '144519', measure: 'cla-review', status: 'missed', anchorDate: '2016-05-25', dueDate: '2016-06-23', actualDate: '2016-10-16' },
      { childId: '144519', measure: 'cla-review', status: 'missed', anchorDate: '2016-10-16', dueDate: '2017-01-16', actualDate: null },
    ]);
    // The 903 records no assessments, conferences, visits or health assessments.
    expect(result.measuresNotEvaluated.map((m) => m.id)).toEqual(['assessment-45wd', 'icpc-15wd', 'cp-visit-10wd', 'cla-health-assessment']);
    for (const item of result.items) {
      expect(item.dueDate > item.anchorDate).toBe(true);
      if (item.status === 'met') expect(item.actualDate! <= item.dueDate).toBe(true);
      if (item.status === 'overdue') expect(item.dueDate < '2026-03-31' && item.actualDate === null).toBe(true);
    }
  });

  it('reads the public CIN census samples, whose example conference follows a strategy discussion on a Jubilee bank holiday', async () => {
    const { code, stdout, stderr } = await realRun([path.join(referenceData, 'csc-validator-be-cin'), '--as-of', '2026-03-31']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { items: Item[] };
    // CIN_Census_2024.xml: S47ActualStartDate 2022-06-02 (a bank holiday, so the first working
    // day after it, 6 June, is day 1), ICPC held 17 June: due 24 June.
    expect(result.items).toContainEqual({ childId: 'DfEX0000001', measure: 'icpc-15wd', status: 'met', anchorDate: '2022-06-02', dueDate: '2022-06-24', actualDate: '2022-06-17' });
    // The example child's 1970 dates (CIN_Census_2021.xml) lie outside the calendar: reported.
    expect(stderr).toMatch(/could not be evaluated/);
  });

  it('fails with a clear message on a file that is not an extract', async () => {
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'These are meeting notes, not an extract.\n');
    const { code, stdout, stderr } = await realRun([file, '--as-of', '2026-03-31']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/notes\.txt/);
    expect(stdout).toBe('');
  });
});
