import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { z } from 'zod'
import { errorSummary } from '#src/platform/http/forms.ts'
import { field, schemaFor } from '#src/platform/http/page-forms.ts'
import { formatDate, londonDate } from '#src/shared/dates.ts'
import type { ProfileFilters } from '#src/modules/victim-context/index.ts'
import { chartSvg, routeMapSvg } from './charts.ts'
import { tableCsv } from './exports.ts'
import { filterFields, filterQuery, inOrder, readFilterForm } from './insight.filters.ts'
import { AGE_COLUMNS, isProfileTable } from './problem-profile.service.ts'

type Query = Record<string, string | undefined>

const FILTER_ORDER = ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year', 'priority', 'age']
const AGE_GROUPS = new Set(['child', 'adult', 'unknown'])
const PAGE = '/insight/exploitation-profile'
const NO_FILTERS: ProfileFilters = { from: null, to: null, priority: null, ageGroup: null }

/** The profile's filter form: the dashboard's, and an age group. */
const profileFilterForm = schemaFor((priorities: readonly string[]) =>
  inOrder(
    z.object({
      ...filterFields(priorities),
      age: field(
        z.string().refine((age) => age === '' || AGE_GROUPS.has(age), { error: 'Select an age group from the list' }),
      ),
    }),
  ),
)

function describe(filters: ProfileFilters, priorityLabel: string | null): string {
  const dates =
    filters.from && filters.to
      ? `from ${formatDate(filters.from)} to ${formatDate(filters.to)}`
      : filters.from
        ? `on or after ${formatDate(filters.from)}`
        : filters.to
          ? `on or before ${formatDate(filters.to)}`
          : 'all dates'
  const age = filters.ageGroup ? AGE_COLUMNS.find((a) => a.key === filters.ageGroup)!.text.toLowerCase() : 'all ages'
  return `Exploitation situations in referrals received ${dates}; ${priorityLabel ? `strategic priority: ${priorityLabel}` : 'all strategic priorities'}; ${age}.`
}

