/**
 * The redaction step of a subject access request, as pure functions over the gathered records.
 *
 * Third parties are found two ways: structurally (the people a record names: staff who wrote or
 * own it, family members whose words feedback records, other children) and by looking for the
 * names of everyone Sightline knows (staff and children) inside free text. The officer chooses
 * which to redact; by default every third party is, staff included (the officer may disclose
 * staff named in their professional capacity). A redacted person becomes a stable label
 * ("Staff member 2") everywhere: in their own fields and wherever their name appears in text.
 * Whole free-text fields can be redacted too, for what no name search can find.
 */

export type PartyKind = 'staff' | 'family' | 'child';

export interface Party {
  /** 'staff:<user id>', 'staff-name:<name as an extract gives it>', 'family:<feedback id>', 'child:<child id>'. */
  key: string;
  kind: PartyKind;
  /** The name to find and replace; for a family member, a description (Sightline holds no family names). */
  name: string;
  /** Found only inside free text, not named by a record. */
  foundInText: boolean;
}

/**
 * One value in the bundle. `person`: the value is that party's name. `belongsTo`: the value is
 * that party's own personal data (a parent's words). `freeText`: typed by someone, and may
 * mention anyone. `identity`: the subject's own identifying details, never altered.
 */
export interface BundleField {
  label: string;
  value: string;
  person?: string;
  belongsTo?: string;
  freeText?: string;
  identity?: boolean;
}

export interface BundleRecord {
  id: string;
  title: string;
  fields: BundleField[];
}

export interface BundleSection {
  /** The record type, for the counts kept when the bundle is produced. */
  recordType: string;
  title: string;
  records: BundleRecord[];
}

export interface RedactionChoices {
  /** Staff named in their professional capacity: redacted by default. */
  staffNames: 'redact' | 'disclose';
  /** Party keys (other than staff) to redact. */
  parties: ReadonlySet<string>;
  /** Free-text field keys to redact whole. */
  fields: ReadonlySet<string>;
}

export interface RedactionSummary {
  staffNames: 'redact' | 'disclose';
  partiesRedacted: number;
  namesReplaced: number;
  fieldsRedacted: number;
  familyContributionsRedacted: number;
}

const PLACEHOLDER = { staff: 'Staff member', family: 'Family member', child: 'Child' } as const;

/** Every party in the sections, in order of first appearance, and those the known names reveal in free text. */
export function findThirdParties(sections: readonly BundleSection[], known: readonly Party[], subjectKey: string | null): Party[] {
  const found = new Map<string, Party>();
  const byKey = new Map(known.map((p) => [p.key, p]));
  const add = (party: Party | undefined) => {
    if (party && party.key !== subjectKey && !found.has(party.key)) found.set(party.key, party);
  };
  const texts: string[] = [];
  for (const section of sections)
    for (const record of section.records)
      for (const field of record.fields) {
        if (field.person) add(byKey.get(field.person));
        if (field.belongsTo) add(byKey.get(field.belongsTo));
        if (!field.identity && !field.person && !field.belongsTo) texts.push(field.value.toLowerCase());
      }
  const haystack = texts.join('\n');
  for (const party of known) {
    if (found.has(party.key) || party.kind === 'family' || party.name.trim().length < 3) continue;
    if (haystack.includes(party.name.toLowerCase())) add({ ...party, foundInText: true });
  }
  return [...found.values()];
}

/** The officer's starting point: every third party redacted, staff included, no whole field. */
export function defaultChoices(parties: readonly Party[]): RedactionChoices {
  return { staffNames: 'redact', parties: new Set(parties.filter((p) => p.kind !== 'staff').map((p) => p.key)), fields: new Set() };
}

function isRedacted(party: Party, choices: RedactionChoices): boolean {
  return party.kind === 'staff' ? choices.staffNames === 'redact' : choices.parties.has(party.key);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The labels each redacted party gets: numbered per kind, in the order the parties were found. */
export function partyLabels(parties: readonly Party[]): Map<string, string> {
  const next = { staff: 0, family: 0, child: 0 };
  return new Map(parties.map((p) => [p.key, `${PLACEHOLDER[p.kind]} ${(next[p.kind] += 1)}`]));
}

/** The sections with the choices applied, and what was done, in counts. */
export function applyRedactions(
  sections: readonly BundleSection[],
  parties: readonly Party[],
  choices: RedactionChoices,
): { sections: BundleSection[]; summary: RedactionSummary } {
  const labels = partyLabels(parties);
  const redacted = parties.filter((p) => isRedacted(p, choices));
  const redactedKeys = new Set(redacted.map((p) => p.key));
  // Longest names first, so "Ann Marie Smith" is replaced before "Ann Marie".
  const patterns = redacted
    .filter((p) => p.kind !== 'family' && p.name.trim().length >= 3)
    .sort((a, b) => b.name.length - a.name.length)
    .map((p) => ({ pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(p.name.trim())}(?![\\p{L}\\p{N}])`, 'giu'), label: `[${labels.get(p.key)}]` }));
  const summary: RedactionSummary = { staffNames: choices.staffNames, partiesRedacted: redacted.length, namesReplaced: 0, fieldsRedacted: 0, familyContributionsRedacted: 0 };

  const redactText = (text: string) => {
    let out = text;
    for (const { pattern, label } of patterns)
      out = out.replace(pattern, () => {
        summary.namesReplaced += 1;
        return label;
      });
    return out;
  };

  const out = sections.map((section) => ({
    ...section,
    records: section.records.map((record) => ({
      ...record,
      title: redactText(record.title),
      fields: record.fields.map((field): BundleField => {
        if (field.identity) return field;
        if (field.person && redactedKeys.has(field.person)) {
          summary.namesReplaced += 1;
          return { label: field.label, value: `[${labels.get(field.person)}]` };
        }
        if (field.belongsTo && redactedKeys.has(field.belongsTo)) {
          summary.familyContributionsRedacted += 1;
          return { label: field.label, value: `[Redacted: what ${labels.get(field.belongsTo)} said]` };
        }
        if (field.freeText && choices.fields.has(field.freeText)) {
          summary.fieldsRedacted += 1;
          return { label: field.label, value: '[Redacted: free text that may identify other people]' };
        }
        const { label, value } = field;
        return { label, value: field.person ? value : redactText(value) };
      }),
    })),
  }));
  return { sections: out, summary };
}
