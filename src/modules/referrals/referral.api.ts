import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { ProblemSchema as Problem } from '#src/platform/http/problem.ts'
import { COUNT_CAP } from './referral.service.ts'
import { AssignmentInput, GradingInput, IsoDate, NewReferralInput, StatusChangeInput } from './referral.schema.ts'
import { EXPLOITATION_TYPES, GRADE_LEVELS, SOURCES, STATUSES, THRIVE_ELEMENTS } from './referral.vocabulary.ts'
import { URGENCY_REASONS, type UrgencyReason } from './referral.urgency.ts'
import {
  IDEMPOTENCY_KEY_HOURS,
  type GradingRow,
  type LocationRow,
  type ReferralListRow,
  type ReferralRow,
  type SubjectRow,
} from './referral.repository.ts'

const ReferralSummary = z.object({
  id: z.uuid(),
  reference: z.string(),
  receivedAt: z.string(),
  source: z.enum(SOURCES.values),
  status: z.enum(STATUSES.values),
  exploitationTypes: z.array(z.string()),
  countyLines: z.boolean(),
  priorityTags: z.array(z.string()),
  assignedTo: z.uuid().nullable(),
  triageOverdue: z.boolean(),
  urgent: z
    .boolean()
    .describe(
      'Derived from the facts recorded: a child or possible child, still happening, injury, threats, no safe place tonight',
    ),
  urgencyReasons: z
    .array(z.enum(Object.keys(URGENCY_REASONS) as [UrgencyReason, ...UrgencyReason[]]))
    .describe('Why it is urgent (empty when it is not)'),
})

const GradeLevelSchema = z.enum(GRADE_LEVELS.values)
const Grading = z.object({
  id: z.uuid(),
  gradedAt: z.string(),
  gradedBy: z.string().nullable(),
  elements: z.array(
    z.object({ element: z.enum(THRIVE_ELEMENTS.values), level: GradeLevelSchema, rationale: z.string() }),
  ),
})

const ReferralDetail = ReferralSummary.extend({
  referringOrganisation: z.string().nullable(),
  referrerName: z.string().nullable(),
  referrerContact: z.string().nullable(),
  summary: z.string(),
  closureReason: z.string().nullable(),
  triagedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.int(),
  urgencyIndicators: z.array(z.string()),
  grading: Grading.nullable().describe('The latest THRIVE risk grading, or null before the referral is graded'),
  people: z.array(
    z.object({
      personId: z.uuid(),
      role: z.string(),
      names: z.array(z.string()),
      dateOfBirth: z.string().nullable(),
      approximateAge: z.int().nullable(),
      ageDisputed: z.boolean(),
      gender: z.string(),
      nationalities: z.array(z.string()),
      languages: z.array(z.string()),
    }),
  ),
  locations: z.array(
    z.object({
      id: z.uuid(),
      addressLine1: z.string().nullable(),
      addressLine2: z.string().nullable(),
      town: z.string().nullable(),
      postcode: z.string().nullable(),
      description: z.string().nullable(),
      premisesType: z.string(),
    }),
  ),
})

function summary(row: ReferralListRow | ReferralRow) {
  return {
    id: row.id,
    reference: row.reference,
    receivedAt: row.received_at.toISOString(),
    source: row.source as z.infer<typeof ReferralSummary>['source'],
    status: row.status as z.infer<typeof ReferralSummary>['status'],
    exploitationTypes: row.exploitation_types,
    countyLines: row.county_lines,
    priorityTags: row.priority_tags,
    assignedTo: row.assigned_to,
    triageOverdue: row.overdue,
    urgent: row.urgent,
    urgencyReasons: row.urgency_reasons as UrgencyReason[],
  }
}

function grading(row: GradingRow | null) {
  if (!row) return null
  return {
    id: row.id,
    gradedAt: row.graded_at.toISOString(),
    gradedBy: row.graded_by_name,
    elements: THRIVE_ELEMENTS.values.map((element) => ({
      element,
      level: row[element],
      rationale: row[`${element}_rationale`],
    })),
  }
}

function detail(view: {
  referral: ReferralRow
  subjects: SubjectRow[]
  locations: LocationRow[]
  grading: GradingRow | null
}) {
  const r = view.referral
  return {
    ...summary(r),
    referringOrganisation: r.referring_organisation,
    referrerName: r.referrer_name,
    referrerContact: r.referrer_contact,
    summary: r.summary,
    closureReason: r.closure_reason,
    triagedAt: r.triaged_at?.toISOString() ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    version: r.version,
    urgencyIndicators: r.urgency_indicators,
    grading: grading(view.grading),
    people: view.subjects.map((s) => ({
      personId: s.person_id,
      role: s.role,
      names: s.names ?? [],
      dateOfBirth: s.date_of_birth,
      approximateAge: s.approximate_age,
      ageDisputed: s.age_disputed,
      gender: s.gender,
      nationalities: s.nationalities,
      languages: s.languages,
    })),
    locations: view.locations.map((l) => ({
      id: l.id,
      addressLine1: l.address_line_1,
      addressLine2: l.address_line_2,
      town: l.town,
      postcode: l.postcode,
      description: l.description,
      premisesType: l.premises_type,
    })),
  }
}

const IdParams = z.object({ id: z.uuid({ error: 'Must be a referral id (a UUID)' }) })
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem }

const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, {
      error: 'Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces), such as a UUID',
    })
    .optional()
    .describe(
      'A key of your choosing (a new UUID per referral is best). A retry with the same key and body is answered with the referral the first request made.',
    ),
})

