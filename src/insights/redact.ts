/**
 * Words quoted from audits and families on aggregate pages (what families said, theme notes) are
 * free text: someone may have written a child's name, reference or date of birth into them.
 * Aggregate pages never identify a child, so before a quote is shown
 * - the audited child's own name (in full and each part), reference and date of birth are
 *   replaced, the child's record being known for every quote;
 * - anything shaped like a case reference (letters, a hyphen, digits: "NB-Q042"; or five or more
 *   digits) or a full date is replaced too, since a quote may name a sibling's reference or date.
 * A sibling's name cannot be told from any other word, so it is not caught: notes written for
 * stage 3 are read across cases and should not name children (docs/DECISIONS.md).
 */

export interface ChildIdentifiers {
  name: string | null;
  dateOfBirth: string | null;
  childRef: string | null;
}

export const CHILD = '[the child]';
export const DATE_OF_BIRTH = '[date of birth]';
export const REFERENCE = '[reference]';
export const DATE = '[date]';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The ways a date of birth is commonly written in case notes. */
function datePatterns(iso: string): RegExp[] {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return [];
  const [, y, m, d] = match as unknown as [string, string, string, string];
  const day = String(Number(d));
  const month = String(Number(m));
  const monthName = MONTHS[Number(m) - 1]!;
  const short = monthName.slice(0, 3);
  const ordinal = `${day}(?:st|nd|rd|th)?`;
  const sep = '[/.\\-]';
  return [
    new RegExp(`\\b${y}-${m}-${d}\\b`, 'g'),
    new RegExp(`\\b0?${day}${sep}0?${month}${sep}(?:${y}|${y.slice(2)})\\b`, 'g'),
    new RegExp(`\\b${ordinal}\\s+(?:${monthName}|${short}\\.?)\\s+${y}\\b`, 'gi'),
    new RegExp(`\\b(?:${monthName}|${short}\\.?)\\s+${ordinal},?\\s+${y}\\b`, 'gi'),
  ];
}

const MONTH_WORDS = `(?:${MONTHS.join('|')}|${MONTHS.map((m) => m.slice(0, 3)).join('|')})\\.?`;
const ANY_DATE = [
  /\b\d{4}-\d{2}-\d{2}\b/g,
  /\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b/g,
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH_WORDS}\\s+\\d{4}\\b`, 'gi'),
  new RegExp(`\\b${MONTH_WORDS}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}\\b`, 'gi'),
];

/**
 * Replaces the child's reference, name (in full, and each part of it written with its capital,
 * so "Will" the name goes but "will" the verb stays) and date of birth.
 */
export function redactChild(text: string, child: ChildIdentifiers): string {
  let out = text;
  if (child.dateOfBirth) for (const pattern of datePatterns(child.dateOfBirth)) out = out.replace(pattern, DATE_OF_BIRTH);
  if (child.childRef && child.childRef.trim()) out = out.replace(new RegExp(`(?<![\\w-])${escapeRegExp(child.childRef.trim())}(?![\\w-])`, 'gi'), CHILD);
  out = out.replace(/\b[A-Z]{1,5}-[A-Z]{0,2}\d{3,}\b|\b\d{5,}\b/g, REFERENCE);
  for (const pattern of ANY_DATE) out = out.replace(pattern, DATE);
  const name = child.name?.trim();
  if (name) {
    out = out.replace(new RegExp(`\\b${escapeRegExp(name).replace(/\s+/g, '\\s+')}\\b`, 'gi'), CHILD);
    // Whole words first ("Ashdown-Pryce"), then the halves of a double-barrelled name.
    const words = name.split(/\s+/);
    const parts = [...new Set([...words, ...words.flatMap((w) => w.split('-'))])].filter((p) => p.length >= 2).sort((a, b) => b.length - a.length);
    for (const part of parts) {
      const capitalised = part[0]!.toUpperCase() + part.slice(1);
      out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])(?:${escapeRegExp(capitalised)}|${escapeRegExp(part.toUpperCase())})(?![\\p{L}\\p{N}])`, 'gu'), CHILD);
    }
  }
  // "[the child] [the child]" from a first name and surname replaced one after the other.
  return out.replace(/\[the child\](?:[\s-]+\[the child\])+/g, CHILD);
}
