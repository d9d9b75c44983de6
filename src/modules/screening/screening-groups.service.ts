import type { Db, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import {
  caseAccess,
  deniedMessage,
  isRecordVisible,
  mayGrantVictimSide,
  victimSideAccess,
} from '#src/modules/people/index.ts'
import type { ReferralService } from '#src/modules/referrals/index.ts'
import {
  addReferralPerson,
  addReferralPlace,
  changeReferralStatus,
  referralPeople,
  setReferralExploitation,
} from '#src/modules/referrals/index.ts'
import { createNamedPerson, createPlace, updatePlace } from '#src/modules/people/index.ts'
import {
  addCasePerson,
  addTimeline,
  findCase,
  linkCaseLocation,
  linkCaseReferral,
  listCasePeople,
} from '#src/modules/cases/index.ts'
import { displayName } from '#src/modules/people/index.ts'
import { mayBeChild, type ScreeningAnswers } from './screening.answers.ts'
import { REFERRAL_TYPE_TO_FACT, SCREENING_SECTIONS, type ScreeningService } from './screening.service.ts'
import * as screeningRepo from './screening.repository.ts'
import { SHARED_SECTIONS, type EncounterStart, type SharedAnswers } from './screening-groups.answers.ts'
import * as repo from './screening-groups.repository.ts'

export const ScreeningGroupError = defineDomainError('ScreeningGroupError', {
  'not-found': 404,
  forbidden: 403,
  invalid: 400,
})

const FACT_TO_REFERRAL_TYPE: Record<string, string> = Object.fromEntries(
  Object.entries(REFERRAL_TYPE_TO_FACT).map(([k, v]) => [v, k]),
)

/**
 * Screening people met in a live job or first recorded on a person's page, and warrant-day screening of several
 * people met together (issue 14, section 2). An encounter becomes a referral (source police, linked to the job,
 * the people as potential victims, recorded by the officer), so screening, consent, the NRM and the Duty to
 * Notify work on it unchanged; the screening group keeps the encounter's shared facts and its people's screenings
 * together. Every read and write asks the one access policy (ADR 0009): the job's victim side to start from a
 * job, and the victim side of every person in the group to see or change it.
 */
export function createScreeningGroupService(db: Db, deps: { referrals: ReferralService; screening: ScreeningService }) {
  /** The group, refused as not found when its job is one this user may not see, and as protected when any of its people's victim side is. */
  async function loadFor(
    q: Db | Trx,
    id: string,
    user: CurrentUser,
    mode: 'view' | 'edit',
    options: { lock?: boolean } = {},
  ) {
    const group = await repo.findGroup(q, id, options)
    if (!group) throw new ScreeningGroupError('not-found', 'Screening group not found')
    const job = group.case_id ? await repo.findVisibleCase(q, group.case_id, user) : undefined
    if (group.case_id && !job) throw new ScreeningGroupError('not-found', 'Screening group not found')
    const members = await repo.listMembers(q, id)
    const askWho: string[] = []
    for (const m of members) {
      const access = await victimSideAccess(q, user, m.person_id)
      if (!(mode === 'view' ? access.visible : access.canEdit)) askWho.push(...access.askWho)
    }
    if (askWho.length > 0 || members.length === 0)
      throw new ScreeningGroupError('forbidden', deniedMessage({ askWho: [...new Set(askWho)] }))
    return { group, job: job ?? null, members }
  }

  /** Existing people may be screened only by someone who works their victim side, or where they have none yet. */
  async function requireMayScreen(trx: Trx, user: CurrentUser, personIds: string[]) {
    const askWho: string[] = []
    for (const personId of personIds) {
      const access = await victimSideAccess(trx, user, personId)
      if (!access.canEdit) askWho.push(...access.askWho)
    }
    if (askWho.length > 0 || !(await mayGrantVictimSide(trx, user, personIds))) {
      throw new ScreeningGroupError(
        'forbidden',
        `${deniedMessage({ askWho: [...new Set(askWho)] })} Their screening is started by the officers working their victim side.`,
        'personIds',
      )
    }
  }

  return {
    /**
     * Starts an encounter: records its referral (status screening) with the people met as potential victims (new
     * ones from their description), links it to the live job (adding the new people to the job as potential
     * victims), and starts each person's screening, all in one transaction with the audit rows. With more than
     * one person it is a warrant-day group, whose shared facts are entered next.
     */
    async start(
      input: EncounterStart & { caseId: string | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<{
      groupId: string
      referralId: string
      personIds: string[]
      screeningIds: string[]
      warrantDay: boolean
    }> {
      if (input.caseId) {
        const access = await caseAccess(db, user, input.caseId)
        if (!access?.visible) throw new ScreeningGroupError('not-found', 'Live job not found')
        if (!access.victimSide && !access.supervisor) {
          throw new ScreeningGroupError(
            'forbidden',
            'Screening people met on this live job is for its officer in charge, its team members with a victims’ side duty, or a supervisor',
            'personIds',
          )
        }
        const onJob = await repo.casePeopleIds(db, input.caseId)
        if (input.personIds.some((id) => !onJob.has(id)))
          throw new ScreeningGroupError('invalid', 'Select people from the list', 'personIds')
      } else {
        for (const id of input.personIds)
          if (!(await isRecordVisible(db, 'person', id, user)))
            throw new ScreeningGroupError('not-found', 'Person not found')
      }
      if (input.personIds.length + input.newPeople.length === 0)
        throw new ScreeningGroupError('invalid', 'Select the people you met', 'personIds')
      const warrantDay = input.personIds.length + input.newPeople.length > 1
      return inTransaction(db, async (trx) => {
        await requireMayScreen(trx, user, input.personIds)
        const created = await deps.referrals.create(
          {
            receivedAt: new Date().toISOString(),
            source: 'police',
            referringOrganisation: null,
            referrerName: null,
            referrerContact: null,
            referringSector: null,
            summary: input.summary,
            people: input.newPeople.map((p) => ({
              names: [p.description],
              dateOfBirth: null,
              approximateAge: p.approximateAge,
              ageDisputed: false,
              gender: p.gender as 'not-known',
              nationalities: [],
              languages: [],
              role: 'potential-victim' as const,
            })),
            locations: [],
            exploitationTypes: [],
            countyLines: false,
            priorityTags: [],
            indicators: [],
          },
          actor,
          { trx, existingPeople: input.personIds.map((personId) => ({ personId, role: 'potential-victim' })) },
        )
        const personIds = (await referralPeople(trx, created.id)).map((s) => s.person_id)
        await changeReferralStatus(
          trx,
          created.id,
          {
            status: 'screening',
            reason: warrantDay ? `Screening ${personIds.length} people met together` : 'Screening the person met',
          },
          actor,
        )
        const groupId = uuidv7()
        await repo.insertGroup(trx, {
          id: groupId,
          referralId: created.id,
          caseId: input.caseId,
          warrantDay,
          encounteredOn: input.encounteredOn,
          createdBy: actor.userId,
        })
        if (input.caseId) {
          await linkCaseReferral(trx, input.caseId, created.id)
          for (const personId of personIds)
            await addCasePerson(trx, input.caseId, personId, 'potential-victim', actor.userId)
          await addTimeline(trx, {
            id: uuidv7(),
            caseId: input.caseId,
            actorUserId: actor.userId,
            kind: 'screening',
            text: `Screening started for ${personIds.length} ${personIds.length === 1 ? 'person' : 'people'} met on ${input.encounteredOn}`,
          })
        }
        const screeningIds: string[] = []
        for (const personId of personIds)
          screeningIds.push(await deps.screening.start(created.id, personId, actor, { trx, groupId }))
        await appendAuditEvents(trx, actor, [
          {
            action: 'screening-group.started',
            subjectType: 'referral',
            subjectId: created.id,
            details: {
              groupId,
              caseId: input.caseId,
              people: personIds,
              newPeople: input.newPeople.length,
              warrantDay,
            },
          },
        ])
        return { groupId, referralId: created.id, personIds, screeningIds, warrantDay }
      })
    },

    /** The group with its people's screenings; the view is audited in the read's transaction. */
    async view(id: string, user: CurrentUser, actor: Actor) {
      return inTransaction(db, async (trx) => {
        const loaded = await loadFor(trx, id, user, 'view')
        await appendAuditEvents(trx, actor, [
          {
            action: 'screening-group.viewed',
            subjectType: 'referral',
            subjectId: loaded.group.referral_id,
            details: { groupId: id, people: loaded.members.map((m) => m.person_id) },
          },
        ])
        return loaded
      })
    },

    /**
     * Saves the facts shared by everyone in the group and prefills each person's screening with them. A section
     * a person's screening already has, confirmed or changed by the officer for that person, is left as it is;
     * one still as prefilled is refreshed. Confirmed screenings are never changed. The premises become the
     * referral's (and the job's) place, the employer a suspected exploiter on the referral (and the job), and the
     * exploitation types the referral's, so the NRM form and the figures read them as on any referral.
     */
    async saveShared(
      id: string,
      shared: SharedAnswers,
      user: CurrentUser,
      actor: Actor,
    ): Promise<{ prefilled: string[] }> {
      return inTransaction(db, async (trx) => {
        const { group, members } = await loadFor(trx, id, user, 'edit', { lock: true })
        const location = {
          addressLine1: shared.premises.addressLine1 || null,
          addressLine2: null,
          town: null,
          postcode: shared.premises.postcode || null,
          description: shared.premises.description || null,
          premisesType: shared.premises.premisesType as 'other',
        }
        let locationId = group.location_id
        if (locationId) await updatePlace(trx, locationId, location)
        else {
          locationId = await createPlace(trx, location)
          await addReferralPlace(trx, group.referral_id, locationId)
        }
        if (group.case_id) await linkCaseLocation(trx, group.case_id, locationId)
        let employerId = group.employer_person_id
        if (!employerId && shared.employer.name) {
          employerId = await createNamedPerson(trx, shared.employer.name, actor.userId)
          await addReferralPerson(trx, group.referral_id, employerId, 'suspected-exploiter')
          if (group.case_id) await addCasePerson(trx, group.case_id, employerId, 'suspected-exploiter', actor.userId)
        }
        const types = [...new Set(shared.exploitation.types.map((t) => FACT_TO_REFERRAL_TYPE[t]).filter(Boolean))]
        await setReferralExploitation(trx, group.referral_id, types, shared.exploitation.countyLines === 'yes')
        await repo.saveShared(trx, id, shared, { locationId, employerPersonId: employerId })

        const prefilled: string[] = []
        for (const m of members) {
          if (m.status !== 'draft') continue
          const answers = m.answers as ScreeningAnswers
          const pending = new Set(answers.prefilled ?? [])
          const next: ScreeningAnswers = { ...answers }
          for (const section of SHARED_SECTIONS) {
            if (answers[section] && !pending.has(section)) continue
            if (section === 'exploitation')
              next.exploitation = {
                ...shared.exploitation,
                exploitedAsChild: answers.exploitation?.exploitedAsChild ?? '',
              }
            else if (section === 'encounter') next.encounter = shared.encounter
            else next.indicators = shared.indicators
            pending.add(section)
          }
          next.prefilled = [...pending]
          await screeningRepo.saveAnswers(trx, m.screening_id, next)
          prefilled.push(m.screening_id)
        }
        await appendAuditEvents(trx, actor, [
          {
            action: 'screening-group.shared-facts-saved',
            subjectType: 'referral',
            subjectId: group.referral_id,
            details: {
              groupId: id,
              locationId,
              employerPersonId: employerId,
              prefilled,
              people: members.map((m) => m.person_id),
            },
          },
        ])
        return { prefilled }
      })
    },

    /**
     * A live job's people, for choosing whom to screen: only for those who may screen on it (its officer in
     * charge, team members with a victims' side duty, supervisors). Not found for a job this user may not see.
     */
    async jobForScreening(caseId: string, user: CurrentUser) {
      const access = await caseAccess(db, user, caseId)
      if (!access?.visible) throw new ScreeningGroupError('not-found', 'Live job not found')
      const job = await findCase(db, caseId)
      if (!job) throw new ScreeningGroupError('not-found', 'Live job not found')
      if (!access.victimSide && !access.supervisor) {
        throw new ScreeningGroupError(
          'forbidden',
          'Screening people met on this live job is for its officer in charge, its team members with a victims’ side duty, or a supervisor',
        )
      }
      return { job, people: await listCasePeople(db, caseId) }
    },

    /** A person to screen from their own page: refused, with whom to ask, unless this user may record on their victim side. */
    async personForScreening(personId: string, user: CurrentUser) {
      if (!(await isRecordVisible(db, 'person', personId, user)))
        throw new ScreeningGroupError('not-found', 'Person not found')
      const person = await db
        .selectFrom('people')
        .select(['id'])
        .select(displayName('people.id').as('name'))
        .where('id', '=', personId)
        .executeTakeFirst()
      if (!person) throw new ScreeningGroupError('not-found', 'Person not found')
      const access = await victimSideAccess(db, user, personId)
      return { person, access }
    },

    /** The groups met on a live job (for its page): dates and counts only, no one's victim side. */
    listForCase: (caseId: string) => repo.listGroupsForCase(db, caseId),
    /** The group a referral records, if it records one. */
    groupIdForReferral: (referralId: string) => repo.findGroupIdForReferral(db, referralId),
    /** Whether this user may start screening from a person's page or a job: the route permission and the victim side's edit permission. */
    mayScreen: (user: CurrentUser) => can(user, 'screening:assess') && can(user, 'victim-facet:edit'),
  }
}

/**
 * Where one person's screening in a group stands, for the group page and the API: not started (nothing answered
 * by the officer for them; sections only prefilled from the shared facts do not count), in progress or
 * confirmed; the shared sections still to confirm for them; and their consent (not needed for a child or
 * someone who may be one).
 */
export function memberProgress(m: repo.GroupMemberRow): {
  progress: 'not-started' | 'in-progress' | 'confirmed'
  sharedToConfirm: string[]
  child: boolean
  consent: string | null
  consentNeeded: boolean
} {
  const answers = m.answers as ScreeningAnswers
  const sharedToConfirm = answers.prefilled ?? []
  const answered = SCREENING_SECTIONS.filter((s) => answers[s] && !sharedToConfirm.includes(s)).length
  const child = m.outcome ? (m.outcome as { is_child?: boolean }).is_child === true : mayBeChild(answers.age)
  return {
    progress: m.status === 'confirmed' ? 'confirmed' : answered === 0 ? 'not-started' : 'in-progress',
    sharedToConfirm,
    child,
    consent: child ? null : (answers.consent?.decision ?? null),
    consentNeeded: !child,
  }
}

export type ScreeningGroupService = ReturnType<typeof createScreeningGroupService>
