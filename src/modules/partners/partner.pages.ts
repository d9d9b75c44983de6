import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { isUuid } from '#src/shared/ids.ts'
import { AgencyInput, ContactInput } from './partner.schema.ts'
import { PartnerError } from './partner.service.ts'
import { AGENCY_KIND_ITEMS, AGENCY_KINDS, type AgencyKind } from './partner.vocabulary.ts'

type Body = Record<string, unknown>
type Params = { id: string }

/** The form's yes/no answers as the schema's booleans; everything else as typed. */
function agencyFromForm(body: Body) {
  return {
    name: asString(body.name),
    kind: asString(body.kind),
    firstResponder: asString(body.firstResponder) === 'yes',
    dutyToNotify: asString(body.dutyToNotify) === 'yes',
    phone: asString(body.phone),
    email: asString(body.email),
    notes: asString(body.notes),
    active: asString(body.active) !== 'no',
  }
}

const ORDER = ['name', 'kind', 'firstResponder', 'dutyToNotify', 'phone', 'email', 'notes']

/** The partner directory: every team member can look an agency up; supervisors and administrators keep it. */
export function registerPartnerPages(app: FastifyInstance, { services }: AppDeps): void {
  const partners = services.partners
  const view = { config: { access: 'partner:view' as const } }
  const manage = { config: { access: 'partner:manage' as const } }

  function agencyId(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError('Agency not found')
    return request.params.id
  }

  app.get<{ Querystring: Record<string, string | undefined> }>('/partners', view, async (request, reply) => {
    const kind = Object.hasOwn(AGENCY_KINDS, request.query.kind ?? '') ? request.query.kind! : null
    const firstResponder = request.query.firstResponder === 'yes'
    const dutyToNotify = request.query.dutyToNotify === 'yes'
    const includeInactive = request.query.inactive === 'yes'
    const agencies = await partners.list({ kind, firstResponder, dutyToNotify, includeInactive })
    return reply.page('partners/views/list.njk', {
      pageTitle: 'Partner agencies',
      agencies: agencies.map((a) => ({ ...a, kindLabel: AGENCY_KINDS[a.kind as AgencyKind] ?? a.kind })),
      filters: { kind, firstResponder, dutyToNotify, includeInactive },
      kindItems: AGENCY_KIND_ITEMS,
      canManage: can(request.user, 'partner:manage'),
    })
  })

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { id?: string; values: Body; errors?: FieldErrors },
  ) {
    const errors = state.errors ?? {}
    return reply.page('partners/views/form.njk', {
      pageTitle: state.id ? 'Change agency' : 'Add an agency',
      action: state.id ? `/partners/${state.id}` : '/partners/new',
      id: state.id ?? null,
      values: state.values,
      kindItems: AGENCY_KIND_ITEMS,
      errors,
      errorList: errorSummary(errors, ORDER),
    })
  }

  app.get('/partners/new', manage, (request, reply) =>
    showForm(request, reply, { values: { firstResponder: 'no', dutyToNotify: 'no' } }),
  )

  app.post<{ Body: Body }>('/partners/new', manage, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(AgencyInput, agencyFromForm(body))
    if (!parsed.ok) return showForm(request, reply.code(400), { values: body, errors: parsed.errors })
    try {
      const id = await partners.create(parsed.value, actorOf(request))
      await request.flash(`${parsed.value.name} added`)
      return reply.redirect(`/partners/${id}`, 303)
    } catch (error) {
      if (error instanceof PartnerError && error.code === 'invalid')
        return showForm(request, reply.code(400), { values: body, errors: { [error.field ?? 'name']: error.message } })
      throw error
    }
  })

  async function showAgency(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    state: { values?: Body; errors?: FieldErrors } = {},
  ) {
    const found = await partners.view(agencyId(request))
    const errors = state.errors ?? {}
    return reply.page('partners/views/show.njk', {
      pageTitle: found.agency.name,
      agency: { ...found.agency, kindLabel: AGENCY_KINDS[found.agency.kind as AgencyKind] ?? found.agency.kind },
      contacts: found.contacts,
      canManage: can(request.user, 'partner:manage'),
      values: state.values ?? {},
      errors,
      errorList: errorSummary(errors, ['contactName', 'jobTitle', 'contactPhone', 'contactEmail']),
    })
  }

  app.get<{ Params: Params }>('/partners/:id', view, (request, reply) => showAgency(request, reply))

  app.get<{ Params: Params }>('/partners/:id/change', manage, async (request, reply) => {
    const { agency } = await partners.view(agencyId(request))
    return showForm(request, reply, {
      id: agency.id,
      values: {
        ...agency,
        firstResponder: agency.first_responder ? 'yes' : 'no',
        dutyToNotify: agency.duty_to_notify ? 'yes' : 'no',
        active: agency.active ? 'yes' : 'no',
      },
    })
  })

  app.post<{ Params: Params; Body: Body }>('/partners/:id', manage, async (request, reply) => {
    const id = agencyId(request)
    const body = request.body ?? {}
    const parsed = parseForm(AgencyInput, agencyFromForm(body))
    if (!parsed.ok) return showForm(request, reply.code(400), { id, values: body, errors: parsed.errors })
    try {
      await partners.update(id, parsed.value, actorOf(request))
    } catch (error) {
      if (error instanceof PartnerError && error.code === 'invalid')
        return showForm(request, reply.code(400), {
          id,
          values: body,
          errors: { [error.field ?? 'name']: error.message },
        })
      throw error
    }
    await request.flash('Agency details saved')
    return reply.redirect(`/partners/${id}`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/partners/:id/contacts', manage, async (request, reply) => {
    const id = agencyId(request)
    const body = request.body ?? {}
    const parsed = parseForm(ContactInput, {
      name: asString(body.contactName),
      jobTitle: asString(body.jobTitle),
      phone: asString(body.contactPhone),
      email: asString(body.contactEmail),
    })
    if (!parsed.ok) {
      const rename: Record<string, string> = { name: 'contactName', phone: 'contactPhone', email: 'contactEmail' }
      const errors = Object.fromEntries(Object.entries(parsed.errors).map(([k, v]) => [rename[k] ?? k, v]))
      return showAgency(request, reply.code(400), { values: body, errors })
    }
    await partners.addContact(id, parsed.value, actorOf(request))
    await request.flash(`${parsed.value.name} added as a contact`)
    return reply.redirect(`/partners/${id}`, 303)
  })

  app.post<{ Params: { id: string; contactId: string }; Body: Body }>(
    '/partners/:id/contacts/:contactId/active',
    manage,
    async (request, reply) => {
      if (!isUuid(request.params.id) || !isUuid(request.params.contactId)) throw new NotFoundError('Contact not found')
      const active = asString(request.body?.active) === 'yes'
      await partners.setContactActive(request.params.id, request.params.contactId, active, actorOf(request))
      await request.flash(active ? 'Contact back in use' : 'Contact marked as no longer in post')
      return reply.redirect(`/partners/${request.params.id}`, 303)
    },
  )
}
