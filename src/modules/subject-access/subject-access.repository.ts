import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { caseVisible } from '#src/modules/people/index.ts'

/**
 * Everything held about one person, read for a subject access request. Each query reads the person's whole
 * identity (their record and any merged into it). Rows carry the raw values; the service decides what is the
 * subject's own data and what is a third party's, and redacts the latter.
 */
const identity = (personId: string) => sql`(SELECT person_identity(${personId}::uuid))`

export async function person(db: Queryable, personId: string) {
  return db
    .selectFrom('people')
    .select([
      'id',
      'date_of_birth',
      'approximate_age',
      'age_disputed',
      'gender',
      'nationalities',
      'languages',
      'vulnerability',
      'created_at',
      'merged_into',
    ])
    .where('id', '=', personId)
    .executeTakeFirst()
}

export async function names(db: Queryable, personId: string) {
  const { rows } = await sql<{ full_name: string; kind: string; script: string | null }>`
    SELECT full_name, kind, script FROM person_names WHERE person_id IN ${identity(personId)} ORDER BY person_id = ${personId}::uuid DESC, position`.execute(
    db,
  )
  return rows
}

export async function documents(db: Queryable, personId: string) {
  const { rows } = await sql<{
    kind: string
    number: string | null
    issuing_country: string | null
    expires_on: string | null
    held_by_person: boolean | null
  }>`
    SELECT kind, number, issuing_country, expires_on::text AS expires_on, held_by_person FROM person_documents WHERE person_id IN ${identity(personId)} ORDER BY created_at`.execute(
    db,
  )
  return rows
}

export async function immigrationStatus(db: Queryable, personId: string) {
  const { rows } = await sql<{ status: string; notes: string | null; recorded_at: Date }>`
    SELECT status, notes, recorded_at FROM person_immigration_status WHERE person_id IN ${identity(personId)}`.execute(
    db,
  )
  return rows
}

export type LinkRow = Pick<
  Row<'entity_links'>,
  'relation' | 'to_type' | 'to_id' | 'valid_from' | 'valid_to' | 'source'
> & {
  object_kind: string | null
  object_value: string | null
  address: string | null
}

export async function links(db: Queryable, personId: string): Promise<LinkRow[]> {
  const { rows } = await sql<LinkRow>`
    SELECT l.relation, l.to_type, l.to_id, l.valid_from::text AS valid_from, l.valid_to::text AS valid_to, l.source,
      o.kind AS object_kind, o.value AS object_value,
      concat_ws(', ', loc.address_line_1, loc.address_line_2, loc.town, loc.postcode) AS address
    FROM entity_links l
    LEFT JOIN objects o ON l.to_type = 'object' AND o.id = l.to_id
    LEFT JOIN locations loc ON l.to_type = 'location' AND loc.id = l.to_id
    WHERE l.from_type = 'person' AND l.from_id IN ${identity(personId)}
    ORDER BY l.created_at`.execute(db)
  return rows
}

/** A referral the person is a subject of, as the referrals table holds it, with their role in it. */
export type ReferralRow = Pick<
  Row<'referrals'>,
  | 'id'
  | 'reference'
  | 'received_at'
  | 'source'
  | 'referring_organisation'
  | 'referrer_name'
  | 'referrer_contact'
  | 'summary'
  | 'exploitation_types'
  | 'status'
  | 'closure_reason'
> & { role: string }

export async function referrals(db: Queryable, personId: string): Promise<ReferralRow[]> {
  const { rows } = await sql<ReferralRow>`
    SELECT r.id, r.reference, r.received_at, r.source, r.referring_organisation, r.referrer_name, r.referrer_contact, r.summary,
      r.exploitation_types, r.status, r.closure_reason, s.role
    FROM referral_subjects s JOIN referrals r ON r.id = s.referral_id
    WHERE s.person_id IN ${identity(personId)} ORDER BY r.received_at`.execute(db)
  return rows
}

