import { DISCLOSABLE_FIELDS } from '#src/modules/disclosures/index.ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { formatDate, londonDate } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { ROUTE_LABELS } from '#src/modules/screening/index.ts'
import type { Assessment, Route } from '#src/modules/screening/index.ts'
import type { ScreeningAnswers } from '#src/modules/screening/index.ts'
import { NrmError, NRM_EVENT_KINDS, COMPETENT_AUTHORITIES, type NrmEventKind } from './nrm.service.ts'
import { dtnSummaryPdf, nrmSummaryPdf } from './nrm.documents.ts'
import { guardVictimFacet, GENDERS } from '#src/modules/people/index.ts'
import { askWhom, isSupportWorker, victimSideAccess } from '#src/modules/people/index.ts'
import { createNrmDraftService } from './nrm.drafts.ts'
import type { WorkItemKind } from './nrm.repository.ts'
import { registerNrmDraftRoutes } from './nrm.draft.pages.ts'
import { DtnSubmissionForm, NrmEventForm, NrmSubmissionForm } from './nrm.forms.ts'

type Body = Record<string, unknown>
type PersonParams = { referralId: string; personId: string }

const WORK_LABELS: Record<WorkItemKind, string> = {
  'rg-due': 'Reasonable grounds decision due',
  'consent-at-18': 'Turns 18: ask for consent to stay in the NRM',
  'submit-nrm': 'Submit the NRM referral',
  'submit-dtn': 'Submit the Duty to Notify',
  'awaiting-cg': 'Recovery period ends: conclusive grounds decision awaited',
  'reconsideration-pending': 'Reconsideration requested: decision awaited',
  reconsider: 'Negative decision: decide whether to ask for a reconsideration',
  'move-on': 'Conclusive grounds decided: move-on support ends',
}

/** Who decides (the competent authorities, by their code) or who asked for a reconsideration: the form's choices. */
const DECIDED_BY: Record<string, string> = {
  ...COMPETENT_AUTHORITIES,
  'first-responder': 'The first responder (asking for a reconsideration)',
  'support-provider': 'The support provider (asking for a reconsideration)',
}
/** The same, as the person's NRM history reads them. Older records may hold words typed instead of a code. */
const DECIDED_BY_IN_HISTORY: Record<string, string> = {
  SCA: 'decided by the Single Competent Authority',
  IECA: 'decided by the Immigration Enforcement Competent Authority',
  LA_PILOT: 'decided by the local authority pilot panel',
  'first-responder': 'asked for by the first responder',
  'support-provider': 'asked for by the support provider',
}

function workLabel(item: { kind: WorkItemKind; outcome: string | null; due_on: string | null }, today: string): string {
  if (item.kind === 'awaiting-cg' && item.due_on !== null && item.due_on < today)
    return 'Conclusive grounds decision awaited (the minimum recovery period has ended)'
  if (item.kind === 'move-on')
    return `${item.outcome === 'positive' ? 'Positive' : 'Negative'} conclusive grounds decision: move-on support ends`
  return WORK_LABELS[item.kind]
}

