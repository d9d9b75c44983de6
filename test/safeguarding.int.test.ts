import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { londonDate } from '#src/shared/dates.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'
import { pdfText } from './support/pdf-text.ts'
import { buildSharingAgreement, dateFields, daysFromToday } from './support/builders.ts'

// The page's main content, without the per-response request id: what the user reads.
const mainOf = (html: string) =>
  (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '')

let ctx: TestContext
let victimDc: { id: string; email: string }
let victimSide: PageClient
let suspectSide: PageClient
let supervisor: PageClient
let supervisorId: string
let partnerA: PageClient
let victimToken: string
let suspectToken: string
let personId: string
let agencyA: string
let agencyB: string
let planReference: string

beforeAll(async () => {
  ctx = await createTestContext()
  victimDc = await createUser(ctx, 'investigator', 'dc.victim@test.lantern')
  await ctx.db.updateTable('users').set({ display_name: 'DC Asha Victimside' }).where('id', '=', victimDc.id).execute()
  const suspectDc = await createUser(ctx, 'investigator', 'dc.suspect@test.lantern')
  victimToken = await apiToken(ctx, victimDc.email)
  suspectToken = await apiToken(ctx, suspectDc.email)
  const post = (token: string, url: string, payload: object) =>
    ctx.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload })
  // A 15-year-old found at a cannabis grow: a child, so the plan should flag the missing guardian.
  const referral = (
    await post(victimToken, '/api/v1/referrals', {
      receivedAt: daysFromToday(-2),
      source: 'police',
      summary: 'Boy found working at a cannabis grow',
      people: [
        { names: ['Tuan Pham'], approximateAge: 15, gender: 'male', nationalities: ['VN'], role: 'potential-victim' },
      ],
    })
  ).json()
  personId = referral.people[0].personId
  await post(victimToken, `/api/v1/referrals/${referral.id}/assignment`, { assigneeId: victimDc.id, note: null })
  // The same boy is a suspect in another officer's live job.
  const other = (
    await post(suspectToken, '/api/v1/referrals', {
      receivedAt: daysFromToday(-60),
      source: 'police',
      summary: 'Cannabis grow at a farm unit',
      people: [{ names: ['Gary Nolan'], approximateAge: 40, gender: 'male', role: 'suspected-exploiter' }],
    })
  ).json()
  const opened = await post(suspectToken, '/api/v1/cases', { referralId: other.id, title: 'Farm unit grow' })
  expect(opened.statusCode).toBe(201)
  expect(
    (await post(suspectToken, `/api/v1/cases/${opened.json().id}/people`, { personId, role: 'suspect' })).statusCode,
  ).toBe(201)

  victimSide = new PageClient(ctx.app)
  await victimSide.signIn(victimDc.email)
  suspectSide = new PageClient(ctx.app)
  await suspectSide.signIn(suspectDc.email)
  supervisor = new PageClient(ctx.app)
  const supervisorUser = await createUser(ctx, 'supervisor')
  supervisorId = supervisorUser.id
  await supervisor.signIn(supervisorUser.email)

  const agencies = await ctx.db.selectFrom('agencies').select(['id', 'kind']).execute()
  agencyA = agencies.find((a) => a.kind === 'childrens-services')!.id
  agencyB = agencies.find((a) => a.kind === 'victim-care')!.id
  const pa = await createUser(ctx, 'partner', 'partner.a@test.lantern')
  await ctx.db.updateTable('users').set({ agency_id: agencyA }).where('id', '=', pa.id).execute()
  partnerA = new PageClient(ctx.app)
  await partnerA.signIn(pa.email)
})
afterAll(() => ctx.close())

