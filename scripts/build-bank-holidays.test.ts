import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildBankHolidays, DEFAULT_OUTPUT, formatBankHolidayFile, mergeBankHolidays, ukDateToIso } from './build-bank-holidays.ts';

const event = (date: string) => ({ title: 'bank_holidays.x', date, notes: '', bunting: true });
const year = (y: number, extra: string[] = []) =>
  ['01/01', '02/04', '05/04', '03/05', '31/05', '30/08', '27/12', '28/12', ...extra].map((dm) => event(`${dm}/${y}`));

describe('building the England and Wales bank holiday file', () => {
  it('the committed file is exactly what the script builds from the GOV.UK data', async () => {
    const built = formatBankHolidayFile(await buildBankHolidays());
    expect(await readFile(DEFAULT_OUTPUT, 'utf8')).toBe(built);
  });

  it('covers 2015 to 2028 with the one-off holidays and sorted ISO dates', async () => {
    const file = await buildBankHolidays();
    expect(file.firstYear).toBe(2015);
    expect(file.lastYear).toBe(2028);
    expect(file.dates).toContain('2015-12-28'); // from the older file only
    expect(file.dates).toContain('2028-01-03'); // from the newer file only
    for (const oneOff of ['2020-05-08', '2022-06-02', '2022-06-03', '2022-09-19', '2023-05-08']) expect(file.dates).toContain(oneOff);
    expect(file.dates).toEqual([...file.dates].sort());
    expect(new Set(file.dates).size).toBe(file.dates.length);
    expect(file.source).toMatch(/GOV\.UK/);
  });

  it('takes years before 2019 from the calendars file and later years from the frontend file', () => {
    const calendars = { divisions: { 'england-and-wales': { slug: 'x', 2018: year(2018), 2019: year(2019) } } };
    const frontend = { divisions: { 'common.nations.england-and-wales_slug': { 2019: year(2019), 2020: year(2020, ['08/05']) } } };
    const file = mergeBankHolidays(calendars, frontend);
    expect([file.firstYear, file.lastYear]).toEqual([2018, 2020]);
    expect(file.dates).toHaveLength(25);
    expect(file.dates).toContain('2020-05-08');
  });

  it('refuses files that disagree about a shared year', () => {
    const calendars = { divisions: { 'england-and-wales': { 2019: year(2019) } } };
    const frontend = { divisions: { 'common.nations.england-and-wales_slug': { 2019: year(2019, ['08/05']) } } };
    expect(() => mergeBankHolidays(calendars, frontend)).toThrow(/disagree about 2019/);
  });

  it('refuses a missing year or a missing division rather than building a calendar with a hole', () => {
    const calendars = { divisions: { 'england-and-wales': { 2017: year(2017) } } };
    const frontend = { divisions: { 'common.nations.england-and-wales_slug': { 2019: year(2019) } } };
    expect(() => mergeBankHolidays(calendars, frontend)).toThrow(/2018/);
    expect(() => mergeBankHolidays({ divisions: {} }, frontend)).toThrow(/no "england-and-wales" division/);
  });

  it('reads DD/MM/YYYY dates strictly', () => {
    expect(ukDateToIso('25/12/2026')).toBe('2026-12-25');
    expect(() => ukDateToIso('2026-12-25')).toThrow(/DD\/MM\/YYYY/);
    expect(() => ukDateToIso('31/02/2026')).toThrow(/not a real date/);
  });
});
