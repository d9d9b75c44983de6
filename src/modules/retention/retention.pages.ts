import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import {
  isRecordType,
  REVIEW_GROUPS,
  RetentionError,
  type QueueView,
  type RecordType,
  type ReviewGroup,
} from './retention.service.ts'
import { EraseRecordForm, ErasePersonForm, HoldForm, ReleaseForm, RetainForm, ScheduleForm } from './retention.forms.ts'

const REVIEWED_BY_RECORDS_MANAGER =
  'Defaults modelled on the MoPI review groups, for the force’s records manager to confirm'

/** Where the record itself can be read, for a reviewer deciding whether to keep it. */
function recordHref(type: RecordType, id: string, personHint?: string): string | null {
  switch (type) {
    case 'referral-not-proceeded':
    case 'public-report':
      return `/referrals/${id}`
    case 'live-job':
    case 'live-job-public-protection':
      return `/cases/${id}`
    case 'nrm-victim':
    case 'person':
      return `/people/${id}`
    default:
      return personHint ? `/people/${personHint}` : null
  }
}

const ERASE_EFFECT: Record<RecordType, string> = {
  person:
    'The person is erased everywhere: their record, names, the name search index, match keys, links, plans, disclosures, and their details in free text and in the audit log. The audit keeps only the fact of the erasure.',
  'nrm-victim':
    'The person is erased everywhere, with their NRM and Duty to Notify records, consent, screenings, safeguarding plan and support (contacts and referrals out). The audit keeps only the fact of the erasure.',
  'referral-not-proceeded':
    'The referral, its screenings and events are deleted, and so is every person on it whom nothing else holds (they are erased everywhere).',
  'public-report':
    'The public report is deleted, and so is every person in it whom nothing else holds (they are erased everywhere).',
  'live-job':
    'The live job is deleted with its tasks, decision log, events and timeline. The people on it stay as records of their own, with their own reviews.',
  'live-job-public-protection':
    'The live job is deleted with its tasks, decision log, events and timeline. Group 1 records can only be deleted once everyone on them is deemed 100.',
  intelligence: 'The link, and any safeguarding prompt it raised, are deleted.',
  'partner-disclosure':
    'The record of the disclosure is deleted. The audit keeps the fact that it was made and erased.',
}

function describe(row: { due_on: string; anchor_on: string; reviewed_at: Date | null; hold_reason: string | null }) {
  return {
    due: formatDate(row.due_on),
    anchor: formatDate(row.anchor_on),
    reviewedAt: row.reviewed_at ? formatDateTime(row.reviewed_at) : null,
  }
}

