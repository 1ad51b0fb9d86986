/**
 * Typed views. Each domain declares the model its views take by adding to `ViewModels`
 * (declaration merging), so `render(res, 'org/users', model)` fails to compile with the wrong
 * model. View names map to files: `org/users` → `src/org/views/users.njk`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express, Response } from 'express';
import nunjucks from 'nunjucks';
import { withSubmissionIds } from './replay.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by each domain's views.ts
export interface ViewModels {}

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GOVUK = path.resolve(SRC, '../node_modules/govuk-frontend/dist');

export function viewFile(view: string): string {
  const slash = view.indexOf('/');
  return `${view.slice(0, slash)}/views/${view.slice(slash + 1)}.njk`;
}

export function render<V extends keyof ViewModels>(res: Response, view: V, model: ViewModels[V], status = 200): void {
  res.status(status).render(viewFile(view as string), model as object);
}

export function configureViews(app: Express, options: { development: boolean }): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([SRC, GOVUK], { noCache: options.development }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addFilter('date', formatDate);
  env.addFilter('dateTime', formatDateTime);
  app.set('view engine', 'njk');
  app.engine('njk', (file: string, context: object, callback: (err: Error | null, html?: string) => void) => {
    const name = path.relative(SRC, file).split(path.sep).join('/');
    // Every form carrying the CSRF token gets its single-use submission id here, in one place.
    env.render(name, context, (err, html) => callback(err, html ? withSubmissionIds(html) : undefined));
  });
  app.set('views', SRC);
  return env;
}

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const DAY_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});

/** "3 March 2026": the GOV.UK style for dates. ISO date strings are read as calendar dates. */
export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return '';
  const date = typeof value === 'string' ? new Date(`${value.slice(0, 10)}T12:00:00Z`) : value;
  return Number.isNaN(date.getTime()) ? '' : DAY.format(date);
}

export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return '';
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? '' : DAY_TIME.format(date).replace(' am', 'am').replace(' pm', 'pm');
}
