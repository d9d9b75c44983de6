import type { Db, Queryable, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor, AuditEventInput } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { addCalendarDays, isRealDate, londonDate } from '#src/shared/dates.ts'
import { isUuid, uuidv7 } from '#src/shared/ids.ts'
import {
  isRecordVisible,
  requireVictimSide,
  victimSideAccess,
  type VictimFacetAccess as VictimSideAccess,
} from '#src/modules/people/index.ts'
import { treatedAsChild } from '#src/shared/child.ts'
import * as repo from './support.repository.ts'
import {
  CONTACT_KINDS,
  ENTITLEMENTS,
  NEXT_STATUSES,
  PROVISIONS,
  REFERRAL_STATUSES,
  SAFE_TO_CONTACT,
  SERVICE_CATEGORIES,
  isOneOf,
  type ReferralStatus,
} from './support.vocabulary.ts'
import { supportLeafletPdf, LEAFLET_LANGUAGES } from './support.leaflet.ts'

export const SupportError = defineDomainError('SupportError', { 'not-found': 404, invalid: 400, 'not-a-victim': 409 })

const TEXT_MAX = 2000
const SHORT_MAX = 500

export type ContactInput = {
  contactedOn: string | null
  kind: string
  safeToContact: string
  whatDone: string
  needsRaised: string
  entitlements: string[]
  nextStep: string
  nextStepOn: string | null
}

export type ReferralInput = {
  serviceId: string
  madeOn: string | null
  provision: string
  reason: string
  followUpOn: string | null
}

export type ReferralChange = { status: string; note: string; followUpOn: string | null; outcome: string }

export type ServiceInput = {
  name: string
  category: string
  offers: string
  offersCy: string
  phone: string
  email: string
  website: string
  area: string
  takesAdults: boolean
  takesChildren: boolean
  womenOnly: boolean
  languages: string
  active: boolean
}

const invalid = (message: string, field: string) => new SupportError('invalid', message, field)
const isIsoDate = (value: string | null): value is string =>
  value !== null &&
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  isRealDate(Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10)))
const blankToNull = (value: string) => (value.trim() ? value.trim() : null)

function checkText(value: string, max: number, message: string, field: string, required: boolean): void {
  if (required && !value.trim()) throw invalid(message, field)
  if (value.trim().length > max)
    throw invalid(
      `${message.replace(/^Enter /, '').replace(/^./, (c) => c.toUpperCase())} must be ${max.toLocaleString('en-GB')} characters or fewer`,
      field,
    )
}

/**
 * The ISA's support work (issue 15, section 2): the contact log of support actually given, referrals out to the
 * services in the directory with their answers and follow-up, and the signposting leaflet. All of it is part of a
 * person's victim side (ADR 0009): read by those the access policy lets see it, written by those it lets work the
 * plan and support (their officers, the ISA a supervisor assigned, supervisors), and only for someone recorded as
 * a victim, so it is never open to every colleague. Every read and change is audited in its own transaction.
 */
