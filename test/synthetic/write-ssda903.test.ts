import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateCouncil } from './council.ts';
import type { InjectedFault } from './mess.ts';
import { writeSsda903 } from './write-ssda903.ts';

const SAMPLES = '/work/shared/reference-data/csc-validator-be-903';
const council = generateCouncil({ seed: 5, children: 4000, asOf: '2026-03-31' });
const files = writeSsda903(council, 2026);

type Row = Record<string, string>;
const rows = (text: string | undefined): Row[] => parse(text ?? '', { columns: true, bom: true, skip_empty_lines: true }) as Row[];
const iso = (uk: string) => `${uk.slice(6, 10)}-${uk.slice(3, 5)}-${uk.slice(0, 2)}`;
const realUkDate = (text: string) => {
  if (!/^\d{2}\/\d{2}\/\d{4}$/.test(text)) return false;
  const d = new Date(`${iso(text)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso(text);
};

describe('writeSsda903', () => {
  it("writes each 903 file with the sample's column set", () => {
    const names = ['header', 'episodes', 'reviews', 'uasc', 'oc2', 'oc3', 'ad1', 'placed_for_adoption', 'previous_permanence', 'missing', 'sw_episodes'];
    expect(Object.keys(files).sort()).toEqual(names.map((n) => `${n}.csv`).sort());
    for (const name of names) {
      const sampleHeader = readFileSync(`${SAMPLES}/${name}.csv`, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0];
      expect(files[`${name}.csv`]?.split('\n')[0], name).toBe(sampleHeader);
    }
  });

  it('lists every looked-after child of the year once in header, with their episodes', () => {
    const header = rows(files['header.csv']);
    const episodes = rows(files['episodes.csv']);
    expect(header.length).toBeGreaterThan(50);
    expect(new Set(header.map((h) => h.CHILD)).size).toBe(header.length);
    expect(new Set(episodes.map((e) => e.CHILD))).toEqual(new Set(header.map((h) => h.CHILD)));
    for (const h of header) expect(['1', '2']).toContain(h.SEX);
  });

  it('chains episodes: X1 is followed by an episode starting that day, any other reason by a new period (S)', () => {
    const byChild = new Map<string, Row[]>();
    for (const e of rows(files['episodes.csv'])) byChild.set(e.CHILD ?? '', [...(byChild.get(e.CHILD ?? '') ?? []), e]);
    let starts = 0;
    for (const [child, list] of byChild) {
      list.forEach((e, i) => {
        expect(realUkDate(e.DECOM ?? ''), `${child} DECOM ${e.DECOM}`).toBe(true);
        if (e.DEC) expect(iso(e.DEC) >= iso(e.DECOM ?? '')).toBe(true);
        const next = list[i + 1];
        if (!next) return;
        expect(e.DEC, `${child}: only the last episode may be open`).not.toBe('');
        if (e.REC === 'X1') expect(next.DECOM, child).toBe(e.DEC);
        else {
          expect(next.RNE, child).toBe('S');
          expect(iso(next.DECOM ?? '') >= iso(e.DEC ?? '')).toBe(true);
        }
      });
      starts += list.filter((e) => e.RNE === 'S').length;
    }
    expect(starts).toBeGreaterThan(10);
    const rnes = new Set(rows(files['episodes.csv']).map((e) => e.RNE));
    for (const code of ['S', 'P', 'L']) expect(rnes).toContain(code);
  });

  it('keeps reviews and missing episodes inside the collection year', () => {
    for (const r of rows(files['reviews.csv'])) {
      expect(iso(r.REVIEW ?? '') >= '2025-04-01' && iso(r.REVIEW ?? '') <= '2026-03-31').toBe(true);
      expect(r.REVIEW_CODE).toMatch(/^PN[0-7]$/);
    }
    for (const m of rows(files['missing.csv'])) expect(iso(m.MIS_START ?? '') >= '2025-04-01').toBe(true);
  });

  it('is deterministic and differs between years', () => {
    expect(writeSsda903(council, 2026)).toEqual(files);
    expect(writeSsda903(council, 2025)['episodes.csv']).not.toBe(files['episodes.csv']);
  });

  it('messy variant: byte-order marks, CRLF and unmapped extra columns, same rows', () => {
    const messy = writeSsda903(council, 2026, { messy: true });
    const texts = Object.values(messy);
    expect(texts.some((t) => t.startsWith('\uFEFF') && t.includes('\r\n'))).toBe(true);
    expect(texts.some((t) => t.replace(/^\uFEFF/, '').split(/\r?\n/)[0]?.endsWith(',LA,YEAR'))).toBe(true);
    for (const [name, text] of Object.entries(messy)) expect(rows(text).length, name).toBe(rows(files[name]).length);
  });

  it('reports every injected error at the row and column where it is', () => {
    const faults: InjectedFault[] = [];
    const broken = writeSsda903(council, 2026, { errorRate: 0.02, faults });
    expect(faults.length).toBeGreaterThan(10);
    for (const f of faults) {
      const row = rows(broken[f.file])[f.row - 2];
      const value = row?.[f.column] ?? '';
      if (f.kind === 'missing-value') expect(value).toBe('');
      else {
        expect(value).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
        expect(realUkDate(value)).toBe(false);
      }
    }
  });
});
