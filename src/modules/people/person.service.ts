import type { Db, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor, AuditEventInput } from '#src/platform/audit/audit-events.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { normaliseName, scriptOf } from '#src/shared/names.ts'
import { normaliseIdentifier, type ObjectKind } from './identifiers.ts'
import * as repo from './person.repository.ts'
import { listForPerson as listSupportWorkers } from './support-workers.repository.ts'
import { cuckooedVisible, isRecordVisible, victimSideAccess, type VictimSideAccess } from './access-policy.ts'
import { sql } from 'kysely'
import type { LocationInput, PersonDetailsChange, PersonRecordInput } from './person.schema.ts'
import * as records from './records.repository.ts'
import * as places from './places.repository.ts'
import { OUTSIDER } from './places.repository.ts'

/** `not-a-victim`: the change needs a victim side (a victim role somewhere) and the person has none. */
export const PersonError = defineDomainError('PersonError', {
  'not-found': 404,
  invalid: 400,
  forbidden: 403,
  'not-a-victim': 409,
  /** A record merged into another person: the caller shows its survivor instead (`view` with `refuseMerged`). */
  merged: 409,
})

/** How a person is connected to a place. */
export const PLACE_RELATIONS = {
  'lives-at': 'Lives at',
  'stays-at': 'Stays at',
  'works-at': 'Works at',
  'exploited-at': 'Exploited at',
  'recovered-from': 'Recovered from',
  visits: 'Visits',
  other: 'Other connection',
} as const
export type PlaceRelation = keyof typeof PLACE_RELATIONS

type ObjectLinkInput = {
  kind: ObjectKind
  value: string
  relation: string
  validFrom: string | null
  source: string
  caseId?: string | null
  details?: Record<string, unknown>
}

export type { VictimSideAccess as VictimFacetAccess } from './access-policy.ts'
/** The victim-side policy (access-policy.ts), under the name the modules have always called it by. */
export const victimFacetAccess = victimSideAccess

/** A person's new link to an identifier (a phone, a vehicle, a place). */
export type PersonLink = {
  linkId: string
  personId: string
  toType: 'object' | 'location'
  toId: string
  relation: string
  caseId: string | null
}

/**
 * What other modules do when a person's record changes, in the same transaction. Given by the container, so the
 * owner of people does not reach into the modules that use them.
 * - `ageChanged`: their age decides whether each referral they are in is about a child, so the referrals module
 *   derives its urgency again.
 * - `linked`: a link to an identifier others share raises a safeguarding prompt (the intelligence module).
 */
export type PersonHooks = {
  ageChanged: (trx: Trx, personId: string) => Promise<void>
  linked: (trx: Trx, link: PersonLink, actor: Actor) => Promise<unknown>
}

