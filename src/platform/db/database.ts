import { Kysely, PostgresDialect, type ColumnType, type Generated, type Selectable, type Transaction } from 'kysely'
import pg from 'pg'
import { recordQuery } from '#src/platform/observability/request-timing.ts'

// DATE columns are calendar dates with no time zone: keep them as 'YYYY-MM-DD' strings so that a date of
// birth never shifts by a day when the server's time zone changes.
pg.types.setTypeParser(1082, (value: string) => value)

type Timestamp = ColumnType<Date, Date | string, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>

export interface RolesTable {
  id: string
  name: string
  description: string
  permissions: string[]
}

export interface UsersTable {
  id: string
  email: string
  display_name: string
  role_id: string
  password_hash: string
  failed_sign_in_count: Generated<number>
  locked_until: Timestamp | null
  disabled_at: Timestamp | null
  last_sign_in_at: Timestamp | null
  created_at: Generated<Date>
  /** Partner users only: the one agency whose disclosures they may see. */
  agency_id: Generated<string | null>
  /** TOTP secret (base32) once multi-factor sign-in is set up. */
  mfa_secret: string | null
  mfa_enrolled_at: Timestamp | null
  /** The last TOTP time step accepted: a code is never accepted twice. */
  mfa_last_step: ColumnType<string | null, string | number | null, string | number | null>
  password_changed_at: Timestamp | null
}

export interface MfaRecoveryCodesTable {
  id: string
  user_id: string
  code_hash: string
  created_at: Generated<Date>
  used_at: Timestamp | null
}

