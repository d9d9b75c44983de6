import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { isUuid } from '#src/shared/ids.ts'
import { formatDateTime } from '#src/shared/dates.ts'
import { SUBJECT_ROLES } from '#src/modules/people/index.ts'
import { MatchError, type MatchingService } from './matching.service.ts'
import { born, genderLabel, nationalities, percent, presentExplanation, when } from './matching.presenter.ts'

type PairParams = { id: string; otherId: string }
type Body = Record<string, unknown>

function uuidOr404(value: string): string {
  if (!isUuid(value)) throw new NotFoundError()
  return value
}

/**
 * The person page's matching panel: possible matches and merge history, for reviewers. Not audited here: the
 * page records `auditEvent` in the same append as its view of the person (one chain lock, one commit). The
 * container hands it to the person page (services.personMatchingPanel), so the owner of people imports no matching.
 */
export async function personMatchingPanel(
  matching: MatchingService,
  personId: string,
  user: CurrentUser,
  actor: ReturnType<typeof actorOf>,
) {
  if (!(await matching.readyWithin(2000)))
    return { preparing: true, modelVersion: null, matches: [], merges: [], auditEvent: null }
  let found
  try {
    found = await Promise.all([
      matching.matchesFor(personId, user, actor, { record: false }),
      matching.mergesInto(personId),
    ])
  } catch (error) {
    // No such person (or one hidden from this user): no panel; the person page says so in its own words.
    if (error instanceof MatchError && error.code === 'not-found') return null
    throw error
  }
  const [{ modelVersion, matches, auditEvent }, merges] = found
  return {
    preparing: false,
    auditEvent,
    modelVersion,
    matches: matches.map((m) => {
      const explanation = presentExplanation(m.explanation)
      const agreed = explanation
        .filter((e) => e.agreement === 'agree' || e.agreement === 'partial')
        .map((e) => e.fieldLabel.toLowerCase())
      return {
        id: m.person.id,
        name: m.person.name ?? 'Unnamed person',
        born: born(m.person),
        percent: percent(m.probability),
        explanation,
        summary: agreed.length ? `Agrees on ${agreed.join(', ')}` : 'See the explanation',
      }
    }),
    merges: merges.map((g) => ({
      id: g.id,
      mergedName: g.merged_name ?? 'Unnamed record',
      when: when(g.merged_at),
      by: g.merged_by_name ?? 'an officer',
      undone: g.unmerged_at ? when(g.unmerged_at) : null,
    })),
  }
}

