import type { Db, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { addCalendarDays, londonDate, londonToInstant } from '#src/shared/dates.ts'
import { treatedAsChild } from '#src/shared/child.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { victimFacetAccess, victimSideAccess, visibleIds } from '#src/modules/people/index.ts'
import { createDisclosureService } from '#src/modules/disclosures/index.ts'
import type { AuditEventInput } from '#src/platform/audit/audit-events.ts'
import * as repo from './safeguarding.repository.ts'
import {
  checkAction,
  checkNeed,
  checkReview,
  checkRisk,
  isActionStatus,
  type ActionInput,
  type NeedInput,
  type Owner,
  type ReviewInput,
  type RiskInput,
} from './safeguarding.validation.ts'
import { CONTRIBUTION_KINDS, REVIEW_LOOKAHEAD_DAYS, type ActionStatus } from './safeguarding.vocabulary.ts'
import type { FieldErrors } from '#src/platform/http/forms.ts'

export const SafeguardingError = defineDomainError('SafeguardingError', {
  'not-found': 404,
  invalid: 400,
  protected: 403,
  'not-a-victim': 409,
})

function refuse(errors: FieldErrors): void {
  const [field] = Object.keys(errors)
  if (field) throw new SafeguardingError('invalid', errors[field], field)
}

export type AgencyActionInput = {
  personId: string
  agencyId: string
  fields: string[]
  release: string[]
  purpose: string
  protectedBasis: string | null
  /** With an action for the agency (and its due date), or a disclosure alone for the agency to prepare. */
  actionText: string | null
  actionDueOn: string | null
}

export type ActionChange = { text?: string; owner?: Owner; dueOn?: string; status?: ActionStatus; note?: string | null }

export function createSafeguardingService(
  db: Db,
  options: { agendaReferralDays: number } = { agendaReferralDays: 14 },
) {
  const disclosures = createDisclosureService(db)
  /**
   * The plan is part of the victim facet, so the victim-facet policy decides: no separate rule that could
   * drift from it. Refusals name whom to ask and nothing else.
   */
  async function requireFacet(user: CurrentUser, personId: string, edit: boolean) {
    const access = await victimFacetAccess(db, user, personId)
    if (!access.visible || (edit && !access.canSupport)) {
      const who = access.askWho.length ? `Ask ${access.askWho.join(' or ')}.` : 'Ask your supervisor.'
      throw new SafeguardingError(
        'protected',
        `This person’s victim information, including their safeguarding plan, is protected. ${who}`,
      )
    }
    return access
  }

  async function ensurePlan(trx: Trx, personId: string, exists: boolean, actor: Actor) {
    const found = await repo.findPlanByPerson(trx, personId)
    if (found) return found
    // Only someone recorded as a potential victim has a protected victim facet: a plan for anyone else
    // would be open to every colleague, so it waits until they are recorded as one.
    if (!exists)
      throw new SafeguardingError(
        'not-a-victim',
        'Record this person as a potential victim in a referral or live job before starting a safeguarding plan',
      )
    const { plan, created } = await repo.insertPlan(trx, {
      id: uuidv7(),
      reference: await repo.nextPlanReference(trx, Number(londonDate().slice(0, 4))),
      person_id: personId,
      created_by: actor.userId,
    })
    if (created)
      await appendAuditEvents(trx, actor, [
        {
          action: 'safeguarding-plan.created',
          subjectType: 'person',
          subjectId: personId,
          details: { planId: plan.id },
        },
      ])
    return plan
  }

  async function planFor(trx: Trx, personId: string) {
    const plan = await repo.findPlanByPerson(trx, personId)
    if (!plan) throw new SafeguardingError('not-found', 'This person has no safeguarding plan')
    return plan
  }

  async function checkOwner(trx: Trx, owner: Owner) {
    if (!(await repo.ownerIsValid(trx, owner)))
      throw new SafeguardingError(
        'invalid',
        owner.type === 'user'
          ? 'Select a team member who works victims’ cases'
          : 'Select an agency from the partner directory',
        'owner',
      )
  }

  /** Checks and records a partner's contribution; the portal and the API share these rules and messages. */
  async function recordContribution(
    row: {
      meeting_item_id: string | null
      action_id: string | null
      disclosure_id: string | null
      person_id: string | null
    },
    agencyId: string,
    meetingId: string | null,
    input: { kind: string; text: string },
    targetId: string,
    actor: Actor,
  ) {
    const text = input.text.trim()
    if (!Object.hasOwn(CONTRIBUTION_KINDS, input.kind))
      throw new SafeguardingError('invalid', 'Select what you are recording', `kind-${targetId}`)
    if (!text) throw new SafeguardingError('invalid', 'Enter what your agency knows or did', `text-${targetId}`)
    if (text.length > 2000)
      throw new SafeguardingError('invalid', 'What you record must be 2,000 characters or fewer', `text-${targetId}`)
    return inTransaction(db, async (trx) => {
      const id = uuidv7()
      await repo.insertContribution(trx, {
        id,
        ...row,
        agency_id: agencyId,
        kind: input.kind,
        text,
        created_by: actor.userId,
      })
      await appendAuditEvents(trx, actor, [
        {
          action: 'hub-contribution.recorded',
          // The person it is about when there is one, else the meeting, else (a plan action) the action itself.
          subjectType: row.person_id ? 'person' : meetingId ? 'hub-meeting' : 'safeguarding-action',
          subjectId: row.person_id ?? meetingId ?? row.action_id,
          details: {
            contributionId: id,
            agencyId,
            meetingId,
            kind: input.kind,
            ...(row.disclosure_id ? { disclosureId: row.disclosure_id } : {}),
            ...(row.action_id ? { actionId: row.action_id } : {}),
          },
        },
      ])
      return { id, ...row, agencyId, kind: input.kind, text }
    })
  }

  /**
   * What was disclosed to the user's agency for an agenda item, as a contribution row, with the item's meeting:
   * undefined for a disclosure that is not live, not to their agency, or made for no agenda item.
   */
  async function sharedWithAgency(disclosureId: string, user: CurrentUser) {
    const d = await disclosures.liveForAgency(disclosureId, user)
    const item = d?.meeting_item_id ? await repo.itemMeeting(db, d.meeting_item_id) : undefined
    if (!d || !item) return undefined
    return {
      meetingId: item.meeting_id,
      row: { meeting_item_id: item.id, action_id: null, disclosure_id: d.id, person_id: d.person_id },
    }
  }

  async function audited(trx: Trx, actor: Actor, personId: string, planId: string, details: Record<string, unknown>) {
    await repo.touchPlan(trx, planId)
    await appendAuditEvents(trx, actor, [
      {
        action: 'safeguarding-plan.updated',
        subjectType: 'person',
        subjectId: personId,
        details: { planId, ...details },
      },
    ])
  }

  return {
    requireFacet,

    /** The person's plan (or null), with the child-without-a-guardian flag. Every view is audited. */
    async view(personId: string, user: CurrentUser, actor: Actor) {
      const access = await requireFacet(user, personId, false)
      const person = await repo.personSummary(db, personId)
      if (!person) throw new SafeguardingError('not-found', 'Person not found')
      return inTransaction(db, async (trx) => {
        const plan = await repo.findPlanByPerson(trx, personId)
        const [risks, needs, reviews, actions] = plan
          ? await Promise.all([
              repo.listRisks(trx, plan.id),
              repo.listNeeds(trx, plan.id),
              repo.listReviews(trx, plan.id),
              repo.listActions(trx, { planId: plan.id }),
            ])
          : [[], [], [], []]
        const updates = await repo.listUpdates(
          trx,
          actions.map((a) => a.id),
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'safeguarding-plan.viewed',
            subjectType: 'person',
            subjectId: personId,
            details: plan ? { planId: plan.id } : { planId: null },
          },
        ])
        const child = treatedAsChild(person)
        const today = londonDate()
        return {
          person,
          isVictim: access.exists,
          plan,
          risks,
          needs,
          reviews,
          actions: actions.map((a) => ({
            ...a,
            overdue: a.status === 'open' && a.due_on < today,
            updates: updates.filter((u) => u.action_id === a.id),
          })),
          nextReview: reviews.find((r) => r.held_on === null)?.due_on ?? null,
          child,
          childWithoutGuardian: child && !needs.some((n) => n.kind === 'ictg' && n.status === 'met'),
        }
      })
    },

    async start(personId: string, user: CurrentUser, actor: Actor) {
      const access = await requireFacet(user, personId, true)
      return inTransaction(db, (trx) => ensurePlan(trx, personId, access.exists, actor))
    },

    async addRisk(personId: string, input: RiskInput, user: CurrentUser, actor: Actor): Promise<string> {
      refuse(checkRisk(input))
      const access = await requireFacet(user, personId, true)
      return inTransaction(db, async (trx) => {
        const plan = await ensurePlan(trx, personId, access.exists, actor)
        const id = uuidv7()
        await repo.insertRisk(trx, {
          id,
          plan_id: plan.id,
          description: input.description.trim(),
          rating: input.rating,
          rationale: input.rationale.trim(),
          created_by: actor.userId,
        })
        await audited(trx, actor, personId, plan.id, { added: 'risk', riskId: id })
        return id
      })
    },

    async updateRisk(personId: string, riskId: string, input: RiskInput, user: CurrentUser, actor: Actor) {
      refuse(checkRisk(input))
      await requireFacet(user, personId, true)
      await inTransaction(db, async (trx) => {
        const plan = await planFor(trx, personId)
        if (
          !(await repo.updateRisk(trx, plan.id, riskId, {
            description: input.description.trim(),
            rating: input.rating,
            rationale: input.rationale.trim(),
          }))
        )
          throw new SafeguardingError('not-found', 'Risk not found')
        await audited(trx, actor, personId, plan.id, { changed: 'risk', riskId })
      })
    },

    async addNeed(personId: string, input: NeedInput, user: CurrentUser, actor: Actor): Promise<string> {
      refuse(checkNeed(input))
      const access = await requireFacet(user, personId, true)
      return inTransaction(db, async (trx) => {
        const plan = await ensurePlan(trx, personId, access.exists, actor)
        const id = uuidv7()
        await repo.insertNeed(trx, {
          id,
          plan_id: plan.id,
          kind: input.kind,
          detail: input.detail.trim(),
          status: input.status,
          created_by: actor.userId,
        })
        await audited(trx, actor, personId, plan.id, { added: 'need', needId: id })
        return id
      })
    },

    async updateNeed(personId: string, needId: string, input: NeedInput, user: CurrentUser, actor: Actor) {
      refuse(checkNeed(input))
      await requireFacet(user, personId, true)
      await inTransaction(db, async (trx) => {
        const plan = await planFor(trx, personId)
        if (
          !(await repo.updateNeed(trx, plan.id, needId, {
            kind: input.kind,
            detail: input.detail.trim(),
            status: input.status,
          }))
        )
          throw new SafeguardingError('not-found', 'Need not found')
        await audited(trx, actor, personId, plan.id, { changed: 'need', needId })
      })
    },

    async addReview(personId: string, input: ReviewInput, user: CurrentUser, actor: Actor): Promise<string> {
      refuse(checkReview(input))
      const access = await requireFacet(user, personId, true)
      return inTransaction(db, async (trx) => {
        const plan = await ensurePlan(trx, personId, access.exists, actor)
        const id = uuidv7()
        await repo.insertReview(trx, {
          id,
          plan_id: plan.id,
          due_on: input.dueOn,
          held_on: input.heldOn,
          notes: input.notes.trim(),
          created_by: actor.userId,
        })
        await audited(trx, actor, personId, plan.id, { added: 'review', reviewId: id })
        return id
      })
    },

    async updateReview(personId: string, reviewId: string, input: ReviewInput, user: CurrentUser, actor: Actor) {
      refuse(checkReview(input))
      await requireFacet(user, personId, true)
      await inTransaction(db, async (trx) => {
        const plan = await planFor(trx, personId)
        if (
          !(await repo.updateReview(trx, plan.id, reviewId, {
            due_on: input.dueOn,
            held_on: input.heldOn,
            notes: input.notes.trim(),
          }))
        )
          throw new SafeguardingError('not-found', 'Review not found')
        await audited(trx, actor, personId, plan.id, { changed: 'review', reviewId })
      })
    },

    async addAction(personId: string, input: ActionInput, user: CurrentUser, actor: Actor): Promise<string> {
      refuse(checkAction(input))
      const access = await requireFacet(user, personId, true)
      return inTransaction(db, async (trx) => {
        await checkOwner(trx, input.owner)
        const plan = await ensurePlan(trx, personId, access.exists, actor)
        const id = uuidv7()
        await repo.insertAction(trx, {
          id,
          plan_id: plan.id,
          meeting_id: null,
          meeting_item_id: null,
          text: input.text.trim(),
          owner: input.owner,
          due_on: input.dueOn,
          created_by: actor.userId,
        })
        await audited(trx, actor, personId, plan.id, { added: 'action', actionId: id })
        return id
      })
    },

    async findAction(actionId: string) {
      return repo.findAction(db, actionId)
    },

    /**
     * Changes an action. Who may: whoever may edit the plan it sits in; for an action standing alone from a
     * hub meeting, whoever runs hub meetings; and always the team member who owns it (so an owner can close it
     * from "My work" without being given the whole victim facet).
     */
    async updateAction(actionId: string, change: ActionChange, user: CurrentUser, actor: Actor) {
      const action = await repo.findAction(db, actionId)
      if (!action) throw new SafeguardingError('not-found', 'Action not found')
      const isOwner = action.owner_user_id === user.id
      const editsDetails = change.text !== undefined || change.owner !== undefined || change.dueOn !== undefined
      if (action.person_id) {
        if (!isOwner || editsDetails) await requireFacet(user, action.person_id, true)
      } else if (!isOwner && !can(user, 'safeguarding-meeting:manage'))
        throw new SafeguardingError('not-found', 'Action not found')
      if (change.text !== undefined || change.dueOn !== undefined || change.owner !== undefined) {
        refuse(
          checkAction({
            text: change.text ?? action.text,
            owner: change.owner ?? { type: 'user', id: action.owner_user_id ?? '' },
            dueOn: change.dueOn ?? action.due_on,
          }),
        )
      }
      if (change.status !== undefined && !isActionStatus(change.status))
        throw new SafeguardingError('invalid', 'Select open, done or cancelled', 'status')
      const note = change.note?.trim() ?? ''
      if (note.length > 2000) throw new SafeguardingError('invalid', 'Update must be 2,000 characters or fewer', 'note')
      if (change.status === 'cancelled' && action.status !== 'cancelled' && !note)
        throw new SafeguardingError('invalid', 'Say why the action is cancelled', 'note')
      await inTransaction(db, async (trx) => {
        if (change.owner) await checkOwner(trx, change.owner)
        const statusChanged = change.status !== undefined && change.status !== action.status
        await repo.updateAction(trx, actionId, {
          text: change.text?.trim(),
          owner: change.owner,
          due_on: change.dueOn,
          ...(statusChanged ? { status: change.status, closed_by: actor.userId } : {}),
        })
        if (note || statusChanged)
          await repo.insertActionUpdate(trx, {
            id: uuidv7(),
            action_id: actionId,
            note: note || `Marked ${change.status}`,
            status: statusChanged ? change.status! : null,
            by_user_id: actor.userId,
            by_agency_id: null,
          })
        const details = {
          actionId,
          ...(statusChanged ? { status: change.status } : {}),
          fields: Object.entries(change)
            .filter(([k, v]) => v !== undefined && k !== 'note')
            .map(([k]) => k),
        }
        await appendAuditEvents(trx, actor, [
          {
            action: 'safeguarding-action.updated',
            subjectType: action.person_id ? 'person' : 'hub-meeting',
            subjectId: action.person_id ?? action.meeting_id,
            details,
          },
        ])
        if (action.plan_id) await repo.touchPlan(trx, action.plan_id)
      })
    },

    ownerOptions: async () => ({ users: await repo.ownerUsers(db), agencies: await repo.activeAgencies(db) }),

    /** For "My work": the overdue open actions a user owns, or everyone's for a supervisor's team view. */
    async overdueActions(userId: string, everyone: boolean) {
      return repo.overdueActions(db, everyone ? null : userId, londonDate())
    },

    /**
     * For "My work": safeguarding reviews due within `days` (and overdue) on the plans of the people the user
     * holds a duty to, or the team's for a supervisor's team view. Listing names of victims is audited.
     */
    async reviewsDue(user: CurrentUser, everyone: boolean, days: number, actor: Actor) {
      const rows = await repo.reviewsDue(db, everyone ? null : user.id, addCalendarDays(londonDate(), days))
      if (rows.length)
        await inTransaction(db, (trx) =>
          appendAuditEvents(trx, actor, [
            {
              action: 'work.viewed',
              subjectType: 'user',
              subjectId: user.id,
              details: { reviewsDue: rows.map((r) => r.review_id) },
            },
          ]),
        )
      return rows
    },

    // --- Partner users -----------------------------------------------------------------------------------

    /** The actions a partner user's agency owns, by plan reference only. Audited as a consultation. */
    async partnerActions(user: CurrentUser, actor: Actor) {
      const agencyId = await repo.userAgency(db, user.id)
      if (!agencyId) return { actions: [], meetings: [] }
      return inTransaction(db, async (trx) => {
        const actions = await repo.agencyActions(trx, agencyId)
        const updates = await repo.listUpdates(
          trx,
          actions.map((a) => a.id),
          agencyId,
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'safeguarding-action.listed',
            subjectType: 'agency',
            subjectId: agencyId,
            details: { actionIds: actions.map((a) => a.id) },
          },
        ])
        const today = londonDate()
        return {
          actions: actions.map((a) => ({
            ...a,
            overdue: a.status === 'open' && a.due_on < today,
            updates: updates.filter((u) => u.action_id === a.id),
          })),
          meetings: await repo.agencyMeetings(trx, agencyId),
        }
      })
    },

    /**
     * A partner marks their agency's action done or adds a note. Another agency's action, or a made-up id,
     * is the same "not found": nothing tells a partner that an id exists.
     */
    async partnerUpdate(actionId: string, input: { done: boolean; note: string }, user: CurrentUser, actor: Actor) {
      const agencyId = await repo.userAgency(db, user.id)
      const action = agencyId ? await repo.agencyAction(db, agencyId, actionId) : undefined
      if (!agencyId || !action) throw new SafeguardingError('not-found', 'Action not found')
      const note = input.note.trim()
      if (note.length > 2000) throw new SafeguardingError('invalid', 'Update must be 2,000 characters or fewer', 'note')
      if (!input.done && !note)
        throw new SafeguardingError('invalid', 'Enter an update, or mark the action as done', 'note')
      if (input.done && action.status !== 'open')
        throw new SafeguardingError('invalid', 'This action is already closed', 'note')
      await inTransaction(db, async (trx) => {
        if (input.done) await repo.updateAction(trx, actionId, { status: 'done', closed_by: actor.userId })
        await repo.insertActionUpdate(trx, {
          id: uuidv7(),
          action_id: actionId,
          note: note || 'Marked done',
          status: input.done ? 'done' : null,
          by_user_id: actor.userId,
          by_agency_id: agencyId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'safeguarding-action.updated',
            subjectType: 'agency',
            subjectId: agencyId,
            details: { actionId, ...(input.done ? { status: 'done' } : {}), byPartner: true },
          },
        ])
      })
    },

    // --- Hub meetings ------------------------------------------------------------------------------------

    listMeetings: () => repo.listMeetings(db),

    /** The meetings list for the API, where every read leaves an audit row in the same transaction as the read. */
    async listMeetingsAudited(actor: Actor) {
      return inTransaction(db, async (trx) => {
        const meetings = await repo.listMeetings(trx)
        await appendAuditEvents(trx, actor, [
          {
            action: 'hub-meeting.listed',
            subjectType: 'hub-meeting',
            subjectId: null,
            details: { meetingIds: meetings.map((m) => m.id) },
          },
        ])
        return meetings
      })
    },

    /**
     * Creates a meeting with its agenda: referrals received in the last N days that are still new or in
     * triage or screening, and plans with a review due by a week after the meeting (or overdue).
     */
    async createMeeting(
      input: { title: string; heldOn: string; referralDays: number | null; agreementId?: string | null },
      actor: Actor,
    ): Promise<string> {
      const title = input.title.trim()
      if (!title) throw new SafeguardingError('invalid', 'Enter a title for the meeting', 'title')
      if (title.length > 200) throw new SafeguardingError('invalid', 'Title must be 200 characters or fewer', 'title')
      const days = input.referralDays ?? options.agendaReferralDays
      if (!Number.isInteger(days) || days < 1 || days > 365)
        throw new SafeguardingError(
          'invalid',
          'Days of new referrals must be a whole number from 1 to 365',
          'referralDays',
        )
      return inTransaction(db, async (trx) => {
        if (input.agreementId && !(await repo.agreementFor(trx, input.agreementId)))
          throw new SafeguardingError('invalid', 'Select an information-sharing agreement from the list', 'agreementId')
        const id = uuidv7()
        await repo.insertMeeting(trx, {
          id,
          reference: await repo.nextMeetingReference(trx, Number(input.heldOn.slice(0, 4))),
          title,
          held_on: input.heldOn,
          referral_days: days,
          created_by: actor.userId,
          agreement_id: input.agreementId ?? null,
        })
        const until = londonToInstant(addCalendarDays(input.heldOn, 1))
        const since = londonToInstant(addCalendarDays(input.heldOn, -days))
        const [referrals, plans, cases] = await Promise.all([
          repo.agendaReferrals(trx, since, until, input.heldOn),
          repo.agendaPlans(trx, addCalendarDays(input.heldOn, REVIEW_LOOKAHEAD_DAYS)),
          repo.agendaCases(trx, input.heldOn),
        ])
        let position = 0
        await repo.insertItems(trx, [
          ...plans.map((p) => ({
            id: uuidv7(),
            meeting_id: id,
            kind: 'plan-review',
            referral_id: null,
            plan_id: p.id,
            position: position++,
          })),
          ...referrals.map((r) => ({
            id: uuidv7(),
            meeting_id: id,
            kind: 'new-referral',
            referral_id: r.id,
            plan_id: null,
            reasons: r.reasons,
            position: position++,
          })),
          ...cases.map((c) => ({
            id: uuidv7(),
            meeting_id: id,
            kind: 'live-job',
            referral_id: null,
            plan_id: null,
            case_id: c.id,
            reasons: c.reasons,
            position: position++,
          })),
        ])
        await appendAuditEvents(trx, actor, [
          {
            action: 'hub-meeting.created',
            subjectType: 'hub-meeting',
            subjectId: id,
            details: { items: position, referralDays: days },
          },
        ])
        return id
      })
    },

    async meeting(id: string, actor: Actor | null) {
      const meeting = await repo.findMeeting(db, id)
      if (!meeting) throw new SafeguardingError('not-found', 'Meeting not found')
      return inTransaction(db, async (trx) => {
        const [items, attendees, agencies, decisions, actions, named, agreement] = await Promise.all([
          repo.meetingItems(trx, id),
          repo.meetingAttendees(trx, id),
          repo.meetingAgencies(trx, id),
          repo.meetingDecisions(trx, id),
          repo.listActions(trx, { meetingId: id }),
          repo.namedAttendees(trx, id),
          repo.agreementFor(trx, meeting.agreement_id),
        ])
        if (actor)
          await appendAuditEvents(trx, actor, [
            { action: 'hub-meeting.viewed', subjectType: 'hub-meeting', subjectId: id },
          ])
        return {
          meeting,
          items,
          attendees: attendees.filter((a) => !a.apologies),
          apologies: attendees.filter((a) => a.apologies),
          named,
          agreement: agreement ?? null,
          agencies,
          decisions,
          actions,
        }
      })
    },

    attendanceOptions: async () => ({
      users: await repo.staffUsers(db),
      agencies: await repo.activeAgencies(db),
      agreements: await repo.agreementsInForce(db, londonDate()),
    }),

    /**
     * Who attends (team members and invited agencies), who sent apologies, and the agreement the meeting is held
     * under. Someone ticked as both attending and sending apologies is attending.
     */
    async setAttendance(
      id: string,
      input: { userIds: string[]; agencyIds: string[]; apologyUserIds?: string[]; agreementId?: string | null },
      actor: Actor,
    ) {
      if (!(await repo.findMeeting(db, id))) throw new SafeguardingError('not-found', 'Meeting not found')
      const userIds = [...new Set(input.userIds)]
      const agencyIds = [...new Set(input.agencyIds)]
      const apologyUserIds = [...new Set(input.apologyUserIds ?? [])].filter((u) => !userIds.includes(u))
      await inTransaction(db, async (trx) => {
        const [users, apologising, agencies] = await Promise.all([
          repo.staffUsers(trx, userIds),
          repo.staffUsers(trx, apologyUserIds),
          repo.activeAgencies(trx),
        ])
        if (users.length !== userIds.length)
          throw new SafeguardingError('invalid', 'Select attendees from the list', 'userIds')
        if (apologising.length !== apologyUserIds.length)
          throw new SafeguardingError(
            'invalid',
            'Select team members sending apologies from the list',
            'apologyUserIds',
          )
        if (agencyIds.some((a) => !agencies.some((g) => g.id === a)))
          throw new SafeguardingError('invalid', 'Select agencies from the list', 'agencyIds')
        if (input.agreementId !== undefined) {
          if (input.agreementId && !(await repo.agreementFor(trx, input.agreementId)))
            throw new SafeguardingError(
              'invalid',
              'Select an information-sharing agreement from the list',
              'agreementId',
            )
          await trx.updateTable('hub_meetings').set({ agreement_id: input.agreementId }).where('id', '=', id).execute()
        }
        await repo.setAttendance(trx, id, userIds, agencyIds, apologyUserIds)
        await appendAuditEvents(trx, actor, [
          {
            action: 'hub-meeting.updated',
            subjectType: 'hub-meeting',
            subjectId: id,
            details: {
              attendees: userIds,
              apologies: apologyUserIds,
              agencies: agencyIds,
              ...(input.agreementId !== undefined ? { agreementId: input.agreementId } : {}),
            },
          },
        ])
      })
    },

    /** A named attendee (a partner practitioner by name and role), attending or sending apologies. */
    async addNamedAttendee(
      id: string,
      input: { name: string; role: string; agencyId: string | null; apologies: boolean },
      actor: Actor,
    ) {
      const name = input.name.trim()
      const role = input.role.trim()
      if (!name) throw new SafeguardingError('invalid', 'Enter the attendee’s name', 'attendeeName')
      if (name.length > 200)
        throw new SafeguardingError('invalid', 'Name must be 200 characters or fewer', 'attendeeName')
      if (role.length > 200)
        throw new SafeguardingError('invalid', 'Role must be 200 characters or fewer', 'attendeeRole')
      await inTransaction(db, async (trx) => {
        if (!(await repo.findMeeting(trx, id))) throw new SafeguardingError('not-found', 'Meeting not found')
        if (input.agencyId && !(await repo.activeAgencies(trx)).some((a) => a.id === input.agencyId))
          throw new SafeguardingError('invalid', 'Select an agency from the list', 'attendeeAgency')
        const attendeeId = uuidv7()
        await repo.insertNamedAttendee(trx, {
          id: attendeeId,
          meeting_id: id,
          name,
          role,
          agency_id: input.agencyId,
          apologies: input.apologies,
          created_by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'hub-meeting.updated',
            subjectType: 'hub-meeting',
            subjectId: id,
            details: { namedAttendee: attendeeId, apologies: input.apologies },
          },
        ])
      })
    },

    async removeNamedAttendee(id: string, attendeeId: string, actor: Actor) {
      await inTransaction(db, async (trx) => {
        if (!(await repo.deleteNamedAttendee(trx, id, attendeeId)))
          throw new SafeguardingError('not-found', 'Attendee not found')
        await appendAuditEvents(trx, actor, [
          {
            action: 'hub-meeting.updated',
            subjectType: 'hub-meeting',
            subjectId: id,
            details: { removedNamedAttendee: attendeeId },
          },
        ])
      })
    },

    async addDecision(id: string, input: { itemId: string | null; text: string }, actor: Actor) {
      const text = input.text.trim()
      if (!text) throw new SafeguardingError('invalid', 'Enter the decision', 'decision')
      if (text.length > 2000)
        throw new SafeguardingError('invalid', 'Decision must be 2,000 characters or fewer', 'decision')
      await inTransaction(db, async (trx) => {
        if (!(await repo.findMeeting(trx, id))) throw new SafeguardingError('not-found', 'Meeting not found')
        if (input.itemId && !(await repo.findItem(trx, id, input.itemId)))
          throw new SafeguardingError('invalid', 'Select an agenda item from the list', 'decisionItem')
        const decisionId = uuidv7()
        await repo.insertDecision(trx, {
          id: decisionId,
          meeting_id: id,
          item_id: input.itemId,
          text,
          created_by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'hub-meeting.updated',
            subjectType: 'hub-meeting',
            subjectId: id,
            details: { decisionId, itemId: input.itemId },
          },
        ])
      })
    },

    /**
     * An action agreed at the meeting: into the plan of a plan-review item, otherwise standing alone with its
     * owner. Adding to a plan here reveals nothing of it, so it needs no victim-facet access; it is audited
     * against the person like any plan change.
     */
    async addMeetingAction(
      id: string,
      input: { itemId: string | null; text: string; owner: Owner | null; dueOn: string | null },
      actor: Actor,
    ): Promise<string> {
      refuse(checkAction(input))
      return inTransaction(db, async (trx) => {
        if (!(await repo.findMeeting(trx, id))) throw new SafeguardingError('not-found', 'Meeting not found')
        const item = input.itemId ? await repo.findItem(trx, id, input.itemId) : null
        if (input.itemId && !item)
          throw new SafeguardingError('invalid', 'Select an agenda item from the list', 'actionItem')
        // An agency given an action about someone gets what it needs to act with it, never a bare reference.
        if (item && input.owner?.type === 'agency' && (await repo.itemPeople(trx, item.id)).length > 0)
          throw new SafeguardingError(
            'invalid',
            'Give an agency an action about someone from the agenda item’s page, with what it needs to act',
            'owner',
          )
        await checkOwner(trx, input.owner!)
        const actionId = uuidv7()
        const plan = item?.plan_id ? await repo.findPlan(trx, item.plan_id) : undefined
        await repo.insertAction(trx, {
          id: actionId,
          plan_id: plan?.id ?? null,
          meeting_id: id,
          meeting_item_id: item?.id ?? null,
          text: input.text.trim(),
          owner: input.owner!,
          due_on: input.dueOn!,
          created_by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'hub-meeting.updated',
            subjectType: 'hub-meeting',
            subjectId: id,
            details: { actionId, itemId: item?.id ?? null },
          },
        ])
        if (plan) await audited(trx, actor, plan.person_id, plan.id, { added: 'action', actionId, meetingId: id })
        return actionId
      })
    },

    async recordMinutesDownload(id: string, actor: Actor) {
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          { action: 'hub-meeting.minutes-downloaded', subjectType: 'hub-meeting', subjectId: id },
        ]),
      )
    },

    /**
     * The chair's page for one agenda item: the people it is about (only those the access policy shows the user),
     * the invited agencies, the agreement the meeting is held under, and what has been shared for it so far.
     */
    async item(meetingId: string, itemId: string, user: CurrentUser, actor: Actor) {
      const meeting = await repo.findMeeting(db, meetingId)
      const item = meeting ? await repo.findItem(db, meetingId, itemId) : undefined
      if (!meeting || !item) throw new SafeguardingError('not-found', 'Agenda item not found')
      const everyone = await repo.itemPeople(db, itemId)
      const visible = await visibleIds(
        db,
        'person',
        everyone.map((p) => p.person_id),
        user,
      )
      const shown = everyone.filter((p) => visible.has(p.person_id))
      const names = await repo.personNames(db, [...new Set(shown.map((p) => p.person_id))])
      const seen = new Set<string>()
      const people = shown
        .filter((p) => !seen.has(p.person_id) && seen.add(p.person_id))
        .map((p) => ({ id: p.person_id, role: p.role, name: names.get(p.person_id) ?? null }))
      const [agencies, agreement, shared, all] = await Promise.all([
        repo.meetingAgencies(db, meetingId),
        repo.agreementFor(db, meeting.agreement_id),
        disclosures.forMeetingItems([itemId]),
        repo.meetingItems(db, meetingId),
      ])
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'hub-meeting.viewed',
            subjectType: 'hub-meeting',
            subjectId: meetingId,
            details: { itemId, people: people.map((p) => p.id) },
          },
        ]),
      )
      return {
        meeting,
        item: all.find((i) => i.id === itemId)!,
        people,
        agencies,
        agreement: agreement ?? null,
        shared: shared.filter((d) => visible.has(d.person_id)),
      }
    },

    /**
     * Shares the minimum with an invited agency for an agenda item, with or without an action for it: the action
     * and the disclosure it needs are made in one step (one transaction), so no agency is ever given an action with
     * only a reference number. Fields needing no approval go at once; protected ones wait for a supervisor unless
     * the one giving the action is a supervisor recording the lawful basis.
     */
    async shareForItem(meetingId: string, itemId: string, input: AgencyActionInput, user: CurrentUser, actor: Actor) {
      const meeting = await repo.findMeeting(db, meetingId)
      const item = meeting ? await repo.findItem(db, meetingId, itemId) : undefined
      if (!meeting || !item) throw new SafeguardingError('not-found', 'Agenda item not found')
      const people = await repo.itemPeople(db, itemId)
      const visible = await visibleIds(db, 'person', [input.personId], user)
      if (!people.some((p) => p.person_id === input.personId) || !visible.has(input.personId))
        throw new SafeguardingError('invalid', 'Select who the agency needs to know about', 'personId')
      if (!(await repo.agencyAttends(db, meetingId, input.agencyId)))
        throw new SafeguardingError('invalid', 'Select one of the agencies invited to the meeting', 'agencyId')
      const agreement = await repo.agreementFor(db, meeting.agreement_id)
      if (!agreement)
        throw new SafeguardingError(
          'invalid',
          'Record the information-sharing agreement the meeting is held under before sharing',
          'agencyId',
        )
      const text = input.actionText?.trim() ?? ''
      if (text) refuse(checkAction({ text, owner: { type: 'agency', id: input.agencyId }, dueOn: input.actionDueOn }))
      const plan = item.plan_id ? await repo.findPlan(db, item.plan_id) : undefined
      // The disclosure lasts four weeks past the meeting, or until the agreement ends if sooner.
      const fourWeeks = addCalendarDays(meeting.held_on > londonDate() ? meeting.held_on : londonDate(), 28)
      const expiresOn = agreement.ends_on < fourWeeks ? agreement.ends_on : fourWeeks
      let actionId: string | null = null
      const outcome = await disclosures
        .disclose(
          input.personId,
          {
            agencyId: input.agencyId,
            agreementId: agreement.id,
            purpose: input.purpose.trim() || (text ? `So that they can act: ${text}` : ''),
            fields: input.fields,
            expiresOn,
            protectedBasis: input.protectedBasis,
            release: input.release,
            meetingItemId: itemId,
          },
          user,
          actor,
          {
            alongside: text
              ? async (trx) => {
                  actionId = uuidv7()
                  await repo.insertAction(trx, {
                    id: actionId,
                    plan_id: plan?.id ?? null,
                    meeting_id: meetingId,
                    meeting_item_id: itemId,
                    text,
                    owner: { type: 'agency', id: input.agencyId },
                    due_on: input.actionDueOn!,
                    created_by: actor.userId,
                  })
                  await appendAuditEvents(trx, actor, [
                    {
                      action: 'hub-meeting.updated',
                      subjectType: 'hub-meeting',
                      subjectId: meetingId,
                      details: { actionId, itemId, withDisclosure: true },
                    },
                  ])
                  if (plan) await audited(trx, actor, plan.person_id, plan.id, { added: 'action', actionId, meetingId })
                  return actionId
                }
              : undefined,
          },
        )
        .catch((error: unknown) => {
          if (error instanceof Error && 'code' in error && 'field' in error && error.code !== 'not-found')
            throw new SafeguardingError('invalid', error.message, (error.field as string | undefined) ?? 'fields')
          throw error
        })
      return { ...outcome, actionId: actionId as string | null }
    },

    /**
     * A partner's view of a meeting: the statement it is held under, every item (by position and plan reference
     * only; the disclosure layer adds what was shared), their agency's actions and what their agency recorded.
     * A meeting their agency is not invited to is "not found".
     */
    async partnerMeeting(id: string, user: CurrentUser, actor: Actor) {
      const agencyId = await repo.userAgency(db, user.id)
      const meeting = agencyId ? await repo.findMeeting(db, id) : undefined
      if (!agencyId || !meeting || !(await repo.agencyAttends(db, id, agencyId)))
        throw new SafeguardingError('not-found', 'Meeting not found')
      return inTransaction(db, async (trx) => {
        const [items, planActions, meetingActions, agreement] = await Promise.all([
          repo.meetingItems(trx, id),
          repo.agencyItemActions(trx, id, agencyId),
          repo.agencyMeetingActions(trx, id, agencyId),
          repo.agreementFor(trx, meeting.agreement_id),
        ])
        const actions = new Map<
          string,
          { id: string; text: string; due_on: string; status: string; itemId: string | null }
        >()
        for (const a of meetingActions) actions.set(a.id, { ...a, itemId: a.meeting_item_id })
        for (const a of planActions) if (!actions.has(a.id)) actions.set(a.id, { ...a, itemId: a.item_id })
        const contributions = await repo.agencyContributions(
          trx,
          agencyId,
          items.map((i) => i.id),
          [...actions.keys()],
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'hub-meeting.viewed',
            subjectType: 'hub-meeting',
            subjectId: id,
            details: { agencyId, actionIds: [...actions.keys()] },
          },
        ])
        return {
          agencyId,
          meeting: { id: meeting.id, reference: meeting.reference, title: meeting.title, held_on: meeting.held_on },
          agreement: agreement ?? null,
          items: items.map((i) => ({ id: i.id, position: i.position + 1, planReference: i.plan_reference })),
          actions: [...actions.values()],
          contributions,
        }
      })
    },

    /**
     * A partner records what their agency knows or did, against an item shared with it (by the disclosure made for
     * it) or an action it owns, at a meeting it is invited to. Anything else is "not found", as a guessed id is.
     */
    async partnerContribute(
      meetingId: string,
      input: { target: string; kind: string; text: string },
      user: CurrentUser,
      actor: Actor,
    ) {
      const agencyId = await repo.userAgency(db, user.id)
      if (!agencyId || !(await repo.agencyAttends(db, meetingId, agencyId)))
        throw new SafeguardingError('not-found', 'Meeting not found')
      const [type, targetId] = input.target.split(':')
      if (!/^[0-9a-f-]{36}$/i.test(targetId ?? '')) throw new SafeguardingError('not-found', 'Not found')
      let row: {
        meeting_item_id: string | null
        action_id: string | null
        disclosure_id: string | null
        person_id: string | null
      }
      if (type === 'disclosure') {
        const shared = await sharedWithAgency(targetId!, user)
        if (!shared || shared.meetingId !== meetingId) throw new SafeguardingError('not-found', 'Not found')
        row = shared.row
      } else if (type === 'action') {
        const action = await repo.agencyAction(db, agencyId, targetId)
        const full = action ? await repo.findAction(db, targetId) : undefined
        const inMeeting =
          full &&
          (full.meeting_id === meetingId ||
            (await repo.agencyItemActions(db, meetingId, agencyId)).some((a) => a.id === targetId))
        if (!full || !inMeeting) throw new SafeguardingError('not-found', 'Not found')
        row = {
          meeting_item_id: full.meeting_item_id,
          action_id: full.id,
          disclosure_id: null,
          person_id: await repo.actionPerson(db, full.id),
        }
      } else throw new SafeguardingError('not-found', 'Not found')
      await recordContribution(row, agencyId, meetingId, input, targetId!, actor)
    },

    /**
     * The API's way in to a shared item: a contribution against what was disclosed to the caller's agency for an
     * agenda item (the disclosure the portal's form names), without naming the meeting. The same check as the
     * portal's: a live disclosure to this agency, for an item of a meeting the agency is invited to; anything else
     * (another agency's, withdrawn, a made-up id) is "not found".
     */
    async partnerContributeToShared(
      disclosureId: string,
      input: { kind: string; text: string },
      user: CurrentUser,
      actor: Actor,
    ) {
      const agencyId = await repo.userAgency(db, user.id)
      const shared = agencyId ? await sharedWithAgency(disclosureId, user) : undefined
      if (!agencyId || !shared || !(await repo.agencyAttends(db, shared.meetingId, agencyId)))
        throw new SafeguardingError('not-found', 'Shared item not found')
      return recordContribution(shared.row, agencyId, shared.meetingId, input, disclosureId, actor)
    },

    /**
     * The API's way in: a contribution against an action the caller's agency owns, without naming a meeting (an
     * action stands on its own). Another agency's action, or a made-up id, is "not found" as on the portal.
     */
    async partnerContributeToAction(
      actionId: string,
      input: { kind: string; text: string },
      user: CurrentUser,
      actor: Actor,
    ) {
      const agencyId = await repo.userAgency(db, user.id)
      const action = agencyId ? await repo.agencyAction(db, agencyId, actionId) : undefined
      const full = action ? await repo.findAction(db, actionId) : undefined
      if (!agencyId || !full) throw new SafeguardingError('not-found', 'Action not found')
      const row = {
        meeting_item_id: full.meeting_item_id,
        action_id: full.id,
        disclosure_id: null,
        person_id: await repo.actionPerson(db, full.id),
      }
      return recordContribution(row, agencyId, full.meeting_id, input, actionId, actor)
    },

    /**
     * What partner agencies recorded about a person, for their page: part of their victim side when they have one
     * (shown only to those who see it), with the audit event the page appends with its own.
     */
    async personContributions(
      personId: string,
      user: CurrentUser,
    ): Promise<{
      rows: (Awaited<ReturnType<typeof repo.personContributions>>[number] & { kindLabel: string })[]
      auditEvent: AuditEventInput
    } | null> {
      if (!/^[0-9a-f-]{36}$/i.test(personId) || !can(user, 'case:view')) return null
      // Read first: most people have none, and then the page pays one query, not the access check as well.
      const rows = await repo.personContributions(db, personId)
      if (rows.length === 0) return null
      const access = await victimSideAccess(db, user, personId)
      if (access.exists && !access.visible) return null
      return {
        rows: rows.map((r) => ({
          ...r,
          kindLabel: CONTRIBUTION_KINDS[r.kind as keyof typeof CONTRIBUTION_KINDS] ?? r.kind,
        })),
        auditEvent: {
          action: 'hub-contribution.viewed',
          subjectType: 'person',
          subjectId: personId,
          details: { contributionIds: rows.map((r) => r.id) },
        },
      }
    },
  }
}

export type SafeguardingService = ReturnType<typeof createSafeguardingService>
