import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import { displayName } from '#src/modules/people/index.ts'

export type ScreeningRow = Pick<
  Row<'screenings'>,
  | 'id'
  | 'referral_id'
  | 'person_id'
  | 'status'
  | 'suggested_route'
  | 'confirmed_route'
  | 'overridden'
  | 'override_reason'
  | 'confirmed_at'
  | 'created_at'
> & {
  answers: Record<string, unknown>
  facts: Record<string, unknown> | null
  outcome: Record<string, unknown> | null
  confirmed_by_name: string | null
  group_id: string | null
  reference: string
  person_name: string | null
}

const screeningColumns = [
  'screenings.id',
  'screenings.referral_id',
  'screenings.person_id',
  'screenings.answers',
  'screenings.facts',
  'screenings.outcome',
  'screenings.status',
  'screenings.suggested_route',
  'screenings.confirmed_route',
  'screenings.overridden',
  'screenings.override_reason',
  'screenings.confirmed_at',
  'screenings.created_at',
  'screenings.group_id',
] as const

export async function findScreening(db: Queryable, id: string): Promise<ScreeningRow | undefined> {
  return db
    .selectFrom('screenings')
    .innerJoin('referrals', 'referrals.id', 'screenings.referral_id')
    .leftJoin('users', 'users.id', 'screenings.confirmed_by')
    .select([...screeningColumns, 'referrals.reference', 'users.display_name as confirmed_by_name'])
    .select(displayName('screenings.person_id').as('person_name'))
    .where('screenings.id', '=', id)
    .executeTakeFirst()
}

export async function listScreenings(db: Queryable, referralId: string, personId: string): Promise<ScreeningRow[]> {
  return db
    .selectFrom('screenings')
    .innerJoin('referrals', 'referrals.id', 'screenings.referral_id')
    .leftJoin('users', 'users.id', 'screenings.confirmed_by')
    .select([...screeningColumns, 'referrals.reference', 'users.display_name as confirmed_by_name'])
    .select(displayName('screenings.person_id').as('person_name'))
    .where('screenings.referral_id', '=', referralId)
    .where('screenings.person_id', '=', personId)
    .orderBy('screenings.created_at', 'desc')
    .execute()
}

export async function insertScreening(
  db: Queryable,
  row: {
    id: string
    referralId: string
    personId: string
    answers: Record<string, unknown>
    createdBy: string | null
    groupId?: string | null
  },
): Promise<void> {
  await db
    .insertInto('screenings')
    .values({
      id: row.id,
      referral_id: row.referralId,
      person_id: row.personId,
      answers: JSON.stringify(row.answers),
      status: 'draft',
      created_by: row.createdBy,
      updated_at: new Date(),
      group_id: row.groupId ?? null,
    })
    .execute()
}

export async function saveAnswers(db: Queryable, id: string, answers: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('screenings')
    .set({ answers: JSON.stringify(answers), updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .execute()
}

export async function confirmScreening(
  db: Queryable,
  id: string,
  values: {
    facts: object
    outcome: object
    suggestedRoute: string
    confirmedRoute: string
    overrideReason: string | null
    confirmedBy: string | null
  },
): Promise<boolean> {
  const result = await db
    .updateTable('screenings')
    .set({
      facts: JSON.stringify(values.facts),
      outcome: JSON.stringify(values.outcome),
      status: 'confirmed',
      suggested_route: values.suggestedRoute,
      confirmed_route: values.confirmedRoute,
      overridden: values.overrideReason !== null,
      override_reason: values.overrideReason,
      confirmed_by: values.confirmedBy,
      confirmed_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export type SubjectForScreening = {
  person_id: string
  role: string
  name: string | null
  names: string[]
  date_of_birth: string | null
  approximate_age: number | null
  age_disputed: boolean
  gender: string
  nationalities: string[]
  exploitation_types: string[]
  county_lines: boolean
  reference: string
  assigned_to: string | null
}

export async function findSubject(
  db: Queryable,
  referralId: string,
  personId: string,
): Promise<SubjectForScreening | undefined> {
  return db
    .selectFrom('referral_subjects')
    .innerJoin('people', 'people.id', 'referral_subjects.person_id')
    .innerJoin('referrals', 'referrals.id', 'referral_subjects.referral_id')
    .select([
      'referral_subjects.person_id',
      'referral_subjects.role',
      'people.date_of_birth',
      'people.approximate_age',
      'people.age_disputed',
      'people.gender',
      'people.nationalities',
      'referrals.exploitation_types',
      'referrals.county_lines',
      'referrals.reference',
      'referrals.assigned_to',
    ])
    .select(displayName('people.id').as('name'))
    .select(
      sql<
        string[]
      >`coalesce((SELECT array_agg(full_name ORDER BY position) FROM person_names pn WHERE pn.person_id = people.id), '{}')`.as(
        'names',
      ),
    )
    .where('referral_subjects.referral_id', '=', referralId)
    .where('referral_subjects.person_id', '=', personId)
    .executeTakeFirst()
}

export async function insertConsent(
  db: Queryable,
  consent: {
    id: string
    personId: string
    referralId: string | null
    screeningId: string | null
    purpose: 'nrm-referral' | 'continue-at-18'
    decision: 'given' | 'refused'
    recordedOn: string
    explainedBy: string
    interpreterUsed: boolean
    interpreterLanguage: string | null
    pointsExplained: string[]
    understanding: string | null
    createdBy: string | null
  },
): Promise<void> {
  await db
    .insertInto('consents')
    .values({
      id: consent.id,
      person_id: consent.personId,
      referral_id: consent.referralId,
      screening_id: consent.screeningId,
      purpose: consent.purpose,
      decision: consent.decision,
      recorded_on: consent.recordedOn,
      explained_by: consent.explainedBy,
      interpreter_used: consent.interpreterUsed,
      interpreter_language: consent.interpreterLanguage,
      points_explained: consent.pointsExplained,
      understanding: consent.understanding,
      created_by: consent.createdBy,
    })
    .execute()
}
