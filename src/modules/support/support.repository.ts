import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import { displayName, holdsVictimDuty } from '#src/modules/people/index.ts'

/** A person and every record merged into them: support is read across the merged identity, as the policy reads duties. */
const identity = (personId: string) => sql`(SELECT person_identity(person_root(${personId}::uuid)))`

// --- The directory of services ---------------------------------------------------------------------------

const SERVICE_COLUMNS = [
  'id',
  'name',
  'category',
  'offers',
  'offers_cy',
  'phone',
  'email',
  'website',
  'area',
  'takes_adults',
  'takes_children',
  'women_only',
  'languages',
  'active',
] as const

export type ServiceRow = Pick<Row<'support_services'>, (typeof SERVICE_COLUMNS)[number]>

export async function listServices(
  db: Queryable,
  options: { activeOnly: boolean; category?: string | null },
): Promise<ServiceRow[]> {
  let query = db.selectFrom('support_services').select(SERVICE_COLUMNS)
  if (options.activeOnly) query = query.where('active', '=', true)
  if (options.category) query = query.where('category', '=', options.category)
  return query.orderBy('category').orderBy('name').limit(500).execute()
}

export async function findService(db: Queryable, id: string): Promise<ServiceRow | undefined> {
  return db.selectFrom('support_services').select(SERVICE_COLUMNS).where('id', '=', id).executeTakeFirst()
}

export async function findServices(db: Queryable, ids: readonly string[]): Promise<ServiceRow[]> {
  if (ids.length === 0) return []
  return db
    .selectFrom('support_services')
    .select(SERVICE_COLUMNS)
    .where('id', 'in', [...ids])
    .orderBy('category')
    .orderBy('name')
    .execute()
}

export async function serviceNameTaken(db: Queryable, name: string, exceptId: string | null): Promise<boolean> {
  const { rows } = await sql<{
    id: string
  }>`SELECT id FROM support_services WHERE lower(name) = lower(${name}) AND (${exceptId}::uuid IS NULL OR id <> ${exceptId}::uuid) LIMIT 1`.execute(
    db,
  )
  return rows.length > 0
}

export type ServiceValues = Omit<ServiceRow, 'id'>

export async function insertService(
  db: Queryable,
  row: ServiceValues & { id: string; created_by: string | null },
): Promise<void> {
  await db
    .insertInto('support_services')
    .values({ ...row, updated_at: new Date() })
    .execute()
}

