import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { holdsVictimDuty, victimSideAccess } from '#src/modules/people/index.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { NrmError } from './nrm.errors.ts'
import { formMissing } from './nrm.drafts.ts'
import { addCalendarDays, londonDate } from '#src/shared/dates.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { listScreenings, findSubject, insertConsent } from '#src/modules/screening/index.ts'
import type { ScreeningRules } from '#src/modules/screening/index.ts'
import type { Assessment } from '#src/modules/screening/index.ts'
import type { Location } from '#src/modules/screening/index.ts'
import { carryReferralReferences, crimeReferencesOf, referencesOf } from '#src/modules/occurrence-references/index.ts'
import * as repo from './nrm.repository.ts'

export { NrmError }

export const NRM_EVENT_KINDS = {
  'reasonable-grounds': 'Reasonable grounds decision',
  'conclusive-grounds': 'Conclusive grounds decision',
  'reconsideration-requested': 'Reconsideration requested',
  'reconsideration-decided': 'Reconsideration decided',
  disqualified: 'Disqualified (competent authority decision, NABA 2022 s63)',
  withdrawn: 'Withdrawn from the NRM',
  'consent-to-continue': 'Consent to continue at 18',
} as const
export type NrmEventKind = keyof typeof NRM_EVENT_KINDS

const OUTCOMES_FOR: Record<NrmEventKind, readonly string[]> = {
  'reasonable-grounds': ['positive', 'negative'],
  'conclusive-grounds': ['positive', 'negative'],
  'reconsideration-requested': [],
  'reconsideration-decided': ['upheld', 'overturned'],
  disqualified: [],
  withdrawn: [],
  'consent-to-continue': ['given', 'refused'],
}

export const COMPETENT_AUTHORITIES = {
  SCA: 'Single Competent Authority (Home Office)',
  IECA: 'Immigration Enforcement Competent Authority',
  LA_PILOT: 'Local authority child decision-making pilot panel',
} as const

export type NrmStage = {
  label: string
  nextStep: string | null
  dueOn: string | null
  overdue: boolean
  recoveryPeriodEnds: string | null
}

/** When a work item is due: the recovery period's end while the CG is awaited, or move-on's end after it. */
function dueOnFor(rules: ScreeningRules) {
  return (row: repo.WorkItemRow): string | null => {
    if (row.kind === 'awaiting-cg' && row.decided_on)
      return addCalendarDays(row.decided_on, rules.config.recoveryPeriodDays[row.nation as Location] ?? 30)
    if (row.kind === 'move-on' && row.decided_on) {
      return row.outcome === 'positive'
        ? addCalendarDays(row.decided_on, rules.config.moveOn.afterPositiveDays)
        : rules.workingDaysAfter(row.decided_on, rules.config.moveOn.afterNegativeWorkingDays).date
    }
    return row.due_on
  }
}

/** Where an NRM referral has got to, from its events in date order. */
export function stageOf(
  referral: repo.NrmReferralRow,
  events: repo.NrmEventRow[],
  recoveryDays: number,
  today: string,
): NrmStage {
  const last = (kind: string) => [...events].reverse().find((e) => e.kind === kind)
  const withdrawn = last('withdrawn')
  if (withdrawn)
    return {
      label: `Withdrawn on ${withdrawn.occurred_on}`,
      nextStep: null,
      dueOn: null,
      overdue: false,
      recoveryPeriodEnds: null,
    }
  const disqualified = last('disqualified')
  const rg = last('reasonable-grounds')
  const cg = last('conclusive-grounds')
  const reconsideration = last('reconsideration-requested')
  const pendingReconsideration =
    reconsideration &&
    !events.some((e) => e.kind === 'reconsideration-decided' && e.occurred_on >= reconsideration.occurred_on)
  if (!rg) {
    return {
      label: 'Awaiting the reasonable grounds decision',
      nextStep: 'Reasonable grounds decision',
      dueOn: referral.rg_due_on,
      overdue: referral.rg_due_on < today,
      recoveryPeriodEnds: null,
    }
  }
  const recoveryPeriodEnds = rg.outcome === 'positive' ? addCalendarDays(rg.occurred_on, recoveryDays) : null
  if (disqualified)
    return {
      label: `Disqualified by the competent authority on ${disqualified.occurred_on}`,
      nextStep: null,
      dueOn: null,
      overdue: false,
      recoveryPeriodEnds,
    }
  if (pendingReconsideration)
    return {
      label: 'Reconsideration requested, awaiting a decision',
      nextStep: 'Reconsideration decision',
      dueOn: null,
      overdue: false,
      recoveryPeriodEnds,
    }
  if (cg)
    return {
      label: `Conclusive grounds: ${cg.outcome}`,
      nextStep: null,
      dueOn: null,
      overdue: false,
      recoveryPeriodEnds,
    }
  if (rg.outcome === 'negative')
    return {
      label: 'Reasonable grounds: negative',
      nextStep: 'Consider asking for a reconsideration',
      dueOn: null,
      overdue: false,
      recoveryPeriodEnds: null,
    }
  return {
    label: 'Reasonable grounds: positive. Recovery period; awaiting the conclusive grounds decision',
    nextStep: 'Conclusive grounds decision',
    dueOn: null,
    overdue: false,
    recoveryPeriodEnds,
  }
}

