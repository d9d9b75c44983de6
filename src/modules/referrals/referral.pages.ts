import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, zodFieldErrors, type FieldErrors } from '#src/platform/http/forms.ts'
import { isUuid } from '#src/shared/ids.ts'
import { COUNTRIES } from '#src/shared/reference-data.ts'
import { eachFilter, typedDate } from '#src/platform/http/page-forms.ts'
import { ReferralError } from './referral.errors.ts'
import { COUNT_CAP } from './referral.service.ts'
import { AssignmentInput, GradingInput, NewReferralInput, StatusChangeInput } from './referral.schema.ts'
import type { ReferralFilters } from './referral.repository.ts'
import {
  draftToInput,
  readExploitation,
  readLocation,
  readPerson,
  readReceived,
  readWhatHappened,
  type ReferralDraft,
} from './referral.draft.ts'
import {
  presentEvent,
  presentGrading,
  presentLocation,
  presentQueueRow,
  presentReferral,
  presentSubject,
} from './referral.presenter.ts'
import {
  CLOSURE_REASONS,
  EXPLOITATION_TYPES,
  GRADE_LEVELS,
  SOURCES,
  STATUSES,
  THRIVE_ELEMENTS,
} from './referral.vocabulary.ts'
import { GENDERS, PREMISES_TYPES, SUBJECT_ROLES } from '#src/modules/people/index.ts'
import { SECTORS } from '#src/modules/outreach/index.ts'
import { URGENCY_INDICATORS } from './referral.urgency.ts'
import {
  askWhom,
  businessRelationText,
  matchingPlaces,
  victimSideAccessOf,
  type PlaceMatch,
} from '#src/modules/people/index.ts'
import {
  readReferenceForm,
  REFERENCE_FIELDS,
  REFERENCE_KIND_ITEMS,
  referenceFieldErrors,
} from '#src/modules/occurrence-references/index.ts'

const PAGE_SIZE = 25
/** The queue's typed dates received between. */
const RECEIVED_FILTERS = { receivedFrom: typedDate('Received from'), receivedTo: typedDate('Received to') }
type Body = Record<string, unknown>
type DraftParams = { draftId: string }
type ItemParams = { draftId: string; index: string }

const vocab = { SOURCES, EXPLOITATION_TYPES, GENDERS, PREMISES_TYPES, STATUSES, SUBJECT_ROLES, CLOSURE_REASONS }
// The referring sector shares outreach's vocabulary, so a referral links to the events given to that sector.
const sectors = SECTORS

