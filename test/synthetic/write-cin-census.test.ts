import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { generateCouncil } from './council.ts';
import type { InjectedFault } from './mess.ts';
import { writeCinCensus } from './write-cin-census.ts';

const council = generateCouncil({ seed: 3, children: 4000, asOf: '2026-03-31' });
const xml = writeCinCensus(council, 2026);

/** An element tree in document order: each node is { tag: [children…] } or a text node. */
type Node = Record<string, unknown>;
const ordered = new XMLParser({ preserveOrder: true, parseTagValue: false, trimValues: true });
const tagOf = (node: Node): string => Object.keys(node).find((k) => k !== ':@') ?? '';
const childrenOf = (node: Node): Node[] => (node[tagOf(node)] as Node[] | undefined) ?? [];
const elements = (nodes: Node[]): Node[] => nodes.filter((n) => tagOf(n) !== '#text');
const textOf = (node: Node): string => String((childrenOf(node)[0] as Record<string, unknown> | undefined)?.['#text'] ?? '');
function find(nodes: Node[], path: string[]): Node[] {
  if (path.length === 0) return nodes;
  const [head, ...rest] = path;
  return find(
    nodes.filter((n) => tagOf(n) === head).flatMap((n) => (rest.length === 0 ? [n] : childrenOf(n))),
    rest,
  );
}

const ours = ordered.parse(xml) as Node[];
const sample = ordered.parse(readFileSync('/work/shared/reference-data/csc-validator-be-cin/CIN_Census_2026.xml', 'utf8')) as Node[];
const ourChildren = find(ours, ['Message', 'Children', 'Child']);
const sampleChild = find(sample, ['Message', 'Children', 'Child'])[0] as Node;

/** The order in which the sample child lists the elements of a block. */
function sampleOrder(path: string[]): string[] {
  const block = find([sampleChild], ['Child', ...path])[0];
  return block ? elements(childrenOf(block)).map(tagOf) : [];
}

function expectFollowsOrder(block: Node, order: string[]): void {
  const tags = elements(childrenOf(block)).map(tagOf);
  for (const tag of tags) expect(order, `${tagOf(block)} has ${tag}`).toContain(tag);
  const positions = tags.map((t) => order.indexOf(t));
  expect(positions, `${tagOf(block)}: ${tags.join(',')}`).toEqual([...positions].sort((a, b) => a - b));
}

function weekdaysAfter(iso: string, n: number): string {
  let t = Date.parse(`${iso}T00:00:00Z`);
  for (let left = n; left > 0; ) {
    t += 86_400_000;
    const dow = new Date(t).getUTCDay();
    if (dow !== 0 && dow !== 6) left -= 1;
  }
  return new Date(t).toISOString().slice(0, 10);
}

