/** The council's staff as the audit programme needs them: who they are, their team and roles. */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/client.ts';

export interface Person {
  id: string;
  name: string;
  teamId: string | null;
  teamName: string | null;
  serviceId: string | null;
  lineManagerId: string | null;
  roles: string[];
}

/** Everyone in the council whose account is not disabled, by name. */
export async function peopleOf(db: Db, organisationId: string): Promise<Person[]> {
  return queryRows<Person>(
    db,
    sql`select u.id, u.display_name as name, u.team_id as "teamId", t.name as "teamName", t.service_id as "serviceId",
               u.line_manager_id as "lineManagerId",
               coalesce((select array_agg(r.role order by r.role) from user_roles r where r.user_id = u.id and r.active), '{}') as roles
        from users u left join teams t on t.id = u.team_id
        where u.organisation_id = ${organisationId} and u.disabled_at is null
        order by u.display_name`,
  );
}

/** Active holders of a role in the council, for notifications. */
export async function holdersOf(db: Db, organisationId: string, role: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select u.id from users u join user_roles r on r.user_id = u.id and r.active and r.role = ${role}
        where u.organisation_id = ${organisationId} and u.disabled_at is null`,
  );
  return rows.map((r) => r.id);
}

/** Team and service names by id, for pages that show where cases sit. */
export async function placeNames(db: Db, organisationId: string): Promise<{ teams: Map<string, string>; services: Map<string, string> }> {
  const rows = await queryRows<{ kind: 'team' | 'service'; id: string; name: string }>(
    db,
    sql`select 'team' as kind, id, name from teams where organisation_id = ${organisationId}
        union all select 'service' as kind, id, name from services where organisation_id = ${organisationId}`,
  );
  return {
    teams: new Map(rows.filter((r) => r.kind === 'team').map((r) => [r.id, r.name])),
    services: new Map(rows.filter((r) => r.kind === 'service').map((r) => [r.id, r.name])),
  };
}
