import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import type { AgencyInput, ContactInput } from './partner.schema.ts'
import * as repo from './partner.repository.ts'

export const PartnerError = defineDomainError('PartnerError', { 'not-found': 404, invalid: 400 })

const toRow = (input: AgencyInput) => ({
  name: input.name,
  kind: input.kind,
  first_responder: input.firstResponder,
  duty_to_notify: input.dutyToNotify,
  phone: input.phone,
  email: input.email,
  notes: input.notes,
})

/** The partner directory: agencies, their contacts, and their NRM and Duty to Notify standing. */
export function createPartnerService(db: Db) {
  return {
    list: (filter: Parameters<typeof repo.listAgencies>[1] = {}) => repo.listAgencies(db, filter),
    contactsForSelection: () => repo.listContactsForSelection(db),

    async view(id: string) {
      const agency = await repo.findAgency(db, id)
      if (!agency) throw new PartnerError('not-found', 'Agency not found')
      return { agency, contacts: await repo.listContacts(db, id) }
    },

    async create(input: AgencyInput, actor: Actor): Promise<string> {
      return inTransaction(db, async (trx) => {
        if (await repo.agencyNameTaken(trx, input.name, null))
          throw new PartnerError('invalid', 'There is already an agency with that name', 'name')
        const id = uuidv7()
        await repo.insertAgency(trx, { id, ...toRow(input) })
        await appendAuditEvents(trx, actor, [
          { action: 'partner.agency-created', subjectType: 'agency', subjectId: id },
        ])
        return id
      })
    },

    async update(id: string, input: AgencyInput, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        if (await repo.agencyNameTaken(trx, input.name, id))
          throw new PartnerError('invalid', 'There is already an agency with that name', 'name')
        if (!(await repo.updateAgency(trx, id, { ...toRow(input), active: input.active })))
          throw new PartnerError('not-found', 'Agency not found')
        await appendAuditEvents(trx, actor, [
          {
            action: 'partner.agency-updated',
            subjectType: 'agency',
            subjectId: id,
            details: { firstResponder: input.firstResponder, dutyToNotify: input.dutyToNotify, active: input.active },
          },
        ])
      })
    },

    async addContact(agencyId: string, input: ContactInput, actor: Actor): Promise<string> {
      return inTransaction(db, async (trx) => {
        if (!(await repo.findAgency(trx, agencyId))) throw new PartnerError('not-found', 'Agency not found')
        const id = uuidv7()
        await repo.insertContact(trx, {
          id,
          agency_id: agencyId,
          name: input.name,
          job_title: input.jobTitle,
          phone: input.phone,
          email: input.email,
          created_by: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'partner.contact-changed',
            subjectType: 'agency',
            subjectId: agencyId,
            details: { contactId: id, added: true },
          },
        ])
        return id
      })
    },

    async setContactActive(agencyId: string, contactId: string, active: boolean, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        if (!(await repo.setContactActive(trx, agencyId, contactId, active)))
          throw new PartnerError('not-found', 'Contact not found')
        await appendAuditEvents(trx, actor, [
          {
            action: 'partner.contact-changed',
            subjectType: 'agency',
            subjectId: agencyId,
            details: { contactId, active },
          },
        ])
      })
    },
  }
}

export type PartnerService = ReturnType<typeof createPartnerService>
