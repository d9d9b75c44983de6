import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { isUuid } from '#src/shared/ids.ts'
import { INDICATOR_GROUPS } from './indicators.ts'
import {
  mayBeChild,
  readAge,
  readConsent,
  readEncounter,
  readExploitation,
  readIndicators,
  readOffence,
  readTravel,
  type ScreeningAnswers,
} from './screening.answers.ts'
import { CONSENT_POINTS } from './screening.forms.ts'
import {
  DETENTION,
  ENCOUNTERED_BY,
  EXPLOITATION_TYPE_LABELS,
  EXPLOITATION_TYPES,
  LOCATIONS,
  MEANS,
} from './screening.facts.ts'
import {
  CHILD_STATUS_LABELS,
  childStatusOf,
  ROUTE_LABELS,
  RULES,
  ROUTES,
  ruleTitle,
  type Route,
} from './screening.rules.ts'
import { victimFacetAccess } from '#src/modules/people/index.ts'
import { guardVictimFacet } from '#src/modules/people/index.ts'
import { ScreeningError, SCREENING_SECTIONS, type ScreeningSection } from './screening.service.ts'

type Body = Record<string, unknown>
type Params = { id: string }

const TRAVEL_LABELS: Record<string, string> = {
  TRAFFICKING: 'Trafficking',
  SMUGGLING: 'Smuggling only',
  SMUGGLING_THEN_TRAFFICKING: 'Smuggling that became trafficking',
  SLAVERY_WITHOUT_TRAFFICKING: 'Slavery, servitude or forced labour without trafficking',
  NEITHER: 'Neither',
  UNDETERMINED: 'Not yet known',
}

const AUTHORITY_LABELS: Record<string, string> = {
  SCA: 'Single Competent Authority (Home Office)',
  IECA: 'Immigration Enforcement Competent Authority',
  SCA_OR_LA_PILOT: 'Single Competent Authority, or the local authority panel where the child’s area is in the pilot',
  LA_PILOT: 'Local authority pilot panel',
}

const SECTION_TITLES: Record<ScreeningSection, string> = {
  age: 'Their age',
  encounter: 'Where and by whom they were encountered',
  travel: 'Travel',
  exploitation: 'What they were made to do',
  indicators: 'Indicators and means of control',
  consent: 'Consent to an NRM referral',
  offence: 'Are they also suspected of an offence?',
}

const READERS: Record<ScreeningSection, (body: Body) => { answers: object; errors: FieldErrors }> = {
  age: readAge,
  encounter: readEncounter,
  travel: readTravel,
  exploitation: readExploitation,
  indicators: readIndicators,
  consent: readConsent,
  offence: readOffence,
}

/** The choices the screening question pages offer, in words: shared with the warrant-day pages, which ask the same questions once for everyone. */
export const SCREENING_VOCAB = {
  LOCATIONS,
  ENCOUNTERED_BY: Object.entries(ENCOUNTERED_BY).map(([value, text]) => ({ value, text })),
  DETENTION: Object.entries(DETENTION).map(([value, text]) => ({ value, text })),
  MEANS: Object.entries(MEANS).map(([value, text]) => ({ value, text })),
  EXPLOITATION_TYPES: EXPLOITATION_TYPES.map((value) => ({ value, text: EXPLOITATION_TYPE_LABELS[value] ?? value })),
  CONSENT_POINTS: Object.entries(CONSENT_POINTS).map(([value, text]) => ({ value, text })),
  INDICATOR_GROUPS,
}
const vocab = SCREENING_VOCAB

