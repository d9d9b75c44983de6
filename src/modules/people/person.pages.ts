import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { isUuid } from '#src/shared/ids.ts'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { COUNTRIES, countryName, languageName } from '#src/shared/reference-data.ts'
import { describeAge } from './person.presenter.ts'
import { CASE_ROLES, EVENT_KINDS, GENDERS, PREMISES_TYPES, SUBJECT_ROLES } from './person.vocabulary.ts'
import { type PersonDetailsChange } from './person.schema.ts'
import {
  DetailsForm,
  DOCUMENT_KINDS,
  DocumentForm,
  OBJECT_RELATIONS,
  ObjectLinkForm,
  PlaceLinkForm,
  placeLinkInput,
} from './person.forms.ts'
import { OBJECT_KINDS, type ObjectKind } from './identifiers.ts'
import { PersonError, PLACE_RELATIONS } from './person.service.ts'
import { askWhom } from './access-policy.ts'
import { businessRelationText } from './places.service.ts'

type Body = Record<string, unknown>
type Params = { id: string }

const NAME_KINDS = {
  primary: 'Main name',
  alias: 'Alias',
  spelling: 'Other spelling',
  'original-script': 'Original script',
  nickname: 'Nickname',
} as const

const linkHref = (type: string, otherId: string) =>
  type === 'person'
    ? `/people/${otherId}`
    : type === 'location'
      ? `/places/${otherId}`
      : type === 'object'
        ? `/objects/${otherId}`
        : null
const relationLabel = (relation: string) =>
  (OBJECT_RELATIONS as Record<string, string>)[relation] ??
  (PLACE_RELATIONS as Record<string, string>)[relation] ??
  relation.replace(/-/g, ' ')

