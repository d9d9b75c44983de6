import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary } from '#src/platform/http/forms.ts'
import { formatDate, formatDateTime, londonDate } from '#src/shared/dates.ts'
import { chartSvg } from './charts.ts'
import { quarterlyReturnXlsx, tableCsv, tableXlsx } from './exports.ts'
import { filterQuery, parseQuarter, previousQuarter, readFilters, type Filters } from './insight.filters.ts'
import { isTableName, type Table } from './statistics.service.ts'

type Query = Record<string, string | undefined>

const FILTER_ORDER = ['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year', 'priority']
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** The filters in words, for the page, the alternative text and the top of every download. */
function describe(filters: Filters, priorityLabel: string | null): string {
  const dates =
    filters.from && filters.to
      ? `received from ${formatDate(filters.from)} to ${formatDate(filters.to)}`
      : filters.from
        ? `received on or after ${formatDate(filters.from)}`
        : filters.to
          ? `received on or before ${formatDate(filters.to)}`
          : 'all dates'
  return `Referrals: ${dates}; ${priorityLabel ? `strategic priority: ${priorityLabel}` : 'all strategic priorities'}.`
}

/** The chart's alternative text: what it shows; the figures themselves are in the table next to it. */
function altText(table: Table): string {
  const kind = table.chart?.kind === 'line' ? 'Line chart' : 'Bar chart'
  return `${kind} of ${table.title.charAt(0).toLowerCase()}${table.title.slice(1)}. The same figures are in the table next to it.`
}

/** The team dashboard, its charts and downloads, and the Home Office quarterly return. */
export function registerInsightPages(app: FastifyInstance, { services }: AppDeps): void {
  const stats = services.statistics
  const view = { config: { access: 'insight:view' as const } }

  async function filtersFrom(query: Query) {
    const tags = await stats.priorityTags()
    const result = readFilters(
      query,
      tags.map((t) => t.id),
    )
    const priorityLabel = result.filters.priority
      ? (tags.find((t) => t.id === result.filters.priority)?.label ?? null)
      : null
    return { ...result, tags, priorityLabel }
  }

  app.get<{ Querystring: Query }>('/insight', view, async (request, reply) => {
    const { filters, errors, values, tags, priorityLabel } = await filtersFrom(request.query)
    const failed = Object.keys(errors).length > 0
    const dashboard = failed ? null : await stats.dashboard(filters)
    const query = filterQuery(filters)
    const suffix = query ? `?${query}` : ''
    return reply.code(failed ? 400 : 200).page('insight/views/dashboard.njk', {
      pageTitle: 'Team figures',
      values,
      errors,
      errorList: errorSummary(errors, FILTER_ORDER),
      priorityItems: [
        { value: '', text: 'All strategic priorities' },
        ...tags.map((t) => ({ value: t.id, text: t.label, selected: values.priority === t.id })),
      ],
      description: describe(filters, priorityLabel),
      referrals: dashboard?.referrals ?? 0,
      victims: dashboard?.victims ?? 0,
      tables: (dashboard?.tables ?? []).map((t) => ({
        ...t,
        // A chart of nothing but zeros says nothing: the page says so in words instead.
        chartUrl:
          t.chart && t.chart.series.some((series) => series.values.some((v) => v !== 0))
            ? `/insight/charts/${t.name}.svg${suffix}`
            : null,
        alt: altText(t),
        csvUrl: `/insight/tables/${t.name}.csv${suffix}`,
        xlsxUrl: `/insight/tables/${t.name}.xlsx${suffix}`,
      })),
      quarter: previousQuarter(londonDate()),
    })
  })

  /** A chart or a download for filters that do not parse is refused, not drawn for other filters. */
  async function tableFor(name: string, query: Query, reply: FastifyReply) {
    if (!isTableName(name)) throw new NotFoundError()
    const { filters, errors, priorityLabel } = await filtersFrom(query)
    if (Object.keys(errors).length > 0) {
      reply.code(400).type('text/plain; charset=utf-8').send(Object.values(errors).join('\n'))
      return null
    }
    return { table: await stats.table(name, filters), filters, description: describe(filters, priorityLabel) }
  }

  app.get<{ Params: { file: string }; Querystring: Query }>('/insight/charts/:file', view, async (request, reply) => {
    const match = /^([a-z-]+)\.svg$/.exec(request.params.file)
    if (!match) throw new NotFoundError()
    const found = await tableFor(match[1], request.query, reply)
    if (!found) return reply
    if (!found.table.chart) throw new NotFoundError()
    return reply.header('content-type', 'image/svg+xml; charset=utf-8').send(chartSvg(found.table.chart))
  })

  app.get<{ Params: { file: string }; Querystring: Query }>('/insight/tables/:file', view, async (request, reply) => {
    const match = /^([a-z-]+)\.(csv|xlsx)$/.exec(request.params.file)
    if (!match) throw new NotFoundError()
    const [, name, format] = match
    const found = await tableFor(name, request.query, reply)
    if (!found) return reply
    await stats.recordExport(actorOf(request), {
      what: `table:${name}`,
      format,
      from: found.filters.from,
      to: found.filters.to,
      priority: found.filters.priority,
    })
    const filename = `lantern-${name}-${londonDate()}.${format}`
    reply.header('content-disposition', `attachment; filename="${filename}"`)
    if (format === 'csv')
      return reply.header('content-type', 'text/csv; charset=utf-8').send(tableCsv(found.table, found.description))
    return reply.header('content-type', XLSX).send(await tableXlsx(found.table, found.description))
  })

  // ---- The quarterly return ----------------------------------------------------------------------------------

  app.get<{ Querystring: Query }>('/insight/quarterly-return', view, async (request, reply) => {
    const asked = asString(request.query.quarter).trim()
    const quarter = parseQuarter(asked || previousQuarter(londonDate()))
    if (!quarter) {
      const errors = { quarter: 'Enter a quarter as a year, a hyphen and Q1 to Q4, like 2026-Q3' }
      return reply.code(400).page('insight/views/quarterly-return.njk', {
        pageTitle: 'Home Office quarterly return',
        errors,
        errorList: errorSummary(errors),
        value: asked,
        result: null,
      })
    }
    const result = await stats.quarterlyReturn(quarter)
    return reply.page('insight/views/quarterly-return.njk', {
      pageTitle: 'Home Office quarterly return',
      errors: {},
      errorList: [],
      value: quarter.label,
      result,
      downloadUrl: `/insight/quarterly-return.xlsx?quarter=${quarter.label}`,
    })
  })

  app.get<{ Querystring: Query }>('/insight/quarterly-return.xlsx', view, async (request, reply) => {
    const quarter = parseQuarter(asString(request.query.quarter))
    if (!quarter) return reply.code(400).type('text/plain; charset=utf-8').send('Enter a quarter like 2026-Q3')
    const result = await stats.quarterlyReturn(quarter)
    await stats.recordExport(actorOf(request), { what: 'quarterly-return', format: 'xlsx', quarter: quarter.label })
    const buffer = await quarterlyReturnXlsx(result, formatDateTime(new Date()))
    return reply
      .header('content-type', XLSX)
      .header('content-disposition', `attachment; filename="lantern-quarterly-return-${quarter.label}.xlsx"`)
      .send(buffer)
  })
}
