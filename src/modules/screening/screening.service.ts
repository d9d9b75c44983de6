import type { Db, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { londonDate } from '#src/shared/dates.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { insertReferralEvent } from '#src/modules/referrals/index.ts'
import { loadBankHolidays, loadSchedule4, loadScreeningConfig } from './legal-data.ts'
import type { Facts } from './screening.facts.ts'
import { assess, ROUTES, type Assessment, type Route, type ScreeningConfig } from './screening.rules.ts'
import { addWorkingDays } from './working-days.ts'
import { answersToFacts, mayBeChild, type ScreeningAnswers } from './screening.answers.ts'
import * as repo from './screening.repository.ts'

/** The rules with the legal reference data loaded once. Pure: no database. */
export function createScreeningRules(options: { config?: ScreeningConfig } = {}) {
  const schedule4 = loadSchedule4()
  const holidays = loadBankHolidays()
  const config = options.config ?? loadScreeningConfig()
  return {
    config,
    assess: (facts: Facts, today = londonDate()) => assess(facts, { schedule4, today, config }),
    /** The reasonable grounds target: 5 working days after the referral (England and Wales bank holidays). */
    reasonableGroundsDue: (referredOn: string) => addWorkingDays(referredOn, 5, holidays),
    /** `days` working days after `start` (England and Wales bank holidays), with a warning past the list's end. */
    workingDaysAfter: (start: string, days: number) => addWorkingDays(start, days, holidays),
    schedule4AsOf: schedule4.asOf,
  }
}
export type ScreeningRules = ReturnType<typeof createScreeningRules>

export const ScreeningError = defineDomainError('ScreeningError', {
  'not-found': 404,
  'already-confirmed': 409,
  incomplete: 400,
  'bad-override': 400,
})

/** Maps the referral's exploitation types to the Home Office enums the rules use, to prefill a screening. */
export const REFERRAL_TYPE_TO_FACT: Record<string, string> = {
  labour: 'LABOUR',
  sexual: 'SEXUAL',
  criminal: 'CRIMINAL',
  'domestic-servitude': 'DOMESTIC_SERVITUDE',
  'organ-harvesting': 'ORGAN_HARVESTING',
  'not-specified': 'NOT_SPECIFIED_OR_UNKNOWN',
}

export const SCREENING_SECTIONS = [
  'age',
  'encounter',
  'travel',
  'exploitation',
  'indicators',
  'consent',
  'offence',
] as const
export type ScreeningSection = (typeof SCREENING_SECTIONS)[number]

/** Screening a person in a referral: the question pages' answers, the outcome, and its confirmation. */
export function createScreeningService(db: Db, rules: ScreeningRules) {
  async function load(id: string) {
    const row = await repo.findScreening(db, id)
    if (!row) throw new ScreeningError('not-found', 'Screening not found')
    return row
  }

  function sectionsNeeded(answers: ScreeningAnswers): ScreeningSection[] {
    // Consent is asked only where it applies: a child, or someone who may be one, needs none.
    return SCREENING_SECTIONS.filter((s) => s !== 'consent' || !mayBeChild(answers.age))
  }

  return {
    rules,
    sectionsNeeded,

    /**
     * Starts a screening, prefilled from what the referral already says about the person. A screening group
     * (people met together) starts its people's screenings in its own transaction (`trx`) and names itself.
     */
    async start(
      referralId: string,
      personId: string,
      actor: Actor,
      options: { trx?: Trx; groupId?: string } = {},
    ): Promise<string> {
      const subject = await repo.findSubject(options.trx ?? db, referralId, personId)
      if (!subject) throw new ScreeningError('not-found', 'That person is not in this referral')
      const [y, m, d] = subject.date_of_birth ? subject.date_of_birth.split('-') : ['', '', '']
      const answers: ScreeningAnswers = {
        age: {
          dobDay: d ? String(Number(d)) : '',
          dobMonth: m ? String(Number(m)) : '',
          dobYear: y,
          age: subject.date_of_birth ? '' : subject.approximate_age !== null ? String(subject.approximate_age) : '',
          claimedAge: '',
          ageDisputed: subject.age_disputed ? 'yes' : '',
          assessment: '',
        },
        exploitation: {
          purpose: '',
          types: subject.exploitation_types.map((t) => REFERRAL_TYPE_TO_FACT[t]).filter(Boolean),
          countyLines: subject.county_lines ? 'yes' : '',
          exploitedAsChild: '',
        },
      }
      // In a group, what was filled in for them (their age as recorded, later the shared facts) is confirmed per person.
      if (options.groupId) answers.prefilled = ['age', 'exploitation']
      const id = uuidv7()
      const work = async (trx: Trx) => {
        await repo.insertScreening(trx, {
          id,
          referralId,
          personId,
          answers,
          createdBy: actor.userId,
          groupId: options.groupId ?? null,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'screening.started',
            subjectType: 'person',
            subjectId: personId,
            details: { screeningId: id, referralId, groupId: options.groupId ?? null },
          },
        ])
      }
      if (options.trx) await work(options.trx)
      else await inTransaction(db, work)
      return id
    },

    async get(id: string) {
      const row = await load(id)
      return { ...row, answers: row.answers as ScreeningAnswers }
    },

    async saveSection(id: string, section: ScreeningSection, value: object): Promise<void> {
      const row = await load(id)
      if (row.status !== 'draft')
        throw new ScreeningError(
          'already-confirmed',
          'This screening has been confirmed and cannot be changed. Start a new screening.',
        )
      // Answering a section prefilled from a group's shared facts confirms it for this person.
      const prefilled = ((row.answers as ScreeningAnswers).prefilled ?? []).filter((s) => s !== section)
      await repo.saveAnswers(db, id, { ...row.answers, [section]: value, prefilled })
    },

    /**
     * The outcome for the answers so far, and which sections are still unanswered. A section prefilled from a
     * screening group's shared facts counts as unanswered until the officer confirms it for this person.
     */
    preview(answers: ScreeningAnswers): { outcome: Assessment; facts: Facts; unanswered: ScreeningSection[] } {
      const facts = answersToFacts(answers)
      const unanswered = sectionsNeeded(answers).filter((s) => !answers[s] || (answers.prefilled ?? []).includes(s))
      return { outcome: rules.assess(facts), facts, unanswered }
    },

    /**
     * Confirms the outcome, or overrides it with a reason. The officer decides; the rules only advise.
     * Records adult consent or refusal as given on the consent page, in the same transaction, with audit.
     */
    async confirm(
      id: string,
      decision: { overrideRoute: Route | null; reason: string | null },
      actor: Actor,
    ): Promise<{ route: string; referralId: string; personId: string }> {
      const row = await load(id)
      if (row.status !== 'draft')
        throw new ScreeningError('already-confirmed', 'This screening has already been confirmed.')
      const answers = row.answers as ScreeningAnswers
      const { outcome, facts, unanswered } = this.preview(answers)
      if (unanswered.length > 0)
        throw new ScreeningError('incomplete', `Answer every section first: ${unanswered.join(', ')}`)
      const overriding = decision.overrideRoute !== null && decision.overrideRoute !== outcome.route
      if (
        decision.overrideRoute !== null &&
        !([...ROUTES, 'UNDETERMINED'] as string[]).includes(decision.overrideRoute)
      )
        throw new ScreeningError('bad-override', 'Select a route from the list', 'overrideRoute')
      if (overriding && !decision.reason?.trim())
        throw new ScreeningError('bad-override', 'Enter why you are overriding the suggested route', 'reason')
      if (overriding && outcome.is_child && decision.overrideRoute === 'DUTY_TO_NOTIFY') {
        throw new ScreeningError(
          'bad-override',
          'A child, or someone who may be under 18, can never be routed to the Duty to Notify',
          'overrideRoute',
        )
      }
      const route = overriding ? decision.overrideRoute! : outcome.route
      await inTransaction(db, async (trx) => {
        const confirmed = await repo.confirmScreening(trx, id, {
          facts,
          outcome,
          suggestedRoute: outcome.route,
          confirmedRoute: route,
          overrideReason: overriding ? decision.reason!.trim() : null,
          confirmedBy: actor.userId,
        })
        if (!confirmed) throw new ScreeningError('already-confirmed', 'This screening has already been confirmed.')
        const events: Parameters<typeof appendAuditEvents>[2] = [
          {
            action: 'screening.confirmed',
            subjectType: 'person',
            subjectId: row.person_id,
            justification: overriding ? decision.reason!.trim() : null,
            details: {
              screeningId: id,
              suggested: outcome.route,
              confirmed: route,
              overridden: overriding,
              decidingRule: outcome.deciding_rule,
            },
          },
        ]
        const consent = answers.consent
        if (!outcome.is_child && consent && (consent.decision === 'given' || consent.decision === 'refused')) {
          const consentId = uuidv7()
          await repo.insertConsent(trx, {
            id: consentId,
            personId: row.person_id,
            referralId: row.referral_id,
            screeningId: id,
            purpose: 'nrm-referral',
            decision: consent.decision,
            recordedOn: `${consent.year}-${consent.month.padStart(2, '0')}-${consent.day.padStart(2, '0')}`,
            explainedBy: consent.explainedBy,
            interpreterUsed: consent.interpreterUsed === 'yes',
            interpreterLanguage: consent.interpreterUsed === 'yes' ? consent.interpreterLanguage : null,
            pointsExplained: consent.points,
            understanding: consent.understanding || null,
            createdBy: actor.userId,
          })
          events.push({
            action: 'consent.recorded',
            subjectType: 'person',
            subjectId: row.person_id,
            details: { consentId, decision: consent.decision, purpose: 'nrm-referral' },
          })
        }
        await insertReferralEvent(trx, {
          referralId: row.referral_id,
          actorUserId: actor.userId,
          kind: 'screened',
          details: { personId: row.person_id, route, overridden: overriding },
        })
        await appendAuditEvents(trx, actor, events)
      })
      return { route, referralId: row.referral_id, personId: row.person_id }
    },
  }
}

export type ScreeningService = ReturnType<typeof createScreeningService>