const IDEMPOTENCY_DESCRIPTION = [
  'Send an `Idempotency-Key` header (1 to 255 visible ASCII characters; a new UUID for each referral) so that a request',
  "retried after a lost reply cannot record the referral twice. Keys belong to the token's user and are kept for",
  `${IDEMPOTENCY_KEY_HOURS} hours. The same key with the same body answers 201 with the referral the first request made`,
  '(its current state, the same id and `Location`, and the header `Idempotent-Replayed: true`), and records nothing new;',
  'requests sent at the same moment with one key make one referral between them. The same key with a different body is',
  'refused with a 422 problem (`urn:lantern:problem:idempotency-key-reused`). A request that failed holds no key.',
  'Without the header every request records a new referral.',
].join(' ')

/** The referral API under /api/v1: validation, responses and OpenAPI all come from the schemas here. */
export function registerReferralApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const referrals = services.referrals

  api.post(
    '/api/v1/referrals',
    {
      config: { access: 'referral:create' },
      schema: {
        tags: ['referrals'],
        summary: 'Record a referral',
        description: IDEMPOTENCY_DESCRIPTION,
        headers: IdempotencyHeaders,
        body: NewReferralInput,
        response: { 201: ReferralDetail, ...errors, 422: Problem },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      const key = request.headers['idempotency-key']
      // The body as parsed (so the same JSON sent with other spacing is the same request), hashed: only the hash is kept.
      // A new referral is read back and its view audited in the save's own transaction; a replayed key's referral
      // (recorded by an earlier request) is read as any referral is.
      const outcome =
        key === undefined
          ? { ...(await referrals.create(request.body, actor, { show: true })), replayed: false }
          : await referrals.createOnce(
              request.body,
              actor,
              { key, requestHash: createHash('sha256').update(JSON.stringify(request.body)).digest('hex') },
              { show: true },
            )
      const view = outcome.shown ?? (await referrals.view(outcome.id, userOf(request), actor))
      if (outcome.replayed) reply.header('idempotent-replayed', 'true')
      return reply.code(201).header('location', `/api/v1/referrals/${outcome.id}`).send(detail(view))
    },
  )

  api.get(
    '/api/v1/referrals',
    {
      config: { access: 'referral:view' },
      schema: {
        tags: ['referrals'],
        summary: 'List referrals (the triage queue): urgent first, then oldest, by default',
        querystring: z
          .object({
            status: z.enum([...STATUSES.values, 'open', 'all']).optional(),
            source: z.enum(SOURCES.values).optional(),
            exploitationType: z.enum(EXPLOITATION_TYPES.values).optional(),
            priorityTag: z.string().max(60).optional(),
            assignedTo: z.union([z.uuid(), z.literal('unassigned')]).optional(),
            receivedFrom: IsoDate.optional(),
            receivedTo: IsoDate.optional(),
            overdue: z.enum(['true', 'false']).optional(),
            sort: z.enum(['urgent', 'oldest', 'newest']).default('urgent'),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(25),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(ReferralSummary),
            page: z.int(),
            pageSize: z.int(),
            total: z.int(),
            totalIsLowerBound: z.boolean(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query
      const result = await referrals.queue(
        {
          filters: {
            status: q.status === 'all' ? undefined : q.status,
            source: q.source,
            exploitationType: q.exploitationType,
            priorityTag: q.priorityTag,
            assignedTo: q.assignedTo,
            receivedFrom: q.receivedFrom,
            receivedTo: q.receivedTo,
            overdueOnly: q.overdue === 'true',
          },
          page: q.page,
          pageSize: q.pageSize,
          sort: q.sort,
        },
        actorOf(request),
      )
      return {
        items: result.rows.map(summary),
        page: q.page,
        pageSize: q.pageSize,
        total: Math.min(result.total, COUNT_CAP),
        totalIsLowerBound: result.totalCapped,
      }
    },
  )

  api.get(
    '/api/v1/referrals/:id',
    {
      config: { access: 'referral:view' },
      schema: {
        tags: ['referrals'],
        summary: 'Read a referral',
        params: IdParams,
        response: { 200: ReferralDetail, ...errors },
      },
    },
    async (request) => detail(await referrals.view(request.params.id, userOf(request), actorOf(request))),
  )

  api.post(
    '/api/v1/referrals/:id/status',
    {
      config: { access: 'referral:update' },
      schema: {
        tags: ['referrals'],
        summary: 'Change a referral’s status (a reason is required)',
        params: IdParams,
        body: StatusChangeInput,
        response: { 200: ReferralDetail, ...errors },
      },
    },
    async (request) => {
      await referrals.changeStatus(request.params.id, request.body, actorOf(request))
      return detail(await referrals.view(request.params.id, userOf(request), actorOf(request)))
    },
  )

  api.post(
    '/api/v1/referrals/:id/grading',
    {
      config: { access: 'referral:update' },
      schema: {
        tags: ['referrals'],
        summary: 'Record a THRIVE risk grading at triage (each element high, medium or low, with a reason)',
        params: IdParams,
        body: GradingInput,
        response: { 200: ReferralDetail, ...errors },
      },
    },
    async (request) => {
      await referrals.grade(request.params.id, request.body, actorOf(request))
      return detail(await referrals.view(request.params.id, userOf(request), actorOf(request)))
    },
  )

  api.post(
    '/api/v1/referrals/:id/assignment',
    {
      config: { access: 'referral:assign' },
      schema: {
        tags: ['referrals'],
        summary: 'Assign a referral to an officer, or unassign it with null',
        params: IdParams,
        body: AssignmentInput,
        response: { 200: ReferralDetail, ...errors },
      },
    },
    async (request) => {
      await referrals.assign(request.params.id, request.body, userOf(request), actorOf(request))
      return detail(await referrals.view(request.params.id, userOf(request), actorOf(request)))
    },
  )
}
