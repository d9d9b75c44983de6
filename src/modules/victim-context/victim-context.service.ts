import type { Db, Queryable, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import type { FieldErrors } from '#src/platform/http/forms.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { victimSideAccess, type VictimSideAccess } from '#src/modules/people/index.ts'
import * as repo from './victim-context.repository.ts'
import {
  checkJourney,
  checkPerpetrator,
  checkSituation,
  type JourneyInput,
  type PerpetratorInput,
  type SituationInput,
} from './victim-context.rules.ts'
import { CONTEXT_LISTS, JOURNEY_STAGES, PERPETRATOR_ROLES, type ContextListKey } from './victim-context.vocabulary.ts'

export type { JourneyInput, PerpetratorInput, SituationInput }

export const VictimContextError = defineDomainError('VictimContextError', {
  'not-found': 404,
  invalid: 400,
  protected: 403,
  'not-a-victim': 409,
})

function refuse(errors: FieldErrors): void {
  const [field] = Object.keys(errors)
  if (field) throw new VictimContextError('invalid', errors[field], field)
}

function toRow(input: SituationInput): repo.SituationFields {
  const list = (key: ContextListKey) => [...new Set(input[key])]
  return {
    recruitment_methods: list('recruitmentMethods'),
    recruitment_place: input.recruitmentPlace.trim(),
    recruitment_country: input.recruitmentCountry || null,
    recruitment_platforms: list('recruitmentPlatforms'),
    recruitment_detail: input.recruitmentDetail.trim(),
    vulnerabilities: list('vulnerabilities'),
    vulnerability_detail: input.vulnerabilityDetail.trim(),
    control_methods: list('controlMethods'),
    control_detail: input.controlDetail.trim(),
    labour_sectors: list('labourSectors'),
    sexual_types: list('sexualTypes'),
    criminal_types: list('criminalTypes'),
  }
}

/** Audit details name what changed by field, never its content (ARCHITECTURE.md: identifiers only). */
function changedFields(before: repo.SituationFields, after: repo.SituationFields): string[] {
  return (Object.keys(after) as (keyof repo.SituationFields)[]).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  )
}