/** The triage risk gradings (THRIVE) of the referrals the person is a subject of, with each rationale: what the team judged about them. */
export type GradingRow = Pick<Row<'referrals'>, 'reference'> &
  Pick<
    Row<'referral_gradings'>,
    'graded_at' | `${'threat' | 'harm' | 'risk' | 'investigation' | 'vulnerability' | 'engagement'}${'' | '_rationale'}`
  >

export async function gradings(db: Queryable, personId: string): Promise<GradingRow[]> {
  const { rows } = await sql<GradingRow>`
    SELECT r.reference, g.graded_at, g.threat, g.threat_rationale, g.harm, g.harm_rationale, g.risk, g.risk_rationale,
      g.investigation, g.investigation_rationale, g.vulnerability, g.vulnerability_rationale, g.engagement, g.engagement_rationale
    FROM referral_gradings g JOIN referrals r ON r.id = g.referral_id
    WHERE g.referral_id IN (SELECT s.referral_id FROM referral_subjects s WHERE s.person_id IN ${identity(personId)})
    ORDER BY g.graded_at, g.id`.execute(db)
  return rows
}

/** Whether the user may see the live job `c`, by the one access policy (restricted jobs: their team and supervisors). */
const caseVisibleTo = (user: CurrentUser) => caseVisible(sql.ref('c.id'), user)

export async function cases(db: Queryable, personId: string, user: CurrentUser) {
  const { rows } = await sql<{
    id: string
    reference: string
    title: string
    status: string
    role: string
    created_at: Date
    closed_at: Date | null
    visible: boolean
  }>`
    SELECT c.id, c.reference, c.title, c.status, p.role, c.created_at, c.closed_at, ${caseVisibleTo(user)} AS visible
    FROM case_people p JOIN cases c ON c.id = p.case_id WHERE p.person_id IN ${identity(personId)} ORDER BY c.created_at`.execute(
    db,
  )
  return rows
}

export async function events(db: Queryable, personId: string, user: CurrentUser) {
  const { rows } = await sql<{
    id: string
    kind: string
    occurred_at: Date
    summary: string
    role: string | null
    case_reference: string | null
    visible: boolean
  }>`
    SELECT e.id, e.kind, e.occurred_at, e.summary, ep.role, c.reference AS case_reference, (c.id IS NULL OR ${caseVisibleTo(user)}) AS visible
    FROM event_people ep JOIN events e ON e.id = ep.event_id LEFT JOIN cases c ON c.id = e.case_id
    WHERE ep.person_id IN ${identity(personId)} ORDER BY e.occurred_at`.execute(db)
  return rows
}

export async function victimRecords(db: Queryable, personId: string) {
  const [screenings, consents, nrm, nrmEvents, dtn, nrmDrafts] = await Promise.all([
    sql<{ status: string; suggested_route: string | null; confirmed_route: string | null; created_at: Date }>`
      SELECT status, suggested_route, confirmed_route, created_at FROM screenings WHERE person_id IN ${identity(personId)} ORDER BY created_at`.execute(
      db,
    ),
    sql<{
      purpose: string
      decision: string
      recorded_on: string
      interpreter_used: boolean
      interpreter_language: string | null
    }>`
      SELECT purpose, decision, recorded_on::text AS recorded_on, interpreter_used, interpreter_language FROM consents WHERE person_id IN ${identity(personId)} ORDER BY created_at`.execute(
      db,
    ),
    sql<{
      id: string
      nation: string
      submitted_on: string
      nrm_reference: string | null
      competent_authority: string | null
      child_at_referral: boolean
    }>`
      SELECT id, nation, submitted_on::text AS submitted_on, nrm_reference, competent_authority, child_at_referral FROM nrm_referrals WHERE person_id IN ${identity(personId)} ORDER BY created_at`.execute(
      db,
    ),
    sql<{ nrm_referral_id: string; kind: string; occurred_on: string; outcome: string | null; notes: string | null }>`
      SELECT e.nrm_referral_id, e.kind, e.occurred_on::text AS occurred_on, e.outcome, e.notes FROM nrm_events e JOIN nrm_referrals n ON n.id = e.nrm_referral_id
      WHERE n.person_id IN ${identity(personId)} ORDER BY e.occurred_on`.execute(db),
    sql<{ submitted_on: string; reference: string | null }>`
      SELECT submitted_on::text AS submitted_on, reference FROM dtn_submissions WHERE person_id IN ${identity(personId)} ORDER BY created_at`.execute(
      db,
    ),
    sql<{ data: unknown; updated_at: Date }>`
      SELECT data, updated_at FROM nrm_drafts WHERE person_id IN ${identity(personId)} ORDER BY created_at`.execute(db),
  ])
  return {
    screenings: screenings.rows,
    consents: consents.rows,
    nrm: nrm.rows,
    nrmEvents: nrmEvents.rows,
    dtn: dtn.rows,
    nrmDrafts: nrmDrafts.rows,
  }
}

