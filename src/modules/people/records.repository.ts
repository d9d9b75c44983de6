import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { normaliseName, scriptOf } from '#src/shared/names.ts'
import type { LocationInput, PersonRecordInput } from './person.schema.ts'

/**
 * The one writer of person and place records. Every module that brings a person or a place in (a referral, a live
 * job, a screening group, the person pages) calls these in its own transaction, so a person is shaped the same way
 * whoever records them: the first name is the main one, names in another script are kept as such.
 */

/** A person with their names; `vulnerability` is the free-text note a live job's cuckooed address records. */
export async function createPerson(
  db: Queryable,
  person: PersonRecordInput & { vulnerability?: string | null },
  createdBy: string | null,
): Promise<string> {
  const id = uuidv7()
  // The person and their names in one statement: one round trip inside the writer's transaction (issue 19). A
  // data-modifying WITH runs whether or not the rest reads it, and the names' foreign key is checked at the end of
  // the statement, after the person is in.
  await db
    .with('person', (q) =>
      q
        .insertInto('people')
        .values({
          id,
          date_of_birth: person.dateOfBirth ?? null,
          approximate_age: person.approximateAge ?? null,
          age_disputed: person.ageDisputed,
          gender: person.gender,
          nationalities: person.nationalities,
          languages: person.languages,
          ...(person.vulnerability ? { vulnerability: person.vulnerability } : {}),
          created_by: createdBy,
          updated_at: new Date(),
        })
        .returning('id'),
    )
    .insertInto('person_names')
    .values(
      person.names.map((fullName, position) => ({
        id: uuidv7(),
        person_id: id,
        kind: position === 0 ? 'primary' : scriptOf(fullName) !== 'Latn' ? 'original-script' : 'alias',
        full_name: fullName,
        normalised: normaliseName(fullName),
        script: scriptOf(fullName),
        position,
      })),
    )
    .execute()
  return id
}

/** A person known only by one name (met on a job, an employer named at a scene): every other fact not known. */
export function createNamedPerson(
  db: Queryable,
  name: string,
  createdBy: string | null,
  extra: { vulnerability?: string | null } = {},
): Promise<string> {
  return createPerson(
    db,
    {
      names: [name],
      dateOfBirth: null,
      approximateAge: null,
      ageDisputed: false,
      gender: 'not-known',
      nationalities: [],
      languages: [],
      ...extra,
    },
    createdBy,
  )
}

/** A place; `cuckooed` marks an address taken over by a County Lines line (recorded from a live job). */
export async function createPlace(
  db: Queryable,
  location: LocationInput,
  options: { cuckooed?: boolean } = {},
): Promise<string> {
  const id = uuidv7()
  await db
    .insertInto('locations')
    .values({
      id,
      address_line_1: location.addressLine1,
      address_line_2: location.addressLine2,
      town: location.town,
      postcode: location.postcode,
      description: location.description,
      premises_type: location.premisesType,
      ...(options.cuckooed ? { cuckooed: true } : {}),
    })
    .execute()
  return id
}

/** An object (a phone, a deal line, a vehicle) by its normalised value: one record however often it is met. */
export async function recordObject(
  db: Queryable,
  row: { kind: string; value: string; display: string; details: Record<string, unknown>; createdBy: string | null },
): Promise<string> {
  const inserted = await db
    .insertInto('objects')
    .values({
      id: uuidv7(),
      kind: row.kind,
      value: row.value,
      display: row.display,
      details: JSON.stringify(row.details),
      created_by: row.createdBy,
    })
    .onConflict((oc) =>
      oc.columns(['kind', 'value']).doUpdateSet({ details: sql`objects.details || excluded.details` }),
    )
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

export type LinkInput = {
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
}

/** A link between two records (a person uses a phone, lives at a place); its id, for the prompts it may raise. */
export async function linkRecords(db: Queryable, link: LinkInput): Promise<string> {
  const id = uuidv7()
  await db
    .insertInto('entity_links')
    .values({ id, ...link })
    .execute()
  return id
}

export async function personExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.selectFrom('people').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}

export async function placeExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.selectFrom('locations').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}

/** Corrects a place's address, postcode, description and kind (a warrant-day group's premises, edited). */
export async function updatePlace(
  db: Queryable,
  id: string,
  location: { addressLine1: string | null; postcode: string | null; description: string | null; premisesType: string },
): Promise<void> {
  await db
    .updateTable('locations')
    .set({
      address_line_1: location.addressLine1,
      postcode: location.postcode,
      description: location.description,
      premises_type: location.premisesType,
    })
    .where('id', '=', id)
    .execute()
}

/** Marks a place as shared by many people who need not know each other (a hostel, a police station), or unmarks it. */
export async function setSharedPlace(db: Queryable, id: string, shared: boolean, kind: string | null): Promise<void> {
  await db
    .updateTable('locations')
    .set({ shared_place: shared, shared_place_kind: shared ? kind : null })
    .where('id', '=', id)
    .execute()
}

/** Marks a person's record as merged into another's (non-destructive: only merged_into changes, so an unmerge restores the row exactly). */
export async function mergePersonInto(db: Queryable, mergedId: string, survivorId: string): Promise<void> {
  await db
    .updateTable('people')
    .set({ merged_into: survivorId })
    .where('id', '=', mergedId)
    .where('merged_into', 'is', null)
    .executeTakeFirstOrThrow()
}

/** Undoes a merge; false when the record is no longer merged into that survivor. */
export async function unmergePerson(db: Queryable, mergedId: string, survivorId: string): Promise<boolean> {
  const cleared = await db
    .updateTable('people')
    .set({ merged_into: null })
    .where('id', '=', mergedId)
    .where('merged_into', '=', survivorId)
    .executeTakeFirst()
  return cleared.numUpdatedRows > 0n
}

/** Marks a place as cuckooed (a County Lines line has taken it over): a place already recorded, not a copy. */
export async function markCuckooed(db: Queryable, id: string): Promise<void> {
  await db.updateTable('locations').set({ cuckooed: true }).where('id', '=', id).execute()
}

/** Records a person's vulnerability when none is recorded yet (an occupant met again on a job); never overwrites. */
export async function noteVulnerability(db: Queryable, personId: string, vulnerability: string): Promise<void> {
  if (!vulnerability) return
  await db
    .updateTable('people')
    .set({ vulnerability })
    .where('id', '=', personId)
    .where((eb) => eb.or([eb('vulnerability', 'is', null), eb('vulnerability', '=', '')]))
    .execute()
}
