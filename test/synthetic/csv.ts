/** Minimal RFC 4180 CSV encoding: fields are quoted only when they need to be. */

export type Cell = string | number | undefined;

export function csvField(value: Cell): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvStyle {
  /** Line ending; spreadsheet exports often use CRLF. */
  eol: '\n' | '\r\n';
  /** A UTF-8 byte-order mark, as Excel writes on "CSV UTF-8". */
  bom: boolean;
}

export const PLAIN_CSV: CsvStyle = { eol: '\n', bom: false };

/** Builds a CSV document row by row without holding the rows twice. */
export class CsvBuilder {
  private readonly lines: string[] = [];
  readonly header: readonly string[];
  private readonly style: CsvStyle;

  constructor(header: readonly string[], style: CsvStyle = PLAIN_CSV) {
    this.header = header;
    this.style = style;
    this.lines.push(header.map(csvField).join(','));
  }

  /** The 1-based line the next row will occupy (the header is line 1). */
  get nextRowNumber(): number {
    return this.lines.length + 1;
  }

  add(values: readonly Cell[]): void {
    this.lines.push(values.map(csvField).join(','));
  }

  toString(): string {
    return (this.style.bom ? '\uFEFF' : '') + this.lines.join(this.style.eol) + this.style.eol;
  }
}
