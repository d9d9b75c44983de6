import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { asString, errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { PriorityError } from './priority.service.ts'

/** Settings: the strategic priorities a DI or administrator configures. */
export function registerPriorityPages(app: FastifyInstance, { services }: AppDeps): void {
  const priorities = services.priorities

  async function show(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, label = '') {
    return reply.page('priorities/views/list.njk', {
      pageTitle: 'Strategic priorities',
      priorities: await priorities.list(true),
      errors,
      errorList: errorSummary(errors),
      label,
    })
  }

  app.get('/settings/priorities', { config: { access: 'settings:manage' } }, (request, reply) => show(request, reply))

  app.post<{ Body: Record<string, unknown> }>(
    '/settings/priorities',
    { config: { access: 'settings:manage' } },
    async (request, reply) => {
      const label = asString(request.body?.label).trim()
      if (!label) return show(request, reply.code(400), { label: 'Enter the name of the strategic priority' }, label)
      if (label.length > 100)
        return show(request, reply.code(400), { label: 'Name must be 100 characters or fewer' }, label)
      if (!/[a-z0-9]/i.test(label))
        return show(request, reply.code(400), { label: 'Name must include letters or numbers' }, label)
      try {
        await priorities.add(label, actorOf(request))
      } catch (error) {
        if (error instanceof PriorityError) return show(request, reply.code(400), { label: error.message }, label)
        throw error
      }
      await request.flash(`Added ‘${label}’`)
      return reply.redirect('/settings/priorities', 303)
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/settings/priorities/:id/active',
    { config: { access: 'settings:manage' } },
    async (request, reply) => {
      const active = asString(request.body?.active) === 'yes'
      await priorities.setActive(request.params.id, active, actorOf(request))
      await request.flash(active ? 'Priority brought back into use' : 'Priority retired: existing records keep it')
      return reply.redirect('/settings/priorities', 303)
    },
  )
}
