import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { isPermission, type CurrentUser, type RouteAccess } from '#src/platform/auth/permissions.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { UnauthenticatedError } from './errors.ts'
import { sendProblem } from './problem.ts'
import { localPath } from './return-to.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. Required on every route: a route without one stops the app starting. */
    access?: RouteAccess
  }
  interface FastifyRequest {
    user: CurrentUser | null
    /** The signed-in browser session, when the request came with one. */
    session: { idHash: string; data: Record<string, unknown> } | null
    /** The API token used, when the request came with one. */
    apiTokenId: string | null
    /** A page form posted without a live session: shown back to the user, never processed. */
    signedOutForm?: boolean
  }
}

const NOT_SHOWN_BACK = new Set(['_csrf', 'password', 'returnTo', 'version'])

function humanise(field: string): string {
  const words = field
    .replace(/[-_]/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** What the user typed into a form that could not be accepted, to show back so nothing is lost. */
export function typedFields(body: unknown): { name: string; value: string }[] {
  if (!body || typeof body !== 'object') return []
  return Object.entries(body as Record<string, unknown>)
    .filter(([key, value]) => !NOT_SHOWN_BACK.has(key) && value !== '' && value !== undefined)
    .map(([key, value]) => ({ name: humanise(key), value: Array.isArray(value) ? value.join(', ') : String(value) }))
}

/** Runs after the body is parsed and before CSRF: a signed-out form post is answered, not processed. */
export async function refuseSignedOutForm(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.signedOutForm) return
  return reply.code(401).page('errors/unsent.njk', {
    pageTitle: 'You have been signed out',
    message:
      'You were signed out because you were inactive, so what you sent has not been saved. Copy anything you need from below, sign in again and re-enter it.',
    fields: typedFields(request.body),
    signIn: '/sign-in?expired=1',
  })
}

export type RouteDeclaration = { method: string; url: string; access: RouteAccess }

/** The API, and the operator's /metrics: bearer tokens only, no cookies (so no CSRF), problem details. */
export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url === '/metrics' || url.startsWith('/metrics?')
}

export function isApiRequest(request: FastifyRequest): boolean {
  return isApiPath(request.url)
}

export function actorOf(request: FastifyRequest): Actor {
  return { userId: request.user?.id ?? null, tokenId: request.apiTokenId, ip: request.ip, requestId: request.id }
}

/**
 * The signed-in user of a route that is not public. Throws UnauthenticatedError, not a TypeError, if there is none,
 * so a route that forgot to declare its access fails closed with the signed-out answer.
 */
export function userOf(request: FastifyRequest): CurrentUser {
  if (!request.user) throw new UnauthenticatedError()
  return request.user
}

/**
 * The answer to a request with no signed-in user, given by enforceAccess before the body is read and by the error
 * handler if a handler finds no user (UnauthenticatedError). The API asks for a token; a page GET goes to sign-in
 * and back; a form post is shown back, never processed (before the body is parsed, enforceAccess only marks it and
 * refuseSignedOutForm answers it).
 */
export async function refuseUnauthenticated(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (isApiRequest(request)) {
    reply.header('www-authenticate', 'Bearer realm="lantern"')
    return sendProblem(reply, { status: 401, detail: 'Send a valid API token as "Authorization: Bearer <token>".' })
  }
  if (request.method === 'GET') {
    const returnTo = localPath(request.url)
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`, 303)
  }
  request.signedOutForm = true
  return refuseSignedOutForm(request, reply)
}

/**
 * Makes every route declare who may call it, and records the declarations so a test can list them all.
 * Deny by default: an undeclared route is a start-up error, not an open door.
 */
export function requireRouteAccess(app: FastifyInstance, registry: RouteDeclaration[]): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (!access) throw new Error(`Route ${methods.join(',')} ${route.url} does not declare its access`)
    if (access !== 'public' && access !== 'signed-in' && !isPermission(access)) {
      throw new Error(`Route ${route.url} declares an unknown permission: ${access}`)
    }
    for (const method of methods) if (method !== 'HEAD') registry.push({ method, url: route.url, access })
  })
}

/** Checks the route's declared access against the signed-in user. Runs before the body is read. */
export async function enforceAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const access = request.routeOptions.config.access
  if (access === 'public') return
  if (!request.user) {
    // A form sent after the session ended: read the body (size-limited) so the page can give the user back
    // what they typed, then refuse it in refuseSignedOutForm. Nothing is saved.
    if (!isApiRequest(request) && request.method !== 'GET') {
      request.signedOutForm = true
      return
    }
    return refuseUnauthenticated(request, reply)
  }
  // No declared access means no route matched: a signed-in user is told it is not found.
  if (access === undefined || access === 'signed-in' || request.user.permissions.has(access)) return
  if (isApiRequest(request))
    return sendProblem(reply, { status: 403, detail: 'Your role does not include the permission this needs.' })
  return reply.code(403).page('errors/forbidden.njk', { pageTitle: 'You do not have permission to see this page' })
}
