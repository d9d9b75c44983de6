import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { isUuid } from '#src/shared/ids.ts'
import { AuthError } from './auth.service.ts'
import type { ApiTokenListRow } from './api-tokens.repository.ts'
import { PASSWORD_MIN_LENGTH } from './password-policy.ts'
import { NewUserForm } from './auth.forms.ts'
import { UserAdminError } from './user-admin.service.ts'

const PAGE_SIZE = 50

type Params = { Params: { id: string } }

/**
 * A token as its lists show it (the administrator's and the user's own): status, permissions and who made it. A
 * token someone else made for its user (an administrator, before tokens were personal) is refused by the API, and
 * says so.
 */
export function describeToken(t: ApiTokenListRow, ownerId: string, now: number) {
  const foreign = t.created_by !== null && t.created_by !== ownerId
  return {
    ...t,
    status: t.revoked_at
      ? 'Revoked'
      : t.expires_at && t.expires_at.getTime() <= now
        ? 'Expired'
        : foreign
          ? 'Refused'
          : 'Live',
    scopeList: t.scopes ?? ['All of the role’s permissions'],
    madeBy:
      t.created_by === null
        ? 'Made at the command line'
        : foreign
          ? 'Made by an administrator: refused'
          : 'Made by the user',
  }
}

/**
 * User administration (user:manage): the list, creating a user, and on each user's page their role, status,
 * lock, second factor, sessions and API tokens. The services write each change with its audit row. An
 * administrator lists and revokes a user's API tokens but never makes one: a token is made by its own user
 * (/account/tokens), so no one is shown a token that acts as someone else.
 */
