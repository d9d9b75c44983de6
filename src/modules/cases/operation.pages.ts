import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary } from '#src/platform/http/forms.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { isUuid } from '#src/shared/ids.ts'
import { formatDate } from '#src/shared/dates.ts'
import { EVENT_KINDS } from '#src/modules/outreach/index.ts'
import { CaseError } from './case.service.ts'

/** Named operations (for example "Operation Laud") that group several live jobs. */
export function registerOperationPages(app: FastifyInstance, { services }: AppDeps): void {
  const cases = services.cases

  app.get('/operations', { config: { access: 'case:view' } }, async (request, reply) =>
    reply.page('cases/views/operations.njk', {
      pageTitle: 'Operations',
      operations: await cases.listOperations(userOf(request)),
      canCreate: can(request.user, 'case:supervise'),
      errors: {},
      values: {},
    }),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/operations',
    { config: { access: 'case:supervise' } },
    async (request, reply) => {
      const values = {
        name: asString(request.body?.name),
        code: asString(request.body?.code).slice(0, 40),
        description: asString(request.body?.description).trim().slice(0, 2000) || null,
      }
      try {
        await cases.createOperation(values, actorOf(request))
      } catch (error) {
        if (error instanceof CaseError) {
          const errors = { [error.field ?? 'name']: error.message }
          return reply.code(400).page('cases/views/operations.njk', {
            pageTitle: 'Operations',
            operations: await cases.listOperations(userOf(request)),
            canCreate: true,
            errors,
            errorList: errorSummary(errors),
            values,
          })
        }
        throw error
      }
      await request.flash(`${values.name.trim()} created`)
      return reply.redirect('/operations', 303)
    },
  )

  // One operation: its live jobs (those this user may see) and its awareness events with the reports each brought.
  app.get<{ Params: { id: string } }>(
    '/operations/:id',
    { config: { access: 'case:view' } },
    async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFoundError()
      const found = await cases.operation(request.params.id, userOf(request))
      const events = await services.outreach.operationEvents(request.params.id)
      return reply.page('cases/views/operation.njk', {
        pageTitle: found.operation.name,
        operation: found.operation,
        jobs: found.jobs.map((j) => ({ ...j, opened: formatDate(j.created_at) })),
        events: events.map((e) => ({
          ...e,
          when: formatDate(e.starts_at),
          kindLabel: EVENT_KINDS.label(e.kind),
        })),
        reports: events.reduce((n, e) => n + e.reports, 0),
        attendees: events.reduce((n, e) => n + (e.attendee_count ?? 0), 0),
        canRecordEvent: can(request.user, 'outreach:manage'),
        canSeeEvents: can(request.user, 'outreach:view'),
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/cases/:id/operation',
    { config: { access: 'case:edit' } },
    async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFoundError()
      const operationId = asString(request.body?.operationId)
      try {
        await cases.setOperation(
          request.params.id,
          isUuid(operationId) ? operationId : null,
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        if (error instanceof CaseError && error.code !== 'not-found') {
          await request.flash(error.message)
          return reply.redirect(`/cases/${request.params.id}`, 303)
        }
        throw error
      }
      await request.flash('Operation updated')
      return reply.redirect(`/cases/${request.params.id}`, 303)
    },
  )
}
