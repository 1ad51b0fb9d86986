/**
 * The shape of every file in the standards catalogue (`standards/**.yaml`).
 *
 * One zod schema per kind of file gives the TypeScript types and the error messages a broken
 * file produces. Everything here is data transcribed from the source documents in
 * `../shared/seeds/`; the wording lives in YAML, never in code.
 */
import { z } from 'zod';
import { JudgementRuleSchema, unknownGradesInRule } from './judgement-rule.ts';

const text = z.string().trim().min(1, 'must not be empty');
const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/, 'must be lower-case letters, digits, dots and hyphens');

/** Where an entry comes from: a seed document, or named national guidance. */
export const SourceSchema = z.object({
  /** File name of the seed in ../shared/seeds, e.g. `000_63ace02ca8385ae6.txt`. */
  document: text.optional(),
  /** Human citation: "Working Together to Safeguard Children 2023, chapter 4". */
  citation: text,
});

/**
 * A correction of damage done when the source was converted to text (a word broken across a
 * table cell, a stray fragment). Fidelity tests accept exactly these differences from the seed.
 */
export const FixSchema = z.object({
  original: z.string(),
  corrected: z.string(),
  reason: text,
});

/** The case types an area, a tool or a timescale applies to. */
export const CaseTypeSchema = z.enum(['early-help', 'cin', 'cp', 'cla', 'care-leaver', 'adoption', 'pre-birth']);
export type CaseType = z.infer<typeof CaseTypeSchema>;

export const GradeSchema = z.object({
  id: slug, // e.g. outstanding, good, requires-improvement, adequate, inadequate
  label: text, // as the source prints it
  code: text, // "O", "G", "R", "I" or "1".."4"
  /** 1 is the best grade; ranks are consecutive. Calibration statistics use the rank. */
  rank: z.number().int().min(1),
});
export type Grade = z.infer<typeof GradeSchema>;

export const ScaleSchema = z
  .object({ id: slug, grades: z.array(GradeSchema).min(2) })
  .superRefine((scale, ctx) => {
    scale.grades.forEach((grade, i) => {
      if (grade.rank !== i + 1) {
        ctx.addIssue({ code: 'custom', path: ['grades', i, 'rank'], message: `rank must be ${i + 1} (grades are listed best first)` });
      }
    });
  });
export type Scale = z.infer<typeof ScaleSchema>;

/** Descriptor texts keyed by grade id; each grade may have several paragraphs or indicators. */
export const DescriptorsSchema = z.record(slug, z.array(text).min(1));

export const CriterionSchema = z.object({
  id: text, // "1.2": stable within the tool, used by audits and mappings
  title: text.optional(), // the seed's row heading; some rows only continue the previous one
  descriptors: DescriptorsSchema,
});
export type Criterion = z.infer<typeof CriterionSchema>;

export const AreaSchema = z.object({
  id: text,
  title: text,
  /** Set when the tool has alternative versions of an area for different case types. */
  variant: text.optional(),
  appliesTo: z.array(CaseTypeSchema).optional(),
  /** The source's statement of what the area covers, printed above its criteria or indicators. */
  description: text.optional(),
  /** Area-level descriptors (the seed's "General" row): they apply to the area as a whole. */
  descriptors: DescriptorsSchema.optional(),
  criteria: z.array(CriterionSchema),
  keyDocuments: z.array(text).optional(),
});
export type Area = z.infer<typeof AreaSchema>;

