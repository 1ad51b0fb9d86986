/**
 * Checks on an uploaded or named file before any parser sees it: its size, what it really is
 * (by its bytes, never by its name), and for a workbook the zip archive's own directory, so that
 * a zip bomb is refused before exceljs inflates anything.
 */
import { inflateRawSync } from 'node:zlib';
import { decodeText, looksLikeText } from './text.ts';

export interface FileLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Most entries a workbook's zip archive may hold (a real one has a few dozen). */
  maxZipEntries: number;
  /** Most bytes a workbook's entries may inflate to, all together. */
  maxUncompressedBytes: number;
  /** Highest ratio of inflated to compressed size for one entry; deflate tops out near 1032. */
  maxCompressionRatio: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxZipEntries: 10_000,
  maxUncompressedBytes: 500 * 1024 * 1024,
  maxCompressionRatio: 1_000,
};

export type FileKind = 'xlsx' | 'xml' | 'text';

export type FileCheck = { ok: true; kind: FileKind } | { ok: false; reason: string };

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;

type ZipResult = { ok: true; entries: ZipEntry[] } | { ok: false; reason: string };

/** Reads the zip's central directory: every entry's name and declared sizes, checked for bounds. */
function centralDirectory(bytes: Uint8Array, limits: FileLimits): ZipResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.byteLength;
  let eocd = -1;
  for (let at = length - 22; at >= Math.max(0, length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return { ok: false, reason: 'the zip archive is incomplete or damaged (no central directory)' };
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIGNATURE) {
    return { ok: false, reason: 'the workbook is a ZIP64 archive, which no spreadsheet of an accepted size needs' };
  }
  const disk = view.getUint16(eocd + 4, true);
  const directoryDisk = view.getUint16(eocd + 6, true);
  const entriesHere = view.getUint16(eocd + 8, true);
  const entryCount = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (disk !== 0 || directoryDisk !== 0 || entriesHere !== entryCount) return { ok: false, reason: 'the zip archive spans several disks' };
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    return { ok: false, reason: 'the workbook is a ZIP64 archive, which no spreadsheet of an accepted size needs' };
  }
  if (entryCount > limits.maxZipEntries) return { ok: false, reason: `the workbook holds ${entryCount} parts, more than the ${limits.maxZipEntries} allowed` };
  if (directoryOffset + directorySize > eocd) return { ok: false, reason: 'the zip archive is damaged (its directory points outside the file)' };

  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  let total = 0;
  for (let index = 0; index < entryCount; index++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL_SIGNATURE) return { ok: false, reason: 'the zip archive is damaged (bad directory entry)' };
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > eocd) return { ok: false, reason: 'the zip archive is damaged (bad directory entry)' };
    const entry: ZipEntry = {
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      uncompressedSize: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
      name: new TextDecoder('latin1').decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    };
    total += entry.uncompressedSize;
    if (total > limits.maxUncompressedBytes) {
      return { ok: false, reason: `the workbook would inflate to more than ${Math.round(limits.maxUncompressedBytes / 1024 / 1024)} MB; it is refused` };
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { ok: true, entries };
}

/** Checks one entry's declared sizes against the limits, then inflates it to prove them. */
function verifyEntry(bytes: Uint8Array, entry: ZipEntry, limits: FileLimits): string | undefined {
  const label = entry.name.slice(0, 80);
  if (entry.name.includes('\u0000') || entry.name.startsWith('/') || entry.name.includes('\\') || entry.name.split('/').includes('..')) {
    return `the workbook contains an entry with an unsafe name (${label})`;
  }
  if ((entry.flags & 0x1) !== 0) return 'the workbook is encrypted; save it without a password';
  if (entry.method !== 0 && entry.method !== 8) return `the workbook uses a compression method (${entry.method}) spreadsheets do not use`;
  if (entry.uncompressedSize > 0 && entry.compressedSize === 0) return `the workbook part ${label} declares content but holds none`;
  if (entry.compressedSize > 0 && entry.uncompressedSize / entry.compressedSize > limits.maxCompressionRatio) {
    return `the workbook part ${label} is compressed ${Math.round(entry.uncompressedSize / entry.compressedSize)} to 1, the mark of a zip bomb; it is refused`;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.byteLength || view.getUint32(local, true) !== LOCAL_SIGNATURE) return `the workbook part ${label} is damaged`;
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.byteLength) return `the workbook part ${label} is cut short`;
  const data = bytes.subarray(start, end);
  if (entry.method === 0) return entry.compressedSize === entry.uncompressedSize ? undefined : `the workbook part ${label} is damaged`;
  try {
    // The output can never exceed what the directory declared, so a lying directory cannot blow up memory.
    const inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    return inflated.byteLength === entry.uncompressedSize ? undefined : `the workbook part ${label} does not match its declared size`;
  } catch {
    return `the workbook part ${label} is larger than declared or damaged; it is refused`;
  }
}

/**
 * Whether `bytes` are a safe `.xlsx`: a zip within the limits on entries and inflated size, every
 * entry inflating to exactly its declared size, and the parts a workbook must have.
 */
export function checkZipArchive(bytes: Uint8Array, limits: FileLimits = DEFAULT_FILE_LIMITS): { ok: true } | { ok: false; reason: string } {
  const directory = centralDirectory(bytes, limits);
  if (!directory.ok) return directory;
  for (const entry of directory.entries) {
    const problem = verifyEntry(bytes, entry, limits);
    if (problem !== undefined) return { ok: false, reason: problem };
  }
  const names = new Set(directory.entries.map((entry) => entry.name));
  if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) {
    return { ok: false, reason: 'the zip archive is not an Excel workbook (.xlsx); unzip it and give the files inside' };
  }
  return { ok: true };
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

/** What a file really is, judged by its content, and whether it may be parsed at all. */
export function checkFile(bytes: Uint8Array, limits: FileLimits = DEFAULT_FILE_LIMITS): FileCheck {
  if (bytes.byteLength === 0) return { ok: false, reason: 'the file is empty' };
  if (bytes.byteLength > limits.maxBytes) {
    return { ok: false, reason: `the file is larger than the ${Math.round(limits.maxBytes / 1024 / 1024)} MB allowed` };
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    const zip = checkZipArchive(bytes, limits);
    return zip.ok ? { ok: true, kind: 'xlsx' } : zip;
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return { ok: false, reason: 'this is an old Excel .xls file; save it as .xlsx (Excel Workbook) and try again' };
  }
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return { ok: false, reason: 'this is a PDF, not a data extract' };
  if (!looksLikeText(bytes)) return { ok: false, reason: 'this is neither a spreadsheet, an XML file nor a CSV file' };
  const head = decodeText(bytes.subarray(0, 1024)).replace(/^[\uFEFF\s]+/, '');
  return { ok: true, kind: head.startsWith('<') ? 'xml' : 'text' };
}
