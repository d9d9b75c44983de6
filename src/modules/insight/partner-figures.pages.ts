import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { partnerFiguresCsv, partnerFiguresXlsx } from './sources.files.ts'
import { partnerPageContext, readPartnerYear, sendFile, XLSX_TYPE } from './sources.pages.ts'

/**
 * The partner portal's figures: the team's referral figures as totals only, with small-cell suppression, for
 * complete quarters. Nothing here is per agency or per person, so a partner user sees the same page whatever
 * has been disclosed to their agency.
 */
export function registerPartnerFiguresPages(app: FastifyInstance, { services }: AppDeps): void {
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/partner/figures',
    { config: { access: 'partner-portal:use' } },
    async (request, reply) => {
      const { year, error } = readPartnerYear(request.query.year, await services.sources.partnerYears())
      const format = request.query.format
      if (!error && (format === 'csv' || format === 'xlsx')) {
        const figures = await services.sources.partnerFigures(year, actorOf(request), 'exported')
        return format === 'csv'
          ? sendFile(reply, `referral-figures-${year}.csv`, 'text/csv; charset=utf-8', partnerFiguresCsv(figures))
          : sendFile(reply, `referral-figures-${year}.xlsx`, XLSX_TYPE, await partnerFiguresXlsx(figures))
      }
      const figures = await services.sources.partnerFigures(year, actorOf(request), 'viewed')
      return reply.code(error ? 400 : 200).page('insight/views/partner-figures.njk', {
        pageTitle: 'Referral figures',
        team: false,
        formAction: '/partner/figures',
        ...partnerPageContext(figures, request.query.year, error),
      })
    },
  )
}
