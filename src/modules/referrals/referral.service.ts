import type { Db, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents, auditInsert } from '#src/platform/audit/audit.repository.ts'
import type { Actor, AuditEventInput } from '#src/platform/audit/audit-events.ts'
import { listAssignableUsers } from '#src/platform/auth/users.repository.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import {
  caseVisible,
  createPerson,
  createPlace,
  mayGrantVictimSide,
  offeredPlace,
  placeFor,
} from '#src/modules/people/index.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { cached } from '#src/shared/cached.ts'
import { listPriorityTags, unknownPriorityTags } from '#src/modules/priorities/index.ts'
import { resolveReferringOrganisation } from '#src/modules/outreach/index.ts'
import { londonToInstant } from '#src/shared/dates.ts'
import { ReferralError } from './referral.errors.ts'
import type { AssignmentInput, GradingInput, NewReferralInput, StatusChangeInput } from './referral.schema.ts'
import {
  STATUSES,
  THRIVE_ELEMENTS,
  TRANSITIONS,
  TRIAGED_STATUSES,
  type GradeLevel,
  type ReferralStatus,
  type ThriveElement,
} from './referral.vocabulary.ts'
import { deriveUrgency, type Urgency } from './referral.urgency.ts'
import * as repo from './referral.repository.ts'

export type QueueQuery = {
  filters: repo.ReferralFilters
  page: number
  pageSize: number
  sort: repo.QueueSort
}

/** Counting stops here ("1,000+"): beyond it an exact number costs a scan and helps nobody triage. */
export const COUNT_CAP = 1_000

/**
 * Moves a referral on, in the caller's transaction: the version check, the allowed transitions, the event and the
 * audit row. The one way any module changes a referral's status (a live job opened from it, a screening started).
 * `audit` replaces the reason in the audit row where the reason names what the audit log's readers may not see (a
 * restricted live job's reference: the referral's own timeline hides it from those outside the job).
 */
export async function changeReferralStatus(
  trx: Trx,
  id: string,
  input: StatusChangeInput,
  actor: Actor,
  audit: { justification: string; details?: Record<string, unknown> } = { justification: input.reason },
): Promise<{ version: number }> {
  const current = await repo.lockReferral(trx, id)
  if (!current) throw new ReferralError('not-found', 'Referral not found')
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
    throw new ReferralError(
      'stale',
      'Someone else changed this referral while you were looking at it. Check its status and try again.',
    )
  }
  const from = current.status as ReferralStatus
  if (!TRANSITIONS[from].includes(input.status)) {
    throw new ReferralError(
      'invalid-transition',
      `A referral that is ${STATUSES.label(from).toLowerCase()} cannot be moved to ${STATUSES.label(input.status).toLowerCase()}`,
      'status',
    )
  }
  const closing = input.status === 'closed'
  if (closing && !input.closureReason)
    throw new ReferralError('closure-reason-required', 'Select why the referral is being closed', 'closureReason')
  if (!closing && input.closureReason)
    throw new ReferralError(
      'closure-reason-not-allowed',
      'A closure reason is only given when closing a referral',
      'closureReason',
    )
  const version = await repo.updateReferralStatus(trx, id, {
    status: input.status,
    closureReason: closing ? (input.closureReason ?? null) : null,
    triaged: TRIAGED_STATUSES.includes(input.status),
    closed: closing,
  })
  await repo.insertReferralEvent(trx, {
    referralId: id,
    actorUserId: actor.userId,
    kind: 'status-changed',
    fromStatus: from,
    toStatus: input.status,
    reason: input.reason,
    details: closing ? { closureReason: input.closureReason } : {},
  })
  await appendAuditEvents(trx, actor, [
    {
      action: 'referral.status-changed',
      subjectType: 'referral',
      subjectId: id,
      justification: audit.justification,
      details: { from, to: input.status, closureReason: input.closureReason ?? null, ...audit.details },
    },
  ])
  return { version }
}