export function registerUserAdminPages(app: FastifyInstance, { services }: AppDeps): void {
  const admin = services.userAdmin
  const manage = { config: { access: 'user:manage' as const } }

  function userId(request: FastifyRequest<Params>): string {
    if (!isUuid(request.params.id)) throw new NotFoundError('User not found')
    return request.params.id
  }

  async function load(id: string) {
    try {
      return await admin.get(id)
    } catch (error) {
      if (error instanceof UserAdminError && error.code === 'not-found') throw new NotFoundError('User not found')
      throw error
    }
  }

  app.get<{ Querystring: { q?: string; page?: string } }>('/admin/users', manage, async (request, reply) => {
    const q = asString(request.query.q).trim().slice(0, 100)
    const page = Math.max(1, Math.min(10_000, Number.parseInt(asString(request.query.page), 10) || 1))
    const { rows, total } = await admin.list({ q: q || undefined, page, pageSize: PAGE_SIZE })
    const now = Date.now()
    return reply.page('admin/users.njk', {
      pageTitle: 'Users',
      q,
      users: rows.map((u) => ({ ...u, locked: u.locked_until !== null && u.locked_until.getTime() > now })),
      total,
      page,
      previous:
        page > 1 ? `/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(page - 1) })}` : null,
      next:
        page * PAGE_SIZE < total
          ? `/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(page + 1) })}`
          : null,
    })
  })

  async function showNew(reply: FastifyReply, values: Record<string, string> = {}, errors: FieldErrors = {}) {
    return reply.page('admin/user-new.njk', {
      pageTitle: 'Create a user',
      roles: await admin.roles(),
      values,
      minLength: PASSWORD_MIN_LENGTH,
      errors,
      errorList: errorSummary(errors, ['displayName', 'email', 'role', 'passwordChoice', 'password']),
    })
  }

  app.get('/admin/users/new', manage, (_request, reply) => showNew(reply, { passwordChoice: 'generate' }))

  app.post('/admin/users/new', manage, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const values = {
      displayName: asString(body.displayName).trim(),
      email: asString(body.email).trim(),
      role: asString(body.role),
      passwordChoice: asString(body.passwordChoice),
    }
    const roles = await admin.roles()
    const parsed = parseForm(NewUserForm(roles.map((r) => r.id)), body)
    if (!parsed.ok) return showNew(reply.code(400), values, parsed.errors)
    const { password } = parsed.value
    try {
      const created = await services.auth.createUser(
        {
          email: values.email,
          displayName: values.displayName,
          roleId: values.role,
          password: values.passwordChoice === 'set' ? password : undefined,
        },
        actorOf(request),
      )
      return reply.page('admin/user-created.njk', {
        pageTitle: 'User created',
        userId: created.id,
        email: values.email,
        generatedPassword: values.passwordChoice === 'generate' ? created.password : null,
      })
    } catch (error) {
      if (error instanceof AuthError) {
        const field =
          error.code === 'email-taken' || error.code === 'invalid-email'
            ? 'email'
            : error.code === 'unknown-role'
              ? 'role'
              : 'password'
        return showNew(reply.code(400), values, {
          [field]: error.code === 'email-taken' ? 'A user with this email address already exists' : error.message,
        })
      }
      throw error
    }
  })

  async function showUser(request: FastifyRequest, reply: FastifyReply, id: string, problem?: string) {
    const detail = await load(id)
    const now = Date.now()
    return reply.page('admin/user.njk', {
      pageTitle: detail.user.display_name,
      subject: detail.user,
      sessions: detail.sessions,
      recoveryCodesLeft: detail.recoveryCodesLeft,
      self: detail.user.id === userOf(request).id,
      locked: detail.user.locked_until !== null && detail.user.locked_until.getTime() > now,
      roles: await admin.roles(),
      tokens: detail.tokens.map((t) => describeToken(t, detail.user.id, now)),
      errors: problem ? { role: problem } : {},
      errorList: problem ? [{ text: problem, href: '#role' }] : [],
    })
  }

  app.get<Params>('/admin/users/:id', manage, (request, reply) => showUser(request, reply, userId(request)))

  /** Runs one admin action, then back to the user's page with a message; a refused action shows why. */
  async function act(request: FastifyRequest<Params>, reply: FastifyReply, work: (id: string) => Promise<string>) {
    const id = userId(request)
    try {
      await request.flash(await work(id))
    } catch (error) {
      if (error instanceof UserAdminError && error.code === 'not-found') throw new NotFoundError('User not found')
      if (error instanceof UserAdminError) return showUser(request, reply.code(400), id, error.message)
      throw error
    }
    return reply.redirect(`/admin/users/${id}`, 303)
  }

  app.post<Params>('/admin/users/:id/role', manage, (request, reply) =>
    act(request, reply, async (id) => {
      await admin.changeRole(id, asString((request.body as Record<string, unknown>)?.role), actorOf(request))
      return 'Role changed. The user has been signed out so the new role applies.'
    }),
  )
  app.post<Params>('/admin/users/:id/disable', manage, (request, reply) =>
    act(
      request,
      reply,
      async (id) => (await admin.setDisabled(id, true, actorOf(request)), 'User disabled and signed out everywhere'),
    ),
  )
  app.post<Params>('/admin/users/:id/enable', manage, (request, reply) =>
    act(request, reply, async (id) => (await admin.setDisabled(id, false, actorOf(request)), 'User re-enabled')),
  )
  app.post<Params>('/admin/users/:id/unlock', manage, (request, reply) =>
    act(
      request,
      reply,
      async (id) => (await admin.unlock(id, actorOf(request)), 'User unlocked: they can sign in again now'),
    ),
  )
  app.post<Params>('/admin/users/:id/reset-mfa', manage, (request, reply) =>
    act(
      request,
      reply,
      async (id) => (
        await admin.resetMfa(id, actorOf(request)),
        'Two-factor authentication reset. The user sets it up again at their next sign-in.'
      ),
    ),
  )
  app.post<Params>('/admin/users/:id/sign-out-everywhere', manage, (request, reply) =>
    act(request, reply, async (id) => {
      const count = await admin.signOutEverywhere(id, actorOf(request))
      return `Signed out everywhere: ${count} session${count === 1 ? '' : 's'} ended`
    }),
  )

  app.post<{ Params: { id: string; tokenId: string } }>(
    '/admin/users/:id/tokens/:tokenId/revoke',
    manage,
    async (request, reply) => {
      const id = userId(request)
      if (!isUuid(request.params.tokenId)) throw new NotFoundError('Token not found')
      try {
        const revoked = await admin.revokeToken(id, request.params.tokenId, actorOf(request))
        await request.flash(revoked ? 'API token revoked' : 'That token had already been revoked')
      } catch (error) {
        if (error instanceof UserAdminError && error.code === 'not-found') throw new NotFoundError('Token not found')
        throw error
      }
      return reply.redirect(`/admin/users/${id}`, 303)
    },
  )
}
