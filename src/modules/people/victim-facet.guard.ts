import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '#src/platform/db/database.ts'
import { victimFacetAccess } from './person.service.ts'
import { userOf } from '#src/platform/http/access.ts'

/**
 * For pages that show a person's victim facet: answers 403 with who to ask when this user does not work the
 * person's victim side. Returns true when the page may go on.
 */
export async function guardVictimFacet(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  personId: string,
): Promise<boolean> {
  const access = await victimFacetAccess(db, userOf(request), personId)
  if (access.visible) return true
  reply.code(403).page('people/views/protected-facet.njk', {
    pageTitle: 'This person’s victim information is protected',
    askWho: access.askWho,
    personId,
  })
  return false
}
