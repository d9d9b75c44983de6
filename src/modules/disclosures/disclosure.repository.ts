import { sql } from 'kysely'
import type { DisclosedNarrative, Queryable, Row } from '#src/platform/db/database.ts'
import { displayName } from '#src/modules/people/index.ts'

export type AgreementRow = Pick<
  Row<'sharing_agreements'>,
  'id' | 'title' | 'purposes' | 'lawful_basis' | 'allowed_fields' | 'starts_on' | 'review_on' | 'ends_on'
> & {
  parties: Pick<Row<'agencies'>, 'id' | 'name'>[]
}

const agreementSelect = sql`
  SELECT a.id, a.title, a.purposes, a.lawful_basis, a.allowed_fields, a.starts_on::text, a.review_on::text, a.ends_on::text,
    coalesce((SELECT json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY g.name)
      FROM sharing_agreement_parties p JOIN agencies g ON g.id = p.agency_id WHERE p.agreement_id = a.id), '[]') AS parties
  FROM sharing_agreements a`

export async function listAgreements(db: Queryable): Promise<AgreementRow[]> {
  return (await sql<AgreementRow>`${agreementSelect} ORDER BY a.ends_on DESC, a.title`.execute(db)).rows
}

export async function findAgreement(db: Queryable, id: string): Promise<AgreementRow | undefined> {
  return (await sql<AgreementRow>`${agreementSelect} WHERE a.id = ${id}`.execute(db)).rows[0]
}

export async function insertAgreement(
  db: Queryable,
  row: {
    id: string
    title: string
    purposes: string
    lawful_basis: string
    allowed_fields: string[]
    starts_on: string
    review_on: string
    ends_on: string
    created_by: string | null
  },
  agencyIds: string[],
): Promise<void> {
  await db.insertInto('sharing_agreements').values(row).execute()
  await db
    .insertInto('sharing_agreement_parties')
    .values(agencyIds.map((agency_id) => ({ agreement_id: row.id, agency_id })))
    .execute()
}

export type DisclosureRow = Pick<
  Row<'disclosures'>,
  | 'id'
  | 'person_id'
  | 'agency_id'
  | 'agreement_id'
  | 'purpose'
  | 'fields'
  | 'expires_at'
  | 'status'
  | 'protected_basis'
  | 'revoked_at'
  | 'revoke_reason'
  | 'created_at'
  | 'meeting_item_id'
  | 'action_id'
  | 'narratives'
> & {
  agency_name: string
  agreement_title: string
  lawful_basis: string
  created_by_name: string | null
  live: boolean
}

const disclosureSelect = sql`
  SELECT d.id, d.person_id, d.agency_id, g.name AS agency_name, d.agreement_id, a.title AS agreement_title, a.lawful_basis,
    d.purpose, d.fields, d.expires_at, d.status, d.protected_basis, d.revoked_at, d.revoke_reason, d.created_at, u.display_name AS created_by_name,
    d.meeting_item_id, d.action_id, d.narratives,
    (d.status = 'live' AND d.revoked_at IS NULL AND d.expires_at > now()) AS live
  FROM disclosures d
  JOIN agencies g ON g.id = d.agency_id
  JOIN sharing_agreements a ON a.id = d.agreement_id
  LEFT JOIN users u ON u.id = d.created_by`

export async function listDisclosuresForPerson(db: Queryable, personId: string): Promise<DisclosureRow[]> {
  return (
    await sql<DisclosureRow>`${disclosureSelect} WHERE d.person_id = ${personId} ORDER BY d.created_at DESC`.execute(db)
  ).rows
}

export async function findDisclosure(db: Queryable, id: string): Promise<DisclosureRow | undefined> {
  return (await sql<DisclosureRow>`${disclosureSelect} WHERE d.id = ${id}`.execute(db)).rows[0]
}

