import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'

export type AgencyRow = Pick<
  Row<'agencies'>,
  'id' | 'name' | 'kind' | 'first_responder' | 'duty_to_notify' | 'phone' | 'email' | 'notes' | 'active'
>

const agencyColumns = [
  'id',
  'name',
  'kind',
  'first_responder',
  'duty_to_notify',
  'phone',
  'email',
  'notes',
  'active',
] as const

export async function listAgencies(
  db: Queryable,
  filter: { kind?: string | null; firstResponder?: boolean; dutyToNotify?: boolean; includeInactive?: boolean } = {},
): Promise<(AgencyRow & { contacts: number })[]> {
  let query = db
    .selectFrom('agencies')
    .select(agencyColumns)
    .select(
      sql<number>`(SELECT count(*)::int FROM agency_contacts c WHERE c.agency_id = agencies.id AND c.active)`.as(
        'contacts',
      ),
    )
    .orderBy(sql`lower(name)`)
  if (filter.kind) query = query.where('kind', '=', filter.kind)
  if (filter.firstResponder) query = query.where('first_responder', '=', true)
  if (filter.dutyToNotify) query = query.where('duty_to_notify', '=', true)
  if (!filter.includeInactive) query = query.where('active', '=', true)
  return query.execute()
}

export async function findAgency(db: Queryable, id: string): Promise<AgencyRow | undefined> {
  return db.selectFrom('agencies').select(agencyColumns).where('id', '=', id).executeTakeFirst()
}

export async function agencyNameTaken(db: Queryable, name: string, exceptId: string | null): Promise<boolean> {
  let query = db
    .selectFrom('agencies')
    .select('id')
    .where(sql<string>`lower(name)`, '=', name.toLowerCase())
  if (exceptId) query = query.where('id', '<>', exceptId)
  return Boolean(await query.executeTakeFirst())
}

export async function insertAgency(db: Queryable, row: Omit<AgencyRow, 'active'>): Promise<void> {
  await db
    .insertInto('agencies')
    .values({ ...row, updated_at: new Date() })
    .execute()
}

export async function updateAgency(db: Queryable, id: string, row: Omit<AgencyRow, 'id'>): Promise<boolean> {
  const result = await db
    .updateTable('agencies')
    .set({ ...row, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export type ContactRow = Pick<Row<'agency_contacts'>, 'id' | 'name' | 'job_title' | 'phone' | 'email' | 'active'>

export async function listContacts(db: Queryable, agencyId: string): Promise<ContactRow[]> {
  return db
    .selectFrom('agency_contacts')
    .select(['id', 'name', 'job_title', 'phone', 'email', 'active'])
    .where('agency_id', '=', agencyId)
    .orderBy('active', 'desc')
    .orderBy('name')
    .execute()
}

export async function insertContact(
  db: Queryable,
  row: {
    id: string
    agency_id: string
    name: string
    job_title: string | null
    phone: string | null
    email: string | null
    created_by: string | null
  },
): Promise<void> {
  await db.insertInto('agency_contacts').values(row).execute()
}

export async function setContactActive(
  db: Queryable,
  agencyId: string,
  contactId: string,
  active: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('agency_contacts')
    .set({ active })
    .where('id', '=', contactId)
    .where('agency_id', '=', agencyId)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Active contacts at active agencies, for a choice of whom to name: short lists at a force's scale. */
export async function listContactsForSelection(
  db: Queryable,
): Promise<{ id: string; name: string; agency_id: string; agency_name: string }[]> {
  return db
    .selectFrom('agency_contacts')
    .innerJoin('agencies', 'agencies.id', 'agency_contacts.agency_id')
    .select(['agency_contacts.id', 'agency_contacts.name', 'agencies.id as agency_id', 'agencies.name as agency_name'])
    .where('agency_contacts.active', '=', true)
    .where('agencies.active', '=', true)
    .orderBy('agencies.name')
    .orderBy('agency_contacts.name')
    .limit(1000)
    .execute()
}

/** An agency still active, for a module that involves it in its work (a live job). */
export async function findActiveAgency(db: Queryable, id: string): Promise<{ id: string; name: string } | undefined> {
  return db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('id', '=', id)
    .where('active', '=', true)
    .executeTakeFirst()
}

export async function isContactOf(db: Queryable, contactId: string, agencyId: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('agency_contacts')
      .select('id')
      .where('id', '=', contactId)
      .where('agency_id', '=', agencyId)
      .executeTakeFirst()) !== undefined
  )
}
