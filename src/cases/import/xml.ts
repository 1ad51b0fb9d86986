/**
 * Reading the DfE's XML returns safely: no document type declarations (so no entity expansion and
 * no external entities), well-formedness checked first so a broken file is reported with its line
 * and column, and every value kept as text (identifiers keep their leading zeros).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ImportProblem } from '../facts.ts';

export type XmlResult = { ok: true; document: unknown } | { ok: false; problem: ImportProblem };

/** The root element's name (without namespace prefix), read from the start of the text. */
export function xmlRootName(text: string): string | undefined {
  let rest = text.replace(/^\uFEFF/, '').slice(0, 65_536);
  // Skip the declaration, comments, processing instructions and a DOCTYPE before the root.
  for (;;) {
    rest = rest.trimStart();
    const skip = /^(<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)/i.exec(rest);
    if (skip === null) break;
    rest = rest.slice(skip[0].length);
  }
  const root = /^<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]/.exec(rest);
  return root?.[1];
}

export function parseXml(file: string, text: string, repeated: readonly string[]): XmlResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    return {
      ok: false,
      problem: { file, severity: 'error', message: 'the XML declares a document type or entities, which a DfE return never does; it is refused' },
    };
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return {
      ok: false,
      problem: {
        file,
        row: valid.err.line,
        severity: 'error',
        message: `the file is not well-formed XML (line ${valid.err.line}, column ${valid.err.col}): ${valid.err.msg}`,
      },
    };
  }
  const repeatedNames = new Set(repeated);
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    removeNSPrefix: true,
    htmlEntities: false,
    isArray: (name) => repeatedNames.has(name),
  });
  try {
    return { ok: true, document: parser.parse(text) };
  } catch (error) {
    return { ok: false, problem: { file, severity: 'error', message: `the XML cannot be read: ${(error as Error).message}` } };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The child elements called `name` (always a list, whether the XML had none, one or many). */
export function childElements(node: unknown, name: string): unknown[] {
  if (!isRecord(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of the first child element called `name`; empty elements count as absent. */
export function elementText(node: unknown, name: string): string | undefined {
  const [first] = childElements(node, name);
  if (typeof first === 'string') return first.trim() === '' ? undefined : first;
  if (typeof first === 'number' || typeof first === 'boolean') return String(first);
  if (isRecord(first) && typeof first['#text'] === 'string') return first['#text'];
  return undefined;
}
