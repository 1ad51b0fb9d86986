/** Administrators keep the council's local closure days (bank holidays come with the product). */
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../http/app.ts';
import { NotFoundError } from '../http/errors.ts';
import { singleError, type FieldErrors } from '../http/forms.ts';
import { render } from '../http/render.ts';
import { englandAndWalesBankHolidays } from './bank-holidays.ts';
import { addClosure, ClosureInput, ClosureProblem, listClosures, removeClosure } from './closures.ts';
import { dateError, readDateInput } from './date-input.ts';
import { addYears, isIsoDate } from './iso-date.ts';
import { londonDate } from './london.ts';

declare module '../http/render.ts' {
  interface ViewModels {
    'platform/calendar/closures': {
      closures: Array<{ date: string; reason: string }>;
      bankHolidays: string[];
      values: Record<string, unknown>;
      errors?: FieldErrors;
    };
  }
}

export const calendarModule: AppModule = {
  navigation: [{ href: '/admin/calendar', text: 'Closure days', capability: 'calendar.manage' }],
  register(app, { db, now }) {
    const manage = requireCapability('calendar.manage');

    const page = async (res: Parameters<typeof actorOf>[0], values: Record<string, unknown>, errors?: FieldErrors) => {
      const today = londonDate(now());
      const yearAhead = addYears(today, 1);
      render(
        res,
        'platform/calendar/closures',
        {
          closures: await listClosures(db, actorOf(res)),
          bankHolidays: englandAndWalesBankHolidays.dates.filter((d) => d >= today && d <= yearAhead),
          values,
          ...(errors ? { errors } : {}),
        },
        errors ? 400 : 200,
      );
    };

    app.get('/admin/calendar', manage, async (_req, res) => page(res, {}));

    app.post('/admin/calendar/closures', manage, async (req, res) => {
      const values = (req.body ?? {}) as Record<string, unknown>;
      const date = readDateInput(values, 'date', 'The closure date');
      if (!date.ok) return page(res, values, dateError('date', date.message));
      if (!date.date) return page(res, values, dateError('date', 'Enter the date the council is closed'));
      const input = ClosureInput.safeParse({ date: date.date, reason: values.reason });
      if (!input.success) {
        const issue = input.error.issues[0]!;
        return page(res, values, issue.path[0] === 'reason' ? singleError('reason', issue.message) : dateError('date', issue.message));
      }
      try {
        await addClosure(db, actorOf(res), input.data);
      } catch (error) {
        if (error instanceof ClosureProblem) return page(res, values, dateError('date', error.message));
        throw error;
      }
      res.redirect(303, '/admin/calendar');
    });

    app.post('/admin/calendar/closures/:closureDate/remove', manage, async (req, res) => {
      const date = z.string().refine(isIsoDate).safeParse(req.params.closureDate);
      if (!date.success || !(await removeClosure(db, actorOf(res), date.data))) throw new NotFoundError();
      res.redirect(303, '/admin/calendar');
    });
  },
};
