import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import { formatDate } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { guardVictimFacet } from '#src/modules/people/index.ts'
import { victimSideAccess } from '#src/modules/people/index.ts'
import * as repo from './safeguarding.repository.ts'
import { SafeguardingError } from './safeguarding.service.ts'
import type { ActionInput, NeedInput, RiskInput } from './safeguarding.validation.ts'
import { ActionChangeForm, ActionForm, NeedForm, ReviewForm, RiskForm } from './safeguarding.forms.ts'
import {
  ACTION_STATUSES,
  NEED_KINDS,
  NEED_STATUSES,
  RISK_RATINGS,
  items,
  type ActionStatus,
} from './safeguarding.vocabulary.ts'

type Body = Record<string, unknown>
const KINDS = { risks: 'risk', needs: 'need', actions: 'action', reviews: 'review date' } as const
type Kind = keyof typeof KINDS
type Params = { id: string }
type KindParams = { id: string; kind: string }
type ItemParams = { id: string; kind: string; itemId: string }

/** Dates are GOV.UK date inputs on pages: a service's "dueOn" problem belongs on the day box. */
const pageField = (field: string) => (field === 'dueOn' || field === 'heldOn' ? `${field}-day` : field)

const dateValues = (prefix: string, iso: string | null) =>
  iso
    ? {
        [`${prefix}-day`]: String(Number(iso.slice(8, 10))),
        [`${prefix}-month`]: String(Number(iso.slice(5, 7))),
        [`${prefix}-year`]: iso.slice(0, 4),
      }
    : {}

