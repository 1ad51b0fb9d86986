/**
 * Northbridge's case data: a small synthetic council from our own generator (test/synthetic),
 * written as an SSD extract and an Annex A workbook, untidy the way real extracts are, and
 * imported through the same import as a QA officer's upload, so the case pages, the drift
 * dashboards and the indicators have something to show.
 *
 * The extract is made "as of" the day the demo is loaded, so what is overdue is overdue today; the
 * seed is fixed, so every load gives the same children with the same history relative to that day.
 * The generator's teams and workers are renamed to Northbridge's, so most children link to a team
 * and worker in Sightline; early-help and disabled-children teams are left as the generator named
 * them, which Northbridge does not have, so the import shows how an unknown name is reported.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { teams, users } from '../org/schema.ts';
import { loadBuiltInCatalogue } from '../standards/built-in.ts';
import { syncBuiltInCatalogue } from '../standards/versions/service.ts';
import { createImport, runImport, type ImportOutcome, type UploadedFile } from '../cases/imports.ts';
import { generateCouncil } from '../../test/synthetic/council.ts';
import type { Council, Service } from '../../test/synthetic/model.ts';
import { writeAnnexA } from '../../test/synthetic/write-annex-a.ts';
import { ssdFiles } from '../../test/synthetic/write-ssd.ts';
import type { DemoCouncil } from './northbridge.ts';

export const DEMO_CASE_SEED = 20260331;
export const DEMO_CHILDREN = 250;

/** Northbridge team (by demo key) and its practitioners for each generated service; locality teams split north and south. */
const TEAM_FOR_SERVICE: Partial<Record<Service, (locality: number) => { team: string; workers: string[] }>> = {
  'front-door': () => ({ team: 'mash', workers: ['sw-6'] }),
  assessment: () => ({ team: 'assessment', workers: ['sw-4'] }),
  locality: (locality) => (locality % 2 === 1 ? { team: 'fst-north', workers: ['practitioner', 'sw-2'] } : { team: 'fst-south', workers: ['sw-3'] }),
  'children-in-care': () => ({ team: 'cic', workers: ['sw-5'] }),
  adoption: () => ({ team: 'cic', workers: ['sw-5'] }),
  'care-leavers': () => ({ team: 'leaving-care', workers: ['pa-1'] }),
};

/** The generated council with its teams and workers renamed to Northbridge's where Northbridge has them. */
export function asNorthbridge(council: Council, teamNames: Record<string, string>, peopleNames: Record<string, string>): Council {
  const renamedTeams = new Map<string, { name: string; workers: string[] }>();
  for (const team of council.teams) {
    const target = TEAM_FOR_SERVICE[team.service]?.(team.locality);
    const name = target ? teamNames[target.team] : undefined;
    if (target && name) renamedTeams.set(team.id, { name, workers: target.workers.map((key) => peopleNames[key]!).filter(Boolean) });
  }
  const seen = new Map<string, number>();
  return {
    ...council,
    teams: council.teams.map((team) => ({ ...team, name: renamedTeams.get(team.id)?.name ?? team.name })),
    workers: council.workers.map((worker) => {
      const target = renamedTeams.get(worker.teamId);
      if (!target || target.workers.length === 0) return worker;
      // Each generated worker becomes one of the team's Northbridge practitioners, in turn.
      const n = seen.get(worker.teamId) ?? 0;
      seen.set(worker.teamId, n + 1);
      return { ...worker, name: target.workers[n % target.workers.length]! };
    }),
  };
}

export async function loadDemoCases(db: Db, council: DemoCouncil, today = londonDate(new Date())): Promise<ImportOutcome> {
  // The practice standards' timescales are deadlines too; the catalogue is normally published
  // when the server starts, which is after the demo loads.
  const builtIn = await loadBuiltInCatalogue();
  await syncBuiltInCatalogue(db, builtIn.catalogue, builtIn.sources);

  const [teamRows, peopleRows] = await Promise.all([
    db.select({ id: teams.id, name: teams.name }).from(teams).where(inArray(teams.id, Object.values(council.teams))),
    db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, Object.values(council.people))),
  ]);
  const byId = (rows: { id: string; name: string }[], keys: Record<string, string>) =>
    Object.fromEntries(Object.entries(keys).flatMap(([key, id]) => {
      const row = rows.find((r) => r.id === id);
      return row ? [[key, row.name]] : [];
    }));
  const generated = generateCouncil({ seed: DEMO_CASE_SEED, children: DEMO_CHILDREN, years: 3, asOf: today });
  const northbridge = asNorthbridge(generated, byId(teamRows, council.teams), byId(peopleRows, council.people));

  const encoder = new TextEncoder();
  const files: UploadedFile[] = [
    { fileName: 'northbridge_annex_a.xlsx', bytes: await writeAnnexA(northbridge, today, { messy: true }) },
    ...[...ssdFiles(northbridge, { messy: true, errorRate: 0.002 })].map(([fileName, csv]) => ({ fileName, bytes: encoder.encode(csv) })),
  ];
  const importId = await createImport(db, { organisationId: council.organisationId, importedBy: council.people['qa-officer'] ?? null, channel: 'demo', files, now: new Date() });
  const outcome = await runImport(db, importId, files, { asOf: today });
  if (outcome.status !== 'succeeded') throw new Error(`the demo case data did not import: ${outcome.failure ?? outcome.status}`);
  return outcome;
}
