/**
 * Spreadsheet formula injection: a cell that begins with = + - @ (or a tab or carriage return,
 * which some programs skip before looking for one) is run as a formula when a CSV file is opened
 * in Excel or LibreOffice, so text typed by one person could run on another's computer. Such
 * text is prefixed with an apostrophe, which spreadsheets show as plain text (the OWASP "CSV
 * injection" advice). Numbers are left alone: -3 is a number, not a formula.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export type CellValue = string | number | boolean | null | undefined;

export function neutraliseText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function neutraliseCell(value: CellValue): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? neutraliseText(value) : value;
}
