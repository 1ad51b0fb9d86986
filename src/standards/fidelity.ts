/**
 * Fidelity of the catalogue to its source documents: every descriptor, indicator, standard,
 * timescale quote and outcome measure must be the seed's own words. An auditor grades against
 * these texts, so a paraphrase, however well meant, changes the tool.
 *
 * The comparison ignores what the conversion to text added (HTML tags and entities, markdown
 * emphasis, headings and list markers, line breaks and runs of spaces) and nothing else, except
 * quote marks: curly and straight quotes are treated as the same character. The seeds mix them
 * within one document (seed 004 prints both "child's" and "child’s"), the choice carries no
 * meaning, and editors silently convert one to the other; a check that failed on it would teach
 * transcribers to ignore the check.
 *
 * Conventions the catalogue files follow:
 * - A text is compared line by line, and its lines must occur in the seed in the same order. A
 *   table cell that the conversion broke across two rows (with other columns' text in between) is
 *   transcribed with a line break where the seed breaks it; a list is one item per line.
 * - `fixes` repair conversion damage. They are applied to the seed (original → corrected) before
 *   comparing, so a fixed text matches and any other difference still fails. Applying them to
 *   the seed rather than undoing them in the catalogue text keeps a fix from spoiling a text that
 *   contains the corrected words undamaged elsewhere in the seed, and lets a fix delete a stray
 *   fragment (an empty `corrected`).
 */
import type { CatalogueFile } from './schema.ts';

type Fix = { original: string; corrected: string; reason: string };

/** A text in a catalogue file that must come from the seed, and where it sits in the file. */
export interface SeedText {
  /** Path inside the file, e.g. `sections[3].standards[2].timescales[0].quote`. */
  path: string;
  text: string;
  /** Titles are printed in capitals in some seeds and in sentence case in the catalogue. */
  match: 'exact' | 'ignore-case';
}

export interface FidelityProblem {
  path: string;
  text: string;
  message: string;
}

