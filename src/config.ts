/**
 * Environment → typed configuration. Everything the operator can set is here and in the README;
 * nothing else reads process.env.
 */
import path from 'node:path';
import { z } from 'zod';
import type { EmailSettings } from './platform/notify/email/transport.ts';
import { isAcceptableIssuer, parseRoleMap, RoleMapError, type IdentitySettings } from './platform/auth/oidc/settings.ts';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  SIGHTLINE_DATA_DIR: z.string().min(1).default('data'),
  DEMO_PASSWORD: z.string().min(12, 'DEMO_PASSWORD must be at least 12 characters').optional(),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  COOKIE_SECURE: booleanFlag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  TRUST_PROXY: booleanFlag.default(false),
  PUBLIC_URL: z.string().url().optional(),
  EMAIL_TRANSPORT: z.enum(['file', 'smtp', 'notify']).default('file'),
  EMAIL_DIR: z.string().min(1).optional(),
  EMAIL_FROM: z.string().min(3).default('Sightline <sightline@localhost>'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://')
    .optional(),
  NOTIFY_API_KEY: z.string().min(74, 'NOTIFY_API_KEY must be a GOV.UK Notify API key').optional(),
  NOTIFY_TEMPLATE_ID: z.uuid({ message: 'NOTIFY_TEMPLATE_ID must be the template\'s id (a UUID)' }).optional(),
  JOBS_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(1440).default(15),
  LOCAL_ACCOUNTS: booleanFlag.default(true),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_REDIRECT_URL: z.string().url().optional(),
  OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  OIDC_ROLE_MAP: z.string().optional(),
  TOTP_ENCRYPTION_KEY: z.string().min(32, 'TOTP_ENCRYPTION_KEY must be at least 32 characters').optional(),
}).superRefine((e, ctx) => {
  const oidc = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set together or not at all' });
  if (e.OIDC_ISSUER && !isAcceptableIssuer(new URL(e.OIDC_ISSUER))) ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'OIDC_ISSUER must be an https:// address (plain http only on this machine)' });
  if (!e.LOCAL_ACCOUNTS && !e.OIDC_ISSUER) ctx.addIssue({ code: 'custom', path: ['LOCAL_ACCOUNTS'], message: 'LOCAL_ACCOUNTS=false needs single sign-on (OIDC_ISSUER…): otherwise nobody could sign in' });
  try {
    parseRoleMap(e.OIDC_ROLE_MAP);
  } catch (error) {
    if (!(error instanceof RoleMapError)) throw error;
    ctx.addIssue({ code: 'custom', path: ['OIDC_ROLE_MAP'], message: `OIDC_ROLE_MAP: ${error.message}` });
  }
  if (e.EMAIL_TRANSPORT === 'smtp' && !e.SMTP_URL) ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'SMTP_URL is required when EMAIL_TRANSPORT is smtp' });
  if (e.EMAIL_TRANSPORT === 'notify' && !e.NOTIFY_API_KEY) ctx.addIssue({ code: 'custom', path: ['NOTIFY_API_KEY'], message: 'NOTIFY_API_KEY is required when EMAIL_TRANSPORT is notify' });
  if (e.EMAIL_TRANSPORT === 'notify' && !e.NOTIFY_TEMPLATE_ID) ctx.addIssue({ code: 'custom', path: ['NOTIFY_TEMPLATE_ID'], message: 'NOTIFY_TEMPLATE_ID is required when EMAIL_TRANSPORT is notify' });
});

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; when absent the embedded database (PGlite) is used. */
  databaseUrl: string | undefined;
  /** Folder of the embedded database (ignored when databaseUrl is set). */
  dataDir: string;
  demoPassword: string | undefined;
  sessionSecret: string | undefined;
  cookieSecure: boolean;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** Development shows error details; production and test never do. */
  development: boolean;
  trustProxy: boolean;
  /** Sightline's address as people reach it: the links in e-mails. */
  publicUrl: string;
  /** How e-mail leaves: a folder of .eml files (the default), SMTP, or GOV.UK Notify. */
  email: EmailSettings;
  /** Minutes between runs of the background jobs (reminders, escalations, e-mail); 0: none. */
  jobsIntervalMinutes: number;
  /** Local accounts, single sign-on through the council's identity provider, the TOTP key. */
  identity: IdentitySettings;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as shells and .env files commonly write it.
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.SIGHTLINE_DATA_DIR),
    demoPassword: e.DEMO_PASSWORD,
    sessionSecret: e.SESSION_SECRET,
    cookieSecure: e.COOKIE_SECURE,
    logLevel: e.LOG_LEVEL,
    development: e.NODE_ENV === 'development',
    trustProxy: e.TRUST_PROXY,
    publicUrl,
    email: emailSettings(e),
    jobsIntervalMinutes: e.JOBS_INTERVAL_MINUTES,
    identity: identitySettings(e, publicUrl),
  };
}

function identitySettings(e: z.infer<typeof EnvSchema>, publicUrl: string): IdentitySettings {
  return {
    localAccounts: e.LOCAL_ACCOUNTS,
    totpEncryptionKey: e.TOTP_ENCRYPTION_KEY,
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            issuer: new URL(e.OIDC_ISSUER),
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            redirectUrl: new URL(e.OIDC_REDIRECT_URL ?? new URL('/sign-in/sso/callback', publicUrl).href),
            groupsClaim: e.OIDC_GROUPS_CLAIM,
            roleMap: parseRoleMap(e.OIDC_ROLE_MAP),
          }
        : undefined,
  };
}

function emailSettings(e: z.infer<typeof EnvSchema>): EmailSettings {
  switch (e.EMAIL_TRANSPORT) {
    case 'smtp':
      return { transport: 'smtp', url: e.SMTP_URL!, from: e.EMAIL_FROM };
    case 'notify':
      return { transport: 'notify', apiKey: e.NOTIFY_API_KEY!, templateId: e.NOTIFY_TEMPLATE_ID! };
    case 'file':
      return { transport: 'file', dir: path.resolve(e.EMAIL_DIR ?? path.join(e.SIGHTLINE_DATA_DIR, 'outbox')) };
  }
}
