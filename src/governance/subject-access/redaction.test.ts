import { describe, expect, it } from 'vitest';
import { applyRedactions, defaultChoices, findThirdParties, type BundleSection, type Party } from './redaction.ts';

const known: Party[] = [
  { key: 'staff:1', kind: 'staff', name: 'Amara Okafor', foundInText: false },
  { key: 'staff:2', kind: 'staff', name: 'Ben Carter', foundInText: false },
  { key: 'child:subject', kind: 'child', name: 'Lily Example', foundInText: false },
  { key: 'child:other', kind: 'child', name: 'Noah Sample', foundInText: false },
  { key: 'family:f1', kind: 'family', name: 'The parent whose feedback was recorded 3 May 2026', foundInText: false },
];

const sections: BundleSection[] = [
  {
    recordType: 'child',
    title: 'The child',
    records: [{ id: 'c', title: 'Child NB-1', fields: [{ label: 'Name', value: 'Lily Example', identity: true }, { label: 'Worker', value: 'Amara Okafor', person: 'staff:1' }] }],
  },
  {
    recordType: 'action',
    title: 'Actions',
    records: [
      {
        id: 'a',
        title: 'Action A-1',
        fields: [
          { label: 'What', value: 'Ask BEN CARTER about Noah Sample’s visits; Lily Example agreed.', freeText: 'a:what' },
          { label: 'Evidence', value: 'Carterton school confirmed.', freeText: 'a:evidence' },
        ],
      },
    ],
  },
  {
    recordType: 'family-feedback',
    title: 'Feedback',
    records: [{ id: 'f1', title: 'Feedback from the parent', fields: [{ label: 'What they said', value: 'Mum said meetings keep moving.', belongsTo: 'family:f1' }] }],
  },
];

describe('redaction', () => {
  it('finds the people records name and those named only in free text, never the subject', () => {
    const parties = findThirdParties(sections, known, 'child:subject');
    expect(parties.map((p) => [p.key, p.foundInText])).toEqual([
      ['staff:1', false],
      ['family:f1', false],
      ['staff:2', true],
      ['child:other', true],
    ]);
  });

  it('redacts every third party by default, staff included, with a stable label and whole words only', () => {
    const parties = findThirdParties(sections, known, 'child:subject');
    const { sections: out, summary } = applyRedactions(sections, parties, defaultChoices(parties));
    const text = JSON.stringify(out);
    for (const name of ['Amara Okafor', 'Ben Carter', 'BEN CARTER', 'Noah Sample', 'Mum said']) expect(text).not.toContain(name);
    expect(out[0]!.records[0]!.fields).toEqual([
      { label: 'Name', value: 'Lily Example', identity: true },
      { label: 'Worker', value: '[Staff member 1]' },
    ]);
    expect(out[1]!.records[0]!.fields[0]!.value).toBe('Ask [Staff member 2] about [Child 1]’s visits; Lily Example agreed.');
    // "Carter" inside "Carterton" is not a name.
    expect(out[1]!.records[0]!.fields[1]!.value).toBe('Carterton school confirmed.');
    expect(out[2]!.records[0]!.fields[0]!.value).toBe('[Redacted: what Family member 1 said]');
    expect(summary).toEqual({ staffNames: 'redact', partiesRedacted: 4, namesReplaced: 3, fieldsRedacted: 0, familyContributionsRedacted: 1 });
  });

  it('discloses staff when chosen, and redacts a whole free-text field on request', () => {
    const parties = findThirdParties(sections, known, 'child:subject');
    const { sections: out, summary } = applyRedactions(sections, parties, { staffNames: 'disclose', parties: new Set(), fields: new Set(['a:evidence']) });
    expect(out[0]!.records[0]!.fields[1]!.value).toBe('Amara Okafor');
    expect(out[1]!.records[0]!.fields[0]!.value).toContain('Noah Sample');
    expect(out[1]!.records[0]!.fields[1]!.value).toBe('[Redacted: free text that may identify other people]');
    expect(summary.fieldsRedacted).toBe(1);
  });
});