export const AuditToolSchema = z
  .object({
    kind: z.literal('audit-tool'),
    id: slug,
    version: z.number().int().min(1),
    title: text,
    description: text.optional(),
    /** graded-criteria: a grade per criterion; indicator-checklist: indicators ticked per area. */
    style: z.enum(['graded-criteria', 'indicator-checklist']),
    source: SourceSchema,
    scale: ScaleSchema,
    /** How the overall judgement is formed: by a rule, or proposed and confirmed by the auditor. */
    judgement: JudgementRuleSchema,
    multiAgency: z.boolean().default(false),
    areas: z.array(AreaSchema).min(1),
    /** Notes printed with the tool (footnotes, definitions), in the source's words. */
    notes: z.array(text).optional(),
    fixes: z.array(FixSchema).default([]),
  })
  .superRefine((tool, ctx) => {
    const gradeIds = new Set(tool.scale.grades.map((g) => g.id));
    for (const { path, grade } of unknownGradesInRule(tool.judgement, gradeIds)) {
      ctx.addIssue({ code: 'custom', path: ['judgement', ...path], message: `"${grade}" is not a grade on scale ${tool.scale.id}` });
    }
    const areaIds = new Set<string>();
    tool.areas.forEach((area, a) => {
      if (areaIds.has(area.id)) ctx.addIssue({ code: 'custom', path: ['areas', a, 'id'], message: `duplicate area id ${area.id}` });
      areaIds.add(area.id);
    });
    const seen = new Set<string>();
    tool.areas.forEach((area, a) => {
      const check = (d: Record<string, string[]> | undefined, path: (string | number)[]) => {
        for (const key of Object.keys(d ?? {})) {
          if (!gradeIds.has(key)) ctx.addIssue({ code: 'custom', path: [...path, key], message: `"${key}" is not a grade on scale ${tool.scale.id}` });
        }
      };
      check(area.descriptors, ['areas', a, 'descriptors']);
      area.criteria.forEach((c, i) => {
        check(c.descriptors, ['areas', a, 'criteria', i, 'descriptors']);
        const key = `${area.id}/${c.id}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['areas', a, 'criteria', i, 'id'], message: `duplicate criterion id ${c.id} in area ${area.id}` });
        seen.add(key);
      });
    });
  });
export type AuditTool = z.infer<typeof AuditToolSchema>;

export const OutcomeMeasuresSchema = z.object({
  kind: z.literal('outcome-measures'),
  id: slug,
  version: z.number().int().min(1),
  title: text,
  source: SourceSchema,
  groups: z
    .array(
      z.object({
        id: text, // "OE", "EHP", "QP", "LG"
        number: z.number().int().min(1),
        title: text,
        /** The ILACS judgement area this group evidences. */
        judgementArea: text.optional(),
        measures: z.array(z.object({ id: text, text })).min(1),
      }),
    )
    .min(1),
  fixes: z.array(FixSchema).default([]),
});
export type OutcomeMeasures = z.infer<typeof OutcomeMeasuresSchema>;

/**
 * The events a timescale can measure from and to. The importers map every format's facts onto
 * these names, and the timeliness engine reads rules written with them.
 */
export const CaseEventTypeSchema = z.enum([
  'contact-received',
  'contact-finalised',
  'referral',
  'assessment-start',
  'assessment-authorised',
  'strategy-discussion',
  's47-start',
  's47-completed',
  'icpc',
  'cp-plan-start',
  'cp-plan-end',
  'cp-visit',
  'core-group',
  'rcpc',
  'cin-identified',
  'cin-plan-meeting',
  'cin-plan-start',
  'cin-review',
  'cin-visit',
  'cla-start',
  'cla-end',
  'placement-start',
  'cla-visit',
  'cla-review',
  'health-assessment',
  'pep',
  'care-plan',
  'pathway-plan',
  'care-leaver-contact',
  'case-closure',
  // Events named by seed 004's standards (Swindon quality standards) that the list above lacked.
  'contact-screened', // the contact screened and evaluated (2.11)
  'referrer-informed', // the referrer told in writing of the contact's outcome (2.13)
  'assessment-child-seen', // the child seen for a new statutory assessment (3.3)
  'cin-plan-end', // a child in need plan ends: replaced, stepped up or down, or closed (4.7)
  'plan-distributed', // a plan sent to the child, family and other parties (4.6)
  'tac-meeting', // early help team around the child and family meeting (6.4)
  'case-activity', // a contact, visit or meeting with or about the child, to be recorded (7.3)
  'case-note-recorded', // the case record of that activity written (7.3)
  'case-supervision', // the case discussed in recorded supervision (8.1)
  'care-order', // a care order made (9.1)
  'letter-before-proceedings', // pre-proceedings letter received by the parents (10.2)
  'icpc-request', // ICPC requested from the QA team with the invite list (11.4, 13.2)
  'meeting-outcome-circulated', // a meeting's outcome, decisions or recommendations circulated (13.8, 15.7)
  'meeting-record-circulated', // a meeting's full record or minutes circulated (11.7, 13.9, 15.7)
  's47-authorised', // the section 47 enquiry signed off by a manager (12.1)
  'report-shared', // the social work report for a conference or review made available (13.6, 15.1)
  'cp-plan-outline', // the outline child protection plan produced by the conference (13.10)
  'placement-plan', // the placement plan completed (14.5)
  'cla-notified', // QA service, looked-after health team and virtual school notified (14.6)
  'plans-quality-assured', // plans checked ahead of a looked-after review (14.7)
  'dental-check', // (14.12)
  'permanence-plan', // (14.17)
  'consultation-forms-sent', // review consultation forms sent to child, carers and parents (15.2)
  'recommendations-considered', // a manager has considered review recommendations (15.7)
  'leaving-care-assessment', // the leaving care needs assessment completed (16.1)
  'pathway-plan-review', // (16.4)
  'conception', // pre-birth timescales are measured in weeks of pregnancy
  'birth', // age-based timescales
  'other',
]);
export type CaseEventType = z.infer<typeof CaseEventTypeSchema>;

export const TimescaleUnitSchema = z.enum(['hours', 'working-days', 'calendar-days', 'weeks', 'months', 'years', 'weeks-of-pregnancy', 'years-of-age']);

/** A deadline stated by a standard, in a form code can evaluate. */
export const TimescaleSchema = z.object({
  id: slug, // unique across the catalogue, e.g. "swindon-13.3-icpc"
  /** The event that must happen. */
  event: CaseEventTypeSchema,
  /** The event the clock starts from. */
  anchor: CaseEventTypeSchema,
  /** 0 states "on the same day as" (within) or "prior to" / "by" (before) the anchor. */
  amount: z.number().min(0),
  unit: TimescaleUnitSchema,
  /**
   * within: the event is due once after the anchor; every: it recurs at this interval;
   * before: the event is due at least this long before the anchor (a report before a conference).
   */
  recurrence: z.enum(['within', 'every', 'before']).default('within'),
  /** Case types or circumstances this deadline applies to, in the source's words. */
  appliesTo: z.array(CaseTypeSchema).optional(),
  condition: text.optional(),
  /** The words of the source that state this timescale. */
  quote: text,
});
export type Timescale = z.infer<typeof TimescaleSchema>;

export const PracticeStandardSchema = z.object({
  id: text, // "13.3"
  title: text, // the standard's bold statement
  description: text.optional(),
  responsible: z.array(text).default([]),
  timescales: z.array(TimescaleSchema).default([]),
});
export type PracticeStandard = z.infer<typeof PracticeStandardSchema>;

export const PracticeStandardsSchema = z.object({
  kind: z.literal('practice-standards'),
  id: slug,
  version: z.number().int().min(1),
  title: text,
  source: SourceSchema,
  sections: z
    .array(z.object({ id: text, title: text, intro: text.optional(), standards: z.array(PracticeStandardSchema) }))
    .min(1),
  fixes: z.array(FixSchema).default([]),
});
export type PracticeStandards = z.infer<typeof PracticeStandardsSchema>;

/** A reference to one item in the catalogue: a criterion, an area, a standard or a measure. */
export const ItemRefSchema = z.object({ catalogue: slug, item: text });

export const MappingSchema = z.object({
  kind: z.literal('mapping'),
  id: slug,
  version: z.number().int().min(1),
  title: text,
  /** Why the mapping is as it is: the reasoning an inspector or QA lead can check. */
  method: text,
  links: z
    .array(
      z.object({
        from: ItemRefSchema,
        /** Outcome-measure ids, e.g. "3.13". */
        to: z.array(text).min(1),
        reasoning: text,
      }),
    )
    .min(1),
  /** Items deliberately left without a link, and why, so a missing link is visibly a decision. */
  unmapped: z.array(z.object({ from: ItemRefSchema, reason: text })).default([]),
});
export type Mapping = z.infer<typeof MappingSchema>;

/** Seed 002's old 0–10 practice scaling, and which Ofsted grade each band corresponds to. */
export const GradeScalingSchema = z.object({
  kind: z.literal('grade-scaling'),
  id: slug,
  version: z.number().int().min(1),
  title: text,
  /** The source's note on when the scaling applies (seed 002: it is no longer used for new audits). */
  description: text.optional(),
  source: SourceSchema,
  bands: z.array(z.object({ from: z.number().int().min(0), to: z.number().int().max(10), grade: text, description: text.optional() })).min(1),
  fixes: z.array(FixSchema).default([]),
});

/** Guidance made of principles or recommendations under headings (e.g. the IRO footprint). */
export const GuidanceSchema = z.object({
  kind: z.literal('guidance'),
  id: slug,
  version: z.number().int().min(1),
  title: text,
  description: text.optional(),
  source: SourceSchema,
  sections: z
    .array(z.object({ id: text, title: text, items: z.array(z.object({ label: text.optional(), text })).min(1) }))
    .min(1),
  fixes: z.array(FixSchema).default([]),
});

/** A role as the workflow assigns it (`practice-manager`), with the words the source uses for it. */
const QaParticipantSchema = z.object({ role: slug, as: text });

/** An amount of time the source states for a piece of audit work, with its words. */
const QaDurationSchema = z.object({ amount: z.number().positive(), unit: TimescaleUnitSchema, quote: text });

/** One stage of the collaborative audit process (seed 002: audit, moderation, evaluation). */
export const AuditStageSchema = z.object({
  number: z.number().int().min(1),
  id: slug,
  title: text,
  lead: QaParticipantSchema,
  participants: z.array(QaParticipantSchema).min(1),
  /** Work a role must finish before the stage starts, e.g. the practitioner's self-assessment. */
  prerequisites: z.array(z.object({ role: slug, quote: text })).default([]),
  /** guide: the time the stage is designed to take; maximum: the most it may take. */
  duration: QaDurationSchema.extend({ limit: z.enum(['guide', 'maximum']) }).optional(),
  /** How far back in the case file the stage looks. */
  lookBack: QaDurationSchema.optional(),
  /** Who must be told, or sent something, when the stage is complete. */
  onComplete: z.array(z.object({ notify: z.array(slug).min(1), quote: text })).default([]),
  /** The source's points for the stage, one item per point, in its words. */
  guidance: z.array(text).min(1),
});

/** The QA framework: the activity table (who, how often, reporting to) and the action timescales. */
export const QaFrameworkSchema = z.object({
  kind: z.literal('qa-framework'),
  id: slug,
  version: z.number().int().min(1),
  title: text,
  source: SourceSchema,
  activities: z
    .array(z.object({ id: slug, title: text, description: text.optional(), who: text.optional(), frequency: text.optional(), reportsTo: text.optional() }))
    .min(1),
  actionTimescales: z
    .array(
      z.object({
        when: text,
        amount: z.number().positive(),
        unit: TimescaleUnitSchema,
        signedOffBy: text.optional(),
        quote: text,
        /** The deadline applies when any of these was found; absent: it applies to every other action. */
        appliesWhen: z.array(z.enum(['safeguarding-concerns', 'inadequate-judgement'])).min(1).optional(),
        /** maximum: never later; expected: the norm for most actions. */
        limit: z.enum(['maximum', 'expected']).optional(),
      }),
    )
    .default([]),
  /** The collaborative audit process the audit workflow follows, stage by stage. */
  auditProcess: z
    .object({
      title: text,
      /** The activity in `activities` that this process carries out. */
      activity: slug,
      /** How many audits each of these roles is expected to do per unit of time. */
      cadence: z.object({ roles: z.array(slug).min(1), count: z.number().int().min(1), per: TimescaleUnitSchema, quote: text }).optional(),
      /** Expectations that hold for every audit (family feedback, recorded learning), in the source's words. */
      expectations: z.array(z.object({ id: slug, quote: text })).default([]),
      stages: z.array(AuditStageSchema).min(1),
    })
    .superRefine((process, ctx) => {
      process.stages.forEach((stage, i) => {
        if (stage.number !== i + 1) ctx.addIssue({ code: 'custom', path: ['stages', i, 'number'], message: `number must be ${i + 1} (stages are listed in order)` });
      });
    })
    .optional(),
  /** The steps for resolving disagreement about an audit, in order. */
  disputeResolution: z
    .array(
      z.object({
        step: z.number().int().min(1),
        /** What starts this step, e.g. moderator-disagrees. */
        trigger: slug,
        parties: z.array(slug).min(1),
        escalateTo: z.array(slug).default([]),
        outcome: slug.optional(),
        quote: text,
      }),
    )
    .default([]),
  /** Where audit findings go: what, from which role, to which body (in the source's words), how often. */
  reportingLines: z
    .array(z.object({ id: slug, what: slug, from: slug, to: text, frequency: text.optional(), quote: text }))
    .default([]),
  fixes: z.array(FixSchema).default([]),
});

export const CatalogueFileSchema = z.discriminatedUnion('kind', [
  AuditToolSchema,
  OutcomeMeasuresSchema,
  PracticeStandardsSchema,
  MappingSchema,
  GradeScalingSchema,
  GuidanceSchema,
  QaFrameworkSchema,
]);
export type CatalogueFile = z.infer<typeof CatalogueFileSchema>;
