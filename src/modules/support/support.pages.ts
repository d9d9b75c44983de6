import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asArray, asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { formatDate, londonDate } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { guardVictimFacet } from '#src/modules/people/index.ts'
import {
  SupportError,
  type ContactInput,
  type ReferralChange,
  type ReferralInput,
  type ServiceInput,
} from './support.service.ts'
import { leafletLanguageNames } from './support.leaflet.ts'
import { ContactForm, ReferralForm, ReferralUpdateForm, ServiceForm } from './support.forms.ts'
import {
  CONTACT_KINDS,
  ENTITLEMENTS,
  NEXT_STATUSES,
  PROVISIONS,
  REFERRAL_STATUSES,
  SAFE_TO_CONTACT,
  SERVICE_CATEGORIES,
  items,
  type ReferralStatus,
} from './support.vocabulary.ts'

type Body = Record<string, unknown>
type Params = { id: string }
type ReferralParams = { id: string; referralId: string }

const DATE_FIELDS = new Set(['contactedOn', 'nextStepOn', 'madeOn', 'followUpOn'])
/** Dates are GOV.UK date inputs on pages: a service's problem with a date belongs on its day box. */
const pageField = (field: string | undefined) => (field && DATE_FIELDS.has(field) ? `${field}-day` : (field ?? 'form'))

const dateValues = (prefix: string, iso: string) => ({
  [`${prefix}-day`]: String(Number(iso.slice(8, 10))),
  [`${prefix}-month`]: String(Number(iso.slice(5, 7))),
  [`${prefix}-year`]: iso.slice(0, 4),
})
const label = <T extends Record<string, string>>(vocab: T, value: string | null) =>
  value === null ? null : ((vocab as Record<string, string>)[value] ?? value)

/**
 * The ISA's support work on a person (issue 15, section 2): their support page (contacts and referrals out), the
 * forms to log a contact, make a referral out and record its answer, and the leaflet; and the directory of
 * services. Routes under /people/:id are behind the restricted-job door (record-routes.ts) like every person
 * route; the service decides the victim side. Thin: parse, call the service, render or redirect.
 */