export async function updateService(db: Queryable, id: string, row: ServiceValues): Promise<boolean> {
  const result = await db
    .updateTable('support_services')
    .set({ ...row, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

// --- The person -------------------------------------------------------------------------------------------

export type PersonFacts = {
  id: string
  name: string | null
  date_of_birth: string | null
  approximate_age: number | null
  age_disputed: boolean
}

/** What the rules need of a person: their age (a referral to a service must fit it) and the name pages show. */
export async function personFacts(db: Queryable, personId: string): Promise<PersonFacts | undefined> {
  return db
    .selectFrom('people')
    .select(['id', 'date_of_birth', 'approximate_age', 'age_disputed'])
    .select(displayName('people.id').as('name'))
    .where('id', '=', personId)
    .executeTakeFirst()
}

/** The record new support is written on: the person a merged record reads as. */
export async function rootOf(db: Queryable, personId: string): Promise<string> {
  const { rows } = await sql<{ root: string }>`SELECT person_root(${personId}::uuid) AS root`.execute(db)
  return rows[0].root
}

// --- Contacts ---------------------------------------------------------------------------------------------

export type ContactRow = Pick<
  Row<'support_contacts'>,
  | 'id'
  | 'contacted_on'
  | 'kind'
  | 'safe_to_contact'
  | 'what_done'
  | 'needs_raised'
  | 'entitlements'
  | 'next_step'
  | 'next_step_on'
  | 'created_at'
> & {
  recorded_by_name: string | null
}

export async function listContacts(db: Queryable, personId: string): Promise<ContactRow[]> {
  const { rows } = await sql<ContactRow>`
    SELECT c.id, c.contacted_on, c.kind, c.safe_to_contact, c.what_done, c.needs_raised, c.entitlements, c.next_step, c.next_step_on,
      u.display_name AS recorded_by_name, c.created_at
    FROM support_contacts c LEFT JOIN users u ON u.id = c.recorded_by
    WHERE c.person_id IN ${identity(personId)}
    ORDER BY c.contacted_on DESC, c.created_at DESC
    LIMIT 500`.execute(db)
  return rows
}

export type NewContact = {
  id: string
  person_id: string
  contacted_on: string
  kind: string
  safe_to_contact: string
  what_done: string
  needs_raised: string | null
  entitlements: string[]
  next_step: string | null
  next_step_on: string | null
  recorded_by: string | null
}

export async function insertContact(db: Queryable, row: NewContact): Promise<void> {
  await db.insertInto('support_contacts').values(row).execute()
}

// --- Referrals out ----------------------------------------------------------------------------------------

export type ReferralRow = Pick<
  Row<'support_referrals'>,
  | 'id'
  | 'person_id'
  | 'service_id'
  | 'made_on'
  | 'provision'
  | 'reason'
  | 'status'
  | 'follow_up_on'
  | 'outcome'
  | 'updated_at'
> & {
  service_name: string
  service_category: string
  service_phone: string | null
  made_by_name: string | null
}

const referralSelect = sql`
  SELECT r.id, r.person_id, r.service_id, s.name AS service_name, s.category AS service_category, s.phone AS service_phone, r.made_on,
    r.provision, r.reason, r.status, r.follow_up_on, r.outcome, u.display_name AS made_by_name, r.updated_at
  FROM support_referrals r JOIN support_services s ON s.id = r.service_id LEFT JOIN users u ON u.id = r.made_by`

export async function listReferrals(db: Queryable, personId: string): Promise<ReferralRow[]> {
  const { rows } = await sql<ReferralRow>`${referralSelect}
    WHERE r.person_id IN ${identity(personId)}
    ORDER BY (r.status IN ('awaiting', 'accepted')) DESC, r.made_on DESC, r.created_at DESC
    LIMIT 500`.execute(db)
  return rows
}

/** One referral out of this person (any record of them), locked so two changes to it are made one after the other. */
export async function findReferral(
  db: Queryable,
  personId: string,
  referralId: string,
  options: { lock: boolean },
): Promise<ReferralRow | undefined> {
  const { rows } = await sql<ReferralRow>`${referralSelect}
    WHERE r.id = ${referralId}::uuid AND r.person_id IN ${identity(personId)}
    ${options.lock ? sql`FOR UPDATE OF r` : sql``}`.execute(db)
  return rows[0]
}

export type NewReferral = {
  id: string
  person_id: string
  service_id: string
  made_on: string
  provision: string | null
  reason: string
  follow_up_on: string
  made_by: string | null
}

export async function insertReferral(db: Queryable, row: NewReferral): Promise<void> {
  await db
    .insertInto('support_referrals')
    .values({ ...row, updated_at: new Date() })
    .execute()
}

export async function updateReferral(
  db: Queryable,
  id: string,
  change: { status?: string; follow_up_on?: string; outcome?: string | null },
): Promise<void> {
  await db
    .updateTable('support_referrals')
    .set({ ...change, updated_at: new Date() })
    .where('id', '=', id)
    .execute()
}

export type ReferralUpdateRow = Pick<
  Row<'support_referral_updates'>,
  'referral_id' | 'status' | 'note' | 'created_at'
> & {
  by_name: string | null
}

export async function insertReferralUpdate(
  db: Queryable,
  row: { id: string; referral_id: string; status: string | null; note: string; by_user_id: string | null },
): Promise<void> {
  await db.insertInto('support_referral_updates').values(row).execute()
}

export async function listReferralUpdates(db: Queryable, referralIds: readonly string[]): Promise<ReferralUpdateRow[]> {
  if (referralIds.length === 0) return []
  const { rows } = await sql<ReferralUpdateRow>`
    SELECT x.referral_id, x.status, x.note, u.display_name AS by_name, x.created_at
    FROM support_referral_updates x LEFT JOIN users u ON u.id = x.by_user_id
    WHERE x.referral_id = ANY(${[...referralIds]}::uuid[])
    ORDER BY x.created_at`.execute(db)
  return rows
}

export type StalledRow = Pick<Row<'support_referrals'>, 'id' | 'person_id' | 'made_on' | 'follow_up_on'> & {
  person_name: string | null
  service_name: string
  made_by_name: string | null
}

/**
 * Referrals out still awaiting an answer on or after their follow-up date: for one user, those of the people they
 * hold a victim-side duty to now (the ISA assigned, their officers) and those they made; `null` for the team.
 */
export async function stalledReferrals(db: Queryable, userId: string | null, today: string): Promise<StalledRow[]> {
  const { rows } = await sql<StalledRow>`
    SELECT r.id, person_root(r.person_id) AS person_id, ${displayName('r.person_id')} AS person_name, s.name AS service_name, r.made_on, r.follow_up_on,
      u.display_name AS made_by_name
    FROM support_referrals r JOIN support_services s ON s.id = r.service_id LEFT JOIN users u ON u.id = r.made_by
    WHERE r.status = 'awaiting' AND r.follow_up_on <= ${today}::date
      ${userId === null ? sql`` : sql`AND (${holdsVictimDuty(sql.ref('r.person_id'), userId)})`}
    ORDER BY r.follow_up_on, r.made_on
    LIMIT 200`.execute(db)
  return rows
}

export type SupportSummary = {
  contacts: number
  last_contact_on: string | null
  open_referrals: number
  stalled_referrals: number
  unsafe_contact: boolean
}

/** Counts for the person page: how much support there is, and whether anything needs doing. */
export async function summary(db: Queryable, personId: string, today: string): Promise<SupportSummary> {
  const { rows } = await sql<SupportSummary>`
    SELECT
      (SELECT count(*)::int FROM support_contacts c WHERE c.person_id IN ${identity(personId)}) AS contacts,
      (SELECT max(c.contacted_on)::text FROM support_contacts c WHERE c.person_id IN ${identity(personId)} AND c.kind <> 'attempted') AS last_contact_on,
      (SELECT count(*)::int FROM support_referrals r WHERE r.person_id IN ${identity(personId)} AND r.status IN ('awaiting', 'accepted')) AS open_referrals,
      (SELECT count(*)::int FROM support_referrals r WHERE r.person_id IN ${identity(personId)} AND r.status = 'awaiting' AND r.follow_up_on <= ${today}::date) AS stalled_referrals,
      coalesce((SELECT c.safe_to_contact = 'no' FROM support_contacts c WHERE c.person_id IN ${identity(personId)} AND c.safe_to_contact <> 'not-asked'
        ORDER BY c.contacted_on DESC, c.created_at DESC LIMIT 1), false) AS unsafe_contact`.execute(db)
  return rows[0]
}
