/**
 * The web application: security headers, sessions, CSRF, assets, the domain modules' routes,
 * and the 404 and error pages. Everything it needs is passed in; nothing is global.
 */
import crypto from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import multer from 'multer';
import type { Logger } from 'pino';
import type { Database, Db } from '../db/client.ts';
import { can, ForbiddenError, type Actor } from '../auth/actor.ts';
import type { Capability } from '../auth/roles.ts';
import { safeReturnPath } from '../auth/oidc/settings.ts';
import type { Assets } from './assets.ts';
import { csrfProtection, csrfToken } from './csrf.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { replayProtection } from './replay.ts';
import { requestLogger } from './logger.ts';
import { configureViews } from './render.ts';
import { cookieNames, sessionMiddleware, type CookieNames } from './session.ts';

export interface NavItem {
  href: string;
  text: string;
  /** Shown only to users with this capability; omitted means every signed-in user. */
  capability?: Capability;
  /** A number shown beside the link (unread notifications, overdue actions, …). */
  count?: (db: Db, actor: Actor) => Promise<number>;
}

export interface AppContext {
  db: Db;
  database: Database;
  logger: Logger;
  secret: string;
  cookies: CookieNames;
  development: boolean;
  now: () => Date;
}

/** A domain's contribution to the web application. */
export interface AppModule {
  navigation?: NavItem[];
  register(app: Express, context: AppContext): void;
}

export interface AppOptions {
  database: Database;
  logger: Logger;
  secret: string;
  assets: Assets;
  modules: AppModule[];
  cookieSecure: boolean;
  development: boolean;
  trustProxy: boolean;
  /** The largest file a form may upload; routes may set lower limits of their own. */
  maxUploadBytes?: number;
  now?: () => Date;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.set('query parser', 'simple');
  configureViews(app, { development: options.development });

  const context: AppContext = {
    db: options.database.db,
    database: options.database,
    logger: options.logger,
    secret: options.secret,
    cookies: cookieNames(options.cookieSecure),
    development: options.development,
    now: options.now ?? (() => new Date()),
  };
  const navigation = options.modules.flatMap((m) => m.navigation ?? []);

  app.use((_req, res, next) => {
    res.locals.requestId = crypto.randomUUID();
    res.locals.cspNonce = crypto.randomBytes(16).toString('base64');
    res.setHeader('X-Request-Id', res.locals.requestId);
    next();
  });
  app.use(requestLogger(options.logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          upgradeInsecureRequests: options.cookieSecure ? [] : null,
        },
      },
      strictTransportSecurity: options.cookieSecure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.use((_req, res, next) => {
    // Pages show children's records: never keep them in shared or browser caches.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    next();
  });

  app.get('/assets/{*file}', (req, res, next) => {
    const asset = options.assets.files.get(req.path);
    if (!asset) return next();
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.send(asset.body);
  });

  app.get('/health', async (_req, res) => {
    const database = await options.database.ping();
    res.status(database ? 200 : 503).json({ status: database ? 'ok' : 'unavailable', database: database ? 'reachable' : 'unreachable' });
  });

  app.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 2000 }));
  app.use(express.json({ limit: '1mb' }));
  // Multipart forms are parsed here, before the CSRF check, so an upload carries its token in
  // the form like any other; files stay in memory and never touch a path built from their name.
  const uploads = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES, files: 20, fields: 200, parts: 220 },
  }).any();
  app.use((req, res, next) => (req.is('multipart/form-data') ? uploads(req, res, next) : next()));
  app.use(sessionMiddleware(context.db, context.cookies, context.now));
  app.use(csrfProtection(options.secret));
  app.use(replayProtection(context.db, context.now, options.logger));
  app.use(passwordChangeFirst);
  app.use(async (req, res, next) => {
    const actor = res.locals.actor as Actor | undefined;
    res.locals.csrfToken = csrfToken(options.secret, res.locals.csrfBinding as string);
    res.locals.assets = options.assets.urls;
    res.locals.currentPath = req.path;
    res.locals.navigation =
      actor && req.method === 'GET' && !res.locals.mustChangePassword
        ? await Promise.all(
            navigation
              .filter((item) => !item.capability || can(actor, item.capability))
              .map(async (item) => ({
                href: item.href,
                text: item.text,
                count: item.count ? await item.count(context.db, actor) : 0,
                active: item.href === '/' ? req.path === '/' : req.path.startsWith(item.href),
              })),
          )
        : [];
    next();
  });

  for (const module of options.modules) module.register(app, context);

  app.use(notFoundHandler);
  app.use(errorHandler(options.logger, options.development));
  return app;
}

/**
 * Where a signed-out visitor is sent: the sign-in page, which brings them back to the page they
 * asked for once signed in. Only for GET: a form posted after the session ended cannot be replayed
 * from a redirect, so it returns to the start.
 */
function toSignIn(req: express.Request, res: express.Response): void {
  const back = req.method === 'GET' ? safeReturnPath(req.originalUrl) : undefined;
  res.redirect(303, back && back !== '/' ? `/sign-in?return-to=${encodeURIComponent(back)}` : '/sign-in');
}

/**
 * Someone signed in with a password an administrator set may only replace it, or sign out
 * (ASVS V6.4.1): every other page sends them to the change-password page, which says why.
 */
const passwordChangeFirst: RequestHandler = (req, res, next) => {
  if (!res.locals.mustChangePassword || req.path === '/account/password' || (req.method === 'POST' && req.path === '/sign-out')) return next();
  res.redirect(303, '/account/password');
};

/** Signed-in users only; anyone else is sent to sign in. */
export const requireSignIn: RequestHandler = (req, res, next) => {
  if (!res.locals.actor) return toSignIn(req, res);
  next();
};

/** Signed-in users holding the capability; the service checks again. */
export function requireCapability(capability: Capability): RequestHandler {
  return (req, res, next) => {
    const actor = res.locals.actor as Actor | undefined;
    if (!actor) return toSignIn(req, res);
    if (!can(actor, capability)) throw new ForbiddenError();
    next();
  };
}

export function actorOf(res: express.Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new ForbiddenError();
  return actor;
}