/** A person's record: names in every script, documents, phones and vehicles, roles, and the protected facets. */
export function registerPersonPages(app: FastifyInstance, { services }: AppDeps): void {
  const people = services.people

  function id(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }

  async function show(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    state: {
      errors?: FieldErrors
      values?: Body
      form?: string
      status?: { status: string; notes: string | null; recorded_at: Date; recorded_by_name: string | null } | null
      statusShown?: boolean
      /** Places already recorded at the postcode, offered instead of a copy (the check before recording a place). */
      placeMatches?: { id: string; text: string; exact: boolean; referrals: number; cases: number }[]
    } = {},
  ) {
    // The support summary (support module) is part of the victim side: read only for those who see it, and its
    // audit event goes in with the page's own.
    // The victim side is asked once per request (one access-policy query) and handed to both parts that show it.
    const facet = isUuid(request.params.id) ? await people.victimSide(id(request), userOf(request)) : undefined
    const support = await services.support.personSummary(id(request), userOf(request), facet)
    // What partner agencies recorded at the hub about them, attributed; read with the page's own audit event.
    const partnerNotes = await services.safeguarding.personContributions(id(request), userOf(request))
    let view
    try {
      view = await people.view(
        id(request),
        userOf(request),
        actorOf(request),
        [...(support ? [support.auditEvent] : []), ...(partnerNotes ? [partnerNotes.auditEvent] : [])],
        { refuseMerged: true, facet },
      )
    } catch (error) {
      // A record merged into another person reads as its survivor (matching module): asked only for a merged one.
      if (error instanceof PersonError && error.code === 'merged') {
        const survivor = await services.matching.survivorOf(id(request))
        if (survivor && survivor !== request.params.id) return reply.redirect(`/people/${survivor}`, 303)
      }
      throw error
    }
    const { person, names } = view
    const businesses = await services.places.linkedTo({ type: 'person', id: person.id })
    const errors = state.errors ?? {}
    const events = can(request.user, 'case:view')
      ? await services.cases.eventsFor({ personId: person.id }, userOf(request), actorOf(request), { audited: false })
      : []
    return reply.page('people/views/person.njk', {
      pageTitle: names[0]?.full_name ?? 'Person',
      person: {
        ...person,
        age: describeAge(person),
        gender: GENDERS.label(person.gender),
        nationalities: person.nationalities.map(countryName),
        languages: person.languages.map(languageName),
      },
      names: names.map((n) => ({
        ...n,
        kindLabel: `${NAME_KINDS[n.kind as keyof typeof NAME_KINDS] ?? n.kind}${n.person_id !== person.id ? ' (merged record)' : ''}`,
      })),
      documents: view.documents.map((d) => ({
        ...d,
        kindLabel: DOCUMENT_KINDS[d.kind as keyof typeof DOCUMENT_KINDS] ?? d.kind,
        country: d.issuing_country ? countryName(d.issuing_country) : null,
        expires: d.expires_on ? formatDate(d.expires_on) : null,
      })),
      roles: view.roles.map((r) => ({
        ...r,
        roleLabel:
          SUBJECT_ROLES.label(r.role) !== r.role
            ? SUBJECT_ROLES.label(r.role)
            : ((CASE_ROLES as Record<string, string>)[r.role] ?? r.role),
        href: r.kind === 'referral' ? `/referrals/${r.id}` : `/cases/${r.id}`,
      })),
      links: view.links.map((l) => ({
        ...l,
        what: l.object_kind
          ? `${OBJECT_KINDS[l.object_kind as ObjectKind] ?? l.object_kind}: ${l.object_display}`
          : l.location_text
            ? `Place: ${l.location_text}${l.location_cuckooed ? ' (cuckooed)' : ''}`
            : `Person: ${l.person_name ?? 'unnamed'}`,
        href: linkHref(l.other_type, l.other_id),
        relation: relationLabel(l.relation),
        from: l.valid_from ? formatDate(l.valid_from) : null,
      })),
      businesses: businesses.map((b) => ({ ...b, relationText: businessRelationText(b.relation, true) })),
      events: events.map((e) => ({
        ...e,
        kindLabel: EVENT_KINDS[e.kind as keyof typeof EVENT_KINDS] ?? e.kind,
        at: e.time_known ? formatDateTime(e.occurred_at) : formatDate(e.occurred_at),
      })),
      // The victim side's links are offered only to those the access policy lets act on them; anyone else is told whom to ask.
      facet: { ...view.facet, askWhom: askWhom(view.facet) },
      // Who supports them (ISAs): shown only with the victim side; a supervisor assigns and ends.
      supportWorkers: view.supportWorkers.map((w) => ({ ...w, since: formatDate(w.assigned_at) })),
      support:
        support && view.facet.visible
          ? {
              ...support.summary,
              lastContact: support.summary.last_contact_on ? formatDate(support.summary.last_contact_on) : null,
            }
          : null,
      partnerNotes: (partnerNotes?.rows ?? []).map((c) => ({
        ...c,
        at: formatDateTime(c.created_at),
      })),
      canAssignSupport: can(request.user, 'team:supervise'),
      supportCandidates:
        can(request.user, 'team:supervise') && view.facet.exists
          ? (await services.supportWorkers.candidates()).filter(
              (u) => !view.supportWorkers.some((w) => w.user_id === u.id),
            )
          : [],
      // Possible matches and merges are on their own page (matching module), so viewing a person does no matching.
      canReviewMatches: can(request.user, 'match:review'),
      hasImmigrationStatus: view.hasImmigrationStatus,
      immigrationStatus: state.status ? { ...state.status, recorded: formatDateTime(state.status.recorded_at) } : null,
      statusShown: state.statusShown ?? false,
      canEdit: can(request.user, 'person:edit'),
      canSeeStatus: can(request.user, 'immigration-status:view'),
      canShare: can(request.user, 'disclosure:make'),
      canScreen: can(request.user, 'screening:assess') && can(request.user, 'victim-facet:edit'),
      canRecordStatus: can(request.user, 'immigration-status:edit'),
      firstReferral: view.roles.find((r) => r.kind === 'referral')?.id ?? null,
      vocab: {
        NAME_KINDS: Object.entries(NAME_KINDS)
          .filter(([k]) => k !== 'primary')
          .map(([value, text]) => ({ value, text })),
        DOCUMENT_KINDS: Object.entries(DOCUMENT_KINDS).map(([value, text]) => ({ value, text })),
        OBJECT_KINDS: Object.entries(OBJECT_KINDS)
          .filter(([k]) => k !== 'deal-line')
          .map(([value, text]) => ({ value, text })),
        OBJECT_RELATIONS: Object.entries(OBJECT_RELATIONS).map(([value, text]) => ({ value, text })),
        PLACE_RELATIONS: Object.entries(PLACE_RELATIONS).map(([value, text]) => ({ value, text })),
        PREMISES_TYPES: PREMISES_TYPES.items,
        GENDERS: GENDERS.items,
        COUNTRIES,
      },
      errors,
      errorList: errorSummary(errors),
      values: state.values ?? {},
      placeMatches: state.placeMatches ?? [],
      // What the "Change details" form shows when it has not just been posted: the details as held.
      current: {
        'dateOfBirth-day': person.date_of_birth ? String(Number(person.date_of_birth.slice(8, 10))) : '',
        'dateOfBirth-month': person.date_of_birth ? String(Number(person.date_of_birth.slice(5, 7))) : '',
        'dateOfBirth-year': person.date_of_birth ? person.date_of_birth.slice(0, 4) : '',
        approximateAge: person.approximate_age ?? '',
        ageDisputed: person.age_disputed ? 'yes' : 'no',
        gender: person.gender,
        nationality: person.nationalities[0] ?? '',
        secondNationality: person.nationalities[1] ?? '',
        languages: person.languages.map(languageName).join(', '),
        vulnerability: person.vulnerability ?? '',
      },
      form: state.form ?? null,
    })
  }

  const view = { config: { access: 'person:view' as const } }
  const edit = { config: { access: 'person:edit' as const } }

  app.get<{ Params: Params }>('/people/:id', view, (request, reply) => show(request, reply))

  // A phone, vehicle or account, and everyone linked to it: what an officer follows from a number. (Places have
  // their own page: places.pages.ts.)
  for (const [path, type, caption] of [['/objects/:id', 'object', 'Phone, vehicle or account']] as const) {
    app.get<{ Params: Params }>(path, view, async (request, reply) => {
      const found = await people.entity(type, id(request), userOf(request), actorOf(request))
      const row = found.row as {
        display: string
        kind?: string
        note?: string | null
        cuckooed?: boolean
      }
      return reply.page('people/views/entity.njk', {
        pageTitle: row.kind ? `${OBJECT_KINDS[row.kind as ObjectKind] ?? row.kind}: ${row.display}` : row.display,
        caption,
        cuckooed: row.cuckooed === true,
        note: row.note ?? null,
        placeId: null,
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
      })
    })
  }

  async function attempt(
    request: FastifyRequest<{ Params: Params; Body: Body }>,
    reply: FastifyReply,
    form: string,
    work: () => Promise<unknown>,
    done: string,
  ) {
    try {
      await work()
    } catch (error) {
      if (error instanceof PersonError && error.code === 'invalid')
        return show(request, reply.code(400), {
          errors: { [error.field ?? 'form']: error.message },
          values: request.body ?? {},
          form,
        })
      throw error
    }
    await request.flash(done)
    return reply.redirect(`/people/${id(request)}`, 303)
  }

  app.post<{ Params: Params; Body: Body }>('/people/:id/names', edit, (request, reply) => {
    const body = request.body ?? {}
    return attempt(
      request,
      reply,
      'name',
      () =>
        people.addName(id(request), { fullName: asString(body.fullName), kind: asString(body.kind) }, actorOf(request)),
      'Name added',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/people/:id/documents', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(DocumentForm, withDateParts(body, 'expiresOn'))
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'document' })
    return attempt(
      request,
      reply,
      'document',
      () => people.addDocument(id(request), parsed.value, actorOf(request)),
      'Document added',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/people/:id/details', edit, (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(DetailsForm, withDateParts(body, 'dateOfBirth'))
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'details' })
    const change: PersonDetailsChange = parsed.value
    return attempt(
      request,
      reply,
      'details',
      () => people.updateDetails(id(request), change, actorOf(request)),
      'Details changed',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/people/:id/places', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(PlaceLinkForm, placeLinkInput(withDateParts(body, 'placeFrom')))
    // The place's own fields are at the top of the form, under their own ids.
    if (!parsed.ok)
      return show(request, reply.code(400), {
        errors: Object.fromEntries(
          Object.entries(parsed.errors).map(([key, message]) => [key.replace(/^place-/, ''), message]),
        ),
        values: body,
        form: 'place',
      })
    const { place, placeRelation: relation, placeSource: source, placeFrom: validFrom } = parsed.value
    // The check: a place already recorded at this postcode is offered first, so the same address is not copied.
    const choice = asString(body.placeChoice)
    if (!choice) {
      const placeMatches = await services.places.matches(place, userOf(request))
      if (placeMatches.length > 0)
        return show(request, reply, {
          values: { ...body, placeChoice: placeMatches.find((m) => m.exact)?.id ?? '' },
          form: 'place',
          placeMatches,
        })
    }
    const existingPlaceId = isUuid(choice) ? choice : null
    return attempt(
      request,
      reply,
      'place',
      () =>
        people.linkPlace(
          id(request),
          {
            place,
            relation,
            source,
            validFrom,
            existingPlaceId,
            confirmedNew: choice === 'new',
            user: userOf(request),
          },
          actorOf(request),
        ),
      'Place added',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/people/:id/objects', edit, (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(ObjectLinkForm, body)
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'object' })
    const { kind, value, relation, source } = parsed.value
    return attempt(
      request,
      reply,
      'object',
      () => people.linkObject(id(request), { kind, value, relation, validFrom: null, source }, actorOf(request)),
      `${OBJECT_KINDS[kind]} added`,
    )
  })

  // A supervisor assigns a support worker (ISA) to a victim, or ends their support with a reason (ADR 0009).
  const supervise = { config: { access: 'team:supervise' as const } }
  // A refusal is shown against the field it is about; one about the person (no victim side) or a stale page
  // (no longer their support worker) against the section.
  async function supportChange(
    request: FastifyRequest<{ Params: Params; Body: Body }>,
    reply: FastifyReply,
    form: string,
    fieldFor: (field: string | undefined) => string,
    work: () => Promise<unknown>,
    done: string,
  ) {
    try {
      await work()
    } catch (error) {
      if (error instanceof PersonError && (error.code === 'invalid' || error.code === 'not-a-victim')) {
        const key = error.code === 'not-a-victim' ? 'support-workers' : fieldFor(error.field)
        return show(request, reply.code(error.code === 'invalid' ? 400 : 409), {
          errors: { [key]: error.message },
          values: request.body ?? {},
          form,
        })
      }
      throw error
    }
    await request.flash(done)
    return reply.redirect(`/people/${id(request)}`, 303)
  }

  app.post<{ Params: Params; Body: Body }>('/people/:id/support-workers', supervise, (request, reply) => {
    const userId = asString(request.body?.supportWorkerId)
    if (!userId)
      return show(request, reply.code(400), {
        errors: { supportWorkerId: 'Select a support worker (ISA)' },
        values: request.body ?? {},
        form: 'support-assign',
      })
    return supportChange(
      request,
      reply,
      'support-assign',
      () => 'supportWorkerId',
      () => services.supportWorkers.assignSupportWorker(id(request), userId, userOf(request), actorOf(request)),
      'Support worker assigned',
    )
  })

  app.post<{ Params: { id: string; userId: string }; Body: Body }>(
    '/people/:id/support-workers/:userId/end',
    supervise,
    (request, reply) => {
      if (!isUuid(request.params.userId)) throw new NotFoundError()
      const field = `supportEndReason-${request.params.userId}`
      const form = `support-end-${request.params.userId}`
      const reason = asString(request.body?.reason).slice(0, 2000)
      if (!reason.trim())
        return show(request, reply.code(400), {
          errors: { [field]: 'Enter why their support is ending' },
          values: request.body ?? {},
          form,
        })
      return supportChange(
        request,
        reply,
        form,
        (f) => (f === 'reason' ? field : 'support-workers'),
        () =>
          services.supportWorkers.endSupportWorker(
            id(request),
            request.params.userId,
            reason,
            userOf(request),
            actorOf(request),
          ),
        'Support ended',
      )
    },
  )

  app.post<{ Params: Params; Body: Body }>(
    '/people/:id/immigration-status/view',
    { config: { access: 'immigration-status:view' } },
    async (request, reply) => {
      const purpose = asString(request.body?.purpose).slice(0, 500)
      try {
        const status = await people.viewImmigrationStatus(id(request), purpose, userOf(request), actorOf(request))
        return show(request, reply, { status, statusShown: true })
      } catch (error) {
        if (error instanceof PersonError && error.code === 'invalid')
          return show(request, reply.code(400), {
            errors: { purpose: error.message },
            values: request.body ?? {},
            form: 'status-view',
          })
        throw error
      }
    },
  )

  app.post<{ Params: Params; Body: Body }>(
    '/people/:id/immigration-status',
    { config: { access: 'immigration-status:edit' } },
    (request, reply) => {
      const body = request.body ?? {}
      return attempt(
        request,
        reply,
        'status',
        () =>
          people.recordImmigrationStatus(
            id(request),
            { status: asString(body.status).slice(0, 200), notes: asString(body.notes).trim().slice(0, 2000) || null },
            actorOf(request),
          ),
        'Immigration status recorded. It is protected: every view is audited.',
      )
    },
  )
}