// Inline elements sit inside words ("2<sup>nd</sup>"); block elements separate them.
const INLINE_TAGS = new Set(['a', 'b', 'strong', 'i', 'em', 'u', 'sup', 'sub', 'span', 'font', 's', 'strike', 'small', 'code', 'mark']);
const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function stripMarkdownLine(line: string): string {
  return line
    .replace(/^\s*#{1,6}\s+/, '') // heading
    .replace(/^\s*(?:[-*+]\s+)+/, '') // bullet list marker (possibly nested)
    .replace(/^\s*>\s?/, ''); // block quote
}

/** The seed's words without the conversion's markup, for comparing texts. */
export function normaliseForComparison(text: string): string {
  const lines = text
    .replace(TAG, (_tag, name: string) => (INLINE_TAGS.has(name.toLowerCase()) ? '' : ' '))
    .split(/\r?\n/)
    .map(stripMarkdownLine)
    .join('\n');
  return decodeEntities(lines)
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // markdown link or image: keep the text
    .replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1') // markdown escapes
    .replace(/\*+|_{2,}/g, '') // emphasis markers (and the odd footnote asterisk, on both sides)
    .replace(/[•▪●◦■□✓✔]/g, ' ') // bullets and ticks the conversion left inside table cells
    .replace(/[‘’‚‛′]/g, "'")
    .replace(/[“”„‟″]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every text in a file that is the seed's wording, by the kind of file. */
export function textsToVerify(file: CatalogueFile): SeedText[] {
  const out: SeedText[] = [];
  const exact = (path: string, text: string | undefined) => {
    if (text !== undefined) out.push({ path, text, match: 'exact' });
  };
  const title = (path: string, text: string | undefined) => {
    if (text !== undefined) out.push({ path, text, match: 'ignore-case' });
  };
  const descriptors = (path: string, d: Record<string, string[]> | undefined) => {
    for (const [grade, items] of Object.entries(d ?? {})) items.forEach((item, i) => exact(`${path}.${grade}[${i}]`, item));
  };

  switch (file.kind) {
    case 'audit-tool':
      file.scale.grades.forEach((g, i) => title(`scale.grades[${i}].label`, g.label));
      file.areas.forEach((area, a) => {
        const at = `areas[${a}]`;
        title(`${at}.title`, area.title);
        exact(`${at}.description`, area.description);
        descriptors(`${at}.descriptors`, area.descriptors);
        area.criteria.forEach((c, i) => {
          title(`${at}.criteria[${i}].title`, c.title);
          descriptors(`${at}.criteria[${i}].descriptors`, c.descriptors);
        });
        area.keyDocuments?.forEach((doc, i) => exact(`${at}.keyDocuments[${i}]`, doc));
      });
      break;
    case 'outcome-measures':
      file.groups.forEach((group, g) => {
        title(`groups[${g}].title`, group.title);
        group.measures.forEach((m, i) => exact(`groups[${g}].measures[${i}].text`, m.text));
      });
      break;
    case 'practice-standards':
      file.sections.forEach((section, s) => {
        title(`sections[${s}].title`, section.title);
        exact(`sections[${s}].intro`, section.intro);
        section.standards.forEach((standard, i) => {
          const at = `sections[${s}].standards[${i}]`;
          exact(`${at}.title`, standard.title);
          exact(`${at}.description`, standard.description);
          standard.responsible.forEach((role, r) => exact(`${at}.responsible[${r}]`, role));
        });
      });
      break;
    case 'guidance':
      file.sections.forEach((section, s) => {
        title(`sections[${s}].title`, section.title);
        section.items.forEach((item, i) => {
          title(`sections[${s}].items[${i}].label`, item.label);
          exact(`sections[${s}].items[${i}].text`, item.text);
        });
      });
      break;
    case 'grade-scaling':
      exact('description', file.description);
      file.bands.forEach((band, b) => {
        title(`bands[${b}].grade`, band.grade);
        exact(`bands[${b}].description`, band.description);
      });
      break;
    case 'qa-framework':
      file.activities.forEach((activity, i) => {
        title(`activities[${i}].title`, activity.title);
        for (const key of ['description', 'who', 'frequency', 'reportsTo'] as const) exact(`activities[${i}].${key}`, activity[key]);
      });
      if (file.auditProcess) {
        title('auditProcess.title', file.auditProcess.title);
        file.auditProcess.stages.forEach((stage, s) => {
          title(`auditProcess.stages[${s}].title`, stage.title);
          stage.guidance.forEach((g, i) => exact(`auditProcess.stages[${s}].guidance[${i}]`, g));
        });
      }
      file.reportingLines.forEach((line, i) => exact(`reportingLines[${i}].to`, line.to));
      break;
    case 'mapping':
      break; // the mapping is our reasoning, not a transcription
  }
  // By the schema's convention a field named `quote` holds the source's words, wherever it is.
  collectQuotes(file, '', out);
  return out;
}

function collectQuotes(value: unknown, path: string, out: SeedText[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectQuotes(item, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (key === 'quote' && typeof child === 'string') out.push({ path: at, text: child, match: 'exact' });
      else collectQuotes(child, at, out);
    }
  }
}

/** The normalised seed with the file's fixes applied, ready for `findUnfaithfulTexts`. */
export function fixedSeed(seed: string, fixes: readonly Fix[]): string {
  let text = normaliseForComparison(seed);
  for (const fix of fixes) {
    const original = normaliseForComparison(fix.original);
    if (original) text = text.split(original).join(normaliseForComparison(fix.corrected));
  }
  // A deletion can leave two spaces where the fragment was.
  return text.replace(/ {2,}/g, ' ');
}

/** Texts of the file that are not in the seed (with its fixes applied), each with why. */
export function findUnfaithfulTexts(file: CatalogueFile, seed: string): FidelityProblem[] {
  const fixes = 'fixes' in file ? file.fixes : [];
  const source = fixedSeed(seed, fixes);
  const lowerSource = source.toLowerCase();
  const problems: FidelityProblem[] = [];
  for (const { path, text, match } of textsToVerify(file)) {
    if (/<\/?[a-zA-Z][^<>]*>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i.test(text)) {
      problems.push({ path, text, message: 'contains HTML markup or an entity: strip it (it is not part of the wording)' });
      continue;
    }
    const haystack = match === 'exact' ? source : lowerSource;
    let from = 0;
    for (const rawLine of text.split('\n')) {
      let line = normaliseForComparison(rawLine);
      if (!line) continue;
      if (match === 'ignore-case') line = line.toLowerCase();
      const at = haystack.indexOf(line, from);
      if (at < 0) {
        const elsewhere = haystack.includes(line);
        problems.push({ path, text: rawLine.trim(), message: elsewhere ? 'occurs in the seed, but not after the previous line of this text' : 'does not occur in the seed' });
        break;
      }
      from = at + line.length;
    }
  }
  return problems;
}

/** Fixes whose `original` is not in the seed: a fix for damage that is not there is a mistake. */
export function findUnfoundFixes(file: CatalogueFile, seed: string): FidelityProblem[] {
  if (!('fixes' in file)) return [];
  const source = normaliseForComparison(seed);
  const problems: FidelityProblem[] = [];
  file.fixes.forEach((fix, i) => {
    const original = normaliseForComparison(fix.original);
    if (!original) problems.push({ path: `fixes[${i}].original`, text: fix.original, message: 'is empty: a fix must name the damaged text' });
    else if (!source.includes(original)) problems.push({ path: `fixes[${i}].original`, text: fix.original, message: 'does not occur in the seed' });
  });
  return problems;
}