/** A referral just recorded, as the API answers with it: no grading and no live job yet. */
export type NewReferralView = {
  referral: repo.ReferralRow
  subjects: repo.SubjectRow[]
  locations: repo.LocationRow[]
  grading: null
}

export function createReferralService(db: Db, options: { triageSlaHours: number }) {
  const sla = options.triageSlaHours

  /** A referral recorded in this transaction, read back as stored (the parts a new referral has). */
  async function readNew(trx: Trx, id: string): Promise<NewReferralView> {
    const [referral, subjects, locations] = await Promise.all([
      repo.findReferral(trx, id, sla),
      repo.findSubjects(trx, id),
      repo.findLocations(trx, id),
    ])
    if (!referral) throw new ReferralError('not-found', 'Referral not found')
    return { referral, subjects, locations, grading: null }
  }

  function receivedInstant(receivedAt: string): Date {
    // A bare date means the start of that day in London: the service-level clock starts early rather than late.
    return /^\d{4}-\d{2}-\d{2}$/.test(receivedAt) ? londonToInstant(receivedAt) : new Date(receivedAt)
  }

  async function assertPriorityTags(tags: string[]): Promise<void> {
    const unknown = await unknownPriorityTags(db, tags)
    if (unknown.length > 0)
      throw new ReferralError(
        'unknown-priority-tag',
        `Unknown strategic priority: ${unknown.join(', ')}`,
        'priorityTags',
      )
  }

  /** Derives the urgency flag from the referral's facts as recorded (its people included) and stores it. */
  async function refreshUrgency(trx: Trx, id: string): Promise<Urgency> {
    const urgency = await repo.refreshUrgency(trx, id)
    if (!urgency) throw new ReferralError('not-found', 'Referral not found')
    return urgency
  }

  const service = {
    triageSlaHours: sla,

    /** Records a referral with its people and places, in one transaction with its audit row. */
    async create(
      input: NewReferralInput,
      actor: Actor,
      options: {
        draftId?: string
        /** More work in the same transaction, before the audit row: a public report records its idempotency key here. */
        within?: (trx: Trx, created: { id: string; reference: string; people: string[] }) => Promise<void>
        /** A transaction the caller already holds: a bulk import writes a batch of referrals in one. */
        trx?: Trx
        /** People already recorded who are subjects too: an imported row a reviewer found to be someone known. */
        existingPeople?: { personId: string; role: string }[]
        /** Read the referral back as stored (`shown`) in the same transaction, its view audited with its creation. */
        show?: boolean
      } = {},
    ): Promise<{ id: string; reference: string; shown?: NewReferralView }> {
      const receivedAt = receivedInstant(input.receivedAt)
      if (receivedAt.getTime() > Date.now() + 60_000)
        throw new ReferralError('received-in-future', 'Date received must be today or in the past', 'receivedAt')
      await assertPriorityTags(input.priorityTags)
      const run = <T>(work: (trx: Trx) => Promise<T>): Promise<T> =>
        options.trx ? work(options.trx) : inTransaction(db, work)
      // A new referral naming no one recorded before has every fact its urgency is derived from in hand: it is
      // derived here and written with the referral, not read back and updated inside the transaction (issue 19:
      // every round trip in a save's transaction holds a connection while the application is busy elsewhere).
      const derived =
        (options.existingPeople ?? []).length === 0
          ? deriveUrgency({
              receivedAt,
              summary: input.summary,
              indicators: input.indicators,
              people: input.people.map((p) => ({
                role: p.role,
                dateOfBirth: p.dateOfBirth ?? null,
                approximateAge: p.approximateAge ?? null,
                ageDisputed: p.ageDisputed,
              })),
            })
          : undefined
      return run(async (trx) => {
        const id = uuidv7()
        const from = await resolveReferringOrganisation(trx, input.referringOrganisation, input.referringSector)
        const reference = await repo.insertReferral(trx, {
          id,
          receivedAt,
          source: input.source,
          referringOrganisation: input.referringOrganisation,
          referrerName: input.referrerName,
          referrerContact: input.referrerContact,
          summary: input.summary,
          exploitationTypes: input.exploitationTypes,
          countyLines: input.countyLines,
          priorityTags: input.priorityTags,
          createdBy: actor.userId,
          organisationId: from.organisationId,
          referringSector: from.sector,
          urgencyIndicators: input.indicators,
          urgency: derived,
        })
        const subjects = []
        for (const person of input.people)
          subjects.push({ personId: await createPerson(trx, person, actor.userId), role: person.role })
        const created = subjects.map((s) => s.personId)
        for (const known of options.existingPeople ?? []) subjects.push(known)
        // One place is one record: an address already recorded (same first line and postcode) is linked, not copied.
        const locationIds: string[] = []
        // The recorder's answer to "is this the same place?" decides when they were asked.
        for (const location of input.locations) {
          let placeId: string
          if (location.samePlaceAs) {
            const same = await offeredPlace(trx, location.samePlaceAs)
            if (!same) throw new ReferralError('unknown-place', 'Select a place from the list', 'locations')
            placeId = same
          } else if (location.separatePlace) placeId = await createPlace(trx, location)
          else placeId = (await placeFor(trx, location, null, createPlace)).id
          if (!locationIds.includes(placeId)) locationIds.push(placeId)
        }
        // The urgency of a referral naming people already recorded is derived from the stored facts, so its links
        // go in first; otherwise they go in with the event and the audit rows below, in one statement.
        if (!derived) {
          await repo.linkSubjects(trx, id, subjects)
          await repo.linkLocations(trx, id, locationIds)
        }
        const urgency = derived ?? (await refreshUrgency(trx, id))
        if (options.draftId) await repo.deleteDraft(trx, options.draftId)
        if (options.within) await options.within(trx, { id, reference, people: created })
        const audit: AuditEventInput[] = [
          {
            action: 'referral.created',
            subjectType: 'referral',
            subjectId: id,
            details: {
              people: subjects.map((s) => s.personId),
              locations: locationIds,
              urgencyReasons: urgency.reasons,
            },
          },
        ]
        // What the API answers with is the referral as now stored, read in this transaction: its view is audited
        // here too, so a save is one transaction, not a save and then an audited read (issue 19).
        if (options.show)
          audit.push({ action: 'referral.viewed', subjectType: 'referral', subjectId: id, justification: null })
        await repo.recordNewReferral(
          trx,
          {
            referralId: id,
            subjects: derived ? subjects : [],
            locationIds: derived ? locationIds : [],
            event: { actorUserId: actor.userId, details: { source: input.source, urgencyReasons: urgency.reasons } },
          },
          auditInsert(actor, audit),
        )
        if (options.show) return { id, reference, shown: await readNew(trx, id) }
        return { id, reference }
      })
    },

    /**
     * Records a referral once per idempotency key (per user, for IDEMPOTENCY_KEY_HOURS): a retry with the same
     * key and the same request gets the referral the first one made (`replayed`), a different request under the
     * same key is refused. The key is claimed in the referral's own transaction, so if the referral is not
     * written the key is not held, and concurrent requests with one key wait for each other (see claimIdempotencyKey).
     */
    async createOnce(
      input: NewReferralInput,
      actor: Actor,
      idempotency: { key: string; requestHash: string },
      options: { show?: boolean } = {},
    ): Promise<{ id: string; replayed: boolean; shown?: NewReferralView }> {
      const userId = actor.userId
      if (!userId) throw new Error('an idempotency key needs a user to belong to')
      const outcome = await inTransaction(db, async (trx) => {
        if (await repo.claimIdempotencyKey(trx, userId, idempotency.key, idempotency.requestHash)) {
          const created = await service.create(input, actor, { trx, show: options.show })
          await repo.setIdempotencyReferral(trx, userId, idempotency.key, created.id)
          return { id: created.id, replayed: false, shown: created.shown }
        }
        const held = await repo.findIdempotencyKey(trx, userId, idempotency.key)
        if (!held?.referral_id || held.request_hash !== idempotency.requestHash) {
          throw new ReferralError(
            'idempotency-key-reused',
            'This Idempotency-Key was already used for a different request. Send a new key for a new referral, or the same request to retry it.',
          )
        }
        return { id: held.referral_id, replayed: true }
      })
      // Housekeeping after the commit, so the request's own transaction never waits on it.
      if (!outcome.replayed) await repo.deleteExpiredIdempotencyKeys(db)
      return outcome
    },

    /** The triage queue. Listing with filters is a search, so it is audited with the criteria used. */
    async queue(query: QueueQuery, actor: Actor) {
      const offset = (query.page - 1) * query.pageSize
      // The count says nothing about any one referral, so it runs beside the audited read on another connection.
      const [rows, total] = await Promise.all([
        inTransaction(db, async (trx) => {
          const found = await repo.listReferrals(
            trx,
            query.filters,
            { limit: query.pageSize, offset, sort: query.sort },
            sla,
          )
          await appendAuditEvents(trx, actor, [
            {
              action: 'referral.searched',
              subjectType: 'referral',
              details: { filters: query.filters, page: query.page, results: found.map((r) => r.id) },
            },
          ])
          return found
        }),
        repo.countReferrals(db, query.filters, sla, COUNT_CAP),
      ])
      return { rows, total, totalCapped: total > COUNT_CAP }
    },

    /**
     * Everything about one referral; the view is audited in the same transaction as the read. A restricted live
     * job opened from it is not named to anyone outside its team: its reference in the timeline reads "(restricted)".
     */
    async view(id: string, user: CurrentUser, actor: Actor, justification?: string | null) {
      return inTransaction(db, async (trx) => {
        const referral = await repo.findReferral(trx, id, sla)
        if (!referral) throw new ReferralError('not-found', 'Referral not found')
        const [subjects, locations, found, hidden, grading] = await Promise.all([
          repo.findSubjects(trx, id),
          repo.findLocations(trx, id),
          repo.findReferralEvents(trx, id),
          repo.hiddenCaseReferences(trx, id, (column) => caseVisible(column, user)),
          repo.findLatestGrading(trx, id),
        ])
        const redact = (text: string | null) =>
          text === null ? null : hidden.reduce((t, reference) => t.split(reference).join('(restricted)'), text)
        const events = hidden.length ? found.map((e) => ({ ...e, reason: redact(e.reason) })) : found
        await appendAuditEvents(trx, actor, [
          { action: 'referral.viewed', subjectType: 'referral', subjectId: id, justification: justification ?? null },
        ])
        return { referral, subjects, locations, events, grading: grading ?? null }
      })
    },

    /**
     * Records a THRIVE grading at triage, with its referral event (the timeline) and audit row in one transaction.
     * A referral that is closed or opened as a live job is no longer at triage, so it is not graded. The urgency
     * flag is derived again at the same time, so anything the facts now say (a corrected age) is reflected.
     */
    async grade(id: string, input: GradingInput, actor: Actor): Promise<{ version: number; gradingId: string }> {
      return inTransaction(db, async (trx) => {
        const current = await repo.lockReferral(trx, id)
        if (!current) throw new ReferralError('not-found', 'Referral not found')
        if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
          throw new ReferralError(
            'stale',
            'Someone else changed this referral while you were looking at it. Check it and grade it again.',
          )
        }
        if (current.status === 'closed' || current.status === 'opened-as-case') {
          throw new ReferralError(
            'not-at-triage',
            `A referral that is ${STATUSES.label(current.status).toLowerCase()} is no longer at triage, so it cannot be graded`,
            'threat',
          )
        }
        const levels = Object.fromEntries(THRIVE_ELEMENTS.values.map((e) => [e, input[e]])) as Record<
          ThriveElement,
          GradeLevel
        >
        const rationales = Object.fromEntries(THRIVE_ELEMENTS.values.map((e) => [e, input[`${e}Rationale`]])) as Record<
          ThriveElement,
          string
        >
        const gradingId = await repo.insertGrading(trx, { referralId: id, gradedBy: actor.userId, levels, rationales })
        const urgency = await refreshUrgency(trx, id)
        const version = await repo.touchReferral(trx, id)
        await repo.insertReferralEvent(trx, {
          referralId: id,
          actorUserId: actor.userId,
          kind: 'graded',
          details: { gradingId, levels },
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'referral.graded',
            subjectType: 'referral',
            subjectId: id,
            details: { gradingId, levels, urgencyReasons: urgency.reasons },
          },
        ])
        return { version, gradingId }
      })
    },

    allowedTransitions(status: string): readonly ReferralStatus[] {
      return TRANSITIONS[status as ReferralStatus] ?? []
    },

    changeStatus: (id: string, input: StatusChangeInput, actor: Actor): Promise<{ version: number }> =>
      inTransaction(db, (trx) => changeReferralStatus(trx, id, input, actor)),

    /**
     * Assigns a referral, or unassigns it. With a (potential) victim in it, assignment gives the assignee a duty
     * to their victim side, so only a supervisor, or someone handing on a duty they hold to every victim in it,
     * may make it: no one assigns themselves into a victim's protected record (ADR 0009).
     */
    async assign(id: string, input: AssignmentInput, user: CurrentUser, actor: Actor): Promise<{ version: number }> {
      if (input.assigneeId) {
        const assignable = await listAssignableUsers(db)
        if (!assignable.some((u) => u.id === input.assigneeId))
          throw new ReferralError('unknown-assignee', 'Select an officer who can work referrals', 'assigneeId')
      }
      return inTransaction(db, async (trx) => {
        const current = await repo.lockReferral(trx, id)
        if (!current) throw new ReferralError('not-found', 'Referral not found')
        const victims = await repo.listVictimSubjects(trx, id)
        if (
          victims.length > 0 &&
          input.assigneeId !== current.assigned_to &&
          !(await mayGrantVictimSide(trx, user, victims))
        ) {
          throw new ReferralError(
            'forbidden',
            'This referral has a potential victim in it, so a supervisor assigns it (or the officer who holds it hands it on)',
            'assigneeId',
          )
        }
        const version = await repo.updateReferralAssignee(trx, id, input.assigneeId)
        await repo.insertReferralEvent(trx, {
          referralId: id,
          actorUserId: actor.userId,
          kind: 'assigned',
          reason: input.note,
          details: { from: current.assigned_to, to: input.assigneeId },
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'referral.assigned',
            subjectType: 'referral',
            subjectId: id,
            justification: input.note,
            details: { from: current.assigned_to, to: input.assigneeId, victimSide: victims.length > 0 },
          },
        ])
        return { version }
      })
    },

    /** For display in lists and filters; assignment itself checks against the database. */
    assignableUsers: cached(() => listAssignableUsers(db), 10_000),
    priorityTags: cached(() => listPriorityTags(db), 10_000),

    drafts: {
      async start(userId: string): Promise<string> {
        const id = uuidv7()
        await repo.insertDraft(db, id, userId)
        return id
      },
      get: (id: string, userId: string) => repo.findDraft(db, id, userId),
      save: (id: string, userId: string, data: Record<string, unknown>) => repo.saveDraft(db, id, userId, data),
      discard: (id: string) => repo.deleteDraft(db, id),
    },
  }
  return service
}

export type ReferralService = ReturnType<typeof createReferralService>
