/**
 * Normalising single values from councils' extracts: dates in the shapes real extracts use,
 * yes/no flags, DfE codes with or without the list prefixes Annex A templates add ("b) Female"),
 * and column headings as people actually type them. Pure functions, no I/O.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A spreadsheet cell holding an Excel error such as `#N/A`: not a value, and never a blank. */
export class CellError {
  constructor(readonly code: string) {}
}

export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Short, single-line rendering of a bad value for a problem message (never a whole cell of text). */
export function shown(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : String(value);
  const line = text.replace(/[\r\n\t]+/g, ' ').trim();
  return line.length > 24 ? `${line.slice(0, 24)}…` : line;
}

/**
 * The key a column heading is matched on: case, spacing (including non-breaking spaces), curly
 * or straight quotes, brackets (single or doubled) and other punctuation do not count, because
 * councils' templates differ in exactly these ways.
 */
export function headerKey(header: unknown): string {
  return String(header ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032'`\u201c\u201d\u201e\u201f\u2033"]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/** A file name fit for labelling facts and problems: the base name only, printable, bounded. */
export function displayName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const printable = [...base].filter((char) => !isControl(char)).join('').trim();
  return (printable || 'upload').slice(0, 200);
}

// ---------------------------------------------------------------- dates

const EARLIEST_YEAR = 1900;
const LATEST_YEAR = 2099;

function isoFromParts(year: number, month: number, day: number, written: string): Parsed<string> {
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return { ok: false, reason: `${shown(written)} is not a real date` };
  }
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) {
    return { ok: false, reason: `${shown(written)} is outside the years ${EARLIEST_YEAR}–${LATEST_YEAR}` };
  }
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return { ok: true, value: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` };
}

/** Days from 1899-12-30, the day before Excel's serial 1 once its fictitious 29 Feb 1900 is skipped. */
function isoFromExcelSerial(serial: number, written: string): Parsed<string> {
  const whole = Math.floor(serial + 1e-9);
  // Serial 60 is 29 February 1900, a day that never existed (a Lotus 1-2-3 bug Excel keeps).
  if (whole < 1 || whole === 60) return { ok: false, reason: `${shown(written)} is not a valid spreadsheet date` };
  const offset = whole < 60 ? whole - 1 : whole - 2;
  const date = new Date(Date.UTC(1900, 0, 1) + offset * 86_400_000);
  return isoFromParts(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), written);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const UK_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const SERIAL = /^\d{1,5}(?:\.\d+)?$/;

export interface DateOptions {
  /** Whether a bare number is an Excel serial day (true for spreadsheet-born formats). */
  serials: boolean;
}

/**
 * A calendar date as `YYYY-MM-DD`, or `undefined` for a blank. Accepts ISO (with or without a time,
 * as SQL Server writes them), UK `DD/MM/YYYY` (also with `-` or `.`), spreadsheet date cells and,
 * where allowed, Excel serial numbers. Two-digit years and US-style dates are refused as ambiguous
 * rather than guessed.
 */
export function parseDate(value: unknown, options: DateOptions): Parsed<string> | undefined {
  if (isBlank(value)) return undefined;
  if (value instanceof CellError) return { ok: false, reason: `the cell holds the spreadsheet error ${value.code}` };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { ok: false, reason: 'the cell holds an invalid date' };
    // Spreadsheet dates arrive as UTC instants that can sit a hair before midnight.
    const rounded = new Date(Math.round(value.getTime() / 60_000) * 60_000);
    return isoFromParts(rounded.getUTCFullYear(), rounded.getUTCMonth() + 1, rounded.getUTCDate(), value.toISOString().slice(0, 10));
  }
  if (typeof value === 'number') {
    if (options.serials && Number.isFinite(value) && value > 0) return isoFromExcelSerial(value, String(value));
    return { ok: false, reason: `${shown(value)} is a number, not a date` };
  }
  if (typeof value !== 'string') return { ok: false, reason: `${shown(value)} is not a date` };
  const text = value.trim();
  const iso = ISO_DATE.exec(text);
  if (iso) return isoFromParts(Number(iso[1]), Number(iso[2]), Number(iso[3]), text);
  const uk = UK_DATE.exec(text);
  if (uk) return isoFromParts(Number(uk[4]), Number(uk[3]), Number(uk[1]), text);
  if (options.serials && SERIAL.test(text)) return isoFromExcelSerial(Number(text), text);
  return { ok: false, reason: `${shown(text)} is not a date (expected DD/MM/YYYY or YYYY-MM-DD)` };
}

// ---------------------------------------------------------------- coded values

/** Removes the "b) " or "p1) " list prefix that Annex A templates put before coded answers. */
export function stripListPrefix(text: string): string {
  return text.replace(/^\s*[a-z]{1,2}\d?\)\s*/i, '').trim();
}

function cellText(value: unknown): string | undefined {
  if (isBlank(value)) return undefined;
  if (typeof value === 'string') return value.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Free text for a field we keep (a team name, a worker), trimmed and bounded. */
export function parseText(value: unknown, maxLength = 200): Parsed<string> | undefined {
  if (isBlank(value)) return undefined;
  if (value instanceof CellError) return { ok: false, reason: `the cell holds the spreadsheet error ${value.code}` };
  const text = cellText(value);
  if (text === undefined) return { ok: false, reason: `${shown(value)} is not text` };
  if (text.length > maxLength) return { ok: false, reason: `longer than ${maxLength} characters` };
  return { ok: true, value: text };
}

/** A child or record identifier: opaque text; spreadsheet numbers lose no digits. */
export function parseIdentifier(value: unknown): Parsed<string> | undefined {
  if (isBlank(value)) return undefined;
  if (value instanceof CellError) return { ok: false, reason: `the cell holds the spreadsheet error ${value.code}` };
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return { ok: false, reason: `${shown(value)} is not a whole-number identifier` };
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return { ok: false, reason: `${shown(value)} is not an identifier` };
  }
  if (text.length > 100) return { ok: false, reason: 'identifier longer than 100 characters' };
  if ([...text].some(isControl)) return { ok: false, reason: 'identifier contains control characters' };
  return { ok: true, value: text };
}

/** Yes/No in any of the spellings extracts use; "unknown" and blanks carry no answer. */
export function parseYesNo(value: unknown): Parsed<boolean | undefined> | undefined {
  if (isBlank(value)) return undefined;
  if (typeof value === 'boolean') return { ok: true, value };
  if (value instanceof CellError) return { ok: false, reason: `the cell holds the spreadsheet error ${value.code}` };
  const text = cellText(value);
  if (text === undefined) return { ok: false, reason: `${shown(value)} is not yes or no` };
  const key = headerKey(stripListPrefix(text));
  if (['yes', 'y', 'true', '1'].includes(key)) return { ok: true, value: true };
  if (['no', 'n', 'false', '0'].includes(key)) return { ok: true, value: false };
  if (['unknown', 'not known', 'u', 'na', 'n a', 'not recorded', 'not stated'].includes(key)) return { ok: true, value: undefined };
  return { ok: false, reason: `${shown(text)} is not yes or no` };
}

export function parseInteger(value: unknown): Parsed<number> | undefined {
  if (isBlank(value)) return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) return { ok: false, reason: `${shown(value)} is not a whole number` };
  return { ok: true, value: number };
}

/**
 * The code at the front of a coded answer: "q) 6: Police" → "6", "E1: Placement order" → "E1",
 * "N1 - Abuse or neglect" → "N1", "k) APKN" → "APKN". `undefined` when the answer has no code.
 */
export function leadingCode(value: unknown): string | undefined {
  const text = cellText(value);
  if (text === undefined) return undefined;
  const body = stripListPrefix(text);
  const labelled = /^([A-Za-z0-9]{1,6})\s*(?::|\s[-–]\s)/.exec(body);
  if (labelled) return labelled[1]!.toUpperCase();
  if (/^[A-Za-z0-9]{1,6}$/.test(body)) return body.toUpperCase();
  return undefined;
}

/** A code from a closed list, also accepted by its label ("Physical abuse" → PHY). */
export function parseCode(value: unknown, codes: ReadonlyMap<string, string>, what: string): Parsed<string> | undefined {
  if (isBlank(value)) return undefined;
  if (value instanceof CellError) return { ok: false, reason: `the cell holds the spreadsheet error ${value.code}` };
  const code = leadingCode(value);
  if (code !== undefined && codes.has(code)) return { ok: true, value: code };
  const text = cellText(value);
  if (text !== undefined) {
    const byLabel = codes.get(headerKey(stripListPrefix(text)));
    if (byLabel !== undefined) return { ok: true, value: byLabel };
  }
  return { ok: false, reason: `${shown(value)} is not a known ${what}` };
}

/** Builds the lookup `parseCode` reads: each code maps to itself and each label to its code. */
function codeList(entries: Record<string, string | readonly string[]>): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const [code, labels] of Object.entries(entries)) {
    map.set(code, code);
    for (const label of typeof labels === 'string' ? [labels] : labels) map.set(headerKey(label), code);
  }
  return map;
}

export type Gender = 'male' | 'female' | 'unknown' | 'neither';

/** Gender or sex as Annex A ("a) Male"), the DfE returns (1/2, 0/9) and the SSD (M/F/U) record it. */
export function parseGender(value: unknown): Parsed<Gender> | undefined {
  if (isBlank(value)) return undefined;
  const text = cellText(value);
  const key = text === undefined ? '' : headerKey(stripListPrefix(text));
  if (['male', 'm', '1', 'boy'].includes(key)) return { ok: true, value: 'male' };
  if (['female', 'f', '2', 'girl'].includes(key)) return { ok: true, value: 'female' };
  if (['neither', 'indeterminate', 'i'].includes(key)) return { ok: true, value: 'neither' };
  if (['not stated recorded', 'not stated', 'not recorded', 'not known', 'unknown', 'not specified', 'u', '0', '9'].includes(key)) {
    return { ok: true, value: 'unknown' };
  }
  return { ok: false, reason: `${shown(value)} is not a recognised gender` };
}

/** DfE ethnicity codes (the CIN census and SSDA903 list), with the labels Annex A may use instead. */
export const ETHNICITY = codeList({
  WBRI: 'White British',
  WIRI: 'White Irish',
  WIRT: 'Traveller of Irish heritage',
  WOTH: 'Any other White background',
  WROM: ['Gypsy/Roma', 'Gypsy Roma'],
  MWBC: 'White and Black Caribbean',
  MWBA: 'White and Black African',
  MWAS: 'White and Asian',
  MOTH: 'Any other Mixed background',
  AIND: 'Indian',
  APKN: 'Pakistani',
  ABAN: 'Bangladeshi',
  AOTH: 'Any other Asian background',
  BCRB: 'Caribbean',
  BAFR: 'African',
  BOTH: 'Any other Black background',
  CHNE: 'Chinese',
  OOTH: 'Any other ethnic group',
  REFU: 'Refused',
  NOBT: 'Information not yet obtained',
});

/** Child protection categories of abuse (CIN census codes; Annex A writes the labels). */
export const ABUSE_CATEGORY = codeList({
  NEG: 'Neglect',
  PHY: ['Physical abuse', 'Physical'],
  SAB: ['Sexual abuse', 'Sexual'],
  EMO: ['Emotional abuse', 'Emotional'],
  MUL: ['Multiple/not recommended', 'Multiple'],
});
