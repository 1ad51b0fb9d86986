/**
 * Every figure on an insight page is a table (the chart beside it draws the same numbers), so
 * one model serves the page, the CSV and XLSX downloads, the quarterly report's workbook and its
 * PDF. A cell keeps the text people read and the value a spreadsheet should get.
 */
import type { Chart } from './charts.ts';
import type { ExportColumn } from '../platform/export/table.ts';

export interface Cell {
  text: string;
  /** What an export writes; the text when absent. Shares are exported as percentages. */
  value?: string | number | null;
  /** The audits behind the figure. */
  href?: string;
  /** A single audit this row is about: linked for viewers who may open it (cache.ts). */
  auditId?: string;
  numeric?: boolean;
}

export interface Column {
  label: string;
  numeric?: boolean;
}

export interface Table {
  /** Stable within its page: the export link names it. */
  id: string;
  caption: string;
  columns: Column[];
  rows: Cell[][];
  /** Said instead of an empty table. */
  empty: string;
}

/** A chart and the table with the same data. */
export interface Figure {
  table: Table;
  chart?: Chart | undefined;
  /** One or two sentences saying what the figure shows, for everyone (not only screen readers). */
  summary?: string | undefined;
}

export function text(value: string | null | undefined): Cell {
  return { text: value ?? '' };
}

export function count(n: number, href?: string): Cell {
  return { text: n.toLocaleString('en-GB'), value: n, numeric: true, ...(href && n > 0 ? { href } : {}) };
}

/** A share as a whole percentage ("62%"), or "–" when there is nothing to divide by. */
export function percentage(value: number | null, digits = 0): Cell {
  if (value === null) return { text: '–', value: null, numeric: true };
  const rounded = Math.round(value * 100 * 10 ** digits) / 10 ** digits;
  return { text: `${rounded.toFixed(digits)}%`, value: Math.round(value * 1000) / 10, numeric: true };
}

export function decimal(value: number | null, digits = 2): Cell {
  if (value === null) return { text: '–', value: null, numeric: true };
  const fixed = value.toFixed(digits);
  // "−0.08" with a real minus sign reads better; the export keeps the number.
  return { text: fixed.replace(/^-/, '−'), value: Number(fixed), numeric: true };
}

export function formatShare(value: number | null): string {
  return value === null ? 'no figure' : `${Math.round(value * 100)}%`;
}

/** The columns an export writes for a table. */
export function exportColumns(table: Table): Array<ExportColumn<Cell[]>> {
  return table.columns.map((column, i) => ({
    header: column.label,
    value: (row: Cell[]) => {
      const cell = row[i];
      if (!cell) return null;
      return cell.value === undefined ? cell.text : cell.value;
    },
    width: column.numeric ? 14 : 28,
  }));
}
