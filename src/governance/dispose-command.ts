/**
 * `sightline dispose [--as-of YYYY-MM-DD] [--organisation NAME_OR_ID] [--apply]`: what the
 * retention schedule says is due, and (with --apply only) its disposal. A dry run is the default,
 * so running the command to look never deletes anything.
 */
import { parseArgs } from 'node:util';
import { asc } from 'drizzle-orm';
import type { Database } from '../platform/db/client.ts';
import { isIsoDate } from '../platform/calendar/iso-date.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { organisations } from '../org/schema.ts';
import { reviewRetention, runDisposal, type ReviewedRecord } from './disposal.ts';

export const DISPOSE_USAGE = `Usage: sightline dispose [--as-of YYYY-MM-DD] [--organisation NAME_OR_ID] [--apply]

Lists the records due for disposal under the retention schedule on the day given (today when
omitted), with those kept by a legal hold or by work under way. Nothing is deleted unless
--apply is given; --apply disposes only of what is due today or earlier.

  --as-of YYYY-MM-DD         The day to judge disposal dates against.
  --organisation NAME_OR_ID  The council (needed when there is more than one).
  --apply                    Delete the records due, each in its own transaction, and log them.
`;

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

function tally(records: readonly ReviewedRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(`${r.recordType} (${r.retentionClass})`, (counts.get(`${r.recordType} (${r.retentionClass})`) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `  ${String(n).padStart(6)}  ${k}\n`)
    .join('');
}

export async function runDisposeCommand(args: string[], io: CommandOutput, openDatabase: () => Promise<Database>, now = new Date()): Promise<number> {
  let values: { 'as-of'?: string | undefined; organisation?: string | undefined; apply?: boolean | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({ args, options: { 'as-of': { type: 'string' }, organisation: { type: 'string' }, apply: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: false }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${DISPOSE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(DISPOSE_USAGE);
    return 0;
  }
  const today = londonDate(now);
  const asOf = values['as-of'] ?? today;
  if (!isIsoDate(asOf)) {
    io.stderr(`sightline dispose: --as-of must be a real date written YYYY-MM-DD\n`);
    return 2;
  }
  if (values.apply && asOf > today) {
    io.stderr(`sightline dispose: records cannot be disposed of before their disposal date; --apply works only as of today (${today}) or earlier\n`);
    return 2;
  }

  const database = await openDatabase();
  try {
    const councils = await database.db.select({ id: organisations.id, name: organisations.name }).from(organisations).orderBy(asc(organisations.name));
    const wanted = values.organisation?.trim().toLowerCase();
    const matches = wanted === undefined ? councils : councils.filter((c) => c.id === wanted || c.name.toLowerCase() === wanted);
    if (matches.length !== 1) {
      const names = councils.map((c) => `  ${c.name} (${c.id})`).join('\n');
      io.stderr(`sightline dispose: ${councils.length === 0 ? 'the database holds no council' : wanted === undefined ? `name one council with --organisation:\n${names}` : `no council is called "${values.organisation}"; the councils are:\n${names}`}\n`);
      return 2;
    }
    const council = matches[0]!;
    const review = await reviewRetention(database.db, council.id, asOf);
    io.stdout(`${council.name}: retention as of ${asOf}\n`);
    io.stdout(`Due for disposal: ${review.due.length}\n${tally(review.due)}`);
    io.stdout(`Due but kept (legal hold or work under way): ${review.kept.length}\n${tally(review.kept)}`);
    io.stdout(`Children with no disposal date (no date of birth): ${review.undated.length}\n`);
    if (!values.apply) {
      io.stdout('Dry run: nothing was deleted. Run again with --apply to dispose of the records due.\n');
      return 0;
    }
    const outcome = await runDisposal(database.db, { organisationId: council.id, asOf, userId: null, channel: 'command line', now });
    io.stdout(`Disposed of ${outcome.disposed} records (${Object.entries(outcome.byType).map(([k, n]) => `${k}: ${n}`).join(', ')}); ${outcome.kept} kept. Disposal run ${outcome.runId}.\n`);
    return 0;
  } finally {
    await database.close();
  }
}
