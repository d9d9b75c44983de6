import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { field } from '#src/platform/http/page-forms.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { isUuid } from '#src/shared/ids.ts'
import { formatDate, londonDate } from '#src/shared/dates.ts'
import { LocationInput } from './person.schema.ts'
import { PREMISES_TYPES } from './person.vocabulary.ts'
import { OBJECT_RELATIONS } from './person.forms.ts'
import { PLACE_RELATIONS } from './person.service.ts'
import { BUSINESS_KINDS, BUSINESS_RELATIONS, PlaceError } from './places.service.ts'
import type { BusinessMatch } from './places.repository.ts'

type Body = Record<string, unknown>
type Params = { id: string }

const relationLabel = (relation: string) =>
  (OBJECT_RELATIONS as Record<string, string>)[relation] ??
  (PLACE_RELATIONS as Record<string, string>)[relation] ??
  relation.replace(/-/g, ' ')
const linkHref = (type: string, otherId: string) =>
  type === 'person' ? `/people/${otherId}` : type === 'location' ? `/places/${otherId}` : `/objects/${otherId}`
const kindText = (kind: string) => BUSINESS_KINDS.items.find((k) => k.value === kind)?.text ?? kind
const relationText = (relation: string) => BUSINESS_RELATIONS.items.find((k) => k.value === relation)?.text ?? relation
/** The same links read from the person's side: "Kyle Walsh (employer of a victim)" would name him the employer. */
const PERSON_SIDE: Record<string, string> = {
  named: 'Named with it',
  employer: 'Works or worked here',
  'exploitation-site': 'Exploited here',
  'suspected-front': 'Linked to it',
}
const personRelationText = (relation: string) => PERSON_SIDE[relation] ?? relationText(relation)

const UnknownOthersForm = z.object({
  unknownCount: field(
    z.string().regex(/^$|^\d{1,5}$/, { error: 'Enter how many people, as a whole number from 1 to 10,000' }),
  ).transform((n) => (n ? Number(n) : null)),
  unknownNote: field(z.string().max(500, { error: 'What was seen must be 500 characters or fewer' })),
})

const ReasonForm = z.object({
  mergedId: field(z.string().refine(isUuid, { error: 'Select which one is the copy' })),
  reason: field(
    z
      .string()
      .min(1, { error: 'Say why they are the same' })
      .max(1000, { error: 'Reason must be 1,000 characters or fewer' }),
  ),
})

const BusinessForm = z.object({
  businessName: field(
    z
      .string()
      .min(1, { error: 'Enter the business’s name' })
      .max(200, { error: 'Name must be 200 characters or fewer' }),
  ),
  businessKind: field(
    z.string().refine((k) => BUSINESS_KINDS.values.includes(k as never), {
      error: 'Select what kind of business it is',
    }),
  ),
  businessNotes: field(z.string().max(1000, { error: 'Notes must be 1,000 characters or fewer' })),
})

const BusinessLinkForm = z.object({
  reference: field(z.string().min(1, { error: 'Enter the reference of a referral or live job' })),
  relation: field(
    z.string().refine((k) => BUSINESS_RELATIONS.values.includes(k as never), {
      error: 'Select how the business is connected',
    }),
  ),
})

