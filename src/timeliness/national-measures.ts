/**
 * The national deadlines every council is measured against, as data. The ids are part of the
 * command-line contract (`sightline compliance`) and must not change.
 */
import type { MeasureDefinition } from './rules.ts';

export const nationalMeasures: readonly MeasureDefinition[] = [
  {
    id: 'assessment-45wd',
    title: 'Assessment authorised within 45 working days of its start',
    source:
      'Working Together to Safeguard Children 2023, chapter 2 (assessments conclude within 45 working days); ' +
      'DfE children in need census (assessment start and authorisation dates); Ofsted Annex A list 4',
    rule: { method: 'recorded-pair', pair: 'assessment-start-to-authorisation', due: { amount: 45, unit: 'working-days' } },
    evidence: { kind: 'assessment', formats: ['annex-a', 'cin-census', 'ssd'] },
  },
  {
    id: 'icpc-15wd',
    title: 'Initial child protection conference within 15 working days of the strategy discussion',
    source:
      'Working Together to Safeguard Children 2023, chapter 2 (ICPC within 15 working days of the strategy discussion ' +
      'at which section 47 enquiries were initiated); DfE children in need census; Ofsted Annex A list 5',
    rule: { method: 'recorded-pair', pair: 'strategy-discussion-to-icpc', due: { amount: 15, unit: 'working-days' } },
    evidence: { kind: 's47', formats: ['annex-a', 'cin-census', 'ssd'] },
  },
  {
    id: 'cp-visit-10wd',
    title: 'Child on a protection plan visited at least every 10 working days',
    source:
      'Local practice standard (e.g. Swindon quality standards 9.1, seed 004: visits every 10 working days while on a ' +
      'protection plan); Working Together to Safeguard Children 2023, chapter 2 (the child seen as the plan sets out); ' +
      'Ofsted Annex A list 7 (latest statutory visit)',
    rule: {
      method: 'keep-in-touch',
      during: 'cp-plan',
      event: 'cp-visit',
      firstDue: { amount: 10, unit: 'working-days' },
      due: { amount: 10, unit: 'working-days' },
    },
    evidence: { kind: 'cp-visit', formats: ['annex-a', 'ssd'] },
  },
  {
    id: 'cla-health-assessment',
    title: 'Looked-after child’s health assessment up to date',
    source:
      'Promoting the health and wellbeing of looked-after children (DfE and DHSC statutory guidance, 2015): initial ' +
      'assessment within 20 working days of becoming looked after, reviewed every 6 months under 5 and every 12 months ' +
      'from 5; Care Planning, Placement and Case Review (England) Regulations 2010, reg. 7; Ofsted Annex A list 8',
    rule: {
      method: 'keep-in-touch',
      during: 'period-of-care',
      event: 'health-assessment',
      firstDue: { amount: 20, unit: 'working-days' },
      due: { amount: 12, unit: 'months' },
      dueByAge: [{ underAge: 5, due: { amount: 6, unit: 'months' } }],
    },
    evidence: { kind: 'health-assessment', formats: ['annex-a', 'ssd'] },
  },
  {
    id: 'cla-review',
    title: 'Looked-after review held on time',
    source:
      'Care Planning, Placement and Case Review (England) Regulations 2010, reg. 33: first review within 20 working ' +
      'days of becoming looked after, the second within 3 months of the first, later ones within 6 months of the ' +
      'previous one; SSDA903 (episodes and reviews)',
    rule: {
      method: 'review-schedule',
      during: 'period-of-care',
      event: 'cla-review',
      schedule: [
        { amount: 20, unit: 'working-days' },
        { amount: 3, unit: 'months' },
        { amount: 6, unit: 'months' },
      ],
    },
    // Annex A holds only the latest review, which cannot show whether earlier ones were on time.
    evidence: { kind: 'cla-review', formats: ['ssda903', 'ssd'] },
  },
];
