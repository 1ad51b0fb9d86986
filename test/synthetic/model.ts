/**
 * The in-memory model of a synthetic council: who works there and what happened to each child.
 * It is richer than any one return (Annex A, SSDA903, CIN census, SSD), so that every writer can
 * derive its own view of the same children. All dates are ISO `YYYY-MM-DD` strings; codes are the
 * DfE / SSD codes (sex M/F/U, ethnicity WBRI…, need N1–N9, 903 codes for care episodes).
 */

export type IsoDate = string;

export interface Council {
  name: string;
  /** Three-digit local authority code as used in the CIN census header. */
  laCode: string;
  seed: number;
  asOf: IsoDate;
  /** First day of the window the council was asked to cover (asOf minus `years`). */
  windowStart: IsoDate;
  years: number;
  teams: Team[];
  workers: Worker[];
  children: ChildRecord[];
  adopters: Adopter[];
}

export type Service =
  | 'front-door'
  | 'early-help'
  | 'assessment'
  | 'locality'
  | 'disability'
  | 'children-in-care'
  | 'care-leavers'
  | 'adoption';

export interface Team {
  id: string;
  name: string;
  service: Service;
  /** 1-based locality for area teams; 0 for council-wide teams. */
  locality: number;
  /**
   * How prone the team is to drift: multiplies the chance that a deadline is missed or a visit
   * gap opens. 1 is an average team; the spread gives the dashboards something to show.
   */
  driftFactor: number;
}

export interface Worker {
  id: string;
  staffId: string;
  name: string;
  teamId: string;
  jobTitle: string;
  registrationNumber?: string;
  agency: boolean;
  fte: number;
}

export interface ChildRecord {
  id: string;
  upn?: string;
  /** Reason code when there is no UPN (UN1–UN7). */
  upnUnknown?: string;
  forename: string;
  surname: string;
  /** Absent for a child not yet born on the as-of date. */
  dateOfBirth?: IsoDate;
  /** Set for children first known before birth (pre-birth referrals). */
  expectedDateOfBirth?: IsoDate;
  sex: 'M' | 'F' | 'U';
  ethnicity: string;
  /** DfE disability codes; empty when the child has none. */
  disabilities: string[];
  familyId: string;
  uasc: boolean;
  /** For a mother who is herself looked after (SSDA903 MOTHER / MC_DOB). */
  childOfMotherDob?: IsoDate;
  contacts: Contact[];
  earlyHelp: EarlyHelpEpisode[];
  referrals: Referral[];
  periodsOfCare: PeriodOfCare[];
  missing: MissingEpisode[];
  careLeaver?: CareLeaver;
  adoption?: Adoption;
  /** Allocated worker history, oldest first. */
  allocations: Allocation[];
}

export type ContactOutcome = 'referral' | 'early-help' | 'advice' | 'nfa' | 'open-case';

export interface Contact {
  id: string;
  date: IsoDate;
  /** CIN census referral source code (1A … 10). */
  source: string;
  outcome: ContactOutcome;
  teamId: string;
}

export interface EarlyHelpEpisode {
  id: string;
  startDate: IsoDate;
  endDate?: IsoDate;
  assessmentCompletedDate?: IsoDate;
  reason: string;
  endReason?: string;
  teamId: string;
  workerId: string;
}

export interface Referral {
  id: string;
  contactId: string;
  date: IsoDate;
  source: string;
  primaryNeed: string;
  nfa: boolean;
  closeDate?: IsoDate;
  /** RC1–RC9. */
  closeReason?: string;
  teamId: string;
  workerId: string;
  assessments: Assessment[];
  s47s: S47Enquiry[];
  cinPlans: CinPlan[];
  cpPlans: CpPlan[];
  preProceedings?: PreProceedings;
}

export type AssessmentOutcome = 'nfa' | 'early-help' | 'cin-plan' | 'strategy' | 'cla' | 'services';

export interface Assessment {
  id: string;
  startDate: IsoDate;
  authorisedDate?: IsoDate;
  childSeen: boolean;
  factors: string[];
  outcome?: AssessmentOutcome;
  teamId: string;
  workerId: string;
}

export interface S47Enquiry {
  id: string;
  /** The strategy discussion that started the enquiry: the ICPC clock's anchor. */
  strategyDate: IsoDate;
  endDate?: IsoDate;
  /** Whether the enquiry concluded that no conference was needed. */
  icpcNotRequired: boolean;
  icpc?: Icpc;
  teamId: string;
  workerId: string;
}

export interface Icpc {
  id: string;
  targetDate: IsoDate;
  date?: IsoDate;
  planResulted: boolean;
  cpPlanId?: string;
}

export type CpCategory = 'NEG' | 'EMO' | 'PHY' | 'SAB' | 'MUL';

export interface CpPlan {
  id: string;
  icpcId: string;
  startDate: IsoDate;
  endDate?: IsoDate;
  initialCategory: CpCategory;
  latestCategory: CpCategory;
  previousPlans: number;
  /** Emergency protection order or police protection in the six months before the plan. */
  emergencyProtection: boolean;
  teamId: string;
  workerId: string;
  visits: Visit[];
  reviews: CpReview[];
}

