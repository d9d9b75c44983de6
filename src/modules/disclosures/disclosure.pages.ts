import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asArray, asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { isUuid } from '#src/shared/ids.ts'
import { addCalendarDays, formatDate, formatDateTime, londonDate } from '#src/shared/dates.ts'
import {
  DISCLOSABLE_FIELDS,
  FIELD_KEYS,
  isDisclosableField,
  LAWFUL_BASES,
  type DisclosableField,
  type LawfulBasis,
} from './disclosure.fields.ts'
import { DisclosureError } from './disclosure.service.ts'
import { MARK_KINDS } from './disclosure.redaction.ts'
import { AgreementForm, DisclosureForm } from './disclosure.forms.ts'
import { presentShared } from './disclosure.presenter.ts'

type Body = Record<string, unknown>
type Params = { id: string }

const fieldItems = FIELD_KEYS.map((key) => ({
  value: key,
  text: DISCLOSABLE_FIELDS[key].label,
  protects: DISCLOSABLE_FIELDS[key].protects,
}))
const fieldLabel = (f: string) => (isDisclosableField(f) ? DISCLOSABLE_FIELDS[f].label : f)

/** Staff: agreements, and sharing part of a person's record with a partner. Partners: what was shared with them. */
export function registerDisclosurePages(app: FastifyInstance, { services }: AppDeps): void {
  const disclosures = services.disclosures

  function id(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }

  // ── Agreements ──────────────────────────────────────────────────────────────────────────────────────────
  async function showAgreements(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values?: Body; errors?: FieldErrors } = {},
  ) {
    const today = londonDate()
    const errors = state.errors ?? {}
    return reply.page('disclosures/views/agreements.njk', {
      pageTitle: 'Information-sharing agreements',
      agreements: (await disclosures.listAgreements()).map((a) => ({
        ...a,
        basisLabel: LAWFUL_BASES[a.lawful_basis as LawfulBasis] ?? a.lawful_basis,
        fieldsLabel: a.allowed_fields.map(fieldLabel).join(', '),
        ended: a.ends_on < today,
        reviewDue: a.review_on <= today && a.ends_on >= today,
        ends: formatDate(a.ends_on),
        review: formatDate(a.review_on),
      })),
      agencies: await services.partners.list(),
      fieldItems,
      basisItems: Object.entries(LAWFUL_BASES).map(([value, text]) => ({ value, text })),
      values: state.values ?? { 'startsOn-day': '', agencyIds: [], allowedFields: [] },
      errors,
      errorList: errorSummary(errors, [
        'title',
        'agencyIds',
        'purposes',
        'lawfulBasis',
        'allowedFields',
        'startsOn-day',
        'reviewOn-day',
        'endsOn-day',
      ]),
    })
  }

  app.get('/agreements', { config: { access: 'agreement:manage' } }, (request, reply) => showAgreements(request, reply))

  app.post<{ Body: Body }>('/agreements', { config: { access: 'agreement:manage' } }, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(AgreementForm, withDateParts(body, 'startsOn', 'reviewOn', 'endsOn'))
    if (!parsed.ok) return showAgreements(request, reply.code(400), { values: body, errors: parsed.errors })
    const input = parsed.value
    try {
      await disclosures.recordAgreement(input, actorOf(request))
    } catch (error) {
      if (error instanceof DisclosureError && error.code === 'invalid')
        return showAgreements(request, reply.code(400), {
          values: body,
          errors: { [error.field ?? 'title']: error.message },
        })
      throw error
    }
    await request.flash(`Agreement ‘${input.title.trim()}’ recorded`)
    return reply.redirect('/agreements', 303)
  })

  // ── Sharing a person's record ──────────────────────────────────────────────────────────────────────────
  async function showPersonDisclosures(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    state: { values?: Body; errors?: FieldErrors } = {},
  ) {
    const personId = id(request)
    const person = await services.people.view(personId, userOf(request), actorOf(request))
    const today = londonDate()
    const errors = state.errors ?? {}
    const defaultEnd = addCalendarDays(today, 28)
    // The firewalls hold here too: that a person's immigration status (or victim facet) went to an agency says
    // they have one, so someone who may not see it is told only that "a protected field" went (one or more, so
    // the wording says neither which nor how many), and is not offered it to share.
    const mayShare = (field: DisclosableField) => {
      const protects: string | null = DISCLOSABLE_FIELDS[field].protects
      return (
        protects === null ||
        (protects === 'immigration-status' ? can(request.user, 'immigration-status:view') : person.facet.visible)
      )
    }
    const sharedLabel = (fields: string[]) => {
      const shown = fields.filter((f) => !isDisclosableField(f) || mayShare(f)).map(fieldLabel)
      return (shown.length < fields.length ? [...shown, 'a protected field'] : shown).join(', ')
    }
    const values = state.values ?? {
      'expiresOn-day': String(Number(defaultEnd.slice(8))),
      'expiresOn-month': String(Number(defaultEnd.slice(5, 7))),
      'expiresOn-year': defaultEnd.slice(0, 4),
      fields: [],
      release: [],
    }
    const released = new Set(asArray(values.release))
    const query = (request.query ?? {}) as Record<string, unknown>
    const meetingItemId = asString(values.meetingItemId ?? query.item)
    return reply.page('disclosures/views/person.njk', {
      pageTitle: `Share with a partner: ${person.names[0]?.full_name ?? 'Person'}`,
      personId,
      meetingItemId: isUuid(meetingItemId) ? meetingItemId : null,
      // "What was reported", marked: the officer chooses which of the marked names and details to send.
      narratives: (await disclosures.narrativeOptions(personId)).map((n, i) => ({
        number: i + 1,
        received: formatDate(n.receivedAt),
        segments: n.segments.map((seg) => ({ text: seg.text, kind: seg.mark ? MARK_KINDS[seg.mark.kind] : null })),
        marks: n.marks.map((m) => ({
          value: m.key,
          text: `Send “${m.text}” (${MARK_KINDS[m.kind]})`,
          checked: released.has(m.key),
        })),
      })),
      personName: person.names[0]?.full_name ?? 'Person',
      disclosures: (await disclosures.listForPerson(personId)).map((d) => ({
        ...d,
        fieldsLabel: sharedLabel(d.fields),
        expires: formatDate(d.expires_at),
        made: formatDateTime(d.created_at),
        state: d.revoked_at
          ? 'Revoked'
          : d.status === 'awaiting-approval'
            ? 'Waiting for a supervisor'
            : d.live
              ? 'Live'
              : 'Expired',
      })),
      agencies: await services.partners.list(),
      agreements: (await disclosures.listAgreements()).filter((a) => a.ends_on >= today && a.starts_on <= today),
      fieldItems: fieldItems.filter((item) => mayShare(item.value)),
      canApprove: can(request.user, 'disclosure:approve'),
      values,
      errors,
      errorList: errorSummary(errors, [
        'agencyId',
        'agreementId',
        'purpose',
        'fields',
        'protectedBasis',
        'expiresOn-day',
      ]),
    })
  }

  const share = { config: { access: 'disclosure:make' as const } }
  app.get<{ Params: Params }>('/people/:id/disclosures', share, (request, reply) =>
    showPersonDisclosures(request, reply),
  )

  app.post<{ Params: Params; Body: Body }>('/people/:id/disclosures', share, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(DisclosureForm, withDateParts(body, 'expiresOn'))
    if (!parsed.ok) return showPersonDisclosures(request, reply.code(400), { values: body, errors: parsed.errors })
    let outcome
    try {
      // What was reported: the marks the officer chose to send; and the hub agenda item it was shared for, if any.
      const meetingItemId = asString(body.meetingItemId)
      outcome = await disclosures.disclose(
        id(request),
        {
          ...parsed.value,
          release: asArray(body.release),
          meetingItemId: isUuid(meetingItemId) ? meetingItemId : null,
        },
        userOf(request),
        actorOf(request),
      )
    } catch (error) {
      if (error instanceof DisclosureError && (error.code === 'invalid' || error.code === 'forbidden'))
        return showPersonDisclosures(request, reply.code(error.status), {
          values: body,
          errors: { [error.field ?? 'fields']: error.message },
        })
      throw error
    }
    await request.flash(
      outcome.status === 'live'
        ? outcome.waitingId
          ? 'Shared the fields that need no approval. The protected fields wait for a supervisor’s approval.'
          : 'Shared. The agency can see the chosen fields until the end date.'
        : 'Waiting for a supervisor: protected fields are shared only once they approve.',
    )
    return reply.redirect(`/people/${id(request)}/disclosures`, 303)
  })

  app.post<{ Params: Params; Body: Body }>(
    '/disclosures/:id/approve',
    { config: { access: 'disclosure:approve' } },
    async (request, reply) => {
      const personId = asString(request.body?.personId)
      try {
        await disclosures.approve(
          id(request),
          asString(request.body?.protectedBasis).slice(0, 1000),
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        if (error instanceof DisclosureError && error.code !== 'not-found' && isUuid(personId)) {
          await request.flash(`Not approved: ${error.message}`)
          return reply.redirect(`/people/${personId}/disclosures`, 303)
        }
        throw error
      }
      await request.flash('Approved and shared')
      return reply.redirect(isUuid(personId) ? `/people/${personId}/disclosures` : '/', 303)
    },
  )

  app.post<{ Params: Params; Body: Body }>('/disclosures/:id/revoke', share, async (request, reply) => {
    const personId = asString(request.body?.personId)
    try {
      const revoked = await disclosures.revoke(
        id(request),
        asString(request.body?.reason).slice(0, 1000),
        actorOf(request),
      )
      await request.flash('Revoked. The agency can no longer see it.')
      return reply.redirect(`/people/${revoked.personId}/disclosures`, 303)
    } catch (error) {
      if (error instanceof DisclosureError && error.code !== 'not-found' && isUuid(personId)) {
        await request.flash(`Not revoked: ${error.message}`)
        return reply.redirect(`/people/${personId}/disclosures`, 303)
      }
      throw error
    }
  })

  // ── The partner portal ─────────────────────────────────────────────────────────────────────────────────
  const portal = { config: { access: 'partner-portal:use' as const } }
  app.get('/partner', portal, async (request, reply) => {
    const { agency, disclosures: live } = await disclosures.listForPartner(userOf(request))
    return reply.page('disclosures/views/partner-list.njk', {
      pageTitle: 'Shared with your agency',
      agency,
      disclosures: live.map((d, i) => ({
        id: d.id,
        label: d.person_name ?? `Person ${i + 1}`,
        purpose: d.purpose,
        fieldsLabel: d.fields.map(fieldLabel).join(', '),
        expires: formatDate(d.expires_at),
        shared: formatDate(d.created_at),
      })),
    })
  })

  app.get<{ Params: Params }>('/partner/disclosures/:id', portal, async (request, reply) => {
    const found = await disclosures.viewForPartner(request.params.id, userOf(request), actorOf(request))
    return reply.page('disclosures/views/partner-show.njk', presentShared(found.disclosure, found.values))
  })
}
