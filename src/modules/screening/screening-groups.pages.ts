import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { formatDate, londonDate } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { describeAge, GENDERS, PREMISES_TYPES } from '#src/modules/people/index.ts'
import { CASE_ROLES, type CaseRole } from '#src/modules/people/index.ts'
import { askWhom } from '#src/modules/people/index.ts'
import { SCREENING_VOCAB } from './screening.pages.ts'
import { ROUTE_LABELS, type Route } from './screening.rules.ts'
import {
  NEW_PEOPLE_ROWS,
  readEncounterStart,
  readShared,
  sharedFormValues,
  type EncounterStartAnswers,
  type SharedAnswers,
} from './screening-groups.answers.ts'
import { memberProgress, ScreeningGroupError } from './screening-groups.service.ts'

type Body = Record<string, unknown>
type Params = { id: string }

const vocab = { ...SCREENING_VOCAB, PREMISES_TYPES: PREMISES_TYPES.items, GENDERS: GENDERS.items }

/** The order the shared facts form's errors are listed in, top to bottom as the form asks. */
const SHARED_ORDER = [
  'premisesType',
  'addressLine1',
  'postcode',
  'premisesDescription',
  'location',
  'encounteredBy',
  'detention',
  'diplomaticHousehold',
  'safeguardingConcern',
  'purpose',
  'countyLines',
  'indicators',
  'otherMeans',
  'employerName',
  'employerDetails',
]

const CONSENT_LABELS: Record<string, string> = { given: 'Given', refused: 'Refused', 'not-asked': 'Not asked yet' }

/**
 * Screening from a live job or a person's page, and warrant-day screening of several people met together: the
 * start of an encounter, the shared facts entered once, and the group page listing everyone's screening.
 */
