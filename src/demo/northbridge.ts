/**
 * The demo council, Northbridge (invented): services, teams, a line-management hierarchy and a
 * person in every role. Every name here is made up. Later features add their own demo records
 * through this module, so a fresh start shows the whole product.
 */
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { queryRows } from '../platform/db/client.ts';
import { hashPassword } from '../platform/auth/passwords.ts';
import type { Role } from '../platform/auth/roles.ts';
import { organisations, services, teams, userRoles, users } from '../org/schema.ts';

export const DEMO_DOMAIN = 'northbridge.example';

/** The sign-in account for each role, as the README lists them. */
export const DEMO_ACCOUNTS: ReadonlyArray<{ role: Role; email: string; name: string }> = [
  { role: 'practitioner', email: `practitioner@${DEMO_DOMAIN}`, name: 'Amara Okafor' },
  { role: 'practice-manager', email: `practice-manager@${DEMO_DOMAIN}`, name: 'Tom Hadley' },
  { role: 'group-manager', email: `group-manager@${DEMO_DOMAIN}`, name: 'Priya Raman' },
  { role: 'moderator', email: `moderator@${DEMO_DOMAIN}`, name: 'Gareth Lloyd' },
  { role: 'qa-officer', email: `qa-officer@${DEMO_DOMAIN}`, name: 'Helen Marsh' },
  { role: 'senior-leader', email: `senior-leader@${DEMO_DOMAIN}`, name: 'Ruth Ellison' },
  { role: 'iro', email: `iro@${DEMO_DOMAIN}`, name: 'Samuel Brooks' },
  { role: 'partner', email: `partner@${DEMO_DOMAIN}`, name: 'Jo Whitfield' },
  { role: 'admin', email: `admin@${DEMO_DOMAIN}`, name: 'Chris Dale' },
];

interface PersonPlan {
  key: string;
  name: string;
  email?: string;
  jobTitle: string;
  team?: string;
  manager?: string;
  roles: Role[];
}

const SERVICES = [
  { key: 'front-door', name: 'Front door and assessment', lead: 'gm-front' },
  { key: 'safeguarding', name: 'Safeguarding and family support', lead: 'group-manager' },
  { key: 'care', name: 'Children in care and care leavers', lead: 'gm-care' },
  { key: 'qa', name: 'Quality assurance and safeguarding', lead: 'qa-lead' },
];

const TEAMS = [
  { key: 'mash', name: 'MASH and duty', service: 'front-door', manager: 'pm-mash' },
  { key: 'assessment', name: 'Assessment team', service: 'front-door', manager: 'pm-assessment' },
  { key: 'fst-north', name: 'Family support team north', service: 'safeguarding', manager: 'practice-manager' },
  { key: 'fst-south', name: 'Family support team south', service: 'safeguarding', manager: 'pm-south' },
  { key: 'cic', name: 'Children in care team', service: 'care', manager: 'pm-cic' },
  { key: 'leaving-care', name: 'Leaving care team', service: 'care', manager: 'pm-leaving' },
  { key: 'qa-team', name: 'Quality assurance team', service: 'qa', manager: 'qa-lead' },
  { key: 'iro-service', name: 'Independent reviewing service', service: 'qa', manager: 'qa-lead' },
];