export async function safeguarding(db: Queryable, personId: string) {
  const plans = await sql<{ id: string; reference: string; created_at: Date }>`
    SELECT id, reference, created_at FROM safeguarding_plans WHERE person_id IN ${identity(personId)} ORDER BY created_at`.execute(
    db,
  )
  const ids = plans.rows.map((p) => p.id)
  if (ids.length === 0) return { plans: [], risks: [], needs: [], actions: [], reviews: [] }
  const [risks, needs, actions, reviews] = await Promise.all([
    sql<{
      plan_id: string
      description: string
      rating: string
      rationale: string | null
    }>`SELECT plan_id, description, rating, rationale FROM safeguarding_risks WHERE plan_id = ANY(${ids}::uuid[]) ORDER BY created_at`.execute(
      db,
    ),
    sql<{
      plan_id: string
      kind: string
      detail: string | null
      status: string
    }>`SELECT plan_id, kind, detail, status FROM safeguarding_needs WHERE plan_id = ANY(${ids}::uuid[]) ORDER BY created_at`.execute(
      db,
    ),
    sql<{ plan_id: string; text: string; status: string; due_on: string | null; agency: string | null }>`
      SELECT a.plan_id, a.text, a.status, a.due_on::text AS due_on, g.name AS agency FROM safeguarding_actions a LEFT JOIN agencies g ON g.id = a.owner_agency_id
      WHERE a.plan_id = ANY(${ids}::uuid[]) ORDER BY a.created_at`.execute(db),
    sql<{ plan_id: string; due_on: string; held_on: string | null; notes: string | null }>`
      SELECT plan_id, due_on::text AS due_on, held_on::text AS held_on, notes FROM safeguarding_reviews WHERE plan_id = ANY(${ids}::uuid[]) ORDER BY due_on`.execute(
      db,
    ),
  ])
  return { plans: plans.rows, risks: risks.rows, needs: needs.rows, actions: actions.rows, reviews: reviews.rows }
}

export async function disclosures(db: Queryable, personId: string) {
  const { rows } = await sql<{
    agency: string
    purpose: string
    fields: string[]
    status: string
    created_at: Date
    expires_at: Date
    revoked_at: Date | null
  }>`
    SELECT a.name AS agency, d.purpose, d.fields, d.status, d.created_at, d.expires_at, d.revoked_at
    FROM disclosures d JOIN agencies a ON a.id = d.agency_id WHERE d.person_id IN ${identity(personId)} ORDER BY d.created_at`.execute(
    db,
  )
  return rows
}

/** How often, and in what s62 category, the person's record was processed: counts only, no staff names. */
export async function processingSummary(db: Queryable, personId: string) {
  const { rows } = await sql<{ category: string; action: string; count: number; first: Date; last: Date }>`
    SELECT category, action, count(*)::int AS count, min(occurred_at) AS first, max(occurred_at) AS last
    FROM audit_events WHERE subject_type = 'person' AND subject_id IN (SELECT id::text FROM ${identity(personId)} AS i(id))
    GROUP BY category, action ORDER BY category, action`.execute(db)
  return rows
}