/** Live disclosures to one agency: the only rows a partner user can ever reach. */
export async function listLiveForAgency(
  db: Queryable,
  agencyId: string,
): Promise<(DisclosureRow & { person_name: string | null })[]> {
  return (
    await sql<DisclosureRow & { person_name: string | null }>`
      SELECT x.*, CASE WHEN 'name' = ANY(x.fields) THEN ${displayName('x.person_id')} END AS person_name
      FROM (${disclosureSelect} WHERE d.agency_id = ${agencyId} AND d.status = 'live' AND d.revoked_at IS NULL AND d.expires_at > now()) x
      ORDER BY x.created_at DESC LIMIT 500`.execute(db)
  ).rows
}

export async function insertDisclosure(
  db: Queryable,
  row: {
    id: string
    person_id: string
    agency_id: string
    agreement_id: string
    purpose: string
    fields: string[]
    expires_at: Date
    status: string
    protected_basis: string | null
    approved_by: string | null
    approved_at: Date | null
    created_by: string | null
    meeting_item_id?: string | null
    action_id?: string | null
    narratives?: DisclosedNarrative[]
  },
): Promise<void> {
  const { narratives, ...rest } = row
  await db
    .insertInto('disclosures')
    .values({ ...rest, ...(narratives ? { narratives: JSON.stringify(narratives) } : {}) })
    .execute()
}

/** Disclosures waiting for a supervisor's approval, oldest first: the approvals queue. */
export async function listAwaitingApproval(db: Queryable): Promise<(DisclosureRow & { person_name: string | null })[]> {
  return (
    await sql<DisclosureRow & { person_name: string | null }>`
      SELECT x.*, ${displayName('x.person_id')} AS person_name
      FROM (${disclosureSelect} WHERE d.status = 'awaiting-approval' AND d.revoked_at IS NULL AND d.expires_at > now()) x
      ORDER BY x.created_at, x.id LIMIT 200`.execute(db)
  ).rows
}

/** Live disclosures to one agency made for any of these agenda items: what the agency sees of a meeting. */
export async function listLiveForItems(
  db: Queryable,
  agencyId: string,
  itemIds: readonly string[],
): Promise<(DisclosureRow & { person_name: string | null })[]> {
  if (itemIds.length === 0) return []
  return (
    await sql<DisclosureRow & { person_name: string | null }>`
      SELECT x.*, CASE WHEN 'name' = ANY(x.fields) THEN ${displayName('x.person_id')} END AS person_name
      FROM (${disclosureSelect} WHERE d.agency_id = ${agencyId} AND d.meeting_item_id = ANY(${[...itemIds]}::uuid[])
        AND d.status = 'live' AND d.revoked_at IS NULL AND d.expires_at > now()) x
      ORDER BY x.created_at LIMIT 500`.execute(db)
  ).rows
}

/** Disclosures made for agenda items or actions of one meeting, for the chair's view of what went to whom. */
export async function listForMeetingItems(db: Queryable, itemIds: readonly string[]): Promise<DisclosureRow[]> {
  if (itemIds.length === 0) return []
  return (
    await sql<DisclosureRow>`${disclosureSelect} WHERE d.meeting_item_id = ANY(${[...itemIds]}::uuid[]) ORDER BY d.created_at`.execute(
      db,
    )
  ).rows
}

export type NarrativeSource = {
  referral_id: string
  received_at: Date
  summary: string
  subject_names: string[]
  other_names: string[]
  identifiers: { kind: string; text: string }[]
}

/**
 * What Lantern knows about the other people in each referral naming the person: their names (the referral's other
 * people and those of any live job opened from it), their phones, vehicles and other identifiers, their places, and
 * the referral's places the person is not linked to. The redaction marks these wherever the summary mentions them.
 */
