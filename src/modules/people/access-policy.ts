import { sql, type RawBuilder } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import * as facts from './access-policy.repository.ts'

/**
 * Lantern's one record-level access policy (ADR 0009). Route permissions (`config.access`) say what a role may
 * ever do; this module says, for one user and one record, whether they may do it now. Every module asks it; no
 * module restates a rule. Two rules live here:
 *
 * 1. **Restricted live jobs** exist only for their team (officer in charge, members) and those who may
 *    supervise restricted jobs. Everything recorded inside one (its people, places, objects, links, events,
 *    tasks, references) is invisible to anyone else, and its ids answer "not found" exactly as a random id does.
 *    Repositories apply it in SQL with `caseVisible` and `recordVisible` below.
 *
 * 2. **A person's victim side** (screening, consent, NRM, Duty to Notify, safeguarding plan, support) is seen and
 *    worked by those with a *duty* to the person, never taken by the user it restricts. Duties:
 *    - the recorder of a referral naming them as a (potential) victim, until it is assigned to someone else;
 *    - the officer a referral naming them as a victim is assigned to (assignment that would widen access is a
 *      supervisor's decision or a hand-over by the current holder: see `mayHandOver`);
 *    - the officer in charge of a live job in which they are a victim, and its team members given a victim-side
 *      duty (the officer in charge or a supervisor adds and removes them);
 *    - the ISA (support worker) a supervisor has assigned to them;
 *    - team supervision (`team:supervise`) sees every victim side.
 *    Someone with no victim role anywhere has no victim side to protect.
 */

export const AccessDenied = defineDomainError('AccessDenied', { forbidden: 403 })

export const VICTIM_ROLES: readonly string[] = ['potential-victim', 'victim']

/** Whether a user may see every restricted live job (supervisors). */
export function seesAllRestricted(user: CurrentUser): boolean {
  return can(user, 'case:supervise')
}

/**
 * SQL: true when the live job `caseId` (a column or value; NULL means "not in a job") is visible to the user.
 * Every query that reads something recorded in a live job joins its rows through this.
 */
export function caseVisible(caseId: RawBuilder<unknown> | string, user: CurrentUser): RawBuilder<boolean> {
  if (seesAllRestricted(user)) return sql<boolean>`true`
  const ref = typeof caseId === 'string' ? sql.ref(caseId) : caseId
  return sql<boolean>`NOT EXISTS (SELECT 1 FROM cases hc WHERE hc.id = ${ref} AND hc.restricted
    AND hc.officer_in_charge IS DISTINCT FROM ${user.id}::uuid
    AND NOT EXISTS (SELECT 1 FROM case_members hm WHERE hm.case_id = hc.id AND hm.user_id = ${user.id}::uuid))`
}

/**
 * Whether the user may see that a place is cuckooed. "Cuckooed" is what a live job found there (with its occupant),
 * so the mark shows when a job the user may see said it, or when no job did: a restricted job's finding does not
 * show on a place everyone may see. Read across the place and every place merged into it. Use it beside the
 * `cuckooed` column: `loc.cuckooed AND cuckooedVisible(...)`.
 */
export function cuckooedVisible(locationId: RawBuilder<unknown> | string, user: CurrentUser): RawBuilder<boolean> {
  if (seesAllRestricted(user)) return sql<boolean>`true`
  const ref = typeof locationId === 'string' ? sql.ref(locationId) : locationId
  const occupant = sql`SELECT 1 FROM entity_links co WHERE co.to_type = 'location' AND co.relation = 'occupant'
    AND co.to_id IN (SELECT location_family(${ref}))`
  return sql<boolean>`(NOT EXISTS (${occupant} AND co.case_id IS NOT NULL)
    OR EXISTS (${occupant} AND (co.case_id IS NULL OR ${caseVisible(sql.ref('co.case_id'), user)})))`
}

/** Whether one live job is visible to the user (see `caseVisible`); true for an id that is no job. */
export async function isCaseVisible(db: Queryable, caseId: string, user: CurrentUser): Promise<boolean> {
  if (seesAllRestricted(user)) return true
  const { rows } = await sql<{
    visible: boolean
  }>`SELECT ${caseVisible(sql`${caseId}::uuid`, user)} AS visible`.execute(db)
  return rows[0]?.visible ?? true
}

