/** Organisation pages: administrators manage services, teams and users; staff see teams. */
import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../platform/http/app.ts';
import { ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { parseForm, singleError, type FieldErrors } from '../platform/http/forms.ts';
import { render } from '../platform/http/render.ts';
import { recordAccess } from '../platform/access-log/record.ts';
import { ROLES, ROLE_LABELS } from '../platform/auth/roles.ts';
import type { Db } from '../platform/db/client.ts';
import * as org from './service.ts';
import './views.ts';

const Version = z.object({ version: z.coerce.number().int().min(1) });
const Id = z.uuid();

function idParam(req: Request, name: string): string {
  const parsed = Id.safeParse(req.params[name]);
  // A malformed id is a page that does not exist, not a server error.
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

const roleOptions = ROLES.map((value) => ({ value, text: ROLE_LABELS[value] }));

async function choices(db: Db, res: Response) {
  const actor = actorOf(res);
  const [people, teams, services] = await Promise.all([org.listPeopleForChoice(db, actor), org.listTeams(db, actor), org.listServices(db, actor)]);
  return {
    people: people.map((p) => ({ value: p.id, text: p.displayName })),
    teams: teams.map((t) => ({ value: t.id, text: `${t.name} (${t.serviceName})` })),
    services: services.map((s) => ({ value: s.id, text: s.name })),
    roleOptions,
  };
}

/** Turns a service's refusal into the form's error summary; anything else propagates. */
function formProblem(error: unknown): FieldErrors | undefined {
  if (error instanceof org.FieldProblem) return singleError(error.field, error.message);
  return undefined;
}

export const orgModule: AppModule = {
  navigation: [
    { href: '/teams', text: 'Teams', capability: 'org.view' },
    { href: '/admin', text: 'Administration', capability: 'org.manage' },
  ],
  register(app: Express, { db }) {
    const manage = requireCapability('org.manage');
    const view = requireCapability('org.view');

    app.get('/teams', view, async (_req, res) => {
      const actor = actorOf(res);
      const [teams, scope] = await Promise.all([org.listTeams(db, actor), org.visibleTeamIds(db, actor)]);
      render(res, 'org/teams', { teams: teams.map((t) => ({ ...t, canOpen: scope === 'all' || scope.includes(t.id) })) });
    });

    app.get('/teams/:teamId', view, async (req, res) => {
      const actor = actorOf(res);
      const team = await org.getTeamWithMembers(db, actor, idParam(req, 'teamId'));
      await recordAccess(db, actor, { recordType: 'team', recordId: team.id, action: 'view' }, res.locals.requestId);
      render(res, 'org/team', { team });
    });

    app.get('/admin', manage, async (_req, res) => {
      const actor = actorOf(res);
      const [services, teams, users] = await Promise.all([org.listServices(db, actor), org.listTeams(db, actor), org.listUsers(db, actor, { status: 'active' })]);
      render(res, 'org/admin', { counts: { services: services.length, teams: teams.length, users: users.length } });
    });

    // ------------------------------------------------------------ services
    app.get('/admin/services', manage, async (_req, res) => {
      render(res, 'org/services', { services: await org.listServices(db, actorOf(res)) });
    });

    app.get('/admin/services/new', manage, async (_req, res) => {
      render(res, 'org/service-form', { ...(await choices(db, res)), values: {} });
    });

    app.post('/admin/services/new', manage, async (req, res) => {
      const form = parseForm(org.ServiceInput, req.body);
      if (!form.ok) return render(res, 'org/service-form', { ...(await choices(db, res)), values: form.values, errors: form.errors }, 400);
      try {
        await org.createService(db, actorOf(res), form.value);
      } catch (error) {
        const errors = formProblem(error);
        if (!errors) throw error;
        return render(res, 'org/service-form', { ...(await choices(db, res)), values: form.values, errors }, 400);
      }
      res.redirect(303, '/admin/services');
    });

    app.get('/admin/services/:serviceId/edit', manage, async (req, res) => {
      const service = await org.getService(db, actorOf(res), idParam(req, 'serviceId'));
      render(res, 'org/service-form', { ...(await choices(db, res)), values: service, serviceId: service.id });
    });

    app.post('/admin/services/:serviceId/edit', manage, async (req, res) => {
      const actor = actorOf(res);
      const id = idParam(req, 'serviceId');
      // The record first: an id from another council is not found, whatever the form holds (ASVS V8.2.2).
      await org.getService(db, actor, id);
      const form = parseForm(org.ServiceInput.and(Version), req.body);
      if (!form.ok) return render(res, 'org/service-form', { ...(await choices(db, res)), values: form.values, errors: form.errors, serviceId: id }, 400);
      try {
        await org.updateService(db, actor, id, form.value.version, form.value);
      } catch (error) {
        if (error instanceof ConflictError) {
          const current = await org.getService(db, actor, id);
          return render(res, 'org/service-form', { ...(await choices(db, res)), values: { ...form.values, version: current.version }, serviceId: id, conflict: { name: current.name } }, 409);
        }
        const errors = formProblem(error);
        if (!errors) throw error;
        return render(res, 'org/service-form', { ...(await choices(db, res)), values: form.values, errors, serviceId: id }, 400);
      }
      res.redirect(303, '/admin/services');
    });

    // ------------------------------------------------------------ teams
    app.get('/admin/teams', manage, async (_req, res) => {
      render(res, 'org/admin-teams', { teams: await org.listTeams(db, actorOf(res)) });
    });

    app.get('/admin/teams/new', manage, async (_req, res) => {
      render(res, 'org/team-form', { ...(await choices(db, res)), values: {} });
    });

    app.post('/admin/teams/new', manage, async (req, res) => {
      const form = parseForm(org.TeamInput, req.body);
      if (!form.ok) return render(res, 'org/team-form', { ...(await choices(db, res)), values: form.values, errors: form.errors }, 400);
      try {
        await org.createTeam(db, actorOf(res), form.value);
      } catch (error) {
        const errors = formProblem(error);
        if (!errors) throw error;
        return render(res, 'org/team-form', { ...(await choices(db, res)), values: form.values, errors }, 400);
      }
      res.redirect(303, '/admin/teams');
    });

    app.get('/admin/teams/:teamId/edit', manage, async (req, res) => {
      const team = await org.getTeam(db, actorOf(res), idParam(req, 'teamId'));
      render(res, 'org/team-form', { ...(await choices(db, res)), values: team, teamId: team.id });
    });

    app.post('/admin/teams/:teamId/edit', manage, async (req, res) => {
      const actor = actorOf(res);
      const id = idParam(req, 'teamId');
      // The record first: an id from another council is not found, whatever the form holds (ASVS V8.2.2).
      await org.getTeam(db, actor, id);
      const form = parseForm(org.TeamInput.and(Version), req.body);
      if (!form.ok) return render(res, 'org/team-form', { ...(await choices(db, res)), values: form.values, errors: form.errors, teamId: id }, 400);
      try {
        await org.updateTeam(db, actor, id, form.value.version, form.value);
      } catch (error) {
        if (error instanceof ConflictError) {
          const current = await org.getTeam(db, actor, id);
          return render(res, 'org/team-form', { ...(await choices(db, res)), values: { ...form.values, version: current.version }, teamId: id, conflict: { name: current.name } }, 409);
        }
        const errors = formProblem(error);
        if (!errors) throw error;
        return render(res, 'org/team-form', { ...(await choices(db, res)), values: form.values, errors, teamId: id }, 400);
      }
      res.redirect(303, '/admin/teams');
    });

    // ------------------------------------------------------------ users
    const UserFilter = z.object({
      teamId: z.uuid().optional().catch(undefined),
      role: z.enum(ROLES).optional().catch(undefined),
      status: z.enum(['active', 'disabled']).optional().catch(undefined),
    });

    app.get('/admin/users', manage, async (req, res) => {
      const actor = actorOf(res);
      const filter = UserFilter.parse(req.query);
      const [users, teams] = await Promise.all([org.listUsers(db, actor, filter), org.listTeams(db, actor)]);
      render(res, 'org/users', {
        users: users.map((u) => ({ ...u, roleLabels: u.roles.map((r) => ROLE_LABELS[r]) })),
        filter,
        teams: teams.map((t) => ({ value: t.id, text: t.name })),
        roleOptions,
      });
    });

    app.get('/admin/users/new', manage, async (_req, res) => {
      render(res, 'org/user-form', { ...(await choices(db, res)), values: { roles: [] } });
    });

    app.post('/admin/users/new', manage, async (req, res) => {
      const form = parseForm(org.NewUserInput, req.body);
      const values = { ...form.values, password: undefined };
      if (!form.ok) return render(res, 'org/user-form', { ...(await choices(db, res)), values, errors: form.errors }, 400);
      let id: string;
      try {
        id = await org.createUser(db, actorOf(res), form.value);
      } catch (error) {
        const errors = formProblem(error);
        if (!errors) throw error;
        return render(res, 'org/user-form', { ...(await choices(db, res)), values, errors }, 400);
      }
      await recordAccess(db, actorOf(res), { recordType: 'user', recordId: id, action: 'create' }, res.locals.requestId);
      res.redirect(303, `/admin/users/${id}`);
    });

    app.get('/admin/users/:userId', manage, async (req, res) => {
      const actor = actorOf(res);
      const user = await org.getUser(db, actor, idParam(req, 'userId'));
      await recordAccess(db, actor, { recordType: 'user', recordId: user.id, action: 'view' }, res.locals.requestId);
      render(res, 'org/user', { user: { ...user, roleLabels: user.roles.map((r) => ROLE_LABELS[r]) }, isSelf: user.id === actor.userId });
    });

    app.get('/admin/users/:userId/edit', manage, async (req, res) => {
      const user = await org.getUser(db, actorOf(res), idParam(req, 'userId'));
      render(res, 'org/user-form', { ...(await choices(db, res)), values: user, userId: user.id });
    });

    app.post('/admin/users/:userId/edit', manage, async (req, res) => {
      const actor = actorOf(res);
      const id = idParam(req, 'userId');
      // The record first: an id from another council is not found, whatever the form holds (ASVS V8.2.2).
      await org.getUser(db, actor, id);
      const form = parseForm(org.UserInput.and(Version), req.body);
      if (!form.ok) return render(res, 'org/user-form', { ...(await choices(db, res)), values: form.values, errors: form.errors, userId: id }, 400);
      try {
        await org.updateUser(db, actor, id, form.value.version, form.value);
      } catch (error) {
        if (error instanceof ConflictError) {
          const current = await org.getUser(db, actor, id);
          return render(
            res,
            'org/user-form',
            {
              ...(await choices(db, res)),
              values: { ...form.values, version: current.version },
              userId: id,
              conflict: { name: current.displayName, email: current.email, teamName: current.teamName, lineManagerName: current.lineManagerName, roles: current.roles.map((r) => ROLE_LABELS[r]).join(', ') },
            },
            409,
          );
        }
        const errors = formProblem(error);
        if (!errors) throw error;
        return render(res, 'org/user-form', { ...(await choices(db, res)), values: form.values, errors, userId: id }, 400);
      }
      await recordAccess(db, actor, { recordType: 'user', recordId: id, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/admin/users/${id}`);
    });

    // A forgotten password: the administrator confirms, then sees the temporary password once.
    const resetPage = async (res: Response, id: string) => {
      const user = await org.getUser(db, actorOf(res), id);
      return { id: user.id, displayName: user.displayName };
    };

    app.get('/admin/users/:userId/password-reset', manage, async (req, res) => {
      const id = idParam(req, 'userId');
      const user = await resetPage(res, id);
      render(res, 'org/user-password-reset', { user, status: await org.passwordResetStatus(db, actorOf(res), id) });
    });

    app.post('/admin/users/:userId/password-reset', manage, async (req, res) => {
      const actor = actorOf(res);
      const id = idParam(req, 'userId');
      const user = await resetPage(res, id);
      const result = await org.resetPassword(db, actor, id);
      if (!result.ok) return render(res, 'org/user-password-reset', { user, status: result.reason }, 409);
      await recordAccess(db, actor, { recordType: 'user-password', recordId: id, action: 'update' }, res.locals.requestId);
      render(res, 'org/user-password-reset', { user, status: 'allowed', reset: { temporaryPassword: result.temporaryPassword, expiresAt: result.expiresAt } });
    });

    for (const [path, disabled] of [
      ['disable', true],
      ['enable', false],
    ] as const) {
      app.post(`/admin/users/:userId/${path}`, manage, async (req, res) => {
        const actor = actorOf(res);
        const id = idParam(req, 'userId');
        await org.setUserDisabled(db, actor, id, disabled);
        await recordAccess(db, actor, { recordType: 'user', recordId: id, action: disabled ? 'disable' : 'enable' }, res.locals.requestId);
        res.redirect(303, `/admin/users/${id}`);
      });
    }
  },
};