export interface AgenciesTable {
  id: string
  name: string
  kind: string
  first_responder: boolean
  duty_to_notify: boolean
  phone: string | null
  email: string | null
  notes: string | null
  active: Generated<boolean>
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface AgencyContactsTable {
  id: string
  agency_id: string
  name: string
  job_title: string | null
  phone: string | null
  email: string | null
  active: Generated<boolean>
  created_by: string | null
  created_at: Generated<Date>
}

export interface SharingAgreementsTable {
  id: string
  title: string
  purposes: string
  lawful_basis: string
  allowed_fields: string[]
  starts_on: string
  review_on: string
  ends_on: string
  created_by: string | null
  created_at: Generated<Date>
}

export interface SharingAgreementPartiesTable {
  agreement_id: string
  agency_id: string
}

export interface DisclosuresTable {
  id: string
  person_id: string
  agency_id: string
  agreement_id: string
  purpose: string
  fields: string[]
  expires_at: Timestamp
  status: string
  protected_basis: string | null
  approved_by: string | null
  approved_at: Timestamp | null
  revoked_at: Timestamp | null
  revoked_by: string | null
  revoke_reason: string | null
  created_by: string | null
  created_at: Generated<Date>
  /** For an agenda item of a hub meeting, or with an action given to an agency (0055). */
  meeting_item_id: Generated<string | null>
  action_id: Generated<string | null>
  /** The redacted narratives the officer chose to send, with what was withheld recorded by kind (0055). */
  narratives: ColumnType<DisclosedNarrative[], string | undefined, string>
}

export type DisclosedNarrative = {
  referralId: string
  text: string
  redactions: { kind: string; sent: boolean; text?: string }[]
}

export interface CaseAgenciesTable {
  case_id: string
  agency_id: string
  contact_id: string | null
  involvement: string
  added_by: string | null
  added_at: Generated<Date>
}

export interface SessionsTable {
  id_hash: string
  user_id: string
  created_at: Generated<Date>
  last_seen_at: Timestamp
  expires_at: Timestamp
  absolute_expires_at: Timestamp
  revoked_at: Timestamp | null
  ip: string | null
  user_agent: string | null
  data: ColumnType<Record<string, unknown>, string | undefined, string>
  /** Password accepted, second factor still to come: 'verify' a code or 'enrol' (set it up). */
  pending_mfa: 'verify' | 'enrol' | null
}

export interface ApiTokensTable {
  id: string
  user_id: string
  name: string
  token_hash: string
  created_at: Generated<Date>
  expires_at: Timestamp | null
  revoked_at: Timestamp | null
  last_used_at: Timestamp | null
  /** The permissions the token may use (intersected with its user's role); NULL: all of the role's. */
  scopes: string[] | null
  /** Who made the token: its own user, or NULL for the command line (migration 0030). */
  created_by: string | null
}

export interface AuditEventsTable {
  id: string
  occurred_at: Timestamp
  actor_user_id: string | null
  actor_token_id: string | null
  action: string
  category: string
  subject_type: string | null
  subject_id: string | null
  ip: string | null
  request_id: string | null
  justification: string | null
  details: ColumnType<Record<string, unknown>, string, never>
  /** Both null until the sealer links the row into the chain (ADR 0012). */
  prev_hash: string | null
  hash: string | null
}

export interface AppMetaTable {
  key: string
  value: ColumnType<unknown, string, string>
}

export interface PriorityTagsTable {
  id: string
  label: string
  active: Generated<boolean>
  sort_order: Generated<number>
}

export interface PeopleTable {
  id: string
  date_of_birth: string | null
  approximate_age: number | null
  age_disputed: boolean
  gender: string
  nationalities: string[]
  languages: string[]
  created_at: CreatedAt
  created_by: string | null
  updated_at: Timestamp
  vulnerability: Generated<string | null>
  /** Set on a record merged into another person (migration 0010); never set on a survivor. */
  merged_into: Generated<string | null>
}

export interface MatchDecisionsTable {
  id: string
  person_id: string
  other_id: string
  pair_low: ColumnType<string, never, never>
  pair_high: ColumnType<string, never, never>
  decision: 'merge' | 'reject'
  note: string
  probability: number
  weight: number
  explanation: ColumnType<unknown, string, string>
  model_version: string
  decided_by: string | null
  decided_at: CreatedAt
}

export interface PersonMergesTable {
  id: string
  decision_id: string
  survivor_id: string
  merged_id: string
  merged_by: string | null
  merged_at: CreatedAt
  unmerged_by: string | null
  unmerged_at: Timestamp | null
  unmerge_reason: string | null
}

export interface PersonNamesTable {
  id: string
  person_id: string
  kind: string
  full_name: string
  normalised: string
  script: string | null
  position: number
}

export interface LocationsTable {
  id: string
  address_line_1: string | null
  address_line_2: string | null
  town: string | null
  postcode: string | null
  description: string | null
  premises_type: string
  created_at: CreatedAt
  cuckooed: Generated<boolean>
  postcode_sector: Generated<string | null>
  shared_place: Generated<boolean>
  shared_place_kind: Generated<string | null>
  address_key: ColumnType<string | null, never, never>
  /** A place recorded twice, merged into the other (0057); unmerging clears it. */
  merged_into: Generated<string | null>
  /** An estimate of people at the place not yet identified ("about 8 men sleeping on site"). */
  unknown_others: Generated<number | null>
  unknown_others_note: Generated<string | null>
  unknown_others_on: Generated<string | null>
}

/** Businesses (0057): an employer, car wash, nail bar or factory, one record with its premises and links. */
export interface BusinessesTable {
  id: string
  name: string
  normalised: string
  kind: string
  notes: string | null
  merged_into: Generated<string | null>
  created_by: string | null
  created_at: CreatedAt
}

export interface BusinessPremisesTable {
  business_id: string
  location_id: string
  added_by: string | null
  added_at: CreatedAt
}

export interface BusinessLinksTable {
  id: string
  business_id: string
  referral_id: string | null
  case_id: string | null
  person_id: string | null
  relation: string
  created_by: string | null
  created_at: CreatedAt
}

/** Live-job work (0058): countersigned decisions, stage dates, exhibits and handsets, intelligence references. */
export interface CaseDecisionCountersignaturesTable {
  decision_id: string
  countersigned_by: string
  countersigned_at: CreatedAt
  comment: string | null
}

export interface CaseStageDatesTable {
  id: string
  case_id: string
  person_id: string | null
  kind: string
  occurred_on: string
  due_on: string | null
  note: string | null
  recorded_by: string | null
  recorded_at: CreatedAt
}

export interface CaseExhibitsTable {
  id: string
  case_id: string
  kind: 'exhibit' | 'handset'
  reference: string
  description: string
  seized_on: string | null
  seized_from: string | null
  object_id: string | null
  storage: string | null
  status: Generated<string>
  recorded_by: string | null
  recorded_at: CreatedAt
}

export interface CaseIntelligenceReportsTable {
  id: string
  case_id: string
  reference: string
  note: string | null
  recorded_by: string | null
  recorded_at: CreatedAt
}

/** Merges of places and businesses recorded twice, reversible (0057, ADR 0006). */
export interface RecordMergesTable {
  id: string
  kind: 'location' | 'business'
  survivor_id: string
  merged_id: string
  reason: string
  merged_by: string | null
  merged_at: CreatedAt
  unmerged_by: string | null
  unmerged_at: Timestamp | null
  unmerge_reason: string | null
}

export interface SafeguardingPromptsTable {
  id: string
  person_id: string
  link_id: string | null
  identifier_key: string
  identifier_type: string
  identifier_id: string
  identifier_kind: string
  case_id: string | null
  other_person_ids: string[]
  other_count: number
  unsafeguarded_count: number
  specificity: number
  status: Generated<string>
  outcome: string | null
  outcome_note: string | null
  outcome_by: string | null
  outcome_at: Timestamp | null
  created_by: string | null
  created_at: CreatedAt
  /** People linked to the identifier after the prompt was raised (0057): one prompt per identifier. */
  added_person_ids: Generated<string[]>
}

export interface ReferralsTable {
  id: string
  reference: string
  received_at: Timestamp
  source: string
  referring_organisation: string | null
  referrer_name: string | null
  referrer_contact: string | null
  summary: string
  exploitation_types: string[]
  county_lines: boolean
  priority_tags: string[]
  status: string
  closure_reason: string | null
  assigned_to: string | null
  triaged_at: Timestamp | null
  closed_at: Timestamp | null
  created_at: CreatedAt
  created_by: string | null
  updated_at: Timestamp
  version: Generated<number>
  /** The organisation and sector the referral came from (0008), so outreach impact is a direct link. */
  organisation_id: ColumnType<string | null, string | null | undefined, string | null>
  referring_sector: ColumnType<string | null, string | null | undefined, string | null>
  /** The urgency flag, its reasons and the indicators it was derived from (0034): see referral.urgency.ts. */
  urgent: ColumnType<boolean, boolean | undefined, boolean>
  urgency_reasons: ColumnType<string[], string[] | undefined, string[]>
  urgency_indicators: ColumnType<string[], string[] | undefined, string[]>
}

export type GradeLevel = 'high' | 'medium' | 'low'

/** A THRIVE grading made at triage (0034); a regrading adds a row. */
export interface ReferralGradingsTable {
  id: string
  referral_id: string
  graded_at: ColumnType<Date, Date | string | undefined, never>
  graded_by: string | null
  threat: GradeLevel
  threat_rationale: string
  harm: GradeLevel
  harm_rationale: string
  risk: GradeLevel
  risk_rationale: string
  investigation: GradeLevel
  investigation_rationale: string
  vulnerability: GradeLevel
  vulnerability_rationale: string
  engagement: GradeLevel
  engagement_rationale: string
}

export interface ReferralSubjectsTable {
  referral_id: string
  person_id: string
  role: string
  position: number
}

export interface ReferralLocationsTable {
  referral_id: string
  location_id: string
  position: number
}

export interface ReferralEventsTable {
  id: string
  referral_id: string
  occurred_at: Timestamp
  actor_user_id: string | null
  kind: string
  from_status: string | null
  to_status: string | null
  reason: string | null
  details: ColumnType<Record<string, unknown>, string | undefined, never>
}

export interface ReferralDraftsTable {
  id: string
  user_id: string
  data: ColumnType<Record<string, unknown>, string, string>
  created_at: Generated<Date>
  updated_at: Timestamp
}

export interface ScreeningsTable {
  id: string
  referral_id: string
  person_id: string
  answers: ColumnType<Record<string, unknown>, string | undefined, string>
  facts: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>
  outcome: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>
  status: string
  suggested_route: string | null
  confirmed_route: string | null
  overridden: Generated<boolean>
  override_reason: string | null
  confirmed_by: string | null
  confirmed_at: Timestamp | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
  /** The screening group (encounter) it belongs to, when started from a live job or a person (migration 0050). */
  group_id: ColumnType<string | null, string | null | undefined, string | null>
}

/** People met together (one encounter: one referral, premises and job), screened with shared facts (migration 0050). */
export interface ScreeningGroupsTable {
  id: string
  referral_id: string
  case_id: string | null
  warrant_day: ColumnType<boolean, boolean | undefined, boolean>
  encountered_on: string
  shared: ColumnType<Record<string, unknown>, string | undefined, string>
  shared_saved_at: Timestamp | null
  location_id: string | null
  employer_person_id: string | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface ConsentsTable {
  id: string
  person_id: string
  referral_id: string | null
  screening_id: string | null
  purpose: string
  decision: string
  recorded_on: string
  explained_by: string
  interpreter_used: boolean
  interpreter_language: string | null
  points_explained: string[]
  understanding: string | null
  created_by: string | null
  created_at: CreatedAt
}

export interface NrmReferralsTable {
  id: string
  person_id: string
  referral_id: string
  screening_id: string | null
  nation: string
  submitted_on: string
  nrm_reference: string | null
  first_responder_organisation: string
  competent_authority: string | null
  child_at_referral: boolean
  rg_due_on: string
  created_by: string | null
  created_at: CreatedAt
}

/** A crime or occurrence reference on a referral, a live job or an NRM referral (migration 0049). */
export interface OccurrenceReferencesTable {
  id: string
  referral_id: string | null
  case_id: string | null
  nrm_referral_id: string | null
  kind: string
  value: string
  normalised: string
  copied_from: string | null
  created_by: string | null
  created_at: CreatedAt
}

/** One person's NRM / Duty to Notify form answers in a referral, until submitted (migration 0047). */
export interface NrmDraftsTable {
  id: string
  referral_id: string
  person_id: string
  data: ColumnType<Record<string, unknown>, string, string>
  version: number
  created_by: string | null
  created_at: CreatedAt
  updated_by: string | null
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface NrmEventsTable {
  id: string
  nrm_referral_id: string
  kind: string
  occurred_on: string
  outcome: string | null
  decided_by: string | null
  notes: string | null
  recorded_by: string | null
  recorded_at: CreatedAt
}

export interface DtnSubmissionsTable {
  id: string
  referral_id: string
  person_id: string | null
  screening_id: string | null
  submitted_on: string
  reference: string | null
  nation: string
  encountered_by: string
  gender: string
  nationality: string | null
  age_at_exploitation: string
  exploitation_types: string[]
  exploitation_location: string
  created_by: string | null
  created_at: CreatedAt
}

export interface PersonDocumentsTable {
  id: string
  person_id: string
  kind: string
  number: string | null
  issuing_country: string | null
  expires_on: string | null
  held_by_person: boolean | null
  created_by: string | null
  created_at: CreatedAt
}

export interface PersonImmigrationStatusTable {
  person_id: string
  status: string
  notes: string | null
  recorded_by: string | null
  recorded_at: Timestamp
}

export interface ObjectsTable {
  id: string
  kind: string
  value: string
  display: string
  details: ColumnType<Record<string, unknown>, string | undefined, string>
  created_by: string | null
  created_at: CreatedAt
}

export interface EntityLinksTable {
  id: string
  from_type: string
  from_id: string
  to_type: string
  to_id: string
  relation: string
  valid_from: string | null
  valid_to: string | null
  source: string
  case_id: string | null
  referral_id: string | null
  created_by: string | null
  created_at: CreatedAt
}

export interface OperationsTable {
  id: string
  name: string
  description: string | null
  status: Generated<string>
  /** Short code for links and materials, like LAUD (0059). */
  code: string | null
  created_by: string | null
  created_at: CreatedAt
}

export interface CasesTable {
  id: string
  reference: string
  title: string
  kind: string
  status: Generated<string>
  summary: string | null
  officer_in_charge: string | null
  operation_id: string | null
  restricted: Generated<boolean>
  priority_tags: Generated<string[]>
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
  closed_at: Timestamp | null
}

export interface CaseReferralsTable {
  case_id: string
  referral_id: string
}

export interface CasePeopleTable {
  case_id: string
  person_id: string
  role: string
  added_by: string | null
  added_at: CreatedAt
}

export interface CaseLocationsTable {
  case_id: string
  location_id: string
}

export interface CaseObjectsTable {
  case_id: string
  object_id: string
}

export interface CaseMembersTable {
  case_id: string
  user_id: string
  /** A victim-side duty (sees and works the job's victims' protected side); otherwise a suspect-side one. */
  victim_facet: boolean
  added_by: Generated<string | null>
  added_at: CreatedAt
}

/** An ISA assigned to a victim by a supervisor (migration 0026); ended, never deleted. */
export interface PersonSupportWorkersTable {
  id: string
  person_id: string
  user_id: string
  assigned_by: string | null
  assigned_at: CreatedAt
  ended_at: Timestamp | null
  ended_by: string | null
  end_reason: string | null
}

export interface CaseTasksTable {
  id: string
  case_id: string
  title: string
  owner_id: string | null
  due_on: string | null
  status: Generated<string>
  completed_at: Timestamp | null
  created_by: string | null
  created_at: CreatedAt
}

export interface CaseDecisionsTable {
  id: string
  case_id: string
  decided_on: string
  decision: string
  rationale: string
  recorded_by: string
  recorded_at: CreatedAt
}

export interface EventsTable {
  id: string
  kind: string
  occurred_at: Timestamp
  /** False when only the date was recorded: the time is then not shown. */
  time_known: Generated<boolean>
  ended_at: Timestamp | null
  location_id: string | null
  case_id: string | null
  summary: string
  created_by: string | null
  created_at: CreatedAt
}

export interface EventPeopleTable {
  event_id: string
  person_id: string
  role: string
}

export interface CaseTimelineTable {
  id: string
  case_id: string
  occurred_at: CreatedAt
  actor_user_id: string | null
  kind: string
  text: string
}

export interface OrganisationsTable {
  id: string
  name: string
  name_key: string
  sector: string | null
  created_at: CreatedAt
}

export interface OutreachEventsTable {
  id: string
  title: string
  kind: string
  starts_at: Timestamp
  ends_at: Timestamp | null
  delivery: string
  venue: string | null
  sectors: string[]
  attendee_count: number | null
  trainers: string
  priority_tags: string[]
  notes: string
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
  /** The operation the event is part of, and its code for the short link to /report (0059). */
  operation_id: string | null
  ref_code: string
}

export interface OutreachEventOrganisationsTable {
  event_id: string
  organisation_id: string
  position: number
}

export interface OutreachMaterialsTable {
  id: string
  event_id: string
  filename: string
  content_type: string
  size_bytes: number
  sha256: string
  data: Buffer
  uploaded_by: string | null
  uploaded_at: CreatedAt
}

export interface OutreachFeedbackTable {
  id: string
  event_id: string
  score: number
  comment: string | null
  created_by: string | null
  created_at: CreatedAt
}

export interface PublicReportDraftsTable {
  token_hash: string
  data: ColumnType<Record<string, unknown>, string, string>
  idempotency_key: string
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface PublicReportSubmissionsTable {
  idempotency_key: string
  referral_id: string
  created_at: CreatedAt
  /** The event whose link the reporter came through, how they heard about reporting, the kind of place (0059). */
  outreach_event_id: string | null
  heard_via: string | null
  place_kind: string | null
}

export interface ApiIdempotencyKeysTable {
  user_id: string
  key: string
  request_hash: string
  /** Null only inside the transaction that claimed the key, until its referral is written. */
  referral_id: string | null
  /** Updatable: an expired key is claimed afresh. */
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** Structured victim and perpetrator context (0052): see src/modules/victim-context. */
export interface VictimContextSituationsTable {
  id: string
  person_id: string
  referral_id: string | null
  recruitment_methods: string[]
  recruitment_place: string
  recruitment_country: string | null
  recruitment_platforms: string[]
  recruitment_detail: string
  vulnerabilities: string[]
  vulnerability_detail: string
  control_methods: string[]
  control_detail: string
  labour_sectors: string[]
  sexual_types: string[]
  criminal_types: string[]
  created_by: string | null
  created_at: CreatedAt
  updated_by: string | null
  updated_at: Timestamp
}

export interface VictimContextJourneyTable {
  id: string
  situation_id: string
  stage: string
  occurred_on: string | null
  place: string
  country: string | null
  notes: string
  created_by: string | null
  created_at: CreatedAt
}

export interface VictimContextPerpetratorsTable {
  id: string
  situation_id: string
  person_id: string | null
  description: string
  roles: string[]
  created_by: string | null
  created_at: CreatedAt
}

export interface SafeguardingPlansTable {
  id: string
  reference: string
  person_id: string
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface SafeguardingRisksTable {
  id: string
  plan_id: string
  description: string
  rating: string
  rationale: string
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface SafeguardingNeedsTable {
  id: string
  plan_id: string
  kind: string
  detail: string
  status: string
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface SafeguardingReviewsTable {
  id: string
  plan_id: string
  due_on: string
  held_on: string | null
  notes: string
  created_by: string | null
  created_at: CreatedAt
}

export interface SafeguardingActionsTable {
  id: string
  plan_id: string | null
  meeting_id: string | null
  meeting_item_id: string | null
  text: string
  owner_user_id: string | null
  owner_agency_id: string | null
  due_on: string
  status: Generated<string>
  closed_at: Timestamp | null
  closed_by: string | null
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface SafeguardingActionUpdatesTable {
  id: string
  action_id: string
  note: string
  status: string | null
  by_user_id: string | null
  by_agency_id: string | null
  created_at: CreatedAt
}

export interface HubMeetingsTable {
  id: string
  reference: string
  title: string
  held_on: string
  referral_days: number
  created_by: string | null
  created_at: CreatedAt
  /** The information-sharing agreement the meeting is held under (0055). */
  agreement_id: Generated<string | null>
}

export interface HubMeetingItemsTable {
  id: string
  meeting_id: string
  kind: string
  referral_id: string | null
  plan_id: string | null
  position: number
  /** A live job on the agenda (0055), and why each item is there ('child', 'open-need'). */
  case_id: Generated<string | null>
  reasons: Generated<string[]>
}

export interface HubMeetingAttendeesTable {
  meeting_id: string
  user_id: string
  apologies: Generated<boolean>
}

/** Partner practitioners and others attending by name, or sending apologies (0055). */
export interface HubMeetingNamedAttendeesTable {
  id: string
  meeting_id: string
  name: string
  role: string
  agency_id: string | null
  apologies: boolean
  created_by: string | null
  created_at: CreatedAt
}

/** What a partner agency knows and did, against an item shared with it or an action it owns (0055). */
export interface HubContributionsTable {
  id: string
  meeting_item_id: string | null
  action_id: string | null
  disclosure_id: string | null
  person_id: string | null
  agency_id: string
  kind: string
  text: string
  created_by: string | null
  created_at: CreatedAt
}

export interface HubMeetingAgenciesTable {
  meeting_id: string
  agency_id: string
}

export interface HubMeetingDecisionsTable {
  id: string
  meeting_id: string
  item_id: string | null
  text: string
  created_by: string | null
  created_at: CreatedAt
}

export interface ImportMappingsTable {
  source_key: string
  header_key: string
  mapping: ColumnType<Record<string, string>, string, string>
  updated_by: string | null
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface ImportJobsTable {
  id: string
  source: string
  referral_source: string
  filename: string
  file_kind: string
  headers: string[]
  rows: ColumnType<string[][], string, string>
  mapping: ColumnType<Record<string, string> | null, string | null | undefined, string | null>
  status: ColumnType<string, string | undefined, string>
  total_rows: number
  next_row: ColumnType<number, number | undefined, number>
  created_count: ColumnType<number, number | undefined, number>
  review_count: ColumnType<number, number | undefined, number>
  failed_count: ColumnType<number, number | undefined, number>
  already_count: ColumnType<number, number | undefined, number>
  created_by: string | null
  created_at: CreatedAt
  started_at: Timestamp | null
  finished_at: Timestamp | null
}

/** Pre-aggregated team figures (migration 0013): written only by database triggers, read by the insight module. */
export interface InsightReferralFactsTable {
  referral_id: string
  slot: number
  person_id: string | null
  received_on: ColumnType<string, string, string>
  month: ColumnType<string, string, string>
  source: string
  exploitation_types: string[]
  exploitation_key: string
  county_lines: boolean
  priority_tags: string[]
  status: string
  age_group: string | null
  gender: string | null
  nationality: string | null
  location: string | null
  route: string | null
  victim_types: string[] | null
  nrm_submitted_on: string | null
  competent_authority: string | null
  rg_outcome: string | null
  rg_on: string | null
  cg_outcome: string | null
  cg_on: string | null
  nrm_state: string | null
  dtn_submitted_on: string | null
}

export interface InsightSummaryTable {
  scope: string
  dimension: string
  month: string
  key: string
  n: ColumnType<string, number, number>
  days: ColumnType<string, number, number>
}

/** One row (migration 0020): bumped by a trigger in every transaction that changes the insight facts. */
export interface InsightVersionTable {
  id: boolean
  version: ColumnType<string, never, never>
}

export interface ImportRowsTable {
  id: string
  job_id: string
  row_number: number
  fingerprint: string
  status: string
  message: string | null
  referral_id: string | null
  person_id: string | null
  candidate_person_id: string | null
  probability: number | null
  explanation: ColumnType<unknown[] | null, string | null | undefined, string | null>
  data: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>
  decided_by: string | null
  decided_at: Timestamp | null
  created_at: CreatedAt
}

export interface RetentionSchedulesTable {
  record_type: string
  label: string
  review_group: string
  first_review_months: number
  review_every_months: number
  keep_until_age: number | null
  basis: string
  position: number
  confirmed_by: string | null
  confirmed_at: Timestamp | null
  updated_by: string | null
  updated_at: Timestamp
}

export interface RetentionReviewsTable {
  record_type: string
  record_id: string
  next_review_on: ColumnType<string | null, string | null | undefined, string | null>
  legal_hold: ColumnType<boolean, boolean | undefined, boolean>
  hold_reason: string | null
  hold_by: string | null
  hold_at: Timestamp | null
  last_decision: string | null
  last_reason: string | null
  reviewed_by: string | null
  reviewed_at: Timestamp | null
}

export interface ErasuresTable {
  id: string
  record_type: string
  record_id: string
  erased_at: CreatedAt
  erased_by: string | null
}

/** The ISA's directory of services to refer and signpost victims to (migration 0051): not personal data. */
export interface SupportServicesTable {
  id: string
  name: string
  category: string
  offers: string
  offers_cy: string | null
  phone: string | null
  email: string | null
  website: string | null
  area: string | null
  takes_adults: Generated<boolean>
  takes_children: Generated<boolean>
  women_only: Generated<boolean>
  languages: Generated<string[]>
  active: Generated<boolean>
  created_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

/** Support actually given to a victim: one welfare contact (migration 0051). */
export interface SupportContactsTable {
  id: string
  person_id: string
  contacted_on: string
  kind: string
  safe_to_contact: string
  what_done: string
  needs_raised: string | null
  entitlements: Generated<string[]>
  next_step: string | null
  next_step_on: string | null
  recorded_by: string | null
  created_at: CreatedAt
}

/** A referral out from a victim's support to a service in the directory (migration 0051). */
export interface SupportReferralsTable {
  id: string
  person_id: string
  service_id: string
  made_on: string
  provision: string | null
  reason: string
  status: Generated<string>
  follow_up_on: string
  outcome: string | null
  made_by: string | null
  created_at: CreatedAt
  updated_at: Timestamp
}

export interface SupportReferralUpdatesTable {
  id: string
  referral_id: string
  status: string | null
  note: string
  by_user_id: string | null
  created_at: CreatedAt
}

export interface Database {
  roles: RolesTable
  users: UsersTable
  agencies: AgenciesTable
  agency_contacts: AgencyContactsTable
  case_agencies: CaseAgenciesTable
  sharing_agreements: SharingAgreementsTable
  sharing_agreement_parties: SharingAgreementPartiesTable
  disclosures: DisclosuresTable
  sessions: SessionsTable
  api_tokens: ApiTokensTable
  mfa_recovery_codes: MfaRecoveryCodesTable
  audit_events: AuditEventsTable
  app_meta: AppMetaTable
  priority_tags: PriorityTagsTable
  people: PeopleTable
  person_names: PersonNamesTable
  locations: LocationsTable
  referrals: ReferralsTable
  referral_gradings: ReferralGradingsTable
  referral_subjects: ReferralSubjectsTable
  referral_locations: ReferralLocationsTable
  referral_events: ReferralEventsTable
  referral_drafts: ReferralDraftsTable
  screenings: ScreeningsTable
  screening_groups: ScreeningGroupsTable
  consents: ConsentsTable
  nrm_referrals: NrmReferralsTable
  nrm_events: NrmEventsTable
  nrm_drafts: NrmDraftsTable
  occurrence_references: OccurrenceReferencesTable
  dtn_submissions: DtnSubmissionsTable
  person_documents: PersonDocumentsTable
  person_immigration_status: PersonImmigrationStatusTable
  objects: ObjectsTable
  entity_links: EntityLinksTable
  operations: OperationsTable
  cases: CasesTable
  case_referrals: CaseReferralsTable
  case_people: CasePeopleTable
  case_locations: CaseLocationsTable
  case_objects: CaseObjectsTable
  case_members: CaseMembersTable
  person_support_workers: PersonSupportWorkersTable
  case_tasks: CaseTasksTable
  case_decisions: CaseDecisionsTable
  events: EventsTable
  event_people: EventPeopleTable
  case_timeline: CaseTimelineTable
  organisations: OrganisationsTable
  outreach_events: OutreachEventsTable
  outreach_event_organisations: OutreachEventOrganisationsTable
  outreach_materials: OutreachMaterialsTable
  outreach_feedback: OutreachFeedbackTable
  public_report_drafts: PublicReportDraftsTable
  public_report_submissions: PublicReportSubmissionsTable
  api_idempotency_keys: ApiIdempotencyKeysTable
  safeguarding_plans: SafeguardingPlansTable
  safeguarding_risks: SafeguardingRisksTable
  safeguarding_needs: SafeguardingNeedsTable
  safeguarding_reviews: SafeguardingReviewsTable
  safeguarding_actions: SafeguardingActionsTable
  safeguarding_action_updates: SafeguardingActionUpdatesTable
  hub_meetings: HubMeetingsTable
  hub_meeting_items: HubMeetingItemsTable
  hub_meeting_attendees: HubMeetingAttendeesTable
  hub_meeting_agencies: HubMeetingAgenciesTable
  hub_meeting_decisions: HubMeetingDecisionsTable
  hub_meeting_named_attendees: HubMeetingNamedAttendeesTable
  hub_contributions: HubContributionsTable
  safeguarding_prompts: SafeguardingPromptsTable
  match_decisions: MatchDecisionsTable
  person_merges: PersonMergesTable
  import_mappings: ImportMappingsTable
  import_jobs: ImportJobsTable
  import_rows: ImportRowsTable
  insight_referral_facts: InsightReferralFactsTable
  insight_summary: InsightSummaryTable
  insight_version: InsightVersionTable
  insight_live_version: InsightVersionTable
  insight_version_changes: { kind: 'facts' | 'live' }
  insight_summary_deltas: { scope: string; dimension: string; month: string; key: string; n: string; days: string }
  name_word_count_deltas: { word_id: number; n: number }
  retention_schedules: RetentionSchedulesTable
  retention_reviews: RetentionReviewsTable
  erasures: ErasuresTable
  support_services: SupportServicesTable
  support_contacts: SupportContactsTable
  support_referrals: SupportReferralsTable
  support_referral_updates: SupportReferralUpdatesTable
  victim_context_situations: VictimContextSituationsTable
  victim_context_journey: VictimContextJourneyTable
  victim_context_perpetrators: VictimContextPerpetratorsTable
  businesses: BusinessesTable
  business_premises: BusinessPremisesTable
  business_links: BusinessLinksTable
  record_merges: RecordMergesTable
  case_decision_countersignatures: CaseDecisionCountersignaturesTable
  case_stage_dates: CaseStageDatesTable
  case_exhibits: CaseExhibitsTable
  case_intelligence_reports: CaseIntelligenceReportsTable
}

export type Db = Kysely<Database>
export type Trx = Transaction<Database>
/** Either the pool or an open transaction: repositories accept both so a service decides the boundary. */
export type Queryable = Db | Trx

export function createDb(connectionString: string, poolSize = 10): Db {
  // JIT compilation pays off for long analytical queries, not for a case-working service's short ones, where
  // a misestimated row count can make it spend half a second compiling a query that runs in milliseconds.
  const pool = new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 5000, options: '-c jit=off' })
  // An idle client that loses its server (a restart, a network blip) must not crash the process;
  // the pool discards it and the next query gets a fresh connection.
  pool.on('error', () => undefined)
  // The same for a client checked out (between two queries of a transaction) when the server goes: pg-pool
  // listens only on idle clients, and an unheard 'error' event would end the process. The query that was
  // running, or the next one, fails instead (a 503), and the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined))
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    // Each round trip counts towards the request's time budget when SERVER_TIMING is on (request-timing.ts);
    // outside a timed request this returns at once.
    log: (event) => {
      if (event.level === 'query') recordQuery(event.query.sql, event.queryDurationMillis)
    },
  })
  pools.set(db, pool)
  return db
}

const pools = new WeakMap<Db, pg.Pool>()

/** The connection pool behind a database made by createDb, for the operator's metrics (total, idle, waiting). */
export function poolOf(db: Db): pg.Pool | undefined {
  return pools.get(db)
}

/**
 * A row of a table as a query reads it. Repositories derive their row types from this (whole, `Pick`ed or joined
 * with `&`) rather than restating the columns, so a migration that changes a column changes every reader's type.
 */
export type Row<T extends keyof Database> = Selectable<Database[T]>