export function createVictimContextService(db: Db) {
  /**
   * Context is part of the person's victim side: the access policy decides (ADR 0009), with no rule of its own.
   * Recording it is support work as well as police work, so the ISA assigned records it as the officers do.
   */
  async function requireSide(
    trx: Trx | Db,
    user: CurrentUser,
    personId: string,
    edit: boolean,
  ): Promise<VictimSideAccess> {
    if (!(await repo.personExists(trx, personId))) throw new VictimContextError('not-found', 'Person not found')
    const access = await victimSideAccess(trx, user, personId)
    if (!access.visible || (edit && !access.canSupport)) {
      const who = access.askWho.length ? `Ask ${access.askWho.join(' or ')}.` : 'Ask your supervisor.'
      throw new VictimContextError(
        'protected',
        `This person’s victim information, including how they were exploited, is protected. ${who}`,
      )
    }
    // Only someone recorded as a potential victim has a protected victim side: context for anyone else would be
    // open to every colleague, so it waits until they are recorded as one.
    if (edit && !access.exists)
      throw new VictimContextError(
        'not-a-victim',
        'Record this person as a potential victim in a referral or live job before recording how they were exploited',
      )
    return access
  }

  async function situationOf(trx: Trx | Db, personId: string, situationId: string) {
    const situation = await repo.findSituation(trx, situationId)
    if (!situation || situation.person_id !== personId) throw new VictimContextError('not-found', 'Situation not found')
    return situation
  }

  return {
    /** Everything recorded about how the person was exploited, with the referrals a new situation can be about. Every view is audited. */
    async view(personId: string, user: CurrentUser, actor: Actor) {
      return inTransaction(db, async (trx) => {
        const access = await requireSide(trx, user, personId, false)
        const situations = await repo.listSituations(trx, personId)
        const ids = situations.map((s) => s.id)
        const [journey, perpetrators, referrals] = await Promise.all([
          repo.listJourney(trx, ids),
          repo.listPerpetrators(trx, ids),
          repo.victimReferrals(trx, personId),
        ])
        await appendAuditEvents(trx, actor, [
          { action: 'victim-context.viewed', subjectType: 'person', subjectId: personId, details: { situations: ids } },
        ])
        return {
          access,
          personName: await repo.personName(trx, personId),
          situations: situations.map((s) => ({
            ...s,
            journey: journey.filter((j) => j.situation_id === s.id),
            perpetrators: perpetrators.filter((p) => p.situation_id === s.id),
          })),
          referrals,
        }
      })
    },

    /** One situation, for its form (read without an audit row of its own: the form posts back what it shows, and the page view before it was audited). */
    async situation(personId: string, situationId: string, user: CurrentUser) {
      await requireSide(db, user, personId, true)
      const situation = await situationOf(db, personId, situationId)
      const suspects = situation.referral_id ? await repo.suspectsOf(db, situation.referral_id) : []
      return { situation, suspects }
    },

    /** The situation already recorded for this referral, if any: a link "as this referral describes" opens it. */
    async situationForReferral(personId: string, referralId: string, user: CurrentUser): Promise<string | null> {
      await requireSide(db, user, personId, true)
      return (await repo.findSituationByReferral(db, personId, referralId))?.id ?? null
    },

    /** The referrals naming the person as a victim that have no situation yet (one situation per referral). */
    async openReferrals(personId: string, user: CurrentUser) {
      await requireSide(db, user, personId, true)
      const [referrals, situations] = await Promise.all([
        repo.victimReferrals(db, personId),
        repo.listSituations(db, personId),
      ])
      return referrals.filter((r) => !situations.some((s) => s.referral_id === r.id))
    },

    /** Records a new exploitation situation; `referralId` when it is the one a referral describes. */
    async record(
      personId: string,
      referralId: string | null,
      input: SituationInput,
      user: CurrentUser,
      actor: Actor,
    ): Promise<string> {
      refuse(checkSituation(input))
      return inTransaction(db, async (trx) => {
        await requireSide(trx, user, personId, true)
        if (referralId) {
          if (!(await repo.personInReferral(trx, referralId, personId)))
            throw new VictimContextError('invalid', 'Select a referral that names this person', 'referralId')
          if (await repo.findSituationByReferral(trx, personId, referralId))
            throw new VictimContextError(
              'invalid',
              'How they were exploited is already recorded for this referral: change it instead',
              'referralId',
            )
        }
        const id = uuidv7()
        await repo.insertSituation(trx, {
          id,
          person_id: personId,
          referral_id: referralId,
          created_by: actor.userId,
          ...toRow(input),
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'victim-context.recorded',
            subjectType: 'person',
            subjectId: personId,
            details: { situationId: id, referralId },
          },
        ])
        return id
      })
    },

    async update(
      personId: string,
      situationId: string,
      input: SituationInput,
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      refuse(checkSituation(input))
      await inTransaction(db, async (trx) => {
        await requireSide(trx, user, personId, true)
        const before = await situationOf(trx, personId, situationId)
        const after = toRow(input)
        const fields = changedFields(before, after)
        if (fields.length === 0) return
        await repo.updateSituation(trx, situationId, after, actor.userId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'victim-context.updated',
            subjectType: 'person',
            subjectId: personId,
            details: { situationId, fields },
          },
        ])
      })
    },

    async remove(personId: string, situationId: string, user: CurrentUser, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        await requireSide(trx, user, personId, true)
        await situationOf(trx, personId, situationId)
        await repo.deleteSituation(trx, situationId)
        await appendAuditEvents(trx, actor, [
          { action: 'victim-context.removed', subjectType: 'person', subjectId: personId, details: { situationId } },
        ])
      })
    },

    /**
     * A situation saved whole, as the API sends it: created (for a referral, or none) or, with `situationId`, replaced;
     * its journey and perpetrators replaced too when given. One transaction, one audit row; every item is checked
     * first, and a problem names its place (`journey/2/country`).
     */
    async save(
      personId: string,
      target: { situationId: string } | { referralId: string | null },
      input: SituationInput,
      items: { journey?: JourneyInput[]; perpetrators?: PerpetratorInput[] },
      user: CurrentUser,
      actor: Actor,
    ): Promise<{ id: string; created: boolean }> {
      refuse(checkSituation(input))
      for (const [list, check] of [
        ['journey', checkJourney],
        ['perpetrators', checkPerpetrator],
      ] as const) {
        for (const [i, item] of (items[list] ?? []).entries()) {
          const [field, message] = Object.entries((check as (x: typeof item) => FieldErrors)(item))[0] ?? []
          if (field) throw new VictimContextError('invalid', message, `${list}/${i}/${field}`)
        }
      }
      return inTransaction(db, async (trx) => {
        await requireSide(trx, user, personId, true)
        let id: string
        let referralId: string | null
        let created = false
        let fields: string[] = []
        if ('situationId' in target) {
          const before = await situationOf(trx, personId, target.situationId)
          id = before.id
          referralId = before.referral_id
          const after = toRow(input)
          fields = changedFields(before, after)
          if (fields.length) await repo.updateSituation(trx, id, after, actor.userId)
        } else {
          referralId = target.referralId
          if (referralId) {
            if (!(await repo.personInReferral(trx, referralId, personId)))
              throw new VictimContextError('invalid', 'Select a referral that names this person', 'referralId')
            if (await repo.findSituationByReferral(trx, personId, referralId))
              throw new VictimContextError(
                'invalid',
                'How they were exploited is already recorded for this referral: replace it with PUT instead',
                'referralId',
              )
          }
          id = uuidv7()
          created = true
          await repo.insertSituation(trx, {
            id,
            person_id: personId,
            referral_id: referralId,
            created_by: actor.userId,
            ...toRow(input),
          })
        }
        if (items.journey) {
          await repo.clearJourney(trx, id)
          for (const j of items.journey)
            await repo.insertJourney(trx, {
              id: uuidv7(),
              situation_id: id,
              stage: j.stage,
              occurred_on: j.occurredOn,
              place: j.place.trim(),
              country: j.country || null,
              notes: j.notes.trim(),
              created_by: actor.userId,
            })
        }
        if (items.perpetrators) {
          const suspects = referralId ? await repo.suspectsOf(trx, referralId) : []
          for (const [i, p] of items.perpetrators.entries())
            if (p.personId && !suspects.some((s) => s.id === p.personId))
              throw new VictimContextError(
                'invalid',
                'Select a suspect named in the referral',
                `perpetrators/${i}/personId`,
              )
          await repo.clearPerpetrators(trx, id)
          for (const p of items.perpetrators)
            await repo.insertPerpetrator(trx, {
              id: uuidv7(),
              situation_id: id,
              person_id: p.personId,
              description: p.description.trim(),
              roles: [...new Set(p.roles)],
              created_by: actor.userId,
            })
        }
        if (!created && (items.journey || items.perpetrators)) await repo.touchSituation(trx, id, actor.userId)
        await appendAuditEvents(trx, actor, [
          {
            action: created ? 'victim-context.recorded' : 'victim-context.updated',
            subjectType: 'person',
            subjectId: personId,
            details: {
              situationId: id,
              referralId,
              ...(created ? {} : { fields }),
              ...(items.journey ? { journeyEvents: items.journey.length } : {}),
              ...(items.perpetrators ? { perpetrators: items.perpetrators.length } : {}),
            },
          },
        ])
        return { id, created }
      })
    },

    async addJourneyEvent(
      personId: string,
      situationId: string,
      input: JourneyInput,
      user: CurrentUser,
      actor: Actor,
    ): Promise<string> {
      refuse(checkJourney(input))
      return inTransaction(db, async (trx) => {
        await requireSide(trx, user, personId, true)
        await situationOf(trx, personId, situationId)
        const id = uuidv7()
        await repo.insertJourney(trx, {
          id,
          situation_id: situationId,
          stage: input.stage,
          occurred_on: input.occurredOn,
          place: input.place.trim(),
          country: input.country || null,
          notes: input.notes.trim(),
          created_by: actor.userId,
        })
        await repo.touchSituation(trx, situationId, actor.userId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'victim-context.updated',
            subjectType: 'person',
            subjectId: personId,
            details: { situationId, journeyEventAdded: id },
          },
        ])
        return id
      })
    },

    async removeJourneyEvent(
      personId: string,
      situationId: string,
      eventId: string,
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      await inTransaction(db, async (trx) => {
        await requireSide(trx, user, personId, true)
        await situationOf(trx, personId, situationId)
        if (!(await repo.deleteJourney(trx, situationId, eventId)))
          throw new VictimContextError('not-found', 'Journey event not found')
        await repo.touchSituation(trx, situationId, actor.userId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'victim-context.updated',
            subjectType: 'person',
            subjectId: personId,
            details: { situationId, journeyEventRemoved: eventId },
          },
        ])
      })
    },

    async addPerpetrator(
      personId: string,
      situationId: string,
      input: PerpetratorInput,
      user: CurrentUser,
      actor: Actor,
    ): Promise<string> {
      refuse(checkPerpetrator(input))
      return inTransaction(db, async (trx) => {
        await requireSide(trx, user, personId, true)
        const situation = await situationOf(trx, personId, situationId)
        // A named perpetrator is one the referral names as a suspect: no reaching for any person in the system.
        if (
          input.personId &&
          !(
            situation.referral_id &&
            (await repo.suspectsOf(trx, situation.referral_id)).some((s) => s.id === input.personId)
          )
        ) {
          throw new VictimContextError('invalid', 'Select a suspect named in the referral', 'personId')
        }
        const id = uuidv7()
        await repo.insertPerpetrator(trx, {
          id,
          situation_id: situationId,
          person_id: input.personId,
          description: input.description.trim(),
          roles: [...new Set(input.roles)],
          created_by: actor.userId,
        })
        await repo.touchSituation(trx, situationId, actor.userId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'victim-context.updated',
            subjectType: 'person',
            subjectId: personId,
            details: { situationId, perpetratorAdded: id, perpetratorPersonId: input.personId },
          },
        ])
        return id
      })
    },

    async removePerpetrator(
      personId: string,
      situationId: string,
      perpetratorId: string,
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      await inTransaction(db, async (trx) => {
        await requireSide(trx, user, personId, true)
        await situationOf(trx, personId, situationId)
        if (!(await repo.deletePerpetrator(trx, situationId, perpetratorId)))
          throw new VictimContextError('not-found', 'Perpetrator not found')
        await repo.touchSituation(trx, situationId, actor.userId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'victim-context.updated',
            subjectType: 'person',
            subjectId: personId,
            details: { situationId, perpetratorRemoved: perpetratorId },
          },
        ])
      })
    },
  }
}

