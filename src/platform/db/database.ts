import { Kysely, PostgresDialect, type ColumnType, type Generated, type Transaction } from 'kysely'
import pg from 'pg'

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
  prev_hash: string
  hash: string
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
  victim_facet: boolean
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

export interface Database {
  roles: RolesTable
  users: UsersTable
  sessions: SessionsTable
  api_tokens: ApiTokensTable
  audit_events: AuditEventsTable
  app_meta: AppMetaTable
  priority_tags: PriorityTagsTable
  people: PeopleTable
  person_names: PersonNamesTable
  locations: LocationsTable
  referrals: ReferralsTable
  referral_subjects: ReferralSubjectsTable
  referral_locations: ReferralLocationsTable
  referral_events: ReferralEventsTable
  referral_drafts: ReferralDraftsTable
  screenings: ScreeningsTable
  consents: ConsentsTable
  nrm_referrals: NrmReferralsTable
  nrm_events: NrmEventsTable
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
  case_tasks: CaseTasksTable
  case_decisions: CaseDecisionsTable
  events: EventsTable
  event_people: EventPeopleTable
  case_timeline: CaseTimelineTable
}

export type Db = Kysely<Database>
export type Trx = Transaction<Database>
/** Either the pool or an open transaction: repositories accept both so a service decides the boundary. */
export type Queryable = Db | Trx

export function createDb(connectionString: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 5000 })
  // An idle client that loses its server (a restart, a network blip) must not crash the process;
  // the pool discards it and the next query gets a fresh connection.
  pool.on('error', () => undefined)
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}
