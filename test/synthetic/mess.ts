import { hashString, Rng } from './rng.ts';

/** Options every writer accepts. */
export interface WriterOptions {
  /**
   * Produce the untidy-but-valid variants real councils send (header spellings, coded values with
   * or without their option letter, dates in several forms). An importer must accept all of them.
   */
  messy?: boolean;
  /**
   * Share of data rows (0–1) given one real error: a missing mandatory value or an impossible
   * date such as 31/02. An importer must reject each of these rows and say why.
   */
  errorRate?: number;
  /** When given, every injected error is appended here so a test can check it was reported. */
  faults?: InjectedFault[];
}

export interface InjectedFault {
  file: string;
  sheet?: string;
  /** 1-based row in the file or sheet, the header being row 1 (for XML: the Child's ordinal). */
  row: number;
  column: string;
  kind: 'missing-value' | 'impossible-date';
}

export type DateStyle = 'iso' | 'uk';

export interface RowRules {
  mandatory: readonly string[];
  dates: readonly string[];
  dateStyle: DateStyle;
}

const IMPOSSIBLE_DAYS: readonly (readonly [string, string])[] = [
  ['02', '30'],
  ['02', '31'],
  ['04', '31'],
  ['06', '31'],
  ['09', '31'],
  ['11', '31'],
];

/** A date that looks right but does not exist (31 April, 30 February …), in the file's style. */
export function impossibleDate(rng: Rng, year: string, style: DateStyle): string {
  const [month, day] = rng.pick(IMPOSSIBLE_DAYS);
  return style === 'iso' ? `${year}-${month}-${day}` : `${day}/${month}/${year}`;
}

/**
 * Breaks a share of rows on purpose, deterministically from the council's seed, and records what
 * it broke. Values are edited in place; `undefined` means an empty field.
 */
export class FaultInjector {
  private readonly rng: Rng;
  private readonly rate: number;
  private readonly log: InjectedFault[] | undefined;

  constructor(seed: number, stream: string, options: WriterOptions) {
    this.rng = new Rng(seed, hashString(`faults:${stream}`));
    this.rate = options.errorRate ?? 0;
    this.log = options.faults;
  }

  maybeBreak(
    file: string,
    row: number,
    header: readonly string[],
    values: (string | number | undefined)[],
    rules: RowRules,
    sheet?: string,
  ): void {
    const fields = header.map((name, i) => ({
      name,
      value: values[i],
      mandatory: rules.mandatory.includes(name),
      date: rules.dates.includes(name),
    }));
    const change = this.decide(fields, rules.dateStyle);
    if (!change) return;
    values[change.index] = change.value;
    this.record({ file, ...(sheet ? { sheet } : {}), row, column: header[change.index] ?? '', kind: change.kind });
  }

  /**
   * Decides whether to break a record and how: picks a filled date field to make impossible, or a
   * filled mandatory field to empty. Returns the change, or undefined to leave the record whole.
   */
  decide(
    fields: readonly { value: string | number | undefined; mandatory: boolean; date: boolean }[],
    style: DateStyle,
  ): { index: number; value: string | undefined; kind: InjectedFault['kind'] } | undefined {
    if (this.rate <= 0 || !this.rng.chance(this.rate)) return undefined;
    const filled = (f: { value: string | number | undefined }) => f.value !== undefined && f.value !== '';
    const dates = fields.flatMap((f, i) => (f.date && filled(f) ? [i] : []));
    const mandatory = fields.flatMap((f, i) => (f.mandatory && filled(f) ? [i] : []));
    const useDate = dates.length > 0 && (mandatory.length === 0 || this.rng.chance(0.5));
    if (!useDate && mandatory.length === 0) return undefined;
    const index = this.rng.pick(useDate ? dates : mandatory);
    if (!useDate) return { index, value: undefined, kind: 'missing-value' };
    const year = /(\d{4})/.exec(String(fields[index]?.value))?.[1] ?? '2025';
    return { index, value: impossibleDate(this.rng, year, style), kind: 'impossible-date' };
  }

  record(fault: InjectedFault): void {
    this.log?.push(fault);
  }
}

/** The random stream for a writer's presentation variants. */
export function messRng(seed: number, stream: string): Rng {
  return new Rng(seed, hashString(`messy:${stream}`));
}