/** A place's page (one record, every referral and job that records it) and businesses: found by name, merged when doubled. */
export function registerPlacePages(app: FastifyInstance, { services }: AppDeps): void {
  const places = services.places
  const view = { config: { access: 'person:view' as const } }
  const edit = { config: { access: 'person:edit' as const } }
  const merge = { config: { access: 'match:review' as const } }

  function id(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }

  async function showPlace(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    state: { errors?: FieldErrors; values?: Body; form?: string } = {},
  ) {
    const found = await places.place(id(request), userOf(request), actorOf(request))
    const p = found.place
    const errors = state.errors ?? {}
    return reply.page('people/views/place.njk', {
      pageTitle: p.display || 'Place',
      place: p,
      placeId: p.id,
      premises: PREMISES_TYPES.label(p.premises_type),
      cuckooed: p.cuckooed,
      sharedPlace: p.shared_place,
      sharedPlaceKind: p.shared_place_kind,
      unknownOthers: p.unknown_others
        ? {
            count: p.unknown_others,
            note: p.unknown_others_note,
            on: p.unknown_others_on ? formatDate(p.unknown_others_on) : null,
          }
        : null,
      referrals: found.referrals,
      cases: found.cases,
      businesses: found.businesses.map((b) => ({ ...b, kindText: kindText(b.kind) })),
      merged: found.merged,
      survivor: found.survivor,
      duplicates: found.duplicates,
      links: found.links.map((l) => ({
        what:
          l.other_type === 'person'
            ? (l.person_name ?? 'Unnamed person')
            : (l.object_display ?? l.location_text ?? l.other_type),
        href: linkHref(l.other_type, l.other_id),
        relationLabel: relationLabel(l.relation),
        from: l.valid_from ? formatDate(l.valid_from) : null,
        source: l.source,
      })),
      canEdit: can(request.user, 'person:edit'),
      canMerge: can(request.user, 'match:review'),
      errors,
      errorList: errorSummary(errors),
      values: state.values ?? {},
      form: state.form ?? null,
    })
  }

  async function attemptPlace(
    request: FastifyRequest<{ Params: Params; Body: Body }>,
    reply: FastifyReply,
    form: string,
    work: () => Promise<unknown>,
    done: string,
    redirectTo?: string,
  ) {
    try {
      await work()
    } catch (error) {
      if (error instanceof PlaceError && error.code !== 'not-found')
        return showPlace(request, reply.code(error.status), {
          errors: { [error.field ?? 'form']: error.message },
          values: request.body ?? {},
          form,
        })
      throw error
    }
    await request.flash(done)
    return reply.redirect(redirectTo ?? `/places/${id(request)}`, 303)
  }

  app.get<{ Params: Params }>('/places/:id', view, (request, reply) => showPlace(request, reply))

  app.post<{ Params: Params; Body: Body }>('/places/:id/unknown-others', edit, (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(UnknownOthersForm, body)
    if (!parsed.ok) return showPlace(request, reply.code(400), { errors: parsed.errors, values: body, form: 'unknown' })
    const { unknownCount: count, unknownNote: note } = parsed.value
    return attemptPlace(
      request,
      reply,
      'unknown',
      () =>
        places.recordUnknownOthers(
          id(request),
          { count, note, on: count ? londonDate() : null },
          userOf(request),
          actorOf(request),
        ),
      count ? 'Estimate of people not yet identified recorded' : 'Estimate cleared',
    )
  })

  /**
   * Merging and unmerging are the same for places and businesses: one pair of routes per kind, given the kind's page
   * (to show a form back with its errors), its service calls and its words.
   */
  function registerMergeRoutes(kind: {
    path: 'places' | 'businesses'
    one: string
    many: string
    attempt: typeof attemptPlace
    show: typeof showPlace
    merge: (...args: Parameters<typeof places.mergePlace>) => Promise<unknown>
    unmerge: (...args: Parameters<typeof places.unmergePlace>) => Promise<unknown>
  }) {
    const manyCapitalised = kind.many.charAt(0).toUpperCase() + kind.many.slice(1)
    app.post<{ Params: Params; Body: Body }>(`/${kind.path}/:id/merge`, merge, (request, reply) => {
      const body = request.body ?? {}
      const parsed = parseForm(ReasonForm, body)
      if (!parsed.ok) return kind.show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'merge' })
      return kind.attempt(
        request,
        reply,
        'merge',
        () => kind.merge(id(request), parsed.value.mergedId, parsed.value.reason, userOf(request), actorOf(request)),
        `${manyCapitalised} merged: the copy now reads as this ${kind.one}. The merge can be undone from the copy’s page.`,
      )
    })

    app.post<{ Params: Params; Body: Body }>(`/${kind.path}/:id/unmerge`, merge, (request, reply) => {
      const body = request.body ?? {}
      const reason = asString(body.reason).trim()
      if (!reason)
        return kind.show(request, reply.code(400), {
          errors: { reason: `Say why they are different ${kind.many}` },
          values: body,
          form: 'unmerge',
        })
      return kind.attempt(
        request,
        reply,
        'unmerge',
        () => kind.unmerge(id(request), reason, userOf(request), actorOf(request)),
        `Merge undone: this is a ${kind.one} of its own again`,
      )
    })
  }

  registerMergeRoutes({
    path: 'places',
    one: 'place',
    many: 'places',
    attempt: attemptPlace,
    show: showPlace,
    merge: places.mergePlace,
    unmerge: places.unmergePlace,
  })

  // Businesses ------------------------------------------------------------------------------------------------

  async function listBusinesses(
    request: FastifyRequest<{ Querystring: { q?: string } }>,
    reply: FastifyReply,
    state: { errors?: FieldErrors; values?: Body; matches?: BusinessMatch[] } = {},
  ) {
    const q = (request.query.q ?? '').slice(0, 200)
    const results = await places.search(q, userOf(request))
    const errors = state.errors ?? {}
    return reply.page('people/views/businesses.njk', {
      pageTitle: 'Businesses',
      q,
      results: results.map((b) => ({ ...b, kindText: kindText(b.kind) })),
      kinds: BUSINESS_KINDS.items,
      matches: (state.matches ?? []).map((b) => ({ ...b, kindText: kindText(b.kind) })),
      canEdit: can(request.user, 'person:edit'),
      errors,
      errorList: errorSummary(errors),
      values: state.values ?? {},
    })
  }

  app.get<{ Querystring: { q?: string } }>('/businesses', view, (request, reply) => listBusinesses(request, reply))

  app.post<{ Body: Body; Querystring: { q?: string } }>('/businesses', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(BusinessForm, body)
    if (!parsed.ok) return listBusinesses(request, reply.code(400), { errors: parsed.errors, values: body })
    const choice = asString(body.businessChoice)
    // "Is it one of these?": choosing a business already recorded goes to it instead of making a copy.
    if (isUuid(choice)) return reply.redirect(`/businesses/${choice}`, 303)
    let result
    try {
      result = await places.createBusiness(
        {
          name: parsed.value.businessName,
          kind: parsed.value.businessKind,
          notes: parsed.value.businessNotes || null,
          confirmedNew: choice === 'new',
        },
        userOf(request),
        actorOf(request),
      )
    } catch (error) {
      if (error instanceof PlaceError && error.code === 'invalid')
        return listBusinesses(request, reply.code(400), {
          errors: { [error.field ?? 'businessName']: error.message },
          values: body,
        })
      throw error
    }
    if ('matches' in result) return listBusinesses(request, reply, { values: body, matches: result.matches })
    await request.flash('Business recorded')
    return reply.redirect(`/businesses/${result.id}`, 303)
  })

  async function showBusiness(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    state: { errors?: FieldErrors; values?: Body; form?: string } = {},
  ) {
    const found = await places.business(id(request), userOf(request), actorOf(request))
    const errors = state.errors ?? {}
    return reply.page('people/views/business.njk', {
      pageTitle: found.business.name,
      business: found.business,
      kindText: found.kindText,
      premises: found.premises,
      referrals: found.referrals.map((r) => ({ ...r, relationText: relationText(r.relation) })),
      cases: found.cases.map((c) => ({ ...c, relationText: relationText(c.relation) })),
      people: found.people.map((p) => ({ ...p, relationText: personRelationText(p.relation) })),
      merged: found.merged,
      survivor: found.survivor,
      similar: found.similar,
      relations: BUSINESS_RELATIONS.items,
      premisesTypes: PREMISES_TYPES.items,
      canEdit: can(request.user, 'person:edit'),
      canMerge: can(request.user, 'match:review'),
      errors,
      errorList: errorSummary(errors),
      values: state.values ?? {},
      form: state.form ?? null,
    })
  }

  async function attemptBusiness(
    request: FastifyRequest<{ Params: Params; Body: Body }>,
    reply: FastifyReply,
    form: string,
    work: () => Promise<unknown>,
    done: string,
  ) {
    try {
      await work()
    } catch (error) {
      if (error instanceof PlaceError && error.code !== 'not-found')
        return showBusiness(request, reply.code(error.status), {
          errors: { [error.field ?? 'form']: error.message },
          values: request.body ?? {},
          form,
        })
      throw error
    }
    await request.flash(done)
    return reply.redirect(`/businesses/${id(request)}`, 303)
  }

  app.get<{ Params: Params }>('/businesses/:id', view, (request, reply) => showBusiness(request, reply))

  app.post<{ Params: Params; Body: Body }>('/businesses/:id/premises', edit, (request, reply) => {
    const body = request.body ?? {}
    const parsed = LocationInput.safeParse({
      addressLine1: asString(body.addressLine1),
      town: asString(body.town),
      postcode: asString(body.postcode),
      premisesType: asString(body.premisesType) || 'other',
    })
    if (!parsed.success) {
      const errors: FieldErrors = {}
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'addressLine1')] ??= issue.message
      return showBusiness(request, reply.code(400), { errors, values: body, form: 'premises' })
    }
    return attemptBusiness(
      request,
      reply,
      'premises',
      () =>
        places.addPremises(id(request), { locationId: null, place: parsed.data }, userOf(request), actorOf(request)),
      'Premises added',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/businesses/:id/links', edit, (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(BusinessLinkForm, body)
    if (!parsed.ok) return showBusiness(request, reply.code(400), { errors: parsed.errors, values: body, form: 'link' })
    return attemptBusiness(
      request,
      reply,
      'link',
      () => places.linkByReference(id(request), parsed.value, userOf(request), actorOf(request)),
      'Business linked',
    )
  })

  registerMergeRoutes({
    path: 'businesses',
    one: 'business',
    many: 'businesses',
    attempt: attemptBusiness,
    show: showBusiness,
    merge: places.mergeBusiness,
    unmerge: places.unmergeBusiness,
  })
}