/** The retention review queue and schedules, for a records manager or supervisor (`retention:review`). */
export function registerRetentionPages(app: FastifyInstance, { services }: AppDeps): void {
  const access = { config: { access: 'retention:review' as const } }
  const retention = services.retention

  app.get<{ Querystring: Record<string, string | undefined> }>('/retention', access, async (request, reply) => {
    const view: QueueView =
      request.query.view === 'held' ? 'held' : request.query.view === 'upcoming' ? 'upcoming' : 'due'
    const recordType = request.query.type && isRecordType(request.query.type) ? request.query.type : null
    const page = Math.max(Number.parseInt(request.query.page ?? '1', 10) || 1, 1)
    const [result, schedules] = await Promise.all([
      retention.queue(view, { recordType, page }, actorOf(request)),
      retention.schedules(),
    ])
    const pages = Math.max(Math.ceil(result.total / result.pageSize), 1)
    const base = `/retention?view=${view}${recordType ? `&type=${recordType}` : ''}`
    return reply.page('retention/views/queue.njk', {
      pageTitle:
        view === 'held'
          ? 'Records on legal hold'
          : view === 'upcoming'
            ? 'Reviews due in the next year'
            : 'Retention review queue',
      view,
      recordType,
      typeItems: [
        { value: '', text: 'All record types' },
        ...schedules.map((s) => ({ value: s.record_type, text: s.label, selected: s.record_type === recordType })),
      ],
      unconfirmed: schedules.filter((s) => !s.confirmed_at).length,
      rows: result.rows.map((r) => ({
        ...r,
        ...describe(r),
        href: `/retention/records/${r.record_type}/${r.record_id}`,
        group: REVIEW_GROUPS[r.review_group],
      })),
      total: result.total,
      pagination:
        pages > 1
          ? {
              previous: page > 1 ? `${base}&page=${page - 1}` : null,
              next: page < pages ? `${base}&page=${page + 1}` : null,
            }
          : null,
    })
  })

  async function showRecord(
    request: FastifyRequest<{ Params: { type: string; id: string } }>,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Record<string, string> = {},
  ) {
    const { type, id } = request.params
    if (!isRecordType(type) || !isUuid(id)) throw new NotFoundError()
    const found = await retention.view(type, id, actorOf(request))
    const { item, schedule, suggestedNextReview } = found
    const next = values.nextReviewOn ?? suggestedNextReview
    return reply.page('retention/views/record.njk', {
      pageTitle: `Review: ${item.type_label}`,
      item: { ...item, ...describe(item), group: REVIEW_GROUPS[item.review_group] },
      schedule: { ...schedule, group: REVIEW_GROUPS[schedule.review_group as ReviewGroup] },
      recordHref: recordHref(type, id),
      eraseEffect: ERASE_EFFECT[type],
      caveat: REVIEWED_BY_RECORDS_MANAGER,
      action: `/retention/records/${type}/${id}`,
      values: {
        'nextReviewOn-day': values['nextReviewOn-day'] ?? String(Number(next.slice(8, 10))),
        'nextReviewOn-month': values['nextReviewOn-month'] ?? String(Number(next.slice(5, 7))),
        'nextReviewOn-year': values['nextReviewOn-year'] ?? next.slice(0, 4),
        ...values,
      },
      errors,
      errorList: errorSummary(errors, [], (k) => (k === 'nextReviewOn' ? '#nextReviewOn-day' : `#${k}`)),
    })
  }

  type RecordRequest = FastifyRequest<{ Params: { type: string; id: string }; Body: Record<string, unknown> }>
  const recordRoute = '/retention/records/:type/:id'
  app.get<{ Params: { type: string; id: string } }>(recordRoute, access, (request, reply) => showRecord(request, reply))

  class FieldProblem extends Error {
    constructor(readonly errors: FieldErrors) {
      super('invalid input')
    }
  }

  /** Runs a decision; a refusal the reviewer can act on is shown on the record page with what they typed. */
  async function decide(
    request: RecordRequest,
    reply: FastifyReply,
    field: string,
    work: (type: RecordType, id: string) => Promise<string>,
  ) {
    const { type, id } = request.params
    if (!isRecordType(type) || !isUuid(id)) throw new NotFoundError()
    const values = Object.fromEntries(Object.entries(request.body ?? {}).map(([k, v]) => [k, asString(v)]))
    try {
      const message = await work(type, id)
      await request.flash(message)
    } catch (error) {
      if (error instanceof RetentionError && error.code !== 'not-found')
        return showRecord(request, reply.code(error.status), { [error.field ?? field]: error.message }, values)
      if (error instanceof FieldProblem) return showRecord(request, reply.code(400), error.errors, values)
      throw error
    }
    return reply.redirect('/retention', 303)
  }

  /** The form's answers, or a FieldProblem that shows its errors on the record page. */
  function formOf<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
    const parsed = parseForm(schema, body)
    if (!parsed.ok) throw new FieldProblem(parsed.errors)
    return parsed.value
  }

  app.post<{ Params: { type: string; id: string }; Body: Record<string, unknown> }>(
    `${recordRoute}/retain`,
    access,
    (request, reply) =>
      decide(request, reply, 'retainReason', async (type, id) => {
        const { retainReason: reason, nextReviewOn } = formOf(
          RetainForm,
          withDateParts(request.body ?? {}, 'nextReviewOn'),
        )
        await retention.retain(type, id, { reason, nextReviewOn: nextReviewOn! }, actorOf(request))
        return `Record retained: next review ${formatDate(nextReviewOn)}`
      }),
  )

  app.post<{ Params: { type: string; id: string }; Body: Record<string, unknown> }>(
    `${recordRoute}/erase`,
    access,
    (request, reply) =>
      decide(request, reply, 'eraseReason', async (type, id) => {
        const { eraseReason } = formOf(EraseRecordForm, request.body ?? {})
        const outcome = await retention.erase(type, id, eraseReason, actorOf(request))
        return `Record deleted${outcome.peopleErased ? `: ${outcome.peopleErased} ${outcome.peopleErased === 1 ? 'person' : 'people'} erased everywhere` : ''}. The audit keeps the fact of the erasure.`
      }),
  )

  app.post<{ Params: { type: string; id: string }; Body: Record<string, unknown> }>(
    `${recordRoute}/hold`,
    access,
    (request, reply) =>
      decide(request, reply, 'holdReason', async (type, id) => {
        await retention.placeHold(type, id, formOf(HoldForm, request.body ?? {}).holdReason, actorOf(request))
        return 'Legal hold placed: the record cannot be deleted until it is lifted'
      }),
  )

  app.post<{ Params: { type: string; id: string }; Body: Record<string, unknown> }>(
    `${recordRoute}/release`,
    access,
    (request, reply) =>
      decide(request, reply, 'releaseReason', async (type, id) => {
        await retention.liftHold(type, id, formOf(ReleaseForm, request.body ?? {}).releaseReason, actorOf(request))
        return 'Legal hold lifted: the record is reviewed on its schedule again'
      }),
  )

  async function showPersonErasure(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Record<string, string> = {},
  ) {
    const { id } = request.params
    if (!isUuid(id)) throw new NotFoundError()
    const check = await retention.erasureCheck(id, actorOf(request))
    return reply.page('retention/views/erase-person.njk', {
      pageTitle: 'Erase a person',
      personId: id,
      name: check.name,
      records: check.records,
      holds: check.holds,
      eraseEffect: ERASE_EFFECT.person,
      values,
      errors,
      errorList: errorSummary(errors),
    })
  }

  // Erasure outside the review cycle: a record that should never have been made, or an order to erase.
  app.get<{ Params: { id: string } }>('/retention/people/:id/erase', access, (request, reply) =>
    showPersonErasure(request, reply),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/retention/people/:id/erase',
    access,
    async (request, reply) => {
      const { id } = request.params
      if (!isUuid(id)) throw new NotFoundError()
      const values = {
        eraseReason: asString(request.body?.eraseReason).trim(),
        confirm: asString(request.body?.confirm),
      }
      const parsed = parseForm(ErasePersonForm, request.body ?? {})
      if (!parsed.ok) return showPersonErasure(request, reply.code(400), parsed.errors, values)
      try {
        const outcome = await retention.erasePerson(id, parsed.value.eraseReason, actorOf(request))
        await request.flash(
          `Person erased everywhere (${outcome.peopleErased} ${outcome.peopleErased === 1 ? 'record' : 'records'}). The audit keeps only the fact of the erasure.`,
        )
      } catch (error) {
        if (error instanceof RetentionError && error.code === 'held')
          return showPersonErasure(request, reply.code(409), { eraseReason: error.message }, values)
        throw error
      }
      return reply.redirect('/retention', 303)
    },
  )

  async function showSchedules(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Record<string, string> = {},
    editing: string | null = null,
  ) {
    const schedules = await retention.schedules()
    return reply.page('retention/views/schedules.njk', {
      pageTitle: 'Retention review schedules',
      caveat: REVIEWED_BY_RECORDS_MANAGER,
      schedules: schedules.map((s) => ({
        ...s,
        group: REVIEW_GROUPS[s.review_group],
        confirmedAt: s.confirmed_at ? formatDateTime(s.confirmed_at) : null,
        values:
          editing === s.record_type
            ? values
            : {
                reviewGroup: s.review_group,
                firstReviewMonths: String(s.first_review_months),
                reviewEveryMonths: String(s.review_every_months),
                keepUntilAge: s.keep_until_age === null ? '' : String(s.keep_until_age),
              },
        errors: editing === s.record_type ? errors : {},
      })),
      groupItems: Object.entries(REVIEW_GROUPS).map(([value, text]) => ({ value, text })),
      errorList: errorSummary(errors, [], (k) => `#${editing}-${k}`),
    })
  }

  app.get('/retention/schedules', access, (request, reply) => showSchedules(request, reply))

  app.post<{ Params: { type: string }; Body: Record<string, unknown> }>(
    '/retention/schedules/:type',
    access,
    async (request, reply) => {
      const { type } = request.params
      if (!isRecordType(type)) throw new NotFoundError()
      const values = {
        reviewGroup: asString(request.body?.reviewGroup),
        firstReviewMonths: asString(request.body?.firstReviewMonths).trim(),
        reviewEveryMonths: asString(request.body?.reviewEveryMonths).trim(),
        keepUntilAge: asString(request.body?.keepUntilAge).trim(),
      }
      const parsed = parseForm(ScheduleForm, request.body ?? {})
      if (!parsed.ok) return showSchedules(request, reply.code(400), parsed.errors, values, type)
      await retention.changeSchedule(type, parsed.value, actorOf(request))
      await request.flash('Schedule changed: it needs the records manager’s confirmation again')
      return reply.redirect('/retention/schedules', 303)
    },
  )

  app.post<{ Params: { type: string } }>('/retention/schedules/:type/confirm', access, async (request, reply) => {
    const { type } = request.params
    if (!isRecordType(type)) throw new NotFoundError()
    await retention.confirmSchedule(type, actorOf(request))
    await request.flash('Schedule confirmed')
    return reply.redirect('/retention/schedules', 303)
  })
}
