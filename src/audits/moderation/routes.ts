/** Stage 2 pages: the moderation pool, the moderation form, and the council's moderation share. */
import type { Response } from 'express';
import { z } from 'zod';
import { actorOf, requireCapability, type AppModule } from '../../platform/http/app.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { parseForm, type FieldErrors } from '../../platform/http/forms.ts';
import { getAuditToolVersion } from '../../standards/versions/service.ts';
import { render } from '../../platform/http/render.ts';
import { recordAccess } from '../../platform/access-log/record.ts';
import { can, type Actor } from '../../platform/auth/actor.ts';
import type { Db } from '../../platform/db/client.ts';
import { STATUS_LABELS } from '../lifecycle.ts';
import { idParam, VersionField } from '../programme/http.ts';
import { readModerationForm } from './form.ts';
import * as moderation from './service.ts';
import type { ModerationItemView, PoolItem } from './views.ts';
import './views.ts';

export const SELECTED_BECAUSE: Record<string, string> = {
  inadequate: 'Judged inadequate: every inadequate audit is moderated',
  random: 'Drawn at random',
  requested: 'Requested by the QA team',
};

function gradeName(tool: { scale: { grades: Array<{ id: string; label: string }> } }, grade: string | null): string | null {
  if (!grade) return null;
  return tool.scale.grades.find((g) => g.id === grade)?.label ?? grade;
}

/** The form's fields as the saved moderation stands, for a first visit. */
function savedValues(record: moderation.ModerationRecord): Record<string, unknown> {
  const values: Record<string, unknown> = { discussion: record.moderation.reflectiveDiscussion ?? '' };
  const decision = (auditGrade: string | null, moderated: string | null) => (moderated === null ? '' : moderated === auditGrade ? 'agree' : 'revise');
  for (const item of record.items) {
    values[`decision-${item.index}`] = decision(item.grade, item.moderatedGrade);
    values[`grade-${item.index}`] = item.moderatedGrade !== item.grade ? (item.moderatedGrade ?? '') : '';
    values[`reason-${item.index}`] = item.moderatedReason ?? '';
  }
  values.overallDecision = decision(record.audit.finalGrade, record.moderation.overallGrade);
  values.overallGrade = record.moderation.overallGrade !== record.audit.finalGrade ? (record.moderation.overallGrade ?? '') : '';
  values.overallReason = record.moderation.overallReason ?? '';
  return values;
}

function presentItems(record: moderation.ModerationRecord): ModerationItemView[] {
  return record.items.map((item) => ({
    index: item.index,
    areaTitle: item.areaTitle,
    title: item.title,
    grade: gradeName(record.tool, item.grade)!,
    evidence: item.evidence,
    workingWell: item.workingWell,
    worries: item.worries,
    nextSteps: item.nextSteps,
    selfGrade: gradeName(record.tool, item.selfGrade),
    selfReason: item.selfReason,
    moderatedGrade: gradeName(record.tool, item.moderatedGrade),
    moderatedReason: item.moderatedReason,
    revised: item.moderatedGrade !== null && item.moderatedGrade !== item.grade,
  }));
}

function poolItems(rows: moderation.PoolRow[], actor: Actor, grade: (row: moderation.PoolRow) => string): PoolItem[] {
  return rows.map((r) => ({
    auditId: r.auditId,
    childRef: r.childRef,
    teamName: r.teamName,
    auditorName: r.auditorName,
    finalGrade: grade(r),
    because: SELECTED_BECAUSE[r.selectedBecause] ?? r.selectedBecause,
    assignedAt: r.assignedAt,
    moderatorName: r.moderatorName,
    completedAt: r.completedAt,
    mine: r.moderatorId === actor.userId,
  }));
}

/** Grade labels from each audit's own tool version (usually one or two tools in a list). */
async function gradeLabels(db: Db, organisationId: string, rows: moderation.PoolRow[]): Promise<(row: moderation.PoolRow) => string> {
  const labels = new Map<string, string>();
  for (const key of new Set(rows.map((r) => `${r.toolId}@${r.toolVersion}`))) {
    const [toolId, version] = key.split('@') as [string, string];
    const tool = await getAuditToolVersion(db, organisationId, toolId, Number(version));
    for (const g of tool.scale.grades) labels.set(`${key}:${g.id}`, g.label);
  }
  return (row) => (row.finalGrade ? (labels.get(`${row.toolId}@${row.toolVersion}:${row.finalGrade}`) ?? row.finalGrade) : 'Not recorded');
}

