import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import type { FieldErrors } from '#src/platform/http/forms.ts'
import { ProblemSchema as Problem, sendProblem } from '#src/platform/http/problem.ts'
import { deniedMessage, GENDERS } from '#src/modules/people/index.ts'
import { readEncounterStart, readShared, sharedFormValues, type SharedAnswers } from './screening-groups.answers.ts'
import { memberProgress, ScreeningGroupError } from './screening-groups.service.ts'

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem }

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Must be a date as YYYY-MM-DD' })

const NewPerson = z
  .object({
    description: z
      .string()
      .min(1, { error: 'Describe the person, for example ‘unknown boy about 14’' })
      .describe('How to tell them apart until they are named, for example ‘unknown boy about 14’'),
    approximateAge: z.int().nullable().optional().describe('Whole years, as seen'),
    gender: z.enum(GENDERS.values).optional(),
  })
  .strict()

const EncounterBody = {
  encounteredOn: Day.describe('The day they were met (not in the future)'),
  summary: z.string().describe('What happened, in a few words'),
}
const JobStartBody = z
  .object({
    ...EncounterBody,
    personIds: z.array(z.uuid()).max(50).default([]).describe('People already on the live job who were met'),
    newPeople: z
      .array(NewPerson)
      .max(50)
      .default([])
      .describe('People met who are not on record yet: each is recorded and added to the job as a potential victim'),
  })
  .strict()
const PersonStartBody = z.object(EncounterBody).strict()

const Started = z.object({
  groupId: z.uuid(),
  referralId: z.uuid(),
  warrantDay: z.boolean().describe('More than one person met together: the shared facts are entered next'),
  people: z.array(z.object({ personId: z.uuid(), screeningId: z.uuid() })),
})

/**
 * The shared facts, field by field as the group's shared facts form names them (so a problem's pointer names the
 * same field the page would). The rules are the page's: what is required, the vocabularies and lengths.
 */
const SharedFacts = z
  .object({
    premisesType: z
      .string()
      .optional()
      .describe('The type of premises, from the referral vocabulary (for example car-wash)'),
    addressLine1: z.string().optional(),
    postcode: z.string().optional().describe('A real UK postcode; stored normalised'),
    premisesDescription: z.string().optional().describe('Address, postcode or a description: at least one is required'),
    location: z.string().optional().describe('The UK nation where they were met: England, Wales, Scotland or NI'),
    encounteredBy: z.string().optional().describe('Who met them (for example police)'),
    detention: z.string().optional().describe('Detention status, or none'),
    diplomaticHousehold: z.string().optional().describe('yes or no'),
    safeguardingConcern: z.string().optional().describe('yes or no'),
    purpose: z.string().optional().describe('What they were made to do (this or types is required)'),
    types: z.array(z.string()).optional().describe('Exploitation types (for example LABOUR)'),
    countyLines: z.string().optional().describe('yes or no'),
    indicators: z.array(z.string()).optional().describe("Indicators seen at the scene, or ['none']"),
    means: z
      .array(z.string())
      .optional()
      .describe('Means of control seen; one not in the list is kept in the officer’s words'),
    otherMeans: z.string().optional().describe('Other means of control, in the officer’s words'),
    employerName: z.string().optional(),
    employerDetails: z.string().optional(),
  })
  .strict()

const SharedOut = z.object({
  premisesType: z.string(),
  addressLine1: z.string(),
  postcode: z.string(),
  premisesDescription: z.string(),
  location: z.string(),
  encounteredBy: z.string(),
  detention: z.string(),
  diplomaticHousehold: z.string(),
  safeguardingConcern: z.string(),
  purpose: z.string(),
  types: z.array(z.string()),
  countyLines: z.string(),
  indicators: z.array(z.string()),
  means: z.array(z.string()),
  otherMeans: z.string(),
  employerName: z.string(),
  employerDetails: z.string(),
})

