import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CatalogueError, loadCatalogue, parseCatalogueFile, serialiseCatalogueFile } from './load.ts';
import type { CatalogueProblem } from './load.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function problemsOf(run: () => unknown): readonly CatalogueProblem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof CatalogueError) return error.problems;
    throw error;
  }
  throw new Error('expected a CatalogueError');
}

async function problemsOfAsync(run: () => Promise<unknown>): Promise<readonly CatalogueProblem[]> {
  try {
    await run();
  } catch (error) {
    if (error instanceof CatalogueError) return error.problems;
    throw error;
  }
  throw new Error('expected a CatalogueError');
}

const auditTool = (areas: string) => `kind: audit-tool
id: test-tool
version: 1
title: Test tool
style: graded-criteria
source:
  citation: Written for this test
scale:
  id: ofsted
  grades:
    - { id: good, label: Good, code: G, rank: 1 }
    - { id: inadequate, label: Inadequate, code: I, rank: 2 }
judgement:
  type: professional
  description: The auditor decides.
  proposal: lowest-area-grade
areas:
${areas}`;

const practiceStandards = (id: string, timescaleId: string) => `kind: practice-standards
id: ${id}
version: 1
title: Standards for this test
source:
  citation: Written for this test
sections:
  - id: "13"
    title: Child protection
    standards:
      - id: "13.3"
        title: The conference is held on time.
        responsible: [Manager]
        timescales:
          - id: ${timescaleId}
            event: icpc
            anchor: strategy-discussion
            amount: 15
            unit: working-days
            quote: within 15 working days
`;

describe('parseCatalogueFile', () => {
  it('accepts a valid file and fills in the defaults', () => {
    const file = parseCatalogueFile(practiceStandards('ps', 'ps-13.3-icpc'), 'ps.yaml');
    expect(file.kind).toBe('practice-standards');
    if (file.kind !== 'practice-standards') return;
    expect(file.fixes).toEqual([]);
    expect(file.sections[0]?.standards[0]?.timescales[0]?.recurrence).toBe('within');
  });

  it('lists every schema problem with the file, the path inside it and the line', () => {
    const text = auditTool(`  - id: "1"
    title: ""
    criteria:
      - id: "1.1"
        descriptors:
          good: []
  - id: "2"
    title: Case recording
    appliesTo: [cin, teenagers]
    criteria:
      - title: No id here
        descriptors:
          good: [Records are up to date.]
`);
    const problems = problemsOf(() => parseCatalogueFile(text, 'standards/broken.yaml'));
    const byPath = new Map(problems.map((p) => [p.path, p]));
    expect(problems.every((p) => p.file === 'standards/broken.yaml')).toBe(true);
    expect(byPath.get('areas[0].title')?.message).toBe('must not be empty');
    expect(byPath.get('areas[0].criteria[0].descriptors.good')?.message).toMatch(/>=1|at least|too small/i);
    expect(byPath.get('areas[1].appliesTo[1]')?.message).toMatch(/teenagers/);
    expect(byPath.get('areas[1].criteria[0].id')?.message).toBe('is required (expected string)');
    expect(problems).toHaveLength(4);
    // A missing field is reported where its parent object starts in the file.
    expect(byPath.get('areas[1].criteria[0].id')).toMatchObject({ line: 28 });
    expect(byPath.get('areas[0].title')).toMatchObject({ line: 19, column: 12 });
  });

  it('puts the file, the path and the reason in the error message itself', () => {
    const text = auditTool(`  - id: "1"
    title: Strategy discussion
    criteria:
      - id: "1.1"
        descriptors:
          outstanding: [Not a grade on this scale.]
`);
    expect(() => parseCatalogueFile(text, 'tool.yaml')).toThrow(/tool\.yaml:\d+:\d+ areas\[0\]\.criteria\[0\]\.descriptors\.outstanding: "outstanding" is not a grade on scale ofsted/);
  });

  it('names the allowed kinds when the kind is wrong', () => {
    const [problem, ...rest] = problemsOf(() => parseCatalogueFile('kind: audit\nid: x\n', 'x.yaml'));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: 'x.yaml', path: 'kind', line: 1 });
    expect(problem?.message).toContain('"audit-tool"');
    expect(problem?.message).toContain('found "audit"');
  });

  it('gives the line and column of YAML syntax errors', () => {
    const problems = problemsOf(() => parseCatalogueFile('kind: guidance\nid: x\nsections: [a, b\ntitle: t\n', 'bad-syntax.yaml'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: 'bad-syntax.yaml', line: expect.any(Number), column: expect.any(Number) });
    expect(problems[0]?.message).not.toContain('\n');
  });

  it('refuses duplicate keys in a mapping rather than keeping the last one', () => {
    const problems = problemsOf(() => parseCatalogueFile('kind: guidance\nid: a\nid: b\n', 'dup.yaml'));
    expect(problems[0]).toMatchObject({ file: 'dup.yaml', line: 3 });
  });

  it('refuses a misspelt field instead of silently dropping its content', () => {
    const text = practiceStandards('ps', 'ps-13.3-icpc').replace('        responsible: [Manager]', '        responsible: [Manager]\n        descripton: Lost words.');
    const problems = problemsOf(() => parseCatalogueFile(text, 'ps.yaml'));
    expect(problems).toEqual([
      { file: 'ps.yaml', path: 'sections[0].standards[0].descripton', line: 14, column: expect.any(Number), message: expect.stringContaining('unknown field "descripton"') },
    ]);
  });

  it('refuses an empty file', () => {
    expect(problemsOf(() => parseCatalogueFile('# only a comment\n', 'empty.yaml'))).toEqual([{ file: 'empty.yaml', path: '', message: 'the file is empty' }]);
  });
});

