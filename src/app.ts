/** The composition root: which modules make up the web application, in order. */
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Database } from './platform/db/client.ts';
import { createApp, type AppModule } from './platform/http/app.ts';
import { buildAssets } from './platform/http/assets.ts';
import { signingSecret } from './platform/auth/secrets.ts';
import { authModule, withIdentity } from './platform/auth/routes.ts';
import type { IdentitySettings } from './platform/auth/oidc/settings.ts';
import { homeModule } from './home/routes.ts';
import { notifyModule } from './platform/notify/routes.ts';
import { orgModule } from './org/routes.ts';
import { loadBuiltInCatalogue } from './standards/built-in.ts';
import { standardsModule } from './standards/routes.ts';
import { syncBuiltInCatalogue } from './standards/versions/service.ts';
import { auditsModule } from './audits/routes.ts';
import { programmeModule } from './audits/programme/routes.ts';
import { moderationModule } from './audits/moderation/routes.ts';
import { disputesModule } from './audits/disputes/routes.ts';
import { themesModule } from './audits/themes/routes.ts';
import { manualCasesModule } from './cases/manual/routes.ts';
import { casesModule } from './cases/routes.ts';
import { restrictionsModule } from './restrictions/routes.ts';
import { timelinessModule } from './timeliness/routes.ts';
import { actionsModule } from './actions/routes.ts';
import { calendarModule } from './platform/calendar/routes.ts';
import { jobsModule } from './platform/jobs/routes.ts';
import { insightsModule } from './insights/routes.ts';
import { governanceModule } from './governance/routes.ts';

export const MODULES: AppModule[] = [authModule, homeModule, notifyModule, orgModule, standardsModule, auditsModule, programmeModule, moderationModule, disputesModule, themesModule, manualCasesModule, restrictionsModule, casesModule, timelinessModule, actionsModule, calendarModule, jobsModule, insightsModule, governanceModule];

export interface BuildOptions {
  database: Database;
  logger: Logger;
  sessionSecret?: string | undefined;
  cookieSecure: boolean;
  development: boolean;
  trustProxy?: boolean;
  /** Local accounts and single sign-on; local accounts only when absent. */
  identity?: IdentitySettings | undefined;
  /** The built-in catalogue's folder (tests point it at broken copies). */
  standardsDir?: string;
  now?: () => Date;
}

/**
 * Builds the application. A broken built-in catalogue file throws here, so the server refuses
 * to start rather than let anyone audit against it.
 */
export async function buildWebApp(options: BuildOptions): Promise<Express> {
  const builtIn = await loadBuiltInCatalogue(options.standardsDir);
  await syncBuiltInCatalogue(options.database.db, builtIn.catalogue, builtIn.sources);
  return createApp({
    database: options.database,
    logger: options.logger,
    secret: await signingSecret(options.database.db, options.sessionSecret),
    assets: buildAssets(),
    modules: withIdentity(MODULES, options.identity),
    cookieSecure: options.cookieSecure,
    development: options.development,
    trustProxy: options.trustProxy ?? false,
    ...(options.now ? { now: options.now } : {}),
  });
}