const PEOPLE: PersonPlan[] = [
  { key: 'senior-leader', name: 'Ruth Ellison', jobTitle: "Director of children's services", roles: ['senior-leader'] },
  { key: 'ad', name: 'Martin Osei', jobTitle: 'Assistant director, safeguarding', manager: 'senior-leader', roles: ['senior-leader'] },
  { key: 'group-manager', name: 'Priya Raman', jobTitle: 'Group manager, safeguarding and family support', manager: 'ad', roles: ['group-manager'] },
  { key: 'gm-front', name: 'Daniel Kowalski', jobTitle: 'Group manager, front door', manager: 'ad', roles: ['group-manager'] },
  { key: 'gm-care', name: 'Fiona Gallagher', jobTitle: 'Group manager, children in care', manager: 'ad', roles: ['group-manager'] },
  { key: 'qa-lead', name: 'Imran Siddiqui', jobTitle: 'Head of quality assurance', manager: 'ad', team: 'qa-team', roles: ['qa-officer', 'moderator'] },
  { key: 'practice-manager', name: 'Tom Hadley', jobTitle: 'Practice manager', team: 'fst-north', manager: 'group-manager', roles: ['practice-manager'] },
  { key: 'pm-south', name: 'Lucy Brennan', jobTitle: 'Practice manager', team: 'fst-south', manager: 'group-manager', roles: ['practice-manager'] },
  { key: 'pm-mash', name: 'Olu Adeyemi', jobTitle: 'Practice manager', team: 'mash', manager: 'gm-front', roles: ['practice-manager'] },
  { key: 'pm-assessment', name: 'Sarah Whitlock', jobTitle: 'Practice manager', team: 'assessment', manager: 'gm-front', roles: ['practice-manager'] },
  { key: 'pm-cic', name: 'Kieran Doyle', jobTitle: 'Practice manager', team: 'cic', manager: 'gm-care', roles: ['practice-manager'] },
  { key: 'pm-leaving', name: 'Grace Mensah', jobTitle: 'Practice manager', team: 'leaving-care', manager: 'gm-care', roles: ['practice-manager'] },
  { key: 'practitioner', name: 'Amara Okafor', jobTitle: 'Social worker', team: 'fst-north', manager: 'practice-manager', roles: ['practitioner'] },
  { key: 'sw-2', name: 'Ben Carter', jobTitle: 'Senior social worker', team: 'fst-north', manager: 'practice-manager', roles: ['practitioner'] },
  { key: 'sw-3', name: 'Chloe Ferris', jobTitle: 'Social worker', team: 'fst-south', manager: 'pm-south', roles: ['practitioner'] },
  { key: 'sw-4', name: 'Dev Patel', jobTitle: 'Social worker', team: 'assessment', manager: 'pm-assessment', roles: ['practitioner'] },
  { key: 'sw-5', name: 'Ellie Hughes', jobTitle: 'Social worker', team: 'cic', manager: 'pm-cic', roles: ['practitioner'] },
  { key: 'pa-1', name: 'Femi Taiwo', jobTitle: 'Personal adviser', team: 'leaving-care', manager: 'pm-leaving', roles: ['practitioner'] },
  { key: 'sw-6', name: 'Hannah Price', jobTitle: 'Social worker', team: 'mash', manager: 'pm-mash', roles: ['practitioner'] },
  { key: 'moderator', name: 'Gareth Lloyd', jobTitle: 'Quality assurance manager', team: 'qa-team', manager: 'qa-lead', roles: ['moderator'] },
  { key: 'qa-officer', name: 'Helen Marsh', jobTitle: 'Quality assurance officer', team: 'qa-team', manager: 'qa-lead', roles: ['qa-officer'] },
  { key: 'iro', name: 'Samuel Brooks', jobTitle: 'Independent reviewing officer', team: 'iro-service', manager: 'qa-lead', roles: ['iro'] },
  { key: 'iro-2', name: 'Nadia Rahman', jobTitle: 'Child protection chair', team: 'iro-service', manager: 'qa-lead', roles: ['iro'] },
  { key: 'partner', name: 'Jo Whitfield', jobTitle: 'Named nurse for safeguarding (health partner)', roles: ['partner'] },
  { key: 'admin', name: 'Chris Dale', jobTitle: 'Systems administrator', roles: ['admin'] },
];

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${organisations}`);
  return (row?.n ?? 0) === 0;
}

export function generateDemoPassword(): string {
  return crypto.randomBytes(12).toString('base64url');
}

export interface DemoCouncil {
  organisationId: string;
  /** User id by the plan's key, for later demo loaders and tests. */
  people: Record<string, string>;
  teams: Record<string, string>;
  services: Record<string, string>;
}

export async function loadDemoCouncil(db: Db, password: string): Promise<DemoCouncil> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [org] = await tx.insert(organisations).values({ name: 'Northbridge Council' }).returning({ id: organisations.id });
    const organisationId = org!.id;
    const accountEmail = new Map(DEMO_ACCOUNTS.map((a) => [a.name, a.email]));

    const people: Record<string, string> = {};
    for (const person of PEOPLE) {
      const email = accountEmail.get(person.name) ?? `${person.name.toLowerCase().replace(/[^a-z]+/g, '.')}@${DEMO_DOMAIN}`;
      const [row] = await tx
        .insert(users)
        .values({ organisationId, email, displayName: person.name, jobTitle: person.jobTitle, passwordHash })
        .returning({ id: users.id });
      people[person.key] = row!.id;
      await tx.insert(userRoles).values(person.roles.map((role) => ({ userId: row!.id, role })));
    }

    const serviceIds: Record<string, string> = {};
    for (const s of SERVICES) {
      const [row] = await tx.insert(services).values({ organisationId, name: s.name, leadUserId: people[s.lead] }).returning({ id: services.id });
      serviceIds[s.key] = row!.id;
    }
    const teamIds: Record<string, string> = {};
    for (const t of TEAMS) {
      const [row] = await tx
        .insert(teams)
        .values({ organisationId, serviceId: serviceIds[t.service]!, name: t.name, managerUserId: people[t.manager] })
        .returning({ id: teams.id });
      teamIds[t.key] = row!.id;
    }
    for (const person of PEOPLE) {
      if (!person.team && !person.manager) continue;
      await tx
        .update(users)
        .set({ teamId: person.team ? teamIds[person.team] : null, lineManagerId: person.manager ? people[person.manager] : null })
        .where(sql`${users.id} = ${people[person.key]}`);
    }
    return { organisationId, people, teams: teamIds, services: serviceIds };
  });
}