export type VictimContextService = ReturnType<typeof createVictimContextService>

/** One situation as labelled rows, for a copy of everything held (subject access): free text is marked for redaction by the caller. */
export type ContextForCopy = {
  id: string
  referralReference: string | null
  rows: [string, string][]
  freeText: [string, string][]
  journey: { stage: string; on: string | null; place: string; country: string | null; notes: string }[]
  perpetrators: { personId: string | null; name: string | null; description: string; roles: string }[]
}

/**
 * Everything recorded about how the person (and any record merged into them) was exploited, as words. For the
 * subject access bundle: the caller has decided the reader may see the victim side, and redacts the free text.
 */
export async function victimContextForCopy(db: Queryable, personId: string): Promise<ContextForCopy[]> {
  const situations = await repo.listSituations(db, personId)
  const ids = situations.map((s) => s.id)
  const [journey, perpetrators] = await Promise.all([repo.listJourney(db, ids), repo.listPerpetrators(db, ids)])
  const words = (key: ContextListKey, values: readonly string[]) =>
    values.map((v) => CONTEXT_LISTS[key].list.label(v)).join(', ')
  return situations.map((s) => ({
    id: s.id,
    referralReference: s.referral_reference,
    rows: (
      [
        ['Recruited by', words('recruitmentMethods', s.recruitment_methods)],
        ['Recruited in (country)', s.recruitment_country ?? ''],
        ['Platforms used', words('recruitmentPlatforms', s.recruitment_platforms)],
        ['Vulnerabilities', words('vulnerabilities', s.vulnerabilities)],
        ['Methods of control', words('controlMethods', s.control_methods)],
        ['Labour sectors', words('labourSectors', s.labour_sectors)],
        ['Sexual exploitation', words('sexualTypes', s.sexual_types)],
        ['Criminal exploitation', words('criminalTypes', s.criminal_types)],
      ] as [string, string][]
    ).filter(([, v]) => v),
    freeText: (
      [
        ['Recruited in (place)', s.recruitment_place],
        ['About the recruitment', s.recruitment_detail],
        ['About their vulnerabilities', s.vulnerability_detail],
        ['About how they were controlled', s.control_detail],
      ] as [string, string][]
    ).filter(([, v]) => v),
    journey: journey
      .filter((j) => j.situation_id === s.id)
      .map((j) => ({
        stage: JOURNEY_STAGES.label(j.stage),
        on: j.occurred_on,
        place: j.place,
        country: j.country,
        notes: j.notes,
      })),
    perpetrators: perpetrators
      .filter((p) => p.situation_id === s.id)
      .map((p) => ({
        personId: p.person_id,
        name: p.person_name,
        description: p.description,
        roles: p.roles.map((r) => PERPETRATOR_ROLES.label(r)).join(', '),
      })),
  }))
}
