import { sql, type Kysely } from 'kysely'

/**
 * Whether an event's time of day was recorded (issue 17): an arrest "on 3 March" is not an arrest at 00:00.
 * Events recorded with a date only keep midnight as their instant, for ordering, and are shown as a date.
 * Existing events at exactly midnight London time are taken to be date-only, which is what the pages recorded
 * before a time could be given.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE events ADD COLUMN time_known boolean NOT NULL DEFAULT true;
    UPDATE events SET time_known = false WHERE (occurred_at AT TIME ZONE 'Europe/London')::time = '00:00';
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE events DROP COLUMN time_known`.execute(db)
}
