import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'

export type PriorityTag = { id: string; label: string; active: boolean }

export async function listPriorityTags(
  db: Queryable,
  options: { includeInactive?: boolean } = {},
): Promise<PriorityTag[]> {
  let query = db.selectFrom('priority_tags').select(['id', 'label', 'active']).orderBy('sort_order').orderBy('label')
  if (!options.includeInactive) query = query.where('active', '=', true)
  return query.execute()
}

/**
 * The tags in a list that are not active strategic priorities: the one check of a referral's or an event's tags,
 * so both refuse the same ones. The caller words the refusal for its own page or API.
 */
export async function unknownPriorityTags(db: Queryable, tags: readonly string[]): Promise<string[]> {
  if (tags.length === 0) return []
  const known = new Set((await listPriorityTags(db)).map((t) => t.id))
  return tags.filter((t) => !known.has(t))
}

export async function insertPriorityTag(db: Queryable, tag: { id: string; label: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('priority_tags')
    .values({
      id: tag.id,
      label: tag.label,
      sort_order: sql`(SELECT coalesce(max(sort_order), 0) + 1 FROM priority_tags)`,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function setPriorityTagActive(db: Queryable, id: string, active: boolean): Promise<boolean> {
  const result = await db.updateTable('priority_tags').set({ active }).where('id', '=', id).executeTakeFirst()
  return result.numUpdatedRows > 0n
}
