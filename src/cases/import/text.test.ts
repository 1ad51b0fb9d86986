import { describe, expect, it } from 'vitest';
import type { ImportProblem } from '../facts.ts';
import { readCsv } from './text.ts';

describe('reading a CSV into rows', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CR LF', '\r\n'],
  ] as const) {
    it(`numbers each row by the line it starts on, after quoted cells running over several lines (${name})`, () => {
      const problems: ImportProblem[] = [];
      const text = ['id,note', 'A,"one', 'two', 'three"', 'B,plain', 'C,"x', 'y"', 'D,z', ''].join(eol);
      const sheet = readCsv('t.csv', text, problems);
      expect(sheet.headers).toEqual(['id', 'note']);
      expect(sheet.rows.map((r) => [r.row, r.cells[0]])).toEqual([
        [2, 'A'],
        [5, 'B'],
        [6, 'C'],
        [8, 'D'],
      ]);
      expect(sheet.rows[0]!.cells[1]).toBe(['one', 'two', 'three'].join(eol));
      expect(problems).toEqual([]);
    });
  }
});