export function registerScreeningGroupPages(app: FastifyInstance, { services }: AppDeps): void {
  const groups = services.screeningGroups
  const access = { config: { access: 'screening:assess' as const } }

  function idOf(request: FastifyRequest<{ Params: Params }>): string {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }

  /** Not found stays not found; a refusal is a page saying whom to ask, never a stack of forms. */
  function refused(reply: FastifyReply, error: unknown, back: { href: string; text: string }) {
    if (error instanceof ScreeningGroupError && error.code === 'forbidden') {
      return reply.code(403).page('screening/views/group-refused.njk', {
        pageTitle: 'You cannot screen these people',
        message: error.message,
        back,
      })
    }
    throw error
  }

  function todayParts() {
    const [year, month, day] = londonDate().split('-')
    return { day: String(Number(day)), month: String(Number(month)), year }
  }

  // ---- Start from a live job ----------------------------------------------------------------------------

  async function jobForm(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    answers: EncounterStartAnswers | null,
    errors: FieldErrors,
  ) {
    const caseId = idOf(request)
    let found
    try {
      found = await groups.jobForScreening(caseId, userOf(request))
    } catch (error) {
      return refused(reply, error, { href: `/cases/${caseId}`, text: 'Back to the live job' })
    }
    const values = answers ?? { ...todayParts(), summary: '', personIds: [], newPeople: [] }
    return reply.page('screening/views/encounter-start.njk', {
      pageTitle: 'Screen people met on this job',
      caption: `${found.job.reference}: ${found.job.title}`,
      restricted: found.job.restricted,
      back: `/cases/${caseId}`,
      action: `/cases/${caseId}/screenings`,
      people: found.people.map((p) => ({
        value: p.person_id,
        text: p.name ?? 'Unnamed person',
        hint: { text: `${p.roles.map((r) => CASE_ROLES[r as CaseRole] ?? r).join(', ')}. Age: ${describeAge(p)}` },
        checked: values.personIds.includes(p.person_id),
      })),
      rows: Array.from({ length: NEW_PEOPLE_ROWS }, (_, i) => ({
        i,
        n: i + 1,
        ...(values.newPeople[i] ?? { description: '', approximateAge: '', gender: '' }),
      })),
      values,
      errors,
      errorList: errorSummary(errors, [
        'encounteredOn-day',
        'encounteredOn-month',
        'encounteredOn-year',
        'summary',
        'personIds',
      ]),
      vocab,
    })
  }

  app.get<{ Params: Params }>('/cases/:id/screenings/new', access, (request, reply) =>
    jobForm(request, reply, null, {}),
  )

  app.post<{ Params: Params; Body: Body }>('/cases/:id/screenings', access, async (request, reply) => {
    const caseId = idOf(request)
    let people
    try {
      people = (await groups.jobForScreening(caseId, userOf(request))).people
    } catch (error) {
      return refused(reply, error, { href: `/cases/${caseId}`, text: 'Back to the live job' })
    }
    const { answers, errors, value } = readEncounterStart(request.body ?? {}, {
      allowed: new Set(people.map((p) => p.person_id)),
    })
    if (!value) return jobForm(request, reply.code(400), answers, errors)
    try {
      const started = await groups.start({ ...value, caseId }, userOf(request), actorOf(request))
      if (!started.warrantDay) return reply.redirect(`/screenings/${started.screeningIds[0]}/age`, 303)
      await request.flash(
        `Screening started for ${started.screeningIds.length} people. Enter what they share once; each person’s screening is then filled in from it.`,
      )
      return reply.redirect(`/screening-groups/${started.groupId}/shared`, 303)
    } catch (error) {
      if (error instanceof ScreeningGroupError && (error.code === 'invalid' || error.code === 'forbidden')) {
        return jobForm(request, reply.code(error.status), answers, { [error.field ?? 'personIds']: error.message })
      }
      return refused(reply, error, { href: `/cases/${caseId}`, text: 'Back to the live job' })
    }
  })

  // ---- Start from a person's page -----------------------------------------------------------------------

  async function personForm(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    answers: EncounterStartAnswers | null,
    errors: FieldErrors,
  ) {
    const personId = idOf(request)
    let found
    try {
      found = await groups.personForScreening(personId, userOf(request))
    } catch (error) {
      return refused(reply, error, { href: `/people/${personId}`, text: 'Back to their record' })
    }
    if (!found.access.canEdit) {
      return reply.code(403).page('screening/views/group-refused.njk', {
        pageTitle: 'You cannot screen this person',
        message: `This person’s victim information is protected. To screen or refer them, ask ${askWhom(found.access)}.`,
        back: { href: `/people/${personId}`, text: 'Back to their record' },
      })
    }
    const values = answers ?? { ...todayParts(), summary: '', personIds: [personId], newPeople: [] }
    return reply.page('screening/views/encounter-start.njk', {
      pageTitle: `Screen ${found.person.name ?? 'this person'}`,
      caption: 'Screening and referral',
      back: `/people/${personId}`,
      action: `/people/${personId}/screenings`,
      people: null,
      rows: [],
      values,
      errors,
      errorList: errorSummary(errors, ['encounteredOn-day', 'encounteredOn-month', 'encounteredOn-year', 'summary']),
      vocab,
    })
  }

  app.get<{ Params: Params }>('/people/:id/screenings/new', access, (request, reply) =>
    personForm(request, reply, null, {}),
  )

  app.post<{ Params: Params; Body: Body }>('/people/:id/screenings', access, async (request, reply) => {
    const personId = idOf(request)
    const { answers, errors, value } = readEncounterStart(request.body ?? {}, { fixed: personId })
    if (!value) return personForm(request, reply.code(400), answers, errors)
    try {
      const started = await groups.start({ ...value, caseId: null }, userOf(request), actorOf(request))
      return reply.redirect(`/screenings/${started.screeningIds[0]}/age`, 303)
    } catch (error) {
      return refused(reply, error, { href: `/people/${personId}`, text: 'Back to their record' })
    }
  })

  // ---- The group --------------------------------------------------------------------------------------

  app.get<{ Params: Params }>('/screening-groups/:id', access, async (request, reply) => {
    const id = idOf(request)
    let loaded
    try {
      loaded = await groups.view(id, userOf(request), actorOf(request))
    } catch (error) {
      return refused(reply, error, { href: '/referrals', text: 'Back to referrals' })
    }
    const { group, job, members } = loaded
    const shared = group.shared as Partial<SharedAnswers>
    return reply.page('screening/views/group.njk', {
      pageTitle: group.warrant_day ? `${members.length} people met together` : 'Screening the person met',
      caption: job ? `${job.reference}: ${job.title}` : `Referral ${group.reference}`,
      group: { ...group, on: formatDate(group.encountered_on) },
      job,
      sharedSaved: group.shared_saved_at !== null,
      premises: shared.premises
        ? [
            PREMISES_TYPES.label(shared.premises.premisesType),
            shared.premises.addressLine1,
            shared.premises.postcode,
            shared.premises.description,
          ]
            .filter(Boolean)
            .join(', ')
        : null,
      employer: shared.employer?.name || null,
      people: members.map((m) => {
        const { progress, sharedToConfirm, child, consent } = memberProgress(m)
        const pending = sharedToConfirm.length
        return {
          name: m.name ?? 'Unnamed person',
          age: describeAge(m),
          personHref: `/people/${m.person_id}`,
          screeningHref:
            m.status === 'confirmed' ? `/screenings/${m.screening_id}/outcome` : `/screenings/${m.screening_id}/age`,
          nrmHref: `/referrals/${group.referral_id}/people/${m.person_id}/nrm`,
          confirmed: m.status === 'confirmed',
          status:
            progress === 'confirmed'
              ? `Confirmed: ${ROUTE_LABELS[m.confirmed_route as Route] ?? m.confirmed_route}`
              : progress === 'not-started'
                ? 'Not started'
                : `In progress${pending ? `: ${pending} shared ${pending === 1 ? 'part' : 'parts'} to confirm` : ''}`,
          consent: child
            ? 'Not needed (child or may be a child)'
            : consent
              ? (CONSENT_LABELS[consent] ?? consent)
              : 'Not recorded yet',
        }
      }),
    })
  })

  async function sharedForm(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    values: Body | null,
    errors: FieldErrors,
  ) {
    const id = idOf(request)
    let loaded
    try {
      // The form shows the people's names: it is for those who may change the group.
      loaded = await groups.view(id, userOf(request), actorOf(request))
    } catch (error) {
      return refused(reply, error, { href: `/screening-groups/${id}`, text: 'Back to the group' })
    }
    const { group, job, members } = loaded
    return reply.page('screening/views/group-shared.njk', {
      pageTitle: 'What everyone met together shares',
      caption: job ? `${job.reference}: ${job.title}` : `Referral ${group.reference}`,
      back: `/screening-groups/${id}`,
      action: `/screening-groups/${id}/shared`,
      names: members.map((m) => m.name ?? 'Unnamed person'),
      confirmedCount: members.filter((m) => m.status === 'confirmed').length,
      sharedForm: true,
      values: values ?? sharedFormValues(group.shared as Partial<SharedAnswers>),
      errors,
      errorList: errorSummary(errors, SHARED_ORDER),
      vocab,
    })
  }

  app.get<{ Params: Params }>('/screening-groups/:id/shared', access, (request, reply) =>
    sharedForm(request, reply, null, {}),
  )

  app.post<{ Params: Params; Body: Body }>('/screening-groups/:id/shared', access, async (request, reply) => {
    const id = idOf(request)
    const { answers, errors } = readShared(request.body ?? {})
    if (Object.keys(errors).length > 0) return sharedForm(request, reply.code(400), sharedFormValues(answers), errors)
    try {
      const saved = await groups.saveShared(id, answers, userOf(request), actorOf(request))
      await request.flash(
        `Shared facts saved. ${saved.prefilled.length} ${saved.prefilled.length === 1 ? 'screening was' : 'screenings were'} filled in from them: check and confirm each person’s.`,
      )
      return reply.redirect(`/screening-groups/${id}`, 303)
    } catch (error) {
      return refused(reply, error, { href: `/screening-groups/${id}`, text: 'Back to the group' })
    }
  })
}
