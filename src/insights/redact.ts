/**
 * Words quoted from audits and families on aggregate pages (what families said, theme notes) are
 * free text: someone may have written the child's name, reference or date of birth into them.
 * Aggregate pages never identify a child, so before a quote is shown the child's own identifiers
 * are replaced. The child's record is known for every quote, so this replaces exactly those, not
 * every capitalised word.
 */

export interface ChildIdentifiers {
  name: string | null;
  dateOfBirth: string | null;
  childRef: string | null;
}

export const CHILD = '[the child]';
export const DATE_OF_BIRTH = '[date of birth]';

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

/**
 * Replaces the child's reference, name (in full, and each part of it written with its capital,
 * so "Will" the name goes but "will" the verb stays) and date of birth.
 */
export function redactChild(text: string, child: ChildIdentifiers): string {
  let out = text;
  if (child.dateOfBirth) for (const pattern of datePatterns(child.dateOfBirth)) out = out.replace(pattern, DATE_OF_BIRTH);
  if (child.childRef && child.childRef.trim()) out = out.replace(new RegExp(`(?<![\\w-])${escapeRegExp(child.childRef.trim())}(?![\\w-])`, 'gi'), CHILD);
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