describe('writeCinCensus', () => {
  it('has the collection header for the year', () => {
    const details = find(ours, ['Message', 'Header', 'CollectionDetails'])[0] as Node;
    const values = Object.fromEntries(elements(childrenOf(details)).map((n) => [tagOf(n), textOf(n)]));
    expect(values).toEqual({ Collection: 'CIN', Year: '2026', ReferenceDate: '2026-03-31' });
  });

  it("uses the 2026 sample's elements in the sample's order", () => {
    expect(ourChildren.length).toBeGreaterThan(500);
    // The 2026 sample's child has a known birth date; the 2021 sample shows where an expected
    // birth date goes: straight after PersonBirthDate.
    const identifiers = sampleOrder(['ChildIdentifiers']);
    identifiers.splice(identifiers.indexOf('PersonBirthDate') + 1, 0, 'ExpectedPersonBirthDate');
    const details = sampleOrder(['CINdetails']);
    expect(identifiers).toContain('Sex');
    expect(details).toContain('PreProceedingsandFGDM');
    const blocks: [string[], string[]][] = [
      [['ChildIdentifiers'], identifiers],
      [['CINdetails'], details],
      [['CINdetails', 'Assessments'], sampleOrder(['CINdetails', 'Assessments'])],
      [['CINdetails', 'Section47'], sampleOrder(['CINdetails', 'Section47'])],
      [['CINdetails', 'ChildProtectionPlans'], sampleOrder(['CINdetails', 'ChildProtectionPlans'])],
      [['CINdetails', 'PreProceedingsandFGDM'], sampleOrder(['CINdetails', 'PreProceedingsandFGDM'])],
    ];
    const seen = new Set<string>();
    for (const child of ourChildren) {
      expect(elements(childrenOf(child)).map(tagOf).slice(0, 2)).toEqual(['ChildIdentifiers', 'ChildCharacteristics']);
      for (const [path, order] of blocks) {
        for (const block of find([child], ['Child', ...path])) {
          expectFollowsOrder(block, order);
          seen.add(path.join('/'));
        }
      }
    }
    // A council of this size exercises every block, pre-proceedings included.
    expect(seen.size).toBe(blocks.length);
  });

  it('gives each child a sex of M, F or U, at least one CIN episode and real ISO dates', () => {
    for (const child of ourChildren) {
      expect(['M', 'F', 'U']).toContain(textOf(find([child], ['Child', 'ChildIdentifiers', 'Sex'])[0] as Node));
      expect(find([child], ['Child', 'CINdetails']).length).toBeGreaterThan(0);
    }
    const dates = [...xml.matchAll(/<((?!DateTime|CINPlanDates)\w*Date\w*|InitialCPCtarget)>([^<]*)</g)].map((m) => m[2] ?? '');
    expect(dates.length).toBeGreaterThan(1000);
    for (const d of dates) expect(new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10)).toBe(d);
  });

  it('includes only episodes open during the collection year', () => {
    for (const referral of find(ourChildren, ['Child', 'CINdetails'])) {
      const get = (tag: string) => textOf(elements(childrenOf(referral)).find((n) => tagOf(n) === tag) ?? {});
      expect(get('CINreferralDate') <= '2026-03-31').toBe(true);
      const closed = get('CINclosureDate');
      if (closed) expect(closed >= '2025-04-01').toBe(true);
    }
  });

  it('sets each ICPC target 15 working days after the S47 start', () => {
    const enquiries = find(ourChildren, ['Child', 'CINdetails', 'Section47']);
    expect(enquiries.length).toBeGreaterThan(50);
    for (const s of enquiries) {
      const get = (tag: string) => textOf(elements(childrenOf(s)).find((n) => tagOf(n) === tag) ?? {});
      if (get('InitialCPCtarget')) expect(get('InitialCPCtarget')).toBe(weekdaysAfter(get('S47ActualStartDate'), 15));
      expect(['true', 'false']).toContain(get('ICPCnotRequired'));
    }
  });

  it('is deterministic; the messy variant writes yes/no as 1/0', () => {
    expect(writeCinCensus(council, 2026)).toBe(xml);
    const messy = writeCinCensus(council, 2026, { messy: true });
    expect(messy).toMatch(/<ReferralNFA>[01]<\/ReferralNFA>/);
    expect(messy).not.toMatch(/<ReferralNFA>(true|false)<\/ReferralNFA>/);
  });

  it('reports every injected error by child and element', () => {
    const faults: InjectedFault[] = [];
    const broken = ordered.parse(writeCinCensus(council, 2026, { errorRate: 0.03, faults })) as Node[];
    const children = find(broken, ['Message', 'Children', 'Child']);
    expect(faults.length).toBeGreaterThan(20);
    for (const f of faults) {
      const child = children[f.row - 1] as Node;
      const texts = [...JSON.stringify(child).matchAll(new RegExp(`"${f.column}":\\[(\\{"#text":"([^"]*)"\\})?\\]`, 'g'))].map((m) => m[2] ?? '');
      if (f.kind === 'missing-value') expect(texts).toContain('');
      else expect(texts.some((t) => /^\d{4}-(02-3[01]|(04|06|09|11)-31)$/.test(t))).toBe(true);
    }
  });
});