/**
 * Visits, reviews, health checks and missing episodes carry no id of their own: there are many of
 * them, and writers derive stable ids from the owner's id and the position.
 */
export interface Visit {
  date: IsoDate;
  seen: boolean;
  seenAlone: boolean;
  bedroomSeen: boolean;
}

export interface CpReview {
  dueDate: IsoDate;
  date: IsoDate;
  continuePlan: boolean;
  quorate: boolean;
}

export interface CinPlan {
  id: string;
  startDate: IsoDate;
  endDate?: IsoDate;
  teamId: string;
  workerId: string;
  visits: Visit[];
}

export interface PreProceedings {
  startDate: IsoDate;
  letterSentDate: IsoDate;
  familyGroupOffered: boolean;
  familyGroupHeld: boolean;
  initialMeetingDate: IsoDate;
  reviewMeetings: number;
  decisionDate: IsoDate;
  /** Modelled on the code in the 2026 CIN census sample; see the writer. */
  outcome: string;
  courtApplicationDate?: IsoDate;
}

export interface PeriodOfCare {
  id: string;
  referralId?: string;
  startDate: IsoDate;
  endDate?: IsoDate;
  /** The 903 reason the last episode ended (E-codes), when the period has ended. */
  reasonEnded?: string;
  permanencePlan: string;
  episodes: Episode[];
  placements: Placement[];
  reviews: ClaReview[];
  visits: Visit[];
  healthChecks: HealthCheck[];
  teamId: string;
}

export interface Episode {
  id: string;
  startDate: IsoDate;
  endDate?: IsoDate;
  /** 903 reason for new episode: S, L, P, T, B or U. */
  rne: string;
  legalStatus: string;
  need: string;
  placementId: string;
  /** 903 reason episode ceased: X1 when another episode follows, else an E-code. */
  reasonEnded?: string;
  /** 903 reason for placement change, on the episode that the move ends. */
  placementChangeReason?: string;
  homePostcode: string;
}

export interface Placement {
  id: string;
  startDate: IsoDate;
  endDate?: IsoDate;
  type: string;
  provider: string;
  postcode: string;
  urn: string;
  distanceMiles: number;
  insideCouncil: boolean;
  changeReason?: string;
}

export interface ClaReview {
  dueDate: IsoDate;
  date: IsoDate;
  /** PN0–PN7. */
  participation: string;
}

export interface HealthCheck {
  type: 'health-assessment' | 'dental';
  date: IsoDate;
}

export interface MissingEpisode {
  startDate: IsoDate;
  endDate?: IsoDate;
  type: 'M' | 'A';
  rhiOffered: 'Y' | 'N' | 'NA';
  rhiAccepted: 'Y' | 'N' | 'NA';
}

export interface CareLeaver {
  eligibility: 'relevant' | 'former relevant' | 'eligible' | 'qualifying';
  startDate: IsoDate;
  teamId: string;
  workerId: string;
  contacts: CareLeaverContact[];
  pathwayPlanReviews: IsoDate[];
}

export interface CareLeaverContact {
  date: IsoDate;
  /** 903 OC3 in-touch code: YES, NO, DIED, REFU, NREQ, RHOM. */
  inTouch: string;
  /** 903 accommodation code including suitability digit (e.g. U1, X2). */
  accommodation: string;
  /** 903 activity code (F1 … G6). */
  activity: string;
}

export interface Adoption {
  periodId: string;
  decisionDate: IsoDate;
  placementOrderDate?: IsoDate;
  matchedDate?: IsoDate;
  placedDate?: IsoDate;
  orderDate?: IsoDate;
  fosteringForAdoptionDate?: IsoDate;
  reversedDate?: IsoDate;
  reversedReason?: string;
  adopterFamilyId?: string;
  siblingGroup: boolean;
}

export interface Adopter {
  id: string;
  familyId: string;
  sex: 'M' | 'F';
  ethnicity: string;
  disability: boolean;
  fosteringForAdoption: boolean;
  enquiryDate: IsoDate;
  stage1Start: IsoDate;
  stage1End: IsoDate;
  stage2Start: IsoDate;
  stage2End: IsoDate;
  applicationDate: IsoDate;
  approvalDate: IsoDate;
  matchedDate?: IsoDate;
  placedDate?: IsoDate;
  childrenPlaced: number;
  orderDate?: IsoDate;
  /** 903 AD1 adopter sex and legal-status codes, shared by a couple. */
  householdSex: string;
  householdLegalStatus: string;
  numberOfAdopters: number;
}

export interface Allocation {
  teamId: string;
  workerId: string;
  startDate: IsoDate;
  endDate?: IsoDate;
  /** SSDA903 / SSD reason for a change of worker (MANAGE, LEFTRL …), when it ended. */
  changeReason?: string;
  referralId?: string;
}
