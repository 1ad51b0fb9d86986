/**
 * The subject access bundle: a ZIP holding one accessible HTML document (readable offline: no
 * scripts, no outside resources, its styles inline) and the same records as JSON. Built in
 * memory on request and sent; never written to disk, so there is no copy to secure or expire.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import nunjucks from 'nunjucks';
import type { BundleSection, RedactionSummary } from './redaction.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Its own environment: the document is not a page of the application and shares nothing with one.
const documents = new nunjucks.Environment(new nunjucks.FileSystemLoader(SRC), { autoescape: true, throwOnUndefined: false });

export interface BundleInput {
  reference: string;
  council: string;
  subjectType: 'child' | 'staff';
  subjectLabel: string;
  producedAt: string;
  sections: BundleSection[];
  redactions: RedactionSummary;
}

export interface Bundle {
  fileName: string;
  zip: Buffer;
  sha256: string;
  counts: Record<string, number>;
}

export function bundleCounts(sections: readonly BundleSection[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of sections) counts[s.recordType] = (counts[s.recordType] ?? 0) + s.records.length;
  return counts;
}

export function renderBundleDocument(input: BundleInput, jsonName: string): string {
  return documents.render('governance/views/bundle-document.njk', { ...input, jsonName });
}

export async function buildBundle(input: BundleInput): Promise<Bundle> {
  const base = `subject-access-${input.reference.toLowerCase()}`;
  const jsonName = `${base}.json`;
  const json = {
    format: 'sightline-subject-access/1',
    reference: input.reference,
    council: input.council,
    subjectType: input.subjectType,
    subject: input.subjectLabel,
    producedAt: input.producedAt,
    redactions: input.redactions,
    sections: input.sections.map((s) => ({ recordType: s.recordType, title: s.title, records: s.records.map((r) => ({ id: r.id, title: r.title, fields: r.fields.map((f) => ({ label: f.label, value: f.value })) })) })),
  };
  const zip = new JSZip();
  zip.file(`${base}.html`, renderBundleDocument(input, jsonName));
  zip.file(jsonName, `${JSON.stringify(json, null, 2)}\n`);
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
  return { fileName: base, zip: bytes, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), counts: bundleCounts(input.sections) };
}
