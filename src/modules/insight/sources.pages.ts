import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { CTDC_COLUMNS, citizenshipLabel } from './ctdc-export.ts'
import type { ModelFit } from './mse.ts'
import { SOURCE_LISTS } from './sources.repository.ts'
import {
  anonymisedCsv,
  anonymisedXlsx,
  partnerFiguresCsv,
  partnerFiguresXlsx,
  suppressionNote,
} from './sources.files.ts'
import { defaultPartnerYear, readPeriod, type PartnerFigures } from './sources.service.ts'

type Query = Record<string, string | undefined>

const wholeFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 })
const oneDecimalFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
const whole = (n: number) => wholeFormat.format(Math.round(n))
const oneDecimal = (n: number) => oneDecimalFormat.format(n)

function intervalText(fit: ModelFit): string {
  if (!fit.interval) return 'not calculated'
  return fit.interval.upper === null
    ? `${whole(fit.interval.lower)} to no upper limit`
    : `${whole(fit.interval.lower)} to ${whole(fit.interval.upper)}`
}

function describeFit(fit: ModelFit) {
  return {
    name: fit.name,
    total: fit.total === null ? '–' : whole(fit.total),
    hidden: fit.hidden === null ? '–' : whole(fit.hidden),
    interval: intervalText(fit),
  }
}

