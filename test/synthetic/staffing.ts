import type { Service, Team, Worker } from './model.ts';
import { ADULT_NAMES, SURNAMES } from './names.ts';
import { Rng } from './rng.ts';

/** The council's teams and workers, and how a case finds its team and worker. */
export interface Staffing {
  teams: Team[];
  workers: Worker[];
  localities: number;
  teamFor(service: Service, locality: number, rng: Rng): Team;
  workerFor(team: Team, rng: Rng): Worker;
  team(id: string): Team;
}

/**
 * Share of teams per service. Front-door and long-term teams dominate real structures; each service
 * gets at least one team so that every route through the system has somewhere to land.
 */
const SERVICE_SHARES: readonly (readonly [Service, number])[] = [
  ['front-door', 0.04],
  ['early-help', 0.1],
  ['assessment', 0.2],
  ['locality', 0.32],
  ['disability', 0.05],
  ['children-in-care', 0.17],
  ['care-leavers', 0.07],
  ['adoption', 0.05],
];

const LOCAL_SERVICES: ReadonlySet<Service> = new Set(['early-help', 'assessment', 'locality']);

export function defaultTeamCount(children: number): number {
  return Math.max(12, Math.round(children / 1000));
}

export function buildStaffing(seed: number, children: number, teamCount = defaultTeamCount(children)): Staffing {
  const rng = new Rng(seed, 0x7ea5);
  const localities = Math.max(2, Math.min(8, Math.round(children / 8000)));
  const teams: Team[] = [];
  const workers: Worker[] = [];
  const byService = new Map<Service, Team[]>();
  const staffByTeam = new Map<string, Worker[]>();

  for (const [service, share] of SERVICE_SHARES) {
    const count = Math.max(1, Math.round(teamCount * share));
    const list: Team[] = [];
    for (let k = 0; k < count; k++) {
      const locality = LOCAL_SERVICES.has(service) ? (k % localities) + 1 : 0;
      const team: Team = {
        id: `T${String(teams.length + 1).padStart(2, '0')}`,
        name: teamName(service, locality, k, count, localities),
        service,
        locality,
        // Log-normal spread around 1: most teams near average, a few markedly prone to drift.
        driftFactor: Math.min(3, Math.max(0.4, rng.logNormal(1, 0.45))),
      };
      teams.push(team);
      list.push(team);
      const members: Worker[] = [];
      const size = rng.int(5, 9);
      for (let m = 0; m < size; m++) {
        const worker = makeWorker(rng, workers.length + 1, team, m === 0);
        workers.push(worker);
        if (m > 0) members.push(worker);
      }
      staffByTeam.set(team.id, members);
    }
    byService.set(service, list);
  }

  const teamById = new Map(teams.map((t) => [t.id, t]));
  return {
    teams,
    workers,
    localities,
    teamFor(service, locality, r) {
      const all = byService.get(service) ?? [];
      const local = all.filter((t) => t.locality === locality);
      return r.pick(local.length > 0 ? local : all);
    },
    workerFor(team, r) {
      return r.pick(staffByTeam.get(team.id) ?? []);
    },
    team(id) {
      const team = teamById.get(id);
      if (!team) throw new Error(`unknown team ${id}`);
      return team;
    },
  };
}

function teamName(service: Service, locality: number, k: number, count: number, localities: number): string {
  // Area teams are numbered within their locality, council-wide teams across the council.
  const inLocality = Math.floor(k / localities) + 1;
  const perLocality = Math.ceil(count / localities);
  const numbered = count > 1 ? ` ${k + 1}` : '';
  switch (service) {
    case 'front-door':
      return `Multi Agency Safeguarding Hub${numbered}`;
    case 'early-help':
      return `Early Help Locality ${locality}${perLocality > 1 ? ` Team ${inLocality}` : ''}`;
    case 'assessment':
      return `Locality ${locality} Duty and Assessment Team${perLocality > 1 ? ` ${inLocality}` : ''}`;
    case 'locality':
      return `Locality ${locality} Family Support Unit ${inLocality}`;
    case 'disability':
      return `Children with Disabilities Team${numbered}`;
    case 'children-in-care':
      return `Children in Care Team ${k + 1}`;
    case 'care-leavers':
      return `Care Leavers Team${numbered}`;
    case 'adoption':
      return `Adoption and Permanence Team${numbered}`;
  }
}

function makeWorker(rng: Rng, index: number, team: Team, manager: boolean): Worker {
  const socialWork = team.service !== 'early-help' && team.service !== 'care-leavers';
  const jobTitle = manager
    ? 'Team Manager'
    : team.service === 'early-help'
      ? 'Early Help Practitioner'
      : team.service === 'care-leavers'
        ? 'Personal Adviser'
        : rng.weighted([
            ['Social Worker', 0.62],
            ['Senior Social Worker', 0.26],
            ['Advanced Practitioner', 0.12],
          ] as const);
  const worker: Worker = {
    id: `W${String(index).padStart(4, '0')}`,
    staffId: `S${String(rng.int(10000, 99999))}`,
    name: `${rng.pick(ADULT_NAMES)} ${rng.pick(SURNAMES)}`,
    teamId: team.id,
    jobTitle,
    agency: !manager && rng.chance(0.15),
    fte: rng.weighted([
      [1, 0.8],
      [0.8, 0.12],
      [0.6, 0.08],
    ] as const),
  };
  if (socialWork || manager) worker.registrationNumber = `SW${String(rng.int(10000, 199999)).padStart(6, '0')}`;
  return worker;
}
