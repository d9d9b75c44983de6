import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { z } from 'zod'
import { asString, dateParts, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { dateField, withDateParts } from '#src/platform/http/page-forms.ts'
import { isUuid } from '#src/shared/ids.ts'
import { formatDate } from '#src/shared/dates.ts'
import { IntelligenceError, PROMPT_OUTCOMES, SHARED_PLACE_KINDS, type Window } from './intelligence.service.ts'

type Params = { id: string }
type Body = Record<string, unknown>
type Query = Record<string, string | undefined>

const entityHref = (type: string, id: string) => (type === 'object' ? `/objects/${id}` : `/places/${id}`)

/**
 * The optional date window (from, to) of the others and link chart pages, read after `withDateParts`: GOV.UK date
 * inputs, checked as such, and the end not before the start once both dates are right.
 */
const WindowForm = z
  .object({
    from: dateField('Linked from', { required: false }),
    to: dateField('Linked to', { required: false }),
  })
  .refine((window) => !window.from || !window.to || window.to >= window.from, {
    path: ['to', 'day'],
    error: 'Linked to must be the same as or after linked from',
  })

/** Reads the date window from the query string, with what was typed to show back. */
export function readWindow(query: Query): { window: Window; errors: FieldErrors; values: Record<string, string> } {
  const values: Record<string, string> = {}
  for (const key of ['from', 'to']) {
    const parts = dateParts(query, key)
    Object.assign(values, { [`${key}-day`]: parts.day, [`${key}-month`]: parts.month, [`${key}-year`]: parts.year })
  }
  const parsed = parseForm(WindowForm, withDateParts(query, 'from', 'to'))
  return parsed.ok
    ? { window: parsed.value, errors: {}, values }
    : { window: { from: null, to: null }, errors: parsed.errors, values }
}

/** The safeguarding prompt queue, a prompt and its outcome, others who may be targeted, the link chart, and the shared-place flag. */
export function registerIntelligencePages(app: FastifyInstance, { services }: AppDeps): void {
  const intel = services.intelligence
  const view = { config: { access: 'intelligence:view' as const } }

  function id(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }

  app.get<{ Querystring: Query }>('/safeguarding-prompts', view, async (request, reply) => {
    const status = (['open', 'closed', 'all'] as const).find((s) => s === request.query.status) ?? 'open'
    const page = Math.min(Math.max(Number.parseInt(request.query.page ?? '1', 10) || 1, 1), 40)
    const result = await intel.queue(userOf(request), actorOf(request), { status, page })
    const pages = Math.max(1, Math.ceil(result.total / result.pageSize))
    return reply.page('intelligence/views/queue.njk', {
      pageTitle: 'Safeguarding prompts',
      status,
      items: result.items.map((p) => ({
        ...p,
        raised: formatDate(p.raisedAt),
        identifierHref: entityHref(p.identifier.type, p.identifier.id),
      })),
      total: result.total,
      pagination:
        pages > 1
          ? {
              previous: page > 1 ? `?status=${status}&page=${page - 1}` : null,
              next: page < pages ? `?status=${status}&page=${page + 1}` : null,
              page,
              pages,
            }
          : null,
    })
  })

  async function showPrompt(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    state: { errors?: FieldErrors; values?: Body } = {},
  ) {
    const prompt = await intel.prompt(id(request), userOf(request), actorOf(request))
    const errors = state.errors ?? {}
    return reply.code(Object.keys(errors).length ? 400 : 200).page('intelligence/views/prompt.njk', {
      pageTitle: `Safeguarding prompt: ${prompt.identifier.kindLabel.toLowerCase()} shared`,
      prompt: {
        ...prompt,
        raised: formatDate(prompt.raisedAt),
        identifierHref: entityHref(prompt.identifier.type, prompt.identifier.id),
        outcomeAt: prompt.outcome ? formatDate(prompt.outcome.at) : null,
      },
      outcomes: Object.entries(PROMPT_OUTCOMES).map(([value, text]) => ({
        value,
        text,
        checked: state.values?.outcome === value,
      })),
      canReview: userOf(request).permissions.has('safeguarding-prompt:review'),
      errors,
      errorList: errorSummary(errors, ['outcome', 'note']),
      values: state.values ?? {},
    })
  }

  app.get<{ Params: Params }>('/safeguarding-prompts/:id', view, (request, reply) => showPrompt(request, reply))

  app.post<{ Params: Params; Body: Body }>(
    '/safeguarding-prompts/:id/outcome',
    { config: { access: 'safeguarding-prompt:review' } },
    async (request, reply) => {
      const promptId = id(request)
      const body = request.body ?? {}
      const input = { outcome: asString(body.outcome), note: asString(body.note) }
      try {
        await intel.recordOutcome(promptId, input, userOf(request), actorOf(request))
      } catch (error) {
        if (error instanceof IntelligenceError && error.code !== 'not-found')
          return showPrompt(request, reply, { errors: { [error.field ?? 'outcome']: error.message }, values: input })
        throw error
      }
      await request.flash(`Outcome recorded: ${PROMPT_OUTCOMES[input.outcome as keyof typeof PROMPT_OUTCOMES]}`)
      return reply.redirect(`/safeguarding-prompts/${promptId}`, 303)
    },
  )

  app.get<{ Params: Params; Querystring: Query }>('/people/:id/others', view, async (request, reply) => {
    const personId = id(request)
    const { window, errors, values } = readWindow(request.query)
    const result = await intel.others(
      personId,
      userOf(request),
      actorOf(request),
      Object.keys(errors).length ? { from: null, to: null } : window,
    )
    return reply.code(Object.keys(errors).length ? 400 : 200).page('intelligence/views/others.njk', {
      pageTitle: 'Others who may be targeted',
      person: result.person,
      method: result.method,
      items: result.items.map((i, n) => ({
        ...i,
        rank: n + 1,
        score: i.score.toFixed(3),
        paths: i.paths.slice(0, 5).map((p) => ({
          ...p,
          firstHref: entityHref(p.first.type, p.first.id),
          secondHref: p.second ? entityHref(p.second.type, p.second.id) : null,
        })),
        morePaths: Math.max(0, i.paths.length - i.why.length),
      })),
      linkedSuspects: result.linkedSuspects,
      errors,
      errorList: errorSummary(errors, ['from', 'to']),
      values,
      filtered: Boolean(window.from || window.to) && !Object.keys(errors).length,
    })
  })

  app.get<{ Params: Params; Querystring: Query }>('/people/:id/network', view, async (request, reply) => {
    const personId = id(request)
    const { window, errors, values } = readWindow(request.query)
    const result = await intel.network(
      personId,
      userOf(request),
      actorOf(request),
      Object.keys(errors).length ? { from: null, to: null } : window,
    )
    const people = result.nodes.filter((n) => n.type === 'person' || n.kind === 'person')
    const identifiers = result.nodes.filter((n) => n.kind !== 'person')
    const linkedTo = (node: string) => result.edges.filter((e) => e.target === node || e.source === node)
    const labelOf = new Map(result.nodes.map((n) => [n.id, n]))
    const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v)).toString()
    return reply.code(Object.keys(errors).length ? 400 : 200).page('intelligence/views/network.njk', {
      pageTitle: 'Link chart',
      person: result.person,
      communities: result.communities,
      people: people.map((p) => ({
        ...p,
        href: `/people/${p.entityId}`,
        identifiers: linkedTo(p.id)
          .map((e) => labelOf.get(e.target))
          .filter((x) => x !== undefined)
          .map((x) => `${x.kindLabel}: ${x.label}`),
      })),
      identifiers: identifiers.map((i) => ({
        ...i,
        href: entityHref(i.type, i.entityId),
        people: linkedTo(i.id).map((e) => labelOf.get(e.source)?.label ?? ''),
      })),
      dataUrl: `/people/${personId}/network/data${query ? `?${query}` : ''}`,
      errors,
      errorList: errorSummary(errors, ['from', 'to']),
      values,
    })
  })

  // The link chart's data for the browser (the page's session, not an API token); the API has its own route.
  app.get<{ Params: Params; Querystring: Query }>('/people/:id/network/data', view, async (request, reply) => {
    const personId = id(request)
    const { window, errors } = readWindow(request.query)
    if (Object.keys(errors).length) return reply.code(400).send({ errors: Object.values(errors) })
    const result = await intel.network(personId, userOf(request), actorOf(request), window)
    return reply.send(result)
  })

  app.post<{ Params: Params; Body: Body }>(
    '/places/:id/shared-place',
    { config: { access: 'shared-place:manage' } },
    async (request, reply) => {
      const placeId = id(request)
      const body = request.body ?? {}
      const shared = asString(body.sharedPlace) === 'yes'
      const kind = asString(body.sharedPlaceKind) || null
      try {
        await intel.setSharedPlace(placeId, { shared, kind }, actorOf(request))
      } catch (error) {
        if (error instanceof IntelligenceError && error.code === 'invalid') {
          return reply.code(400).page('intelligence/views/shared-place-error.njk', {
            pageTitle: 'Mark a known shared place',
            placeId,
            errorList: [{ text: error.message, href: '#sharedPlaceKind' }],
            kinds: SHARED_PLACE_KINDS,
          })
        }
        throw error
      }
      await request.flash(
        shared
          ? `Marked as a known shared place: ${SHARED_PLACE_KINDS[kind as keyof typeof SHARED_PLACE_KINDS]}`
          : 'No longer marked as a known shared place',
      )
      return reply.redirect(`/places/${placeId}`, 303)
    },
  )
}
