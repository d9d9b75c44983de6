import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'

const VICTIM_ROLES = ['potential-victim', 'victim']

/** A merged person is one identity for the policy: a victim role or duty on any record of it counts. */
const identity = (personId: string) => sql`(SELECT person_identity(person_root(${personId}::uuid)))`

export type VictimDuty = {
  via: 'recorded' | 'assigned' | 'case' | 'support'
  responsible: string | null
  responsible_name: string | null
  /** Whether this user holds the duty. */
  mine: boolean
  /**
   * Whether naming the holder reveals nothing protected: a restricted job's team is never named, nor an ISA (that a
   * person has a support worker, and who, is part of their victim side, seen only by those who see it).
   */
  shown_to_others: boolean
}

/**
 * Every duty anyone holds to a person's victim side, marked with whether this user holds it. No rows: the person
 * has no victim role anywhere, so no victim side.
 */
export async function victimDuties(db: Queryable, personId: string, userId: string): Promise<VictimDuty[]> {
  const { rows } = await sql<VictimDuty>`
    WITH victim_referrals AS (
      SELECT DISTINCT r.id, r.assigned_to, r.created_by FROM referral_subjects rs JOIN referrals r ON r.id = rs.referral_id
      WHERE rs.person_id IN ${identity(personId)} AND rs.role = ANY(${VICTIM_ROLES})
    ), victim_cases AS (
      SELECT DISTINCT c.id, c.officer_in_charge, c.restricted FROM case_people cp JOIN cases c ON c.id = cp.case_id
      WHERE cp.person_id IN ${identity(personId)} AND cp.role = ANY(${VICTIM_ROLES})
    )
    SELECT 'assigned' AS via, r.assigned_to AS responsible, u.display_name AS responsible_name, r.assigned_to = ${userId}::uuid AS mine, true AS shown_to_others
    FROM victim_referrals r LEFT JOIN users u ON u.id = r.assigned_to WHERE r.assigned_to IS NOT NULL
    UNION ALL
    SELECT 'recorded', r.created_by, u.display_name, r.created_by = ${userId}::uuid, true
    FROM victim_referrals r LEFT JOIN users u ON u.id = r.created_by WHERE r.assigned_to IS NULL
    UNION ALL
    SELECT 'case', c.officer_in_charge, u.display_name,
      c.officer_in_charge = ${userId}::uuid OR EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND m.user_id = ${userId}::uuid AND m.victim_facet),
      NOT c.restricted
    FROM victim_cases c LEFT JOIN users u ON u.id = c.officer_in_charge
    UNION ALL
    SELECT 'support', s.user_id, u.display_name, s.user_id = ${userId}::uuid, false
    FROM person_support_workers s JOIN users u ON u.id = s.user_id
    WHERE s.person_id IN ${identity(personId)} AND s.ended_at IS NULL
      AND EXISTS (SELECT 1 FROM victim_referrals UNION ALL SELECT 1 FROM victim_cases)`.execute(db)
  return rows
}

/**
 * `victimDuties` for several people in one query: the same duties, marked the same way, keyed by the person asked
 * about (each a merged identity of its own). A person with no victim side has no entry.
 */