export async function narrativeSources(db: Queryable, personId: string): Promise<NarrativeSource[]> {
  const { rows } = await sql<NarrativeSource>`
    WITH refs AS (
      SELECT r.id, r.received_at, r.summary FROM referral_subjects s JOIN referrals r ON r.id = s.referral_id
      WHERE s.person_id = ${personId} ORDER BY r.received_at DESC LIMIT 20
    ), others AS (
      SELECT refs.id AS referral_id, o.person_id FROM refs JOIN referral_subjects o ON o.referral_id = refs.id AND o.person_id <> ${personId}
      UNION
      SELECT refs.id, cp.person_id FROM refs JOIN case_referrals cr ON cr.referral_id = refs.id
        JOIN case_people cp ON cp.case_id = cr.case_id AND cp.person_id <> ${personId}
    )
    SELECT refs.id AS referral_id, refs.received_at, refs.summary,
      coalesce((SELECT array_agg(n.full_name) FROM person_names n WHERE n.person_id = ${personId}), '{}') AS subject_names,
      coalesce((SELECT array_agg(DISTINCT n.full_name) FROM others o JOIN person_names n ON n.person_id = o.person_id
        WHERE o.referral_id = refs.id), '{}') AS other_names,
      coalesce((SELECT json_agg(DISTINCT jsonb_build_object('kind', x.kind, 'text', x.text)) FROM (
        SELECT CASE ob.kind WHEN 'phone' THEN 'phone' WHEN 'vehicle' THEN 'vehicle' WHEN 'email' THEN 'email' ELSE 'identifier' END AS kind, ob.display AS text
          FROM others o JOIN entity_links l ON l.from_type = 'person' AND l.from_id = o.person_id AND l.to_type = 'object'
          JOIN objects ob ON ob.id = l.to_id WHERE o.referral_id = refs.id
        UNION ALL
        SELECT v.kind, v.text FROM (
          SELECT loc.address_line_1 AS a, loc.postcode AS p FROM others o
            JOIN entity_links l ON l.from_type = 'person' AND l.from_id = o.person_id AND l.to_type = 'location'
            JOIN locations loc ON loc.id = l.to_id WHERE o.referral_id = refs.id
          UNION ALL
          SELECT loc.address_line_1, loc.postcode FROM referral_locations rl JOIN locations loc ON loc.id = rl.location_id
            WHERE rl.referral_id = refs.id AND NOT EXISTS (SELECT 1 FROM entity_links l WHERE l.from_type = 'person'
              AND l.from_id = ${personId} AND l.to_type = 'location' AND l.to_id = loc.id)
        ) places CROSS JOIN LATERAL (VALUES ('address', places.a), ('postcode', places.p)) v(kind, text) WHERE v.text IS NOT NULL
      ) x), '[]') AS identifiers
    FROM refs ORDER BY refs.received_at DESC`.execute(db)
  return rows
}

