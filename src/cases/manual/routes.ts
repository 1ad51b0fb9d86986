/** Adding a child's case by hand (QA officers). */
import type { Response } from 'express';
import { actorOf, requireCapability, type AppModule } from '../../platform/http/app.ts';
import { parseForm, singleError, type FieldErrors } from '../../platform/http/forms.ts';
import { render } from '../../platform/http/render.ts';
import { recordAccess } from '../../platform/access-log/record.ts';
import { dateFields, linkDateErrors } from '../../audits/programme/dates.ts';

import { idParam } from '../../audits/programme/http.ts';
import { CASE_TYPE_LABELS, CASE_TYPES, caseTypeLabel } from './case-types.ts';
import { addCase, caseChoices, CaseFieldProblem, getAddedCase, NewCaseInput } from './service.ts';
import { londonDate } from '../../platform/calendar/london.ts';
import './views.ts';

const caseTypes = CASE_TYPES.map((value) => ({ value, text: CASE_TYPE_LABELS[value]! }));

export const manualCasesModule: AppModule = {
  register(app, { db, now }) {
    const manage = requireCapability('cases.manage');

    const form = async (res: Response, values: Record<string, unknown>, errors?: FieldErrors, status = 200) => {
      render(res, 'cases/manual/form', { ...(await caseChoices(db, actorOf(res))), caseTypes, values, ...(errors ? { errors } : {}) }, status);
    };

    app.get('/cases/new', manage, async (_req, res) => {
      await form(res, { dateOfBirth: { day: '', month: '', year: '' } });
    });

    app.post('/cases/new', manage, async (req, res) => {
      const values = { ...(req.body as Record<string, unknown>), dateOfBirth: dateFields('dateOfBirth', req.body as Record<string, unknown>) };
      const parsed = parseForm(NewCaseInput, values);
      if (!parsed.ok) return form(res, values, linkDateErrors(parsed.errors, 'dateOfBirth'), 400);
      const actor = actorOf(res);
      let id: string;
      try {
        id = await addCase(db, actor, parsed.value, londonDate(now()));
      } catch (error) {
        if (!(error instanceof CaseFieldProblem)) throw error;
        return form(res, values, linkDateErrors(singleError(error.field, error.message), 'dateOfBirth'), 400);
      }
      await recordAccess(db, actor, { recordType: 'child', recordId: id, action: 'create' }, res.locals.requestId);
      res.redirect(303, `/cases/added/${id}`);
    });

    app.get('/cases/added/:childId', manage, async (req, res) => {
      const actor = actorOf(res);
      const child = await getAddedCase(db, actor, idParam(req, 'childId'));
      await recordAccess(db, actor, { recordType: 'child', recordId: child.id, action: 'view' }, res.locals.requestId);
      render(res, 'cases/manual/added', { child: { ...child, caseType: caseTypeLabel(child.caseType) } });
    });
  },
};