/** The problem profile: "How people are exploited here", its charts, route diagram and downloads (issue 15, section 3). */
export function registerProblemProfilePages(app: FastifyInstance, { services, config }: AppDeps): void {
  const view = { config: { access: 'insight:view' as const } }

  async function filtersFrom(query: Query) {
    const tags = await services.statistics.priorityTags()
    const { value, errors, values } = readFilterForm(profileFilterForm(tags.map((t) => t.id)), query, [
      'priority',
      'age',
    ])
    const filters: ProfileFilters = value
      ? {
          from: value.from,
          to: value.to,
          priority: value.priority || null,
          ageGroup: (value.age || null) as ProfileFilters['ageGroup'],
        }
      : NO_FILTERS
    const priorityLabel = filters.priority ? (tags.find((t) => t.id === filters.priority)?.label ?? null) : null
    const asked = [filterQuery(filters), filters.ageGroup ? `age=${filters.ageGroup}` : ''].filter(Boolean).join('&')
    return { filters, errors, values, tags, priorityLabel, suffix: asked ? `?${asked}` : '' }
  }

  function refuse(reply: FastifyReply, errors: Record<string, string>) {
    return reply.code(400).type('text/plain; charset=utf-8').send(Object.values(errors).join('\n'))
  }

  app.get<{ Querystring: Query }>(PAGE, view, async (request, reply) => {
    const { filters, errors, values, tags, priorityLabel, suffix } = await filtersFrom(request.query)
    const failed = Object.keys(errors).length > 0
    const profile = failed ? null : await services.problemProfile.profile(filters)
    return reply.code(failed ? 400 : 200).page('insight/views/problem-profile.njk', {
      pageTitle: 'How people are exploited here',
      values,
      errors,
      errorList: errorSummary(errors, FILTER_ORDER),
      priorityItems: [
        { value: '', text: 'All strategic priorities' },
        ...tags.map((t) => ({ value: t.id, text: t.label, selected: values.priority === t.id })),
      ],
      ageItems: [
        { value: '', text: 'All ages' },
        ...AGE_COLUMNS.map((a) => ({ value: a.key, text: a.text, selected: values.age === a.key })),
      ],
      description: describe(filters, priorityLabel),
      profile,
      routeMapUrl: profile?.graph.links.length ? `${PAGE}/route-map.svg${suffix}` : null,
      tables: (profile?.tables ?? []).map((t) => ({
        ...t,
        chartUrl:
          t.chart && t.chart.series.some((s) => s.values.some((v) => v !== 0))
            ? `${PAGE}/charts/${t.name}.svg${suffix}`
            : null,
        alt: `Bar chart of ${t.title.charAt(0).toLowerCase()}${t.title.slice(1)}. The same figures are in the table next to it.`,
        csvUrl: `${PAGE}/tables/${t.name}.csv${suffix}`,
        partnerCsvUrl: `${PAGE}/partner-tables/${t.name}.csv${suffix}`,
      })),
    })
  })

  app.get<{ Params: { file: string }; Querystring: Query }>(`${PAGE}/charts/:file`, view, async (request, reply) => {
    const match = /^([a-z-]+)\.svg$/.exec(request.params.file)
    if (!match || !isProfileTable(match[1])) throw new NotFoundError()
    const { filters, errors } = await filtersFrom(request.query)
    if (Object.keys(errors).length) return refuse(reply, errors)
    const table = (await services.problemProfile.profile(filters)).tables.find((t) => t.name === match[1])
    if (!table?.chart) throw new NotFoundError()
    return reply.header('content-type', 'image/svg+xml; charset=utf-8').send(chartSvg(table.chart))
  })

  app.get<{ Querystring: Query }>(`${PAGE}/route-map.svg`, view, async (request, reply) => {
    const { filters, errors } = await filtersFrom(request.query)
    if (Object.keys(errors).length) return refuse(reply, errors)
    const { graph } = await services.problemProfile.profile(filters)
    return reply.header('content-type', 'image/svg+xml; charset=utf-8').send(routeMapSvg(graph))
  })

  // The partner portal's profile: every table with small cells suppressed, exactly as the "for partners" downloads.
  app.get<{ Querystring: Query }>(
    '/partner/exploitation-profile',
    { config: { access: 'partner-portal:use' } },
    async (request, reply) => {
      const { filters, errors, values, tags, priorityLabel } = await filtersFrom(request.query)
      const failed = Object.keys(errors).length > 0
      const tables = failed ? [] : await services.problemProfile.partnerTables(filters)
      if (!failed)
        await services.statistics.recordExport(actorOf(request), {
          what: 'profile:partner-portal',
          format: 'page',
          suppressed: true,
          from: filters.from,
          to: filters.to,
          priority: filters.priority,
          age: filters.ageGroup,
        })
      return reply.code(failed ? 400 : 200).page('insight/views/partner-profile.njk', {
        pageTitle: 'How people are exploited here',
        values,
        errors,
        errorList: errorSummary(errors, FILTER_ORDER),
        priorityItems: [
          { value: '', text: 'All strategic priorities' },
          ...tags.map((t) => ({ value: t.id, text: t.label, selected: values.priority === t.id })),
        ],
        ageItems: [
          { value: '', text: 'All ages' },
          ...AGE_COLUMNS.map((a) => ({ value: a.key, text: a.text, selected: values.age === a.key })),
        ],
        description: describe(filters, priorityLabel),
        tables,
        threshold: config.suppressionThreshold,
      })
    },
  )

  // The team's own figures, as the page shows them.
  app.get<{ Params: { file: string }; Querystring: Query }>(`${PAGE}/tables/:file`, view, async (request, reply) => {
    const match = /^([a-z-]+)\.csv$/.exec(request.params.file)
    if (!match || !isProfileTable(match[1])) throw new NotFoundError()
    const { filters, errors, priorityLabel } = await filtersFrom(request.query)
    if (Object.keys(errors).length) return refuse(reply, errors)
    const table = (await services.problemProfile.profile(filters)).tables.find((t) => t.name === match[1])!
    await services.statistics.recordExport(actorOf(request), {
      what: `profile:${table.name}`,
      format: 'csv',
      from: filters.from,
      to: filters.to,
      priority: filters.priority,
      age: filters.ageGroup,
    })
    reply.header('content-disposition', `attachment; filename="lantern-profile-${table.name}-${londonDate()}.csv"`)
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .send(tableCsv(table, `${describe(filters, priorityLabel)} Not suppressed: for the team only.`))
  })

  // What leaves the team: small cells suppressed as the partner figures are.
  app.get<{ Params: { file: string }; Querystring: Query }>(
    `${PAGE}/partner-tables/:file`,
    view,
    async (request, reply) => {
      const match = /^([a-z-]+)\.csv$/.exec(request.params.file)
      if (!match || !isProfileTable(match[1])) throw new NotFoundError()
      const { filters, errors, priorityLabel } = await filtersFrom(request.query)
      if (Object.keys(errors).length) return refuse(reply, errors)
      const table = await services.problemProfile.partnerTable(match[1], filters)
      if (!table) throw new NotFoundError()
      await services.statistics.recordExport(actorOf(request), {
        what: `profile:${match[1]}`,
        format: 'csv',
        suppressed: true,
        from: filters.from,
        to: filters.to,
        priority: filters.priority,
        age: filters.ageGroup,
      })
      reply.header(
        'content-disposition',
        `attachment; filename="lantern-profile-${match[1]}-for-partners-${londonDate()}.csv"`,
      )
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .send(
          tableCsv(
            { name: match[1], title: table.title, counts: '', headers: table.headers, rows: table.rows, chart: null },
            `${describe(filters, priorityLabel)} ${table.note} A situation can be counted in more than one row.`,
          ),
        )
    },
  )
}