export type RecordKind = 'person' | 'location' | 'object'

/**
 * SQL: true when a person, place or object (`id`, a column or value) is visible to the user: false only for a
 * record that exists solely inside restricted live jobs the user does not work (a person created there, a
 * cuckooed address, a deal line). A record also known outside (a referral, a visible job, a link made outside
 * any job) stays visible; what the restricted job recorded about it stays hidden (links carry their job).
 */
export function recordVisible(
  kind: RecordKind,
  id: RawBuilder<unknown> | string,
  user: CurrentUser,
): RawBuilder<boolean> {
  if (seesAllRestricted(user)) return sql<boolean>`true`
  const ref = typeof id === 'string' ? sql.ref(id) : id
  const hiddenCase = (col: string) => sql`NOT ${caseVisible(sql.ref(col), user)}`
  const visibleLinks = sql`EXISTS (SELECT 1 FROM entity_links vl WHERE ((vl.from_type = ${kind} AND vl.from_id = ${ref}) OR (vl.to_type = ${kind} AND vl.to_id = ${ref}))
      AND (vl.case_id IS NULL OR ${caseVisible(sql.ref('vl.case_id'), user)}))`
  if (kind === 'person') {
    return sql<boolean>`NOT (
      (EXISTS (SELECT 1 FROM case_people hp WHERE hp.person_id = ${ref} AND ${hiddenCase('hp.case_id')})
        OR EXISTS (SELECT 1 FROM entity_links hl WHERE ((hl.from_type = 'person' AND hl.from_id = ${ref}) OR (hl.to_type = 'person' AND hl.to_id = ${ref})) AND hl.case_id IS NOT NULL AND ${hiddenCase('hl.case_id')}))
      AND NOT EXISTS (SELECT 1 FROM referral_subjects vs WHERE vs.person_id = ${ref})
      AND NOT EXISTS (SELECT 1 FROM case_people vp WHERE vp.person_id = ${ref} AND ${caseVisible(sql.ref('vp.case_id'), user)})
      AND NOT ${visibleLinks})`
  }
  if (kind === 'location') {
    return sql<boolean>`NOT (
      (EXISTS (SELECT 1 FROM case_locations hp WHERE hp.location_id = ${ref} AND ${hiddenCase('hp.case_id')})
        OR EXISTS (SELECT 1 FROM entity_links hl WHERE ((hl.from_type = 'location' AND hl.from_id = ${ref}) OR (hl.to_type = 'location' AND hl.to_id = ${ref})) AND hl.case_id IS NOT NULL AND ${hiddenCase('hl.case_id')})
        OR EXISTS (SELECT 1 FROM events he WHERE he.location_id = ${ref} AND he.case_id IS NOT NULL AND ${hiddenCase('he.case_id')}))
      AND NOT EXISTS (SELECT 1 FROM referral_locations vr WHERE vr.location_id = ${ref})
      AND NOT EXISTS (SELECT 1 FROM case_locations vp WHERE vp.location_id = ${ref} AND ${caseVisible(sql.ref('vp.case_id'), user)})
      AND NOT ${visibleLinks})`
  }
  return sql<boolean>`NOT (
    (EXISTS (SELECT 1 FROM case_objects hp WHERE hp.object_id = ${ref} AND ${hiddenCase('hp.case_id')})
      OR EXISTS (SELECT 1 FROM entity_links hl WHERE ((hl.from_type = 'object' AND hl.from_id = ${ref}) OR (hl.to_type = 'object' AND hl.to_id = ${ref})) AND hl.case_id IS NOT NULL AND ${hiddenCase('hl.case_id')}))
    AND NOT EXISTS (SELECT 1 FROM case_objects vp WHERE vp.object_id = ${ref} AND ${caseVisible(sql.ref('vp.case_id'), user)})
    AND NOT ${visibleLinks})`
}

/** Whether one record is visible to the user (see `recordVisible`). */
export async function isRecordVisible(
  db: Queryable,
  kind: RecordKind,
  id: string,
  user: CurrentUser,
): Promise<boolean> {
  if (seesAllRestricted(user)) return true
  const { rows } = await sql<{
    visible: boolean
  }>`SELECT ${recordVisible(kind, sql`${id}::uuid`, user)} AS visible`.execute(db)
  return rows[0]?.visible ?? false
}

