/** The QA team's audit programme: programmes, drawing rounds, allocating them. */
import type { Response } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../../platform/http/app.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { parseForm, singleError } from '../../platform/http/forms.ts';
import { render } from '../../platform/http/render.ts';
import { recordAccess } from '../../platform/access-log/record.ts';
import { can, type Actor } from '../../platform/auth/actor.ts';
import type { Db } from '../../platform/db/client.ts';
import { englandAndWalesCalendar } from '../../platform/calendar/index.ts';
import { listCatalogue } from '../../standards/versions/service.ts';
import { CASE_TYPE_LABELS, CASE_TYPES } from '../../cases/manual/case-types.ts';
import * as programmes from './service.ts';
import * as roundsService from './rounds.ts';
import { dateFields, dateParts, linkDateErrors } from './dates.ts';
import { idParam, VersionField } from './http.ts';
import { placeNames, peopleOf } from './people.ts';
import { explainRules, presentRound, STRATIFY_LABELS } from './present.ts';
import { STRATIFY_BY, TARGETS } from './sampling.ts';
import type { ProgrammeRow } from './views.ts';
import { londonDate } from '../../platform/calendar/london.ts';
import './views.ts';

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const cadenceOptions = programmes.CADENCES.map((value) => ({ value, text: programmes.CADENCE_LABELS[value] }));
const caseTypeOptions = CASE_TYPES.map((value) => ({ value, text: CASE_TYPE_LABELS[value]! }));

async function rows(db: Db, actor: Actor, list: programmes.ProgrammeSummary[]): Promise<ProgrammeRow[]> {
  const [catalogue, choices] = await Promise.all([listCatalogue(db, actor), programmes.programmeChoices(db, actor)]);
  return list.map((p) => ({
    ...p,
    toolTitle: catalogue.find((e) => e.catalogueId === p.toolId)?.title ?? p.toolId,
    activityTitle: choices.activities.find((a) => a.value === p.activity)?.text ?? null,
    cadenceLabel: programmes.CADENCE_LABELS[p.cadence],
  }));
}

/** Date inputs arrive as three fields; the schemas read them as one. */
function withDates(body: unknown, ...names: string[]): Record<string, unknown> {
  const values = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return { ...values, ...Object.fromEntries(names.map((n) => [n, dateFields(n, values)])) };
}

function scheduleText(schedule: programmes.ScheduledTheme[]): string {
  return schedule.map((s) => `${s.month}: ${s.theme}`).join('\n');
}

