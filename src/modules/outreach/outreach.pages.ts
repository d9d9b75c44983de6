import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import QRCode from 'qrcode'
import { isUploadedFile, registerSingleFileUpload } from '#src/platform/http/uploads.ts'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { eachFilter, typedDate } from '#src/platform/http/page-forms.ts'
import { formatDate, formatDateTime, londonDate, londonTime } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { OutreachError } from './outreach.errors.ts'
import {
  EVENT_FIELD_ORDER,
  emptyEventForm,
  readEventForm,
  readFeedbackForm,
  type EventFormValues,
} from './outreach.form.ts'
import { MATERIAL_MAX_BYTES, attachmentHeader } from './outreach.materials.ts'
import { impactChartSvg } from './outreach.chart.ts'
import type { ImpactTarget } from './outreach.service.ts'
import type { EventFilters, EventListRow } from './outreach.repository.ts'
import { DEFAULT_WINDOW_DAYS, DELIVERY, EVENT_KINDS, SECTORS, WINDOW_CHOICES } from './outreach.vocabulary.ts'

const PAGE_SIZE = 25
/** The list's two typed dates. */
const DATE_FILTERS = { from: typedDate('From'), to: typedDate('To') }
type Body = Record<string, unknown>
type Query = Record<string, string | undefined>
const vocab = { SECTORS, EVENT_KINDS, DELIVERY }

/** A file as the upload route's body carries it: read whole (up to the limit) by the multipart hook below. */

/** 'D/M/YYYY' or 'YYYY-MM-DD' from a filter box, or undefined with an error. */
function presentListRow(row: EventListRow, tagLabels: Map<string, string>) {
  return {
    id: row.id,
    title: row.title,
    kind: EVENT_KINDS.label(row.kind),
    when: formatDateTime(row.starts_at),
    whenIso: row.starts_at.toISOString(),
    where: row.delivery === 'online' ? 'Online' : (row.venue ?? ''),
    sectors: row.sectors.map((s) => SECTORS.label(s)),
    organisations: row.organisations,
    attendees: row.attendee_count,
    priorities: row.priority_tags.map((t) => tagLabels.get(t) ?? t),
  }
}

function readWindow(value: string | undefined): number {
  const n = Number.parseInt(asString(value), 10)
  return (WINDOW_CHOICES as readonly number[]).includes(n) ? n : DEFAULT_WINDOW_DAYS
}

