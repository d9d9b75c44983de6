import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asArray, asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { COUNTRIES, countryName } from '#src/shared/reference-data.ts'
import { guardVictimFacet } from '#src/modules/people/index.ts'
import { JourneyForm, newSituationForm, PerpetratorForm, SituationForm } from './victim-context.forms.ts'
import type { JourneyRow, PerpetratorRow, SituationRow } from './victim-context.repository.ts'
import { CONTEXT_LISTS, CONTEXT_LIST_KEYS, JOURNEY_STAGES, PERPETRATOR_ROLES } from './victim-context.vocabulary.ts'

type Body = Record<string, unknown>
type Params = { id: string }
type SituationParams = { id: string; situationId: string }
type ItemParams = SituationParams & { itemId: string }

const SITUATION_ORDER = [
  'referralId',
  ...CONTEXT_LIST_KEYS,
  'recruitmentPlace',
  'recruitmentCountry',
  'recruitmentDetail',
  'vulnerabilityDetail',
  'controlDetail',
]

function valuesOf(s: SituationRow): Body {
  return {
    recruitmentMethods: s.recruitment_methods,
    recruitmentPlatforms: s.recruitment_platforms,
    vulnerabilities: s.vulnerabilities,
    controlMethods: s.control_methods,
    labourSectors: s.labour_sectors,
    sexualTypes: s.sexual_types,
    criminalTypes: s.criminal_types,
    recruitmentPlace: s.recruitment_place,
    recruitmentCountry: s.recruitment_country ?? '',
    recruitmentDetail: s.recruitment_detail,
    vulnerabilityDetail: s.vulnerability_detail,
    controlDetail: s.control_detail,
  }
}

const labels = (key: keyof typeof CONTEXT_LISTS, values: readonly string[]) =>
  values.map((v) => CONTEXT_LISTS[key].list.label(v))

/** A situation as the view page reads it: labels, not stored values; "Not recorded" is the template's to say. */
export function presentSituation(s: SituationRow & { journey: JourneyRow[]; perpetrators: PerpetratorRow[] }) {
  return {
    id: s.id,
    referralId: s.referral_id,
    referralReference: s.referral_reference,
    updated: formatDateTime(s.updated_at),
    updatedBy: s.updated_by_name,
    recruitmentMethods: labels('recruitmentMethods', s.recruitment_methods),
    recruitmentPlatforms: labels('recruitmentPlatforms', s.recruitment_platforms),
    recruitmentWhere: [s.recruitment_place, s.recruitment_country ? countryName(s.recruitment_country) : '']
      .filter(Boolean)
      .join(', '),
    recruitmentDetail: s.recruitment_detail,
    vulnerabilities: labels('vulnerabilities', s.vulnerabilities),
    vulnerabilityDetail: s.vulnerability_detail,
    controlMethods: labels('controlMethods', s.control_methods),
    controlDetail: s.control_detail,
    labourSectors: labels('labourSectors', s.labour_sectors),
    sexualTypes: labels('sexualTypes', s.sexual_types),
    criminalTypes: labels('criminalTypes', s.criminal_types),
    journey: s.journey.map((j) => ({
      id: j.id,
      stage: JOURNEY_STAGES.label(j.stage),
      on: j.occurred_on ? formatDate(j.occurred_on) : 'Date not known',
      place: j.place,
      country: j.country ? countryName(j.country) : '',
      notes: j.notes,
    })),
    perpetrators: s.perpetrators.map((p) => ({
      id: p.id,
      personId: p.person_id,
      who: p.person_name ?? p.description,
      description: p.person_name ? p.description : '',
      roles: p.roles.map((r) => PERPETRATOR_ROLES.label(r)),
    })),
  }
}

/**
 * A multi-choice question's boxes: "Not known" last, after an "or" divider, as a GOV.UK exclusive option
 * (`data-behaviour="exclusive"`), so ticking it clears the others and ticking another clears it. The service still
 * refuses the two together, for a browser without JavaScript.
 */
