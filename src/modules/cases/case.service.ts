import type { Db, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import {
  changeReferralStatus,
  lockReferral,
  referralPeople,
  referralPlaceIds,
  TRANSITIONS,
  type ReferralStatus,
} from '#src/modules/referrals/index.ts'
import { findActiveAgency, isContactOf } from '#src/modules/partners/index.ts'
import {
  businessesOfCase,
  unknownOthersOfPlaces,
  createNamedPerson,
  createPlace,
  markCuckooed,
  noteVulnerability,
  placeFor,
  matchingPlaces,
  type PlaceMatch,
  linkRecords,
  personExists,
  placeExists,
  recordObject,
  type LocationInput,
} from '#src/modules/people/index.ts'
import { normaliseIdentifier } from '#src/modules/people/index.ts'
import { raiseSharedIdentifierPrompts } from '#src/modules/intelligence/index.ts'
import { CASE_ROLES, EVENT_KINDS, type CaseRole } from '#src/modules/people/index.ts'
import {
  caseAccess,
  isRecordVisible,
  leadsTeam,
  mayGrantVictimSide,
  VICTIM_ROLES,
  type CaseAccess,
} from '#src/modules/people/index.ts'
import { carryReferralReferences } from '#src/modules/occurrence-references/index.ts'
import * as repo from './case.repository.ts'
import * as work from './case-work.repository.ts'

/** The stages of a job whose dates the team must not miss: custody, charge, bail, RUI and the CPS. */
export const STAGE_KINDS = {
  arrest: 'Arrested',
  'custody-in': 'Booked into custody',
  'custody-out': 'Released from custody',
  charged: 'Charged',
  bail: 'Released on bail (bail return date due)',
  rui: 'Released under investigation (review date due)',
  'cps-advice': 'File sent to the CPS for advice',
  'cps-decision': 'CPS charging decision',
  'first-hearing': 'First court hearing',
} as const
export type StageKind = keyof typeof STAGE_KINDS

export const CaseError = defineDomainError('CaseError', { 'not-found': 404, invalid: 400, forbidden: 403 })

/** A referral's roles become the case's: "other" has no case equivalent, so it becomes an associate. */
const FROM_REFERRAL_ROLE: Record<string, CaseRole> = {
  'potential-victim': 'potential-victim',
  'suspected-exploiter': 'suspected-exploiter',
  witness: 'witness',
  reporter: 'reporter',
  other: 'associate',
}

export type CaseChange = {
  status?: 'open' | 'suspended' | 'closed'
  reason?: string | null
  officerInChargeId?: string
  restricted?: boolean
}

/** Live jobs: opened from referrals, worked through people, places, objects, tasks, events and decisions. */
export function createCaseService(db: Db) {
  /** Restricted cases exist only for their team and supervisors (the access policy): to anyone else they are not found. */
  async function loadFor(user: CurrentUser, caseId: string, trx: Db | Trx = db) {
    const access = await caseAccess(trx, user, caseId)
    if (!access?.visible) throw new CaseError('not-found', 'Case not found')
    const row = await repo.findCase(trx, caseId)
    if (!row) throw new CaseError('not-found', 'Case not found')
    return Object.assign(row, { access })
  }

  /** The places recorded at a typed address's postcode that the user may see and the job does not have yet. */
  async function offerable(
    trx: Db | Trx,
    caseId: string,
    typed: { addressLine1: string | null; postcode: string | null },
    user: CurrentUser,
  ): Promise<PlaceMatch[]> {
    if (!typed.addressLine1?.trim() || !typed.postcode) return []
    const [matches, jobPlaces] = await Promise.all([
      matchingPlaces(trx, typed, user, 10),
      repo.listCaseLocations(trx, caseId),
    ])
    const onJob = new Set(jobPlaces.map((l) => l.id))
    if (matches.some((m) => m.exact && onJob.has(m.id))) return []
    return matches.filter((m) => !onJob.has(m.id)).slice(0, 5)
  }

  /** Changing a job's team or its lead is for its officer in charge or a supervisor. */
  function requireLead(access: CaseAccess, what: string) {
    if (!leadsTeam(access)) throw new CaseError('forbidden', `Only the officer in charge or a supervisor can ${what}`)
  }

  async function timeline(trx: Trx, caseId: string, actor: Actor, kind: string, text: string) {
    await repo.addTimeline(trx, { id: uuidv7(), caseId, actorUserId: actor.userId, kind, text })
  }

  return {
    /** Opens a live job from a referral, carrying its people (with their roles), places and crime and occurrence references across. */
    async openFromReferral(
      referralId: string,
      input: { title: string; kind: 'investigation' | 'county-lines' },
      user: CurrentUser,
      actor: Actor,
    ): Promise<{ id: string; reference: string }> {
      const title = input.title.trim()
      if (!title) throw new CaseError('invalid', 'Enter a title for the live job', 'title')
      if (title.length > 200) throw new CaseError('invalid', 'Title must be 200 characters or fewer', 'title')
      return inTransaction(db, async (trx) => {
        const referral = await lockReferral(trx, referralId)
        if (!referral) throw new CaseError('not-found', 'Referral not found')
        // The opener leads the job and so works its victims' side: that is a duty to be given, not taken.
        const subjects = await referralPeople(trx, referralId)
        const victims = subjects.filter((s) => (VICTIM_ROLES as readonly string[]).includes(s.role))
        if (
          !(await mayGrantVictimSide(
            trx,
            user,
            victims.map((v) => v.person_id),
          ))
        ) {
          throw new CaseError(
            'forbidden',
            'This referral has a potential victim in it: the officer it is assigned to, or a supervisor, opens a live job from it',
          )
        }
        const id = uuidv7()
        const reference = await repo.nextCaseReference(trx, new Date().getUTCFullYear())
        await repo.insertCase(trx, {
          id,
          reference,
          title,
          kind: input.kind,
          summary: null,
          officer_in_charge: actor.userId,
          created_by: actor.userId,
        })
        await repo.linkCaseReferral(trx, id, referralId)
        for (const s of subjects)
          await repo.addCasePerson(trx, id, s.person_id, FROM_REFERRAL_ROLE[s.role] ?? 'associate', actor.userId)
        const places = await referralPlaceIds(trx, referralId)
        for (const placeId of places) await repo.linkCaseLocation(trx, id, placeId)
        // The referral's crime and occurrence references are the job's too (copies, each naming where it came from).
        await carryReferralReferences(trx, referralId, { type: 'case', id }, actor)
        if (actor.userId) await repo.addMember(trx, id, actor.userId, true, actor.userId)
        await timeline(
          trx,
          id,
          actor,
          'opened',
          `Opened from referral with ${subjects.length} people and ${places.length} places`,
        )
        if ((TRANSITIONS[referral.status as ReferralStatus] ?? []).includes('opened-as-case')) {
          await changeReferralStatus(
            trx,
            referralId,
            { status: 'opened-as-case', reason: `Opened as live job ${reference}` },
            actor,
            { justification: 'Opened as a live job', details: { caseId: id } },
          )
        }
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.opened',
            subjectType: 'case',
            subjectId: id,
            details: { referralId, people: subjects.length, places: places.length, victimSide: victims.length > 0 },
          },
        ])
        return { id, reference }
      })
    },

    /** Named operations group live jobs; each counts only the jobs this user may see. */
    listOperations: (user: CurrentUser) => repo.listOperations(db, user),

    /** One operation and the live jobs in it this user may see (its events are the outreach module's). */
    async operation(id: string, user: CurrentUser) {
      const operation = await repo.findOperation(db, id)
      if (!operation) throw new CaseError('not-found', 'Operation not found')
      const jobs = await repo.listCases(db, { user, status: null, operationId: id, limit: 200 })
      return { operation, jobs }
    },

    async createOperation(
      input: { name: string; description: string | null; code?: string },
      actor: Actor,
    ): Promise<string> {
      const name = input.name.trim()
      if (!name) throw new CaseError('invalid', 'Enter the operation’s name', 'name')
      if (name.length > 100) throw new CaseError('invalid', 'Name must be 100 characters or fewer', 'name')
      const code = (input.code ?? '').trim().toUpperCase() || null
      if (code && !/^[A-Z0-9]{2,12}$/.test(code))
        throw new CaseError('invalid', 'Code must be 2 to 12 letters or digits, like LAUD', 'code')
      return inTransaction(db, async (trx) => {
        if (await repo.operationNamed(trx, name))
          throw new CaseError('invalid', 'There is already an operation with that name', 'name')
        if (code && (await repo.operationCodeTaken(trx, code)))
          throw new CaseError('invalid', 'There is already an operation with that code', 'code')
        const id = uuidv7()
        await repo.insertOperation(trx, { id, name, code, description: input.description, created_by: actor.userId })
        await appendAuditEvents(trx, actor, [{ action: 'operation.created', subjectType: 'operation', subjectId: id }])
        return id
      })
    },

    async setOperation(caseId: string, operationId: string | null, user: CurrentUser, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        if (operationId && !(await repo.operationExists(trx, operationId))) {
          throw new CaseError('invalid', 'Select an operation from the list', 'operationId')
        }
        await repo.updateCase(trx, caseId, { operation_id: operationId, updated_at: new Date() })
        await timeline(
          trx,
          caseId,
          actor,
          'operation',
          operationId ? 'Added to an operation' : 'Removed from its operation',
        )
        await appendAuditEvents(trx, actor, [
          { action: 'case.updated', subjectType: 'case', subjectId: caseId, details: { operationId } },
        ])
      })
    },

    /**
     * Changes a live job's status, officer in charge or restriction. Closing a job, and restricting or
     * unrestricting it, are supervisors' decisions; suspending or reopening needs a reason too, so the
     * timeline says why work stopped or started again.
     */
    async update(caseId: string, change: CaseChange, user: CurrentUser, actor: Actor): Promise<void> {
      const reason = change.reason?.trim() ?? ''
      if (change.status !== undefined && !['open', 'suspended', 'closed'].includes(change.status))
        throw new CaseError('invalid', 'Select a status', 'status')
      if (reason.length > 1000) throw new CaseError('invalid', 'Reason must be 1000 characters or fewer', 'reason')
      if (change.status === undefined && change.officerInChargeId === undefined && change.restricted === undefined)
        throw new CaseError('invalid', 'Change the status, the officer in charge or the restriction', 'status')
      if ((change.status === 'closed' || change.restricted !== undefined) && !can(user, 'case:supervise')) {
        throw new CaseError(
          'forbidden',
          change.status === 'closed'
            ? 'Only a supervisor can close a live job'
            : 'Only a supervisor can restrict a live job',
        )
      }
      await inTransaction(db, async (trx) => {
        const row = await loadFor(user, caseId, trx)
        const set: {
          status?: string
          closed_at?: Date | null
          officer_in_charge?: string
          restricted?: boolean
          updated_at: Date
        } = { updated_at: new Date() }
        const changed: string[] = []
        if (change.status !== undefined && change.status !== row.status) {
          if (!reason)
            throw new CaseError(
              'invalid',
              change.status === 'open'
                ? 'Enter why the live job is being reopened'
                : `Enter why the live job is being ${change.status}`,
              'reason',
            )
          set.status = change.status
          set.closed_at = change.status === 'closed' ? new Date() : null
          changed.push('status')
          await timeline(
            trx,
            caseId,
            actor,
            'status',
            `Status changed from ${row.status} to ${change.status}: ${reason}`,
          )
        }
        if (change.officerInChargeId !== undefined && change.officerInChargeId !== row.officer_in_charge) {
          // The officer in charge works every victim's side in the job: handed over by the current one, or given by a supervisor.
          requireLead(row.access, 'change who is in charge')
          const officer = await repo.findCaseWorker(trx, change.officerInChargeId)
          if (!officer) throw new CaseError('invalid', 'Select an officer who can work live jobs', 'officerInChargeId')
          set.officer_in_charge = officer.id
          await repo.addMember(trx, caseId, officer.id, true, actor.userId)
          changed.push('officerInCharge')
          await timeline(trx, caseId, actor, 'officer', `Officer in charge is now ${officer.display_name}`)
        }
        if (change.restricted !== undefined && change.restricted !== row.restricted) {
          set.restricted = change.restricted
          changed.push('restricted')
          await timeline(
            trx,
            caseId,
            actor,
            'restriction',
            change.restricted ? `Restricted to its members${reason ? `: ${reason}` : ''}` : 'Restriction lifted',
          )
        }
        if (changed.length === 0) return
        await repo.updateCase(trx, caseId, set)
        // Who is now in charge, and whether the restriction was set or lifted, are access changes the DPO's
        // "Access granted" report reads from this row.
        const details = {
          changed,
          status: set.status,
          ...(set.officer_in_charge ? { officerInChargeId: set.officer_in_charge } : {}),
          ...(set.restricted !== undefined ? { restricted: set.restricted } : {}),
        }
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.updated',
            subjectType: 'case',
            subjectId: caseId,
            details,
            justification: reason || undefined,
          },
        ])
      })
    },

    /** Adds a place to a live job: one already known, or a new one. Events are recorded at the job's places. */
    async addPlace(
      caseId: string,
      input: { locationId: string | null; place: LocationInput | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<string> {
      return inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        let locationId = input.locationId
        if (locationId) {
          if (!(await placeExists(trx, locationId)))
            throw new CaseError('invalid', 'Select a place that exists', 'locationId')
        } else if (input.place) {
          // One place is one record: the same address already recorded is added, not copied.
          locationId = (await placeFor(trx, input.place, user, createPlace)).id
        } else {
          throw new CaseError('invalid', 'Enter an address, a postcode or a description of the place', 'addressLine1')
        }
        await repo.linkCaseLocation(trx, caseId, locationId)
        await timeline(trx, caseId, actor, 'place-added', 'Added a place')
        await appendAuditEvents(trx, actor, [
          { action: 'case.updated', subjectType: 'case', subjectId: caseId, details: { locationId } },
        ])
        return locationId
      })
    },

    /**
     * Records that a partner agency is involved in a live job, with its contact and what it is doing: for
     * County Lines, the force's child criminal and sexual exploitation team.
     */
    async involveAgency(
      caseId: string,
      input: { agencyId: string; contactId: string | null; involvement: string },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      const involvement = input.involvement.trim()
      if (!involvement) throw new CaseError('invalid', 'Say what the agency is doing in this live job', 'involvement')
      if (involvement.length > 500)
        throw new CaseError('invalid', 'Involvement must be 500 characters or fewer', 'involvement')
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        const agency = await findActiveAgency(trx, input.agencyId)
        if (!agency) throw new CaseError('invalid', 'Select an agency from the list', 'agencyId')
        if (input.contactId && !(await isContactOf(trx, input.contactId, agency.id))) {
          throw new CaseError('invalid', 'Select a contact who works for that agency', 'contactId')
        }
        const added = await repo.addCaseAgency(trx, {
          case_id: caseId,
          agency_id: agency.id,
          contact_id: input.contactId,
          involvement,
          added_by: actor.userId,
        })
        if (!added) throw new CaseError('invalid', `${agency.name} is already involved in this live job`, 'agencyId')
        await timeline(trx, caseId, actor, 'agency', `${agency.name} involved: ${involvement}`)
        await appendAuditEvents(trx, actor, [
          { action: 'case.updated', subjectType: 'case', subjectId: caseId, details: { agencyId: agency.id } },
        ])
      })
    },

    /**
     * Events involving a person or at a place, in the live jobs this user may see. A look-up on its own is
     * audited; shown as part of a person's record (`audited: false`) it is covered by that record's view row.
     */
    async eventsFor(
      filter: { personId?: string; locationId?: string },
      user: CurrentUser,
      actor: Actor,
      options: { audited: boolean } = { audited: true },
    ) {
      const viewer = user
      if (!options.audited) return repo.listEventsFor(db, filter, viewer, 200)
      return inTransaction(db, async (trx) => {
        const rows = await repo.listEventsFor(trx, filter, viewer, 200)
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.events-viewed',
            subjectType: filter.personId ? 'person' : 'location',
            subjectId: filter.personId ?? filter.locationId ?? null,
            details: { events: rows.length },
          },
        ])
        return rows
      })
    },

    openTasks: (user: CurrentUser, everyone: boolean) => repo.listOpenTasks(db, user, everyone ? null : user.id, 500),

    list: (user: CurrentUser, status: string | null, kind: string | null = null) =>
      repo.listCases(db, { user, status, kind, limit: 200 }),

    /** Everything about a case, audited. */
    async view(caseId: string, user: CurrentUser, actor: Actor) {
      return inTransaction(db, async (trx) => {
        const row = await loadFor(user, caseId, trx)
        const [people, locations, objects, links, referrals, tasks, decisions, events, timelineRows] =
          await Promise.all([
            repo.listCasePeople(trx, caseId),
            repo.listCaseLocations(trx, caseId),
            repo.listCaseObjects(trx, caseId),
            repo.listLinksForCase(trx, caseId),
            repo.listCaseReferrals(trx, caseId),
            repo.listTasks(trx, caseId),
            repo.listDecisions(trx, caseId),
            repo.listEvents(trx, caseId),
            repo.listTimeline(trx, caseId),
          ])
        const agencies = await repo.listCaseAgencies(trx, caseId)
        const members = await repo.listMembers(trx, caseId)
        const [signatures, stageDates, exhibits, intelligenceReports, businesses] = await Promise.all([
          work.countersignatures(trx, caseId),
          work.listStageDates(trx, caseId),
          work.listExhibits(trx, caseId),
          work.listIntelligenceReports(trx, caseId),
          businessesOfCase(trx, caseId),
        ])
        const signed = new Map(signatures.map((x) => [x.decision_id, x]))
        await appendAuditEvents(trx, actor, [{ action: 'case.viewed', subjectType: 'case', subjectId: caseId }])
        return {
          case: row,
          access: row.access,
          people,
          locations,
          objects,
          links,
          referrals,
          tasks,
          decisions: decisions.map((d) => ({ ...d, countersigned: signed.get(d.id) ?? null })),
          stageDates,
          exhibits,
          intelligenceReports,
          businesses,
          // People at the job's places not yet identified, from the estimates recorded on each place.
          unknownOthers: unknownOthersOfPlaces(locations),
          events,
          timeline: timelineRows,
          agencies,
          members,
        }
      })
    },

    /** Adds a person already known to Lantern, or a new one by name, in a role. One person may hold several roles. */
    async addPerson(
      caseId: string,
      input: { personId: string | null; newName: string | null; role: string },
      user: CurrentUser,
      actor: Actor,
    ): Promise<string> {
      if (!Object.hasOwn(CASE_ROLES, input.role))
        throw new CaseError('invalid', 'Select the person’s role in this case', 'role')
      return inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        let personId = input.personId
        if (personId) {
          if (!(await personExists(trx, personId)) || !(await isRecordVisible(trx, 'person', personId, user)))
            throw new CaseError('invalid', 'Select a person from the list', 'personId')
          // A victim role gives the job's team a duty to the person's victim side: one who does not already hold
          // one may not give it to themselves (ADR 0009).
          if (VICTIM_ROLES.includes(input.role) && !(await mayGrantVictimSide(trx, user, [personId]))) {
            throw new CaseError(
              'forbidden',
              'This person’s victim side is worked by other officers: ask a supervisor to add them to this job as a victim',
              'role',
            )
          }
        } else {
          const name = input.newName?.trim() ?? ''
          if (!name) throw new CaseError('invalid', 'Select a person, or enter the name of a new one', 'newName')
          if (name.length > 200) throw new CaseError('invalid', 'Name must be 200 characters or fewer', 'newName')
          personId = await createNamedPerson(trx, name, actor.userId)
        }
        const added = await repo.addCasePerson(trx, caseId, personId, input.role, actor.userId)
        if (!added) throw new CaseError('invalid', 'That person already has this role in the case', 'role')
        await timeline(
          trx,
          caseId,
          actor,
          'person-added',
          `Added a person as ${CASE_ROLES[input.role as CaseRole].toLowerCase()}`,
        )
        await appendAuditEvents(trx, actor, [
          { action: 'case.updated', subjectType: 'case', subjectId: caseId, details: { personId, role: input.role } },
        ])
        return personId
      })
    },

    /**
     * Puts a user on the job's team with a victim-side duty (sees and works its victims' protected side) or a
     * suspect-side one. The officer in charge or a supervisor decides; the change is on the timeline and audited
     * as widening access, so the DPO sees it.
     */
    async addMember(
      caseId: string,
      input: { userId: string; duty: 'victim' | 'suspect' },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      if (input.duty !== 'victim' && input.duty !== 'suspect')
        throw new CaseError('invalid', 'Select whether they work the victims’ side or the suspects’ side', 'duty')
      await inTransaction(db, async (trx) => {
        const row = await loadFor(user, caseId, trx)
        requireLead(row.access, 'change the team')
        const member = (await repo.listTeamCandidates(trx)).find((u) => u.id === input.userId)
        if (!member) throw new CaseError('invalid', 'Select someone from the list', 'userId')
        if (member.id === row.officer_in_charge)
          throw new CaseError('invalid', `${member.display_name} is the officer in charge`, 'userId')
        await repo.addMember(trx, caseId, member.id, input.duty === 'victim', actor.userId)
        await timeline(
          trx,
          caseId,
          actor,
          'team',
          `${member.display_name} joined the team (${input.duty === 'victim' ? 'victims’ side' : 'suspects’ side'})`,
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.member-added',
            subjectType: 'case',
            subjectId: caseId,
            details: { userId: member.id, victimSide: input.duty === 'victim' },
          },
        ])
      })
    },

    /** Takes a user off the job's team, with a reason: their duty (and any access it gave) ends at once. */
    async removeMember(
      caseId: string,
      input: { userId: string; reason: string },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      const reason = input.reason.trim()
      if (!reason) throw new CaseError('invalid', 'Enter why they are leaving the team', 'reason')
      if (reason.length > 500) throw new CaseError('invalid', 'Reason must be 500 characters or fewer', 'reason')
      await inTransaction(db, async (trx) => {
        const row = await loadFor(user, caseId, trx)
        requireLead(row.access, 'change the team')
        if (input.userId === row.officer_in_charge)
          throw new CaseError('invalid', 'Change the officer in charge before taking them off the team', 'userId')
        const member = (await repo.listMembers(trx, caseId)).find((m) => m.user_id === input.userId)
        if (!member || !(await repo.removeMember(trx, caseId, input.userId)))
          throw new CaseError('invalid', 'They are not on this job’s team', 'userId')
        await timeline(trx, caseId, actor, 'team', `${member.display_name} left the team: ${reason}`)
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.member-removed',
            subjectType: 'case',
            subjectId: caseId,
            justification: reason,
            details: { userId: input.userId },
          },
        ])
      })
    },

    /** Takes a person's role in the job away, with a reason (recorded in error, or no longer part of it). */
    async removePerson(
      caseId: string,
      input: { personId: string; role: string; reason: string },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      const reason = input.reason.trim()
      if (!reason) throw new CaseError('invalid', 'Enter why the person is being removed from the live job', 'reason')
      if (reason.length > 500) throw new CaseError('invalid', 'Reason must be 500 characters or fewer', 'reason')
      if (!Object.hasOwn(CASE_ROLES, input.role)) throw new CaseError('invalid', 'Select the role to remove', 'role')
      await inTransaction(db, async (trx) => {
        const row = await loadFor(user, caseId, trx)
        requireLead(row.access, 'remove people from the live job')
        if (!(await repo.removeCasePerson(trx, caseId, input.personId, input.role)))
          throw new CaseError('invalid', 'That person does not have that role in this live job', 'role')
        await timeline(
          trx,
          caseId,
          actor,
          'person-removed',
          `Removed a person’s role as ${CASE_ROLES[input.role as CaseRole].toLowerCase()}: ${reason}`,
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.person-removed',
            subjectType: 'case',
            subjectId: caseId,
            justification: reason,
            details: { personId: input.personId, role: input.role },
          },
        ])
      })
    },

    teamCandidates: () => repo.listTeamCandidates(db),

    /**
     * A live job's team (who works it, on which side) for someone who may see the job: a restricted job's team is
     * not found for anyone else. Reading it is audited as a view of the job.
     */
    async team(caseId: string, user: CurrentUser, actor: Actor) {
      return inTransaction(db, async (trx) => {
        const row = await loadFor(user, caseId, trx)
        const members = await repo.listMembers(trx, caseId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.viewed',
            subjectType: 'case',
            subjectId: caseId,
            details: { part: 'team', members: members.length },
          },
        ])
        return { officerInCharge: row.officer_in_charge, members }
      })
    },

    async addTask(
      caseId: string,
      input: { title: string; ownerId: string | null; dueOn: string | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      const title = input.title.trim()
      if (!title) throw new CaseError('invalid', 'Enter what needs doing', 'taskTitle')
      if (title.length > 300) throw new CaseError('invalid', 'The task must be 300 characters or fewer', 'taskTitle')
      await inTransaction(db, async (trx) => {
        const row = await loadFor(user, caseId, trx)
        if (input.ownerId) {
          const owner = await trx
            .selectFrom('users')
            .select('id')
            .where('id', '=', input.ownerId)
            .where('disabled_at', 'is', null)
            .executeTakeFirst()
          if (!owner) throw new CaseError('invalid', 'Select an officer to own the task', 'ownerId')
          // A restricted job exists only for its team: its tasks go to its team, or the task would tell an outsider it exists.
          if (
            row.restricted &&
            row.officer_in_charge !== input.ownerId &&
            !(await repo.isMember(trx, caseId, input.ownerId))
          ) {
            throw new CaseError(
              'invalid',
              'This live job is restricted: add the officer to its team before giving them a task',
              'ownerId',
            )
          }
        }
        const id = uuidv7()
        await repo.insertTask(trx, {
          id,
          case_id: caseId,
          title,
          owner_id: input.ownerId,
          due_on: input.dueOn,
          created_by: actor.userId,
        })
        await timeline(trx, caseId, actor, 'task-added', `Task added: ${title}`)
        await appendAuditEvents(trx, actor, [
          { action: 'case.updated', subjectType: 'case', subjectId: caseId, details: { taskId: id } },
        ])
      })
    },

    async completeTask(caseId: string, taskId: string, user: CurrentUser, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        const title = await repo.completeTask(trx, caseId, taskId)
        if (title === undefined) throw new CaseError('invalid', 'That task is not open', 'task')
        await timeline(trx, caseId, actor, 'task-done', `Task completed: ${title}`)
        await appendAuditEvents(trx, actor, [
          { action: 'case.updated', subjectType: 'case', subjectId: caseId, details: { taskId, status: 'done' } },
        ])
      })
    },

    /**
     * A decision-log entry: the officer in charge records investigative decisions, supervisors theirs. Entries are
     * append-only (a trigger refuses changes); a supervisor countersigns the officer's (`countersignDecision`).
     */
    async addDecision(
      caseId: string,
      input: { decidedOn: string; decision: string; rationale: string },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      if (!input.decision.trim()) throw new CaseError('invalid', 'Enter the decision', 'decision')
      if (!input.rationale.trim()) throw new CaseError('invalid', 'Enter the rationale for the decision', 'rationale')
      await inTransaction(db, async (trx) => {
        const row = await loadFor(user, caseId, trx)
        if (!leadsTeam(row.access))
          throw new CaseError('forbidden', 'Only the officer in charge or a supervisor writes in the decision log')
        const id = uuidv7()
        await repo.insertDecision(trx, {
          id,
          case_id: caseId,
          decided_on: input.decidedOn,
          decision: input.decision.trim().slice(0, 2000),
          rationale: input.rationale.trim().slice(0, 4000),
          recorded_by: actor.userId!,
        })
        await timeline(trx, caseId, actor, 'decision', `Decision recorded: ${input.decision.trim().slice(0, 120)}`)
        await appendAuditEvents(trx, actor, [
          { action: 'case.decision-recorded', subjectType: 'case', subjectId: caseId, details: { decisionId: id } },
        ])
      })
    },

    /** A supervisor reviews and countersigns a decision recorded by someone else: once, with an optional comment. */
    async countersignDecision(
      caseId: string,
      decisionId: string,
      input: { comment: string | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      if (!can(user, 'case:supervise')) throw new CaseError('forbidden', 'Only a supervisor countersigns decisions')
      const comment = input.comment?.trim() || null
      if (comment && comment.length > 2000)
        throw new CaseError('invalid', 'Comment must be 2,000 characters or fewer', 'countersignComment')
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        const decision = await work.findDecision(trx, caseId, decisionId)
        if (!decision) throw new CaseError('not-found', 'Decision not found')
        if (decision.recorded_by === actor.userId)
          throw new CaseError(
            'invalid',
            'A decision is countersigned by a supervisor other than its author',
            'countersign',
          )
        if (!(await work.insertCountersignature(trx, { decisionId, by: actor.userId!, comment })))
          throw new CaseError('invalid', 'This decision is already countersigned', 'countersign')
        await timeline(trx, caseId, actor, 'decision-countersigned', 'Decision countersigned')
        await appendAuditEvents(trx, actor, [
          { action: 'case.decision-countersigned', subjectType: 'case', subjectId: caseId, details: { decisionId } },
        ])
      })
    },

    /** A custody, charge, bail, released-under-investigation or CPS stage date (with the bail or RUI review date due). */
    async addStageDate(
      caseId: string,
      input: { kind: string; occurredOn: string; dueOn: string | null; personId: string | null; note: string | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      if (!Object.hasOwn(STAGE_KINDS, input.kind)) throw new CaseError('invalid', 'Select the stage', 'stageKind')
      if (input.dueOn && input.dueOn < input.occurredOn)
        throw new CaseError('invalid', 'The date due must be on or after the stage date', 'stageDue-day')
      const note = input.note?.trim() || null
      if (note && note.length > 1000)
        throw new CaseError('invalid', 'Note must be 1,000 characters or fewer', 'stageNote')
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        if (input.personId && !(await repo.listCasePeople(trx, caseId)).some((p) => p.person_id === input.personId))
          throw new CaseError('invalid', 'Select someone on the live job', 'stagePerson')
        const id = uuidv7()
        await work.insertStageDate(trx, {
          id,
          case_id: caseId,
          person_id: input.personId,
          kind: input.kind,
          occurred_on: input.occurredOn,
          due_on: input.dueOn,
          note,
          recorded_by: actor.userId,
        })
        await timeline(trx, caseId, actor, 'stage-date', `${STAGE_KINDS[input.kind as StageKind]} recorded`)
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.stage-date-recorded',
            subjectType: 'case',
            subjectId: caseId,
            details: { stageDateId: id, kind: input.kind },
          },
        ])
      })
    },

    /** An exhibit, or a handset (with its number as a phone object, so the phone's links are followed), in the log. */
    async addExhibit(
      caseId: string,
      input: {
        kind: 'exhibit' | 'handset'
        reference: string
        description: string
        seizedOn: string | null
        seizedFrom: string | null
        storage: string | null
        phone: string | null
      },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      const reference = input.reference.trim()
      if (!reference)
        throw new CaseError('invalid', 'Enter the exhibit reference, for example JS/1', 'exhibitReference')
      if (reference.length > 50)
        throw new CaseError('invalid', 'Reference must be 50 characters or fewer', 'exhibitReference')
      const description = input.description.trim()
      if (!description) throw new CaseError('invalid', 'Describe the exhibit', 'exhibitDescription')
      if (description.length > 1000)
        throw new CaseError('invalid', 'Description must be 1,000 characters or fewer', 'exhibitDescription')
      const phone = input.phone?.trim() ? normaliseIdentifier('phone', input.phone) : null
      if (phone && !phone.ok) throw new CaseError('invalid', phone.message, 'exhibitPhone')
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        if (input.seizedFrom && !(await repo.listCasePeople(trx, caseId)).some((p) => p.person_id === input.seizedFrom))
          throw new CaseError('invalid', 'Select someone on the live job', 'exhibitFrom')
        let objectId: string | null = null
        if (phone?.ok) {
          objectId = await recordObject(trx, {
            kind: 'phone',
            value: phone.value,
            display: phone.display,
            details: {},
            createdBy: actor.userId,
          })
          await repo.linkCaseObject(trx, caseId, objectId)
        }
        const id = uuidv7()
        const added = await work.insertExhibit(trx, {
          id,
          case_id: caseId,
          kind: input.kind === 'handset' ? 'handset' : 'exhibit',
          reference,
          description,
          seized_on: input.seizedOn,
          seized_from: input.seizedFrom,
          object_id: objectId,
          storage: input.storage?.trim().slice(0, 200) || null,
          recorded_by: actor.userId,
        })
        if (!added) throw new CaseError('invalid', 'That exhibit reference is already in the log', 'exhibitReference')
        await timeline(
          trx,
          caseId,
          actor,
          'exhibit',
          `${input.kind === 'handset' ? 'Handset' : 'Exhibit'} ${reference} logged`,
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.exhibit-recorded',
            subjectType: 'case',
            subjectId: caseId,
            details: { exhibitId: id, objectId },
          },
        ])
      })
    },

    /** An intelligence report the job relies on, by its reference only (the report stays in the intelligence system). */
    async linkIntelligenceReport(
      caseId: string,
      input: { reference: string; note: string | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      const reference = input.reference.trim().toUpperCase()
      if (!reference) throw new CaseError('invalid', 'Enter the intelligence report reference', 'intelReference')
      if (reference.length > 50)
        throw new CaseError('invalid', 'Reference must be 50 characters or fewer', 'intelReference')
      const note = input.note?.trim() || null
      if (note && note.length > 500) throw new CaseError('invalid', 'Note must be 500 characters or fewer', 'intelNote')
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        const id = uuidv7()
        if (
          !(await work.insertIntelligenceReport(trx, {
            id,
            case_id: caseId,
            reference,
            note,
            recorded_by: actor.userId,
          }))
        )
          throw new CaseError('invalid', 'That intelligence report is already linked', 'intelReference')
        await timeline(trx, caseId, actor, 'intelligence', 'Intelligence report linked')
        await appendAuditEvents(trx, actor, [
          { action: 'case.intelligence-linked', subjectType: 'case', subjectId: caseId, details: { reportLinkId: id } },
        ])
      })
    },

    /** A County Lines deal line: the phone number, the line's name, the area it supplies and when it was active. */
    async addDealLine(
      caseId: string,
      input: {
        number: string
        lineName: string
        area: string
        activeFrom: string | null
        activeTo: string | null
        personId: string | null
        relation: 'runs' | 'works'
      },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      const normalised = normaliseIdentifier('deal-line', input.number)
      if (!normalised.ok) throw new CaseError('invalid', normalised.message, 'number')
      if (!input.lineName.trim())
        throw new CaseError('invalid', 'Enter the line’s name, for example ‘Bando’ or ‘Jay line’', 'lineName')
      if (input.activeFrom && input.activeTo && input.activeTo < input.activeFrom)
        throw new CaseError('invalid', 'The line cannot stop before it started', 'activeTo-day')
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        const details = {
          lineName: input.lineName.trim().slice(0, 100),
          area: input.area.trim().slice(0, 200),
          activeFrom: input.activeFrom,
          activeTo: input.activeTo,
          ...(normalised.note ? { note: normalised.note } : {}),
        }
        const objectId = await recordObject(trx, {
          kind: 'deal-line',
          value: normalised.value,
          display: normalised.display,
          details,
          createdBy: actor.userId,
        })
        await repo.linkCaseObject(trx, caseId, objectId)
        if (input.personId) {
          const linkId = await linkRecords(trx, {
            from_type: 'person',
            from_id: input.personId,
            to_type: 'object',
            to_id: objectId,
            relation: input.relation,
            valid_from: input.activeFrom,
            valid_to: input.activeTo,
            source: 'live job',
            case_id: caseId,
            referral_id: null,
            created_by: actor.userId,
          })
          await raiseSharedIdentifierPrompts(
            trx,
            { linkId, personId: input.personId, toType: 'object', toId: objectId, relation: input.relation, caseId },
            actor,
          )
        }
        await timeline(trx, caseId, actor, 'deal-line', `Deal line added: ${details.lineName} (${normalised.display})`)
        await appendAuditEvents(trx, actor, [
          { action: 'case.updated', subjectType: 'case', subjectId: caseId, details: { dealLineId: objectId } },
        ])
      })
    },

    /**
     * "Is this the same place?" for an address typed on the live job: the places already recorded at its postcode
     * (the people module's own offer, as referral intake makes it) that are not on the job yet. None when the
     * address is already one of the job's places: that place is used, nothing to ask.
     */
    async placesToOffer(
      caseId: string,
      typed: { addressLine1: string; postcode: string | null },
      user: CurrentUser,
    ): Promise<PlaceMatch[]> {
      await loadFor(user, caseId)
      return offerable(db, caseId, typed, user)
    },

    /** A cuckooed address: the place taken over, and its occupant with their vulnerability. */
    async addCuckooedAddress(
      caseId: string,
      input: {
        /** A place already on the live job, instead of the address typed again. */
        placeId?: string | null
        /** The answer to "Is this the same place?" (placesToOffer): a place offered, not yet on the job. */
        samePlaceAs?: string | null
        /** The answer "No, it is a different place": a new place even though others are recorded at the postcode. */
        separatePlace?: boolean
        /** A person already on the live job, instead of the occupant's name typed again. */
        occupantId?: string | null
        addressLine1: string
        town: string | null
        postcode: string | null
        occupantName: string
        vulnerability: string
      },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      if (!input.placeId && !input.addressLine1.trim())
        throw new CaseError('invalid', 'Enter the address, or choose a place already on the live job', 'addressLine1')
      if (!input.occupantId && !input.occupantName.trim())
        throw new CaseError(
          'invalid',
          'Enter the occupant’s name, or choose someone already on the live job',
          'occupantName',
        )
      if (!input.vulnerability.trim())
        throw new CaseError(
          'invalid',
          'Describe the occupant’s vulnerability, for example ‘learning disability’',
          'vulnerability',
        )
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        const jobPlaces = await repo.listCaseLocations(trx, caseId)
        const jobPeople = await repo.listCasePeople(trx, caseId)
        if (input.placeId && !jobPlaces.some((l) => l.id === input.placeId))
          throw new CaseError('invalid', 'Select one of the live job’s places', 'cuckooPlaceId')
        if (input.occupantId && !jobPeople.some((p) => p.person_id === input.occupantId))
          throw new CaseError('invalid', 'Select someone on the live job', 'occupantPersonId')
        // The place already on the job; or the place recorded elsewhere the officer said it is (only one offered
        // to them); or, when they said it is a different place, a new one; otherwise the place already recorded at
        // this address (one place, one record), or a new one.
        const address: LocationInput = {
          addressLine1: input.addressLine1.trim(),
          addressLine2: null,
          town: input.town,
          postcode: input.postcode,
          description: null,
          premisesType: 'private-house',
        }
        let locationId: string
        if (input.placeId) locationId = input.placeId
        else if (input.samePlaceAs) {
          const offered = await offerable(trx, caseId, address, user)
          if (!offered.some((m) => m.id === input.samePlaceAs))
            throw new CaseError('invalid', 'Select the place, or say it is a different one', 'samePlace')
          locationId = input.samePlaceAs
        } else if (input.separatePlace) locationId = await createPlace(trx, address)
        else locationId = (await placeFor(trx, address, user, createPlace)).id
        await markCuckooed(trx, locationId)
        await repo.linkCaseLocation(trx, caseId, locationId)
        // The occupant chosen, or someone on the job by that exact name (not a second "Gary Platt"), or a new person.
        const typed = input.occupantName.trim().toLowerCase()
        const known =
          input.occupantId ?? jobPeople.find((p) => typed && (p.name ?? '').trim().toLowerCase() === typed)?.person_id
        const personId =
          known ??
          (await createNamedPerson(trx, input.occupantName.trim().slice(0, 200), actor.userId, {
            vulnerability: input.vulnerability.trim().slice(0, 500),
          }))
        if (known) await noteVulnerability(trx, known, input.vulnerability.trim().slice(0, 500))
        await repo.addCasePerson(trx, caseId, personId, 'potential-victim', actor.userId)
        const linkId = await linkRecords(trx, {
          from_type: 'person',
          from_id: personId,
          to_type: 'location',
          to_id: locationId,
          relation: 'occupant',
          valid_from: null,
          valid_to: null,
          source: 'live job',
          case_id: caseId,
          referral_id: null,
          created_by: actor.userId,
        })
        await raiseSharedIdentifierPrompts(
          trx,
          { linkId, personId, toType: 'location', toId: locationId, relation: 'occupant', caseId },
          actor,
        )
        await timeline(trx, caseId, actor, 'cuckooed-address', 'Cuckooed address added')
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.updated',
            subjectType: 'case',
            subjectId: caseId,
            details: { locationId, occupantId: personId },
          },
        ])
      })
    },

    /** An event: an encounter, incident, visit, warrant, arrest, missing episode or return home interview. */
    async addEvent(
      caseId: string,
      input: {
        kind: string
        occurredAt: Date
        timeKnown?: boolean
        summary: string
        personIds: string[]
        locationId?: string | null
      },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      if (!Object.hasOwn(EVENT_KINDS, input.kind))
        throw new CaseError('invalid', 'Select what kind of event it was', 'eventKind')
      if (!input.summary.trim()) throw new CaseError('invalid', 'Describe what happened', 'eventSummary')
      await inTransaction(db, async (trx) => {
        await loadFor(user, caseId, trx)
        const id = uuidv7()
        const places = new Set((await repo.listCaseLocations(trx, caseId)).map((l) => l.id))
        if (input.locationId && !places.has(input.locationId))
          throw new CaseError('invalid', 'Select one of the live job’s places', 'eventLocation')
        const inCase = new Set((await repo.listCasePeople(trx, caseId)).map((p) => p.person_id))
        if (input.personIds.some((p) => !inCase.has(p)))
          throw new CaseError('invalid', 'Select people who are in the live job', 'eventPeople')
        await repo.insertEvent(
          trx,
          {
            id,
            kind: input.kind,
            occurred_at: input.occurredAt,
            time_known: input.timeKnown ?? true,
            location_id: input.locationId ?? null,
            case_id: caseId,
            summary: input.summary.trim().slice(0, 4000),
            created_by: actor.userId,
          },
          input.personIds,
        )
        await timeline(trx, caseId, actor, 'event', `${EVENT_KINDS[input.kind as keyof typeof EVENT_KINDS]} recorded`)
        await appendAuditEvents(trx, actor, [
          {
            action: 'case.updated',
            subjectType: 'case',
            subjectId: caseId,
            details: { eventId: id, kind: input.kind },
          },
        ])
      })
    },
  }
}

export type CaseService = ReturnType<typeof createCaseService>