/** Of these ids, the ones whose records are visible to the user (see `recordVisible`), for filtering a list read elsewhere. */
export async function visibleIds(
  db: Queryable,
  kind: RecordKind,
  ids: readonly string[],
  user: CurrentUser,
): Promise<Set<string>> {
  if (seesAllRestricted(user) || ids.length === 0) return new Set(ids)
  const { rows } = await sql<{
    id: string
  }>`SELECT x.id::text AS id FROM unnest(${[...new Set(ids)]}::uuid[]) AS x(id) WHERE ${recordVisible(kind, sql.ref('x.id'), user)}`.execute(
    db,
  )
  return new Set(rows.map((r) => r.id))
}

export type CaseAccess = {
  visible: boolean
  officerInCharge: boolean
  member: boolean
  victimSide: boolean
  supervisor: boolean
}

/** What the user may do in one live job: see it (restricted jobs: team and supervisors only), lead it, work its victim side. */
export async function caseAccess(db: Queryable, user: CurrentUser, caseId: string): Promise<CaseAccess | null> {
  const row = await facts.caseFacts(db, caseId, user.id)
  if (!row) return null
  const supervisor = seesAllRestricted(user)
  const officerInCharge = row.officer_in_charge === user.id
  return {
    visible: !row.restricted || supervisor || officerInCharge || row.member,
    officerInCharge,
    member: row.member,
    victimSide: officerInCharge || row.victim_duty,
    supervisor,
  }
}

/** Whether the user leads the team of a live job: its officer in charge, or a supervisor. */
export function leadsTeam(access: CaseAccess): boolean {
  return access.officerInCharge || access.supervisor
}

export type VictimSideAccess = {
  /** Whether the person has a victim side at all (a victim role somewhere). */
  exists: boolean
  visible: boolean
  /** May record on it: screening, consent, NRM and Duty to Notify steps (police duties). */
  canEdit: boolean
  /** May work the safeguarding plan and support (the police duties above, or the ISA assigned). */
  canSupport: boolean
  /** Whom to ask for access: the officers with a duty to this person, never a restricted job's team or an ISA (their support is part of the victim side). */
  askWho: string[]
}

/**
 * The victim side of a person for this user. Takes a Queryable so a caller inside a transaction passes its own
 * connection: asking the pool for a second one while holding the first stalls every request once the pool is
 * full (test/pool-starvation.int.test.ts).
 */
export async function victimSideAccess(db: Queryable, user: CurrentUser, personId: string): Promise<VictimSideAccess> {
  return accessFromDuties(user, await facts.victimDuties(db, personId, user.id))
}

/** `victimSideAccess` for several people (a referral's subjects) in one query, keyed by person id; the same decisions. */
export async function victimSideAccessOf(
  db: Queryable,
  user: CurrentUser,
  personIds: readonly string[],
): Promise<Map<string, VictimSideAccess>> {
  const duties = await facts.victimDutiesOf(db, personIds, user.id)
  return new Map(personIds.map((id) => [id, accessFromDuties(user, duties.get(id) ?? [])]))
}

function accessFromDuties(user: CurrentUser, duties: readonly facts.VictimDuty[]): VictimSideAccess {
  const exists = duties.length > 0
  const supervisor = can(user, 'team:supervise')
  const mine = duties.filter((d) => d.mine)
  const policeDuty = supervisor || mine.some((d) => d.via !== 'support')
  const anyDuty = supervisor || mine.length > 0
  const visible = can(user, 'victim-facet:view') && (!exists || anyDuty)
  const askWho = [
    ...new Set(
      duties
        .filter((d) => d.shown_to_others || d.mine)
        .map((d) => d.responsible_name)
        .filter((n): n is string => n !== null),
    ),
  ]
  return {
    exists,
    visible,
    canEdit: visible && can(user, 'victim-facet:edit') && (!exists || policeDuty),
    canSupport: visible && can(user, 'safeguarding-plan:edit') && (!exists || anyDuty),
    askWho,
  }
}