export function sendFile(reply: FastifyReply, filename: string, contentType: string, body: string | Buffer) {
  return reply
    .header('content-type', contentType)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .send(body)
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Reads ?year= for partner figures: a year with data, up to the latest year with a complete quarter. */
export function readPartnerYear(
  value: string | undefined,
  years: readonly number[],
): { year: number; error: string | null } {
  const fallback = defaultPartnerYear()
  if (value === undefined || value === '') return { year: fallback, error: null }
  const year = Number(value)
  if (!/^\d{4}$/.test(value) || !years.includes(year)) return { year: fallback, error: 'Select a year from the list' }
  return { year, error: null }
}

export function partnerPageContext(figures: PartnerFigures, chosen: string | undefined, error: string | null) {
  const errors: Record<string, string> = error ? { year: error } : {}
  return {
    figures,
    note: suppressionNote(figures.threshold),
    yearItems: figures.years.map((y) => ({
      value: String(y),
      text: String(y),
      selected: String(y) === (chosen ?? String(figures.year)),
    })),
    errors,
    errorList: Object.entries(errors).map(([k, v]) => ({ text: v, href: `#${k}` })),
  }
}

/**
 * Team pages: people across sources with the experimental estimate of the hidden number, the team's preview
 * and download of the figures for partners, and the anonymised victim-level export.
 */
export function registerSourcesPages(app: FastifyInstance, { services }: AppDeps): void {
  app.get<{ Querystring: Query }>(
    '/insight/sources',
    { config: { access: 'insight:view' } },
    async (request, reply) => {
      const period = readPeriod(request.query.period)
      const options = await services.sources.periodOptions()
      const errors: Record<string, string> =
        period && options.some((o) => o.value === period.value) ? {} : { period: 'Select a period from the list' }
      const base = {
        pageTitle: 'People across sources',
        periodItems: options.map((o) => ({ ...o, selected: o.value === (request.query.period ?? 'last-12-months') })),
        errors,
        errorList: Object.entries(errors).map(([k, v]) => ({ text: v, href: `#${k}` })),
      }
      if (!period || errors.period) return reply.code(400).page('insight/views/sources.njk', base)
      const overview = await services.sources.sources(period, actorOf(request))
      const mse = overview.mse
      const plural = (n: number) => (n === 1 ? 'source' : 'sources')
      return reply.page('insight/views/sources.njk', {
        ...base,
        periodLabel: period.label,
        overview,
        bySourceCountRows: [
          ...overview.bySourceCount.map((b) => [`${b.sources} ${plural(b.sources)}`, whole(b.people)]),
          ['Total', whole(overview.people)],
        ],
        listRows: overview.lists.map((l) => [`${l.label}: ${l.description}`, whole(l.people)]),
        overlapHeaders: ['Source', ...SOURCE_LISTS.map((l) => l.label)],
        overlapRows: overview.overlaps.map((o) => [o.label, ...o.cells.map((c) => (c === null ? '–' : whole(c)))]),
        combinationRows: overview.combinations.length
          ? overview.combinations.map((c) => [c.lists, whole(c.people)])
          : [['No one was referred in this period', '0']],
        mse,
        observed: whole(mse.observed),
        ...(mse.ok
          ? {
              chosen: describeFit(mse.chosenByAic),
              bicChoice: describeFit(mse.chosenByBic),
              cautions: mse.cautions,
              sensitivityRows: mse.fits.map((f) => [
                f.name +
                  (f === mse.chosenByAic ? ' (chosen by AIC)' : '') +
                  (f === mse.chosenByBic && f !== mse.chosenByAic ? ' (chosen by BIC)' : ''),
                oneDecimal(f.aic),
                oneDecimal(f.bic),
                String(f.degreesOfFreedom),
                oneDecimal(f.deviance),
                f.hidden === null ? '–' : whole(f.hidden),
                f.total === null ? '–' : whole(f.total),
                intervalText(f),
              ]),
            }
          : {}),
      })
    },
  )

  app.get<{ Querystring: Query }>(
    '/insight/partner-figures',
    { config: { access: 'insight:view' } },
    async (request, reply) => {
      const { year, error } = readPartnerYear(request.query.year, await services.sources.partnerYears())
      const format = request.query.format
      if (!error && (format === 'csv' || format === 'xlsx')) {
        const figures = await services.sources.partnerFigures(year, actorOf(request), 'exported')
        return format === 'csv'
          ? sendFile(reply, `figures-for-partners-${year}.csv`, 'text/csv; charset=utf-8', partnerFiguresCsv(figures))
          : sendFile(reply, `figures-for-partners-${year}.xlsx`, XLSX_TYPE, await partnerFiguresXlsx(figures))
      }
      const figures = await services.sources.partnerFigures(year, actorOf(request), 'viewed')
      return reply.code(error ? 400 : 200).page('insight/views/partner-figures.njk', {
        pageTitle: 'Figures for partners',
        team: true,
        formAction: '/insight/partner-figures',
        ...partnerPageContext(figures, request.query.year, error),
      })
    },
  )

  app.get<{ Querystring: Query }>(
    '/insight/anonymised-export',
    { config: { access: 'insight:anonymised-export' } },
    async (request, reply) => {
      const chosen = request.query.period ?? 'all'
      const period = readPeriod(chosen)
      const options = await services.sources.periodOptions()
      const errors: Record<string, string> =
        period && options.some((o) => o.value === period.value) ? {} : { period: 'Select a period from the list' }
      const base = {
        pageTitle: 'Anonymised export (CTDC)',
        periodItems: options.map((o) => ({ ...o, selected: o.value === chosen })),
        period: chosen,
        k: services.sources.anonymisationK,
        errors,
        errorList: Object.entries(errors).map(([k, v]) => ({ text: v, href: `#${k}` })),
      }
      if (!period || errors.period) return reply.code(400).page('insight/views/anonymised-export.njk', base)
      const format = request.query.format
      if (format === 'csv' || format === 'xlsx') {
        const release = await services.sources.anonymisedExport(period, actorOf(request), 'exported')
        const name = `anonymised-victims-ctdc-${period.value}`
        return format === 'csv'
          ? sendFile(reply, `${name}.csv`, 'text/csv; charset=utf-8', anonymisedCsv(release))
          : sendFile(reply, `${name}.xlsx`, XLSX_TYPE, await anonymisedXlsx(release))
      }
      const release = await services.sources.anonymisedExport(period, actorOf(request), 'previewed')
      const previewColumns = [
        'yearOfRegistration',
        'gender',
        'ageBroad',
        'citizenship',
        'typeOfExploitConcatenated',
        'isForcedLabour',
        'isSexualExploit',
        'meansOfControlDebtBondage',
        'meansOfControlThreats',
      ] as const
      return reply.page('insight/views/anonymised-export.njk', {
        ...base,
        release,
        previewColumns,
        preview: release.rows
          .slice(0, 10)
          .map((row) => previewColumns.map((c) => (c === 'citizenship' ? citizenshipLabel(row[c]) : row[c]))),
        columns: CTDC_COLUMNS,
      })
    },
  )
}
