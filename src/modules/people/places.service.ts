import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor, AuditEventInput } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { labelled } from '#src/shared/labelled.ts'
import { isCaseVisible, isRecordVisible } from './access-policy.ts'
import { createPlace } from './records.repository.ts'
import { listLinks } from './person.repository.ts'
import type { LocationInput } from './person.schema.ts'
import * as repo from './places.repository.ts'

export const PlaceError = defineDomainError('PlaceError', {
  'not-found': 404,
  invalid: 400,
  conflict: 409,
})

/** What a business is: the kinds of workplace where exploitation is met. */
export const BUSINESS_KINDS = labelled([
  { value: 'car-wash', text: 'Car wash' },
  { value: 'nail-bar', text: 'Nail bar' },
  { value: 'textile-factory', text: 'Textile factory' },
  { value: 'food-processing', text: 'Food processing or packing' },
  { value: 'agriculture', text: 'Farm or agriculture' },
  { value: 'construction', text: 'Construction' },
  { value: 'hospitality', text: 'Takeaway, restaurant or hotel' },
  { value: 'labour-agency', text: 'Labour or recruitment agency' },
  { value: 'employer', text: 'Other employer' },
] as const)

/** How a business is connected to a referral, a live job or a person. */
export const BUSINESS_RELATIONS = labelled([
  { value: 'named', text: 'Named in it' },
  { value: 'employer', text: 'Employer of a victim' },
  { value: 'exploitation-site', text: 'Where exploitation happened' },
  { value: 'suspected-front', text: 'Suspected front for exploitation' },
] as const)

/** The same links read from the person's side: "Kyle Walsh (employer of a victim)" would name him the employer. */
const PERSON_SIDE: Record<string, string> = {
  named: 'Named with it',
  employer: 'Works or worked here',
  'exploitation-site': 'Exploited here',
  'suspected-front': 'Linked to it',
}

/** How a business is connected, in words, as a referral or live job reads it or (`personSide`) as a person's page does. */
export function businessRelationText(relation: string, personSide = false): string {
  return (
    (personSide ? PERSON_SIDE[relation] : undefined) ??
    BUSINESS_RELATIONS.items.find((k) => k.value === relation)?.text ??
    relation
  )
}

const kindText = (kind: string) => BUSINESS_KINDS.items.find((k) => k.value === kind)?.text ?? kind