/** Awareness events and training inputs: list, calendar, record, materials, feedback and impact. */
export function registerOutreachPages(app: FastifyInstance, { services, config }: AppDeps): void {
  const outreach = services.outreach

  /** The address a printed link or QR code sends the public to: the configured public address, else this one. */
  const shortLinkOf = (request: FastifyRequest, refCode: string) =>
    `${config.publicBaseUrl ?? `${request.protocol}://${request.host}`}/r/${refCode}`
  const view = { config: { access: 'outreach:view' as const } }
  const manage = { config: { access: 'outreach:manage' as const } }

  async function tagLabels() {
    return new Map((await outreach.priorityTags()).map((t) => [t.id, t.label]))
  }

  // ---- List and calendar ------------------------------------------------------------------------------

  app.get<{ Querystring: Query }>('/outreach', view, async (request, reply) => {
    const q = request.query
    const filters: EventFilters = {}
    const tags = await outreach.priorityTags()
    if (EVENT_KINDS.has(asString(q.kind))) filters.kind = asString(q.kind)
    if (SECTORS.has(asString(q.sector))) filters.sector = asString(q.sector)
    if (tags.some((t) => t.id === q.priorityTag)) filters.priorityTag = asString(q.priorityTag)
    const dates = eachFilter(DATE_FILTERS, q)
    const errors: FieldErrors = dates.errors
    Object.assign(filters, dates.value)
    const page = Math.max(1, Math.min(10_000, Number.parseInt(asString(q.page), 10) || 1))
    const sort = q.sort === 'oldest' ? 'oldest' : 'newest'
    const result = await outreach.list(filters, page, PAGE_SIZE, sort)
    const labels = new Map(tags.map((t) => [t.id, t.label]))
    const pageLink = (n: number) => {
      const params = new URLSearchParams(Object.entries(q).filter(([k, v]) => k !== 'page' && v) as [string, string][])
      params.set('page', String(n))
      return `/outreach?${params.toString()}`
    }
    const select = (items: readonly { value: string; text: string }[], selected: string | undefined, any: string) => [
      { value: '', text: any },
      ...items.map((i) => ({ value: i.value, text: i.text, selected: i.value === selected })),
    ]
    return reply.page('outreach/views/list.njk', {
      pageTitle: 'Awareness and training',
      filterItems: {
        kind: select(EVENT_KINDS.items, q.kind, 'Any type'),
        sector: select(SECTORS.items, q.sector, 'Any sector'),
        priorityTag: select(
          tags.map((t) => ({ value: t.id, text: t.label })),
          q.priorityTag,
          'Any priority',
        ),
        sort: [
          { value: 'newest', text: 'Newest first', selected: sort === 'newest' },
          { value: 'oldest', text: 'Oldest first', selected: sort === 'oldest' },
        ],
      },
      rows: result.rows.map((r) => presentListRow(r, labels)),
      total: result.total,
      totalCapped: result.totalCapped,
      firstShown: result.rows.length ? (page - 1) * PAGE_SIZE + 1 : 0,
      lastShown: (page - 1) * PAGE_SIZE + result.rows.length,
      previous: page > 1 ? pageLink(page - 1) : null,
      next:
        page * PAGE_SIZE < result.total || (result.totalCapped && result.rows.length === PAGE_SIZE)
          ? pageLink(page + 1)
          : null,
      query: q,
      errors,
      errorList: errorSummary(errors),
      thisMonth: londonDate().slice(0, 7),
    })
  })

  app.get<{ Querystring: Query }>('/outreach/calendar', view, async (request, reply) => {
    const asked = asString(request.query.month)
    const month =
      /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) && asked >= '1900-01' && asked <= '9999-12'
        ? asked
        : londonDate().slice(0, 7)
    const calendar = await outreach.calendar(month)
    const [y, m] = month.split('-').map(Number)
    const nameOf = (ym: string) => {
      const [year, mon] = ym.split('-').map(Number)
      return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(
        Date.UTC(year, mon - 1, 1),
      )
    }
    const monthName = nameOf(`${y}-${String(m).padStart(2, '0')}`)
    return reply.page('outreach/views/calendar.njk', {
      pageTitle: `Awareness and training: ${monthName}`,
      monthName,
      weeks: calendar.weeks.map((week) =>
        week.map(
          (cell) =>
            cell && {
              day: cell.day,
              date: cell.date,
              label: formatDate(cell.date),
              events: cell.events.map((e) => ({
                id: e.id,
                title: e.title,
                time: londonTime(e.starts_at),
                kind: EVENT_KINDS.label(e.kind),
              })),
            },
        ),
      ),
      count: calendar.events.length,
      truncated: calendar.truncated,
      previous: calendar.previous,
      next: calendar.next,
      // The pager names the months it goes to, not just "previous" and "next".
      previousName: nameOf(calendar.previous),
      nextName: nameOf(calendar.next),
      today: londonDate(),
    })
  })

  // ---- Record an event -----------------------------------------------------------------------------------

  async function eventForm(reply: FastifyReply, values: EventFormValues, errors: FieldErrors) {
    const tags = await outreach.priorityTags()
    const operations = await outreach.operations()
    return reply.page('outreach/views/event-form.njk', {
      operationItems: [
        { value: '', text: 'Not part of an operation' },
        ...operations
          .filter((o) => o.status === 'active' || o.id === values.operationId)
          .map((o) => ({
            value: o.id,
            text: o.code ? `${o.name} (${o.code})` : o.name,
            selected: o.id === values.operationId,
          })),
      ],
      pageTitle: 'Record an awareness event or training input',
      values,
      errors,
      errorList: errorSummary(errors, EVENT_FIELD_ORDER),
      tags,
      vocab,
    })
  }

  app.get('/outreach/events/new', manage, (_request, reply) => eventForm(reply, emptyEventForm(), {}))

  app.post<{ Body: Body }>('/outreach/events/new', manage, async (request, reply) => {
    const tags = await outreach.priorityTags()
    const { values, errors, input } = readEventForm(
      request.body ?? {},
      tags.map((t) => t.id),
      (await outreach.operations()).map((o) => o.id),
    )
    if (!input) return eventForm(reply.code(400), values, errors)
    let id: string
    try {
      id = await outreach.recordEvent(input, actorOf(request))
    } catch (error) {
      if (error instanceof OutreachError && error.field)
        return eventForm(reply.code(400), values, { [error.field]: error.message })
      throw error
    }
    await request.flash(`Event ‘${input.title}’ recorded`)
    return reply.redirect(`/outreach/events/${id}`, 303)
  })

  // ---- One event ---------------------------------------------------------------------------------------------

  async function showEvent(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    formState: { errors?: FieldErrors; values?: Record<string, string> } = {},
  ) {
    const { id } = request.params
    if (!isUuid(id)) throw new NotFoundError()
    const found = await outreach.view(id)
    const labels = await tagLabels()
    const e = found.event
    const errors = formState.errors ?? {}
    return reply.page('outreach/views/event.njk', {
      pageTitle: e.title,
      event: {
        id: e.id,
        title: e.title,
        kind: EVENT_KINDS.label(e.kind),
        date: formatDate(e.starts_at),
        time: `${londonTime(e.starts_at)}${e.ends_at ? ` to ${londonTime(e.ends_at)}` : ''}`,
        where: e.delivery === 'online' ? `Online${e.venue ? ` (${e.venue})` : ''}` : (e.venue ?? ''),
        sectors: e.sectors.map((s) => SECTORS.label(s)),
        attendees: e.attendee_count,
        trainers: e.trainers,
        priorities: e.priority_tags.map((t) => labels.get(t) ?? t),
        notes: e.notes,
        recordedBy: e.created_by_name,
        recordedAt: formatDateTime(e.created_at),
        operationId: e.operation_id,
        operationName: e.operation_name,
        refCode: e.ref_code,
        reports: e.reports,
      },
      shortLink: shortLinkOf(request, e.ref_code),
      canSeeOperations: can(request.user, 'case:view'),
      organisations: found.organisations,
      materials: found.materials.map((m) => ({
        id: m.id,
        filename: m.filename,
        size: `${Math.max(1, Math.round(m.size_bytes / 1024))} KB`,
        uploaded: formatDateTime(m.uploaded_at),
      })),
      feedback: found.feedback.map((f) => ({ score: f.score, comment: f.comment, at: formatDateTime(f.created_at) })),
      feedbackAverage: found.feedbackAverage === null ? null : found.feedbackAverage.toFixed(1),
      maxMegabytes: MATERIAL_MAX_BYTES / 1024 / 1024,
      errors,
      errorList: errorSummary(errors, ['material', 'score', 'comment']),
      values: formState.values ?? {},
    })
  }

  app.get<{ Params: { id: string } }>('/outreach/events/:id', view, (request, reply) => showEvent(request, reply))

  // The QR code for the event's short link, made here (no request leaves Lantern), as SVG for print or PNG.
  for (const format of ['svg', 'png'] as const) {
    app.get<{ Params: { id: string } }>(`/outreach/events/:id/qr.${format}`, view, async (request, reply) => {
      if (!isUuid(request.params.id)) throw new NotFoundError()
      const found = await outreach.view(request.params.id)
      const link = shortLinkOf(request, found.event.ref_code)
      const options = { margin: 2, errorCorrectionLevel: 'M' as const }
      if (format === 'png')
        return reply.type('image/png').send(await QRCode.toBuffer(link, { ...options, type: 'png', width: 600 }))
      const svg = await QRCode.toString(link, { ...options, type: 'svg' })
      return reply
        .type('image/svg+xml; charset=utf-8')
        .send(svg.replace('<svg ', `<svg role="img" aria-label="QR code for ${link}" `))
    })
  }

  app.post<{ Params: { id: string }; Body: Body }>('/outreach/events/:id/feedback', manage, async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    const { values, errors } = readFeedbackForm(request.body ?? {})
    if (Object.keys(errors).length > 0) return showEvent(request, reply.code(400), { errors, values })
    await outreach.addFeedback(
      request.params.id,
      { score: Number(values.score), comment: values.comment || null },
      actorOf(request),
    )
    await request.flash('Feedback added')
    return reply.redirect(`/outreach/events/${request.params.id}#feedback`, 303)
  })

  // Materials: multipart for this one route's scope only.
  app.register(async (scope) => {
    await registerSingleFileUpload(scope, { fileSize: MATERIAL_MAX_BYTES, fields: 5, fieldSize: 1024 })
    scope.post<{ Params: { id: string }; Body: Body }>(
      '/outreach/events/:id/materials',
      manage,
      async (request, reply) => {
        if (!isUuid(request.params.id)) throw new NotFoundError()
        const file = request.body?.material
        if (!isUploadedFile(file) || (file.data.length === 0 && !file.filename))
          return showEvent(request, reply.code(400), { errors: { material: 'Select a file to upload' } })
        try {
          await outreach.uploadMaterial(request.params.id, file, actorOf(request))
        } catch (error) {
          if (error instanceof OutreachError && error.code !== 'not-found')
            return showEvent(request, reply.code(error.status), { errors: { material: error.message } })
          throw error
        }
        await request.flash('Material uploaded')
        return reply.redirect(`/outreach/events/${request.params.id}#materials`, 303)
      },
    )
  })

  app.get<{ Params: { id: string } }>('/outreach/materials/:id', view, async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    const material = await outreach.downloadMaterial(request.params.id, actorOf(request))
    // Always a download with the type read from its bytes at upload, never rendered in the page's origin.
    return reply
      .header('content-type', material.content_type)
      .header('content-disposition', attachmentHeader(material.filename))
      .send(material.data)
  })

  // ---- Impact -------------------------------------------------------------------------------------------------

  function impactTarget(q: Query): ImpactTarget | null {
    if (q.event && isUuid(q.event)) return { kind: 'event', id: q.event }
    if (q.organisation && isUuid(q.organisation)) return { kind: 'organisation', id: q.organisation }
    if (q.sector && SECTORS.has(q.sector)) return { kind: 'sector', sector: q.sector }
    return null
  }

  app.get<{ Querystring: Query }>('/outreach/impact', view, async (request, reply) => {
    const q = request.query
    const days = readWindow(q.days)
    const target = impactTarget(q)
    const organisations = await outreach.organisations()
    const impact = target ? await outreach.impact(target, days) : null
    const params = new URLSearchParams(
      Object.entries({ event: q.event, organisation: q.organisation, sector: q.sector, days: String(days) }).filter(
        ([, v]) => v,
      ) as [string, string][],
    )
    return reply.page('outreach/views/impact.njk', {
      pageTitle: impact ? `Impact: ${impact.title}` : 'Impact of awareness and training',
      impact,
      days,
      chartUrl: `/outreach/impact/chart.svg?${params.toString()}`,
      eventId: target?.kind === 'event' ? target.id : null,
      sectorItems: [
        { value: '', text: 'Choose a sector' },
        ...SECTORS.items.map((s) => ({ value: s.value, text: s.text, selected: q.sector === s.value })),
      ],
      organisationItems: [
        { value: '', text: 'Choose an organisation' },
        ...organisations.map((o) => ({ value: o.id, text: o.name, selected: q.organisation === o.id })),
      ],
      windowItems: WINDOW_CHOICES.map((d) => ({ value: String(d), text: `${d} days`, selected: d === days })),
    })
  })

  app.get<{ Querystring: Query }>('/outreach/impact/chart.svg', view, async (request, reply) => {
    const target = impactTarget(request.query)
    if (!target) throw new NotFoundError()
    const days = readWindow(request.query.days)
    const impact = await outreach.impact(target, days)
    const svg = impactChartSvg(impact.rows, {
      beforeLabel: `${days} days before`,
      afterLabel: `${days} days from the event`,
    })
    return reply.header('content-type', 'image/svg+xml; charset=utf-8').send(svg)
  })
}
