/** The pure parts of storing case data: natural keys, case types, name links and the chronology. */
import { describe, expect, it } from 'vitest';
import type { CaseFact, ParsedExtract } from './facts.ts';
import { currentCaseType } from './case-status.ts';
import { buildChronology } from './chronology.ts';
import { rejectedRows, unusableFiles } from './imports.ts';
import { NameLinker, nameKey } from './linking.ts';
import { fromStoredFact, toStoredFact, uniqueByKey } from './stored-facts.ts';

const source = { format: 'ssd' as const, file: 'ssd_cp_plans.csv', sheet: 'ssd_cp_plans', row: 7 };
const fact = <F extends Omit<CaseFact, 'childId' | 'source'>>(f: F) => ({ ...f, childId: 'C1', source }) as unknown as CaseFact;

describe('stored facts', () => {
  it('keys a fact by kind and anchor date, so a restatement finds the same row', () => {
    const plan = toStoredFact(fact({ kind: 'cp-plan', startDate: '2025-01-06', endDate: '2025-09-01', category: 'NEG' }));
    const restated = toStoredFact(fact({ kind: 'cp-plan', startDate: '2025-01-06', category: 'EMO' }));
    expect(plan.factKey).toBe(restated.factKey);
    expect(plan.eventDate).toBe('2025-01-06');
    expect(plan.endDate).toBe('2025-09-01');
    expect(toStoredFact(fact({ kind: 'cp-plan', startDate: '2025-01-07' })).factKey).not.toBe(plan.factKey);
  });

  it('tells allocations on one day apart by worker and team, with no character PostgreSQL text refuses', () => {
    const a = toStoredFact(fact({ kind: 'allocation', startDate: '2025-01-06', worker: 'A', team: 'T' }));
    const b = toStoredFact(fact({ kind: 'allocation', startDate: '2025-01-06', worker: 'B', team: 'T' }));
    expect(a.factKey).not.toBe(b.factKey);
    expect(a.factKey).not.toContain('\u0000');
    expect(a.eventDate).toBe('2025-01-06');
  });

  it('gives back the same fact for the engine, under Sightline’s id for the child', () => {
    const original = fact({ kind: 's47', strategyDate: '2025-02-03', icpcDate: '2025-02-20', icpcNotRequired: false });
    const stored = toStoredFact(original);
    const back = fromStoredFact('uuid-1', { kind: stored.kind, fact: JSON.parse(JSON.stringify(stored.body)), sourceFormat: 'ssd', sourceFile: source.file, sourceSheet: source.sheet, sourceRow: source.row });
    expect(back).toEqual({ ...original, childId: 'uuid-1' });
  });

  it('keeps the later of two statements of one event in one import', () => {
    const rows = [
      { childKey: 'c1', stored: toStoredFact(fact({ kind: 'cp-visit', date: '2025-03-03', seen: false })) },
      { childKey: 'c1', stored: toStoredFact(fact({ kind: 'cp-visit', date: '2025-03-04' })) },
      { childKey: 'c1', stored: toStoredFact(fact({ kind: 'cp-visit', date: '2025-03-03', seen: true })) },
    ];
    const unique = uniqueByKey(rows);
    expect(unique).toHaveLength(2);
    expect(unique.find((r) => r.stored.eventDate === '2025-03-03')!.stored.body).toMatchObject({ seen: true });
  });
});

describe('current case type', () => {
  const facts = [
    fact({ kind: 'cin-episode', startDate: '2024-01-01' }),
    fact({ kind: 'cp-plan', startDate: '2024-02-01', endDate: '2024-08-01' }),
    fact({ kind: 'cla-episode', startDate: '2024-08-01', endDate: '2025-01-10', rne: 'S', reasonEnded: 'E13' }),
  ];

  it('is the most intensive involvement open on the day', () => {
    expect(currentCaseType(facts, '2024-01-15')).toBe('cin');
    expect(currentCaseType(facts, '2024-03-01')).toBe('cp');
    // A plan ending the day care starts: looked after from that day.
    expect(currentCaseType(facts, '2024-08-01')).toBe('cla');
    expect(currentCaseType(facts, '2025-01-10')).toBe('cin');
  });

  it('is closed when nothing is open, and care-leaver while in touch in the last year', () => {
    const closed = [fact({ kind: 'cin-plan', startDate: '2024-01-01', endDate: '2024-06-01' })];
    expect(currentCaseType(closed, '2024-07-01')).toBeNull();
    const leaver = [fact({ kind: 'care-leaver-contact', date: '2025-03-01' })];
    expect(currentCaseType(leaver, '2026-02-28')).toBe('care-leaver');
    expect(currentCaseType(leaver, '2026-03-02')).toBeNull();
  });
});