export function registerSupportPages(app: FastifyInstance, { services, db }: AppDeps): void {
  const support = services.support
  const view = { config: { access: 'victim-facet:view' as const } }
  const work = { config: { access: 'safeguarding-plan:edit' as const } }
  const manage = { config: { access: 'support-service:manage' as const } }

  function personId(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }
  const supportUrl = (id: string) => `/people/${id}/support`

  // --- A person's support ------------------------------------------------------------------------------

  app.get<{ Params: Params }>('/people/:id/support', view, async (request, reply) => {
    const id = personId(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    const data = await support.view(id, userOf(request), actorOf(request))
    const today = londonDate()
    return reply.page('support/views/support.njk', {
      pageTitle: `Support: ${data.person.name ?? 'unnamed person'}`,
      personId: id,
      ...data,
      // Newest first: a later contact takes over from an earlier next step, so only the latest one can be overdue.
      contacts: data.contacts.map((c, index) => ({
        ...c,
        on: formatDate(c.contacted_on),
        kindLabel: label(CONTACT_KINDS, c.kind),
        safeLabel: label(SAFE_TO_CONTACT, c.safe_to_contact),
        entitlementLabels: c.entitlements.map((e) => label(ENTITLEMENTS, e)),
        nextOn: c.next_step_on ? formatDate(c.next_step_on) : null,
        nextOverdue: index === 0 && c.next_step_on !== null && c.next_step_on < today,
      })),
      referrals: data.referrals.map((r) => ({
        ...r,
        made: formatDate(r.made_on),
        followUp: formatDate(r.follow_up_on),
        categoryLabel: label(SERVICE_CATEGORIES, r.service_category),
        provisionLabel: label(PROVISIONS, r.provision),
        statusLabel: label(REFERRAL_STATUSES, r.status),
        open: (NEXT_STATUSES[r.status as ReferralStatus] ?? []).length > 0,
        updates: r.updates.map((u) => ({ ...u, statusLabel: label(REFERRAL_STATUSES, u.status) })),
      })),
      // The most recent answer to "is it safe to contact them this way?" warns whoever reaches them next.
      unsafe: data.contacts.find((c) => c.safe_to_contact !== 'not-asked')?.safe_to_contact === 'no',
      languages: leafletLanguageNames(),
      directory: (await support.listServices({ activeOnly: true })).map((s) => ({
        value: s.id,
        text: s.name,
        checked: data.referrals.some(
          (r) => r.service_id === s.id && (r.status === 'awaiting' || r.status === 'accepted'),
        ),
      })),
    })
  })

  // The leaflet: the services ticked on the support page (all of their open referrals' services when none are given).
  app.get<{ Params: Params; Querystring: { lang?: string; service?: string | string[] } }>(
    '/people/:id/support/leaflet.pdf',
    view,
    async (request, reply) => {
      const id = personId(request)
      if (!(await guardVictimFacet(db, request, reply, id))) return reply
      const chosen = asArray(request.query.service)
      const language = asString(request.query.lang) || 'en'
      const pdf = await support.leaflet(
        id,
        { language, serviceIds: chosen.length ? chosen : null },
        userOf(request),
        actorOf(request),
      )
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="support-leaflet-${language === 'cy' ? 'cy' : 'en'}.pdf"`)
        .send(pdf)
    },
  )

  // --- Contacts ----------------------------------------------------------------------------------------

  async function contactForm(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    values: Body,
    errors: FieldErrors = {},
  ) {
    const id = personId(request)
    const data = await support.view(id, userOf(request), actorOf(request))
    return reply.page('support/views/contact-form.njk', {
      pageTitle: 'Log a support contact',
      personId: id,
      personName: data.person.name,
      values,
      errors,
      errorList: errorSummary(errors, [
        'contactedOn',
        'kind',
        'safeToContact',
        'whatDone',
        'needsRaised',
        'entitlements',
        'nextStep',
        'nextStepOn',
      ]),
      kinds: items(CONTACT_KINDS, values.kind),
      safeItems: items(SAFE_TO_CONTACT, values.safeToContact),
      entitlementItems: items(ENTITLEMENTS, asArray(values.entitlements)),
    })
  }

  app.get<{ Params: Params }>('/people/:id/support/contacts/new', work, async (request, reply) => {
    const id = personId(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    return contactForm(request, reply, dateValues('contactedOn', londonDate()))
  })

  app.post<{ Params: Params; Body: Body }>('/people/:id/support/contacts', work, async (request, reply) => {
    const id = personId(request)
    const body = request.body ?? {}
    const parsed = parseForm(ContactForm, withDateParts(body, 'contactedOn', 'nextStepOn'))
    if (!parsed.ok) return contactForm(request, reply.code(400), body, parsed.errors)
    const input: ContactInput = parsed.value
    return saved(
      request,
      reply,
      () => support.recordContact(id, input, userOf(request), actorOf(request)),
      (status, errors) => contactForm(request, reply.code(status), body, errors),
      'whatDone',
      'Contact logged',
    )
  })

  /**
   * Saves, then back to the support page; a refusal is shown on the form it came from, against the field it names
   * (a person who is not a victim against `notVictimField`).
   */
  async function saved(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    work: () => Promise<unknown>,
    showForm: (status: number, errors: FieldErrors) => unknown,
    notVictimField: string,
    done: string,
  ) {
    try {
      await work()
    } catch (error) {
      if (error instanceof SupportError && error.code === 'invalid')
        return showForm(400, { [pageField(error.field)]: error.message })
      if (error instanceof SupportError && error.code === 'not-a-victim')
        return showForm(409, { [notVictimField]: error.message })
      throw error
    }
    await request.flash(done)
    return reply.redirect(supportUrl(personId(request)), 303)
  }

  // --- Referrals out -----------------------------------------------------------------------------------

  async function referralForm(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    values: Body,
    errors: FieldErrors = {},
  ) {
    const id = personId(request)
    const data = await support.view(id, userOf(request), actorOf(request))
    const directory = await support.listServices({ activeOnly: true })
    // Grouped by kind in the select, each with who it takes, so the ISA picks one that fits the person.
    const groups = Object.entries(SERVICE_CATEGORIES)
      .map(([category, text]) => ({
        text,
        services: directory
          .filter((s) => s.category === category)
          .map((s) => ({
            value: s.id,
            text: `${s.name}${s.takes_children && !s.takes_adults ? ' (children only)' : !s.takes_children ? ' (adults only)' : ''}${s.women_only ? ', women only' : ''}`,
            selected: values.serviceId === s.id,
          })),
      }))
      .filter((g) => g.services.length > 0)
    return reply.page('support/views/referral-form.njk', {
      pageTitle: 'Make a referral out',
      personId: id,
      personName: data.person.name,
      child: data.child,
      values,
      errors,
      errorList: errorSummary(errors, ['serviceId', 'provision', 'madeOn', 'reason', 'followUpOn']),
      groups,
      provisions: items(PROVISIONS, values.provision),
      canManage: can(request.user, 'support-service:manage'),
    })
  }

  app.get<{ Params: Params }>('/people/:id/support/referrals/new', work, async (request, reply) => {
    const id = personId(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    return referralForm(request, reply, dateValues('madeOn', londonDate()))
  })

  app.post<{ Params: Params; Body: Body }>('/people/:id/support/referrals', work, async (request, reply) => {
    const id = personId(request)
    const body = request.body ?? {}
    const parsed = parseForm(ReferralForm, withDateParts(body, 'madeOn', 'followUpOn'))
    if (!parsed.ok) return referralForm(request, reply.code(400), body, parsed.errors)
    const input: ReferralInput = parsed.value
    return saved(
      request,
      reply,
      () => support.makeReferral(id, input, userOf(request), actorOf(request)),
      (status, errors) => referralForm(request, reply.code(status), body, errors),
      'serviceId',
      'Referral out recorded',
    )
  })

  async function updateForm(
    request: FastifyRequest<{ Params: ReferralParams }>,
    reply: FastifyReply,
    values: Body,
    errors: FieldErrors = {},
  ) {
    const id = personId(request)
    const data = await support.referral(id, request.params.referralId, userOf(request), actorOf(request))
    const r = data.referral
    const statusItems = [r.status, ...r.next].map((s) => ({
      value: s,
      text:
        s === r.status
          ? s === 'awaiting'
            ? 'Still awaiting an answer: I have chased it'
            : `Still ${REFERRAL_STATUSES[s as ReferralStatus]?.toLowerCase()}: record the outcome`
          : REFERRAL_STATUSES[s as ReferralStatus],
      checked: (values.status ?? '') === s,
    }))
    return reply.page('support/views/referral-update.njk', {
      pageTitle: `Update the referral to ${r.service_name}`,
      personId: id,
      personName: data.person.name,
      referral: {
        ...r,
        made: formatDate(r.made_on),
        followUp: formatDate(r.follow_up_on),
        statusLabel: label(REFERRAL_STATUSES, r.status),
        provisionLabel: label(PROVISIONS, r.provision),
        updates: r.updates.map((u) => ({ ...u, statusLabel: label(REFERRAL_STATUSES, u.status) })),
      },
      closed: r.next.length === 0,
      statusItems,
      values,
      errors,
      errorList: errorSummary(errors, ['status', 'followUpOn', 'outcome', 'note']),
    })
  }

  app.get<{ Params: ReferralParams }>('/people/:id/support/referrals/:referralId', work, async (request, reply) => {
    const id = personId(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    return updateForm(request, reply, {})
  })

  app.post<{ Params: ReferralParams; Body: Body }>(
    '/people/:id/support/referrals/:referralId',
    work,
    async (request, reply) => {
      const id = personId(request)
      const body = request.body ?? {}
      const parsed = parseForm(ReferralUpdateForm, withDateParts(body, 'followUpOn'))
      if (!parsed.ok) return updateForm(request, reply.code(400), body, parsed.errors)
      const change: ReferralChange = parsed.value
      try {
        await support.updateReferral(id, request.params.referralId, change, userOf(request), actorOf(request))
      } catch (error) {
        if (error instanceof SupportError && error.code === 'invalid')
          return updateForm(request, reply.code(400), body, { [pageField(error.field)]: error.message })
        throw error
      }
      await request.flash('Referral updated')
      return reply.redirect(supportUrl(id), 303)
    },
  )

  // --- The directory of services -----------------------------------------------------------------------

  app.get<{ Querystring: { category?: string } }>('/support-services', work, async (request, reply) => {
    const category = asString(request.query.category)
    const known = Object.hasOwn(SERVICE_CATEGORIES, category) ? category : null
    const list = await support.listServices({ activeOnly: false, category: known })
    return reply.page('support/views/services.njk', {
      pageTitle: 'Support services',
      services: list.map((s) => ({
        ...s,
        categoryLabel: label(SERVICE_CATEGORIES, s.category),
        takes:
          [s.takes_adults ? 'Adults' : null, s.takes_children ? 'Children' : null].filter(Boolean).join(' and ') +
          (s.women_only ? ' (women only)' : ''),
      })),
      categories: [{ value: '', text: 'All kinds' }, ...items(SERVICE_CATEGORIES, known)],
      category: known,
      canManage: can(request.user, 'support-service:manage'),
    })
  })

  const serviceValues = (s: Awaited<ReturnType<typeof support.service>>): Body => ({
    name: s.name,
    category: s.category,
    offers: s.offers,
    offersCy: s.offers_cy ?? '',
    phone: s.phone ?? '',
    email: s.email ?? '',
    website: s.website ?? '',
    area: s.area ?? '',
    takes: [s.takes_adults ? 'adults' : null, s.takes_children ? 'children' : null].filter(Boolean),
    womenOnly: s.women_only ? 'yes' : 'no',
    languages: s.languages.join(', '),
    active: s.active ? 'yes' : 'no',
  })

  function serviceForm(reply: FastifyReply, serviceId: string | null, values: Body, errors: FieldErrors = {}) {
    return reply.page('support/views/service-form.njk', {
      pageTitle: serviceId ? `Change ${asString(values.name) || 'the service'}` : 'Add a support service',
      action: serviceId ? `/support-services/${serviceId}` : '/support-services',
      editing: serviceId !== null,
      values,
      errors,
      errorList: errorSummary(errors, [
        'name',
        'category',
        'offers',
        'offersCy',
        'takes',
        'womenOnly',
        'languages',
        'area',
        'phone',
        'email',
        'website',
        'active',
      ]),
      categories: [{ value: '', text: 'Select the kind of service' }, ...items(SERVICE_CATEGORIES, values.category)],
      takes: asArray(values.takes),
    })
  }

  /** The directory form read by its schema: the service itself says what is wrong with it. */
  const readService = (body: Body): ServiceInput => ServiceForm.parse(body)

  app.get('/support-services/new', manage, async (_request, reply) =>
    serviceForm(reply, null, { takes: ['adults'], womenOnly: 'no', active: 'yes' }),
  )

  app.post<{ Body: Body }>('/support-services', manage, async (request, reply) => {
    const body = request.body ?? {}
    try {
      await support.addService(readService(body), actorOf(request))
    } catch (error) {
      if (error instanceof SupportError && error.code === 'invalid')
        return serviceForm(reply.code(400), null, body, { [error.field ?? 'name']: error.message })
      throw error
    }
    await request.flash('Service added to the directory')
    return reply.redirect('/support-services', 303)
  })

  app.get<{ Params: Params }>('/support-services/:id', manage, async (request, reply) => {
    const s = await support.service(request.params.id)
    return serviceForm(reply, s.id, serviceValues(s))
  })

  app.post<{ Params: Params; Body: Body }>('/support-services/:id', manage, async (request, reply) => {
    const body = request.body ?? {}
    try {
      await support.changeService(request.params.id, readService(body), actorOf(request))
    } catch (error) {
      if (error instanceof SupportError && error.code === 'invalid')
        return serviceForm(reply.code(400), request.params.id, body, { [error.field ?? 'name']: error.message })
      throw error
    }
    await request.flash('Service changed')
    return reply.redirect('/support-services', 303)
  })
}