/** The victim facet of a person in a referral: screening, consent, the NRM lifecycle and the Duty to Notify. */
export function registerNrmPages(app: FastifyInstance, deps: AppDeps): void {
  const { services, db, config } = deps
  const nrm = services.nrm
  const drafts = createNrmDraftService(db)
  registerNrmDraftRoutes(app, deps, drafts)

  function params(request: FastifyRequest<{ Params: PersonParams }>) {
    const { referralId, personId } = request.params
    if (!isUuid(referralId) || !isUuid(personId)) throw new NotFoundError()
    return { referralId, personId }
  }

  async function facetOrNotFound(request: FastifyRequest<{ Params: PersonParams }>) {
    const { referralId, personId } = params(request)
    return await nrm.facet(referralId, personId, actorOf(request))
  }

  async function show(
    request: FastifyRequest<{ Params: PersonParams }>,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Body = {},
    formName: string | null = null,
  ) {
    if (!(await guardVictimFacet(db, request, reply, params(request).personId))) return reply
    const facet = await facetOrNotFound(request)
    const { referralId, personId } = params(request)
    const confirmed = facet.confirmed
    const outcome = confirmed?.outcome as unknown as Assessment | undefined
    const route = confirmed?.confirmed_route as Route | undefined
    const today = londonDate()
    // Seeing the facet is not recording on it: the forms are offered only to those the access policy lets record.
    const access = await victimSideAccess(db, userOf(request), personId)
    // Whether the form prepared here is ready to send: the submission is recorded against it.
    const nrmRoute = route === 'NRM' || route === 'NRM_AND_CHILD_SAFEGUARDING'
    const form =
      access.canEdit && nrmRoute && facet.nrmReferrals.length === 0
        ? await drafts.view(referralId, personId, userOf(request), actorOf(request), { audit: false })
        : null
    return reply.page('nrm/views/facet.njk', {
      pageTitle: `${facet.subject.name ?? 'Person'}: screening, consent and NRM`,
      referralId,
      personId,
      subject: facet.subject,
      confirmed: confirmed
        ? { ...confirmed, routeLabel: ROUTE_LABELS[route as Route], confirmedOn: formatDate(confirmed.confirmed_at) }
        : null,
      drafts: facet.screenings.filter((s) => s.status === 'draft'),
      outcome,
      nrmRoute,
      form: form
        ? {
            ready: form.ready,
            missing: form.missing.length,
            homeOfficeNrmReference:
              typeof form.answers.homeOfficeNrmReference === 'string' ? form.answers.homeOfficeNrmReference : '',
          }
        : null,
      dtnRoute: route === 'DUTY_TO_NOTIFY',
      needsAuthorityChoice: outcome?.competent_authority === 'SCA_OR_LA_PILOT',
      consents: facet.consents.map((c) => ({ ...c, on: formatDate(c.recorded_on) })),
      nrmReferrals: facet.nrmReferrals.map((n) => ({
        ...n,
        submitted: formatDate(n.submitted_on),
        authority: n.competent_authority
          ? (COMPETENT_AUTHORITIES[n.competent_authority as keyof typeof COMPETENT_AUTHORITIES] ??
            n.competent_authority)
          : 'Not recorded',
        moveOnEnds: n.stage.moveOnEnds ? formatDate(n.stage.moveOnEnds) : null,
        rgDue: formatDate(n.rg_due_on),
        recoveryEnds: n.stage.recoveryPeriodEnds ? formatDate(n.stage.recoveryPeriodEnds) : null,
        events: n.events.map((e) => ({
          ...e,
          label: NRM_EVENT_KINDS[e.kind as NrmEventKind] ?? e.kind,
          on: formatDate(e.occurred_on),
          by: e.decided_by ? (DECIDED_BY_IN_HISTORY[e.decided_by] ?? `by ${e.decided_by}`) : null,
        })),
      })),
      dtn: facet.dtn.map((d) => ({ ...d, submitted: formatDate(d.submitted_on) })),
      crimeReferences: facet.crimeReferences,
      eventKinds: Object.entries(NRM_EVENT_KINDS).map(([value, text]) => ({
        value,
        text,
        selected: values.kind === value,
      })),
      authorities: Object.entries(DECIDED_BY).map(([value, text]) => ({ value, text })),
      canEdit: access.canEdit,
      canScreen: access.canEdit && can(request.user, 'screening:assess'),
      askWhom: askWhom(access),
      today,
      errors,
      errorList: errorSummary(errors),
      values,
      formName: formName,
    })
  }

  const view = { config: { access: 'victim-facet:view' as const } }
  const edit = { config: { access: 'victim-facet:edit' as const } }

  app.get<{ Params: PersonParams }>('/referrals/:referralId/people/:personId/nrm', view, (request, reply) =>
    show(request, reply),
  )

  app.post<{ Params: PersonParams; Body: Body }>(
    '/referrals/:referralId/people/:personId/nrm-referrals',
    edit,
    async (request, reply) => {
      const { referralId, personId } = params(request)
      if (!(await guardVictimFacet(db, request, reply, personId))) return reply
      const body = request.body ?? {}
      const parsed = parseForm(NrmSubmissionForm, withDateParts(body, 'submittedOn'))
      if (!parsed.ok) return show(request, reply.code(400), parsed.errors, body, 'nrm')
      try {
        const { submittedOn, ...submission } = parsed.value
        const result = await nrm.submit(
          referralId,
          personId,
          { ...submission, submittedOn: submittedOn! },
          userOf(request),
          actorOf(request),
        )
        await request.flash(
          `NRM referral recorded. Reasonable grounds decision due ${formatDate(result.rgDueOn)}${result.warning ? `. ${result.warning}` : ''}`,
        )
      } catch (error) {
        if (error instanceof NrmError && error.code !== 'not-found')
          return show(
            request,
            reply.code(error.status),
            { [error.field ?? 'submittedOn-day']: error.message },
            body,
            'nrm',
          )
        throw error
      }
      return reply.redirect(`/referrals/${referralId}/people/${personId}/nrm`, 303)
    },
  )

  app.post<{ Params: { id: string }; Body: Body }>('/nrm-referrals/:id/events', edit, async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    const body = request.body ?? {}
    const referralId = asString(body.referralId)
    const personId = asString(body.personId)
    if (!isUuid(referralId) || !isUuid(personId)) throw new NotFoundError()
    if (!(await guardVictimFacet(db, request, reply, personId))) return reply
    const again = (code: number, errors: FieldErrors) =>
      show(
        { ...request, params: { referralId, personId } } as FastifyRequest<{ Params: PersonParams }>,
        reply.code(code),
        errors,
        body,
        `event-${request.params.id}`,
      )
    const parsed = parseForm(NrmEventForm, withDateParts(body, 'occurredOn'))
    if (!parsed.ok) return again(400, parsed.errors)
    const { kind, occurredOn } = parsed.value
    try {
      await nrm.recordEvent(
        request.params.id,
        { ...parsed.value, occurredOn: occurredOn! },
        userOf(request),
        actorOf(request),
        { referralId, personId },
      )
    } catch (error) {
      if (error instanceof NrmError && error.code !== 'not-found')
        return again(error.status, { [error.field ?? 'kind']: error.message })
      throw error
    }
    await request.flash(`${NRM_EVENT_KINDS[kind]} recorded`)
    return reply.redirect(`/referrals/${referralId}/people/${personId}/nrm`, 303)
  })

  app.post<{ Params: PersonParams; Body: Body }>(
    '/referrals/:referralId/people/:personId/dtn-submissions',
    edit,
    async (request, reply) => {
      const { referralId, personId } = params(request)
      if (!(await guardVictimFacet(db, request, reply, personId))) return reply
      const body = request.body ?? {}
      const parsed = parseForm(DtnSubmissionForm, withDateParts(body, 'dtnSubmittedOn'))
      if (!parsed.ok) return show(request, reply.code(400), parsed.errors, body, 'dtn')
      const { dtnSubmittedOn, dtnReference: reference, exploitationLocation } = parsed.value
      try {
        await nrm.submitDtn(
          referralId,
          personId,
          { submittedOn: dtnSubmittedOn!, reference, exploitationLocation },
          actorOf(request),
        )
      } catch (error) {
        if (error instanceof NrmError && error.code !== 'not-found')
          return show(request, reply.code(error.status), { dtnReference: error.message }, body, 'dtn')
        throw error
      }
      await request.flash('Duty to Notify recorded')
      return reply.redirect(`/referrals/${referralId}/people/${personId}/nrm`, 303)
    },
  )

  app.get<{ Params: PersonParams }>(
    '/referrals/:referralId/people/:personId/nrm-summary.pdf',
    view,
    async (request, reply) => {
      if (!(await guardVictimFacet(db, request, reply, params(request).personId))) return reply
      const facet = await facetOrNotFound(request)
      const confirmed = facet.confirmed
      if (!confirmed) throw new NotFoundError('Confirm a screening before downloading the NRM summary')
      const consent = facet.consents.find((c) => c.purpose === 'nrm-referral') ?? null
      const draft = await drafts.view(
        params(request).referralId,
        params(request).personId,
        userOf(request),
        actorOf(request),
        { audit: false },
      )
      const latestNrm = facet.nrmReferrals[0] ?? null
      const pdf = await nrmSummaryPdf({
        reference: facet.subject.reference,
        person: {
          name: facet.subject.name,
          otherNames: facet.subject.names.slice(1),
          dateOfBirth: facet.subject.date_of_birth,
          approximateAge: facet.subject.approximate_age,
          gender: GENDERS.label(facet.subject.gender),
          nationalities: facet.subject.nationalities,
        },
        screening: {
          outcome: confirmed.outcome as unknown as Assessment,
          answers: confirmed.answers as ScreeningAnswers,
          confirmedRoute: confirmed.confirmed_route ? ROUTE_LABELS[confirmed.confirmed_route as Route] : null,
          suggestedRoute: ROUTE_LABELS[(confirmed.outcome as unknown as Assessment).route as Route] ?? null,
          overridden: confirmed.overridden,
          overrideReason: confirmed.override_reason,
          confirmedAt: confirmed.confirmed_at,
          confirmedBy: confirmed.confirmed_by_name,
        },
        consent: consent
          ? {
              decision: consent.decision,
              recordedOn: consent.recorded_on,
              explainedBy: consent.explained_by,
              interpreterLanguage: consent.interpreter_used ? consent.interpreter_language : null,
              pointsExplained: consent.points_explained,
              understanding: consent.understanding,
            }
          : null,
        form: {
          routeTitle: draft.routeTitle,
          sections: draft.sections.map((s) => ({
            title: s.title,
            rows: s.questions.filter((q) => q.answer).map((q) => ({ question: q.question, answer: q.answer! })),
          })),
          missing: draft.missing.map((q) => q.question),
        },
        nrm: latestNrm
          ? {
              submittedOn: latestNrm.submitted_on,
              nrmReference: latestNrm.nrm_reference,
              firstResponderOrganisation: latestNrm.first_responder_organisation,
              rgDueOn: latestNrm.rg_due_on,
              competentAuthority: latestNrm.competent_authority,
            }
          : null,
      })
      await nrm.recordDownload(actorOf(request), params(request).personId, 'nrm-summary')
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="nrm-summary-${facet.subject.reference}.pdf"`)
        .send(pdf)
    },
  )

  app.get<{ Params: { id: string } }>('/dtn-submissions/:id/summary.pdf', view, async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    const row = await nrm.dtn(request.params.id)
    if (row.person_id && !(await guardVictimFacet(db, request, reply, row.person_id))) return reply
    const pdf = await dtnSummaryPdf({
      submittedOn: row.submitted_on,
      reference: row.reference,
      nation: row.nation,
      encounteredBy: row.encountered_by,
      gender: GENDERS.label(row.gender),
      nationality: row.nationality,
      ageAtExploitation: row.age_at_exploitation,
      exploitationTypes: row.exploitation_types,
      exploitationLocation: row.exploitation_location,
    })
    await nrm.recordDownload(actorOf(request), row.person_id ?? row.referral_id, 'dtn-summary')
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="duty-to-notify-${row.submitted_on}.pdf"`)
      .send(pdf)
  })

  // Everyone signed in has a work list: NRM steps for those who work victims' cases, tasks for all.
  app.get<{ Querystring: { show?: string } }>(
    '/my-work',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const supervisor = can(request.user, 'team:supervise')
      const everyone = supervisor && request.query.show !== 'mine'
      const items = can(request.user, 'victim-facet:view')
        ? await nrm.workItems(userOf(request).id, everyone, actorOf(request))
        : []
      const tasks = can(request.user, 'case:view') ? await services.cases.openTasks(userOf(request), everyone) : []
      const overdueActions = await services.safeguarding.overdueActions(userOf(request).id, everyone)
      // An ISA's victims: those a supervisor assigned them to support, each with their safeguarding plan.
      const supported = can(request.user, 'victim-facet:view')
        ? await services.supportWorkers.supportedBy(userOf(request), actorOf(request))
        : []
      // Support work due: referrals out with no answer past their follow-up date, and safeguarding reviews coming up,
      // for the victims the user holds a duty to (the whole team's in a supervisor's team view).
      const worksSupport = can(request.user, 'victim-facet:view') && can(request.user, 'safeguarding-plan:edit')
      const stalled = worksSupport
        ? await services.support.stalledReferrals(userOf(request), everyone, actorOf(request))
        : []
      const reviews = worksSupport
        ? await services.safeguarding.reviewsDue(
            userOf(request),
            everyone,
            config.supportReviewLookaheadDays,
            actorOf(request),
          )
        : []
      // A supervisor's approvals queue: every disclosure waiting for approval, oldest first.
      const approvals = await services.disclosures.awaitingApproval(userOf(request), actorOf(request))
      const today = londonDate()
      return reply.page('nrm/views/my-work.njk', {
        pageTitle: 'My work',
        canApprove: can(request.user, 'disclosure:approve'),
        approvals: approvals.map((d) => ({
          ...d,
          requested: formatDate(d.created_at),
          days: Math.max(0, Math.floor((Date.now() - new Date(d.created_at).getTime()) / 86_400_000)),
          fieldsLabel: d.fields
            .map((f) => DISCLOSABLE_FIELDS[f as keyof typeof DISCLOSABLE_FIELDS]?.label ?? f)
            .join(', '),
        })),
        supervisor,
        everyone,
        items: items.map((i) => ({
          ...i,
          label: workLabel(i, today),
          due: i.due_on ? formatDate(i.due_on) : null,
          // Only a step someone must take by a date can be overdue: a recovery period or move-on simply ends.
          overdue: i.due_on !== null && i.due_on < today && (i.kind === 'rg-due' || i.kind === 'consent-at-18'),
          href: `/referrals/${i.referral_id}/people/${i.person_id}/nrm`,
        })),
        tasks: tasks.map((t) => ({
          ...t,
          due: t.due_on ? formatDate(t.due_on) : null,
          overdue: t.due_on !== null && t.due_on < today,
        })),
        safeguardingActions: overdueActions.map((a) => ({
          ...a,
          due: formatDate(a.due_on),
          href: a.person_id
            ? `/people/${a.person_id}/safeguarding-plan`
            : a.meeting_id
              ? `/hub-meetings/${a.meeting_id}`
              : null,
        })),
        supported: supported.map((p) => ({ ...p, since: formatDate(p.assigned_at) })),
        worksSupport,
        reviewLookahead: config.supportReviewLookaheadDays,
        stalled: stalled.map((r) => ({ ...r, made: formatDate(r.made_on), followUp: formatDate(r.follow_up_on) })),
        reviews: reviews.map((r) => ({ ...r, due: formatDate(r.due_on), overdue: r.due_on < today })),
        showSupported: supported.length > 0 || isSupportWorker(request.user),
        // The owner of an action may close it (the safeguarding service decides); the route needs plan work.
        canCloseActions: can(request.user, 'safeguarding-plan:edit'),
      })
    },
  )
}