const ShareInput = z.object({
  allInadequate: z.enum(['yes', 'no'], { message: 'Select whether every inadequate audit is moderated' }),
  randomPercent: z
    .string({ error: 'Enter the share of other audits to moderate' })
    .trim()
    .regex(/^\d+$/, 'Enter the share as a whole number from 0 to 100')
    .transform(Number)
    .pipe(z.number().max(100, 'Enter the share as a whole number from 0 to 100')),
});

export const moderationModule: AppModule = {
  navigation: [{ href: '/moderation', text: 'Moderation', capability: 'moderation.view', count: (db, actor) => (can(actor, 'moderation.moderate') ? moderation.waitingCount(db, actor) : Promise.resolve(0)) }],
  register(app, { db }) {
    const view = requireCapability('moderation.view');
    const moderate = requireCapability('moderation.moderate');
    const manage = requireCapability('programme.manage');

    const pool = async (res: Response, processed?: { moderated: number; closed: number }) => {
      const actor = actorOf(res);
      const [lists, share] = await Promise.all([moderation.moderationPool(db, actor), moderation.getShare(db, actor.organisationId)]);
      const all = [...lists.waiting, ...lists.claimed, ...lists.completed];
      await logViews(db, res, all.map((r) => r.auditId));
      const grade = await gradeLabels(db, actor.organisationId, all);
      render(res, 'audits/moderation/pool', {
        waiting: poolItems(lists.waiting, actor, grade),
        claimed: poolItems(lists.claimed, actor, grade),
        completed: poolItems(lists.completed, actor, grade),
        isQa: can(actor, 'programme.manage'),
        canModerate: can(actor, 'moderation.moderate'),
        submittedWaiting: lists.submittedWaiting,
        share,
        processed,
      });
    };

    app.get('/moderation', view, async (_req, res) => pool(res));

    app.post('/moderation/process-submitted', manage, async (req, res) => {
      // The button names what it does; a bare post (a replayed or forged request) does nothing.
      if ((req.body as Record<string, unknown> | undefined)?.process !== 'submitted') {
        return render(res, 'platform/error', { title: 'Your request could not be accepted', message: 'Use the button on the moderation page to select submitted audits.' }, 400);
      }
      await pool(res, await moderation.processSubmitted(db, actorOf(res)));
    });

    app.get('/moderation/settings', manage, async (_req, res) => {
      const share = await moderation.getShare(db, actorOf(res).organisationId);
      render(res, 'audits/moderation/settings', { values: { allInadequate: share.allInadequate ? 'yes' : 'no', randomPercent: String(share.randomPercent), version: share.version } });
    });

    app.post('/moderation/settings', manage, async (req, res) => {
      const actor = actorOf(res);
      const form = parseForm(ShareInput.and(VersionField), req.body);
      if (!form.ok) return render(res, 'audits/moderation/settings', { values: form.values, errors: form.errors }, 400);
      try {
        await moderation.updateShare(db, actor, form.value.version, { allInadequate: form.value.allInadequate === 'yes', randomPercent: form.value.randomPercent });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const current = await moderation.getShare(db, actor.organisationId);
        return render(
          res,
          'audits/moderation/settings',
          {
            values: { ...form.values, version: current.version },
            conflict: { 'Every inadequate audit moderated': current.allInadequate ? 'Yes' : 'No', 'Share of other audits': `${current.randomPercent}%` },
          },
          409,
        );
      }
      res.redirect(303, '/moderation');
    });

    const showForm = async (res: Response, auditId: string, extra: { values?: Record<string, unknown>; errors?: FieldErrors; conflict?: Record<string, string> } = {}, status = 200) => {
      const actor = actorOf(res);
      const record = await moderation.loadModeration(db, actor, auditId);
      await recordAccess(db, actor, { recordType: 'audit', recordId: auditId, action: 'view' }, res.locals.requestId);
      const waiting = record.moderation.moderatorId === null && record.audit.status === 'in-moderation';
      render(
        res,
        'audits/moderation/form',
        {
          audit: {
            id: record.audit.id,
            childRef: record.child.childRef,
            team: record.names.team,
            auditor: record.names.auditor,
            practitioner: record.names.practitioner,
            tool: `${record.tool.title} (version ${record.audit.toolVersion})`,
            status: STATUS_LABELS[record.audit.status],
            finalGrade: gradeName(record.tool, record.audit.finalGrade),
            computedGrade: gradeName(record.tool, record.audit.computedGrade),
            overrideReason: record.audit.overrideReason,
            periodStart: record.audit.periodStart,
            periodEnd: record.audit.periodEnd,
            submittedAt: record.audit.submittedAt,
            safeguardingConcern: record.audit.safeguardingConcern,
          },
          moderation: {
            because: SELECTED_BECAUSE[record.moderation.selectedBecause] ?? record.moderation.selectedBecause,
            moderator: record.names.moderator,
            completedAt: record.moderation.completedAt,
            discussion: record.moderation.reflectiveDiscussion,
            overallGrade: gradeName(record.tool, record.moderation.overallGrade),
            overallReason: record.moderation.overallReason,
          },
          items: presentItems(record),
          grades: record.tool.scale.grades.map((g) => ({ value: g.id, text: g.label })),
          canModerate: record.canModerate || (waiting && can(actor, 'moderation.moderate') && record.audit.practitionerId !== actor.userId && record.audit.auditorId !== actor.userId),
          canClaim: waiting && can(actor, 'moderation.moderate') && record.audit.practitionerId !== actor.userId && record.audit.auditorId !== actor.userId,
          canDispute: record.audit.status === 'moderated' && (record.audit.auditorId === actor.userId || record.audit.practitionerId === actor.userId),
          version: extra.values?.version !== undefined ? Number(extra.values.version) : record.audit.version,
          values: extra.values ?? savedValues(record),
          ...(extra.errors ? { errors: extra.errors } : {}),
          ...(extra.conflict ? { conflict: extra.conflict } : {}),
        },
        status,
      );
    };

    app.get('/moderation/:moderationId', view, async (req, res) => showForm(res, idParam(req, 'moderationId')));

    app.post('/moderation/:moderationId/claim', moderate, async (req, res) => {
      const id = idParam(req, 'moderationId');
      await moderation.claimModeration(db, actorOf(res), id);
      await recordAccess(db, actorOf(res), { recordType: 'audit', recordId: id, action: 'update' }, res.locals.requestId);
      res.redirect(303, `/moderation/${id}`);
    });

    for (const complete of [false, true]) {
      app.post(complete ? '/moderation/:moderationId/complete' : '/moderation/:moderationId', moderate, async (req, res) => {
        const actor = actorOf(res);
        const id = idParam(req, 'moderationId');
        const record = await moderation.loadModeration(db, actor, id);
        const body = (req.body ?? {}) as Record<string, unknown>;
        const version = VersionField.safeParse(body);
        const gradeIds = new Set(record.tool.scale.grades.map((g) => g.id));
        const form = readModerationForm(body, record.items, record.audit.finalGrade, gradeIds, complete);
        if (!form.ok || !version.success) {
          const errors = form.ok ? { list: [{ text: 'Reload the page and try again', href: '#discussion' }], byField: {} } : form.errors;
          return showForm(res, id, { values: body, errors }, 400);
        }
        try {
          await moderation.saveModeration(db, actor, id, version.data.version, form.value, { complete });
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          const current = await moderation.loadModeration(db, actor, id);
          const revised = current.items.filter((i) => i.moderatedGrade !== null && i.moderatedGrade !== i.grade).length;
          return showForm(
            res,
            id,
            {
              values: { ...body, version: current.audit.version },
              conflict: {
                Status: STATUS_LABELS[current.audit.status],
                'Reflective discussion': current.moderation.reflectiveDiscussion ?? '',
                'Overall judgement': gradeName(current.tool, current.moderation.overallGrade) ?? '',
                'Grades revised': `${revised} of ${current.items.length}`,
              },
            },
            409,
          );
        }
        await recordAccess(db, actor, { recordType: 'audit', recordId: id, action: 'update' }, res.locals.requestId);
        res.redirect(303, `/moderation/${id}`);
      });
    }
  },
};

/** Lists show child references: each audit listed is a view of it. */
export async function logViews(db: Db, res: Response, auditIds: string[]): Promise<void> {
  const actor = actorOf(res);
  for (const id of new Set(auditIds)) await recordAccess(db, actor, { recordType: 'audit', recordId: id, action: 'view' }, res.locals.requestId);
}
