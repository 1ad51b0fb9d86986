/** Each person's home page: who they are in Sightline and where their work is. */
import { eq } from 'drizzle-orm';
import { actorOf, requireSignIn, type AppModule } from '../platform/http/app.ts';
import { render } from '../platform/http/render.ts';
import { ROLE_LABELS } from '../platform/auth/roles.ts';
import { can } from '../platform/auth/actor.ts';
import { teams } from '../org/schema.ts';
import { visibleTeamIds } from '../org/service.ts';
import { openAlertsFor } from '../audits/safeguarding.ts';
import { homeActions, type HomeActions } from '../actions/service.ts';

declare module '../platform/http/render.ts' {
  interface ViewModels {
    'home/home': {
      roles: string[];
      team: { id: string; name: string } | null;
      teamsInScope: number | 'all';
      canSeeTeams: boolean;
      /** Safeguarding concerns from audits waiting for this person's acknowledgement. */
      safeguardingAlerts: Array<{ alertId: string; childRef: string; raisedAt: Date; raisedByName: string }>;
      /** Their actions, sign-offs and teams' actions; null for people who hold no actions. */
      homeActions: HomeActions | null;
    };
  }
}

export const homeModule: AppModule = {
  navigation: [{ href: '/', text: 'Home' }],
  register(app, { db, now }) {
    app.get('/', requireSignIn, async (_req, res) => {
      const actor = actorOf(res);
      const [team] = actor.teamId ? await db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.id, actor.teamId)) : [];
      const scope = await visibleTeamIds(db, actor);
      const safeguardingAlerts = await openAlertsFor(db, actor);
      render(res, 'home/home', {
        roles: actor.roles.map((r) => ROLE_LABELS[r]),
        team: team ?? null,
        teamsInScope: scope === 'all' ? 'all' : scope.length,
        canSeeTeams: can(actor, 'org.view'),
        safeguardingAlerts,
        homeActions: can(actor, 'actions.view') ? await homeActions(db, actor, now()) : null,
      });
    });
  },
};