/**
 * SQL: true when `userId` holds a duty to the victim side of the person `personId` (a column or value): the same
 * duties `victimSideAccess` counts (recorder of an unassigned referral, assigned officer, officer in charge or
 * victim-side member of a live job, the ISA assigned), without supervision. For lists of one person's own work
 * (My work), where "everything a supervisor may see" is not "mine".
 */
export function holdsVictimDuty(personId: RawBuilder<unknown> | string, userId: string): RawBuilder<boolean> {
  const ref = typeof personId === 'string' ? sql.ref(personId) : personId
  const identity = sql`(SELECT person_identity(person_root(${ref})))`
  return sql<boolean>`(
    EXISTS (SELECT 1 FROM referral_subjects ds JOIN referrals dr ON dr.id = ds.referral_id
      WHERE ds.person_id IN ${identity} AND ds.role = ANY(${VICTIM_ROLES})
        AND (dr.assigned_to = ${userId}::uuid OR (dr.assigned_to IS NULL AND dr.created_by = ${userId}::uuid)))
    OR EXISTS (SELECT 1 FROM case_people dp JOIN cases dc ON dc.id = dp.case_id
      WHERE dp.person_id IN ${identity} AND dp.role = ANY(${VICTIM_ROLES})
        AND (dc.officer_in_charge = ${userId}::uuid OR EXISTS (SELECT 1 FROM case_members dm WHERE dm.case_id = dc.id AND dm.user_id = ${userId}::uuid AND dm.victim_facet)))
    OR EXISTS (SELECT 1 FROM person_support_workers dw WHERE dw.person_id IN ${identity} AND dw.user_id = ${userId}::uuid AND dw.ended_at IS NULL))`
}

/** Throws 403 (with whom to ask) unless the user may see, record on (`edit`) or work the support of (`support`) the victim side. */
export async function requireVictimSide(
  db: Queryable,
  user: CurrentUser,
  personId: string,
  mode: 'view' | 'edit' | 'support' = 'view',
): Promise<VictimSideAccess> {
  const access = await victimSideAccess(db, user, personId)
  const allowed = mode === 'view' ? access.visible : mode === 'edit' ? access.canEdit : access.canSupport
  if (!allowed) throw new AccessDenied('forbidden', deniedMessage(access))
  return access
}

export function deniedMessage(access: Pick<VictimSideAccess, 'askWho'>): string {
  return `This person’s victim information is protected. Ask ${askWhom(access)} for access.`
}

/**
 * Whom to ask, in words, for a page that does not offer an action the user cannot take: the officers
 * with a duty to the person (never a restricted job's team, see `askWho`), or a supervisor.
 */
export function askWhom(access: Pick<VictimSideAccess, 'askWho'>): string {
  const who = access.askWho.length ? access.askWho.join(', ') : 'the officer working this person’s victim side'
  return `${who} or a supervisor`
}

/**
 * Whether the user may make a change that gives someone a victim-side duty to these people (assigning a referral,
 * opening a live job from it, handing a job over): a supervisor may; anyone else only hands on a duty they hold
 * themselves to every one of them, so no one can widen their own access. People with no victim side are free.
 */
export async function mayGrantVictimSide(
  db: Queryable,
  user: CurrentUser,
  personIds: readonly string[],
): Promise<boolean> {
  if (can(user, 'team:supervise')) return true
  for (const personId of personIds) {
    const duties = await facts.victimDuties(db, personId, user.id)
    if (duties.length > 0 && !duties.some((d) => d.mine && d.via !== 'support')) return false
  }
  return true
}

/**
 * Whether merging two people would widen victim-side access: both have a victim side, worked by different
 * people, so each side's officers would see the other's. Such a merge is a supervisor's decision.
 */
export async function mergeWidensAccess(db: Queryable, a: string, b: string): Promise<boolean> {
  const [da, dbb] = await Promise.all([facts.victimDutyHolders(db, a), facts.victimDutyHolders(db, b)])
  if (!da.isVictim || !dbb.isVictim) return false
  const sa = new Set(da.holders)
  const sb = new Set(dbb.holders)
  return sa.size !== sb.size || [...sa].some((h) => !sb.has(h))
}
