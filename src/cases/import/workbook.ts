/**
 * Reading an `.xlsx` workbook into rows of plain cell values with exceljs. Call only with bytes
 * that `checkZipArchive` has passed: exceljs inflates every entry it finds.
 */
import ExcelJS from 'exceljs';
import type { RawRow, SheetRows } from './table.ts';
import { CellError } from './values.ts';

/** A plain value for one exceljs cell: formulas give their cached result, rich text its text. */
function plainCellValue(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record['error'] === 'string') return new CellError(record['error']);
  if ('result' in record || 'formula' in record || 'sharedFormula' in record) return plainCellValue(record['result']);
  if (Array.isArray(record['richText'])) {
    return (record['richText'] as { text?: unknown }[]).map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
  }
  if (typeof record['text'] === 'string') return record['text'];
  return undefined;
}

/** Every worksheet's non-empty rows; `headers` is left empty for the caller to find the heading row. */
export async function readWorkbook(file: string, bytes: Uint8Array): Promise<SheetRows[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  return workbook.worksheets.map((worksheet): SheetRows => {
    const rows: RawRow[] = [];
    worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      rows.push({ row: rowNumber, cells: Array.from(values, plainCellValue) });
    });
    return { file, sheet: worksheet.name, headers: [], rows };
  });
}
