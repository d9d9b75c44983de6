import type { Trx } from '#src/platform/db/database.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import * as repo from './intelligence.repository.ts'

export type NewLink = {
  linkId: string
  personId: string
  toType: 'object' | 'location'
  toId: string
  relation: string
  caseId: string | null
}

/**
 * Raises a shared-identifier safeguarding prompt when a person gains a link to an identifier (phone, vehicle,
 * account, deal line, address, employer) that other people are already linked to: one prompt per identifier (a
 * person linked while it is open is added to it). Known shared places raise nothing, nor an identifier only
 * suspects share. Called by the services that write person links, inside their transaction, after the link is written.
 *
 * Why a function and not a trigger: the prompt must be audited in the hash-chained log with the actor who made
 * the link (a trigger has no actor), the shared-place and specificity rules belong with the rest of the module's
 * rules where they are tested, and a call in the writer's transaction keeps the same guarantee a trigger gives:
 * the link and its prompt commit or roll back together. The cost is that a new writer of person links must call
 * it; `entity_links` is written in two services today, and both do.
 */
export async function raiseSharedIdentifierPrompts(trx: Trx, link: NewLink, actor: Actor): Promise<string | null> {
  const identifier = await repo.identifierOf(trx, link.toType, link.toId, link.relation)
  if (!identifier || identifier.shared) return null
  // One prompt per shared identifier: whoever is linked after it was raised joins it rather than raising another.
  await repo.lockIdentifier(trx, identifier.key)
  const others = await repo.othersOnIdentifier(trx, identifier.key, link.personId)
  if (others.length === 0) return null
  // Only suspects on it, and the person linked a suspect too: no one on it may be targeted, so nothing to safeguard.
  const atRisk = others.filter((o) => !o.suspect)
  if (atRisk.length === 0 && (await repo.suspectsAmong(trx, [link.personId], [])).size > 0) return null
  const counts = {
    other_count: others.length,
    unsafeguarded_count: atRisk.filter((o) => !o.safeguarded).length,
  }
  const open = await repo.openPromptOn(trx, identifier.key, link.caseId)
  if (open) {
    if (open.person_id === link.personId || open.added_person_ids.includes(link.personId)) return null
    await repo.addPersonToPrompt(trx, open.id, link.personId)
    await appendAuditEvents(trx, actor, [
      {
        action: 'safeguarding-prompt.person-added',
        subjectType: 'person',
        subjectId: link.personId,
        details: {
          promptId: open.id,
          identifierType: identifier.type,
          identifierId: identifier.id,
          linkId: link.linkId,
        },
      },
    ])
    return null
  }
  const id = uuidv7()
  const raised = await repo.insertPrompt(trx, {
    id,
    person_id: link.personId,
    link_id: link.linkId,
    identifier_key: identifier.key,
    identifier_type: identifier.type,
    identifier_id: identifier.id,
    identifier_kind: identifier.kind,
    case_id: link.caseId,
    other_person_ids: others.slice(0, 200).map((o) => o.person_id),
    ...counts,
    // Inverse of the number of distinct people on the identifier: a phone two people share scores 0.5, a
    // hostel forty share about 0.024.
    specificity: 1 / (others.length + 1),
    created_by: actor.userId,
  })
  if (!raised) return null
  await appendAuditEvents(trx, actor, [
    {
      action: 'safeguarding-prompt.raised',
      subjectType: 'person',
      subjectId: link.personId,
      details: { promptId: id, identifierType: identifier.type, identifierId: identifier.id, linkId: link.linkId },
    },
  ])
  return id
}