export async function victimDutiesOf(
  db: Queryable,
  personIds: readonly string[],
  userId: string,
): Promise<Map<string, VictimDuty[]>> {
  const byPerson = new Map<string, VictimDuty[]>()
  if (personIds.length === 0) return byPerson
  const { rows } = await sql<VictimDuty & { person_id: string }>`
    WITH asked AS (
      SELECT DISTINCT pid FROM unnest(${[...personIds]}::uuid[]) AS a(pid)
    ), members AS (
      -- In the select list, not joined LATERAL: there the planner inlines the function's recursive query and guesses
      -- hundreds of members per person, and reads every victim role in a hash join; here it takes person_identity's
      -- estimate of one (migration 0060) and follows the indexes.
      SELECT DISTINCT a.pid, person_identity(person_root(a.pid)) AS member FROM asked a
    ), victim_referrals AS (
      SELECT DISTINCT m.pid, r.id, r.assigned_to, r.created_by FROM members m
      JOIN referral_subjects rs ON rs.person_id = m.member JOIN referrals r ON r.id = rs.referral_id
      WHERE rs.role = ANY(${VICTIM_ROLES})
    ), victim_cases AS (
      SELECT DISTINCT m.pid, c.id, c.officer_in_charge, c.restricted FROM members m
      JOIN case_people cp ON cp.person_id = m.member JOIN cases c ON c.id = cp.case_id
      WHERE cp.role = ANY(${VICTIM_ROLES})
    )
    SELECT r.pid AS person_id, 'assigned' AS via, r.assigned_to AS responsible, u.display_name AS responsible_name, r.assigned_to = ${userId}::uuid AS mine, true AS shown_to_others
    FROM victim_referrals r LEFT JOIN users u ON u.id = r.assigned_to WHERE r.assigned_to IS NOT NULL
    UNION ALL
    SELECT r.pid, 'recorded', r.created_by, u.display_name, r.created_by = ${userId}::uuid, true
    FROM victim_referrals r LEFT JOIN users u ON u.id = r.created_by WHERE r.assigned_to IS NULL
    UNION ALL
    SELECT c.pid, 'case', c.officer_in_charge, u.display_name,
      c.officer_in_charge = ${userId}::uuid OR EXISTS (SELECT 1 FROM case_members cm WHERE cm.case_id = c.id AND cm.user_id = ${userId}::uuid AND cm.victim_facet),
      NOT c.restricted
    FROM victim_cases c LEFT JOIN users u ON u.id = c.officer_in_charge
    UNION ALL
    SELECT m.pid, 'support', s.user_id, u.display_name, s.user_id = ${userId}::uuid, false
    FROM members m JOIN person_support_workers s ON s.person_id = m.member JOIN users u ON u.id = s.user_id
    WHERE s.ended_at IS NULL
      AND (EXISTS (SELECT 1 FROM victim_referrals vr WHERE vr.pid = m.pid) OR EXISTS (SELECT 1 FROM victim_cases vc WHERE vc.pid = m.pid))`.execute(
    db,
  )
  for (const { person_id, ...duty } of rows) {
    const list = byPerson.get(person_id)
    if (list) list.push(duty)
    else byPerson.set(person_id, [duty])
  }
  return byPerson
}

/** Who holds any duty to a person's victim side (user ids), and whether they have one. */
export async function victimDutyHolders(
  db: Queryable,
  personId: string,
): Promise<{ isVictim: boolean; holders: string[] }> {
  const { rows } = await sql<{ holder: string | null; kind: string }>`
    WITH victim_referrals AS (
      SELECT DISTINCT r.id, r.assigned_to, r.created_by FROM referral_subjects rs JOIN referrals r ON r.id = rs.referral_id
      WHERE rs.person_id IN ${identity(personId)} AND rs.role = ANY(${VICTIM_ROLES})
    ), victim_cases AS (
      SELECT DISTINCT c.id, c.officer_in_charge FROM case_people cp JOIN cases c ON c.id = cp.case_id
      WHERE cp.person_id IN ${identity(personId)} AND cp.role = ANY(${VICTIM_ROLES})
    )
    SELECT 'victim' AS kind, NULL::uuid AS holder WHERE EXISTS (SELECT 1 FROM victim_referrals UNION ALL SELECT 1 FROM victim_cases)
    UNION ALL SELECT 'duty', coalesce(assigned_to, created_by) FROM victim_referrals
    UNION ALL SELECT 'duty', officer_in_charge FROM victim_cases
    UNION ALL SELECT 'duty', m.user_id FROM case_members m JOIN victim_cases c ON c.id = m.case_id WHERE m.victim_facet
    UNION ALL SELECT 'duty', s.user_id FROM person_support_workers s WHERE s.person_id IN ${identity(personId)} AND s.ended_at IS NULL`.execute(
    db,
  )
  return {
    isVictim: rows.some((r) => r.kind === 'victim'),
    holders: [...new Set(rows.filter((r) => r.kind === 'duty' && r.holder !== null).map((r) => r.holder as string))],
  }
}

export type CaseFacts = { restricted: boolean; officer_in_charge: string | null; member: boolean; victim_duty: boolean }

export async function caseFacts(db: Queryable, caseId: string, userId: string): Promise<CaseFacts | undefined> {
  const { rows } = await sql<CaseFacts>`
    SELECT c.restricted, c.officer_in_charge, m.user_id IS NOT NULL AS member, coalesce(m.victim_facet, false) AS victim_duty
    FROM cases c LEFT JOIN case_members m ON m.case_id = c.id AND m.user_id = ${userId}::uuid
    WHERE c.id = ${caseId}::uuid`.execute(db)
  return rows[0]
}
