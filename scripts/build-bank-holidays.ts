/**
 * Builds `src/platform/calendar/bank-holidays-england-and-wales.json` from the GOV.UK bank-holiday
 * data in `../shared/reference-data/bank-holidays/` (see its SOURCES.md).
 *
 * GOV.UK's data comes from two snapshots with different shapes: the retired alphagov/calendars
 * file (division key `england-and-wales`, 2015–2021) and the alphagov/frontend file (division key
 * `common.nations.england-and-wales_slug`, 2019 onwards). Both write dates as `DD/MM/YYYY`. We take
 * 2015–2018 from the first and everything from 2019 from the second, and refuse to build if the
 * two disagree about a year they both hold: a silent disagreement would move people's deadlines.
 *
 * Usage: npx tsx scripts/build-bank-holidays.ts [SOURCE_DIR] [OUTPUT_FILE]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CALENDARS_FILE = 'alphagov-calendars_lib-data_bank-holidays.json';
export const FRONTEND_FILE = 'alphagov-frontend_lib-data_bank-holidays.json';
const CALENDARS_DIVISION = 'england-and-wales';
const FRONTEND_DIVISION = 'common.nations.england-and-wales_slug';
/** The frontend file replaced the calendars file from this year on (SOURCES.md). */
const FRONTEND_FROM_YEAR = 2019;
/** England and Wales have had at least eight bank holidays every year since 1978. */
const MINIMUM_PER_YEAR = 8;

export interface BankHolidayFile {
  division: 'england-and-wales';
  source: string;
  firstYear: number;
  lastYear: number;
  dates: string[];
}

type YearEvents = Map<number, string[]>;

/** `DD/MM/YYYY` → `YYYY-MM-DD`, refusing anything else so a format change cannot slip through. */
export function ukDateToIso(text: string): string {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) throw new Error(`bank holiday date "${text}" is not DD/MM/YYYY`);
  const [, day, month, year] = match;
  const iso = `${year}-${month}-${day}`;
  const check = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== iso) {
    throw new Error(`bank holiday date "${text}" is not a real date`);
  }
  return iso;
}

function divisionYears(json: unknown, divisionKey: string, fileName: string): YearEvents {
  const divisions = (json as { divisions?: Record<string, unknown> } | null)?.divisions;
  const division = divisions?.[divisionKey];
  if (!division || typeof division !== 'object') {
    throw new Error(`${fileName}: no "${divisionKey}" division`);
  }
  const years: YearEvents = new Map();
  for (const [key, value] of Object.entries(division)) {
    // The calendars file keeps `slug` and `title` beside the years; only four-digit keys are years.
    if (!/^\d{4}$/.test(key)) continue;
    if (!Array.isArray(value)) throw new Error(`${fileName}: year ${key} is not a list of events`);
    const year = Number(key);
    const dates = value.map((event: unknown, i) => {
      const date = (event as { date?: unknown } | null)?.date;
      if (typeof date !== 'string') throw new Error(`${fileName}: ${key} event ${i + 1} has no date`);
      const iso = ukDateToIso(date);
      if (!iso.startsWith(`${key}-`)) throw new Error(`${fileName}: ${date} is filed under year ${key}`);
      return iso;
    });
    years.set(year, [...new Set(dates)].sort());
  }
  return years;
}

/** Merges the two GOV.UK files into one England-and-Wales list; throws on any inconsistency. */
export function mergeBankHolidays(calendarsJson: unknown, frontendJson: unknown): BankHolidayFile {
  const older = divisionYears(calendarsJson, CALENDARS_DIVISION, CALENDARS_FILE);
  const newer = divisionYears(frontendJson, FRONTEND_DIVISION, FRONTEND_FILE);

  for (const [year, dates] of older) {
    const other = newer.get(year);
    if (other && other.join() !== dates.join()) {
      throw new Error(`the two GOV.UK files disagree about ${year}: ${dates.join(', ')} vs ${other.join(', ')}`);
    }
  }

  const merged: YearEvents = new Map();
  for (const [year, dates] of older) if (year < FRONTEND_FROM_YEAR) merged.set(year, dates);
  for (const [year, dates] of newer) if (year >= FRONTEND_FROM_YEAR) merged.set(year, dates);

  const years = [...merged.keys()].sort((a, b) => a - b);
  const firstYear = years[0];
  const lastYear = years.at(-1);
  if (firstYear === undefined || lastYear === undefined) throw new Error('no England and Wales bank holidays found');
  for (let year = firstYear; year <= lastYear; year++) {
    const count = merged.get(year)?.length ?? 0;
    // A gap or a short year would make every deadline across it wrong, so stop here instead.
    if (count < MINIMUM_PER_YEAR) throw new Error(`only ${count} bank holidays found for ${year}`);
  }

  return {
    division: 'england-and-wales',
    source:
      'GOV.UK bank holidays (https://www.gov.uk/bank-holidays.json), England and Wales division: ' +
      `alphagov/calendars lib/data/bank-holidays.json for ${firstYear}-${FRONTEND_FROM_YEAR - 1}, ` +
      `alphagov/frontend lib/data/bank-holidays.json for ${FRONTEND_FROM_YEAR}-${lastYear}. ` +
      'Built by scripts/build-bank-holidays.ts from ../shared/reference-data/bank-holidays.',
    firstYear,
    lastYear,
    dates: years.flatMap((year) => merged.get(year) ?? []),
  };
}

export function formatBankHolidayFile(file: BankHolidayFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

export const DEFAULT_SOURCE_DIR = fileURLToPath(new URL('../../shared/reference-data/bank-holidays/', import.meta.url));
export const DEFAULT_OUTPUT = fileURLToPath(new URL('../src/platform/calendar/bank-holidays-england-and-wales.json', import.meta.url));

export async function buildBankHolidays(sourceDir = DEFAULT_SOURCE_DIR): Promise<BankHolidayFile> {
  const read = async (name: string): Promise<unknown> => JSON.parse(await readFile(join(sourceDir, name), 'utf8'));
  return mergeBankHolidays(await read(CALENDARS_FILE), await read(FRONTEND_FILE));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [sourceDir, output] = process.argv.slice(2);
  const file = await buildBankHolidays(sourceDir ?? DEFAULT_SOURCE_DIR);
  await writeFile(output ?? DEFAULT_OUTPUT, formatBankHolidayFile(file));
  console.log(`${file.dates.length} England and Wales bank holidays, ${file.firstYear}-${file.lastYear}, written to ${output ?? DEFAULT_OUTPUT}`);
}