describe('loadCatalogue', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  async function folder(files: Record<string, string>): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), 'catalogue-'));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
    return dir;
  }

  it('reads every yaml file in sub-folders, in path order, with lookups by id', async () => {
    const root = await folder({
      'b/second.yaml': practiceStandards('second', 'second-13.3-icpc'),
      'a/deeper/first.yaml': practiceStandards('first', 'first-13.3-icpc'),
      'notes.txt': 'not part of the catalogue',
    });
    const catalogue = await loadCatalogue(root);
    expect(catalogue.files.map((f) => f.path)).toEqual(['a/deeper/first.yaml', 'b/second.yaml']);
    expect(catalogue.byId.get('second')?.path).toBe('b/second.yaml');
    expect(catalogue.timescales.get('first-13.3-icpc')).toMatchObject({ catalogue: 'first', standard: { id: '13.3' }, timescale: { amount: 15 } });
  });

  it('collects the problems of every broken file before refusing', async () => {
    const root = await folder({
      'one.yaml': 'kind: [unclosed\n',
      'two.yaml': practiceStandards('two', 'two-13.3-icpc').replace('amount: 15', 'amount: -15'),
      'three.yaml': practiceStandards('three', 'three-13.3-icpc'),
    });
    const problems = await problemsOfAsync(() => loadCatalogue(root));
    expect(problems.map((p) => path.basename(p.file))).toEqual(['one.yaml', 'two.yaml']);
    expect(problems[1]?.path).toBe('sections[0].standards[0].timescales[0].amount');
  });

  it('refuses two files with the same id, naming both', async () => {
    const root = await folder({ 'a.yaml': practiceStandards('same', 'a-13.3-icpc'), 'b.yaml': practiceStandards('same', 'b-13.3-icpc') });
    const problems = await problemsOfAsync(() => loadCatalogue(root));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: path.join(root, 'b.yaml'), path: 'id' });
    expect(problems[0]?.message).toContain(path.join(root, 'a.yaml'));
  });

  it('refuses a timescale id used twice across the catalogue', async () => {
    const root = await folder({ 'a.yaml': practiceStandards('a', 'shared-id'), 'b.yaml': practiceStandards('b', 'shared-id') });
    const problems = await problemsOfAsync(() => loadCatalogue(root));
    expect(problems).toEqual([
      expect.objectContaining({ file: path.join(root, 'b.yaml'), path: 'sections[0].standards[0].timescales[0].id', message: expect.stringContaining('duplicate timescale id "shared-id"') }),
    ]);
  });

  it('refuses a standard id used twice in one file', async () => {
    const text = practiceStandards('a', 'a-13.3-icpc') + `      - id: "13.3"\n        title: Again.\n`;
    const problems = await problemsOfAsync(async () => loadCatalogue(await folder({ 'a.yaml': text })));
    expect(problems).toEqual([expect.objectContaining({ path: 'sections[0].standards[1].id', message: 'duplicate standard id "13.3"' })]);
  });

  it('refuses a folder with no catalogue files', async () => {
    const root = await folder({ 'readme.md': '# nothing here' });
    await expect(loadCatalogue(root)).rejects.toThrow(/no \.yaml catalogue files/);
  });
});

describe('the built-in catalogue', () => {
  const root = path.join(repoRoot, 'standards');
  const names = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.yaml'))
    .sort();

  it('loads (every file valid, ids unique), and load → export → parse gives the same catalogue', async () => {
    const catalogue = await loadCatalogue(root);
    expect(catalogue.files.map((f) => f.path)).toEqual(names.map((name) => name.split(path.sep).join('/')));
    for (const { path: name, file } of catalogue.files) {
      expect(parseCatalogueFile(serialiseCatalogueFile(file), `exported ${name}`), name).toEqual(file);
    }
  });

  it.each(names)('round-trips %s: parse, export, parse gives the same data', (name) => {
    const file = parseCatalogueFile(readFileSync(path.join(root, name), 'utf8'), name);
    const again = parseCatalogueFile(serialiseCatalogueFile(file), `exported ${name}`);
    expect(again).toEqual(file);
  });
});