/** The safeguarding plan on a person: risks, needs, actions and review dates, all behind the victim-facet policy. */
export function registerSafeguardingPages(app: FastifyInstance, { services, db }: AppDeps): void {
  const safeguarding = services.safeguarding
  const view = { config: { access: 'victim-facet:view' as const } }
  const edit = { config: { access: 'safeguarding-plan:edit' as const } }

  function personId(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }
  function kindOf(request: FastifyRequest<{ Params: KindParams }>): Kind {
    if (!Object.hasOwn(KINDS, request.params.kind)) throw new NotFoundError()
    return request.params.kind as Kind
  }
  const planUrl = (id: string) => `/people/${id}/safeguarding-plan`

  app.get<{ Params: Params }>('/people/:id/safeguarding-plan', view, async (request, reply) => {
    const id = personId(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    const plan = await safeguarding.view(id, userOf(request), actorOf(request))
    return reply.page('safeguarding/views/plan.njk', {
      pageTitle: `Safeguarding plan: ${plan.person.name ?? 'unnamed person'}`,
      personId: id,
      ...plan,
      risks: plan.risks.map((r) => ({
        ...r,
        ratingLabel: RISK_RATINGS[r.rating as keyof typeof RISK_RATINGS] ?? r.rating,
      })),
      needs: plan.needs.map((n) => ({
        ...n,
        kindLabel: NEED_KINDS[n.kind as keyof typeof NEED_KINDS] ?? n.kind,
        statusLabel: NEED_STATUSES[n.status as keyof typeof NEED_STATUSES] ?? n.status,
      })),
      actions: plan.actions.map((a) => ({
        ...a,
        due: formatDate(a.due_on),
        statusLabel: ACTION_STATUSES[a.status as ActionStatus] ?? a.status,
      })),
      reviews: plan.reviews.map((r) => ({
        ...r,
        due: formatDate(r.due_on),
        held: r.held_on ? formatDate(r.held_on) : null,
      })),
      nextReview: plan.nextReview ? formatDate(plan.nextReview) : null,
      // Offered only to those with a duty to work it (an officer on the victim side, the assigned ISA, a supervisor).
      canEdit: (await victimSideAccess(db, userOf(request), id)).canSupport,
    })
  })

  app.post<{ Params: Params }>('/people/:id/safeguarding-plan', edit, async (request, reply) => {
    const id = personId(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    try {
      const plan = await safeguarding.start(id, userOf(request), actorOf(request))
      await request.flash(`Safeguarding plan ${plan.reference} started`)
    } catch (error) {
      if (error instanceof SafeguardingError && error.code === 'not-a-victim') {
        await request.flash(error.message)
        return reply.redirect(`/people/${id}`, 303)
      }
      throw error
    }
    return reply.redirect(planUrl(id), 303)
  })

  async function form(
    request: FastifyRequest<{ Params: KindParams | ItemParams }>,
    reply: FastifyReply,
    kind: Kind,
    itemId: string | null,
    values: Body,
    errors: FieldErrors = {},
  ) {
    const id = request.params.id
    const owners = kind === 'actions' ? await safeguarding.ownerOptions() : null
    const noun = KINDS[kind]
    return reply.page('safeguarding/views/item-form.njk', {
      pageTitle: itemId ? `Change ${noun === 'review date' ? 'the review date' : `the ${noun}`}` : `Add a ${noun}`,
      kind,
      personId: id,
      action: itemId ? `${planUrl(id)}/${kind}/${itemId}` : `${planUrl(id)}/${kind}`,
      editing: Boolean(itemId),
      values,
      errors,
      errorList: errorSummary(errors, [
        'description',
        'rating',
        'rationale',
        'kind',
        'detail',
        'status',
        'text',
        'owner',
        'dueOn',
        'heldOn',
        'notes',
        'note',
      ]),
      ratings: items(RISK_RATINGS, values.rating),
      needKinds: items(NEED_KINDS, values.kind),
      needStatuses: items(NEED_STATUSES, values.status ?? 'unmet'),
      actionStatuses: items(ACTION_STATUSES, values.status ?? 'open'),
      owners: owners
        ? {
            users: owners.users.map((u) => ({
              value: `user:${u.id}`,
              text: u.display_name,
              selected: values.owner === `user:${u.id}`,
            })),
            agencies: owners.agencies.map((a) => ({
              value: `agency:${a.id}`,
              text: a.name,
              selected: values.owner === `agency:${a.id}`,
            })),
          }
        : null,
    })
  }

  app.get<{ Params: KindParams }>('/people/:id/safeguarding-plan/:kind/new', edit, async (request, reply) => {
    const id = personId(request)
    const kind = kindOf(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    return form(request, reply, kind, null, {})
  })

  app.get<{ Params: ItemParams }>('/people/:id/safeguarding-plan/:kind/:itemId', edit, async (request, reply) => {
    const id = personId(request)
    const kind = kindOf(request)
    if (!isUuid(request.params.itemId)) throw new NotFoundError()
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    const plan = await repo.findPlanByPerson(db, id)
    if (!plan) throw new NotFoundError()
    const itemId = request.params.itemId
    let values: Body | undefined
    if (kind === 'risks') values = await repo.findRisk(db, plan.id, itemId)
    else if (kind === 'needs') values = await repo.findNeed(db, plan.id, itemId)
    else if (kind === 'reviews') {
      const r = await repo.findReview(db, plan.id, itemId)
      values = r ? { ...dateValues('dueOn', r.due_on), ...dateValues('heldOn', r.held_on), notes: r.notes } : undefined
    } else {
      const a = await safeguarding.findAction(itemId)
      values =
        a && a.plan_id === plan.id
          ? {
              text: a.text,
              owner: a.owner_user_id ? `user:${a.owner_user_id}` : `agency:${a.owner_agency_id}`,
              status: a.status,
              ...dateValues('dueOn', a.due_on),
            }
          : undefined
    }
    if (!values) throw new NotFoundError()
    return form(request, reply, kind, itemId, values)
  })

  /** Reads and checks the posted form (an action being changed has a status too), every problem at once. */
  function read(kind: Kind, body: Body, changing: boolean) {
    if (kind === 'risks') return parseForm(RiskForm, body)
    if (kind === 'needs') return parseForm(NeedForm, body)
    if (kind === 'reviews') return parseForm(ReviewForm, withDateParts(body, 'dueOn', 'heldOn'))
    return parseForm(changing ? ActionChangeForm : ActionForm, withDateParts(body, 'dueOn'))
  }

  async function save(
    request: FastifyRequest<{ Params: KindParams | ItemParams; Body: Body }>,
    reply: FastifyReply,
    itemId: string | null,
  ) {
    const id = personId(request)
    const kind = kindOf(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    const body = request.body ?? {}
    const parsed = read(kind, body, itemId !== null)
    if (!parsed.ok) return form(request, reply.code(400), kind, itemId, body, parsed.errors)
    const input = parsed.value
    const user = userOf(request)
    const actor = actorOf(request)
    try {
      if (kind === 'risks')
        await (itemId
          ? safeguarding.updateRisk(id, itemId, input as RiskInput, user, actor)
          : safeguarding.addRisk(id, input as RiskInput, user, actor))
      else if (kind === 'needs')
        await (itemId
          ? safeguarding.updateNeed(id, itemId, input as NeedInput, user, actor)
          : safeguarding.addNeed(id, input as NeedInput, user, actor))
      else if (kind === 'reviews') {
        const review = input as { dueOn: string; heldOn: string | null; notes: string }
        await (itemId
          ? safeguarding.updateReview(id, itemId, review, user, actor)
          : safeguarding.addReview(id, review, user, actor))
      } else {
        const action = input as ActionInput & { status?: ActionStatus; note?: string }
        if (itemId) {
          const found = await safeguarding.findAction(itemId)
          if (!found || found.person_id !== id) throw new NotFoundError()
          await safeguarding.updateAction(itemId, action, user, actor)
        } else
          await safeguarding.addAction(id, { text: action.text, owner: action.owner, dueOn: action.dueOn }, user, actor)
      }
    } catch (error) {
      if (error instanceof SafeguardingError && (error.code === 'invalid' || error.code === 'not-a-victim'))
        return form(request, reply.code(error.status), kind, itemId, body, {
          [pageField(error.field ?? 'form')]: error.message,
        })
      throw error
    }
    await request.flash(
      itemId
        ? `${KINDS[kind].charAt(0).toUpperCase()}${KINDS[kind].slice(1)} changed`
        : `${KINDS[kind].charAt(0).toUpperCase()}${KINDS[kind].slice(1)} added`,
    )
    return reply.redirect(planUrl(id), 303)
  }

  app.post<{ Params: KindParams; Body: Body }>('/people/:id/safeguarding-plan/:kind', edit, (request, reply) =>
    save(request, reply, null),
  )
  app.post<{ Params: ItemParams; Body: Body }>(
    '/people/:id/safeguarding-plan/:kind/:itemId',
    edit,
    (request, reply) => {
      if (!isUuid(request.params.itemId)) throw new NotFoundError()
      return save(request, reply, request.params.itemId)
    },
  )

  // Complete (or cancel) an action, from the plan or from "My work". The service decides who may.
  app.post<{ Params: Params; Body: Body }>('/safeguarding-actions/:id', edit, async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    const body = request.body ?? {}
    const status = asString(body.status) || 'done'
    const back = asString(body.returnTo) === 'my-work' ? '/my-work' : null
    let action
    try {
      action = await safeguarding.findAction(request.params.id)
      if (!action) throw new NotFoundError()
      await safeguarding.updateAction(
        action.id,
        { status: status as ActionStatus, note: asString(body.note) },
        userOf(request),
        actorOf(request),
      )
    } catch (error) {
      if (error instanceof SafeguardingError && error.code === 'protected' && action?.person_id) {
        if (!(await guardVictimFacet(db, request, reply, action.person_id))) return reply
      }
      if (error instanceof SafeguardingError && error.code === 'invalid') {
        await request.flash(error.message)
        return reply.redirect(back ?? (action?.person_id ? planUrl(action.person_id) : '/my-work'), 303)
      }
      throw error
    }
    await request.flash(`Action marked ${ACTION_STATUSES[status as ActionStatus]?.toLowerCase() ?? status}`)
    return reply.redirect(
      back ??
        (action.person_id
          ? planUrl(action.person_id)
          : action.meeting_id
            ? `/hub-meetings/${action.meeting_id}`
            : '/my-work'),
      303,
    )
  })
}
