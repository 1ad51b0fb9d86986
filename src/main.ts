/**
 * The `sightline` command line: serve | demo | migrate | compliance | import | backup | restore | dispose.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { users } from './org/schema.ts';
import { CatalogueError } from './standards/load.ts';
import { BuiltInVersionConflict } from './standards/versions/service.ts';
import { openDatabase, type Database } from './platform/db/client.ts';
import { DataDirLockedError } from './platform/db/lock.ts';
import { createLogger } from './platform/http/logger.ts';
import { buildWebApp } from './app.ts';
import { interruptAbandonedImports } from './cases/import-interruption.ts';
import { loadDemo as loadDemoData } from './demo/index.ts';
import { DEMO_ACCOUNTS, generateDemoPassword, isDatabaseEmpty } from './demo/northbridge.ts';

const HELP = `Usage: sightline <command> [options]

Commands:
  serve [--demo]      Start the web application. With --demo, load the demo council
                      (Northbridge) first if the database is empty.
  demo                Load the demo council into an empty database.
  migrate             Apply database migrations, then exit.
  jobs run-once       Run the background jobs (action reminders and escalations, the daily
                      timeliness recomputation, e-mail delivery) once, then exit.
  compliance FILE_OR_DIR... --as-of YYYY-MM-DD [--format json|csv|table]
                      Compute timeliness compliance from case-data extracts (Annex A,
                      SSDA903, CIN census, SSD), with no database or server.
  import FILE_OR_DIR... [--organisation NAME_OR_ID] [--max-file-mb N]
                      Import case-data extracts into the database, with progress.
  backup [--out FILE] Write every record to one file (gzip'd JSON lines with a manifest),
                      from either database; restores into either.
  dispose [--as-of YYYY-MM-DD] [--organisation NAME_OR_ID] [--apply]
                      List the records due for disposal under the retention schedule;
                      with --apply, dispose of them (a dry run otherwise).
  restore FILE [--force]
                      Restore a backup into an empty database (--force: replace what it
                      holds), in one transaction, checked against the manifest.

Options:
  -h, --help          Show this help.

Configuration is by environment variable: PORT, HOST, DATABASE_URL, SIGHTLINE_DATA_DIR,
DEMO_PASSWORD, SESSION_SECRET, COOKIE_SECURE, LOG_LEVEL, NODE_ENV, TRUST_PROXY, PUBLIC_URL,
EMAIL_TRANSPORT, EMAIL_DIR, EMAIL_FROM, SMTP_URL, NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID,
JOBS_INTERVAL_MINUTES, LOCAL_ACCOUNTS, OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
OIDC_REDIRECT_URL, OIDC_GROUPS_CLAIM, OIDC_ROLE_MAP, TOTP_ENCRYPTION_KEY (see README).
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'demo':
        return await demo(rest);
      case 'migrate':
        return await migrateOnly(rest);
      case 'jobs':
        return await jobsRunOnce(rest);
      case 'backup':
      case 'restore': {
        const { runBackupCommand, runRestoreCommand } = await import('./platform/backup/command.ts');
        const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
        return await (command === 'backup' ? runBackupCommand : runRestoreCommand)(rest, io, () => open(loadConfig()));
      }
      case 'dispose': {
        const { runDisposeCommand } = await import('./governance/dispose-command.ts');
        return await runDisposeCommand(rest, { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) }, () => open(loadConfig()));
      }
      case 'compliance': {
        const { runComplianceCommand } = await import('./timeliness/compliance-command.ts');
        return await runComplianceCommand(rest, { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) });
      }
      case 'import': {
        const { runImportCommand } = await import('./cases/import-command.ts');
        const out = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s), interactive: process.stderr.isTTY === true };
        return await runImportCommand(rest, out, () => open(loadConfig()));
      }
      default:
        process.stderr.write(`Unknown command: ${command}\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CatalogueError || error instanceof BuiltInVersionConflict) {
      process.stderr.write(`Sightline cannot start: the built-in standards catalogue is broken.\n${error.message}\n`);
      return 1;
    }
    if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

class UsageError extends Error {}

function options<S extends Record<string, { type: 'boolean' }>>(args: string[], spec: S) {
  try {
    return parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } as const, ...spec }, allowPositionals: false }).values as {
      [K in keyof S | 'help']?: boolean;
    };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
  }
}

async function open(config: Config): Promise<Database> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  return database;
}

async function migrateOnly(args: string[]): Promise<number> {
  if (options(args, {}).help) return help();
  const database = await open(loadConfig());
  await database.close();
  console.log('Migrations applied.');
  return 0;
}

async function demo(args: string[]): Promise<number> {
  if (options(args, {}).help) return help();
  const config = loadConfig();
  const database = await open(config);
  try {
    if (!(await isDatabaseEmpty(database.db))) {
      console.error('The database already holds data; the demo council is only loaded into an empty database.');
      return 1;
    }
    await loadDemo(database, config);
    return 0;
  } finally {
    await database.close();
  }
}

async function jobsRunOnce(args: string[]): Promise<number> {
  if (args[0] !== 'run-once') throw new UsageError(`Usage: sightline jobs run-once\n\n${HELP}`);
  const config = loadConfig();
  const database = await open(config);
  try {
    const { runBackgroundJobsOnce } = await import('./platform/jobs/background.ts');
    const results = await runBackgroundJobsOnce(database.db, config, createLogger(config.logLevel));
    for (const r of results) console.log(`${r.job}: ${r.status} after ${r.attempts} attempt(s)${r.summary ? ` ${JSON.stringify(r.summary)}` : ''}`);
    return results.every((r) => r.status === 'succeeded') ? 0 : 1;
  } finally {
    await database.close();
  }
}

function help(): number {
  process.stdout.write(HELP);
  return 0;
}

function demoPasswordFile(config: Config): string | undefined {
  return config.databaseUrl ? undefined : path.join(config.dataDir, 'demo-password.txt');
}

async function loadDemo(database: Database, config: Config): Promise<void> {
  const password = config.demoPassword ?? generateDemoPassword();
  await loadDemoData(database.db, password);
  const file = demoPasswordFile(config);
  // Only a generated password is kept, in the embedded database's own folder, so a restart can
  // show it again; a password chosen through DEMO_PASSWORD is the operator's to remember.
  if (file && !config.demoPassword) fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  console.log('Loaded the demo council, Northbridge.');
  printAccounts(password);
}

function printAccounts(password: string | undefined): void {
  console.log('\nDemo sign-in accounts (one per role):');
  for (const account of DEMO_ACCOUNTS) console.log(`  ${account.role.padEnd(17)} ${account.email}`);
  console.log(password ? `Password for every demo account: ${password}` : 'Password: the DEMO_PASSWORD set when the demo was loaded.');
}

async function serve(args: string[]): Promise<number> {
  const flags = options(args, { demo: { type: 'boolean' } });
  if (flags.help) return help();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const started = performance.now();
  const database = await open(config);

  if (flags.demo) {
    if (await isDatabaseEmpty(database.db)) {
      await loadDemo(database, config);
    } else if (await isDemo(database)) {
      const file = demoPasswordFile(config);
      printAccounts(config.demoPassword ?? (file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined));
    }
  }

  // Imports a stopped server left unfinished are marked interrupted before anyone can start another.
  const interrupted = await interruptAbandonedImports(database);
  if (interrupted.length > 0) logger.warn({ imports: interrupted }, 'case-data imports left unfinished by a stopped server marked interrupted');

  // Loaded before listening, so Ctrl+C works as soon as the address is printed.
  const { startBackgroundJobs } = await import('./platform/jobs/background.ts');
  const app = await buildWebApp({
    database,
    logger,
    sessionSecret: config.sessionSecret,
    cookieSecure: config.cookieSecure,
    development: config.development,
    trustProxy: config.trustProxy,
    identity: config.identity,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(
    `\nSightline is running at http://${host}:${port} on ${database.engine === 'pglite' ? `the embedded database (${config.dataDir})` : 'PostgreSQL'}` +
      ` — started in ${Math.round(performance.now() - started)} ms. Press Ctrl+C to stop.`,
  );

  const jobs = config.jobsIntervalMinutes > 0 ? startBackgroundJobs(database.db, config, logger) : undefined;

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`\n${signal} received: stopping.`);
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await jobs?.stop();
  // Closing the embedded database checkpoints it and releases the data-folder lock.
  await database.close();
  return 0;
}

async function isDemo(database: Database): Promise<boolean> {
  const rows = await database.db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_ACCOUNTS[0]!.email));
  return rows.length > 0;
}
