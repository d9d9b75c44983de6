import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asArray, asString, errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { sendProblem } from '#src/platform/http/problem.ts'
import { formatDateTime } from '#src/shared/dates.ts'
import { countryName } from '#src/shared/reference-data.ts'
import { isUuid } from '#src/shared/ids.ts'
import { guardVictimFacet } from '#src/modules/people/index.ts'
import { victimSideAccess, askWhom } from '#src/modules/people/index.ts'
import { DRAFT_FIELDS, type DraftField } from './nrm.form.ts'
import { createNrmDraftService, NrmDraftInvalid, type NrmDraftService, type NrmDraftView } from './nrm.drafts.ts'
import { NrmError } from './nrm.errors.ts'

type Body = Record<string, unknown>
type PersonParams = { referralId: string; personId: string }
type SectionParams = PersonParams & { section: string }

const STATE_TAGS: Record<string, string> = {
  Completed: '',
  'In progress': 'govuk-tag--light-blue',
  'Not started': 'govuk-tag--blue',
  'Cannot start yet': 'govuk-tag--grey',
}

function shownValue(field: DraftField, raw: unknown): string | string[] {
  if (field.kind === 'multi') return Array.isArray(raw) ? raw.map(String) : []
  if (Array.isArray(raw)) return raw.map((c) => countryName(String(c))).join(', ')
  return raw === null || raw === undefined ? '' : String(raw as string)
}

