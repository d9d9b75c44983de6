import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import { ProblemSchema as Problem } from '#src/platform/http/problem.ts'
import { londonDate } from '#src/shared/dates.ts'
import { presentShared } from '#src/modules/disclosures/index.ts'
import { ActionBase } from './safeguarding.api.ts'
import { SafeguardingError } from './safeguarding.service.ts'

const Meeting = z.object({ id: z.uuid(), reference: z.string(), date: z.string(), title: z.string() })
const Action = ActionBase
const Decision = z.object({ id: z.uuid(), text: z.string(), by: z.string().nullable() })
const Attendee = z.object({
  userId: z.uuid().nullable(),
  name: z.string(),
  role: z.string().nullable(),
  agency: z.string().nullable(),
})
const MeetingDetail = Meeting.extend({
  agreement: z.string().nullable(),
  agencies: z.array(z.object({ id: z.uuid(), name: z.string() })),
  attendees: z.array(Attendee),
  apologies: z.array(Attendee),
  items: z.array(
    z.object({
      id: z.uuid(),
      number: z.number().int(),
      kind: z.string(),
      reasons: z.array(z.string()),
      // The references the minutes carry: no names, as the agenda is seen by every agency attending.
      referralReference: z.string().nullable(),
      caseReference: z.string().nullable(),
      planReference: z.string().nullable(),
      decisions: z.array(Decision),
      actions: z.array(Action),
    }),
  ),
  general: z.object({ decisions: z.array(Decision), actions: z.array(Action) }),
})
const Contribution = z.object({
  id: z.uuid(),
  actionId: z.uuid().nullable(),
  meetingItemId: z.uuid().nullable(),
  // The shared item (what was disclosed to the agency) it was recorded against, when not an action.
  disclosureId: z.uuid().nullable(),
  kind: z.string(),
  text: z.string(),
})
// The service checks kind and text with the portal's rules and messages; the schema only bounds the input.
const contributionErrors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem }
const ContributionInput = z.object({ kind: z.string().max(100), text: z.string().max(4000) }).strict()
const PartnerAction = z.object({ id: z.uuid(), text: z.string(), dueOn: z.string(), status: z.string() })
const HubItems = z.object({
  meetings: z.array(
    Meeting.extend({
      items: z.array(
        z.object({
          id: z.uuid(),
          number: z.number().int(),
          planReference: z.string().nullable(),
          // Only what was disclosed to the caller's agency for this item, field by field, as the portal shows it.
          shared: z.array(
            z.object({
              disclosureId: z.uuid(),
              purpose: z.string(),
              agreement: z.string().nullable(),
              lawfulBasis: z.string(),
              fields: z.array(z.object({ key: z.string(), value: z.string() })),
              reports: z.array(z.object({ received: z.string(), role: z.string(), narrative: z.string().nullable() })),
            }),
          ),
          actions: z.array(PartnerAction),
        }),
      ),
      general: z.array(PartnerAction),
      contributions: z.array(Contribution),
    }),
  ),
})

/**
 * The safeguarding hub over the API (issue 16): the team reads meetings as the hub pages show them, and a partner
 * agency's user reads what was shared with it and records contributions, through the same service calls as the
 * partner portal, so the sharing rules and their audit are not restated here.
 */
