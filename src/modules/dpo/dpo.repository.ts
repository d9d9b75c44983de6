import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { displayName } from '#src/modules/people/index.ts'
import { caseVisible, recordVisible } from '#src/modules/people/index.ts'

/**
 * How an audited action was done: signed in, or with an API token, and then who made the token (NULL with
 * token_held: made at the command line; token_held false: the token is no longer in the database).
 */
export type Via = { via_token: boolean; token_held: boolean; token_maker: string | null }

export type AccessRow = Pick<Row<'audit_events'>, 'occurred_at' | 'action' | 'justification' | 'details'> & {
  user_name: string | null
  role: string | null
  about_other: boolean
} & Via

const VIA = sql`a.actor_token_id IS NOT NULL AS via_token, t.id IS NOT NULL AS token_held, c.display_name AS token_maker`
// Who made the token a row was done with: its own user, or no one (the command line), since migration 0030.
const TOKEN_MAKER = sql`LEFT JOIN api_tokens t ON t.id = a.actor_token_id LEFT JOIN users c ON c.id = t.created_by`

/** Actions whose audit rows record, under details.records, the ids of the records they carried out of the force. */
const CARRYING = sql`('disclosure.made', 'disclosure.approved', 'disclosure.viewed', 'subject-access.exported', 'subject-access.viewed')`

/**
 * Every audited event through which someone saw a person's addresses: their record, the referrals and places
 * that show them, disclosures and subject access bundles that included addresses, and any disclosure or bundle
 * about someone else that carried one of the person's places (the same place, or the same address recorded
 * again), found by the location ids each recorded. Disclosures audited before they recorded their ids carried
 * every place linked to their subject and every place of the referrals naming them; those are matched that way.
 */
export async function addressAccess(db: Queryable, personId: string, since: Date): Promise<AccessRow[]> {
  const { rows } = await sql<AccessRow>`
    WITH mine AS (
      SELECT to_id AS id FROM entity_links WHERE from_type = 'person' AND from_id = ${personId} AND to_type = 'location'
      UNION SELECT rl.location_id FROM referral_subjects s JOIN referral_locations rl ON rl.referral_id = s.referral_id WHERE s.person_id = ${personId}
    ),
    mine_keys AS (SELECT address_key FROM locations WHERE id IN (SELECT id FROM mine) AND address_key IS NOT NULL)
    SELECT a.occurred_at, a.action, u.display_name AS user_name, u.role_id AS role, ${VIA}, a.justification, a.details,
      a.subject_id IS DISTINCT FROM ${personId} AS about_other
    FROM audit_events a LEFT JOIN users u ON u.id = a.actor_user_id ${TOKEN_MAKER}
    WHERE a.occurred_at >= ${since} AND (
      (a.subject_type = 'person' AND a.subject_id = ${personId} AND (a.action IN ('person.viewed', 'victim-facet.viewed')
        OR (a.action IN ('disclosure.made', 'disclosure.approved', 'disclosure.viewed') AND a.details->'fields' ? 'address')
        OR (a.action IN ('subject-access.exported', 'subject-access.viewed') AND jsonb_array_length(coalesce(a.details->'records'->'locations', '[]')) > 0)))
      OR (a.subject_type = 'referral' AND a.action = 'referral.viewed' AND a.subject_id IN (SELECT referral_id::text FROM referral_subjects WHERE person_id = ${personId}))
      OR (a.subject_type = 'location' AND a.subject_id IN (SELECT to_id::text FROM entity_links WHERE from_type = 'person' AND from_id = ${personId} AND to_type = 'location'))
      OR (a.action IN ${CARRYING} AND EXISTS (
        SELECT 1 FROM jsonb_array_elements_text(a.details->'records'->'locations') AS carried(id) JOIN locations l ON l.id::text = carried.id
        WHERE l.id IN (SELECT id FROM mine) OR l.address_key IN (SELECT address_key FROM mine_keys)))
      OR (a.subject_type = 'person' AND a.action IN ('disclosure.made', 'disclosure.approved', 'disclosure.viewed') AND NOT a.details ? 'records' AND a.details->'fields' ? 'address'
        AND EXISTS (
          SELECT 1 FROM entity_links l WHERE l.from_type = 'person' AND l.from_id::text = a.subject_id AND l.to_type = 'location' AND l.to_id IN (SELECT id FROM mine)
          UNION ALL
          SELECT 1 FROM referral_subjects s JOIN referral_locations rl ON rl.referral_id = s.referral_id WHERE s.person_id::text = a.subject_id AND rl.location_id IN (SELECT id FROM mine)))
    )
    ORDER BY a.occurred_at DESC, a.id DESC
    LIMIT 5000`.execute(db)
  return rows
}