function latestConfirmed(screenings: Awaited<ReturnType<typeof listScreenings>>) {
  return screenings.find((s) => s.status === 'confirmed')
}

/** The NRM and Duty to Notify for a person in a referral: their victim facet. */
export function createNrmService(db: Db, rules: ScreeningRules) {
  const dueOn = dueOnFor(rules)
  return {
    /** Everything in the person's victim facet. Every view is audited. */
    async facet(referralId: string, personId: string, actor: Actor) {
      const subject = await findSubject(db, referralId, personId)
      if (!subject) throw new NrmError('not-found', 'That person is not in this referral')
      return inTransaction(db, async (trx) => {
        const [screenings, consents, nrmReferrals, dtn] = await Promise.all([
          listScreenings(trx, referralId, personId),
          repo.listConsents(trx, personId),
          repo.listNrmReferrals(trx, referralId, personId),
          repo.listDtnSubmissions(trx, referralId, personId),
        ])
        const events = await repo.listNrmEvents(
          trx,
          nrmReferrals.map((n) => n.id),
        )
        const crimeReferences = await crimeReferencesOf(trx, referralId)
        const nrmReferences = new Map<string, Awaited<ReturnType<typeof referencesOf>>>()
        for (const n of nrmReferrals)
          nrmReferences.set(n.id, await referencesOf(trx, { type: 'nrm-referral', id: n.id }))
        await appendAuditEvents(trx, actor, [
          { action: 'victim-facet.viewed', subjectType: 'person', subjectId: personId, details: { referralId } },
        ])
        const today = londonDate()
        return {
          subject,
          screenings,
          confirmed: latestConfirmed(screenings),
          consents,
          nrmReferrals: nrmReferrals.map((n) => {
            const own = events.filter((e) => e.nrm_referral_id === n.id)
            const cg = [...own].reverse().find((e) => e.kind === 'conclusive-grounds')
            const moveOnEnds = cg
              ? dueOn({
                  kind: 'move-on',
                  decided_on: cg.occurred_on,
                  outcome: cg.outcome,
                  due_on: null,
                  nation: n.nation,
                } as repo.WorkItemRow)
              : null
            return {
              ...n,
              events: own,
              references: nrmReferences.get(n.id) ?? [],
              stage: {
                ...stageOf(n, own, rules.config.recoveryPeriodDays[n.nation as Location] ?? 30, today),
                moveOnEnds,
              },
            }
          }),
          dtn,
          /** The crime numbers recorded on the referral: the Duty to Notify step prompts for one when there is none. */
          crimeReferences,
        }
      })
    },

    /**
     * Records that an NRM referral was submitted. Needs a confirmed screening whose route is the NRM, and for
     * an adult, informed consent on record. The reasonable grounds target is 5 working days later.
     */
    async submit(
      referralId: string,
      personId: string,
      input: {
        submittedOn: string
        nrmReference: string | null
        firstResponderOrganisation: string
        competentAuthority: 'SCA' | 'IECA' | 'LA_PILOT' | null
        /** The officer says the referral was completed on the Home Office service without Lantern's form. */
        completedElsewhere?: boolean
      },
      user: CurrentUser,
      actor: Actor,
    ): Promise<{ id: string; rgDueOn: string; warning: string | null }> {
      const confirmed = latestConfirmed(await listScreenings(db, referralId, personId))
      if (!confirmed)
        throw new NrmError('not-screened', 'Screen the person and confirm the outcome before recording an NRM referral')
      if (confirmed.confirmed_route !== 'NRM' && confirmed.confirmed_route !== 'NRM_AND_CHILD_SAFEGUARDING') {
        throw new NrmError(
          'wrong-route',
          `The confirmed screening route is ${confirmed.confirmed_route}, not an NRM referral. Screen again if the facts have changed.`,
        )
      }
      const outcome = confirmed.outcome as unknown as Assessment
      const child = outcome.is_child
      if (!child) {
        const consents = await repo.listConsents(db, personId)
        const latest = consents.find((c) => c.purpose === 'nrm-referral')
        if (!latest || latest.decision !== 'given')
          throw new NrmError(
            'no-consent',
            'An adult must give informed consent before an NRM referral. Record their consent in a screening first.',
          )
      }
      // The form prepared in Lantern is what was sent: it must answer every question the route requires, unless the
      // officer says the referral was completed on the Home Office service some other way (that is audited).
      if (!input.completedElsewhere) {
        const missing = await formMissing(db, referralId, personId, user)
        if (missing.length > 0) {
          throw new NrmError(
            'form-incomplete',
            `The NRM form in Lantern has ${missing.length === 1 ? '1 question' : `${missing.length} questions`} the Home Office requires still unanswered. Complete the form, or say the referral was completed on the Home Office service another way.`,
            'completedElsewhere',
          )
        }
      }
      const facts = confirmed.facts as { location?: Location | null }
      const nation = facts.location ?? 'England'
      const due = rules.reasonableGroundsDue(input.submittedOn)
      const authority =
        input.competentAuthority ??
        (outcome.competent_authority === 'IECA'
          ? 'IECA'
          : outcome.competent_authority === 'LA_PILOT'
            ? 'LA_PILOT'
            : 'SCA')
      const id = uuidv7()
      await inTransaction(db, async (trx) => {
        await repo.insertNrmReferral(trx, {
          id,
          person_id: personId,
          referral_id: referralId,
          screening_id: confirmed.id,
          nation,
          submitted_on: input.submittedOn,
          nrm_reference: input.nrmReference,
          first_responder_organisation: input.firstResponderOrganisation,
          competent_authority: authority,
          child_at_referral: child,
          rg_due_on: due.date,
          created_by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'nrm.submitted',
            subjectType: 'person',
            subjectId: personId,
            details: { nrmReferralId: id, referralId, formCompletedElsewhere: input.completedElsewhere === true },
          },
        ])
        // The referral's crime and occurrence references go with the NRM referral, as they stood when it was made.
        await carryReferralReferences(trx, referralId, { type: 'nrm-referral', id }, actor)
      })
      return { id, rgDueOn: due.date, warning: due.warning }
    },

    /** Records a step of the lifecycle. Every decision is the competent authority's; the police record it. */
    async recordEvent(
      nrmReferralId: string,
      input: {
        kind: NrmEventKind
        occurredOn: string
        outcome: string | null
        decidedBy: string | null
        notes: string | null
      },
      user: CurrentUser,
      actor: Actor,
      expected: { referralId: string; personId: string } | null = null,
    ): Promise<void> {
      await inTransaction(db, async (trx) => {
        const nrm = await repo.lockNrmReferral(trx, nrmReferralId)
        // The NRM referral's own person decides who may record on it, never what a form says: to anyone without a
        // duty to that person it does not exist, and nothing about it (dates, state) is told.
        if (!nrm || !(await victimSideAccess(trx, user, nrm.person_id)).canEdit)
          throw new NrmError('not-found', 'NRM referral not found')
        if (expected && (expected.referralId !== nrm.referral_id || expected.personId !== nrm.person_id))
          throw new NrmError('not-found', 'NRM referral not found')
        const events = await repo.listNrmEvents(trx, [nrm.id])
        const has = (kind: string, outcome?: string) =>
          events.some((e) => e.kind === kind && (outcome === undefined || e.outcome === outcome))
        const lastOf = (kind: string) => [...events].reverse().find((e) => e.kind === kind)
        const allowed = OUTCOMES_FOR[input.kind]
        if (allowed.length > 0 && (!input.outcome || !allowed.includes(input.outcome)))
          throw new NrmError('invalid', `Select the outcome: ${allowed.join(' or ')}`, 'outcome')
        if (allowed.length === 0 && input.outcome) throw new NrmError('invalid', 'This step has no outcome', 'outcome')
        if (input.occurredOn < nrm.submitted_on)
          throw new NrmError(
            'invalid',
            `The date cannot be before the referral was submitted (${nrm.submitted_on})`,
            'occurredOn',
          )
        if (has('withdrawn')) throw new NrmError('out-of-order', 'This NRM referral was withdrawn')
        const reconsiderationPending = (() => {
          const request = lastOf('reconsideration-requested')
          return (
            request !== undefined &&
            !events.some((e) => e.kind === 'reconsideration-decided' && e.recorded_at >= request.recorded_at)
          )
        })()
        switch (input.kind) {
          case 'reasonable-grounds':
            if (has('reasonable-grounds') && !(lastOf('reconsideration-decided')?.outcome === 'overturned'))
              throw new NrmError(
                'out-of-order',
                'A reasonable grounds decision is already recorded. Record a reconsideration first if it was reviewed.',
              )
            break
          case 'conclusive-grounds':
            if (lastOf('reasonable-grounds')?.outcome !== 'positive')
              throw new NrmError(
                'out-of-order',
                'A conclusive grounds decision follows a positive reasonable grounds decision',
              )
            if (has('conclusive-grounds') && !(lastOf('reconsideration-decided')?.outcome === 'overturned'))
              throw new NrmError('out-of-order', 'A conclusive grounds decision is already recorded')
            break
          case 'reconsideration-requested':
            if (!has('reasonable-grounds', 'negative') && !has('conclusive-grounds', 'negative'))
              throw new NrmError('out-of-order', 'A reconsideration is requested after a negative decision')
            if (!input.decidedBy)
              throw new NrmError(
                'invalid',
                'Enter who asked for the reconsideration (the first responder or the support provider)',
                'decidedBy',
              )
            break
          case 'reconsideration-decided':
            if (!reconsiderationPending) throw new NrmError('out-of-order', 'No reconsideration is awaiting a decision')
            break
          case 'disqualified':
            if (!has('reasonable-grounds', 'positive'))
              throw new NrmError(
                'out-of-order',
                'Disqualification is only possible after a positive reasonable grounds decision',
              )
            break
          case 'consent-to-continue':
            if (!nrm.child_at_referral)
              throw new NrmError(
                'out-of-order',
                'Consent to continue is asked only of someone referred as a child who has turned 18',
              )
            break
          case 'withdrawn':
            break
        }
        const competentAuthorityDecision = [
          'reasonable-grounds',
          'conclusive-grounds',
          'reconsideration-decided',
          'disqualified',
        ].includes(input.kind)
        if (competentAuthorityDecision && !input.decidedBy)
          throw new NrmError('invalid', 'Select the competent authority that made the decision', 'decidedBy')
        if (competentAuthorityDecision && input.decidedBy && !Object.hasOwn(COMPETENT_AUTHORITIES, input.decidedBy)) {
          throw new NrmError(
            'invalid',
            'Decisions are the competent authority’s: select the SCA, the IECA or the local authority pilot panel',
            'decidedBy',
          )
        }
        const eventId = uuidv7()
        await repo.insertNrmEvent(trx, {
          id: eventId,
          nrm_referral_id: nrm.id,
          kind: input.kind,
          occurred_on: input.occurredOn,
          outcome: input.outcome,
          decided_by: input.decidedBy,
          notes: input.notes,
          recorded_by: actor.userId,
        })
        const audit: Parameters<typeof appendAuditEvents>[2] = [
          {
            action: 'nrm.event-recorded',
            subjectType: 'person',
            subjectId: nrm.person_id,
            details: { nrmReferralId: nrm.id, kind: input.kind, outcome: input.outcome },
          },
        ]
        if (input.kind === 'consent-to-continue') {
          const consentId = uuidv7()
          await insertConsent(trx, {
            id: consentId,
            personId: nrm.person_id,
            referralId: nrm.referral_id,
            screeningId: null,
            purpose: 'continue-at-18',
            decision: input.outcome as 'given' | 'refused',
            recordedOn: input.occurredOn,
            explainedBy: input.decidedBy ?? 'not recorded',
            interpreterUsed: false,
            interpreterLanguage: null,
            pointsExplained: [],
            understanding: input.notes,
            createdBy: actor.userId,
          })
          audit.push({
            action: 'consent.recorded',
            subjectType: 'person',
            subjectId: nrm.person_id,
            details: { consentId, decision: input.outcome, purpose: 'continue-at-18' },
          })
        }
        await appendAuditEvents(trx, actor, audit)
      })
    },

    /**
     * Records a Duty to Notify: only for a confirmed Duty to Notify route. What is stored for the Home Office
     * is non-identifying by construction: gender, nationality, age band, exploitation types and where.
     */
    async submitDtn(
      referralId: string,
      personId: string,
      input: {
        submittedOn: string
        reference: string | null
        exploitationLocation: 'uk-only' | 'overseas-only' | 'both' | 'unknown'
      },
      actor: Actor,
    ): Promise<string> {
      const subject = await findSubject(db, referralId, personId)
      if (!subject) throw new NrmError('not-found', 'That person is not in this referral')
      const confirmed = latestConfirmed(await listScreenings(db, referralId, personId))
      if (!confirmed)
        throw new NrmError(
          'not-screened',
          'Screen the person and confirm the outcome before recording a Duty to Notify',
        )
      if (confirmed.confirmed_route !== 'DUTY_TO_NOTIFY')
        throw new NrmError(
          'wrong-route',
          `The confirmed screening route is ${confirmed.confirmed_route}, not the Duty to Notify`,
        )
      const facts = confirmed.facts as {
        location?: string
        encountered_by?: string
        exploited_as_child?: boolean | null
      }
      const outcome = confirmed.outcome as unknown as Assessment
      const id = uuidv7()
      await inTransaction(db, async (trx) => {
        await repo.insertDtnSubmission(trx, {
          id,
          referral_id: referralId,
          person_id: personId,
          screening_id: confirmed.id,
          submitted_on: input.submittedOn,
          reference: input.reference,
          nation: facts.location === 'Wales' ? 'Wales' : 'England',
          encountered_by: facts.encountered_by ?? 'police',
          gender: subject.gender,
          nationality: subject.nationalities[0] ?? null,
          age_at_exploitation:
            facts.exploited_as_child === true ? 'child' : facts.exploited_as_child === false ? 'adult' : 'unknown',
          exploitation_types: outcome.exploitation_types,
          exploitation_location: input.exploitationLocation,
          created_by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'dtn.submitted',
            subjectType: 'person',
            subjectId: personId,
            details: { dtnId: id, referralId, recipient: 'Home Office (Duty to Notify)' },
          },
        ])
      })
      return id
    },

    async dtn(id: string) {
      const row = await repo.findDtnSubmission(db, id)
      if (!row) throw new NrmError('not-found', 'Duty to Notify not found')
      return row
    },

    async recordDownload(actor: Actor, personId: string, document: string): Promise<void> {
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          { action: 'document.downloaded', subjectType: 'person', subjectId: personId, details: { document } },
        ]),
      )
    },

    /**
     * "My work": the next NRM step for each person whose victim side the user holds a duty to (for a supervisor,
     * everyone), from screening until they leave the NRM, earliest due first. The recovery period's end and
     * move-on are worked out here, by the nation's configured periods (DOMAIN.md marks move-on unconfirmed).
     */
    async workItems(userId: string, everyone: boolean, actor: Actor) {
      const today = londonDate()
      return inTransaction(db, async (trx) => {
        const rows = await repo.listWorkItems(trx, {
          mine: everyone ? null : (column) => holdsVictimDuty(sql.ref(column), userId),
          today,
          limit: 500,
        })
        const items = rows
          .map((row) => ({ ...row, due_on: dueOn(row) }))
          // Move-on that has ended: the person has left the NRM.
          .filter((row) => row.kind !== 'move-on' || (row.due_on !== null && row.due_on >= today))
          .sort((a, b) => (a.due_on ?? '').localeCompare(b.due_on ?? '') || a.reference.localeCompare(b.reference))
        await appendAuditEvents(trx, actor, [
          { action: 'work.viewed', subjectType: 'user', subjectId: userId, details: { items: items.length, everyone } },
        ])
        return items
      })
    },
  }
}

export type NrmService = ReturnType<typeof createNrmService>