export function registerHubApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const safeguarding = services.safeguarding
  const rethrow = apiRethrow(SafeguardingError)

  api.get(
    '/api/v1/hub-meetings',
    {
      config: { access: 'safeguarding-meeting:manage' },
      schema: {
        tags: ['safeguarding'],
        summary: 'List safeguarding hub meetings, newest first (the read is audited)',
        response: { 200: z.object({ meetings: z.array(Meeting) }) },
      },
    },
    async (request) => ({
      meetings: (await safeguarding.listMeetingsAudited(actorOf(request))).map((m) => ({
        id: m.id,
        reference: m.reference,
        date: m.held_on,
        title: m.title,
      })),
    }),
  )

  api.get(
    '/api/v1/hub-meetings/:id',
    {
      config: { access: 'safeguarding-meeting:manage' },
      schema: {
        tags: ['safeguarding'],
        summary:
          'Read a hub meeting: attendance, agenda items by reference, decisions and actions (the read is audited)',
        params: z.object({ id: z.uuid() }),
        response: { 200: MeetingDetail },
      },
    },
    async (request) => {
      const data = await safeguarding.meeting(request.params.id, actorOf(request)).catch(rethrow)
      const today = londonDate()
      const action = (a: (typeof data.actions)[number]) => ({
        id: a.id,
        text: a.text,
        ownerUserId: a.owner_user_id,
        ownerAgencyId: a.owner_agency_id,
        owner: a.owner_name,
        dueOn: a.due_on,
        status: a.status,
        overdue: a.status === 'open' && a.due_on < today,
      })
      const decision = (d: (typeof data.decisions)[number]) => ({ id: d.id, text: d.text, by: d.by_name })
      const people = (apologies: boolean) => [
        ...(apologies ? data.apologies : data.attendees).map((a) => ({
          userId: a.id,
          name: a.display_name,
          role: null,
          agency: null,
        })),
        ...data.named
          .filter((n) => n.apologies === apologies)
          .map((n) => ({ userId: null, name: n.name, role: n.role, agency: n.agency_name })),
      ]
      return {
        id: data.meeting.id,
        reference: data.meeting.reference,
        date: data.meeting.held_on,
        title: data.meeting.title,
        agreement: data.agreement?.title ?? null,
        agencies: data.agencies,
        attendees: people(false),
        apologies: people(true),
        items: data.items.map((i, n) => ({
          id: i.id,
          number: n + 1,
          kind: i.kind,
          reasons: i.reasons,
          referralReference: i.referral_reference,
          caseReference: i.case_reference,
          planReference: i.plan_reference,
          decisions: data.decisions.filter((d) => d.item_id === i.id).map(decision),
          actions: data.actions.filter((a) => a.meeting_item_id === i.id).map(action),
        })),
        general: {
          decisions: data.decisions.filter((d) => !d.item_id).map(decision),
          actions: data.actions.filter((a) => !a.meeting_item_id).map(action),
        },
      }
    },
  )

  api.get(
    '/api/v1/partner/hub-items',
    {
      config: { access: 'safeguarding-action:update-own' },
      schema: {
        tags: ['safeguarding'],
        summary:
          'For a partner agency’s user: the hub meetings it is invited to, with the items and actions shared with it and only what was disclosed to it (every read is audited)',
        response: { 200: HubItems },
      },
    },
    async (request) => {
      const user = userOf(request)
      const actor = actorOf(request)
      const { meetings } = await safeguarding.partnerActions(user, actor)
      const out = []
      // The portal's meeting view, one meeting at a time (at most 20): each is read and audited as the page does.
      for (const m of meetings) {
        const data = await safeguarding.partnerMeeting(m.id, user, actor).catch(rethrow)
        const shared = await services.disclosures.sharedForItems(
          data.items.map((i) => i.id),
          user,
          actor,
        )
        const action = (a: (typeof data.actions)[number]) => ({
          id: a.id,
          text: a.text,
          dueOn: a.due_on,
          status: a.status,
        })
        out.push({
          id: data.meeting.id,
          reference: data.meeting.reference,
          date: data.meeting.held_on,
          title: data.meeting.title,
          items: data.items
            .map((i) => ({
              id: i.id,
              number: i.position,
              planReference: i.planReference,
              shared: shared
                .filter((s) => s.disclosure.meeting_item_id === i.id)
                .map((s) => {
                  const shown = presentShared(s.disclosure, s.values)
                  return {
                    disclosureId: s.disclosure.id,
                    purpose: shown.purpose,
                    agreement: shown.agreement,
                    lawfulBasis: shown.basis,
                    fields: shown.rows.map((r) => ({ key: r.key, value: String(r.value) })),
                    reports: shown.reports.map((r) => ({
                      received: r.received,
                      role: r.role,
                      narrative: r.narrative,
                    })),
                  }
                }),
              actions: data.actions.filter((a) => a.itemId === i.id).map(action),
            }))
            .filter((i) => i.shared.length > 0 || i.actions.length > 0),
          general: data.actions.filter((a) => a.itemId === null).map(action),
          contributions: data.contributions.map((c) => ({
            id: c.id,
            actionId: c.action_id,
            meetingItemId: c.meeting_item_id,
            disclosureId: c.disclosure_id,
            kind: c.kind,
            text: c.text,
          })),
        })
      }
      return { meetings: out }
    },
  )

  /** The portal names a field per target on its page (`text-<id>`); the API's field is the JSON one. */
  const contributionError = (id: string) => (error: unknown) => {
    if (error instanceof SafeguardingError && error.field?.endsWith(`-${id}`))
      throw new SafeguardingError(error.code, error.message, error.field.slice(0, -id.length - 1))
    return rethrow(error)
  }
  const contribution = (made: {
    id: string
    action_id: string | null
    meeting_item_id: string | null
    disclosure_id: string | null
    kind: string
    text: string
  }) => ({
    id: made.id,
    actionId: made.action_id,
    meetingItemId: made.meeting_item_id,
    disclosureId: made.disclosure_id,
    kind: made.kind,
    text: made.text,
  })

  // The two ways a partner records what its agency knows or did: against an action given to it, or against an item
  // shared with it. One shape, one error mapping; the service holds each rule.
  const contributionRoutes = [
    {
      path: '/api/v1/partner/actions/:id/contributions',
      summary:
        'For a partner agency’s user: record what the agency knows or did (a check, a visit, an outcome) against an action given to it',
      contribute: safeguarding.partnerContributeToAction,
    },
    {
      path: '/api/v1/partner/shared-items/:id/contributions',
      summary:
        'For a partner agency’s user: record what the agency knows or did against an item shared with it at a hub meeting (the id is a `disclosureId` from /api/v1/partner/hub-items); an item not shared with the agency is not found',
      contribute: safeguarding.partnerContributeToShared,
    },
  ]
  for (const { path, summary, contribute } of contributionRoutes) {
    api.post(
      path,
      {
        config: { access: 'safeguarding-action:update-own' },
        schema: {
          tags: ['safeguarding'],
          summary,
          params: z.object({ id: z.uuid() }),
          body: ContributionInput,
          response: { 201: Contribution, ...contributionErrors },
        },
      },
      async (request, reply) => {
        const id = request.params.id
        const made = await contribute(id, request.body, userOf(request), actorOf(request)).catch(contributionError(id))
        return reply.code(201).send(contribution(made))
      },
    )
  }
}