describe('a safeguarding plan', () => {
  it('is started by the officer on the victim side, with risks, needs, actions and reviews, and flags a child without a guardian', async () => {
    await victimSide.get(`/people/${personId}`)
    expect((await victimSide.get(`/people/${personId}`)).body).toContain(`/people/${personId}/safeguarding-plan`)
    const empty = await victimSide.get(`/people/${personId}/safeguarding-plan`)
    expect(empty.body).toContain('Start a safeguarding plan')
    expect((await victimSide.post(`/people/${personId}/safeguarding-plan`, {})).statusCode).toBe(303)
    expect(
      (
        await victimSide.post(`/people/${personId}/safeguarding-plan/risks`, {
          description: 'Re-trafficking by the grow’s organisers',
          rating: 'red',
          rationale: 'Owes a debt; the group knows where he stays',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await victimSide.post(`/people/${personId}/safeguarding-plan/needs`, {
          kind: 'interpreter',
          detail: 'Vietnamese',
          status: 'met',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (await victimSide.post(`/people/${personId}/safeguarding-plan/reviews`, dateFields('dueOn', daysFromToday(3))))
        .statusCode,
    ).toBe(303)
    const page = await victimSide.get(`/people/${personId}/safeguarding-plan`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Re-trafficking by the grow’s organisers')
    expect(page.body).toContain('Interpreter')
    expect(page.body).toContain('no Independent Child Trafficking Guardian in place')
    planReference = /SP-\d{4}-\d{6}/.exec(page.body)![0]

    const ictg = await victimSide.post(`/people/${personId}/safeguarding-plan/needs`, {
      kind: 'ictg',
      detail: 'Allocated by Barnardo’s',
      status: 'met',
    })
    expect(ictg.statusCode).toBe(303)
    expect((await victimSide.get(`/people/${personId}/safeguarding-plan`)).body).not.toContain(
      'no Independent Child Trafficking Guardian in place',
    )

    const views = await ctx.db
      .selectFrom('audit_events')
      .select(['category', 'details'])
      .where('action', '=', 'safeguarding-plan.viewed')
      .where('subject_id', '=', personId)
      .execute()
    expect(views.length).toBeGreaterThanOrEqual(3)
    expect(views.every((v) => v.category === 'consultation')).toBe(true)
    expect(JSON.stringify(views)).not.toContain('Tuan')
  })

  it('is never shown to an officer working only the suspect side: they are told it exists and whom to ask', async () => {
    const page = await suspectSide.get(`/people/${personId}/safeguarding-plan`)
    expect(page.statusCode).toBe(403)
    expect(page.body).toContain('This person’s victim information is protected')
    expect(page.body).toContain('DC Asha Victimside')
    expect(page.body).not.toContain('Re-trafficking')
    expect(page.body).not.toContain(planReference)
    expect(
      (
        await suspectSide.post(`/people/${personId}/safeguarding-plan/risks`, {
          description: 'x',
          rating: 'red',
          rationale: 'y',
        })
      ).statusCode,
    ).toBe(403)
    expect((await suspectSide.get(`/people/${personId}/safeguarding-plan/risks/new`)).statusCode).toBe(403)

    const api = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}/safeguarding-plan`,
      headers: { authorization: `Bearer ${suspectToken}` },
    })
    expect(api.statusCode).toBe(403)
    expect(api.json().detail).toContain('Ask DC Asha Victimside')
    expect(api.body).not.toContain('Re-trafficking')
    expect(api.body).not.toContain(planReference)
    const write = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${personId}/safeguarding-plan/risks`,
      headers: { authorization: `Bearer ${suspectToken}` },
      payload: { description: 'x', rating: 'red', rationale: 'y' },
    })
    expect(write.statusCode).toBe(403)

    expect((await supervisor.get(`/people/${personId}/safeguarding-plan`)).body).toContain('Re-trafficking')
    const own = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}/safeguarding-plan`,
      headers: { authorization: `Bearer ${victimToken}` },
    })
    expect(own.json().plan.reference).toBe(planReference)
    expect(own.json().plan.risks[0]).toMatchObject({
      rating: 'red',
      description: 'Re-trafficking by the grow’s organisers',
    })
  })

  it('explains bad input on the pages, keeping what was typed, and in API problems with field pointers', async () => {
    await victimSide.get(`/people/${personId}/safeguarding-plan/risks/new`)
    const bad = await victimSide.post(`/people/${personId}/safeguarding-plan/risks`, {
      description: '',
      rationale: 'Seen with the organisers twice this week',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('There is a problem')
    expect(bad.body).toContain('Enter the risk')
    expect(bad.body).toContain('Select a rating: red, amber or green')
    expect(bad.body).toContain('Seen with the organisers twice this week')

    const badAction = await victimSide.post(`/people/${personId}/safeguarding-plan/actions`, {
      text: 'Move to a safe placement',
      owner: '',
      'dueOn-day': '31',
      'dueOn-month': '2',
      'dueOn-year': '2026',
    })
    expect(badAction.statusCode).toBe(400)
    expect(badAction.body).toContain('Select who owns the action')
    expect(badAction.body).toContain('Due date must be a real date')
    expect(badAction.body).toContain('Move to a safe placement')

    const badNeed = await victimSide.post(`/people/${personId}/safeguarding-plan/needs`, {
      kind: 'other',
      detail: ' ',
      status: '',
    })
    expect(badNeed.statusCode).toBe(400)
    expect(badNeed.body).toContain('<a href="#detail">Describe the need')
    expect(badNeed.body).toContain('<a href="#status">Select whether the need is met')

    const headers = { authorization: `Bearer ${victimToken}` }
    const rating = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${personId}/safeguarding-plan/risks`,
      headers,
      payload: { description: 'Debt', rating: 'purple', rationale: 'Owes money' },
    })
    expect(rating.statusCode).toBe(400)
    expect(rating.json().errors[0]).toMatchObject({ pointer: '/rating', detail: 'Rating must be red, amber or green' })
    const owners = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${personId}/safeguarding-plan/actions`,
      headers,
      payload: { text: 'Visit', ownerUserId: victimDc.id, ownerAgencyId: agencyA, dueOn: daysFromToday(5) },
    })
    expect(owners.statusCode).toBe(400)
    expect(owners.json().errors[0].pointer).toBe('/ownerUserId')
    const unknownAgency = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${personId}/safeguarding-plan/actions`,
      headers,
      payload: { text: 'Visit', ownerAgencyId: '01900000-0000-7000-8000-000000000000', dueOn: daysFromToday(5) },
    })
    expect(unknownAgency.statusCode).toBe(400)
    expect(unknownAgency.json().errors[0]).toMatchObject({
      pointer: '/ownerUserId',
      detail: 'Select an agency from the partner directory',
    })
    const cancel = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${personId}/safeguarding-plan/actions`,
      headers,
      payload: { text: 'Book a GP appointment', ownerUserId: victimDc.id, dueOn: daysFromToday(5) },
    })
    const noReason = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/safeguarding-actions/${cancel.json().id}`,
      headers,
      payload: { status: 'cancelled' },
    })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().errors[0]).toMatchObject({ pointer: '/note', detail: 'Say why the action is cancelled' })
    expect(
      (
        await ctx.app.inject({
          method: 'PATCH',
          url: `/api/v1/safeguarding-actions/${cancel.json().id}`,
          headers,
          payload: { status: 'done', note: 'Registered with the practice' },
        })
      ).statusCode,
    ).toBe(204)
    // Nothing half-written: the refused requests left no risk or action behind.
    const risks = await ctx.db.selectFrom('safeguarding_risks').select('description').execute()
    expect(risks.map((r) => r.description)).toEqual(['Re-trafficking by the grow’s organisers'])
  })

  it('puts overdue actions on their owner’s My work, where the owner can complete them', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${personId}/safeguarding-plan/actions`,
      headers: { authorization: `Bearer ${victimToken}` },
      payload: { text: 'Return home interview', ownerUserId: victimDc.id, dueOn: daysFromToday(-1) },
    })
    expect(created.statusCode).toBe(201)
    const mine = await victimSide.get('/my-work')
    expect(mine.body).toContain('Overdue safeguarding actions')
    expect(mine.body).toContain('Return home interview')
    expect(mine.body).toContain(planReference)
    expect((await suspectSide.get('/my-work')).body).not.toContain('Return home interview')
    const done = await victimSide.post(`/safeguarding-actions/${created.json().id}`, {
      status: 'done',
      returnTo: 'my-work',
    })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/my-work')
    expect((await victimSide.get('/my-work')).body).not.toContain('Return home interview')
  })
})

describe('partner users', () => {
  let ownIds: string[] = []

  it('see only their own agency’s actions, by plan reference and never the person’s name', async () => {
    const headers = { authorization: `Bearer ${victimToken}` }
    const add = async (text: string, owner: object) =>
      (
        await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/people/${personId}/safeguarding-plan/actions`,
          headers,
          payload: { text, dueOn: daysFromToday(7), ...owner },
        })
      ).json().id as string
    ownIds = [
      await add('Arrange a foster placement', { ownerAgencyId: agencyA }),
      await add('Strategy discussion', { ownerAgencyId: agencyA }),
    ]
    await add('Support worker visit', { ownerAgencyId: agencyB })
    const page = await partnerA.get('/partner/actions')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Arrange a foster placement')
    expect(page.body).toContain('Strategy discussion')
    expect(page.body).toContain(planReference)
    expect(page.body).not.toContain('Support worker visit')
    expect(page.body).not.toContain('Tuan')
    expect(page.body).not.toContain('Pham')
    expect(page.body).not.toContain('Re-trafficking')
    expect(page.body).not.toContain(personId)
  })

  it('cannot reach any other action by a guessed id: every one is the same 404 as an id that does not exist', async () => {
    const missing = await partnerA.post('/partner/actions/01900000-0000-7000-8000-000000000000', {
      done: 'yes',
      note: 'x',
    })
    expect(missing.statusCode).toBe(404)
    expect(mainOf(missing.body)).toContain('Page not found')
    const others = await ctx.db
      .selectFrom('safeguarding_actions')
      .select(['id', 'status', 'updated_at'])
      .where((eb) => eb.or([eb('owner_agency_id', '<>', agencyA), eb('owner_agency_id', 'is', null)]))
      .execute()
    expect(others.length).toBeGreaterThan(2)
    for (const other of others) {
      const response = await partnerA.post(`/partner/actions/${other.id}`, { done: 'yes', note: 'Done by us' })
      expect(response.statusCode).toBe(404)
      expect(mainOf(response.body)).toBe(mainOf(missing.body))
    }
    const after = await ctx.db
      .selectFrom('safeguarding_actions')
      .select(['id', 'status', 'updated_at'])
      .where((eb) => eb.or([eb('owner_agency_id', '<>', agencyA), eb('owner_agency_id', 'is', null)]))
      .execute()
    expect(after).toEqual(others)
    expect(
      await ctx.db.selectFrom('safeguarding_action_updates').select('id').where('note', '=', 'Done by us').execute(),
    ).toEqual([])
    // And the team's pages and API are closed to them.
    expect((await partnerA.get(`/people/${personId}/safeguarding-plan`)).statusCode).toBe(403)
    expect((await partnerA.get('/hub-meetings')).statusCode).toBe(403)
  })

  it('mark their action done with an update, and need an update or "done" to save', async () => {
    const empty = await partnerA.post(`/partner/actions/${ownIds[0]}`, { note: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter an update, or mark the action as done')
    expect(
      (
        await partnerA.post(`/partner/actions/${ownIds[0]}`, {
          note: 'Placement found with a specialist carer',
          done: 'yes',
        })
      ).statusCode,
    ).toBe(303)
    const row = await ctx.db
      .selectFrom('safeguarding_actions')
      .select(['status', 'closed_at'])
      .where('id', '=', ownIds[0])
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('done')
    expect(row.closed_at).not.toBeNull()
    const plan = await victimSide.get(`/people/${personId}/safeguarding-plan`)
    expect(plan.body).toContain('Placement found with a specialist carer')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'safeguarding-action.updated')
      .where('subject_id', '=', agencyA)
      .execute()
    expect(audit.map((a) => a.details)).toContainEqual({ actionId: ownIds[0], status: 'done', byPartner: true })
  })
})

