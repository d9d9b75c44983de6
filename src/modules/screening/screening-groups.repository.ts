import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { displayName } from '#src/modules/people/index.ts'
import { caseVisible } from '#src/modules/people/index.ts'

/** A screening group (people met together in one encounter) with its referral and live job. */
export type GroupRow = Pick<
  Row<'screening_groups'>,
  | 'id'
  | 'referral_id'
  | 'case_id'
  | 'encountered_on'
  | 'shared_saved_at'
  | 'location_id'
  | 'employer_person_id'
  | 'created_at'
> & { warrant_day: boolean; shared: Record<string, unknown>; created_by_name: string | null; reference: string }

export async function insertGroup(
  db: Queryable,
  row: {
    id: string
    referralId: string
    caseId: string | null
    warrantDay: boolean
    encounteredOn: string
    createdBy: string | null
  },
): Promise<void> {
  await db
    .insertInto('screening_groups')
    .values({
      id: row.id,
      referral_id: row.referralId,
      case_id: row.caseId,
      warrant_day: row.warrantDay,
      encountered_on: row.encounteredOn,
      created_by: row.createdBy,
      updated_at: new Date(),
    })
    .execute()
}

export async function findGroup(
  db: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<GroupRow | undefined> {
  if (options.lock)
    await db.selectFrom('screening_groups').select('id').where('id', '=', id).forUpdate().executeTakeFirst()
  return db
    .selectFrom('screening_groups')
    .innerJoin('referrals', 'referrals.id', 'screening_groups.referral_id')
    .leftJoin('users', 'users.id', 'screening_groups.created_by')
    .select([
      'screening_groups.id',
      'screening_groups.referral_id',
      'screening_groups.case_id',
      'screening_groups.warrant_day',
      sql<string>`screening_groups.encountered_on::text`.as('encountered_on'),
      'screening_groups.shared',
      'screening_groups.shared_saved_at',
      'screening_groups.location_id',
      'screening_groups.employer_person_id',
      'screening_groups.created_at',
      'users.display_name as created_by_name',
      'referrals.reference',
    ])
    .where('screening_groups.id', '=', id)
    .executeTakeFirst()
}

/** The live job a group was met on, when this user may see it (a restricted job's team and supervisors). */
export async function findVisibleCase(
  db: Queryable,
  caseId: string,
  user: CurrentUser,
): Promise<{ id: string; reference: string; title: string } | undefined> {
  return db
    .selectFrom('cases')
    .select(['id', 'reference', 'title'])
    .where('id', '=', caseId)
    .where(caseVisible('cases.id', user))
    .executeTakeFirst()
}

/** Each person's screening in the group, in the order they were added. */
export async function listMembers(db: Queryable, groupId: string) {
  return db
    .selectFrom('screenings')
    .innerJoin('people', 'people.id', 'screenings.person_id')
    .innerJoin('referral_subjects', (join) =>
      join
        .onRef('referral_subjects.referral_id', '=', 'screenings.referral_id')
        .onRef('referral_subjects.person_id', '=', 'screenings.person_id'),
    )
    .select([
      'screenings.id as screening_id',
      'screenings.person_id',
      sql<string | null>`people.date_of_birth::text`.as('date_of_birth'),
      'people.approximate_age',
      'people.age_disputed',
      'screenings.status',
      'screenings.answers',
      'screenings.suggested_route',
      'screenings.confirmed_route',
      'screenings.outcome',
    ])
    .select(displayName('screenings.person_id').as('name'))
    .where('screenings.group_id', '=', groupId)
    .orderBy('referral_subjects.position')
    .orderBy('screenings.created_at')
    .execute()
}

/** One person's screening in a group, with what the group page shows of them. */
export type GroupMemberRow = Awaited<ReturnType<typeof listMembers>>[number]

export async function saveShared(
  db: Queryable,
  id: string,
  shared: object,
  refs: { locationId: string | null; employerPersonId: string | null },
): Promise<void> {
  await db
    .updateTable('screening_groups')
    .set({
      shared: JSON.stringify(shared),
      shared_saved_at: sql`now()`,
      updated_at: sql`now()`,
      location_id: refs.locationId,
      employer_person_id: refs.employerPersonId,
    })
    .where('id', '=', id)
    .execute()
}

export async function listGroupsForCase(
  db: Queryable,
  caseId: string,
): Promise<{ id: string; encountered_on: string; warrant_day: boolean; people: number; confirmed: number }[]> {
  const { rows } = await sql<{
    id: string
    encountered_on: string
    warrant_day: boolean
    people: number
    confirmed: number
  }>`
    SELECT g.id, g.encountered_on::text AS encountered_on, g.warrant_day,
      (SELECT count(*)::int FROM screenings s WHERE s.group_id = g.id) AS people,
      (SELECT count(*)::int FROM screenings s WHERE s.group_id = g.id AND s.status = 'confirmed') AS confirmed
    FROM screening_groups g WHERE g.case_id = ${caseId}::uuid ORDER BY g.encountered_on DESC, g.created_at DESC`.execute(
    db,
  )
  return rows
}

export async function findGroupIdForReferral(db: Queryable, referralId: string): Promise<string | undefined> {
  return (await db.selectFrom('screening_groups').select('id').where('referral_id', '=', referralId).executeTakeFirst())
    ?.id
}

/** The job's people by id, to check that those chosen are on it. */
export async function casePeopleIds(db: Queryable, caseId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('case_people').select('person_id').distinct().where('case_id', '=', caseId).execute()
  return new Set(rows.map((r) => r.person_id))
}