/** The NRM / Duty to Notify form drafted in Lantern: a task list of the form's sections, each a page of questions. */
export function registerNrmDraftRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  drafts: NrmDraftService = createNrmDraftService(deps.db),
): void {
  const { db } = deps
  const base = (referralId: string, personId: string) => `/referrals/${referralId}/people/${personId}/nrm-draft`

  function params(request: FastifyRequest<{ Params: PersonParams }>) {
    const { referralId, personId } = request.params
    if (!isUuid(referralId) || !isUuid(personId)) throw new NotFoundError()
    return { referralId, personId }
  }

  async function load(request: FastifyRequest<{ Params: PersonParams }>, audit = true): Promise<NrmDraftView> {
    const { referralId, personId } = params(request)
    return await drafts.view(referralId, personId, userOf(request), actorOf(request), { audit })
  }

  const view = { config: { access: 'victim-facet:view' as const } }
  const edit = { config: { access: 'victim-facet:edit' as const } }

  app.get<{ Params: PersonParams }>(
    '/referrals/:referralId/people/:personId/nrm-draft',
    view,
    async (request, reply) => {
      const { referralId, personId } = params(request)
      if (!(await guardVictimFacet(db, request, reply, personId))) return reply
      const draft = await load(request)
      const access = await victimSideAccess(db, userOf(request), personId)
      return reply.page('nrm/views/draft.njk', {
        pageTitle: `${draft.subject.name ?? 'Person'}: ${draft.routeTitle}`,
        referralId,
        personId,
        base: base(referralId, personId),
        draft,
        updated: draft.updatedAt
          ? `${formatDateTime(draft.updatedAt)}${draft.updatedBy ? ` by ${draft.updatedBy}` : ''}`
          : null,
        sections: draft.sections.map((s) => ({ ...s, tagClass: STATE_TAGS[s.state] ?? '' })),
        missing: draft.missing.map((q) => ({
          text: q.question,
          href: `${base(referralId, personId)}/${q.section}#${q.draftKey ?? q.id}`,
        })),
        completedCount: draft.sections.filter((s) => s.state === 'Completed').length,
        canEdit: access.canEdit,
        askWhom: askWhom(access),
      })
    },
  )

  async function showSection(
    request: FastifyRequest<{ Params: SectionParams }>,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Body | null = null,
  ) {
    const { referralId, personId } = params(request)
    if (!(await guardVictimFacet(db, request, reply, personId))) return reply
    const draft = await load(request)
    const section = draft.sections.find((s) => s.id === request.params.section)
    if (!section) throw new NotFoundError('That section is not on this person’s form')
    const access = await victimSideAccess(db, userOf(request), personId)
    const index = draft.sections.indexOf(section)
    return reply.page('nrm/views/draft-section.njk', {
      pageTitle: section.title,
      referralId,
      personId,
      base: base(referralId, personId),
      routeTitle: draft.routeTitle,
      subject: draft.subject,
      section,
      questions: section.questions.map((q) => {
        const field: DraftField | null = q.draftKey ? DRAFT_FIELDS[q.draftKey] : null
        return {
          ...q,
          field,
          options: field?.options ? Object.entries(field.options).map(([value, text]) => ({ value, text })) : [],
          value: q.draftKey
            ? values
              ? field!.kind === 'multi'
                ? asArray(values[q.draftKey])
                : asString(values[q.draftKey])
              : shownValue(field!, q.raw)
            : null,
          error: q.draftKey ? errors[q.draftKey] : undefined,
        }
      }),
      version: values ? asString(values.version) : (draft.version ?? ''),
      complete: values ? asString(values.complete) : section.state === 'Completed' ? 'yes' : '',
      next: draft.sections[index + 1] ?? null,
      canEdit: access.canEdit,
      askWhom: askWhom(access),
      errors,
      errorList: errorSummary(
        errors,
        section.questions.map((q) => q.draftKey ?? q.id),
      ),
    })
  }

  // The structured export from the page, for the officer to complete or upload to the Home Office service: one
  // key per form question, answers in words. A download of personal data: audited as one.
  app.get<{ Params: PersonParams }>(
    '/referrals/:referralId/people/:personId/nrm-draft.json',
    view,
    async (request, reply) => {
      const { personId } = params(request)
      if (!(await guardVictimFacet(db, request, reply, personId))) return reply
      const draft = await load(request, false)
      await deps.services.nrm.recordDownload(actorOf(request), personId, 'nrm-form-export')
      const questions = draft.sections.flatMap((s) =>
        s.questions.map((q) => ({
          id: q.id,
          section: s.title,
          question: q.question,
          required: q.required,
          answer: q.answer,
          source: q.source,
        })),
      )
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="nrm-form-${draft.subject.reference}.json"`)
        .send(
          JSON.stringify(
            {
              route: draft.route,
              routeTitle: draft.routeTitle,
              ready: draft.ready,
              version: draft.version,
              form: draft.export,
              questions,
            },
            null,
            2,
          ),
        )
    },
  )

  app.get<{ Params: SectionParams }>(
    '/referrals/:referralId/people/:personId/nrm-draft/:section',
    view,
    (request, reply) => showSection(request, reply),
  )

  app.post<{ Params: SectionParams; Body: Body }>(
    '/referrals/:referralId/people/:personId/nrm-draft/:section',
    edit,
    async (request, reply) => {
      const { referralId, personId } = params(request)
      if (!(await guardVictimFacet(db, request, reply, personId))) return reply
      const body = request.body ?? {}
      const current = await load(request, false)
      const section = current.sections.find((s) => s.id === request.params.section && s.editable)
      if (!section) throw new NotFoundError('That section is not on this person’s form')
      const answers: Body = {}
      for (const q of section.questions)
        if (q.draftKey)
          answers[q.draftKey] =
            DRAFT_FIELDS[q.draftKey].kind === 'multi' ? asArray(body[q.draftKey]) : asString(body[q.draftKey])
      const versionText = asString(body.version)
      const complete = asString(body.complete)
      if (complete !== 'yes' && complete !== 'no')
        return showSection(
          request,
          reply.code(400),
          { complete: 'Select yes if you have completed this section' },
          body,
        )
      try {
        await drafts.save(
          referralId,
          personId,
          {
            version: versionText ? Number(versionText) : null,
            answers,
            section: section.id,
            complete: complete === 'yes',
          },
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        // Never lose typed work: every refusal shows the page again with the words as typed.
        if (error instanceof NrmDraftInvalid) return showSection(request, reply.code(400), error.errors, body)
        if (error instanceof NrmError && error.code === 'conflict')
          return showSection(request, reply.code(409), { version: error.message }, body)
        throw error
      }
      await request.flash(`${section.title}: saved${complete === 'yes' ? ' and marked complete' : ''}`)
      return reply.redirect(base(referralId, personId), 303)
    },
  )

  // The API: the same draft, as data. GET carries the structured export (one key per form question).
  const api = app.withTypeProvider<ZodTypeProvider>()
  const Params = z.object({ referralId: z.uuid(), personId: z.uuid() })
  const asJson = (d: NrmDraftView) => ({
    route: d.route,
    routeTitle: d.routeTitle,
    version: d.version,
    ready: d.ready,
    answers: d.answers,
    completedSections: d.completed,
    sections: d.sections.map((s) => ({ id: s.id, title: s.title, state: s.state })),
    missing: d.missing.map((q) => ({ id: q.id, section: q.section, question: q.question, draftKey: q.draftKey })),
    form: d.export,
  })

  api.get(
    '/api/v1/referrals/:referralId/people/:personId/nrm-draft',
    {
      config: { access: 'victim-facet:view' },
      schema: {
        tags: ['nrm'],
        summary:
          'Read a person’s NRM / Duty to Notify form draft, pre-filled from what Lantern knows (every read is audited)',
        params: Params,
      },
    },
    async (request) => {
      return asJson(
        await drafts.view(request.params.referralId, request.params.personId, userOf(request), actorOf(request)),
      )
    },
  )

  api.put(
    '/api/v1/referrals/:referralId/people/:personId/nrm-draft',
    {
      config: { access: 'victim-facet:edit' },
      schema: {
        tags: ['nrm'],
        summary:
          'Save answers to a person’s NRM draft: merged in, an empty answer clears one; `version` must be the version read (null for a new draft)',
        params: Params,
        body: z
          .object({
            version: z.int().min(1).nullable(),
            answers: z.record(z.string(), z.unknown()),
            section: z.string().max(40).nullable().optional(),
            complete: z.boolean().nullable().optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const { referralId, personId } = request.params
      try {
        await drafts.save(referralId, personId, request.body, userOf(request), actorOf(request))
        return asJson(await drafts.view(referralId, personId, userOf(request), actorOf(request)))
      } catch (error) {
        if (error instanceof NrmDraftInvalid) {
          return sendProblem(reply, {
            status: 400,
            type: 'urn:lantern:problem:invalid-nrm-draft',
            detail: 'Correct the answers listed in errors and send the request again. Nothing was saved.',
            errors: Object.entries(error.errors).map(([key, detail]) => ({
              pointer: key === 'section' ? '/section' : `/answers/${key}`,
              detail,
            })),
          })
        }
        throw error
      }
    },
  )
}