const GroupDetail = z.object({
  id: z.uuid(),
  warrantDay: z.boolean(),
  encounteredOn: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  referral: z.object({ id: z.uuid(), reference: z.string() }),
  job: z
    .object({ id: z.uuid(), reference: z.string(), title: z.string() })
    .nullable()
    .describe('The live job they were met on, or null when screening started from a person'),
  shared: SharedOut.nullable().describe('The facts everyone met shares, or null before they are saved'),
  sharedSavedAt: z.string().nullable(),
  people: z.array(
    z.object({
      personId: z.uuid(),
      screeningId: z.uuid(),
      name: z.string().nullable(),
      status: z
        .enum(['not-started', 'in-progress', 'confirmed'])
        .describe('Sections only prefilled from the shared facts do not count as started'),
      sharedSectionsToConfirm: z
        .array(z.string())
        .describe(
          'Sections prefilled from the shared facts that the officer has not yet confirmed or changed for this person',
        ),
      suggestedRoute: z.string().nullable(),
      confirmedRoute: z.string().nullable(),
      consent: z
        .enum(['given', 'refused', 'not-asked', 'not-recorded', 'not-needed'])
        .or(z.string())
        .describe('not-needed for a child or someone who may be one'),
    }),
  ),
})

const IdParams = z.object({ id: z.uuid({ error: 'Must be an id (a UUID)' }) })

/** The reader's field errors as problem pointers into the JSON body. */
function pointerOf(key: string): string {
  if (key.startsWith('encounteredOn-')) return '/encounteredOn'
  const row = /^new-(\d+)-(description|age|gender)$/.exec(key)
  if (row) return `/newPeople/${row[1]}/${row[2] === 'age' ? 'approximateAge' : row[2]}`
  return `/${key}`
}

function badInput(reply: FastifyReply, fieldErrors: FieldErrors) {
  const seen = new Set<string>()
  const list = Object.entries(fieldErrors)
    .map(([key, detail]) => ({ pointer: pointerOf(key), detail }))
    .filter((e) => (seen.has(e.pointer) ? false : (seen.add(e.pointer), true)))
  return sendProblem(reply, {
    status: 400,
    detail: 'Correct the fields listed in errors and send the request again.',
    errors: list,
  })
}

/** The API body in the form's field names, so the page's reader (and its rules) decide. */
function encounterForm(body: {
  encounteredOn: string
  summary: string
  personIds?: string[]
  newPeople?: z.infer<typeof NewPerson>[]
}): Record<string, unknown> {
  const [year, month, day] = body.encounteredOn.split('-')
  const form: Record<string, unknown> = {
    'encounteredOn-day': String(Number(day)),
    'encounteredOn-month': String(Number(month)),
    'encounteredOn-year': year,
    summary: body.summary,
    personIds: body.personIds ?? [],
  }
  ;(body.newPeople ?? []).forEach((p, i) => {
    form[`new-${i}-description`] = p.description
    form[`new-${i}-age`] = p.approximateAge === null || p.approximateAge === undefined ? '' : String(p.approximateAge)
    form[`new-${i}-gender`] = p.gender ?? ''
  })
  return form
}

function sharedOut(shared: Partial<SharedAnswers>): z.infer<typeof SharedOut> {
  const v = sharedFormValues(shared)
  const s = (key: string) => (typeof v[key] === 'string' ? (v[key] as string) : '')
  const list = (key: string) => (Array.isArray(v[key]) ? (v[key] as string[]) : [])
  return {
    premisesType: s('premisesType'),
    addressLine1: s('addressLine1'),
    postcode: s('postcode'),
    premisesDescription: s('premisesDescription'),
    location: s('location'),
    encounteredBy: s('encounteredBy'),
    detention: s('detention'),
    diplomaticHousehold: s('diplomaticHousehold'),
    safeguardingConcern: s('safeguardingConcern'),
    purpose: s('purpose'),
    types: list('types'),
    countyLines: s('countyLines'),
    indicators: shared.indicators?.none ? ['none'] : list('indicators'),
    means: list('means'),
    otherMeans: s('otherMeans'),
    employerName: s('employerName'),
    employerDetails: s('employerDetails'),
  }
}

/**
 * Screening people met together (warrant-day groups) over the API: the same service as the pages, so access
 * (the job's victim side to start; the victim side of everyone in the group to read or change it), the rules and
 * the audit (in the same transaction as the change or the read) are the pages' own.
 */
