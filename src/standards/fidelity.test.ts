import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findUnfaithfulTexts, findUnfoundFixes, fixedSeed, normaliseForComparison, textsToVerify } from './fidelity.ts';
import { parseCatalogueFile } from './load.ts';
import type { CatalogueFile, PracticeStandards } from './schema.ts';

describe('normaliseForComparison', () => {
  it('drops HTML tags, joining inline ones to their word and separating block ones', () => {
    expect(normaliseForComparison('<p><b>5.5-</b> the 2<sup>nd</sup> CIN review</p><p>Next</p>')).toBe('5.5- the 2nd CIN review Next');
  });

  it('decodes entities after removing tags, so an escaped tag stays text', () => {
    expect(normaliseForComparison('neglect &amp; housing &lt;b&gt; &#8211; &#x2013;')).toBe('neglect & housing <b> – –');
  });

  it('drops markdown headings, list markers, emphasis and link targets', () => {
    const markdown = '## **Leadership and Governance (LG)**\n\n- 4.1 Leaders *prioritise*\n- See [the procedures](http://example.org/p_1)';
    expect(normaliseForComparison(markdown)).toBe('Leadership and Governance (LG) 4.1 Leaders prioritise See the procedures');
  });

  it('drops bullets left inside table cells and collapses every kind of white space', () => {
    expect(normaliseForComparison('<li>• They are a\tQualified\u00a0Social   Worker.</li>\n\n<li>• Current workload.</li>')).toBe('They are a Qualified Social Worker. Current workload.');
  });

  it('treats curly and straight quotes alike', () => {
    expect(normaliseForComparison('the child’s ‘ongoing’ “plan”')).toBe(normaliseForComparison(`the child's 'ongoing' "plan"`));
  });

  it('keeps the words, hyphens, dashes and letter case', () => {
    expect(normaliseForComparison('Re- referral – Within 24 Hours')).toBe('Re- referral – Within 24 Hours');
  });
});

const seed = [
  '<b>4. CHILD IN NEED PLANNING</b>\t\t',
  '<p><b>4.7- A date is set for a review of the plan and the maximum ‘life’ of a plan is 6 months.</b></p>\t<p>Plans are developed based</p>\t<p>Social Worker</p>',
  '',
  '<b>continued from the row above.</b>\t<ul><li>• Item one.</li> <li>• Item two.</li></ul>\t',
  'the 2 <sup>nd</sup> review, and the 2<sup>nd</sup> review',
].join('\n');

function standards(overrides: Partial<PracticeStandards['sections'][number]['standards'][number]>, fixes: PracticeStandards['fixes'] = []): CatalogueFile {
  return {
    kind: 'practice-standards',
    id: 'test',
    version: 1,
    title: 'Test',
    source: { document: 'seed.txt', citation: 'test' },
    sections: [{ id: '4', title: 'Child in need planning', standards: [{ id: '4.7', title: 'A date is set for a review of the plan', responsible: [], timescales: [], ...overrides }] }],
    fixes,
  };
}

describe('findUnfaithfulTexts', () => {
  it('accepts the seed’s words, titles in any letter case, and a quote with straight quotes', () => {
    const file = standards({
      title: "A date is set for a review of the plan and the maximum 'life' of a plan is 6 months.",
      responsible: ['Social Worker'],
      timescales: [{ id: 't', event: 'cin-review', anchor: 'cin-plan-start', amount: 6, unit: 'months', recurrence: 'within', quote: 'the maximum ‘life’ of a plan is 6 months' }],
    });
    expect(findUnfaithfulTexts(file, seed)).toEqual([]);
  });

  it('reports a changed word with the path and the text', () => {
    const file = standards({ timescales: [{ id: 't', event: 'cin-review', anchor: 'cin-plan-start', amount: 6, unit: 'months', recurrence: 'within', quote: 'the maximum life of a plan is six months' }] });
    expect(findUnfaithfulTexts(file, seed)).toEqual([
      { path: 'sections[0].standards[0].timescales[0].quote', text: 'the maximum life of a plan is six months', message: 'does not occur in the seed' },
    ]);
  });

  it('matches a cell broken across table rows line by line, in order', () => {
    const joined = standards({ title: 'of a plan is 6 months.\ncontinued from the row above.', description: 'Plans are developed based\n\n- Item one.\n- Item two.' });
    expect(findUnfaithfulTexts(joined, seed)).toEqual([]);
    const reordered = standards({ description: '- Item two.\n- Item one.' });
    expect(findUnfaithfulTexts(reordered, seed)).toEqual([
      { path: 'sections[0].standards[0].description', text: '- Item one.', message: 'occurs in the seed, but not after the previous line of this text' },
    ]);
  });

  it('refuses HTML left in a text even where the seed has it', () => {
    const file = standards({ description: 'Plans are <b>developed</b> based' });
    expect(findUnfaithfulTexts(file, seed).map((p) => p.path)).toEqual(['sections[0].standards[0].description']);
  });

  it('allows exactly the listed fixes: the fixed text matches, undamaged uses still match', () => {
    const fix = { original: '2 nd review', corrected: '2nd review', reason: 'space before a superscript' };
    const file = standards({ title: 'the 2nd review, and the 2nd review' }, [fix]);
    expect(findUnfaithfulTexts(file, seed)).toEqual([]);
    expect(findUnfaithfulTexts(standards({ title: 'the 2nd review, and the 2nd review' }), seed)).toHaveLength(1);
  });

  it('lets a fix delete a stray fragment', () => {
    const fix = { original: '<b>continued from the row above.</b>', corrected: '', reason: 'stray fragment' };
    expect(fixedSeed(seed, [fix])).not.toContain('continued');
    const file = standards({ title: 'Social Worker Item one.' }, [fix]);
    expect(findUnfaithfulTexts(file, seed)).toEqual([]);
  });
});