export const programmeModule: AppModule = {
  navigation: [{ href: '/programmes', text: 'Programme', capability: 'programme.manage' }],
  register(app, { db, now }) {
    const manage = requireCapability('programme.manage');

    const formChoices = async (actor: Actor) => ({ ...(await programmes.programmeChoices(db, actor)), cadences: cadenceOptions, caseTypes: caseTypeOptions });

    const showForm = async (res: Response, values: Record<string, unknown>, extra: { errors?: ReturnType<typeof singleError>; programmeId?: string; conflict?: Record<string, string> } = {}, status = 200) => {
      render(res, 'audits/programme/form', { choices: await formChoices(actorOf(res)), values, ...extra }, status);
    };

    app.get('/programmes', manage, async (_req, res) => {
      const actor = actorOf(res);
      render(res, 'audits/programme/list', { programmes: await rows(db, actor, await programmes.listProgrammes(db, actor)), canAddCase: can(actor, 'cases.manage') });
    });

    app.get('/programmes/new', manage, async (_req, res) => {
      const today = londonDate(now());
      await showForm(res, { sampleSize: '6', exclusionMonths: '12', dueInWorkingDays: '20', cadence: 'monthly', auditorIds: [], caseTypes: [], startsOn: dateParts(today) });
    });

    app.post('/programmes/new', manage, async (req, res) => {
      const body = withDates(req.body, 'startsOn');
      const form = parseForm(programmes.ProgrammeInput, body);
      if (!form.ok) return showForm(res, body, { errors: linkDateErrors(form.errors, 'startsOn') }, 400);
      try {
        const id = await programmes.createProgramme(db, actorOf(res), form.value);
        res.redirect(303, `/programmes/${id}`);
      } catch (error) {
        if (!(error instanceof programmes.FieldProblem)) throw error;
        await showForm(res, body, { errors: singleError(error.field, error.message) }, 400);
      }
    });

    app.get('/programmes/:programmeId', manage, async (req, res) => {
      const actor = actorOf(res);
      const programme = await programmes.getProgramme(db, actor, idParam(req, 'programmeId'));
      const [row] = await rows(db, actor, [programme]);
      const people = await peopleOf(db, actor.organisationId);
      render(res, 'audits/programme/show', {
        programme: row!,
        auditors: programme.auditorIds.map((id) => {
          const p = people.find((x) => x.id === id);
          return { name: p?.name ?? 'Former member of staff', team: p?.teamName ?? 'No team' };
        }),
        caseTypes: programme.caseTypes.map((t) => CASE_TYPE_LABELS[t] ?? t),
        schedule: programme.schedule.map((s) => ({ ...s, label: MONTH.format(new Date(`${s.month}-15T12:00:00Z`)) })),
        rounds: await programmes.listRounds(db, actor, programme.id),
      });
    });

    app.get('/programmes/:programmeId/edit', manage, async (req, res) => {
      const programme = await programmes.getProgramme(db, actorOf(res), idParam(req, 'programmeId'));
      await showForm(
        res,
        {
          ...programme,
          active: programme.active ? 'yes' : 'no',
          startsOn: dateParts(programme.startsOn),
          schedule: scheduleText(programme.schedule),
          sampleSize: String(programme.sampleSize),
          exclusionMonths: String(programme.exclusionMonths),
          dueInWorkingDays: String(programme.dueInWorkingDays),
        },
        { programmeId: programme.id },
      );
    });

    const Active = z.object({ active: z.enum(['yes', 'no'], { message: 'Select whether the programme is running' }) });

    app.post('/programmes/:programmeId/edit', manage, async (req, res) => {
      const actor = actorOf(res);
      const id = idParam(req, 'programmeId');
      // The record first: an id from another council is not found, whatever the form holds (ASVS V8.2.2).
      await programmes.getProgramme(db, actor, id);
      const body = withDates(req.body, 'startsOn');
      const form = parseForm(programmes.ProgrammeInput.and(VersionField).and(Active), body);
      if (!form.ok) return showForm(res, body, { errors: linkDateErrors(form.errors, 'startsOn'), programmeId: id }, 400);
      try {
        await programmes.updateProgramme(db, actor, id, form.value.version, { ...form.value, active: form.value.active === 'yes' });
      } catch (error) {
        if (error instanceof ConflictError) {
          const current = await programmes.getProgramme(db, actor, id);
          const [row] = await rows(db, actor, [current]);
          return showForm(
            res,
            { ...body, version: current.version },
            {
              programmeId: id,
              conflict: {
                Name: current.title,
                Tool: row!.toolTitle,
                'How often': row!.cadenceLabel,
                'Cases in each round': String(current.sampleSize),
                'Months before a case is audited again': String(current.exclusionMonths),
                'Working days to complete an audit': String(current.dueInWorkingDays),
                Running: current.active ? 'Yes' : 'No',
              },
            },
            409,
          );
        }
        if (!(error instanceof programmes.FieldProblem)) throw error;
        return showForm(res, body, { errors: singleError(error.field, error.message), programmeId: id }, 400);
      }
      res.redirect(303, `/programmes/${id}`);
    });

    const roundForm = async (res: Response, programmeId: string, values: Record<string, unknown>, errors?: ReturnType<typeof singleError>, status = 200) => {
      const actor = actorOf(res);
      const programme = await programmes.getProgramme(db, actor, programmeId);
      const [row] = await rows(db, actor, [programme]);
      const choices = await programmes.programmeChoices(db, actor);
      const candidates = await roundsService.loadCandidates(db, actor.organisationId, programme.caseTypes);
      render(
        res,
        'audits/programme/round-form',
        {
          programme: row!,
          values,
          ...(errors ? { errors } : {}),
          auditors: choices.auditors,
          stratifyOptions: STRATIFY_BY.map((value) => ({ value, text: STRATIFY_LABELS[value] })),
          targets: [...TARGETS.values()].map((t) => ({ value: t.id, text: t.label, hint: t.explanation })),
          rules: explainRules(programme.exclusionMonths, null),
          candidateCount: candidates.length,
        },
        status,
      );
    };

    app.get('/programmes/:programmeId/rounds/new', manage, async (req, res) => {
      const actor = actorOf(res);
      const id = idParam(req, 'programmeId');
      const programme = await programmes.getProgramme(db, actor, id);
      const today = londonDate(now());
      const due = englandAndWalesCalendar().addWorkingDays(today, programme.dueInWorkingDays);
      await roundForm(res, id, {
        title: `${programme.title}: ${MONTH.format(now())}`,
        method: 'random',
        sampleSize: String(programme.sampleSize),
        exclusionMonths: String(programme.exclusionMonths),
        auditorIds: programme.auditorIds,
        dueDate: dateParts(due),
      });
    });

    app.post('/programmes/:programmeId/rounds/new', manage, async (req, res) => {
      const id = idParam(req, 'programmeId');
      const body = withDates(req.body, 'dueDate');
      const form = parseForm(roundsService.RoundInput, body);
      if (!form.ok) return roundForm(res, id, body, linkDateErrors(form.errors, 'dueDate'), 400);
      const today = londonDate(now());
      if (form.value.dueDate <= today) return roundForm(res, id, body, linkDateErrors(singleError('dueDate', 'The due date must be in the future'), 'dueDate'), 400);
      try {
        const roundId = await roundsService.drawRound(db, actorOf(res), id, form.value, today);
        res.redirect(303, `/rounds/${roundId}`);
      } catch (error) {
        if (!(error instanceof programmes.FieldProblem)) throw error;
        await roundForm(res, id, body, singleError(error.field, error.message), 400);
      }
    });

    app.get('/rounds/:auditRoundId', manage, async (req, res) => {
      const actor = actorOf(res);
      const round = await roundsService.getRound(db, actor, idParam(req, 'auditRoundId'));
      await recordAccess(db, actor, { recordType: 'audit-round', recordId: round.id, action: 'view' }, res.locals.requestId);
      // Once allocated, the page lists the round's audits: each is a view of that audit.
      if (round.allocation.state === 'allocated') {
        for (const audit of round.allocation.audits) await recordAccess(db, actor, { recordType: 'audit', recordId: audit.id, action: 'view' }, res.locals.requestId);
      }
      render(res, 'audits/programme/round', { round: presentRound(round, await placeNames(db, actor.organisationId)) });
    });

    app.post('/rounds/:auditRoundId/allocate', manage, async (req, res) => {
      const actor = actorOf(res);
      const id = idParam(req, 'auditRoundId');
      try {
        await roundsService.allocateRound(db, actor, id, londonDate(now()));
      } catch (error) {
        if (error instanceof ConflictError) {
          return render(res, 'platform/error', { title: 'This round has already been allocated', message: 'Someone allocated it a moment ago. Go back to the round to see its audits.' }, 409);
        }
        if (error instanceof roundsService.RoundProblem) return render(res, 'platform/error', { title: 'The round cannot be allocated', message: error.message }, 409);
        throw error;
      }
      await recordAccess(db, actor, { recordType: 'audit-round', recordId: id, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/rounds/${id}`);
    });
  },
};