export function createPersonService(db: Db, hooks: PersonHooks) {
  async function load(id: string) {
    const person = await repo.findPerson(db, id)
    if (!person) throw new PersonError('not-found', 'Person not found')
    return person
  }

  async function linkObjectWithin(trx: Trx, id: string, input: ObjectLinkInput, actor: Actor): Promise<string> {
    const normalised = normaliseIdentifier(input.kind, input.value)
    if (!normalised.ok) throw new PersonError('invalid', normalised.message, 'value')
    const details = { ...(input.details ?? {}), ...(normalised.note ? { note: normalised.note } : {}) }
    const objectId = await repo.upsertObject(trx, {
      id: uuidv7(),
      kind: input.kind,
      value: normalised.value,
      display: normalised.display,
      details,
      createdBy: actor.userId,
    })
    const linkId = uuidv7()
    await repo.touchPerson(trx, id)
    await repo.insertLink(trx, {
      id: linkId,
      from_type: 'person',
      from_id: id,
      to_type: 'object',
      to_id: objectId,
      relation: input.relation,
      valid_from: input.validFrom,
      valid_to: null,
      source: input.source,
      case_id: input.caseId ?? null,
      referral_id: null,
      created_by: actor.userId,
    })
    await hooks.linked(
      trx,
      {
        linkId,
        personId: id,
        toType: 'object',
        toId: objectId,
        relation: input.relation,
        caseId: input.caseId ?? null,
      },
      actor,
    )
    await appendAuditEvents(trx, actor, [
      { action: 'person.updated', subjectType: 'person', subjectId: id, details: { linked: input.kind, objectId } },
    ])
    return objectId
  }

  return {
    /**
     * A person's record: names, documents, roles and links. The view is audited, with `alsoShown`: what else the
     * same page shows (such as possible matches), recorded in the same append. Protected facets are not in it.
     */
    async view(
      id: string,
      user: CurrentUser,
      actor: Actor,
      alsoShown: AuditEventInput[] = [],
      options: {
        refuseMerged?: boolean
        /** The person's victim side for this user, when the page has already asked (victimSide): not asked twice. */
        facet?: VictimSideAccess
      } = {},
    ) {
      const person = await load(id)
      // A page that shows a merged record as its survivor learns so from the one read of the person, before any
      // audit, and only then asks where it went.
      if (options.refuseMerged && person.merged_into)
        throw new PersonError('merged', 'This record has been merged into another person')
      // Someone who exists only inside a restricted live job the user does not work does not exist for them.
      if (!(await isRecordVisible(db, 'person', id, user))) throw new PersonError('not-found', 'Person not found')
      return inTransaction(db, async (trx) => {
        const [names, documents, roles, links, hasStatus] = await Promise.all([
          repo.listNames(trx, id),
          repo.listDocuments(trx, id),
          repo.listRoles(trx, id, user),
          repo.listLinks(trx, 'person', id, user),
          repo.hasImmigrationStatus(trx, id),
        ])
        const facet = options.facet ?? (await victimFacetAccess(trx, user, id))
        // Who supports them is part of their victim side: read only for someone who sees it.
        const supportWorkers =
          facet.exists && facet.visible ? await listSupportWorkers(trx, id, { includeEnded: false }) : []
        await appendAuditEvents(trx, actor, [
          { action: 'person.viewed', subjectType: 'person', subjectId: id },
          ...alsoShown,
        ])
        // Roles in a restricted live job are read only for its team (listRoles): to anyone else the job does
        // not exist, so not even a count of "more" is shown.
        return { person, names, documents, roles, links, hasImmigrationStatus: hasStatus, facet, supportWorkers }
      })
    },

    /**
     * The person's victim side for this user (the access policy's one query), for a page that shows several of its
     * parts (the support summary, the person view) to ask once per request and pass the answer on.
     */
    victimSide(id: string, user: CurrentUser): Promise<VictimSideAccess> {
      return victimFacetAccess(db, user, id)
    },

    /** Records a person on their own (not through a referral), with their names in any script. */
    async create(input: PersonRecordInput, actor: Actor): Promise<string> {
      return inTransaction(db, async (trx) => {
        const id = await records.createPerson(trx, input, actor.userId)
        await appendAuditEvents(trx, actor, [{ action: 'person.created', subjectType: 'person', subjectId: id }])
        return id
      })
    },

    /** An object or a place with the people linked to it: what an analyst follows from a phone or an address. */
    async entity(type: 'object' | 'location', id: string, user: CurrentUser, actor: Actor) {
      return inTransaction(db, async (trx) => {
        const notFound = new PersonError('not-found', type === 'object' ? 'Object not found' : 'Place not found')
        if (!(await isRecordVisible(trx, type, id, user))) throw notFound
        const row =
          type === 'object'
            ? await trx
                .selectFrom('objects')
                .select(['id', 'kind', 'display'])
                .select(sql<string | null>`details->>'note'`.as('note'))
                .where('id', '=', id)
                .executeTakeFirst()
            : await trx
                .selectFrom('locations')
                .select(['id', 'postcode', 'premises_type', 'shared_place', 'shared_place_kind'])
                .select(sql<boolean>`cuckooed AND ${cuckooedVisible(sql.ref('locations.id'), user)}`.as('cuckooed'))
                .select(sql<string>`concat_ws(', ', address_line_1, town, postcode, description)`.as('display'))
                .where('id', '=', id)
                .executeTakeFirst()
        if (!row) throw notFound
        const links = await repo.listLinks(trx, type, id, user)
        await appendAuditEvents(trx, actor, [{ action: 'person.viewed', subjectType: type, subjectId: id }])
        return { row, links }
      })
    },

    /** Corrects a person's details; the audit names the fields changed, never their values. */
    async updateDetails(id: string, change: PersonDetailsChange, actor: Actor): Promise<void> {
      const fields = Object.keys(change)
      if (fields.length === 0) throw new PersonError('invalid', 'Change at least one detail', 'dateOfBirth')
      await inTransaction(db, async (trx) => {
        const found = await repo.updatePersonDetails(trx, id, {
          ...('dateOfBirth' in change ? { date_of_birth: change.dateOfBirth ?? null } : {}),
          ...('approximateAge' in change ? { approximate_age: change.approximateAge ?? null } : {}),
          ...(change.ageDisputed !== undefined ? { age_disputed: change.ageDisputed } : {}),
          ...(change.gender !== undefined ? { gender: change.gender } : {}),
          ...(change.nationalities !== undefined ? { nationalities: change.nationalities } : {}),
          ...(change.languages !== undefined ? { languages: change.languages } : {}),
          ...('vulnerability' in change ? { vulnerability: change.vulnerability ?? null } : {}),
        })
        if (!found) throw new PersonError('not-found', 'Person not found')
        // An age corrected may make a referral about a child (or no longer): its urgency follows the facts.
        if ('dateOfBirth' in change || 'approximateAge' in change || change.ageDisputed !== undefined)
          await hooks.ageChanged(trx, id)
        await appendAuditEvents(trx, actor, [
          { action: 'person.updated', subjectType: 'person', subjectId: id, details: { changed: fields } },
        ])
      })
    },

    /** Records a place and how the person is connected to it (lives, works, was exploited there), dated and sourced. */
    async linkPlace(
      id: string,
      input: {
        place: LocationInput
        relation: PlaceRelation
        source: string
        validFrom: string | null
        caseId?: string | null
        /** A place already recorded, chosen when recording this one offered it. */
        existingPlaceId?: string | null
        /** The user said this is a different place from those offered: record a new one. */
        confirmedNew?: boolean
        /** Whose view decides which existing places may be reused (everyone's when not given). */
        user?: CurrentUser | null
      },
      actor: Actor,
    ): Promise<string> {
      await load(id)
      if (!Object.hasOwn(PLACE_RELATIONS, input.relation))
        throw new PersonError('invalid', 'Select how they are connected to the place', 'relation')
      const source = input.source.trim()
      if (!source) throw new PersonError('invalid', 'Say where this came from', 'source')
      if (source.length > 200) throw new PersonError('invalid', 'Source must be 200 characters or fewer', 'source')
      if (input.existingPlaceId) {
        const visible = await isRecordVisible(db, 'location', input.existingPlaceId, input.user ?? OUTSIDER)
        if (
          !visible ||
          !(await records.placeExists(db, input.existingPlaceId)) ||
          (await places.isMergedPlace(db, input.existingPlaceId))
        )
          throw new PersonError(
            'invalid',
            'Select one of the places offered, or say it is a different place',
            'placeChoice',
          )
      }
      return inTransaction(db, async (trx) => {
        // One place is one record: the same address already recorded is linked, not copied.
        const locationId =
          input.existingPlaceId ??
          (input.confirmedNew
            ? await records.createPlace(trx, input.place)
            : (await places.placeFor(trx, input.place, input.user ?? null, records.createPlace)).id)
        const linkId = uuidv7()
        await repo.touchPerson(trx, id)
        await repo.insertLink(trx, {
          id: linkId,
          from_type: 'person',
          from_id: id,
          to_type: 'location',
          to_id: locationId,
          relation: input.relation,
          valid_from: input.validFrom,
          valid_to: null,
          source,
          case_id: input.caseId ?? null,
          referral_id: null,
          created_by: actor.userId,
        })
        await hooks.linked(
          trx,
          {
            linkId,
            personId: id,
            toType: 'location',
            toId: locationId,
            relation: input.relation,
            caseId: input.caseId ?? null,
          },
          actor,
        )
        await appendAuditEvents(trx, actor, [
          { action: 'place.recorded', subjectType: 'location', subjectId: locationId },
          {
            action: 'person.updated',
            subjectType: 'person',
            subjectId: id,
            details: { linked: 'location', locationId },
          },
        ])
        return locationId
      })
    },

    /** Records a place on its own, for example premises seen on a visit before anyone there is known. */
    async createPlace(place: LocationInput, actor: Actor): Promise<string> {
      return inTransaction(db, async (trx) => {
        const locationId = await records.createPlace(trx, place)
        await appendAuditEvents(trx, actor, [
          { action: 'place.recorded', subjectType: 'location', subjectId: locationId },
        ])
        return locationId
      })
    },

    async addName(id: string, input: { fullName: string; kind: string }, actor: Actor): Promise<void> {
      await load(id)
      const fullName = input.fullName.trim()
      if (!fullName) throw new PersonError('invalid', 'Enter the name', 'fullName')
      if (fullName.length > 200) throw new PersonError('invalid', 'Name must be 200 characters or fewer', 'fullName')
      if (!['alias', 'spelling', 'original-script', 'nickname'].includes(input.kind))
        throw new PersonError('invalid', 'Select what kind of name this is', 'kind')
      await inTransaction(db, async (trx) => {
        await repo.insertName(trx, {
          id: uuidv7(),
          personId: id,
          kind: input.kind,
          fullName,
          normalised: normaliseName(fullName),
          script: scriptOf(fullName),
        })
        await repo.touchPerson(trx, id)
        await appendAuditEvents(trx, actor, [
          {
            action: 'person.updated',
            subjectType: 'person',
            subjectId: id,
            details: { added: 'name', kind: input.kind },
          },
        ])
      })
    },

    async addDocument(
      id: string,
      input: {
        kind: string
        number: string | null
        issuingCountry: string | null
        expiresOn: string | null
        heldByPerson: boolean | null
      },
      actor: Actor,
    ): Promise<void> {
      await load(id)
      await inTransaction(db, async (trx) => {
        await repo.insertDocument(trx, {
          id: uuidv7(),
          person_id: id,
          kind: input.kind,
          number: input.number,
          issuing_country: input.issuingCountry,
          expires_on: input.expiresOn,
          held_by_person: input.heldByPerson,
          created_by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'person.updated',
            subjectType: 'person',
            subjectId: id,
            details: { added: 'document', kind: input.kind },
          },
        ])
      })
    },

    /** Links a phone, vehicle, account or deal line to a person, creating the object if it is new. */
    async linkObject(id: string, input: ObjectLinkInput, actor: Actor): Promise<string> {
      await load(id)
      const normalised = normaliseIdentifier(input.kind, input.value)
      if (!normalised.ok) throw new PersonError('invalid', normalised.message, 'value')
      return inTransaction(db, (trx) => linkObjectWithin(trx, id, input, actor))
    },

    /** linkObject inside a transaction the caller holds: a bulk import's batch, for a person it has just created. */
    linkObjectWithin,

    /** Shows immigration status to a permitted user who states why; the view and the reason are audited. */
    async viewImmigrationStatus(id: string, purpose: string, user: CurrentUser, actor: Actor) {
      if (!can(user, 'immigration-status:view'))
        throw new PersonError('forbidden', 'Your role cannot see immigration status')
      if (!purpose.trim())
        throw new PersonError('invalid', 'Enter why you need to see their immigration status', 'purpose')
      await load(id)
      return inTransaction(db, async (trx) => {
        const status = await repo.findImmigrationStatus(trx, id)
        await appendAuditEvents(trx, actor, [
          { action: 'immigration-status.viewed', subjectType: 'person', subjectId: id, justification: purpose.trim() },
        ])
        return status ?? null
      })
    },

    async recordImmigrationStatus(
      id: string,
      input: { status: string; notes: string | null },
      actor: Actor,
    ): Promise<void> {
      await load(id)
      if (!input.status.trim()) throw new PersonError('invalid', 'Enter their immigration status', 'status')
      await inTransaction(db, async (trx) => {
        await repo.upsertImmigrationStatus(trx, {
          personId: id,
          status: input.status.trim(),
          notes: input.notes,
          recordedBy: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          { action: 'immigration-status.recorded', subjectType: 'person', subjectId: id },
        ])
      })
    },
  }
}

export type PersonService = ReturnType<typeof createPersonService>