/** The screening question pages for one person in a referral, the outcome with its reasons, and confirmation. */
export function registerScreeningPages(app: FastifyInstance, { services, db }: AppDeps): void {
  const screening = services.screening
  const access = { config: { access: 'screening:assess' as const } }

  async function load(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    const row = await screening.get(request.params.id)
    if (!(await victimFacetAccess(db, userOf(request), row.person_id)).visible)
      throw new NotFoundError('Screening not found')
    return row
  }

  function nextSection(answers: ScreeningAnswers, current: ScreeningSection): string {
    const sections = screening.sectionsNeeded(answers)
    const i = sections.indexOf(current)
    return i >= 0 && i < sections.length - 1 ? sections[i + 1] : 'outcome'
  }

  function pageContext(
    row: Awaited<ReturnType<typeof load>>,
    section: ScreeningSection,
    values: object,
    errors: FieldErrors,
  ) {
    const sections = screening.sectionsNeeded(row.answers)
    const i = sections.indexOf(section)
    return {
      pageTitle: SECTION_TITLES[section],
      caption: `Screening ${row.person_name ?? 'a person'} (${row.reference})`,
      section,
      values,
      errors,
      errorList: errorSummary(errors),
      vocab,
      child: mayBeChild(row.answers.age),
      back:
        i > 0
          ? `/screenings/${row.id}/${sections[i - 1]}`
          : row.group_id
            ? `/screening-groups/${row.group_id}`
            : `/referrals/${row.referral_id}`,
      prefilledFrom:
        row.group_id && (row.answers.prefilled ?? []).includes(section) ? `/screening-groups/${row.group_id}` : null,
      action: `/screenings/${row.id}/${section}`,
      step: i + 1,
      steps: sections.length,
    }
  }

  app.post<{ Params: { referralId: string; personId: string } }>(
    '/referrals/:referralId/people/:personId/screenings',
    access,
    async (request, reply) => {
      const { referralId, personId } = request.params
      if (!isUuid(referralId) || !isUuid(personId)) throw new NotFoundError()
      if (!(await guardVictimFacet(db, request, reply, personId))) return reply
      const id = await screening.start(referralId, personId, actorOf(request))
      return reply.redirect(`/screenings/${id}/age`, 303)
    },
  )

  for (const section of SCREENING_SECTIONS) {
    app.get<{ Params: Params }>(`/screenings/:id/${section}`, access, async (request, reply) => {
      const row = await load(request)
      if (row.status !== 'draft') return reply.redirect(`/screenings/${row.id}/outcome`, 303)
      return reply.page(`screening/views/${section}.njk`, pageContext(row, section, row.answers[section] ?? {}, {}))
    })
    app.post<{ Params: Params; Body: Body }>(`/screenings/:id/${section}`, access, async (request, reply) => {
      const row = await load(request)
      if (row.status !== 'draft') return reply.redirect(`/screenings/${row.id}/outcome`, 303)
      const { answers, errors } = READERS[section](request.body ?? {})
      if (Object.keys(errors).length > 0)
        return reply.code(400).page(`screening/views/${section}.njk`, pageContext(row, section, answers, errors))
      await screening.saveSection(row.id, section, answers)
      return reply.redirect(
        `/screenings/${row.id}/${nextSection({ ...row.answers, [section]: answers }, section)}`,
        303,
      )
    })
  }

  async function showOutcome(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Body = {},
  ) {
    const row = await load(request)
    const confirmed = row.status === 'confirmed'
    const { outcome, unanswered } = confirmed
      ? {
          outcome: row.outcome as unknown as ReturnType<typeof screening.preview>['outcome'],
          unanswered: [] as ScreeningSection[],
        }
      : screening.preview(row.answers)
    const childStatus = childStatusOf(outcome)
    return reply.page('screening/views/outcome.njk', {
      pageTitle: confirmed ? 'Screening outcome (confirmed)' : 'Screening outcome',
      caption: `Screening ${row.person_name ?? 'a person'} (${row.reference})`,
      row,
      outcome,
      routeLabel: ROUTE_LABELS[outcome.route],
      exploitationTypes: outcome.exploitation_types.map((t) => EXPLOITATION_TYPE_LABELS[t] ?? t),
      travelLabel: TRAVEL_LABELS[outcome.smuggling_or_trafficking],
      authorityLabel: outcome.competent_authority ? AUTHORITY_LABELS[outcome.competent_authority] : 'Not applicable',
      confirmedLabel: row.confirmed_route ? ROUTE_LABELS[row.confirmed_route as Route] : null,
      childStatusLabel: CHILD_STATUS_LABELS[childStatus],
      rule: { title: ruleTitle(outcome.deciding_rule, childStatus), source: RULES[outcome.deciding_rule]?.source },
      supporting: outcome.supporting_rules.map((id) => ({
        id,
        title: ruleTitle(id, childStatus),
        source: RULES[id]?.source,
      })),
      meansOfControl: outcome.means_of_control ?? [],
      unrecognised: outcome.unrecognised ?? [],
      unanswered: unanswered.map((s) => ({ text: SECTION_TITLES[s], href: `/screenings/${row.id}/${s}` })),
      routeItems: [...ROUTES, 'UNDETERMINED' as const]
        .filter((r) => r !== outcome.route)
        .map((r) => ({ value: r, text: ROUTE_LABELS[r], checked: values.overrideRoute === r })),
      sections: screening
        .sectionsNeeded(row.answers)
        .map((s) => ({ text: SECTION_TITLES[s], href: `/screenings/${row.id}/${s}` })),
      errors,
      errorList: errorSummary(errors, ['decision', 'overrideRoute', 'reason']),
      values,
      nrmPage: `/referrals/${row.referral_id}/people/${row.person_id}/nrm`,
    })
  }

  app.get<{ Params: Params }>('/screenings/:id/outcome', access, (request, reply) => showOutcome(request, reply))

  app.post<{ Params: Params; Body: Body }>('/screenings/:id/outcome', access, async (request, reply) => {
    const body = request.body ?? {}
    const decision = asString(body.decision)
    if (decision !== 'confirm' && decision !== 'override')
      return showOutcome(
        request,
        reply.code(400),
        { decision: 'Select whether you confirm the suggested route or override it' },
        body,
      )
    const overrideRoute = decision === 'override' ? asString(body.overrideRoute) : null
    if (decision === 'override' && !overrideRoute)
      return showOutcome(request, reply.code(400), { overrideRoute: 'Select the route you have decided on' }, body)
    try {
      const result = await screening.confirm(
        request.params.id,
        { overrideRoute: overrideRoute as Route | null, reason: asString(body.reason) || null },
        actorOf(request),
      )
      await request.flash(`Screening confirmed: ${ROUTE_LABELS[result.route as Route]}`)
      return reply.redirect(`/referrals/${result.referralId}/people/${result.personId}/nrm`, 303)
    } catch (error) {
      if (error instanceof ScreeningError && error.code !== 'not-found')
        return showOutcome(request, reply.code(error.status), { [error.field ?? 'decision']: error.message }, body)
      throw error
    }
  })
}