/** Every audited view, record or disclosure of a person's immigration status, and each subject access bundle that carried it. */
export async function immigrationStatusAccess(db: Queryable, personId: string, since: Date): Promise<AccessRow[]> {
  const { rows } = await sql<AccessRow>`
    SELECT a.occurred_at, a.action, u.display_name AS user_name, u.role_id AS role, ${VIA}, a.justification, a.details, false AS about_other
    FROM audit_events a LEFT JOIN users u ON u.id = a.actor_user_id ${TOKEN_MAKER}
    WHERE a.occurred_at >= ${since} AND a.subject_type = 'person' AND a.subject_id = ${personId} AND (
      a.action IN ('immigration-status.viewed', 'immigration-status.recorded')
      OR (a.action IN ('disclosure.made', 'disclosure.approved', 'disclosure.viewed') AND a.details->'fields' ? 'immigration-status')
      OR (a.action IN ('subject-access.exported', 'subject-access.viewed') AND a.details->'records'->'immigrationStatus' = 'true'::jsonb))
    ORDER BY a.occurred_at DESC, a.id DESC
    LIMIT 5000`.execute(db)
  return rows
}

export type DisclosureReportRow = Pick<Row<'audit_events'>, 'occurred_at' | 'action'> &
  Pick<Row<'disclosures'>, 'fields'> & {
    user_name: string | null
    person_id: string
    person_name: string | null
    purpose: string | null
    lawful_basis: string | null
    agreement_title: string | null
    disclosure_id: string
  }

/** What was disclosed to one agency between two instants: each disclosure, approval and revocation. */
export async function disclosuresToAgency(
  db: Queryable,
  agencyId: string,
  from: Date,
  to: Date,
): Promise<DisclosureReportRow[]> {
  const { rows } = await sql<DisclosureReportRow>`
    SELECT a.occurred_at, a.action, u.display_name AS user_name, a.subject_id AS person_id, ${displayName('d.person_id')} AS person_name,
      d.fields, a.justification AS purpose, a.details->>'lawfulBasis' AS lawful_basis, g.title AS agreement_title, d.id AS disclosure_id
    FROM audit_events a
    LEFT JOIN users u ON u.id = a.actor_user_id
    JOIN disclosures d ON d.id::text = a.details->>'disclosureId'
    LEFT JOIN sharing_agreements g ON g.id = d.agreement_id
    WHERE a.occurred_at >= ${from} AND a.occurred_at < ${to} AND a.details->>'agencyId' = ${agencyId}
      AND a.action IN ('disclosure.made', 'disclosure.approved', 'disclosure.revoked', 'disclosure.viewed')
    ORDER BY a.occurred_at, a.id
    LIMIT 10000`.execute(db)
  return rows
}

export type LogRow = Pick<
  Row<'audit_events'>,
  'id' | 'occurred_at' | 'action' | 'category' | 'subject_type' | 'subject_id' | 'justification'
> & { user_name: string | null } & Via