export function registerScreeningGroupApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const groups = services.screeningGroups
  const config = { access: 'screening:assess' as const }
  // Not found is the same plain 404 as for an id that never existed.
  const rethrow = apiRethrow(ScreeningGroupError)
  const started = (
    reply: FastifyReply,
    s: { groupId: string; referralId: string; warrantDay: boolean; personIds: string[]; screeningIds: string[] },
  ) =>
    reply
      .code(201)
      .header('location', `/api/v1/screening-groups/${s.groupId}`)
      .send({
        groupId: s.groupId,
        referralId: s.referralId,
        warrantDay: s.warrantDay,
        people: s.personIds.map((personId, i) => ({ personId, screeningId: s.screeningIds[i]! })),
      })

  api.post(
    '/api/v1/cases/:id/screening-groups',
    {
      config,
      schema: {
        tags: ['screening'],
        summary:
          'Start screening people met on a live job (people on the job and people not yet on record); more than one is a warrant-day group',
        params: IdParams,
        body: JobStartBody,
        response: { 201: Started, ...errors },
      },
    },
    async (request, reply) => {
      const caseId = request.params.id
      let people
      try {
        people = (await groups.jobForScreening(caseId, userOf(request))).people
      } catch (error) {
        return rethrow(error)
      }
      const { errors: fieldErrors, value } = readEncounterStart(encounterForm(request.body), {
        allowed: new Set(people.map((p) => p.person_id)),
        newPeopleRows: request.body.newPeople.length,
      })
      if (!value) return badInput(reply, fieldErrors)
      try {
        return started(reply, await groups.start({ ...value, caseId }, userOf(request), actorOf(request)))
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.post(
    '/api/v1/people/:id/screening-groups',
    {
      config,
      schema: {
        tags: ['screening'],
        summary: 'Start screening one person met, from their record',
        params: IdParams,
        body: PersonStartBody,
        response: { 201: Started, ...errors },
      },
    },
    async (request, reply) => {
      const personId = request.params.id
      try {
        const found = await groups.personForScreening(personId, userOf(request))
        if (!found.access.canEdit) throw new ScreeningGroupError('forbidden', deniedMessage(found.access))
      } catch (error) {
        return rethrow(error)
      }
      const { errors: fieldErrors, value } = readEncounterStart(encounterForm(request.body), { fixed: personId })
      if (!value) return badInput(reply, fieldErrors)
      try {
        return started(reply, await groups.start({ ...value, caseId: null }, userOf(request), actorOf(request)))
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.get(
    '/api/v1/screening-groups/:id',
    {
      config,
      schema: {
        tags: ['screening'],
        summary: 'Read a screening group: its shared facts, job and referral, and each person’s screening and consent',
        params: IdParams,
        response: { 200: GroupDetail, ...errors },
      },
    },
    async (request) => {
      let loaded
      try {
        loaded = await groups.view(request.params.id, userOf(request), actorOf(request))
      } catch (error) {
        return rethrow(error)
      }
      const { group, job, members } = loaded
      return {
        id: group.id,
        warrantDay: group.warrant_day,
        encounteredOn: group.encountered_on,
        createdAt: group.created_at.toISOString(),
        createdBy: group.created_by_name,
        referral: { id: group.referral_id, reference: group.reference },
        job: job ? { id: job.id, reference: job.reference, title: job.title } : null,
        shared: group.shared_saved_at ? sharedOut(group.shared as Partial<SharedAnswers>) : null,
        sharedSavedAt: group.shared_saved_at?.toISOString() ?? null,
        people: members.map((m) => {
          const p = memberProgress(m)
          return {
            personId: m.person_id,
            screeningId: m.screening_id,
            name: m.name,
            status: p.progress,
            sharedSectionsToConfirm: p.sharedToConfirm,
            suggestedRoute: m.suggested_route,
            confirmedRoute: m.confirmed_route,
            consent: p.consentNeeded ? (p.consent ?? 'not-recorded') : 'not-needed',
          }
        }),
      }
    },
  )

  api.put(
    '/api/v1/screening-groups/:id/shared',
    {
      config,
      schema: {
        tags: ['screening'],
        summary:
          'Save the facts everyone in the group shares; each person’s unconfirmed screening is prefilled from them',
        params: IdParams,
        body: SharedFacts,
        response: {
          200: z.object({ prefilled: z.array(z.uuid()).describe('The screenings filled in from the shared facts') }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { answers, errors: fieldErrors } = readShared(request.body)
      if (Object.keys(fieldErrors).length > 0) return badInput(reply, fieldErrors)
      try {
        return await groups.saveShared(request.params.id, answers, userOf(request), actorOf(request))
      } catch (error) {
        return rethrow(error)
      }
    },
  )
}