export function createSupportService(db: Db, options: { followUpDays: number }) {
  /** A person who does not exist, or exists only inside a restricted live job the user does not work, is "not found". */
  async function requirePerson(q: Queryable, personId: string, user: CurrentUser): Promise<repo.PersonFacts> {
    const person = isUuid(personId) ? await repo.personFacts(q, personId) : undefined
    if (!person || !(await isRecordVisible(q, 'person', personId, user)))
      throw new SupportError('not-found', 'Person not found')
    return person
  }

  /** Writing support needs a duty to the victim side (403 naming whom to ask), and a victim side to write on. */
  async function requireSupport(trx: Trx, user: CurrentUser, personId: string) {
    const access = await requireVictimSide(trx, user, personId, 'support')
    if (!access.exists)
      throw new SupportError(
        'not-a-victim',
        'Record this person as a potential victim in a referral or live job before recording support for them',
      )
    return access
  }

  async function activeService(q: Queryable, serviceId: string) {
    const service = isUuid(serviceId) ? await repo.findService(q, serviceId) : undefined
    if (!service || !service.active) throw invalid('Select a service from the directory', 'serviceId')
    return service
  }

  function checkService(input: ServiceInput): repo.ServiceValues {
    checkText(input.name, 200, 'Enter the name of the service', 'name', true)
    if (!isOneOf(SERVICE_CATEGORIES, input.category)) throw invalid('Select what kind of service it is', 'category')
    checkText(input.offers, TEXT_MAX, 'Enter what the service offers', 'offers', true)
    checkText(input.offersCy, TEXT_MAX, 'Enter what the service offers, in Welsh', 'offersCy', false)
    checkText(input.phone, 50, 'Enter the phone number', 'phone', false)
    if (input.phone.trim() && !/^[+0-9][0-9 ()-]{4,}$/.test(input.phone.trim()))
      throw invalid('Enter a phone number, like 0113 496 0000', 'phone')
    checkText(input.email, 200, 'Enter the email address', 'email', false)
    if (input.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim()))
      throw invalid('Enter an email address in the correct format, like name@example.org', 'email')
    checkText(input.website, 300, 'Enter the website', 'website', false)
    if (input.website.trim() && !/^(https?:\/\/)?[^\s/]+\.[^\s]+$/.test(input.website.trim()))
      throw invalid('Enter a website address, like www.example.org', 'website')
    checkText(input.area, 200, 'Enter the area it covers', 'area', false)
    checkText(input.languages, 300, 'Enter the languages', 'languages', false)
    if (!input.takesAdults && !input.takesChildren)
      throw invalid('Select who the service takes: adults, children or both', 'takes')
    const languages = [
      ...new Set(
        input.languages
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean),
      ),
    ]
    return {
      name: input.name.trim(),
      category: input.category,
      offers: input.offers.trim(),
      offers_cy: blankToNull(input.offersCy),
      phone: blankToNull(input.phone),
      email: blankToNull(input.email),
      website: blankToNull(input.website),
      area: blankToNull(input.area),
      takes_adults: input.takesAdults,
      takes_children: input.takesChildren,
      women_only: input.womenOnly,
      languages,
      active: input.active,
    }
  }

  return {
    // --- The directory ---------------------------------------------------------------------------------

    /** The directory is about services, not people: listing it is not audited. */
    listServices: (options: { activeOnly: boolean; category?: string | null }) => repo.listServices(db, options),

    async service(id: string) {
      const service = isUuid(id) ? await repo.findService(db, id) : undefined
      if (!service) throw new SupportError('not-found', 'Service not found')
      return service
    },

    async addService(input: ServiceInput, actor: Actor): Promise<string> {
      const values = checkService(input)
      return inTransaction(db, async (trx) => {
        if (await repo.serviceNameTaken(trx, values.name, null))
          throw invalid('A service with that name is already in the directory', 'name')
        const id = uuidv7()
        await repo.insertService(trx, { ...values, id, created_by: actor.userId })
        await appendAuditEvents(trx, actor, [
          { action: 'support-service.added', subjectType: 'support-service', subjectId: id },
        ])
        return id
      })
    },

    async changeService(id: string, input: ServiceInput, actor: Actor): Promise<void> {
      const values = checkService(input)
      await inTransaction(db, async (trx) => {
        if (!isUuid(id) || !(await repo.findService(trx, id))) throw new SupportError('not-found', 'Service not found')
        if (await repo.serviceNameTaken(trx, values.name, id))
          throw invalid('A service with that name is already in the directory', 'name')
        await repo.updateService(trx, id, values)
        await appendAuditEvents(trx, actor, [
          {
            action: 'support-service.changed',
            subjectType: 'support-service',
            subjectId: id,
            details: { active: values.active },
          },
        ])
      })
    },

    // --- A person's support ----------------------------------------------------------------------------

    /**
     * Everything of a person's support, for someone who may see their victim side: their contacts, and their
     * referrals out with each one's history. The read is audited.
     */
    async view(personId: string, user: CurrentUser, actor: Actor) {
      const person = await requirePerson(db, personId, user)
      return inTransaction(db, async (trx) => {
        const access = await requireVictimSide(trx, user, personId, 'view')
        const [contacts, referrals] = await Promise.all([
          repo.listContacts(trx, personId),
          repo.listReferrals(trx, personId),
        ])
        const updates = await repo.listReferralUpdates(
          trx,
          referrals.map((r) => r.id),
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'support.viewed',
            subjectType: 'person',
            subjectId: personId,
            details: { contacts: contacts.length, referralIds: referrals.map((r) => r.id) },
          },
        ])
        const today = londonDate()
        return {
          person,
          isVictim: access.exists,
          canSupport: access.canSupport && access.exists,
          child: treatedAsChild(person, today),
          contacts,
          referrals: referrals.map((r) => ({
            ...r,
            stalled: r.status === 'awaiting' && r.follow_up_on <= today,
            updates: updates.filter((u) => u.referral_id === r.id),
          })),
        }
      })
    },

    /**
     * The person page's line about support, with the audit event for the page to append with its own (one audit
     * append per page): null for someone who may not see the victim side, so the page says nothing of it.
     */
    async personSummary(
      personId: string,
      user: CurrentUser,
      /** The person's victim side for this user, when the page has asked already (the person page asks once). */
      known?: VictimSideAccess,
    ): Promise<{ summary: repo.SupportSummary; auditEvent: AuditEventInput } | null> {
      if (!isUuid(personId)) return null
      const access = known ?? (await victimSideAccess(db, user, personId))
      if (!access.exists || !access.visible) return null
      const summary = await repo.summary(db, personId, londonDate())
      return {
        summary,
        auditEvent: {
          action: 'support.viewed',
          subjectType: 'person',
          subjectId: personId,
          details: { part: 'summary' },
        },
      }
    },

    /** Records one welfare contact: what was done, how, whether that way is safe, the Victims' Code offered, the next step. */
    async recordContact(personId: string, input: ContactInput, user: CurrentUser, actor: Actor): Promise<string> {
      await requirePerson(db, personId, user)
      const today = londonDate()
      if (!isIsoDate(input.contactedOn)) throw invalid('Enter the date of the contact', 'contactedOn')
      if (input.contactedOn > today) throw invalid('Date of the contact must be today or in the past', 'contactedOn')
      if (!isOneOf(CONTACT_KINDS, input.kind)) throw invalid('Select how the contact was made', 'kind')
      if (!isOneOf(SAFE_TO_CONTACT, input.safeToContact))
        throw invalid('Select whether it was safe to contact them this way', 'safeToContact')
      checkText(input.whatDone, TEXT_MAX, 'Enter what was done', 'whatDone', true)
      checkText(input.needsRaised, TEXT_MAX, 'Enter the needs they raised', 'needsRaised', false)
      const entitlements = [...new Set(input.entitlements)]
      if (entitlements.some((e) => !isOneOf(ENTITLEMENTS, e)))
        throw invalid('Select the entitlements offered from the list', 'entitlements')
      checkText(input.nextStep, SHORT_MAX, 'Enter the next step', 'nextStep', false)
      if (input.nextStepOn !== null) {
        if (!isIsoDate(input.nextStepOn)) throw invalid('Date of the next step must be a real date', 'nextStepOn')
        if (!input.nextStep.trim()) throw invalid('Enter the next step, or remove its date', 'nextStep')
        if (input.nextStepOn < input.contactedOn)
          throw invalid('Date of the next step must be on or after the date of the contact', 'nextStepOn')
      }
      return inTransaction(db, async (trx) => {
        await requireSupport(trx, user, personId)
        const id = uuidv7()
        await repo.insertContact(trx, {
          id,
          person_id: await repo.rootOf(trx, personId),
          contacted_on: input.contactedOn!,
          kind: input.kind,
          safe_to_contact: input.safeToContact,
          what_done: input.whatDone.trim(),
          needs_raised: blankToNull(input.needsRaised),
          entitlements,
          next_step: blankToNull(input.nextStep),
          next_step_on: input.nextStepOn,
          recorded_by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'support-contact.recorded',
            subjectType: 'person',
            subjectId: personId,
            details: { contactId: id, kind: input.kind, entitlements },
          },
        ])
        return id
      })
    },

    /**
     * A referral out to a service in the directory. The service must take someone of the person's age: a child,
     * or someone who may be under 18 (age disputed), is presumed a child (DOMAIN.md 3.4), so an adults-only
     * service is refused for them. Victim care asks which support is wanted (outreach or a safe house). With no
     * follow-up date given, it is followed up after the configured number of days.
     */
    async makeReferral(personId: string, input: ReferralInput, user: CurrentUser, actor: Actor): Promise<string> {
      const person = await requirePerson(db, personId, user)
      const today = londonDate()
      if (!input.serviceId) throw invalid('Select a service from the directory', 'serviceId')
      if (!isIsoDate(input.madeOn)) throw invalid('Enter the date the referral was made', 'madeOn')
      if (input.madeOn > today) throw invalid('Date the referral was made must be today or in the past', 'madeOn')
      checkText(input.reason, TEXT_MAX, 'Enter what the referral asks for', 'reason', true)
      if (input.followUpOn !== null) {
        if (!isIsoDate(input.followUpOn)) throw invalid('Follow-up date must be a real date', 'followUpOn')
        if (input.followUpOn < input.madeOn)
          throw invalid('Follow-up date must be on or after the date the referral was made', 'followUpOn')
      }
      return inTransaction(db, async (trx) => {
        const service = await activeService(trx, input.serviceId)
        let provision: string | null = null
        if (service.category === 'victim-care') {
          if (!isOneOf(PROVISIONS, input.provision))
            throw invalid('Select the support asked for: outreach or a safe house', 'provision')
          provision = input.provision
        }
        const child = treatedAsChild(person, today)
        if (child && !service.takes_children)
          throw invalid(
            `${service.name} does not take children. This person is a child or may be under 18, so is treated as a child until their age is decided`,
            'serviceId',
          )
        if (!child && !service.takes_adults) throw invalid(`${service.name} takes only children`, 'serviceId')
        await requireSupport(trx, user, personId)
        const id = uuidv7()
        await repo.insertReferral(trx, {
          id,
          person_id: await repo.rootOf(trx, personId),
          service_id: service.id,
          made_on: input.madeOn!,
          provision,
          reason: input.reason.trim(),
          follow_up_on: input.followUpOn ?? addCalendarDays(input.madeOn!, options.followUpDays),
          made_by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'support-referral.made',
            subjectType: 'person',
            subjectId: personId,
            details: { referralId: id, serviceId: service.id, provision },
          },
        ])
        return id
      })
    },

    /** One referral out, for its update page: the person's victim side, audited. */
    async referral(personId: string, referralId: string, user: CurrentUser, actor: Actor) {
      const person = await requirePerson(db, personId, user)
      return inTransaction(db, async (trx) => {
        await requireVictimSide(trx, user, personId, 'view')
        const referral = isUuid(referralId)
          ? await repo.findReferral(trx, personId, referralId, { lock: false })
          : undefined
        if (!referral) throw new SupportError('not-found', 'Referral not found')
        const updates = await repo.listReferralUpdates(trx, [referral.id])
        await appendAuditEvents(trx, actor, [
          {
            action: 'support.viewed',
            subjectType: 'person',
            subjectId: personId,
            details: { referralId: referral.id },
          },
        ])
        return {
          person,
          referral: { ...referral, updates, next: NEXT_STATUSES[referral.status as ReferralStatus] ?? [] },
        }
      })
    },

    /**
     * The answer to a referral out, or a chase while it waits: a new status (only where it may go next), the
     * outcome (required when it is declined, so the ISA knows what to try instead), a note of what happened, and
     * for one still awaiting an answer, when to follow it up again.
     */
    async updateReferral(
      personId: string,
      referralId: string,
      change: ReferralChange,
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      await requirePerson(db, personId, user)
      checkText(change.note, TEXT_MAX, 'Enter what happened', 'note', false)
      checkText(change.outcome, TEXT_MAX, 'Enter the outcome', 'outcome', false)
      await inTransaction(db, async (trx) => {
        await requireSupport(trx, user, personId)
        const referral = isUuid(referralId)
          ? await repo.findReferral(trx, personId, referralId, { lock: true })
          : undefined
        if (!referral) throw new SupportError('not-found', 'Referral not found')
        const current = referral.status as ReferralStatus
        const next = NEXT_STATUSES[current] ?? []
        if (next.length === 0)
          throw invalid(
            `This referral is ${REFERRAL_STATUSES[current]?.toLowerCase() ?? 'closed'}. Make a new referral if they need this service again`,
            'status',
          )
        const status = change.status || current
        if (status !== current && !(isOneOf(REFERRAL_STATUSES, status) && next.includes(status)))
          throw invalid(
            `Select ${[current, ...next].map((s) => REFERRAL_STATUSES[s].toLowerCase()).join(', ')}`,
            'status',
          )
        if (status === 'declined' && !change.outcome.trim())
          throw invalid('Enter why the service declined the referral', 'outcome')
        let followUpOn: string | undefined
        if (status === 'awaiting') {
          if (change.followUpOn === null) throw invalid('Enter when to follow it up next', 'followUpOn')
          if (!isIsoDate(change.followUpOn)) throw invalid('Follow-up date must be a real date', 'followUpOn')
          if (change.followUpOn < londonDate())
            throw invalid('Follow-up date must be today or in the future', 'followUpOn')
          if (!change.note.trim()) throw invalid('Enter what happened when you followed it up', 'note')
          followUpOn = change.followUpOn
        }
        const statusChanged = status !== current
        await repo.updateReferral(trx, referral.id, {
          ...(statusChanged ? { status } : {}),
          ...(followUpOn ? { follow_up_on: followUpOn } : {}),
          ...(change.outcome.trim() ? { outcome: change.outcome.trim() } : {}),
        })
        const note =
          change.note.trim() ||
          (statusChanged ? `Marked ${REFERRAL_STATUSES[status as ReferralStatus].toLowerCase()}` : 'Outcome recorded')
        await repo.insertReferralUpdate(trx, {
          id: uuidv7(),
          referral_id: referral.id,
          status: statusChanged ? status : null,
          note,
          by_user_id: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'support-referral.updated',
            subjectType: 'person',
            subjectId: personId,
            details: {
              referralId: referral.id,
              ...(statusChanged ? { status } : {}),
              ...(followUpOn ? { followUpOn } : {}),
            },
          },
        ])
      })
    },

    /**
     * The signposting leaflet for the victim, in English or Welsh: the services chosen (by default those of their
     * referrals still open), then the numbers always available. It carries no name, so it is safe if someone else
     * finds it; making it is still part of working their support, and audited as a document given out.
     */
    async leaflet(
      personId: string,
      choice: { language: string; serviceIds: string[] | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<Buffer> {
      await requirePerson(db, personId, user)
      const language = LEAFLET_LANGUAGES.includes(choice.language) ? choice.language : 'en'
      const services = await inTransaction(db, async (trx) => {
        await requireVictimSide(trx, user, personId, 'view')
        const ids =
          choice.serviceIds ??
          (await repo.listReferrals(trx, personId))
            .filter((r) => r.status === 'awaiting' || r.status === 'accepted')
            .map((r) => r.service_id)
        const chosen = (await repo.findServices(trx, ids.filter(isUuid))).filter((s) => s.active)
        await appendAuditEvents(trx, actor, [
          {
            action: 'document.downloaded',
            subjectType: 'person',
            subjectId: personId,
            details: { document: 'support-leaflet', language, serviceIds: chosen.map((s) => s.id) },
          },
        ])
        return chosen
      })
      return supportLeafletPdf(services, language)
    },

    /** For My work: referrals out awaiting an answer past their follow-up date (see the repository), audited as a view of the work list. */
    async stalledReferrals(user: CurrentUser, everyone: boolean, actor: Actor): Promise<repo.StalledRow[]> {
      const rows = await repo.stalledReferrals(db, everyone ? null : user.id, londonDate())
      if (rows.length === 0) return rows
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'work.viewed',
            subjectType: 'user',
            subjectId: user.id,
            details: { stalledReferrals: rows.map((r) => r.id) },
          },
        ]),
      )
      return rows
    },
  }
}

export type SupportService = ReturnType<typeof createSupportService>