export async function approveDisclosure(
  db: Queryable,
  id: string,
  userId: string | null,
  basis: string,
): Promise<boolean> {
  const result = await db
    .updateTable('disclosures')
    .set({ status: 'live', approved_by: userId, approved_at: new Date(), protected_basis: basis })
    .where('id', '=', id)
    .where('status', '=', 'awaiting-approval')
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function revokeDisclosure(
  db: Queryable,
  id: string,
  userId: string | null,
  reason: string,
): Promise<boolean> {
  const result = await db
    .updateTable('disclosures')
    .set({ revoked_at: new Date(), revoked_by: userId, revoke_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** The records a disclosure carried, by id, for the audit row: so the DPO's reports can say which disclosures carried a place. */
export type CarriedRecords = { locations?: string[]; objects?: string[]; referrals?: string[]; nrmReferrals?: string[] }

/**
 * The current values of the disclosed parts of a person's record, read only for the fields named, and only the
 * person's own: their own linked places (with how they are connected), never the other places of a referral they
 * are named in (a suspect's referral can hold his victim's safehouse); and, of what was reported, only the facts
 * about them (when, their role in it, the types of exploitation), never the referral's free-text summary, which
 * is written about everyone involved and names others (docs/threat-model.md, "Disclosure minimisation").
 */
export async function readDisclosedFields(db: Queryable, personId: string, fields: ReadonlySet<string>) {
  const person = await db
    .selectFrom('people')
    .select(['date_of_birth', 'approximate_age', 'age_disputed', 'gender', 'nationalities', 'languages'])
    .where('id', '=', personId)
    .executeTakeFirst()
  if (!person) return null
  const names = fields.has('name')
    ? await db
        .selectFrom('person_names')
        .select(['full_name', 'kind'])
        .where('person_id', '=', personId)
        .orderBy('position')
        .execute()
    : []
  const places = fields.has('address')
    ? (
        await sql<{ location_id: string; relation: string; text: string }>`
          SELECT loc.id AS location_id, l.relation, concat_ws(', ', loc.address_line_1, loc.address_line_2, loc.town, loc.postcode, loc.description) AS text
          FROM entity_links l JOIN locations loc ON loc.id = l.to_id
          WHERE l.from_type = 'person' AND l.from_id = ${personId} AND l.to_type = 'location'
          ORDER BY l.created_at, l.id`.execute(db)
      ).rows
    : []
  const phones = fields.has('phone')
    ? (
        await sql<{
          object_id: string
          display: string
        }>`SELECT o.id AS object_id, o.display FROM entity_links l JOIN objects o ON o.id = l.to_id WHERE l.from_type = 'person' AND l.from_id = ${personId} AND l.to_type = 'object' AND o.kind = 'phone' ORDER BY l.created_at, l.id`.execute(
          db,
        )
      ).rows
    : []
  const referrals =
    fields.has('referral-summary') || fields.has('exploitation-types')
      ? await db
          .selectFrom('referral_subjects')
          .innerJoin('referrals', 'referrals.id', 'referral_subjects.referral_id')
          .select(['referrals.id', 'referrals.received_at', 'referral_subjects.role', 'referrals.exploitation_types'])
          .where('referral_subjects.person_id', '=', personId)
          .orderBy('referrals.received_at', 'desc')
          .limit(20)
          .execute()
      : []
  const nrm = fields.has('nrm-status')
    ? (
        await sql<{
          id: string
          submitted_on: string
          competent_authority: string | null
          events: { kind: string; outcome: string | null; on: string }[] | null
        }>`
          SELECT n.id, n.submitted_on::text, n.competent_authority,
            (SELECT json_agg(json_build_object('kind', e.kind, 'outcome', e.outcome, 'on', e.occurred_on) ORDER BY e.occurred_on) FROM nrm_events e WHERE e.nrm_referral_id = n.id) AS events
          FROM nrm_referrals n WHERE n.person_id = ${personId} ORDER BY n.submitted_on DESC`.execute(db)
      ).rows
    : []
  const immigration = fields.has('immigration-status')
    ? await db
        .selectFrom('person_immigration_status')
        .select(['status', 'recorded_at'])
        .where('person_id', '=', personId)
        .executeTakeFirst()
    : undefined
  const records: CarriedRecords = {
    ...(fields.has('address') ? { locations: [...new Set(places.map((p) => p.location_id))] } : {}),
    ...(fields.has('phone') ? { objects: phones.map((p) => p.object_id) } : {}),
    ...(fields.has('referral-summary') || fields.has('exploitation-types')
      ? { referrals: referrals.map((r) => r.id) }
      : {}),
    ...(fields.has('nrm-status') ? { nrmReferrals: nrm.map((n) => n.id) } : {}),
  }
  return { person, names, places, phones, referrals, nrm, immigration: immigration ?? null, records }
}

/** Whether the agency is invited to the meeting an agenda item belongs to. */
export async function itemInvites(db: Queryable, itemId: string, agencyId: string): Promise<boolean> {
  const row = await db
    .selectFrom('hub_meeting_items as i')
    .innerJoin('hub_meeting_agencies as a', 'a.meeting_id', 'i.meeting_id')
    .select('i.id')
    .where('i.id', '=', itemId)
    .where('a.agency_id', '=', agencyId)
    .executeTakeFirst()
  return Boolean(row)
}
