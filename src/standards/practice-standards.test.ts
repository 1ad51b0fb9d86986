/**
 * The outcome measures (seed 001) and the Swindon practice standards (seed 004) against counts
 * taken by hand from the seeds, and their timescales against what the standards' words say.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normaliseForComparison } from './fidelity.ts';
import { parseCatalogueFile } from './load.ts';
import type { CatalogueFile, OutcomeMeasures, PracticeStandard, PracticeStandards, Timescale } from './schema.ts';

const standardsDir = fileURLToPath(new URL('../../standards', import.meta.url));

function load<K extends CatalogueFile['kind']>(name: string, kind: K): Extract<CatalogueFile, { kind: K }> {
  const file = parseCatalogueFile(readFileSync(path.join(standardsDir, name), 'utf8'), name);
  if (file.kind !== kind) throw new Error(`${name} is a ${file.kind} file, expected ${kind}`);
  return file as Extract<CatalogueFile, { kind: K }>;
}

describe('Ofsted outcome measures (seed 001)', () => {
  const measures: OutcomeMeasures = load('outcome-measures/ofsted-outcome-measures.yaml', 'outcome-measures');

  // Counted by reading seed 001: its four headings and the numbered "- n.m" lines under each
  // (1.1-1.8, 2.1-2.14, 3.1-3.26, 4.1-4.27; the blank lines inside groups 2, 3 and 4 are page breaks).
  it('has the four groups with 8, 14, 26 and 27 measures', () => {
    expect(measures.groups.map((g) => [g.id, g.number, g.measures.length])).toEqual([
      ['OE', 1, 8],
      ['EHP', 2, 14],
      ['QP', 3, 26],
      ['LG', 4, 27],
    ]);
  });

  it('numbers each group’s measures n.1, n.2, … without gaps', () => {
    for (const group of measures.groups) {
      expect(group.measures.map((m) => m.id)).toEqual(group.measures.map((_, i) => `${group.number}.${i + 1}`));
    }
  });

  it('names the ILACS judgement area each group evidences', () => {
    expect(measures.groups.every((g) => g.judgementArea)).toBe(true);
  });
});

describe('Swindon quality standards (seed 004)', () => {
  const file: PracticeStandards = load('practice-standards/swindon-quality-standards.yaml', 'practice-standards');
  const standards = file.sections.flatMap((s) => s.standards.map((standard) => ({ section: s.id, standard })));
  const byId = new Map(standards.map(({ standard }) => [standard.id, standard]));
  const timescales = standards.flatMap(({ standard }) => standard.timescales.map((t) => ({ standard, t })));
  const timescalesOf = (id: string): Timescale[] => byId.get(id)?.timescales ?? [];

  // Counted by reading seed 004 table by table: one standard per row that starts with a bold
  // "n.m-"; rows without a number (cells broken across rows, 5.6's sub-rows) are not standards.
  // Cross-checked with: grep -oE '<b>[0-9]+\.[0-9]+' 004_….txt | cut -d. -f1 | uniq -c.
  // Section 1 is one unnumbered row; 17 and 18 only refer to national guidance.
  const expectedPerSection: Record<string, number> = {
    '1': 1, '2': 16, '3': 16, '4': 7, '5': 6, '6': 5, '7': 9, '8': 5, '9': 1,
    '10': 8, '11': 7, '12': 8, '13': 17, '14': 17, '15': 8, '16': 8, '17': 0, '18': 0,
  };

  it('has every section of the document with the number of standards counted in the seed', () => {
    expect(Object.fromEntries(file.sections.map((s) => [s.id, s.standards.length]))).toEqual(expectedPerSection);
    expect(standards.filter(({ standard }) => standard.id.includes('.'))).toHaveLength(138);
  });

  it('numbers each section’s standards n.1, n.2, … without gaps, from 2.1 to 16.8', () => {
    for (const section of file.sections.filter((s) => s.standards.length > 1)) {
      expect(section.standards.map((s) => s.id)).toEqual(section.standards.map((_, i) => `${section.id}.${i + 1}`));
    }
    expect(standards.at(1)?.standard.id).toBe('2.1');
    expect(standards.at(-1)?.standard.id).toBe('16.8');
  });

  it('names who is responsible for every standard except the three whose cell the seed leaves empty', () => {
    const without = standards.filter(({ standard }) => standard.responsible.length === 0).map(({ standard }) => standard.id);
    expect(without).toEqual(['4.2', '5.4', '14.10']);
  });

  it('keeps roles the seed runs together apart', () => {
    expect(byId.get('13.3')?.responsible).toEqual(['Manager', 'BSTL QA TEAM', 'CP Chair']);
    expect(byId.get('2.1')?.responsible).toEqual(['MASH Advice & Information Officers']);
    expect(byId.get('16.1')?.responsible).toEqual(['Social Worker', 'IRO', 'Personal Advisor']);
  });

  it('reads the ICPC standard (13.3) as 15 working days from the strategy discussion', () => {
    expect(timescalesOf('13.3')).toEqual([
      expect.objectContaining({ event: 'icpc', anchor: 'strategy-discussion', amount: 15, unit: 'working-days', recurrence: 'within' }),
    ]);
  });

  it('reads the contact deadline (2.15) as 24 hours, or 4 hours for a child protection referral', () => {
    const [usual, urgent, ...rest] = timescalesOf('2.15');
    expect(rest).toEqual([]);
    expect(usual).toMatchObject({ event: 'contact-finalised', anchor: 'contact-received', amount: 24, unit: 'hours' });
    expect(urgent).toMatchObject({ event: 'contact-finalised', anchor: 'contact-received', amount: 4, unit: 'hours' });
    expect(urgent?.condition).toMatch(/child protection referral/i);
  });

  it('reads the visits to a child on a protection plan as every 10 working days from the plan', () => {
    const cp = timescales.filter(({ t }) => t.event === 'cp-visit');
    expect(cp.map(({ standard, t }) => [standard.id, t.anchor, t.amount, t.unit, t.recurrence])).toEqual([['9.1', 'cp-plan-start', 10, 'working-days', 'every']]);
  });

  it('gives each strategy deadline of 11.1 its own timescale, same day as 0 days', () => {
    const strategy = timescalesOf('11.1');
    expect(strategy.every((t) => t.event === 'strategy-discussion' && t.anchor === 'referral')).toBe(true);
    expect(strategy.map((t) => `${t.amount} ${t.unit}`)).toEqual(['48 hours', '3 working-days', '0 calendar-days', '0 calendar-days', '1 working-days', '1 working-days', '5 working-days']);
    expect(strategy.slice(2).every((t) => t.condition)).toBe(true);
  });

  it('reads review cycles as a first deadline and then a recurring one', () => {
    expect(timescalesOf('13.15').map((t) => [t.event, t.anchor, t.amount, t.unit, t.recurrence])).toEqual([
      ['rcpc', 'icpc', 3, 'months', 'within'],
      ['rcpc', 'rcpc', 6, 'months', 'every'],
    ]);
    expect(timescalesOf('15.3').map((t) => [t.anchor, t.amount, t.unit, t.recurrence])).toEqual([
      ['cla-start', 20, 'working-days', 'within'],
      ['cla-review', 3, 'months', 'within'],
      ['cla-review', 6, 'months', 'every'],
    ]);
  });

  it('reads reports due before a meeting as deadlines before it', () => {
    expect(timescalesOf('13.6').map((t) => [t.event, t.anchor, t.amount, t.unit, t.recurrence])).toEqual([
      ['report-shared', 'icpc', 48, 'hours', 'before'],
      ['report-shared', 'icpc', 2, 'working-days', 'before'],
    ]);
  });

  it('measures pre-birth deadlines in weeks of pregnancy and leaving-care ones in years of age', () => {
    expect(timescalesOf('10.1').map((t) => [t.event, t.anchor, t.amount, t.unit])).toEqual([
      ['assessment-start', 'conception', 16, 'weeks-of-pregnancy'],
      ['assessment-authorised', 'conception', 25, 'weeks-of-pregnancy'],
    ]);
    expect(timescalesOf('16.2')).toEqual([expect.objectContaining({ event: 'pathway-plan', anchor: 'birth', amount: 16.25, unit: 'years-of-age' })]);
    for (const { t } of timescales) {
      expect(t.unit === 'weeks-of-pregnancy', t.id).toBe(t.anchor === 'conception');
      expect(t.unit === 'years-of-age', t.id).toBe(t.anchor === 'birth');
      if (t.unit === 'weeks-of-pregnancy') expect(t.appliesTo, t.id).toEqual(['pre-birth']);
    }
  });

  it('gives every timescale an id naming its standard', () => {
    for (const { standard, t } of timescales) expect(t.id.startsWith(`swindon-${standard.id}-`), t.id).toBe(true);
  });

  it('uses 0 only for "same day" or "prior to", never for a recurring deadline', () => {
    for (const { t } of timescales.filter(({ t }) => t.amount === 0)) {
      expect(t.recurrence, t.id).not.toBe('every');
      expect(t.unit, t.id).toBe('calendar-days');
    }
  });

  it('quotes words of the standard itself that state the amount and the unit', () => {
    const problems = timescales.flatMap(({ standard, t }) => {
      const wrong: string[] = [];
      if (!quotedFrom(standard, t)) wrong.push('quote is not from this standard');
      if (!statesAmount(t)) wrong.push(`quote does not state ${t.amount}`);
      if (t.amount > 0 && !statesUnit(t)) wrong.push(`quote does not state ${t.unit}`);
      return wrong.map((w) => `${t.id}: ${w}: "${t.quote}"`);
    });
    expect(problems).toEqual([]);
  });
});

function quotedFrom(standard: PracticeStandard, t: Timescale): boolean {
  const own = normaliseForComparison(`${standard.title}\n${standard.description ?? ''}`);
  return t.quote.split('\n').every((line) => own.includes(normaliseForComparison(line)));
}

const NUMBER_WORDS: Record<number, string> = { 2: 'two', 3: 'three', 4: 'four', 5: 'five', 6: 'six', 10: 'ten', 12: 'twelve' };

/** Whether the quote says the amount, in figures, in words, or as the seed's idioms for 0 and 1. */
function statesAmount(t: Timescale): boolean {
  const q = t.quote.toLowerCase();
  const figure = (n: number) => new RegExp(`(?<![\\d.])${n}(?![\\d.])`).test(q);
  if (t.amount === 0) return /same day|same time|prior to|before|by the|available for/.test(q);
  if (t.unit === 'years-of-age') {
    const years = Math.floor(t.amount);
    const months = Math.round((t.amount - years) * 12);
    return figure(years) || q.includes(`${years}½`) ? months === 0 || (months === 6 && q.includes('½')) || figure(months) : false;
  }
  if (t.amount === 1) return /(?<![\d.])1(?![\d.])|\bone\b|once|annual|yearly|weekly|monthly/.test(q);
  return figure(t.amount) || (NUMBER_WORDS[t.amount] !== undefined && q.includes(NUMBER_WORDS[t.amount] ?? ''));
}

function statesUnit(t: Timescale): boolean {
  const q = t.quote.toLowerCase();
  const said: Record<Timescale['unit'], RegExp> = {
    hours: /hour/,
    'working-days': /day/, // "By day 5 of the S47" is read as working days (see the YAML comment)
    'calendar-days': /day/,
    weeks: /week/,
    months: /month/,
    years: /year|annual/,
    'weeks-of-pregnancy': /week/,
    'years-of-age': /year|½/,
  };
  return said[t.unit].test(q);
}
