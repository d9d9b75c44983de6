import type { Db, DisclosedNarrative, Queryable, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { formatDate, londonDate } from '#src/shared/dates.ts'
import { victimFacetAccess } from '#src/modules/people/index.ts'
import {
  DISCLOSABLE_FIELDS,
  isDisclosableField,
  isProtectedField,
  LAWFUL_BASES,
  type DisclosableField,
  type LawfulBasis,
} from './disclosure.fields.ts'
import * as repo from './disclosure.repository.ts'
import { markNarrative, marksOf, redactNarrative, type MarkKind } from './disclosure.redaction.ts'

export const DisclosureError = defineDomainError('DisclosureError', { 'not-found': 404, invalid: 400, forbidden: 403 })

export type AgreementInput = {
  title: string
  purposes: string
  lawfulBasis: string
  agencyIds: string[]
  allowedFields: string[]
  startsOn: string
  reviewOn: string
  endsOn: string
}
export type DisclosureInput = {
  agencyId: string
  agreementId: string
  purpose: string
  fields: string[]
  expiresOn: string
  protectedBasis?: string | null
  /** The marks of "what was reported" the officer chose to send (keys from `narrativeOptions`); none by default. */
  release?: readonly string[]
  /** Made for an agenda item of a hub meeting the agency is invited to. */
  meetingItemId?: string | null
}

const labels = (fields: readonly string[]) =>
  fields.map((f) => (isDisclosableField(f) ? DISCLOSABLE_FIELDS[f].label : f)).join(', ')

/**
 * Need-to-know sharing: agreements, disclosures of the minimum fields, approval of protected fields, revocation,
 * and the partner's view. Every rule about what leaves the force is here; pages and API only ask.
 */
export function createDisclosureService(db: Db) {
  async function agencyOf(user: CurrentUser): Promise<string | null> {
    const row = await db.selectFrom('users').select('agency_id').where('id', '=', user.id).executeTakeFirst()
    return row?.agency_id ?? null
  }

  /** Whether this user may share a protected field at all: never what they could not see themselves. */
  async function maySee(user: CurrentUser, personId: string, field: DisclosableField): Promise<boolean> {
    const protects = DISCLOSABLE_FIELDS[field].protects
    if (protects === 'immigration-status') return can(user, 'immigration-status:view')
    if (protects === 'victim-facet') return (await victimFacetAccess(db, user, personId)).visible
    return true
  }

  /** Each referral's "what was reported", marked for the officer: other people's names and identifiers. */
  async function markedNarratives(q: Queryable, personId: string) {
    return (await repo.narrativeSources(q, personId)).map((r) => {
      const segments = markNarrative(r.summary, {
        subjectNames: r.subject_names,
        otherNames: r.other_names,
        identifiers: r.identifiers.map((i) => ({ kind: i.kind as MarkKind, text: i.text })),
      })
      return { referralId: r.referral_id, receivedAt: r.received_at, segments, marks: marksOf(segments) }
    })
  }

  return {
    listAgreements: () => repo.listAgreements(db),

    /** For the officer choosing what to send: each "what was reported" with its marks, none of them chosen. */
    narrativeOptions: (personId: string) => markedNarratives(db, personId),

    async recordAgreement(input: AgreementInput, actor: Actor): Promise<string> {
      const errors: [string, string][] = []
      if (!input.title.trim()) errors.push(['title', 'Enter the agreement’s title'])
      if (!input.purposes.trim()) errors.push(['purposes', 'Enter the purposes the agreement allows sharing for'])
      if (!Object.hasOwn(LAWFUL_BASES, input.lawfulBasis)) errors.push(['lawfulBasis', 'Select the lawful basis'])
      if (input.agencyIds.length === 0) errors.push(['agencyIds', 'Select at least one partner agency'])
      if (input.allowedFields.length === 0 || !input.allowedFields.every(isDisclosableField))
        errors.push(['allowedFields', 'Select the categories of data the agreement allows'])
      if (input.endsOn < input.startsOn) errors.push(['endsOn-day', 'The end date must be on or after the start date'])
      if (input.reviewOn > input.endsOn)
        errors.push(['reviewOn-day', 'The review date must be on or before the end date'])
      if (errors.length > 0) throw new DisclosureError('invalid', errors[0][1], errors[0][0])
      return inTransaction(db, async (trx) => {
        const known = await trx.selectFrom('agencies').select('id').where('id', 'in', input.agencyIds).execute()
        if (known.length !== new Set(input.agencyIds).size)
          throw new DisclosureError('invalid', 'Select partner agencies from the list', 'agencyIds')
        const id = uuidv7()
        await repo.insertAgreement(
          trx,
          {
            id,
            title: input.title.trim(),
            purposes: input.purposes.trim(),
            lawful_basis: input.lawfulBasis,
            allowed_fields: input.allowedFields,
            starts_on: input.startsOn,
            review_on: input.reviewOn,
            ends_on: input.endsOn,
            created_by: actor.userId,
          },
          [...new Set(input.agencyIds)],
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'agreement.recorded',
            subjectType: 'agreement',
            subjectId: id,
            details: { agencies: input.agencyIds, lawfulBasis: input.lawfulBasis, fields: input.allowedFields },
          },
        ])
        return id
      })
    },

    listForPerson: (personId: string) => repo.listDisclosuresForPerson(db, personId),

    /**
     * Shares the chosen fields of a person's record with an agency under an agreement. Refused, with nothing
     * written, when the agreement has ended, does not cover the agency, or does not allow a field. Protected
     * fields need a supervisor's approval with a lawful basis; requested by anyone else, the disclosure waits.
     */
    async disclose(
      personId: string,
      input: DisclosureInput,
      user: CurrentUser,
      actor: Actor,
      options: { alongside?: (trx: Trx) => Promise<string> } = {},
    ): Promise<{ id: string; status: 'live' | 'awaiting-approval'; waitingId: string | null }> {
      const purpose = input.purpose.trim()
      const fields = [...new Set(input.fields)]
      if (fields.length === 0)
        throw new DisclosureError('invalid', 'Select the fields to share: only what the agency needs', 'fields')
      if (!fields.every(isDisclosableField))
        throw new DisclosureError('invalid', 'Select fields from the list', 'fields')
      if (!purpose) throw new DisclosureError('invalid', 'Enter why the agency needs this information', 'purpose')
      if (purpose.length > 1000)
        throw new DisclosureError('invalid', 'Purpose must be 1000 characters or fewer', 'purpose')
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.expiresOn) || input.expiresOn <= londonDate())
        throw new DisclosureError('invalid', 'The disclosure must end on a date in the future', 'expiresOn-day')
      const protectedFields = fields.filter(isProtectedField)
      for (const field of protectedFields) {
        if (!(await maySee(user, personId, field)))
          throw new DisclosureError(
            'forbidden',
            `You cannot share ${DISCLOSABLE_FIELDS[field].label.toLowerCase()}: you cannot see it yourself`,
            'fields',
          )
      }
      const approver = protectedFields.length > 0 && can(user, 'disclosure:approve')
      const basis = input.protectedBasis?.trim() ?? ''
      if (approver && !basis)
        throw new DisclosureError(
          'invalid',
          'Enter the lawful basis for sharing the protected fields',
          'protectedBasis',
        )
      return inTransaction(db, async (trx) => {
        if (!(await trx.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst()))
          throw new DisclosureError('not-found', 'Person not found')
        const agency = await trx
          .selectFrom('agencies')
          .select(['id', 'name'])
          .where('id', '=', input.agencyId)
          .where('active', '=', true)
          .executeTakeFirst()
        if (!agency) throw new DisclosureError('invalid', 'Select an agency from the list', 'agencyId')
        const agreement = await repo.findAgreement(trx, input.agreementId)
        if (!agreement) throw new DisclosureError('invalid', 'Select an information-sharing agreement', 'agreementId')
        if (!agreement.parties.some((p) => p.id === agency.id))
          throw new DisclosureError(
            'invalid',
            `${agency.name} is not a party to ‘${agreement.title}’: choose an agreement that covers them`,
            'agreementId',
          )
        const today = londonDate()
        if (agreement.ends_on < today)
          throw new DisclosureError(
            'invalid',
            `‘${agreement.title}’ ended on ${formatDate(agreement.ends_on)}: it cannot be used to share`,
            'agreementId',
          )
        if (agreement.starts_on > today)
          throw new DisclosureError(
            'invalid',
            `‘${agreement.title}’ starts on ${formatDate(agreement.starts_on)}: it cannot be used yet`,
            'agreementId',
          )
        const notAllowed = fields.filter((f) => !agreement.allowed_fields.includes(f))
        if (notAllowed.length > 0)
          throw new DisclosureError(
            'invalid',
            `‘${agreement.title}’ does not allow sharing: ${labels(notAllowed)}`,
            'fields',
          )
        if (input.expiresOn > agreement.ends_on)
          throw new DisclosureError(
            'invalid',
            `The disclosure must end by ${formatDate(agreement.ends_on)}, when the agreement ends`,
            'expiresOn-day',
          )
        if (input.meetingItemId && !(await repo.itemInvites(trx, input.meetingItemId, agency.id)))
          throw new DisclosureError(
            'invalid',
            `${agency.name} is not invited to this hub meeting: invite them first`,
            'agencyId',
          )
        const actionId = options.alongside ? await options.alongside(trx) : null
        // "What was reported", redacted to the subject: only the marks the officer chose go; the rest is withheld.
        const release = new Set(input.release ?? [])
        const narratives: DisclosedNarrative[] = fields.includes('referral-summary')
          ? (await markedNarratives(trx, personId)).map((n) => ({
              referralId: n.referralId,
              ...redactNarrative(n.segments, release),
            }))
          : []
        // Fields that need no approval go at once; protected ones wait for a supervisor, in a disclosure of their own.
        const waits = protectedFields.length > 0 && !approver
        const openFields = waits ? fields.filter((f) => !isProtectedField(f)) : fields
        const rows: { id: string; fields: string[]; status: 'live' | 'awaiting-approval' }[] = []
        if (openFields.length > 0) rows.push({ id: uuidv7(), fields: openFields, status: 'live' })
        if (waits) rows.push({ id: uuidv7(), fields: protectedFields, status: 'awaiting-approval' })
        for (const row of rows) {
          const live = row.status === 'live'
          const rowNarratives = row.fields.includes('referral-summary') ? narratives : []
          await repo.insertDisclosure(trx, {
            id: row.id,
            person_id: personId,
            agency_id: agency.id,
            agreement_id: agreement.id,
            purpose,
            fields: row.fields,
            expires_at: new Date(`${input.expiresOn}T23:59:59Z`),
            status: row.status,
            protected_basis: live && approver ? basis : null,
            approved_by: live && approver ? actor.userId : null,
            approved_at: live && approver ? new Date() : null,
            created_by: actor.userId,
            meeting_item_id: input.meetingItemId ?? null,
            action_id: actionId,
            narratives: rowNarratives,
          })
          // What a live disclosure carries as it is made, by record id, so the DPO's reports find it from any of them.
          const carried = live
            ? (await repo.readDisclosedFields(trx, personId, new Set(row.fields)))?.records
            : undefined
          await appendAuditEvents(trx, actor, [
            {
              action: live ? 'disclosure.made' : 'disclosure.requested',
              subjectType: 'person',
              subjectId: personId,
              justification: purpose,
              details: {
                disclosureId: row.id,
                agencyId: agency.id,
                agreementId: agreement.id,
                lawfulBasis: agreement.lawful_basis,
                fields: row.fields,
                protectedApproved: live && approver,
                ...(input.meetingItemId ? { meetingItemId: input.meetingItemId } : {}),
                ...(actionId ? { actionId } : {}),
                ...(rowNarratives.length
                  ? {
                      narratives: rowNarratives.map((n) => ({
                        referralId: n.referralId,
                        withheld: n.redactions.filter((r) => !r.sent).map((r) => r.kind),
                        sent: n.redactions.filter((r) => r.sent).map((r) => r.kind),
                      })),
                    }
                  : {}),
                ...(carried ? { records: carried } : {}),
              },
            },
          ])
        }
        return { id: rows[0].id, status: rows[0].status, waitingId: waits && rows.length > 1 ? rows[1].id : null }
      })
    },

    /** The approvals queue: every disclosure waiting for a supervisor, oldest first. Listing it is audited. */
    async awaitingApproval(user: CurrentUser, actor: Actor) {
      if (!can(user, 'disclosure:approve')) return []
      const rows = await repo.listAwaitingApproval(db)
      if (rows.length)
        await inTransaction(db, (trx) =>
          appendAuditEvents(trx, actor, [
            {
              action: 'work.viewed',
              subjectType: 'user',
              subjectId: user.id,
              details: { disclosuresAwaitingApproval: rows.map((r) => r.id) },
            },
          ]),
        )
      return rows
    },

    /** What went to whom for a meeting's agenda items (the chair's view): the rows, not their contents. */
    forMeetingItems: (itemIds: readonly string[]) => repo.listForMeetingItems(db, itemIds),

    /**
     * A partner's view of a meeting: each live disclosure to their agency made for one of its agenda items, read
     * now with its fields and narratives, each audited as a view of that disclosure.
     */
    async sharedForItems(itemIds: readonly string[], user: CurrentUser, actor: Actor) {
      const agencyId = await agencyOf(user)
      if (!agencyId) return []
      const rows = await repo.listLiveForItems(db, agencyId, itemIds)
      if (rows.length === 0) return []
      return inTransaction(db, async (trx) => {
        const out = []
        for (const d of rows) {
          const values = await repo.readDisclosedFields(trx, d.person_id, new Set(d.fields))
          if (!values) continue
          out.push({ disclosure: d, values })
        }
        await appendAuditEvents(
          trx,
          actor,
          out.map(({ disclosure: d, values }) => ({
            action: 'disclosure.viewed',
            subjectType: 'person',
            subjectId: d.person_id,
            details: {
              disclosureId: d.id,
              agencyId,
              fields: d.fields,
              records: values.records,
              meetingItemId: d.meeting_item_id,
            },
          })),
        )
        return out
      })
    },

    /** A live disclosure to the user's agency, by id, without reading its contents: for recording against it. */
    async liveForAgency(id: string, user: CurrentUser) {
      const agencyId = await agencyOf(user)
      const found = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findDisclosure(db, id) : undefined
      if (!agencyId || !found || found.agency_id !== agencyId || !found.live) return null
      return found
    },

    async approve(id: string, basis: string, user: CurrentUser, actor: Actor): Promise<void> {
      if (!can(user, 'disclosure:approve'))
        throw new DisclosureError('forbidden', 'Only a supervisor can approve sharing protected fields')
      if (!basis.trim())
        throw new DisclosureError(
          'invalid',
          'Enter the lawful basis for sharing the protected fields',
          'protectedBasis',
        )
      const found = await repo.findDisclosure(db, id)
      if (!found) throw new DisclosureError('not-found', 'Disclosure not found')
      for (const field of found.fields.filter(isDisclosableField).filter(isProtectedField)) {
        if (!(await maySee(user, found.person_id, field)))
          throw new DisclosureError(
            'forbidden',
            `You cannot approve sharing ${DISCLOSABLE_FIELDS[field].label.toLowerCase()}: you cannot see it yourself`,
          )
      }
      await inTransaction(db, async (trx) => {
        if (!(await repo.approveDisclosure(trx, id, actor.userId, basis.trim())))
          throw new DisclosureError('invalid', 'This disclosure is not waiting for approval', 'protectedBasis')
        const carried = (await repo.readDisclosedFields(trx, found.person_id, new Set(found.fields)))?.records ?? {}
        await appendAuditEvents(trx, actor, [
          {
            action: 'disclosure.approved',
            subjectType: 'person',
            subjectId: found.person_id,
            justification: basis.trim(),
            details: {
              disclosureId: id,
              agencyId: found.agency_id,
              agreementId: found.agreement_id,
              lawfulBasis: found.lawful_basis,
              fields: found.fields,
              records: carried,
            },
          },
        ])
      })
    },

    async revoke(id: string, reason: string, actor: Actor): Promise<{ personId: string }> {
      if (!reason.trim()) throw new DisclosureError('invalid', 'Enter why the disclosure is being revoked', 'reason')
      const found = await repo.findDisclosure(db, id)
      if (!found) throw new DisclosureError('not-found', 'Disclosure not found')
      await inTransaction(db, async (trx) => {
        if (!(await repo.revokeDisclosure(trx, id, actor.userId, reason.trim().slice(0, 1000))))
          throw new DisclosureError('invalid', 'This disclosure has already been revoked', 'reason')
        await appendAuditEvents(trx, actor, [
          {
            action: 'disclosure.revoked',
            subjectType: 'person',
            subjectId: found.person_id,
            justification: reason.trim(),
            details: { disclosureId: id, agencyId: found.agency_id },
          },
        ])
      })
      return { personId: found.person_id }
    },

    /** A partner user's live disclosures: those to their own agency, unrevoked and unexpired, and nothing else. */
    async listForPartner(user: CurrentUser) {
      const agencyId = await agencyOf(user)
      if (!agencyId) return { agency: null, disclosures: [] }
      const agency = await db
        .selectFrom('agencies')
        .select(['id', 'name'])
        .where('id', '=', agencyId)
        .executeTakeFirst()
      return { agency: agency ?? null, disclosures: await repo.listLiveForAgency(db, agencyId) }
    },

    /**
     * One disclosure as the partner sees it: only its fields, read now, while it is live. Anything else (another
     * agency's, revoked, expired, or a guessed id) is "not found", identically, so nothing is learnt by trying.
     */
    async viewForPartner(id: string, user: CurrentUser, actor: Actor) {
      const agencyId = await agencyOf(user)
      const found = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findDisclosure(db, id) : undefined
      if (!agencyId || !found || found.agency_id !== agencyId || !found.live)
        throw new DisclosureError('not-found', 'Not found')
      return inTransaction(db, async (trx) => {
        const values = await repo.readDisclosedFields(trx, found.person_id, new Set(found.fields))
        if (!values) throw new DisclosureError('not-found', 'Not found')
        await appendAuditEvents(trx, actor, [
          {
            action: 'disclosure.viewed',
            subjectType: 'person',
            subjectId: found.person_id,
            details: { disclosureId: id, agencyId, fields: found.fields, records: values.records },
          },
        ])
        return { disclosure: found, values }
      })
    },
  }
}

export type DisclosureService = ReturnType<typeof createDisclosureService>
export type { LawfulBasis }
