/**
 * Text files from councils' systems: decoding the bytes (UTF-8, UTF-16 from Excel's "Unicode
 * text", or Windows-1252 from older exports) and splitting a CSV into rows under its heading row.
 */
import { parse } from 'csv-parse/sync';
import type { ImportProblem } from '../facts.ts';
import type { SheetRows } from './table.ts';

/** Decodes a text file, choosing the encoding from its byte-order mark or its bytes. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Not valid UTF-8: Excel's "CSV" on Windows writes the legacy code page.
    return decodeWindows1252(body);
  }
}

/** Windows-1252's characters at 0x80–0x9F (curly quotes, dashes, €), where Latin-1 has control codes. */
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Decoded by hand because some Node versions' TextDecoder treats windows-1252 as Latin-1. */
function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes).replace(/[\u0080-\u009f]/g, (char) => CP1252_HIGH[char.charCodeAt(0) - 0x80] ?? char);
}

/** Whether the bytes look like text at all (binary files have NUL bytes early on). */
export function looksLikeText(bytes: Uint8Array): boolean {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) return true;
  const probe = bytes.subarray(0, 8192);
  return !probe.includes(0);
}

/** The first line of a text, for recognising a CSV by its headings without parsing it all. */
export function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

function delimiterOf(headingLine: string): string {
  const count = (char: string) => headingLine.split(char).length - 1;
  const candidates = [',', '\t', ';', '|'];
  return candidates.reduce((best, char) => (count(char) > count(best) ? char : best), ',');
}

/** The heading row of a CSV text, split the same way `readCsv` splits it. */
export function csvHeadings(text: string): string[] {
  const line = firstLine(text);
  try {
    const rows = parse(line, { delimiter: delimiterOf(line), relax_quotes: true, relax_column_count: true }) as string[][];
    return rows[0] ?? [];
  } catch {
    return [];
  }
}

/** Longest single record we accept: far beyond any real row, short of exhausting memory. */
const MAX_RECORD_CHARACTERS = 1_000_000;

/**
 * Splits a CSV text into rows. A record the CSV reader cannot make sense of (an unclosed quote, an
 * oversized field) is reported with its line and skipped; the other records are still read.
 */
export function readCsv(file: string, text: string, problems: ImportProblem[]): SheetRows {
  const delimiter = delimiterOf(firstLine(text));
  const records: { line: number; cells: string[] }[] = [];
  try {
    const parsed = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_CHARACTERS,
      skip_records_with_error: true,
      on_skip: (error) => {
        problems.push({
          file,
          ...(typeof error?.lines === 'number' ? { row: error.lines } : {}),
          severity: 'error',
          message: `this line cannot be read as CSV (${error?.message ?? 'malformed record'}); it is skipped`,
        });
        return undefined;
      },
    }) as unknown as { info: { lines: number }; record: string[] }[];
    // The reader counts a CR LF inside a quoted cell as two lines, and goes on counting from there.
    let doubleCounted = 0;
    for (const { info, record } of parsed) {
      // `lines` is where the record ends; a quoted field may have run over several lines.
      let innerBreaks = 0;
      for (const cell of record) {
        if (!cell.includes('\n')) continue;
        innerBreaks += cell.split('\n').length - 1;
        doubleCounted += cell.split('\r\n').length - 1;
      }
      records.push({ line: info.lines - innerBreaks - doubleCounted, cells: record });
    }
  } catch (error) {
    problems.push({ file, severity: 'error', message: `the file cannot be read as CSV: ${(error as Error).message}` });
  }
  const [headings, ...body] = records;
  // Line numbers are what a user finds in a text editor, and in a spreadsheet for one-line records.
  return { file, headers: headings?.cells ?? [], rows: body.map(({ line, cells }) => ({ row: line, cells })) };
}
