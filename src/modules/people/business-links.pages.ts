import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import type { Permission } from '#src/platform/auth/permissions.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { z } from 'zod'
import { asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { requiredText } from '#src/platform/http/page-forms.ts'
import { isUuid } from '#src/shared/ids.ts'
import { BUSINESS_KINDS, BUSINESS_RELATIONS, PlaceError, businessRelationText } from './places.service.ts'
import type { BusinessMatch, BusinessTarget } from './places.repository.ts'

type Body = Record<string, unknown>
type Params = { id: string }

/** The business named and how it is connected; the answer to "Is it one of these?" is the service's to check. */
const BusinessLinkForm = z.object({
  businessName: requiredText('Enter the business’s name', 200, 'Name must be 200 characters or fewer'),
  relation: z.preprocess(
    asString,
    z.enum(BUSINESS_RELATIONS.values, { error: 'Select how the business is connected' }),
  ),
})

const kindText = (kind: string) => BUSINESS_KINDS.items.find((k) => k.value === kind)?.text ?? kind

/** Where a business is linked from: each record's page, and who may link there (the record's own edit permission). */
const TARGETS: { type: BusinessTarget['type']; base: string; access: Permission }[] = [
  { type: 'referral', base: '/referrals', access: 'referral:update' },
  { type: 'case', base: '/cases', access: 'case:edit' },
  { type: 'person', base: '/people', access: 'person:edit' },
]

/**
 * "Link a business" where the work happens (issue 16): on a referral, a live job and a person, the business is
 * found by name first ("Sparkle" finds "Sparkle hand car wash") and the user says whether it is one already
 * recorded, so a business named in ten referrals stays one record. A question page of its own per record, so
 * what was typed survives every error and the record's page stays as it is.
 */
export function registerBusinessLinkPages(app: FastifyInstance, { services }: AppDeps): void {
  const places = services.places

  for (const t of TARGETS) {
    const path = `${t.base}/:id/businesses/link`
    const options = { config: { access: t.access } }
    const targetOf = (request: FastifyRequest<{ Params: Params }>): BusinessTarget => {
      if (!isUuid(request.params.id)) throw new NotFoundError()
      return { type: t.type, id: request.params.id }
    }
    const back = (target: BusinessTarget) => `${t.base}/${target.id}`

    async function render(
      request: FastifyRequest<{ Params: Params }>,
      reply: FastifyReply,
      state: { errors?: FieldErrors; values?: Body; matches?: BusinessMatch[] | null } = {},
    ) {
      const target = targetOf(request)
      // A hidden or unknown record's not-found is answered as a 404 by the central error handler.
      const label = await places.linkTarget(target, userOf(request))
      const errors = state.errors ?? {}
      return reply.page('people/views/business-link.njk', {
        pageTitle: `Link a business to ${label}`,
        label,
        action: `${t.base}/${target.id}/businesses/link`,
        back: back(target),
        // A person's page asks from the person's side ("Works or worked here"), as it lists the links afterwards.
        relations: BUSINESS_RELATIONS.items.map((r) => ({
          value: r.value,
          text: businessRelationText(r.value, t.type === 'person'),
        })),
        kinds: BUSINESS_KINDS.items,
        matches: state.matches ? state.matches.map((m) => ({ ...m, kindText: kindText(m.kind) })) : null,
        errors,
        errorList: errorSummary(errors, ['businessName', 'relation', 'businessChoice', 'businessKind']),
        values: state.values ?? {},
      })
    }

    app.get<{ Params: Params }>(path, options, (request, reply) => render(request, reply))

    app.post<{ Params: Params; Body: Body }>(path, options, async (request, reply) => {
      const target = targetOf(request)
      const body = request.body ?? {}
      const parsed = parseForm(BusinessLinkForm, body)
      if (!parsed.ok) return render(request, reply.code(400), { errors: parsed.errors, values: body, matches: null })
      const { businessName: name, relation } = parsed.value
      // The choice answers the search for the name shown with it: a name changed since is searched again.
      const searched = asString(body.searched) === name
      const choice = searched ? asString(body.businessChoice) || null : null
      const input = { name, relation, choice, kind: asString(body.businessKind) || null }
      let result
      try {
        result = await places.linkTo(target, input, userOf(request), actorOf(request))
      } catch (error) {
        if (error instanceof PlaceError && error.code === 'invalid') {
          const matches = await places.linkTo(target, { ...input, choice: null }, userOf(request), actorOf(request))
          return render(request, reply.code(400), {
            errors: { [error.field ?? 'businessChoice']: error.message },
            values: body,
            matches: 'matches' in matches ? matches.matches : [],
          })
        }
        throw error
      }
      if ('matches' in result) {
        // Asked "is it one of these?" and not answered: say so, rather than show the same question silently.
        const unanswered = searched && !choice
        return render(request, reply.code(unanswered ? 400 : 200), {
          errors: unanswered
            ? {
                businessChoice: result.matches.length
                  ? 'Select the business, or say it is a different one'
                  : 'Select what kind of business it is',
              }
            : {},
          values: { ...body, searched: name },
          matches: result.matches,
        })
      }
      await request.flash(result.linked.created ? `${name} recorded and linked` : 'Business linked')
      return reply.redirect(`${back(target)}#businesses`, 303)
    })
  }
}
