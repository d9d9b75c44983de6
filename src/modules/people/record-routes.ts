import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '#src/platform/db/database.ts'
import { isUuid, uuidv7 } from '#src/shared/ids.ts'
import { timePhase } from '#src/platform/observability/request-timing.ts'
import { isCaseVisible, isRecordVisible, seesAllRestricted, type RecordKind } from './access-policy.ts'
import { isBusinessVisible } from './places.repository.ts'

/**
 * Routes that name a record in their path, and which of their parameters name it. Every route under these
 * paths, in any module, page or API, today's or tomorrow's, is covered without its author doing anything.
 */
const RECORD_ROUTES: { path: RegExp; kind: RecordKind | 'case' | 'business'; params: readonly string[] }[] = [
  { path: /^(\/api\/v1|\/retention)?\/people\/:id(\/|$)/, kind: 'person', params: ['id', 'otherId'] },
  { path: /^(\/api\/v1\/locations|\/places)\/:id(\/|$)/, kind: 'location', params: ['id'] },
  { path: /^(\/api\/v1)?\/objects\/:id(\/|$)/, kind: 'object', params: ['id'] },
  { path: /^(\/api\/v1)?\/businesses\/:id(\/|$)/, kind: 'business', params: ['id'] },
  { path: /^(\/api\/v1)?\/cases\/:id(\/|$)/, kind: 'case', params: ['id'] },
  // A person named inside a referral's path (their NRM, Duty to Notify and screening steps).
  { path: /^\/referrals\/:referralId\/people\/:personId(\/|$)/, kind: 'person', params: ['personId'] },
]

/**
 * The access policy at the door of every route that names a record (ADR 0009): a person, place or object that
 * exists only inside a restricted live job the user does not work, or the restricted job itself, must answer
 * exactly as an id that does not exist, so that "not allowed" cannot be told from "not found". Rather than
 * imitate each route's own not-found answer (a page, a problem, a message), the route is handed an id that
 * exists nowhere (shaped like every other id) and answers for itself. Runs after authentication and before
 * validation (`preValidation`), so the route's schemas and form checks, CSRF included, see the same id for a
 * hidden record as for a random one: a malformed request to a hidden id is refused exactly as one to a random id.
 */
export function hideRecordsOutsideTheirJobs(app: FastifyInstance, db: Db): void {
  app.addHook('preValidation', (request) => timePhase('access', () => hideOutsideTheirJobs(request, db)))
}

async function hideOutsideTheirJobs(request: FastifyRequest, db: Db): Promise<void> {
  const route = request.routeOptions.url
  const user = request.user
  if (!route || !user || seesAllRestricted(user)) return
  const rule = RECORD_ROUTES.find((r) => r.path.test(route))
  if (!rule) return
  const params = request.params as Record<string, string | undefined>
  // The same hidden id named twice (a person compared with themselves) becomes the same nowhere id, as a random id would.
  const replaced = new Map<string, string>()
  for (const name of rule.params) {
    const id = params[name]
    if (!id || !isUuid(id)) continue
    const known = replaced.get(id)
    if (known) {
      params[name] = known
      continue
    }
    const visible =
      rule.kind === 'case'
        ? await isCaseVisible(db, id, user)
        : rule.kind === 'business'
          ? await isBusinessVisible(db, id, user)
          : await isRecordVisible(db, rule.kind, id, user)
    if (!visible) {
      replaced.set(id, uuidv7())
      params[name] = replaced.get(id)
    }
  }
}