/** Places and businesses as shared records: recorded once, offered when recorded again, merged when created twice. */
export function createPlaceService(db: Db) {
  async function visiblePlace(id: string, user: CurrentUser) {
    if (!(await isRecordVisible(db, 'location', id, user))) throw new PlaceError('not-found', 'Place not found')
  }

  async function visibleBusiness(id: string, user: CurrentUser) {
    const found = await repo.findBusiness(db, id)
    if (!found || !(await repo.isBusinessVisible(db, id, user))) throw new PlaceError('not-found', 'Business not found')
    return found
  }

  /**
   * What the "link a business" page is about ("referral REF-…", "live job CASE-…", a person's name), once the
   * access policy lets the user see it; not-found otherwise, the same for hidden as for missing.
   */
  async function visibleTarget(target: repo.BusinessTarget, user: CurrentUser): Promise<string> {
    const visible =
      target.type === 'case'
        ? await isCaseVisible(db, target.id, user)
        : target.type === 'person'
          ? await isRecordVisible(db, 'person', target.id, user)
          : true
    const label = visible ? await repo.targetLabel(db, target) : undefined
    if (!label) throw new PlaceError('not-found', 'Not found')
    return label
  }

  function checkReason(reason: string): string {
    const text = reason.trim()
    if (!text) throw new PlaceError('invalid', 'Say why', 'reason')
    if (text.length > 1000) throw new PlaceError('invalid', 'Reason must be 1,000 characters or fewer', 'reason')
    return text
  }

  return {
    /** Places already recorded at this postcode (the same address first), as recording a place offers them. */
    matches: (place: { addressLine1: string | null; postcode: string | null }, user: CurrentUser) =>
      repo.matchingPlaces(db, place, user),

    /** A place's page: what it is, who and what is linked to it (its merged copies' too), its businesses. Audited. */
    async place(id: string, user: CurrentUser, actor: Actor) {
      await visiblePlace(id, user)
      return inTransaction(db, async (trx) => {
        const record = await repo.placeRecord(trx, id, user)
        if (!record) throw new PlaceError('not-found', 'Place not found')
        const links = (
          await Promise.all([id, ...record.merged.map((m) => m.id)].map((pid) => listLinks(trx, 'location', pid, user)))
        ).flat()
        const duplicates = record.place.merged_into
          ? []
          : (
              await repo.matchingPlaces(
                trx,
                { addressLine1: record.place.address_line_1, postcode: record.place.postcode },
                user,
              )
            ).filter((m) => m.id !== id)
        await appendAuditEvents(trx, actor, [{ action: 'place.viewed', subjectType: 'location', subjectId: id }])
        return { ...record, links, duplicates }
      })
    },

    /** "About 8 men sleeping on site": people at the place not yet identified, shown on it and in prompts. */
    async recordUnknownOthers(
      id: string,
      input: { count: number | null; note: string | null; on: string | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      await visiblePlace(id, user)
      if (input.count !== null && (!Number.isInteger(input.count) || input.count < 1 || input.count > 10000))
        throw new PlaceError('invalid', 'Enter how many people, as a whole number from 1 to 10,000', 'unknownCount')
      const note = input.note?.trim() || null
      if (note && note.length > 500)
        throw new PlaceError('invalid', 'What was seen must be 500 characters or fewer', 'unknownNote')
      await inTransaction(db, async (trx) => {
        await repo.setUnknownOthers(trx, id, { count: input.count, note, on: input.on })
        await appendAuditEvents(trx, actor, [
          {
            action: 'place.unknown-others-recorded',
            subjectType: 'location',
            subjectId: id,
            details: { estimate: input.count },
          },
        ])
      })
    },

    /** Merges a place recorded twice (`mergedId`) into this one; reversible. Both must be seen by the user. */
    async mergePlace(survivorId: string, mergedId: string, reason: string, user: CurrentUser, actor: Actor) {
      const why = checkReason(reason)
      if (survivorId === mergedId) throw new PlaceError('invalid', 'Select a different place', 'mergedId')
      await visiblePlace(survivorId, user)
      if (!(await isRecordVisible(db, 'location', mergedId, user)))
        throw new PlaceError('invalid', 'Select a place from the list', 'mergedId')
      await inTransaction(db, async (trx) => {
        const [survivorParent, mergedParent] = await Promise.all([
          repo.isMergedPlace(trx, survivorId),
          repo.isMergedPlace(trx, mergedId),
        ])
        if (survivorParent) throw new PlaceError('conflict', 'This place is itself merged into another', 'mergedId')
        if (mergedParent) throw new PlaceError('invalid', 'That place is already merged', 'mergedId')
        const mergeId = await repo.mergeRecord(trx, 'location', { survivorId, mergedId, reason: why, by: actor.userId })
        await appendAuditEvents(trx, actor, [
          {
            action: 'place.merged',
            subjectType: 'location',
            subjectId: survivorId,
            justification: why,
            details: { mergedId, mergeId },
          },
        ])
      })
    },

    async unmergePlace(mergedId: string, reason: string, user: CurrentUser, actor: Actor) {
      const why = checkReason(reason)
      await visiblePlace(mergedId, user)
      await inTransaction(db, async (trx) => {
        const survivorId = await repo.isMergedPlace(trx, mergedId)
        if (!survivorId) throw new PlaceError('conflict', 'This place is not merged', 'reason')
        await repo.unmergeRecord(trx, 'location', { survivorId, mergedId, reason: why, by: actor.userId })
        await appendAuditEvents(trx, actor, [
          {
            action: 'place.unmerged',
            subjectType: 'location',
            subjectId: mergedId,
            justification: why,
            details: { survivorId },
          },
        ])
      })
    },

    /** Businesses by name, for the list and the "is it one of these?" check. */
    search: (query: string, user: CurrentUser) => repo.findBusinesses(db, query, user),

    /**
     * Records a business, unless one by a similar name is already known and the user has not said this is a
     * different one (`confirmedNew`): then the matches come back to be chosen from instead of making a copy.
     */
    async createBusiness(
      input: { name: string; kind: string; notes: string | null; confirmedNew: boolean },
      user: CurrentUser,
      actor: Actor,
    ): Promise<{ id: string } | { matches: repo.BusinessMatch[] }> {
      const name = input.name.trim()
      if (!name) throw new PlaceError('invalid', 'Enter the business’s name', 'businessName')
      if (name.length > 200) throw new PlaceError('invalid', 'Name must be 200 characters or fewer', 'businessName')
      if (!BUSINESS_KINDS.values.includes(input.kind as never))
        throw new PlaceError('invalid', 'Select what kind of business it is', 'businessKind')
      const notes = input.notes?.trim() || null
      if (notes && notes.length > 1000)
        throw new PlaceError('invalid', 'Notes must be 1,000 characters or fewer', 'businessNotes')
      if (!input.confirmedNew) {
        const matches = await repo.findBusinesses(db, name, user, 10)
        if (matches.length > 0) return { matches }
      }
      return inTransaction(db, async (trx) => {
        const id = await repo.insertBusiness(trx, { name, kind: input.kind, notes, createdBy: actor.userId })
        await appendAuditEvents(trx, actor, [{ action: 'business.recorded', subjectType: 'business', subjectId: id }])
        return { id }
      })
    },

    async business(id: string, user: CurrentUser, actor: Actor) {
      await visibleBusiness(id, user)
      return inTransaction(db, async (trx) => {
        const record = await repo.businessRecord(trx, id, user)
        if (!record) throw new PlaceError('not-found', 'Business not found')
        const similar = record.business.merged_into
          ? []
          : (await repo.findBusinesses(trx, record.business.name, user, 10)).filter((b) => b.id !== id)
        await appendAuditEvents(trx, actor, [{ action: 'business.viewed', subjectType: 'business', subjectId: id }])
        return { ...record, kindText: kindText(record.business.kind), similar }
      })
    },

    /** Adds premises to a business: a place already recorded at that address is used, never copied. */
    async addPremises(
      id: string,
      input: { locationId: string | null; place: LocationInput | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<string> {
      await visibleBusiness(id, user)
      if (input.locationId && !(await isRecordVisible(db, 'location', input.locationId, user)))
        throw new PlaceError('invalid', 'Select a place from the list', 'locationId')
      if (!input.locationId && !input.place)
        throw new PlaceError('invalid', 'Enter an address, a postcode or a description of the place', 'addressLine1')
      return inTransaction(db, async (trx) => {
        const locationId =
          input.locationId ?? (await repo.placeFor(trx, input.place!, user, (t, l) => createPlace(t, l))).id
        await repo.addPremises(trx, id, locationId, actor.userId)
        await appendAuditEvents(trx, actor, [
          { action: 'business.premises-added', subjectType: 'business', subjectId: id, details: { locationId } },
        ])
        return locationId
      })
    },

    /** Links a business to a referral or live job by its reference ("named in it", "employer of a victim"). */
    async linkByReference(
      id: string,
      input: { reference: string; relation: string },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      await visibleBusiness(id, user)
      if (!BUSINESS_RELATIONS.values.includes(input.relation as never))
        throw new PlaceError('invalid', 'Select how the business is connected', 'relation')
      const target = input.reference.trim() ? await repo.findByReference(db, input.reference) : undefined
      if (!target || (target.type === 'case' && !(await isCaseVisible(db, target.id, user))))
        throw new PlaceError(
          'invalid',
          'Enter the reference of a referral or live job, like REF-2026-000012 or CASE-2026-000003',
          'reference',
        )
      await inTransaction(db, async (trx) => {
        await repo.linkBusiness(trx, {
          businessId: id,
          referralId: target.type === 'referral' ? target.id : null,
          caseId: target.type === 'case' ? target.id : null,
          relation: input.relation,
          by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'business.linked',
            subjectType: 'business',
            subjectId: id,
            details: { [target.type === 'case' ? 'caseId' : 'referralId']: target.id, relation: input.relation },
          },
        ])
      })
    },

    /** The businesses linked to a referral, a live job or a person, for that record's page. */
    linkedTo: (target: repo.BusinessTarget) => repo.businessesLinkedTo(db, target),

    /** The label of a record a business can be linked to, under the access policy. */
    linkTarget: (target: repo.BusinessTarget, user: CurrentUser) => visibleTarget(target, user),

    /**
     * Links a business to a referral, live job or person where the work happens: found by name, never copied.
     * Without a choice, the businesses with a similar name come back to be chosen from ("Is it one of these?");
     * `choice` is then one of them, or 'new' with the kind of business to record it (recorded, linked and audited
     * in one transaction). A business merged into another is linked as the one it was merged into.
     */
    async linkTo(
      target: repo.BusinessTarget,
      input: { name: string; relation: string; choice: string | null; kind: string | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<{ linked: { id: string; created: boolean } } | { matches: repo.BusinessMatch[] }> {
      await visibleTarget(target, user)
      const name = input.name.trim()
      if (!name) throw new PlaceError('invalid', 'Enter the business’s name', 'businessName')
      if (name.length > 200) throw new PlaceError('invalid', 'Name must be 200 characters or fewer', 'businessName')
      if (!BUSINESS_RELATIONS.values.includes(input.relation as never))
        throw new PlaceError('invalid', 'Select how the business is connected', 'relation')
      let businessId: string | null = null
      if (input.choice && input.choice !== 'new') {
        const chosen = await repo.findBusiness(db, input.choice)
        if (!chosen || !(await repo.isBusinessVisible(db, chosen.id, user)))
          throw new PlaceError('invalid', 'Select a business from the list', 'businessChoice')
        businessId = chosen.merged_into ?? chosen.id
      } else if (input.choice === 'new') {
        if (!BUSINESS_KINDS.values.includes(input.kind as never))
          throw new PlaceError('invalid', 'Select what kind of business it is', 'businessKind')
      } else {
        return { matches: await repo.findBusinesses(db, name, user, 10) }
      }
      return inTransaction(db, async (trx) => {
        const events: AuditEventInput[] = []
        const created = businessId === null
        const id =
          businessId ??
          (await repo.insertBusiness(trx, { name, kind: input.kind!, notes: null, createdBy: actor.userId }))
        if (created) events.push({ action: 'business.recorded', subjectType: 'business', subjectId: id })
        const key = target.type === 'case' ? 'caseId' : target.type === 'person' ? 'personId' : 'referralId'
        await repo.linkBusiness(trx, { businessId: id, [key]: target.id, relation: input.relation, by: actor.userId })
        events.push({
          action: 'business.linked',
          subjectType: 'business',
          subjectId: id,
          details: { [key]: target.id, relation: input.relation },
        })
        await appendAuditEvents(trx, actor, events)
        return { linked: { id, created } }
      })
    },

    async mergeBusiness(survivorId: string, mergedId: string, reason: string, user: CurrentUser, actor: Actor) {
      const why = checkReason(reason)
      if (survivorId === mergedId) throw new PlaceError('invalid', 'Select a different business', 'mergedId')
      const survivor = await visibleBusiness(survivorId, user)
      const merged = await repo.findBusiness(db, mergedId)
      if (!merged || !(await repo.isBusinessVisible(db, mergedId, user)))
        throw new PlaceError('invalid', 'Select a business from the list', 'mergedId')
      if (survivor.merged_into)
        throw new PlaceError('conflict', 'This business is itself merged into another', 'mergedId')
      if (merged.merged_into) throw new PlaceError('invalid', 'That business is already merged', 'mergedId')
      await inTransaction(db, async (trx) => {
        const mergeId = await repo.mergeRecord(trx, 'business', { survivorId, mergedId, reason: why, by: actor.userId })
        await appendAuditEvents(trx, actor, [
          {
            action: 'business.merged',
            subjectType: 'business',
            subjectId: survivorId,
            justification: why,
            details: { mergedId, mergeId },
          },
        ])
      })
    },

    async unmergeBusiness(mergedId: string, reason: string, user: CurrentUser, actor: Actor) {
      const why = checkReason(reason)
      const merged = await visibleBusiness(mergedId, user)
      if (!merged.merged_into) throw new PlaceError('conflict', 'This business is not merged', 'reason')
      await inTransaction(db, async (trx) => {
        await repo.unmergeRecord(trx, 'business', {
          survivorId: merged.merged_into!,
          mergedId,
          reason: why,
          by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'business.unmerged',
            subjectType: 'business',
            subjectId: mergedId,
            justification: why,
            details: { survivorId: merged.merged_into },
          },
        ])
      })
    },
  }
}

export type PlaceService = ReturnType<typeof createPlaceService>