describe('linking extract names to teams and people', () => {
  const linker = () =>
    new NameLinker({
      teams: [{ id: 't1', name: 'Family support team north' }],
      people: [
        { id: 'p1', name: 'Amara Okafor' },
        { id: 'p2', name: 'Sam Lee' },
        { id: 'p3', name: 'Sam  Lee' },
      ],
    });

  it('matches names whatever their case, spacing or Unicode form', () => {
    expect(nameKey('  Family\u00a0Support  TEAM north ')).toBe('family support team north');
    expect(linker().link('family support team NORTH', 'AMARA OKAFOR')).toEqual({ teamId: 't1', workerId: 'p1' });
  });

  it('records a name that matches nobody, or more than one person, instead of guessing', () => {
    const l = linker();
    expect(l.link('Disabled children team', 'Sam Lee')).toEqual({ teamId: null, workerId: null });
    l.link('Disabled children team', undefined);
    expect(l.unmatched()).toEqual([
      { kind: 'team', name: 'Disabled children team', children: 2, reason: 'unknown' },
      { kind: 'worker', name: 'Sam Lee', children: 1, reason: 'ambiguous' },
    ]);
  });
});

describe('the chronology', () => {
  it('lists every event oldest first, with each decided deadline after the events of its day', () => {
    const chronology = buildChronology(
      [
        fact({ kind: 'cp-visit', date: '2025-02-14', seen: false }),
        fact({ kind: 's47', strategyDate: '2025-01-06', icpcDate: '2025-01-24' }),
        fact({ kind: 'cp-plan', startDate: '2025-01-24', endDate: '2025-07-01', category: 'NEG' }),
      ],
      [{ label: 'ICPC within 15 working days', status: 'met', anchorDate: '2025-01-06', dueDate: '2025-01-27', actualDate: '2025-01-24' }],
    );
    expect(chronology.map((e) => [e.date, e.title])).toEqual([
      ['2025-01-06', 'Strategy discussion'],
      ['2025-01-24', 'Initial child protection conference'],
      ['2025-01-24', 'Child protection plan started'],
      ['2025-01-24', 'ICPC within 15 working days'],
      ['2025-02-14', 'Child protection visit'],
      ['2025-07-01', 'Child protection plan ended'],
    ]);
    expect(chronology[2]!.detail).toBe('category NEG');
    expect(chronology[3]).toMatchObject({ kind: 'deadline', outcome: 'met', dueDate: '2025-01-27' });
    expect(chronology[4]!.detail).toBe('child not seen');
    expect(chronology[0]!.source).toBe('SSD: ssd_cp_plans.csv, ssd_cp_plans, row 7');
  });

  it('puts a deadline that was never met on its due date', () => {
    const [entry] = buildChronology([], [{ label: 'Looked-after review on time', status: 'missed', anchorDate: '2025-01-01', dueDate: '2025-01-29', actualDate: null }]);
    expect(entry).toMatchObject({ date: '2025-01-29', outcome: 'missed' });
  });
});

describe('the rule for problems', () => {
  const extract = (problems: ParsedExtract['problems'], facts: CaseFact[] = []): ParsedExtract => ({ format: 'ssd', children: [], facts, problems, rowsRead: 10 });

  it('counts each rejected row once, however many of its cells are wrong', () => {
    expect(
      rejectedRows([
        { file: 'a.csv', row: 3, column: 'x', severity: 'error', message: 'm' },
        { file: 'a.csv', row: 3, column: 'y', severity: 'error', message: 'm' },
        { file: 'b.csv', row: 3, severity: 'error', message: 'm' },
        { file: 'a.csv', row: 4, severity: 'warning', message: 'm' },
      ]),
    ).toBe(2);
  });

  it('treats an error with no row, or an XML file with errors and nothing read, as a file that cannot be used', () => {
    const text = (s: string) => ({ fileName: 'x', bytes: new TextEncoder().encode(s) });
    expect(unusableFiles(extract([{ file: 'a.xlsx', severity: 'error', message: 'zip bomb' }]), [])).toEqual(['a.xlsx']);
    expect(unusableFiles(extract([{ file: 'b.csv', row: 9, severity: 'error', message: 'bad date' }]), [{ ...text('a,b\n1,2'), fileName: 'b.csv' }])).toEqual([]);
    const xml = { ...text('<Message><Header>'), fileName: 'cin.xml' };
    expect(unusableFiles(extract([{ file: 'cin.xml', row: 1, severity: 'error', message: 'not well-formed' }]), [xml])).toEqual(['cin.xml']);
    const used = fact({ kind: 'referral', date: '2025-01-01' });
    expect(unusableFiles(extract([{ file: 'cin.xml', row: 4, severity: 'error', message: 'bad row' }], [{ ...used, source: { format: 'cin-census', file: 'cin.xml' } } as CaseFact]), [xml])).toEqual([]);
  });
});
