/**
 * A table of rows written as CSV or as an Excel workbook, every text cell neutralised against
 * formula injection, and sent as a download. Shared by every list that offers an export.
 */
import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { neutraliseCell, type CellValue } from './cells.ts';

export interface ExportColumn<Row> {
  header: string;
  value: (row: Row) => CellValue;
  /** Excel column width in characters. */
  width?: number;
}

function csvField(value: CellValue): string {
  const cell = neutraliseCell(value);
  if (cell === null) return '';
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV with CRLF line ends and a byte-order mark, so Excel reads it as UTF-8. */
export function toCsv<Row>(columns: ReadonlyArray<ExportColumn<Row>>, rows: readonly Row[]): string {
  const lines = [columns.map((c) => csvField(c.header)), ...rows.map((row) => columns.map((c) => csvField(c.value(row))))];
  return `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

export async function toXlsx<Row>(sheetName: string, columns: ReadonlyArray<ExportColumn<Row>>, rows: readonly Row[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Sightline';
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = columns.map((c, i) => ({ header: String(neutraliseCell(c.header)), key: String(i), width: c.width ?? 18 }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(columns.map((c) => neutraliseCell(c.value(row))));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * Sends the file as a download. The file name is the caller's fixed text plus a date, never
 * anything a user typed.
 */
export function sendDownload(res: Response, fileName: string, format: keyof typeof CONTENT_TYPES, body: string | Buffer): void {
  if (!/^[a-z0-9-]+$/.test(fileName)) throw new Error('export file names are fixed words and dates');
  res.setHeader('Content-Type', CONTENT_TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}.${format}"`);
  res.send(body);
}
