/**
 * Who may see which insight page, over which teams, and everything a page needs before it counts
 * anything: the viewer's scope, the filters from the query string, the tools, today.
 *
 * The pages and who sees them (decided for issue 7; see docs/DECISIONS.md):
 * - practice quality, timeliness, actions, voice of the child and family (`insights.view`):
 *   practice managers over their own teams, group managers over their services' teams, QA
 *   officers and senior leaders over the council;
 * - calibration and dispute outcomes (`insights.calibration`): moderators, QA officers and senior
 *   leaders, council-wide, because calibration compares auditors across teams;
 * - Ofsted evidence and themes (`insights.evidence`): group managers over their services, QA
 *   officers and senior leaders over the council;
 * - the quarterly report (`insights.report`): QA officers and senior leaders; running an
 *   inspection rehearsal (`insights.rehearse`): QA officers.
 * Practitioners, IROs, partners and administrators see none of them: their own audits are on the
 * audit pages. Whatever a figure counts, the list behind it shows only audits the viewer may open.
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { can, requireCapability, type Actor } from '../platform/auth/actor.ts';
import type { Capability } from '../platform/auth/roles.ts';
import { londonDate } from '../platform/calendar/london.ts';
import { visibleTeamIds } from '../org/service.ts';
import { services, teams } from '../org/schema.ts';
import { CaseTypeSchema } from '../standards/schema.ts';
import type { AuditScope } from './audit-sql.ts';
import { hiddenChildIds } from '../restrictions/visibility.ts';
import { CASE_TYPE_WORDS, monthOf, parseFilter, type InsightFilter } from './filters.ts';
import type { ToolLibrary, Tools } from './tools.ts';

export type InsightCapability = Extract<Capability, `insights.${string}`>;

/** Capabilities whose figures cover the whole council, whoever holds them. */
const COUNCIL_WIDE: ReadonlySet<InsightCapability> = new Set(['insights.calibration', 'insights.report', 'insights.rehearse']);

export async function scopeFor(db: Db, actor: Actor, capability: InsightCapability): Promise<AuditScope> {
  requireCapability(actor, capability);
  // The list behind a figure may come from any page the viewer has: it counts over the widest.
  const wide = capability === 'insights.index' ? [...COUNCIL_WIDE].some((c) => can(actor, c)) : COUNCIL_WIDE.has(capability);
  const teams = wide ? 'all' : await visibleTeamIds(db, actor);
  return { organisationId: actor.organisationId, teams, hiddenChildren: await hiddenChildIds(db, actor) };
}

export interface Option {
  value: string;
  text: string;
}

export interface FilterChoices {
  services: Option[];
  teams: Option[];
  tools: Option[];
  caseTypes: Option[];
}

export interface TeamInfo {
  id: string;
  name: string;
  serviceId: string;
  serviceName: string;
}

export interface InsightContext {
  db: Db;
  actor: Actor;
  scope: AuditScope;
  filter: InsightFilter;
  tools: Tools;
  today: string;
  /** The teams the scope covers, by id. */
  teams: ReadonlyMap<string, TeamInfo>;
  choices: FilterChoices;
}

/** What every page needs whoever is looking: the tools, and every team with its service. */
export interface CouncilBasics {
  tools: Tools;
  teams: TeamInfo[];
}

export async function councilBasics(db: Db, organisationId: string, library: ToolLibrary): Promise<CouncilBasics> {
  const [tools, teamRows] = await Promise.all([
    library.load(db, organisationId),
    db
      .select({ id: teams.id, name: teams.name, serviceId: teams.serviceId, serviceName: services.name })
      .from(teams)
      .innerJoin(services, eq(services.id, teams.serviceId))
      .where(eq(teams.organisationId, organisationId))
      .orderBy(asc(teams.name)),
  ]);
  return { tools, teams: teamRows };
}

export async function insightContext(db: Db, actor: Actor, basics: CouncilBasics, capability: InsightCapability, query: unknown, now: Date): Promise<InsightContext> {
  const scope = await scopeFor(db, actor, capability);
  const today = londonDate(now);
  const { tools } = basics;
  const teamRows = scope.teams === 'all' ? basics.teams : basics.teams.filter((t) => scope.teams.includes(t.id));
  const filter = parseFilter(query, monthOf(today));
  // A team or service outside the viewer's scope is ignored, not an error: the figures are scoped anyway.
  if (filter.teamId && !teamRows.some((t) => t.id === filter.teamId)) filter.teamId = undefined;
  if (filter.serviceId && !teamRows.some((t) => t.serviceId === filter.serviceId)) filter.serviceId = undefined;
  if (filter.toolId && !tools.has(filter.toolId)) filter.toolId = undefined;
  const serviceOptions = new Map<string, string>();
  for (const t of teamRows) serviceOptions.set(t.serviceId, t.serviceName);
  return {
    db,
    actor,
    scope,
    filter,
    tools,
    today,
    teams: new Map(teamRows.map((t) => [t.id, t])),
    choices: {
      services: [...serviceOptions].map(([value, text]) => ({ value, text })).sort((a, b) => a.text.localeCompare(b.text)),
      teams: teamRows.map((t) => ({ value: t.id, text: t.name })),
      tools: [...tools.values()].map((t) => ({ value: t.id, text: t.title })).sort((a, b) => a.text.localeCompare(b.text)),
      caseTypes: CaseTypeSchema.options.map((value) => ({ value, text: CASE_TYPE_WORDS[value] })),
    },
  };
}