/** The triage queue, the referral page, and the question pages that record a referral. */
export function registerReferralPages(app: FastifyInstance, { services, db }: AppDeps): void {
  const referrals = services.referrals

  async function tagLabels() {
    return new Map((await referrals.priorityTags()).map((t) => [t.id, t.label]))
  }

  // ---- Triage queue -------------------------------------------------------------------------------

  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/referrals',
    { config: { access: 'referral:view' } },
    async (request, reply) => {
      const q = request.query
      const errors: FieldErrors = {}
      const filters: ReferralFilters = {}
      // The queue opens on open work (not closed, not opened as a live job); "all" shows every status.
      const status = asString(q.status) || 'open'
      if (status === 'open' || (STATUSES.values as readonly string[]).includes(status))
        filters.status = status as ReferralFilters['status']
      if ((SOURCES.values as readonly string[]).includes(asString(q.source))) filters.source = asString(q.source)
      if ((EXPLOITATION_TYPES.values as readonly string[]).includes(asString(q.exploitationType)))
        filters.exploitationType = asString(q.exploitationType)
      const [tags, assignees] = await Promise.all([referrals.priorityTags(), referrals.assignableUsers()])
      if (tags.some((t) => t.id === q.priorityTag)) filters.priorityTag = asString(q.priorityTag)
      const assignedTo = asString(q.assignedTo)
      if (assignedTo === 'unassigned') filters.assignedTo = 'unassigned'
      else if (assignedTo === 'me') filters.assignedTo = userOf(request).id
      else if (assignees.some((a) => a.id === assignedTo)) filters.assignedTo = assignedTo
      const received = eachFilter(RECEIVED_FILTERS, q)
      Object.assign(errors, received.errors)
      Object.assign(filters, received.value)
      if (q.overdue === 'yes') filters.overdueOnly = true
      const sort = q.sort === 'newest' || q.sort === 'oldest' ? q.sort : 'urgent'
      const page = Math.max(1, Math.min(10_000, Number.parseInt(asString(q.page), 10) || 1))

      const result = await referrals.queue({ filters, page, pageSize: PAGE_SIZE, sort }, actorOf(request))
      const labels = new Map(tags.map((t) => [t.id, t.label]))
      const pageLink = (n: number) => {
        const params = new URLSearchParams(
          Object.entries(q).filter(([k, v]) => k !== 'page' && v) as [string, string][],
        )
        params.set('page', String(n))
        return `/referrals?${params.toString()}`
      }
      const select = (items: readonly { value: string; text: string }[], selected: string | undefined, any: string) => [
        { value: '', text: any },
        ...items.map((i) => ({ value: i.value, text: i.text, selected: i.value === selected })),
      ]
      return reply.page('referrals/views/queue.njk', {
        pageTitle: 'Triage queue',
        filterItems: {
          status: [
            { value: 'open', text: 'Open (not closed or opened as a live job)', selected: status === 'open' },
            { value: 'all', text: 'Any status', selected: status === 'all' },
            ...STATUSES.items.map((i) => ({ value: i.value, text: i.text, selected: i.value === status })),
          ],
          source: select(SOURCES.items, q.source, 'Any source'),
          exploitationType: select(EXPLOITATION_TYPES.items, q.exploitationType, 'Any type'),
          priorityTag: select(
            tags.map((t) => ({ value: t.id, text: t.label })),
            q.priorityTag,
            'Any priority',
          ),
          assignedTo: select(
            [
              { value: 'me', text: 'Me' },
              { value: 'unassigned', text: 'Unassigned' },
              ...assignees.map((a) => ({ value: a.id, text: a.display_name })),
            ],
            q.assignedTo,
            'Anyone',
          ),
          sort: [
            { value: 'urgent', text: 'Urgent first, then oldest', selected: sort === 'urgent' },
            { value: 'oldest', text: 'Oldest first', selected: sort === 'oldest' },
            { value: 'newest', text: 'Newest first', selected: sort === 'newest' },
          ],
        },
        rows: result.rows.map((r) => presentQueueRow(r, labels)),
        total: Math.min(result.total, COUNT_CAP),
        totalCapped: result.totalCapped,
        page,
        firstShown: result.rows.length ? (page - 1) * PAGE_SIZE + 1 : 0,
        lastShown: (page - 1) * PAGE_SIZE + result.rows.length,
        previous: page > 1 ? pageLink(page - 1) : null,
        next:
          page * PAGE_SIZE < result.total || (result.totalCapped && result.rows.length === PAGE_SIZE)
            ? pageLink(page + 1)
            : null,
        query: q,
        sort,
        tags,
        assignees,
        slaHours: referrals.triageSlaHours,
        errors,
        errorList: errorSummary(errors),
        vocab,
      })
    },
  )

  // ---- One referral ---------------------------------------------------------------------------------

  async function showReferral(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    formState: { errors?: FieldErrors; values?: Body } = {},
  ) {
    const { id } = request.params
    if (!isUuid(id)) throw new NotFoundError()
    const view = await referrals.view(id, userOf(request), actorOf(request))
    const labels = await tagLabels()
    const assignees = await referrals.assignableUsers()
    const names = new Map(assignees.map((a) => [a.id, a.display_name]))
    const errors = formState.errors ?? {}
    const references = await services.references.list({ type: 'referral', id }, userOf(request))
    const businesses = await services.places.linkedTo({ type: 'referral', id })
    return reply.page('referrals/views/show.njk', {
      pageTitle: `Referral ${view.referral.reference}`,
      referral: presentReferral(view.referral, labels),
      // Each person's victim side (screening, consent, NRM, Duty to Notify) is offered only to those the access
      // policy lets act on it; anyone else is told whom to ask (never a restricted job's team).
      subjects: await victimSideAccessOf(
        db,
        userOf(request),
        view.subjects.map((s) => s.person_id),
      ).then((accessOf) =>
        view.subjects.map((s) => {
          const access = accessOf.get(s.person_id)!
          return {
            ...presentSubject(s),
            victimSide: {
              exists: access.exists,
              visible: access.visible,
              canEdit: access.canEdit,
              askWhom: askWhom(access),
            },
          }
        }),
      ),
      locations: view.locations.map(presentLocation),
      businesses: businesses.map((b) => ({ ...b, relationText: businessRelationText(b.relation) })),
      grading: view.grading ? presentGrading(view.grading) : null,
      gradable: view.referral.status !== 'closed' && view.referral.status !== 'opened-as-case',
      thrive: THRIVE_ELEMENTS.items,
      levels: GRADE_LEVELS.items,
      timeline: view.events.map((e) => presentEvent(e, names)),
      // A referral recorded for an encounter (people met together on a job or first met in one) names its screening group.
      screeningGroupId: (await services.screeningGroups.groupIdForReferral(id)) ?? null,
      transitions: referrals
        .allowedTransitions(view.referral.status)
        .map((s) => ({ value: s, text: STATUSES.label(s) })),
      assignees,
      errors,
      references,
      referenceKinds: REFERENCE_KIND_ITEMS,
      errorList: errorSummary(errors, [
        ...REFERENCE_FIELDS,
        ...THRIVE_ELEMENTS.values.flatMap((e) => [e, `${e}Rationale`]),
        'status',
        'closureReason',
        'reason',
        'assigneeId',
        'note',
      ]),
      values: formState.values ?? {},
      vocab,
    })
  }

  app.get<{ Params: { id: string } }>('/referrals/:id', { config: { access: 'referral:view' } }, (request, reply) =>
    showReferral(request, reply),
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/referrals/:id/status',
    { config: { access: 'referral:update' } },
    async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFoundError()
      const body = request.body ?? {}
      const raw = {
        status: asString(body.status) || undefined,
        closureReason: asString(body.closureReason) || null,
        reason: asString(body.reason),
        expectedVersion: Number.parseInt(asString(body.version), 10) || undefined,
      }
      const parsed = StatusChangeInput.safeParse(raw)
      if (!parsed.success)
        return showReferral(request, reply.code(400), { errors: zodFieldErrors(parsed.error), values: body })
      try {
        await referrals.changeStatus(request.params.id, parsed.data, actorOf(request))
      } catch (error) {
        if (error instanceof ReferralError && error.code !== 'not-found') {
          return showReferral(
            request,
            reply.code(error.code === 'stale' || error.code === 'invalid-transition' ? 409 : 400),
            { errors: { [error.field ?? 'status']: error.message }, values: body },
          )
        }
        throw error
      }
      await request.flash(`Status changed to ${STATUSES.label(parsed.data.status).toLowerCase()}`)
      return reply.redirect(`/referrals/${request.params.id}`, 303)
    },
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/referrals/:id/grading',
    { config: { access: 'referral:update' } },
    async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFoundError()
      const body = request.body ?? {}
      const raw: Record<string, unknown> = { expectedVersion: Number.parseInt(asString(body.version), 10) || undefined }
      for (const element of THRIVE_ELEMENTS.values) {
        raw[element] = asString(body[element]) || undefined
        raw[`${element}Rationale`] = asString(body[`${element}Rationale`])
      }
      const parsed = GradingInput.safeParse(raw)
      if (!parsed.success)
        return showReferral(request, reply.code(400), { errors: zodFieldErrors(parsed.error), values: body })
      try {
        await referrals.grade(request.params.id, parsed.data, actorOf(request))
      } catch (error) {
        if (error instanceof ReferralError && error.code !== 'not-found')
          return showReferral(request, reply.code(error.status), {
            errors: { [error.field ?? 'threat']: error.message },
            values: body,
          })
        throw error
      }
      await request.flash('Risk grading recorded')
      return reply.redirect(`/referrals/${request.params.id}`, 303)
    },
  )

  app.post<{ Params: { id: string }; Body: Body }>(
    '/referrals/:id/assignment',
    { config: { access: 'referral:assign' } },
    async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFoundError()
      const body = request.body ?? {}
      const assignee = asString(body.assigneeId)
      const parsed = AssignmentInput.safeParse({
        assigneeId: assignee === 'unassigned' ? null : assignee,
        note: asString(body.note),
      })
      if (!parsed.success)
        return showReferral(request, reply.code(400), { errors: zodFieldErrors(parsed.error), values: body })
      try {
        await referrals.assign(request.params.id, parsed.data, userOf(request), actorOf(request))
      } catch (error) {
        if (error instanceof ReferralError && error.code !== 'not-found')
          return showReferral(request, reply.code(error.status), {
            errors: { [error.field ?? 'assigneeId']: error.message },
            values: body,
          })
        throw error
      }
      await request.flash(parsed.data.assigneeId ? 'Referral assigned' : 'Referral unassigned')
      return reply.redirect(`/referrals/${request.params.id}`, 303)
    },
  )

  // ---- Crime and occurrence references ------------------------------------------------------------

  app.post<{ Params: { id: string }; Body: Body }>(
    '/referrals/:id/references',
    { config: { access: 'referral:update' } },
    async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFoundError()
      const body = request.body ?? {}
      let added
      try {
        added = await services.references.add(
          { type: 'referral', id: request.params.id },
          readReferenceForm(body),
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        const errors = referenceFieldErrors(error)
        if (errors) return showReferral(request, reply.code(400), { errors, values: body })
        throw error
      }
      await request.flash(`${added.kindLabel} ${added.value} added`)
      return reply.redirect(`/referrals/${request.params.id}#references`, 303)
    },
  )

  app.post<{ Params: { id: string; referenceId: string } }>(
    '/referrals/:id/references/:referenceId/remove',
    { config: { access: 'referral:update' } },
    async (request, reply) => {
      if (!isUuid(request.params.id) || !isUuid(request.params.referenceId)) throw new NotFoundError()
      await services.references.remove(
        { type: 'referral', id: request.params.id },
        request.params.referenceId,
        userOf(request),
        actorOf(request),
      )
      await request.flash('Reference removed')
      return reply.redirect(`/referrals/${request.params.id}#references`, 303)
    },
  )

  // ---- Recording a referral: question pages over a draft kept in the database -----------------------

  async function loadDraft(request: FastifyRequest<{ Params: DraftParams }>): Promise<ReferralDraft> {
    const { draftId } = request.params
    if (!isUuid(draftId)) throw new NotFoundError()
    const draft = await referrals.drafts.get(draftId, userOf(request).id)
    if (!draft) throw new NotFoundError('This referral draft does not exist, or was recorded already')
    return draft as ReferralDraft
  }

  async function saveDraft(request: FastifyRequest<{ Params: DraftParams }>, draft: ReferralDraft) {
    await referrals.drafts.save(request.params.draftId, userOf(request).id, draft)
  }

  function base(request: FastifyRequest<{ Params: DraftParams }>) {
    return `/referrals/drafts/${request.params.draftId}`
  }

  /** After a page is saved: back to "check your answers" if the user came from there, or on to the next page. */
  function nextPage(request: FastifyRequest<{ Params: DraftParams }>, next: string) {
    const fromCheck = (request.query as Record<string, string> | undefined)?.from === 'check'
    return `${base(request)}/${fromCheck ? 'check' : next}`
  }

  function backLink(request: FastifyRequest<{ Params: DraftParams }>, previous: string) {
    const fromCheck = (request.query as Record<string, string> | undefined)?.from === 'check'
    return `${base(request)}/${fromCheck ? 'check' : previous}`
  }

  function formAction(request: FastifyRequest) {
    return request.url
  }

  // Opening the page changes nothing (a link preview or prefetch must not leave a draft behind); a draft is
  // started by the form's POST.
  app.get('/referrals/new', { config: { access: 'referral:create' } }, async (_request, reply) =>
    reply.page('referrals/views/journey/start.njk', { pageTitle: 'Record a referral' }),
  )
  app.post('/referrals/new', { config: { access: 'referral:create' } }, async (request, reply) => {
    const id = await referrals.drafts.start(userOf(request).id)
    return reply.redirect(`/referrals/drafts/${id}/received`, 303)
  })

  const create = { config: { access: 'referral:create' as const } }

  app.get<{ Params: DraftParams }>('/referrals/drafts/:draftId/received', create, async (request, reply) => {
    const draft = await loadDraft(request)
    return reply.page('referrals/views/journey/received.njk', {
      pageTitle: 'When and where did the referral come from?',
      values: draft.received ?? {},
      errors: {},
      vocab,
      sectors,
      action: formAction(request),
      back: '/referrals',
    })
  })
  app.post<{ Params: DraftParams; Body: Body }>(
    '/referrals/drafts/:draftId/received',
    create,
    async (request, reply) => {
      const draft = await loadDraft(request)
      const { draft: received, errors } = readReceived(request.body ?? {})
      if (Object.keys(errors).length > 0) {
        return reply.code(400).page('referrals/views/journey/received.njk', {
          pageTitle: 'When and where did the referral come from?',
          values: received,
          errors,
          errorList: errorSummary(errors, [
            'receivedDate',
            'receivedTime',
            'source',
            'referringOrganisation',
            'referringSector',
            'referrerName',
            'referrerContact',
          ]),
          vocab,
          sectors,
          action: formAction(request),
          back: '/referrals',
        })
      }
      await saveDraft(request, { ...draft, received })
      return reply.redirect(nextPage(request, 'what-happened'), 303)
    },
  )

  app.get<{ Params: DraftParams }>('/referrals/drafts/:draftId/what-happened', create, async (request, reply) => {
    const draft = await loadDraft(request)
    return reply.page('referrals/views/journey/what-happened.njk', {
      pageTitle: 'What happened?',
      values: draft.whatHappened ?? {},
      indicators: URGENCY_INDICATORS,
      errors: {},
      action: formAction(request),
      back: backLink(request, 'received'),
    })
  })
  app.post<{ Params: DraftParams; Body: Body }>(
    '/referrals/drafts/:draftId/what-happened',
    create,
    async (request, reply) => {
      const draft = await loadDraft(request)
      const { draft: whatHappened, errors } = readWhatHappened(request.body ?? {})
      if (Object.keys(errors).length > 0) {
        return reply.code(400).page('referrals/views/journey/what-happened.njk', {
          pageTitle: 'What happened?',
          values: whatHappened,
          indicators: URGENCY_INDICATORS,
          errors,
          errorList: errorSummary(errors, ['summary', 'indicators']),
          action: formAction(request),
          back: backLink(request, 'received'),
        })
      }
      await saveDraft(request, { ...draft, whatHappened })
      return reply.redirect(nextPage(request, 'people'), 303)
    },
  )

  // People: a list with add, change and remove, then continue.
  app.get<{ Params: DraftParams }>('/referrals/drafts/:draftId/people', create, async (request, reply) => {
    const draft = await loadDraft(request)
    return reply.page('referrals/views/journey/people.njk', {
      pageTitle: 'People involved',
      people: draft.people ?? [],
      base: base(request),
      vocab,
      back: backLink(request, 'what-happened'),
      next: nextPage(request, 'locations'),
    })
  })
  app.post<{ Params: DraftParams }>('/referrals/drafts/:draftId/people', create, async (request, reply) => {
    const draft = await loadDraft(request)
    await saveDraft(request, { ...draft, peopleDone: true })
    return reply.redirect(nextPage(request, 'locations'), 303)
  })

  function personPage(
    reply: FastifyReply,
    request: FastifyRequest<{ Params: ItemParams }>,
    values: object,
    errors: FieldErrors,
  ) {
    return reply.page('referrals/views/journey/person.njk', {
      pageTitle: request.params.index === 'new' ? 'Add a person' : 'Change a person',
      values,
      errors,
      errorList: errorSummary(errors, [
        'fullName',
        'otherNames',
        'dateOfBirth',
        'approximateAge',
        'ageDisputed',
        'gender',
        'nationality',
        'secondNationality',
        'languages',
        'role',
      ]),
      countries: COUNTRIES,
      vocab,
      action: formAction(request),
      back: `${base(request)}/people`,
    })
  }

  function itemIndex(list: unknown[] | undefined, index: string): number {
    if (index === 'new') return (list ?? []).length
    const n = Number(index)
    if (!Number.isInteger(n) || n < 0 || n >= (list ?? []).length) throw new NotFoundError()
    return n
  }

  app.get<{ Params: ItemParams }>('/referrals/drafts/:draftId/people/:index', create, async (request, reply) => {
    const draft = await loadDraft(request)
    const i = itemIndex(draft.people, request.params.index)
    return personPage(reply, request, draft.people?.[i] ?? { ageDisputed: 'no' }, {})
  })
  app.post<{ Params: ItemParams; Body: Body }>(
    '/referrals/drafts/:draftId/people/:index',
    create,
    async (request, reply) => {
      const draft = await loadDraft(request)
      const i = itemIndex(draft.people, request.params.index)
      if (i >= 50)
        return personPage(reply.code(400), request, request.body ?? {}, {
          fullName: 'A referral can have up to 50 people',
        })
      const { draft: person, errors } = readPerson(request.body ?? {})
      if (Object.keys(errors).length > 0) return personPage(reply.code(400), request, person, errors)
      const people = [...(draft.people ?? [])]
      people[i] = person
      await saveDraft(request, { ...draft, people })
      return reply.redirect(`${base(request)}/people`, 303)
    },
  )
  app.post<{ Params: ItemParams }>(
    '/referrals/drafts/:draftId/people/:index/remove',
    create,
    async (request, reply) => {
      const draft = await loadDraft(request)
      const i = itemIndex(draft.people, request.params.index)
      await saveDraft(request, { ...draft, people: (draft.people ?? []).filter((_, n) => n !== i) })
      return reply.redirect(`${base(request)}/people`, 303)
    },
  )

  // Locations: the same pattern as people.
  app.get<{ Params: DraftParams }>('/referrals/drafts/:draftId/locations', create, async (request, reply) => {
    const draft = await loadDraft(request)
    return reply.page('referrals/views/journey/locations.njk', {
      pageTitle: 'Places involved',
      locations: draft.locations ?? [],
      base: base(request),
      vocab,
      back: backLink(request, 'people'),
      next: nextPage(request, 'exploitation'),
    })
  })
  app.post<{ Params: DraftParams }>('/referrals/drafts/:draftId/locations', create, async (request, reply) => {
    const draft = await loadDraft(request)
    await saveDraft(request, { ...draft, locationsDone: true })
    return reply.redirect(nextPage(request, 'exploitation'), 303)
  })

  function locationPage(
    reply: FastifyReply,
    request: FastifyRequest<{ Params: ItemParams }>,
    values: object,
    errors: FieldErrors,
    matches: PlaceMatch[] = [],
  ) {
    return reply.page('referrals/views/journey/location.njk', {
      pageTitle: request.params.index === 'new' ? 'Add a place' : 'Change a place',
      values,
      errors,
      matches,
      errorList: errorSummary(errors, [
        'addressLine1',
        'addressLine2',
        'town',
        'postcode',
        'description',
        'premisesType',
        'samePlace',
      ]),
      vocab,
      action: formAction(request),
      back: `${base(request)}/locations`,
    })
  }

  app.get<{ Params: ItemParams }>('/referrals/drafts/:draftId/locations/:index', create, async (request, reply) => {
    const draft = await loadDraft(request)
    const i = itemIndex(draft.locations, request.params.index)
    return locationPage(reply, request, draft.locations?.[i] ?? {}, {})
  })
  app.post<{ Params: ItemParams; Body: Body }>(
    '/referrals/drafts/:draftId/locations/:index',
    create,
    async (request, reply) => {
      const draft = await loadDraft(request)
      const i = itemIndex(draft.locations, request.params.index)
      if (i >= 50)
        return locationPage(reply.code(400), request, request.body ?? {}, {
          addressLine1: 'A referral can have up to 50 places',
        })
      const body = request.body ?? {}
      const { draft: location, errors } = readLocation(body)
      if (Object.keys(errors).length > 0) return locationPage(reply.code(400), request, location, errors)
      // "Is this the same place?": an address at a postcode already recorded is offered before a copy is made. The
      // answer holds for the address it was asked about; a changed address is checked again.
      const checked = `${location.postcode}|${location.addressLine1}`.toUpperCase()
      const matches = await matchingPlaces(db, location, null, 5)
      if (matches.length === 0) location.samePlaceAs = ''
      else {
        const answer = asString(body.samePlace)
        const asked = asString(body.checked) === checked
        const values = { ...location, checked, samePlace: answer }
        if (!asked) return locationPage(reply, request, values, {}, matches)
        if (answer !== 'new' && !matches.some((m) => m.id === answer))
          return locationPage(
            reply.code(400),
            request,
            values,
            {
              samePlace:
                matches.length === 1
                  ? 'Select whether this is the same place'
                  : 'Select the place, or say it is a different one',
            },
            matches,
          )
        location.samePlaceAs = answer
      }
      const locations = [...(draft.locations ?? [])]
      locations[i] = location
      await saveDraft(request, { ...draft, locations })
      return reply.redirect(`${base(request)}/locations`, 303)
    },
  )
  app.post<{ Params: ItemParams }>(
    '/referrals/drafts/:draftId/locations/:index/remove',
    create,
    async (request, reply) => {
      const draft = await loadDraft(request)
      const i = itemIndex(draft.locations, request.params.index)
      await saveDraft(request, { ...draft, locations: (draft.locations ?? []).filter((_, n) => n !== i) })
      return reply.redirect(`${base(request)}/locations`, 303)
    },
  )

  app.get<{ Params: DraftParams }>('/referrals/drafts/:draftId/exploitation', create, async (request, reply) => {
    const draft = await loadDraft(request)
    return reply.page('referrals/views/journey/exploitation.njk', {
      pageTitle: 'Suspected exploitation',
      values: draft.exploitation ?? { types: [], priorityTags: [] },
      errors: {},
      tags: await referrals.priorityTags(),
      vocab,
      action: formAction(request),
      back: backLink(request, 'locations'),
    })
  })
  app.post<{ Params: DraftParams; Body: Body }>(
    '/referrals/drafts/:draftId/exploitation',
    create,
    async (request, reply) => {
      const draft = await loadDraft(request)
      const tags = await referrals.priorityTags()
      const { draft: exploitation, errors } = readExploitation(
        request.body ?? {},
        tags.map((t) => t.id),
      )
      if (Object.keys(errors).length > 0) {
        return reply.code(400).page('referrals/views/journey/exploitation.njk', {
          pageTitle: 'Suspected exploitation',
          values: exploitation,
          errors,
          errorList: errorSummary(errors, ['exploitationTypes', 'countyLines', 'priorityTags']),
          tags,
          vocab,
          action: formAction(request),
          back: backLink(request, 'locations'),
        })
      }
      await saveDraft(request, { ...draft, exploitation })
      return reply.redirect(`${base(request)}/check`, 303)
    },
  )

  async function checkPage(
    request: FastifyRequest<{ Params: DraftParams }>,
    reply: FastifyReply,
    draft: ReferralDraft,
    errors: FieldErrors,
  ) {
    const tags = await referrals.priorityTags()
    const missing = [
      !draft.received && { text: 'Enter when and where the referral came from', href: `${base(request)}/received` },
      !draft.whatHappened && { text: 'Enter what happened', href: `${base(request)}/what-happened` },
      !draft.exploitation && {
        text: 'Select the suspected types of exploitation',
        href: `${base(request)}/exploitation`,
      },
    ].filter(Boolean)
    return reply.page('referrals/views/journey/check.njk', {
      pageTitle: 'Check your answers before recording the referral',
      draft,
      indicatorTexts: (draft.whatHappened?.indicators ?? []).map(
        (i) => URGENCY_INDICATORS.find((u) => u.value === i)?.text ?? i,
      ),
      base: base(request),
      countries: new Map(COUNTRIES.map((c) => [c.value, c.text])),
      tagLabels: Object.fromEntries(tags.map((t) => [t.id, t.label])),
      sectors,
      errorList: [
        ...missing,
        ...Object.entries(errors).map(([, text]) => ({ text, href: `${base(request)}/received` })),
      ],
      vocab,
      action: formAction(request),
    })
  }

  app.get<{ Params: DraftParams }>('/referrals/drafts/:draftId/check', create, async (request, reply) => {
    const draft = await loadDraft(request)
    return checkPage(request, reply, draft, {})
  })
  app.post<{ Params: DraftParams }>('/referrals/drafts/:draftId/check', create, async (request, reply) => {
    const draft = await loadDraft(request)
    if (!draft.received || !draft.whatHappened || !draft.exploitation)
      return checkPage(request, reply.code(400), draft, {})
    const parsed = NewReferralInput.safeParse(draftToInput(draft))
    if (!parsed.success) return checkPage(request, reply.code(400), draft, zodFieldErrors(parsed.error))
    let created
    try {
      created = await referrals.create(parsed.data, actorOf(request), { draftId: request.params.draftId })
    } catch (error) {
      if (error instanceof ReferralError)
        return checkPage(request, reply.code(400), draft, { [error.field ?? 'form']: error.message })
      throw error
    }
    await request.flash(`Referral ${created.reference} recorded`)
    return reply.redirect(`/referrals/${created.id}`, 303)
  })
}