/** The audit log itself, newest first, filtered by s62 category, action and period (one page of it). */
export async function auditLog(
  db: Queryable,
  filter: { category: string | null; action: string | null; subjectId?: string | null; from: Date; to: Date },
  page: { limit: number; offset: number },
): Promise<LogRow[]> {
  const { rows } = await sql<LogRow>`
    SELECT a.id::text AS id, a.occurred_at, a.action, a.category, u.display_name AS user_name, ${VIA},
      a.subject_type, a.subject_id, a.justification
    FROM audit_events a LEFT JOIN users u ON u.id = a.actor_user_id ${TOKEN_MAKER}
    WHERE a.occurred_at >= ${filter.from} AND a.occurred_at < ${filter.to}
      AND (${filter.category}::text IS NULL OR a.category = ${filter.category})
      AND (${filter.action}::text IS NULL OR a.action = ${filter.action})
      AND (${filter.subjectId ?? null}::text IS NULL OR a.subject_id = ${filter.subjectId ?? null}::text)
    ORDER BY a.occurred_at DESC, a.id DESC
    LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db)
  return rows
}

/**
 * An audited event that gave someone access to a person's victim side or to a restricted live job (or took such
 * access away again), with the names it needs resolved. Anything recorded inside a restricted live job the reader
 * may not see is marked hidden, and the report withholds it (its reference, the people in it, the reason given).
 */
export type AccessGrantRow = Pick<
  Row<'audit_events'>,
  'id' | 'occurred_at' | 'action' | 'subject_type' | 'subject_id' | 'justification' | 'details'
> & {
  actor_name: string | null
  for_user_name: string | null
  case_reference: string | null
  case_hidden: boolean
  referral_reference: string | null
  referral_recorder: string | null
  person_id: string | null
  person_name: string | null
  person_hidden: boolean
  other_person_id: string | null
  other_person_name: string | null
  other_person_hidden: boolean
} & Via

/** The actions (and, for shared actions, the details) that mark an access change. */
const ACCESS_GRANT = sql`(
  (a.action = 'referral.assigned' AND a.details->>'victimSide' IS DISTINCT FROM 'false')
  OR (a.action = 'case.opened' AND a.details->>'victimSide' IS DISTINCT FROM 'false')
  OR a.action IN ('case.member-added', 'case.member-removed', 'person.support-worker-assigned', 'person.support-worker-ended')
  OR (a.action = 'case.person-removed' AND a.details->>'role' IN ('potential-victim', 'victim'))
  OR (a.action = 'case.updated' AND (
    a.details->>'role' IN ('potential-victim', 'victim')
    OR a.details->'changed' ? 'officerInCharge'
    OR (a.details->'changed' ? 'restricted' AND a.details->>'restricted' IS DISTINCT FROM 'true')))
  OR (a.action = 'person.merged' AND a.details ? 'mergedId'))`

/** A record's own main name (not its merge survivor's): a merge row names both records as they were. */
const ownName = (column: string) =>
  sql<
    string | null
  >`(SELECT n.full_name FROM person_names n WHERE n.person_id = ${sql.ref(column)} ORDER BY n.position LIMIT 1)`

/**
 * Every audited event that widened (or narrowed again) someone's access to a victim side or a restricted live job,
 * newest first: referral assignment with a victim in it, a live job opened from one, its team changed, its
 * officer in charge changed, its restriction lifted, a person added to or removed from it in a victim role, a
 * merge of two people, an ISA assigned or ended. Read from the audit rows, which are the record.
 */
export async function accessGrants(
  db: Queryable,
  viewer: CurrentUser,
  filter: { from: Date; to: Date },
  page: { limit: number; offset: number },
): Promise<AccessGrantRow[]> {
  const { rows } = await sql<AccessGrantRow>`
    WITH a AS (
      SELECT a.* FROM audit_events a
      WHERE a.occurred_at >= ${filter.from} AND a.occurred_at < ${filter.to} AND ${ACCESS_GRANT}
      ORDER BY a.occurred_at DESC, a.id DESC
      LIMIT ${page.limit} OFFSET ${page.offset}
    )
    SELECT a.id::text AS id, a.occurred_at, a.action, a.subject_type, a.subject_id, a.justification, a.details,
      u.display_name AS actor_name, ${VIA}, fu.display_name AS for_user_name,
      jc.reference AS case_reference, (jc.id IS NOT NULL AND NOT ${caseVisible('jc.id', viewer)}) AS case_hidden,
      r.reference AS referral_reference, rc.display_name AS referral_recorder,
      p.id AS person_id, ${ownName('p.id')} AS person_name, (p.id IS NOT NULL AND NOT ${recordVisible('person', 'p.id', viewer)}) AS person_hidden,
      o.id AS other_person_id, ${ownName('o.id')} AS other_person_name, (o.id IS NOT NULL AND NOT ${recordVisible('person', 'o.id', viewer)}) AS other_person_hidden
    FROM a
    LEFT JOIN users u ON u.id = a.actor_user_id
    ${TOKEN_MAKER}
    LEFT JOIN users fu ON fu.id::text = (CASE
      WHEN a.action = 'referral.assigned' THEN a.details->>'to'
      WHEN a.action = 'case.opened' THEN a.actor_user_id::text
      WHEN a.action = 'case.updated' THEN a.details->>'officerInChargeId'
      ELSE a.details->>'userId' END)
    LEFT JOIN cases jc ON a.subject_type = 'case' AND jc.id::text = a.subject_id
    LEFT JOIN referrals r ON a.subject_type = 'referral' AND r.id::text = a.subject_id
    LEFT JOIN users rc ON rc.id = r.created_by
    LEFT JOIN people p ON p.id::text = (CASE WHEN a.subject_type = 'person' THEN a.subject_id ELSE a.details->>'personId' END)
    LEFT JOIN people o ON o.id::text = a.details->>'mergedId'
    ORDER BY a.occurred_at DESC, a.id DESC`.execute(db)
  return rows
}

export type RecordPerson = { person_id: string; name: string; role: string; date_of_birth: string | null }

/** The people named in a referral or live job, as a DPO finds someone by its reference (hidden ones left out). */
export async function peopleInRecord(
  db: Queryable,
  kind: 'referral' | 'case',
  id: string,
  user: CurrentUser,
): Promise<RecordPerson[]> {
  const named =
    kind === 'referral'
      ? sql`SELECT person_id, role FROM referral_subjects WHERE referral_id = ${id}`
      : sql`SELECT person_id, role FROM case_people WHERE case_id = ${id}`
  const { rows } = await sql<RecordPerson>`
    SELECT DISTINCT ON (s.person_id) s.person_id, ${displayName('s.person_id')} AS name, s.role, p.date_of_birth::text AS date_of_birth
    FROM (${named}) s JOIN people p ON p.id = s.person_id
    WHERE ${recordVisible('person', 's.person_id', user)}
    ORDER BY s.person_id`.execute(db)
  return rows
}