/** Compare two people, record a decision (merge or reject), see a merge and undo it. */
export function registerMatchingPages(app: FastifyInstance, { services }: AppDeps): void {
  // The matching index's worker thread goes with the app, before the database it reads is closed.
  app.addHook('onClose', () => services.matching.close())
  const matching = services.matching
  const review = { config: { access: 'match:review' as const } }

  async function showComparison(
    request: FastifyRequest<{ Params: PairParams }>,
    reply: FastifyReply,
    state: { errors?: FieldErrors; values?: Body } = {},
  ) {
    const personId = uuidOr404(request.params.id)
    const otherId = uuidOr404(request.params.otherId)
    let view
    try {
      view = await matching.compare(personId, otherId, userOf(request), actorOf(request))
    } catch (error) {
      if (error instanceof MatchError && error.code === 'conflict') {
        // A record merged since the list was shown: its survivor's page explains where it went.
        const survivor = await matching.survivorOf(otherId)
        if (survivor && survivor !== otherId && survivor !== personId)
          return reply.redirect(`/people/${personId}/matches/${survivor}`, 303)
        return reply.redirect(`/people/${(await matching.survivorOf(personId)) ?? personId}`, 303)
      }
      throw error
    }
    const side = (s: typeof view.left) => ({
      names: s.names,
      born: [born(s)],
      gender: [genderLabel(s.gender)],
      nationality: nationalities(s.nationalities),
      phones: s.phones,
      places: s.places,
      roles: s.roles.map((r) => `${r.reference}: ${SUBJECT_ROLES.label(r.role)}`),
    })
    const left = side(view.left)
    const right = side(view.right)
    const labels = {
      names: 'Names',
      born: 'Date of birth or age',
      gender: 'Gender',
      nationality: 'Nationality',
      phones: 'Phones',
      places: 'Places and postcodes',
      roles: 'Roles you can see',
    } as const
    const errors = state.errors ?? {}
    return reply.code(Object.keys(errors).length ? 400 : 200).page('matching/views/compare.njk', {
      pageTitle: `Is ${view.left.names[0] ?? 'this person'} the same person as ${view.right.names[0] ?? 'the possible match'}?`,
      leftId: personId,
      rightId: otherId,
      percent: percent(view.probability),
      weightText: view.weight.toFixed(1),
      modelVersion: view.modelVersion,
      rows: (Object.keys(labels) as (keyof typeof labels)[]).map((k) => ({
        label: labels[k],
        left: left[k],
        right: right[k],
      })),
      explanation: presentExplanation(view.explanation),
      rejectedAt: view.rejectedAt ? formatDateTime(view.rejectedAt) : null,
      errors,
      errorList: errorSummary(errors, ['decision', 'note'], (k) => (k === 'decision' ? '#decision' : `#${k}`)),
      values: state.values ?? {},
    })
  }

  app.get<{ Params: PairParams }>('/people/:id/matches/:otherId', review, (request, reply) =>
    showComparison(request, reply),
  )

  app.post<{ Params: PairParams; Body: Body }>('/people/:id/matches/:otherId', review, async (request, reply) => {
    const personId = uuidOr404(request.params.id)
    const otherId = uuidOr404(request.params.otherId)
    const body = request.body ?? {}
    const values = { decision: asString(body.decision), note: asString(body.note) }
    try {
      const { mergeId } = await matching.decide(personId, otherId, values, userOf(request), actorOf(request))
      await request.flash(
        mergeId
          ? 'Records merged. Both are kept; you can undo the merge from this page.'
          : 'Match rejected. It will not be offered again.',
      )
    } catch (error) {
      if (error instanceof MatchError && error.code === 'invalid' && error.field && error.field !== 'otherId')
        return showComparison(request, reply, { errors: { [error.field]: error.message }, values })
      if (error instanceof MatchError && error.code === 'forbidden')
        return showComparison(request, reply.code(403), { errors: { decision: error.message }, values })
      if (error instanceof MatchError && error.code === 'conflict') {
        await request.flash(error.message)
        return reply.redirect(`/people/${(await matching.survivorOf(personId)) ?? personId}`, 303)
      }
      throw error
    }
    return reply.redirect(`/people/${personId}`, 303)
  })

  async function showMerge(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    state: { errors?: FieldErrors; values?: Body } = {},
  ) {
    const merge = await matching.merge(uuidOr404(request.params.id))
    const errors = state.errors ?? {}
    return reply.code(Object.keys(errors).length ? 400 : 200).page('matching/views/merge.njk', {
      pageTitle: `${merge.merged_name ?? 'A record'} merged into ${merge.survivor_name ?? 'another person'}`,
      merge: {
        id: merge.id,
        mergedName: merge.merged_name ?? 'Unnamed record',
        survivorId: merge.survivor_id,
        survivorName: merge.survivor_name ?? 'Unnamed person',
        by: merge.merged_by_name ?? 'an officer',
        when: when(merge.merged_at),
        note: merge.note,
        percent: percent(merge.probability),
        modelVersion: merge.model_version,
        explanation: presentExplanation(merge.explanation),
        undone: merge.unmerged_at ? when(merge.unmerged_at) : null,
        undoneBy: merge.unmerged_by_name ?? 'an officer',
        undoneReason: merge.unmerge_reason ?? '',
      },
      errors,
      errorList: errorSummary(errors),
      values: state.values ?? {},
    })
  }

  app.get<{ Params: { id: string } }>('/merges/:id', review, (request, reply) => showMerge(request, reply))

  app.post<{ Params: { id: string }; Body: Body }>('/merges/:id/unmerge', review, async (request, reply) => {
    const mergeId = uuidOr404(request.params.id)
    const reason = asString((request.body ?? {}).reason)
    let result
    try {
      result = await matching.unmerge(mergeId, reason, actorOf(request))
    } catch (error) {
      if (error instanceof MatchError && error.code === 'invalid')
        return showMerge(request, reply, { errors: { [error.field ?? 'reason']: error.message }, values: { reason } })
      if (error instanceof MatchError && error.code === 'conflict') return reply.redirect(`/merges/${mergeId}`, 303)
      throw error
    }
    await request.flash('Merge undone. Both records are back as they were.')
    return reply.redirect(`/people/${result.survivorId}`, 303)
  })
}