/**
 * Third parties who appear alongside the person: the other people on their referrals, live jobs and events and
 * the people linked to them, with the record that brings each in (the reason a reviewer sees).
 */
export async function thirdParties(db: Queryable, personId: string, viewer: CurrentUser) {
  const { rows } = await sql<{ person_id: string; full_name: string; context: string }>`
    WITH me AS (SELECT person_identity(${personId}::uuid) AS id),
    others AS (
      SELECT s2.person_id, 'a person on referral ' || r.reference AS context
        FROM referral_subjects s JOIN referral_subjects s2 ON s2.referral_id = s.referral_id JOIN referrals r ON r.id = s.referral_id
        WHERE s.person_id IN (SELECT id FROM me) AND s2.person_id NOT IN (SELECT id FROM me)
      UNION
      SELECT c2.person_id, CASE WHEN ${caseVisibleTo(viewer)} THEN 'a person on live job ' || c.reference ELSE 'a person on a live job' END
        FROM case_people c1 JOIN case_people c2 ON c2.case_id = c1.case_id JOIN cases c ON c.id = c1.case_id
        WHERE c1.person_id IN (SELECT id FROM me) AND c2.person_id NOT IN (SELECT id FROM me)
      UNION
      SELECT e2.person_id, 'a person at the same event' FROM event_people e1 JOIN event_people e2 ON e2.event_id = e1.event_id
        WHERE e1.person_id IN (SELECT id FROM me) AND e2.person_id NOT IN (SELECT id FROM me)
      UNION
      SELECT l.to_id, 'a person linked to them (' || l.relation || ')' FROM entity_links l
        WHERE l.from_type = 'person' AND l.from_id IN (SELECT id FROM me) AND l.to_type = 'person'
      UNION
      SELECT l.from_id, 'a person who linked to them (' || l.relation || ')' FROM entity_links l
        WHERE l.to_type = 'person' AND l.to_id IN (SELECT id FROM me) AND l.from_type = 'person'
    )
    SELECT DISTINCT o.person_id, n.full_name, o.context FROM others o JOIN person_names n ON n.person_id = o.person_id`.execute(
    db,
  )
  return rows
}

/** Staff and partner contacts, whose names in free text are a third party's data too. */
export async function staffNames(db: Queryable) {
  const { rows } = await sql<{ name: string; kind: string }>`
    SELECT display_name AS name, 'member of staff' AS kind FROM users
    UNION SELECT name, 'partner agency contact' FROM agency_contacts`.execute(db)
  return rows
}

/** The ISA's support work (support module): contacts logged and referrals out, with the service each went to. */
export async function support(db: Queryable, personId: string) {
  const [contacts, referrals] = await Promise.all([
    sql<{
      id: string
      contacted_on: string
      kind: string
      safe_to_contact: string
      what_done: string
      needs_raised: string | null
      entitlements: string[]
      next_step: string | null
      next_step_on: string | null
    }>`
      SELECT id, contacted_on::text AS contacted_on, kind, safe_to_contact, what_done, needs_raised, entitlements, next_step, next_step_on::text AS next_step_on
      FROM support_contacts WHERE person_id IN ${identity(personId)} ORDER BY contacted_on, created_at`.execute(db),
    sql<{
      id: string
      service: string
      made_on: string
      provision: string | null
      reason: string
      status: string
      outcome: string | null
    }>`
      SELECT r.id, s.name AS service, r.made_on::text AS made_on, r.provision, r.reason, r.status, r.outcome
      FROM support_referrals r JOIN support_services s ON s.id = r.service_id WHERE r.person_id IN ${identity(personId)} ORDER BY r.made_on, r.created_at`.execute(
      db,
    ),
  ])
  return { contacts: contacts.rows, referrals: referrals.rows }
}