describe('safeguarding hub meetings', () => {
  let meetingId: string

  it('build an agenda from new referrals in the period and plans due for review', async () => {
    await supervisor.get('/hub-meetings')
    const bad = await supervisor.post('/hub-meetings', { title: '', referralDays: '0' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter a title for the meeting')
    expect(bad.body).toContain('Enter meeting date')
    expect(bad.body).toContain('Days of new referrals must be a whole number from 1 to 365')
    const created = await supervisor.post('/hub-meetings', {
      title: 'Riverton safeguarding hub',
      referralDays: '14',
      ...dateFields('heldOn', londonDate()),
    })
    expect(created.statusCode).toBe(303)
    meetingId = created.headers.location!.split('/').pop()!
    const page = await supervisor.get(`/hub-meetings/${meetingId}`)
    expect(page.body).toContain(`Plan ${planReference}`)
    const items = await ctx.db
      .selectFrom('hub_meeting_items')
      .innerJoin('referrals', 'referrals.id', 'hub_meeting_items.referral_id')
      .select(['referrals.summary'])
      .where('meeting_id', '=', meetingId)
      .execute()
    // The boy's referral from two days ago is on it; the farm unit referral from 60 days ago (now a live job) is not.
    expect(items.map((i) => i.summary)).toEqual(['Boy found working at a cannabis grow'])
    expect(page.body).not.toContain('Tuan')
  })

  it('record attendance, decisions and actions, and produce minutes with the decisions and no person names', async () => {
    const items = await ctx.db
      .selectFrom('hub_meeting_items')
      .select(['id', 'kind'])
      .where('meeting_id', '=', meetingId)
      .orderBy('position')
      .execute()
    const planItem = items.find((i) => i.kind === 'plan-review')!.id
    const referralItem = items.find((i) => i.kind === 'new-referral')!.id
    await supervisor.get(`/hub-meetings/${meetingId}`)
    expect(
      (
        await supervisor.post(`/hub-meetings/${meetingId}/attendance`, {
          userIds: [victimDc.id],
          agencyIds: [agencyA, agencyB],
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await supervisor.post(`/hub-meetings/${meetingId}/decisions`, {
          decisionItem: planItem,
          decision: `Plan ${planReference} stays red until the placement is confirmed`,
        })
      ).statusCode,
    ).toBe(303)
    const noOwner = await supervisor.post(`/hub-meetings/${meetingId}/actions`, {
      actionItem: planItem,
      text: 'Confirm the placement',
      owner: '',
      ...dateFields('dueOn', daysFromToday(7)),
    })
    expect(noOwner.statusCode).toBe(400)
    expect(noOwner.body).toContain('Select who owns the action')
    expect(noOwner.body).toContain('Confirm the placement')
    // An agency is never given an action about someone as a bare reference: that is done from the item's page.
    const bare = await supervisor.post(`/hub-meetings/${meetingId}/actions`, {
      actionItem: planItem,
      text: 'Confirm the placement at the next visit',
      owner: `agency:${agencyA}`,
      ...dateFields('dueOn', daysFromToday(7)),
    })
    expect(bare.statusCode).toBe(400)
    expect(bare.body).toContain('Give an agency an action about someone from the agenda item’s page')
    // The meeting is held under an agreement with both agencies; the actions go with what each agency needs.
    const isa = await buildSharingAgreement(
      ctx,
      { actor: { userId: supervisorId } },
      {
        title: 'Hub ISA',
        purposes: 'Safeguarding children at risk of exploitation',
        startsOn: daysFromToday(-30),
        endsOn: daysFromToday(200),
        agencyIds: [agencyA, agencyB],
      },
    )
    expect(
      (
        await supervisor.post(`/hub-meetings/${meetingId}/attendance`, {
          userIds: [victimDc.id],
          agencyIds: [agencyA, agencyB],
          agreementId: isa,
        })
      ).statusCode,
    ).toBe(303)
    for (const [item, text, agency, due] of [
      [planItem, 'Confirm the placement at the next visit', agencyA, 7],
      [referralItem, 'Check school attendance records', agencyB, 5],
    ] as const) {
      await supervisor.get(`/hub-meetings/${meetingId}/items/${item}`)
      const given = await supervisor.post(`/hub-meetings/${meetingId}/items/${item}`, {
        personId,
        agencyId: agency,
        fields: ['date-of-birth', 'exploitation-types'],
        purpose: '',
        text,
        ...dateFields('dueOn', daysFromToday(due)),
      })
      expect(given.statusCode, given.body.slice(0, 200)).toBe(303)
    }
    // The plan-review action went into the plan; the referral one stands alone with its owner.
    const actions = await ctx.db
      .selectFrom('safeguarding_actions')
      .select(['text', 'plan_id'])
      .where('meeting_id', '=', meetingId)
      .orderBy('created_at')
      .execute()
    expect(actions.map((a) => [a.text, a.plan_id !== null])).toEqual([
      ['Confirm the placement at the next visit', true],
      ['Check school attendance records', false],
    ])

    const pdf = await supervisor.get(`/hub-meetings/${meetingId}/minutes.pdf`)
    expect(pdf.statusCode).toBe(200)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    const text = await pdfText(pdf.rawPayload)
    expect(text).toContain(`Plan ${planReference} stays red until the placement is confirmed`)
    expect(text).toContain('Confirm the placement at the next visit')
    expect(text).toContain('Check school attendance records')
    expect(text).toContain('DC Asha Victimside')
    expect(text).toContain('Local authority children’s services')
    for (const name of ['Tuan', 'Pham', 'Gary', 'Nolan']) expect(text).not.toContain(name)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['category'])
      .where('action', '=', 'hub-meeting.minutes-downloaded')
      .where('subject_id', '=', meetingId)
      .execute()
    expect(audit).toEqual([{ category: 'disclosure' }])
  })

  it('show a partner attendee only the items where their agency owns an action, with those actions only', async () => {
    const view = await partnerA.get(`/partner/meetings/${meetingId}`)
    expect(view.statusCode).toBe(200)
    expect(view.body).toContain('Confirm the placement at the next visit')
    expect(view.body).toContain(planReference)
    expect(view.body).not.toContain('Check school attendance records')
    expect(view.body).not.toContain('stays red')
    expect(view.body).not.toContain('Tuan')
    expect(view.body).not.toContain('REF-')
    const other = await supervisor.post('/hub-meetings', {
      title: 'Another hub',
      referralDays: '14',
      ...dateFields('heldOn', londonDate()),
    })
    expect(
      (await partnerA.get(other.headers.location!.replace('/hub-meetings/', '/partner/meetings/'))).statusCode,
    ).toBe(404)
  })
})

describe('a long hub meeting agenda', () => {
  // The agenda as the chair reads it: from its heading to the form that records a decision.
  const agendaOf = (html: string) =>
    /<h2 class="govuk-heading-m">Agenda<\/h2>([\s\S]*?)<h2 class="govuk-heading-m">Record a decision<\/h2>/.exec(
      html,
    )?.[1] ?? ''
  const textOf = (html: string) =>
    html
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  const newReferral = (summary: string) =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${victimToken}` },
      payload: {
        receivedAt: daysFromToday(-1),
        source: 'police',
        summary,
        people: [{ names: ['Nguyen Van An'], approximateAge: 30, gender: 'male', role: 'potential-victim' }],
      },
    })
  const createMeeting = async (title: string) => {
    const created = await supervisor.post('/hub-meetings', {
      title,
      referralDays: '14',
      ...dateFields('heldOn', londonDate()),
    })
    expect(created.statusCode).toBe(303)
    const id = created.headers.location!.split('/').pop()!
    const items = await ctx.db
      .selectFrom('hub_meeting_items')
      .select(['id'])
      .where('meeting_id', '=', id)
      .orderBy('position')
      .execute()
    return { id, items: items.map((i) => i.id) }
  }

  it('shows every item open at 8 items or fewer, and past 8 folds the items with nothing recorded into details, in their place', async () => {
    // Fill the agenda to exactly 8 items with new referrals.
    const probe = await createMeeting('Probe hub')
    expect(probe.items.length).toBeLessThanOrEqual(8)
    for (let n = probe.items.length; n < 8; n++)
      expect((await newReferral(`Man found at a car wash, ${n}`)).statusCode).toBe(201)
    const eight = await createMeeting('Hub with eight items')
    expect(eight.items).toHaveLength(8)
    const short = agendaOf((await supervisor.get(`/hub-meetings/${eight.id}`)).body)
    expect(short).not.toContain('<details')
    expect(short).not.toContain('nothing recorded yet')
    expect(short.match(/<h3 class="govuk-heading-s">/g)).toHaveLength(8)
    expect(short.match(/No decisions or actions yet\./g)).toHaveLength(8)

    // A ninth: now the items with nothing recorded fold, and the two with a decision or an action stay open.
    expect((await newReferral('Woman found at a nail bar')).statusCode).toBe(201)
    const nine = await createMeeting('Hub with nine items')
    expect(nine.items).toHaveLength(9)
    await supervisor.get(`/hub-meetings/${nine.id}`)
    expect(
      (
        await supervisor.post(`/hub-meetings/${nine.id}/decisions`, {
          decisionItem: nine.items[1],
          decision: 'Refer to the local authority for a welfare visit',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await supervisor.post(`/hub-meetings/${nine.id}/actions`, {
          actionItem: nine.items[4],
          text: 'Visit the car wash with the GLAA',
          owner: `user:${victimDc.id}`,
          ...dateFields('dueOn', daysFromToday(7)),
        })
      ).statusCode,
    ).toBe(303)
    const long = agendaOf((await supervisor.get(`/hub-meetings/${nine.id}`)).body)
    const folded = [...long.matchAll(/<details class="govuk-details[^"]*">([\s\S]*?)<\/details>/g)].map((m) =>
      textOf(m[1]),
    )
    expect(folded).toHaveLength(7)
    for (const item of folded)
      expect(item).toMatch(/^\d\. (New referral|Plan due for review): .* \(nothing recorded yet\)/)
    // The folded items keep their place in the agenda: numbers 1, 3, 4, 6, 7, 8 and 9.
    expect(folded.map((item) => Number(item[0]))).toEqual([1, 3, 4, 6, 7, 8, 9])
    const open = textOf(long.replace(/<details[\s\S]*?<\/details>/g, ''))
    expect(open).toContain('Decision: Refer to the local authority for a welfare visit')
    expect(open).toContain('Action: Visit the car wash with the GLAA')
    expect(open).toMatch(
      /^2\. .*Decision: Refer to the local authority for a welfare visit 5\. .*Action: Visit the car wash with the GLAA/,
    )
    expect(open).not.toContain('No decisions or actions yet')
  })
})