function exclusiveUnknown<T extends { value: string; text: string }>(items: readonly T[], chosen: readonly string[]) {
  const boxes = items.map((i) => ({
    value: i.value,
    text: i.text,
    checked: chosen.includes(i.value),
    ...(i.value === 'unknown' ? { behaviour: 'exclusive' } : {}),
  }))
  const known = boxes.filter((b) => b.value !== 'unknown')
  const unknown = boxes.filter((b) => b.value === 'unknown')
  return unknown.length ? [...known, { divider: 'or' }, ...unknown] : known
}

const checkboxes = (key: keyof typeof CONTEXT_LISTS, values: Body) =>
  exclusiveUnknown(CONTEXT_LISTS[key].list.items as readonly { value: string; text: string }[], asArray(values[key]))

const countryItems = (selected: unknown, prompt: string) => [
  { value: '', text: prompt },
  ...COUNTRIES.map((c) => ({ value: c.value, text: c.text, selected: c.value === selected })),
]

/**
 * "About how they were exploited": structured victim and perpetrator context on the person's victim side (issue 15).
 * An optional task reached from the person page and the screening and NRM pages; nothing asks an officer to
 * complete it before anything else.
 */
export function registerVictimContextPages(app: FastifyInstance, { services, db }: AppDeps): void {
  const context = services.victimContext
  const view = { config: { access: 'victim-facet:view' as const } }
  const edit = { config: { access: 'safeguarding-plan:edit' as const } }
  const base = (id: string) => `/people/${id}/exploitation`

  /** The ids in the path, each a well-formed uuid or the page is not found. */
  function ids<P extends Params>(request: { params: unknown }, ...more: (keyof P & string)[]): P {
    const params = request.params as P
    for (const key of ['id', ...more])
      if (!isUuid(String((params as Record<string, unknown>)[key]))) throw new NotFoundError()
    return params
  }

  app.get<{ Params: Params }>('/people/:id/exploitation', view, async (request, reply) => {
    const { id } = ids<Params>(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    const found = await context.view(id, userOf(request), actorOf(request))
    return reply.page('victim-context/views/context.njk', {
      pageTitle: 'How they were exploited',
      personId: id,
      personName: found.personName,
      situations: found.situations.map(presentSituation),
      canEdit: found.access.canSupport && found.access.exists,
      isVictim: found.access.exists,
      openReferrals: found.referrals
        .filter((r) => !found.situations.some((s) => s.referral_id === r.id))
        .map((r) => ({ ...r, received: formatDate(r.received_at.toISOString().slice(0, 10)) })),
    })
  })

  async function situationForm(
    reply: FastifyReply,
    id: string,
    state: {
      situation?: SituationRow & { journey: JourneyRow[]; perpetrators: PerpetratorRow[] }
      suspects?: { id: string; name: string | null }[]
      referral?: { id: string; reference: string } | null
      values: Body
      errors?: FieldErrors
      form?: string
      journeyValues?: Body
      perpetratorValues?: Body
    },
  ) {
    const errors = state.errors ?? {}
    const form = state.form ?? 'situation'
    const situationErrors = form === 'situation' ? errors : {}
    return reply.code(Object.keys(errors).length ? 400 : 200).page('victim-context/views/situation-form.njk', {
      pageTitle: state.situation ? 'Change how they were exploited' : 'Record how they were exploited',
      personId: id,
      action: state.situation ? `${base(id)}/${state.situation.id}` : base(id),
      referral:
        state.referral ??
        (state.situation?.referral_id
          ? { id: state.situation.referral_id, reference: state.situation.referral_reference }
          : null),
      situation: state.situation ? presentSituation(state.situation) : null,
      values: state.values,
      errors: situationErrors,
      errorList: errorSummary(errors, [
        ...SITUATION_ORDER,
        'stage',
        'occurredOn',
        'place',
        'country',
        'notes',
        'personId',
        'description',
        'roles',
      ]),
      lists: Object.fromEntries(CONTEXT_LIST_KEYS.map((k) => [k, checkboxes(k, state.values)])),
      countries: countryItems(state.values.recruitmentCountry, 'Select a country'),
      journey: {
        errors: form === 'journey' ? errors : {},
        values: state.journeyValues ?? {},
        stages: JOURNEY_STAGES.items.map((s) => ({ ...s, checked: state.journeyValues?.stage === s.value })),
        countries: countryItems(state.journeyValues?.country, 'Select a country'),
      },
      perpetrator: {
        errors: form === 'perpetrator' ? errors : {},
        values: state.perpetratorValues ?? {},
        roles: exclusiveUnknown(PERPETRATOR_ROLES.items, asArray(state.perpetratorValues?.roles)),
        suspects: [
          { value: '', text: 'Not one of them' },
          ...(state.suspects ?? []).map((s) => ({
            value: s.id,
            text: s.name ?? 'Unnamed suspect',
            selected: state.perpetratorValues?.personId === s.id,
          })),
        ],
      },
    })
  }

  async function loadSituation(request: FastifyRequest, id: string, situationId: string) {
    const { situation, suspects } = await context.situation(id, situationId, userOf(request))
    const full = (await context.view(id, userOf(request), actorOf(request))).situations.find(
      (s) => s.id === situationId,
    )!
    return { situation: { ...situation, journey: full.journey, perpetrators: full.perpetrators }, suspects }
  }

  app.get<{ Params: Params; Querystring: { referral?: string } }>(
    '/people/:id/exploitation/new',
    edit,
    async (request, reply) => {
      const { id } = ids<Params>(request)
      if (!(await guardVictimFacet(db, request, reply, id))) return reply
      const open = await context.openReferrals(id, userOf(request))
      const asked = asString(request.query.referral)
      const existing = asked && isUuid(asked) ? await context.situationForReferral(id, asked, userOf(request)) : null
      if (existing) return reply.redirect(`${base(id)}/${existing}`, 303)
      const referral = open.find((r) => r.id === asked) ?? null
      return situationForm(reply, id, { referral, values: {} })
    },
  )

  app.post<{ Params: Params; Body: Body }>('/people/:id/exploitation', edit, async (request, reply) => {
    const { id } = ids<Params>(request)
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    const body = request.body ?? {}
    // The referrals it can be about are read only when one is asked for.
    const referralId = asString(body.referralId)
    const open = referralId && isUuid(referralId) ? await context.openReferrals(id, userOf(request)) : []
    const referral = open.find((r) => r.id === referralId) ?? null
    const parsed = parseForm(newSituationForm(open.map((r) => r.id)), body)
    if (!parsed.ok) return situationForm(reply, id, { referral, values: body, errors: parsed.errors })
    const { referralId: about, ...input } = parsed.value
    const situationId = await context.record(id, about || null, input, userOf(request), actorOf(request))
    await request.flash('How they were exploited is recorded. Add the journey and the people who exploited them below.')
    return reply.redirect(`${base(id)}/${situationId}`, 303)
  })

  app.get<{ Params: SituationParams }>('/people/:id/exploitation/:situationId', edit, async (request, reply) => {
    const { id, situationId } = ids<SituationParams>(request, 'situationId')
    if (!(await guardVictimFacet(db, request, reply, id))) return reply
    const { situation, suspects } = await loadSituation(request, id, situationId)
    return situationForm(reply, id, { situation, suspects, values: valuesOf(situation) })
  })

  app.post<{ Params: SituationParams; Body: Body }>(
    '/people/:id/exploitation/:situationId',
    edit,
    async (request, reply) => {
      const { id, situationId } = ids<SituationParams>(request, 'situationId')
      if (!(await guardVictimFacet(db, request, reply, id))) return reply
      const body = request.body ?? {}
      const parsed = parseForm(SituationForm, body)
      if (!parsed.ok) {
        const { situation, suspects } = await loadSituation(request, id, situationId)
        return situationForm(reply, id, { situation, suspects, values: body, errors: parsed.errors })
      }
      await context.update(id, situationId, parsed.value, userOf(request), actorOf(request))
      await request.flash('Changes saved')
      return reply.redirect(base(id), 303)
    },
  )

  app.post<{ Params: SituationParams }>(
    '/people/:id/exploitation/:situationId/remove',
    edit,
    async (request, reply) => {
      const { id, situationId } = ids<SituationParams>(request, 'situationId')
      if (!(await guardVictimFacet(db, request, reply, id))) return reply
      await context.remove(id, situationId, userOf(request), actorOf(request))
      await request.flash('The situation and its journey were removed')
      return reply.redirect(base(id), 303)
    },
  )

  app.post<{ Params: SituationParams; Body: Body }>(
    '/people/:id/exploitation/:situationId/journey',
    edit,
    async (request, reply) => {
      const { id, situationId } = ids<SituationParams>(request, 'situationId')
      if (!(await guardVictimFacet(db, request, reply, id))) return reply
      const body = request.body ?? {}
      const parsed = parseForm(JourneyForm, withDateParts(body, 'occurredOn'))
      if (!parsed.ok) {
        const { situation, suspects } = await loadSituation(request, id, situationId)
        return situationForm(reply, id, {
          situation,
          suspects,
          values: valuesOf(situation),
          errors: parsed.errors,
          form: 'journey',
          journeyValues: body,
        })
      }
      await context.addJourneyEvent(id, situationId, parsed.value, userOf(request), actorOf(request))
      await request.flash('Added to the journey')
      return reply.redirect(`${base(id)}/${situationId}#journey`, 303)
    },
  )

  app.post<{ Params: ItemParams }>(
    '/people/:id/exploitation/:situationId/journey/:itemId/remove',
    edit,
    async (request, reply) => {
      const { id, situationId, itemId } = ids<ItemParams>(request, 'situationId', 'itemId')
      if (!(await guardVictimFacet(db, request, reply, id))) return reply
      await context.removeJourneyEvent(id, situationId, itemId, userOf(request), actorOf(request))
      await request.flash('Removed from the journey')
      return reply.redirect(`${base(id)}/${situationId}#journey`, 303)
    },
  )

  app.post<{ Params: SituationParams; Body: Body }>(
    '/people/:id/exploitation/:situationId/perpetrators',
    edit,
    async (request, reply) => {
      const { id, situationId } = ids<SituationParams>(request, 'situationId')
      if (!(await guardVictimFacet(db, request, reply, id))) return reply
      const body = request.body ?? {}
      const parsed = parseForm(PerpetratorForm, body)
      if (!parsed.ok) {
        const { situation, suspects } = await loadSituation(request, id, situationId)
        return situationForm(reply, id, {
          situation,
          suspects,
          values: valuesOf(situation),
          errors: parsed.errors,
          form: 'perpetrator',
          perpetratorValues: body,
        })
      }
      await context.addPerpetrator(id, situationId, parsed.value, userOf(request), actorOf(request))
      await request.flash('Perpetrator added')
      return reply.redirect(`${base(id)}/${situationId}#perpetrators`, 303)
    },
  )

  app.post<{ Params: ItemParams }>(
    '/people/:id/exploitation/:situationId/perpetrators/:itemId/remove',
    edit,
    async (request, reply) => {
      const { id, situationId, itemId } = ids<ItemParams>(request, 'situationId', 'itemId')
      if (!(await guardVictimFacet(db, request, reply, id))) return reply
      await context.removePerpetrator(id, situationId, itemId, userOf(request), actorOf(request))
      await request.flash('Perpetrator removed')
      return reply.redirect(`${base(id)}/${situationId}#perpetrators`, 303)
    },
  )
}