describe('findUnfoundFixes', () => {
  it('reports a fix whose original is not in the seed', () => {
    const file = standards({}, [
      { original: '2 nd review', corrected: '2nd review', reason: 'real damage' },
      { original: 'revew', corrected: 'review', reason: 'imagined damage' },
    ]);
    expect(findUnfoundFixes(file, seed)).toEqual([{ path: 'fixes[1].original', text: 'revew', message: 'does not occur in the seed' }]);
  });
});

describe('textsToVerify', () => {
  it('takes titles, descriptions, roles and timescale quotes from practice standards, and nothing authored', () => {
    const file = standards({
      description: 'Plans are developed based',
      responsible: ['Social Worker'],
      timescales: [{ id: 't', event: 'cin-review', anchor: 'cin-plan-start', amount: 6, unit: 'months', recurrence: 'within', condition: 'our own words', quote: 'is 6 months' }],
    });
    expect(textsToVerify(file).map((t) => [t.path, t.match])).toEqual([
      ['sections[0].title', 'ignore-case'],
      ['sections[0].standards[0].title', 'exact'],
      ['sections[0].standards[0].description', 'exact'],
      ['sections[0].standards[0].responsible[0]', 'exact'],
      ['sections[0].standards[0].timescales[0].quote', 'exact'],
    ]);
  });
});

// The fidelity tests proper: every catalogue file that names a seed, against that seed.
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const seedsDir = path.resolve(repoRoot, '../shared/seeds');
const standardsDir = path.join(repoRoot, 'standards');
const catalogueFiles = existsSync(standardsDir)
  ? readdirSync(standardsDir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.yaml'))
      .sort()
  : [];

function load(name: string): CatalogueFile {
  return parseCatalogueFile(readFileSync(path.join(standardsDir, name), 'utf8'), `standards/${name}`);
}

function documentOf(name: string): string | undefined {
  try {
    const file = load(name);
    return 'source' in file ? file.source.document : undefined;
  } catch {
    return 'unreadable'; // reported by the test below, which parses it again
  }
}

const seeded = catalogueFiles.filter((name) => documentOf(name) !== undefined);

function report(name: string, problems: { path: string; text: string; message: string }[]): string {
  return problems.map((p) => `standards/${name} ${p.path}: ${p.message}: "${p.text}"`).join('\n');
}

function seedFor(file: CatalogueFile): string {
  const document = 'source' in file ? file.source.document : undefined;
  if (!document || path.basename(document) !== document) throw new Error(`source.document must be a file name in ../shared/seeds, found "${document}"`);
  const seedPath = path.join(seedsDir, document);
  if (!existsSync(seedPath)) throw new Error(`source.document names ${document}, which is not in ${seedsDir}`);
  return readFileSync(seedPath, 'utf8');
}

describe('the catalogue is faithful to the seed documents', () => {
  if (!existsSync(seedsDir)) {
    if (process.env.CI === 'true') {
      it('has the seed documents (required under CI)', () => {
        throw new Error(`seed documents not found at ${seedsDir}: the fidelity tests cannot run, and under CI they must`);
      });
    } else {
      it.skip(`skipped: seed documents not found at ${seedsDir}`, () => undefined);
    }
    return;
  }

  it('finds catalogue files that name a seed', () => {
    expect(seeded.length).toBeGreaterThan(0);
  });

  it.each(seeded)('%s: every descriptor, indicator, standard, measure and quote is the seed’s wording', (name) => {
    const file = load(name);
    const problems = findUnfaithfulTexts(file, seedFor(file));
    expect(problems, report(name, problems)).toEqual([]);
    expect(textsToVerify(file).length).toBeGreaterThan(0);
  });

  it.each(seeded)('%s: every listed fix repairs damage that is in the seed', (name) => {
    const file = load(name);
    const problems = findUnfoundFixes(file, seedFor(file));
    expect(problems, report(name, problems)).toEqual([]);
  });
});
