import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'
import { buildLiveJob, buildReferral, buildUser, type BuiltUser, type ReferralFields } from './support/builders.ts'

let ctx: TestContext
let dc: PageClient
let ds: PageClient
let officer: BuiltUser
let token: string

function referral(people: ReferralFields['people']) {
  return buildReferral(ctx, officer, {
    summary: 'Boy found dealing in a flat',
    countyLines: true,
    exploitationTypes: ['criminal'],
    people,
    locations: [{ addressLine1: '7 Chapel Row', postcode: 'M8 4AB', premisesType: 'private-house' }],
  })
}

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await buildUser(ctx, 'investigator')
  token = await apiToken(ctx, officer.email)
  dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
  ds = new PageClient(ctx.app)
  await ds.signIn((await createUser(ctx, 'supervisor')).email)
})
afterAll(() => ctx.close())

describe('live jobs', () => {
  it('opens a case from a referral, carrying its people and places across, and moves the referral on', async () => {
    const r = await referral([
      { names: ['Tyler Reid'], approximateAge: 15, gender: 'male', role: 'potential-victim' },
      { names: ['Jordan Price'], approximateAge: 24, gender: 'male', role: 'suspected-exploiter' },
    ])
    await dc.get(`/referrals/${r.id}`)
    const empty = await dc.post(`/referrals/${r.id}/cases`, { title: ' ', kind: 'county-lines' })
    expect(empty.headers.location).toBe(`/referrals/${r.id}#open-case`)
    expect((await dc.get(`/referrals/${r.id}`)).body).toContain(
      'The live job was not opened: Enter a title for the live job',
    )
    const opened = await dc.post(`/referrals/${r.id}/cases`, {
      title: 'Operation Tacit: M8 line',
      kind: 'county-lines',
    })
    expect(opened.statusCode).toBe(303)
    const page = await dc.get(opened.headers.location!)
    expect(page.body).toMatch(/Live job CASE-\d{4}-\d{6} opened/)
    expect(page.body).toContain('Tyler Reid')
    expect(page.body).toContain('Jordan Price')
    expect(page.body).toContain('7 Chapel Row')
    expect(page.body).toContain('Child')
    const status = await ctx.db
      .selectFrom('referrals')
      .select('status')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow()
    expect(status.status).toBe('opened-as-case')
  })

  it('presumes a child on the live job when the age is disputed, even with a date of birth that makes them an adult', async () => {
    const r = await referral([
      {
        names: ['Dritan Hoxha'],
        dateOfBirth: '2001-03-04',
        ageDisputed: true,
        gender: 'male',
        role: 'potential-victim',
      },
      { names: ['Arben Krasniqi'], dateOfBirth: '2001-03-04', gender: 'male', role: 'potential-victim' },
    ])
    await dc.get(`/referrals/${r.id}`)
    const page = await dc.get(
      (await dc.post(`/referrals/${r.id}/cases`, { title: 'Car wash on Mill Lane', kind: 'investigation' })).headers
        .location!,
    )
    const row = (name: string) => new RegExp(`${name}</a>(?:(?!</tr>)[\\s\\S])*</tr>`).exec(page.body)?.[0] ?? ''
    expect(row('Dritan Hoxha')).toContain('govuk-tag--red">Child</strong>')
    expect(row('Arben Krasniqi')).toContain('Krasniqi')
    expect(row('Arben Krasniqi')).not.toContain('Child</strong>')
  })

  it('lets one person be a victim in one case and a suspect in another, and shows both roles on their record', async () => {
    const first = await referral([
      { names: ['Kyle Walsh'], approximateAge: 17, gender: 'male', role: 'potential-victim' },
    ])
    await dc.get(`/referrals/${first.id}`)
    const caseA = (await dc.post(`/referrals/${first.id}/cases`, { title: 'Kyle exploited', kind: 'county-lines' }))
      .headers.location!
    const second = await referral([{ names: ['Someone Else'], approximateAge: 30, gender: 'male', role: 'witness' }])
    await dc.get(`/referrals/${second.id}`)
    const caseB = (await dc.post(`/referrals/${second.id}/cases`, { title: 'Robbery series', kind: 'investigation' }))
      .headers.location!
    const kyleId = first.people[0].personId
    await dc.get(caseB)
    expect((await dc.post(`${caseB}/people`, { personId: kyleId, role: 'suspect' })).statusCode).toBe(303)
    const again = await dc.post(`${caseB}/people`, { personId: kyleId, role: 'suspect' })
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('That person already has this role in the case')
    // The list filters by kind and by status.
    const countyLines = await dc.get('/cases?kind=county-lines&status=all')
    expect(countyLines.body).toContain('Kyle exploited')
    expect(countyLines.body).not.toContain('Robbery series')
    const investigations = await dc.get('/cases?kind=investigation')
    expect(investigations.body).toContain('Robbery series')
    expect(investigations.body).not.toContain('Kyle exploited')
    expect((await dc.get('/cases?status=closed')).body).not.toContain('Robbery series')
    const person = await dc.get(`/people/${kyleId}`)
    expect(person.body).toContain('Potential victim')
    expect(person.body).toContain('Suspect')
    expect((await dc.get(caseA)).statusCode).toBe(200)
  })

  it('adds a deal line and a cuckooed address, with the child who works the line obvious', async () => {
    const r = await referral([
      { names: ['Reece Hughes'], approximateAge: 14, gender: 'male', role: 'potential-victim' },
    ])
    await dc.get(`/referrals/${r.id}`)
    const url = (await dc.post(`/referrals/${r.id}/cases`, { title: 'Bando line', kind: 'county-lines' })).headers
      .location!
    await dc.get(url)
    const bad = await dc.post(`${url}/deal-lines`, {
      number: '999',
      lineName: '',
      dealPersonId: '',
      dealRelation: 'works',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('at least 4 of its digits')
    expect(
      (
        await dc.post(`${url}/deal-lines`, {
          number: '07700 123456',
          lineName: 'Bando',
          area: 'Blackpool',
          'activeFrom-day': '1',
          'activeFrom-month': '5',
          'activeFrom-year': '2026',
          dealPersonId: r.people[0].personId,
          dealRelation: 'works',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await dc.post(`${url}/cuckooed-addresses`, {
          addressLine1: '12 Albert Street',
          town: 'Blackpool',
          cuckooPostcode: 'fy1 3ab',
          occupantName: 'Dean Morris',
          vulnerability: 'learning disability',
        })
      ).statusCode,
    ).toBe(303)
    const page = await dc.get(url)
    expect(page.body).toContain('Bando line: 07700 123456')
    expect(page.body).toMatch(/Reece Hughes<\/a> \(works\) <strong class="govuk-tag govuk-tag--red">Child<\/strong>/)
    expect(page.body).toContain('12 Albert Street, Blackpool, FY1 3AB')
    expect(page.body).toContain('Cuckooed')
    expect(page.body).toContain('Vulnerable: learning disability')
  })

  it('records an event with the time it happened, and refuses a time that is not one', async () => {
    const r = await referral([
      { names: ['Kacper Nowak'], approximateAge: 30, gender: 'male', role: 'suspected-exploiter' },
    ])
    await dc.get(`/referrals/${r.id}`)
    const url = (await dc.post(`/referrals/${r.id}/cases`, { title: 'Warrant at the car wash', kind: 'investigation' }))
      .headers.location!
    await dc.get(url)
    const when = {
      eventKind: 'arrest',
      'eventDate-day': '2',
      'eventDate-month': '6',
      'eventDate-year': '2026',
      eventSummary: 'Arrested on the warrant',
    }
    const bad = await dc.post(`${url}/events`, { ...when, eventTime: '25:70' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter the time on the 24-hour clock, like 06:05 or 14:30')
    expect(bad.body).toContain('value="25:70"')
    // Every problem with the form at once, each linked to its input.
    const both = await dc.post(`${url}/events`, { ...when, 'eventDate-month': '13', eventTime: '7pm' })
    expect(both.body).toContain('<a href="#eventDate-day">Date must be a real date</a>')
    expect(both.body).toContain('<a href="#eventTime">Enter the time on the 24-hour clock, like 06:05 or 14:30</a>')
    const deal = await dc.post(`${url}/deal-lines`, {
      number: '07700 123456',
      'activeTo-day': '1',
      'activeTo-year': '2026',
    })
    expect(deal.body).toContain('<a href="#activeTo-month">Active to must include a month</a>')
    const cuckoo = await dc.post(`${url}/cuckooed-addresses`, {
      addressLine1: '1 High Street',
      cuckooPostcode: 'NOT A POSTCODE',
    })
    expect(cuckoo.body).toContain('<a href="#cuckooPostcode">Enter a real UK postcode, like SW1A 1AA</a>')
    const member = await dc.post(`${url}/members`, { userId: 'someone', duty: 'both' })
    expect(member.body).toContain('<a href="#userId">Select someone from the list</a>')
    expect(member.body).toContain(
      '<a href="#duty">Select whether they work the victims’ side or the suspects’ side</a>',
    )
    expect((await dc.post(`${url}/events`, { ...when, eventTime: '6.05' })).statusCode).toBe(303)
    expect((await dc.get(url)).body).toContain('2 Jun 2026, 06:05')
    // Recorded without a time, it shows as a date: never "00:00", a time nobody recorded.
    expect(
      (
        await dc.post(`${url}/events`, {
          ...when,
          eventKind: 'premises-visit',
          'eventDate-day': '3',
          eventSummary: 'Searched the premises',
        })
      ).statusCode,
    ).toBe(303)
    const page = (await dc.get(url)).body
    expect(page).toMatch(/<strong>[^<]+<\/strong>, 3 June 2026: Searched the premises/)
    expect(page).not.toContain('3 Jun 2026, 00:00')
  })

  it('creates and completes a task, and keeps the decision log append-only', async () => {
    const r = await referral([])
    await dc.get(`/referrals/${r.id}`)
    const url = (await dc.post(`/referrals/${r.id}/cases`, { title: 'Tasks and decisions', kind: 'investigation' }))
      .headers.location!
    await dc.get(url)
    expect(
      (
        await dc.post(`${url}/tasks`, {
          taskTitle: 'Download the seized phone',
          ownerId: officer.id,
          'dueOn-day': '1',
          'dueOn-month': '1',
          'dueOn-year': '2026',
        })
      ).statusCode,
    ).toBe(303)
    let page = await dc.get(url)
    expect(page.body).toContain('Overdue')
    const taskId = /\/tasks\/([0-9a-f-]{36})\/done/.exec(page.body)![1]
    expect((await dc.get('/my-work')).body).toContain('Download the seized phone')
    expect((await dc.post(`${url}/tasks/${taskId}/done`, {})).statusCode).toBe(303)
    page = await dc.get(url)
    expect(page.body).toContain('Task completed: Download the seized phone')
    expect((await dc.get('/my-work')).body).not.toContain('Download the seized phone')

    // The officer in charge records the job's investigative decisions (a supervisor countersigns them).
    expect(
      (
        await dc.post(`${url}/decisions`, {
          'decidedOn-day': '2',
          'decidedOn-month': '6',
          'decidedOn-year': '2026',
          decision: 'Download the seized phone first',
          rationale: 'It holds the line’s contacts',
        })
      ).statusCode,
    ).toBe(303)
    await ds.get(url)
    const missing = await ds.post(`${url}/decisions`, {
      'decidedOn-day': '2',
      'decidedOn-month': '6',
      'decidedOn-year': '2026',
      decision: 'Arrest the line holder',
      rationale: '',
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Enter the rationale for the decision')
    expect(
      (
        await ds.post(`${url}/decisions`, {
          'decidedOn-day': '2',
          'decidedOn-month': '6',
          'decidedOn-year': '2026',
          decision: 'Arrest the line holder',
          rationale: 'Evidence of control over two children',
        })
      ).statusCode,
    ).toBe(303)
    expect((await dc.get(url)).body).toContain('Evidence of control over two children')
    await expect(sql`UPDATE case_decisions SET decision = 'changed'`.execute(ctx.db)).rejects.toThrow(/append-only/)
    await expect(sql`DELETE FROM case_decisions`.execute(ctx.db)).rejects.toThrow(/append-only/)
  })

  it('hides a restricted case from anyone outside it, even by its address', async () => {
    const r = await referral([])
    await dc.get(`/referrals/${r.id}`)
    const url = (await dc.post(`/referrals/${r.id}/cases`, { title: 'Operation Nightjar', kind: 'investigation' }))
      .headers.location!
    await sql`UPDATE cases SET restricted = true WHERE id = ${url.split('/').pop()}`.execute(ctx.db)
    const outsider = new PageClient(ctx.app)
    await outsider.signIn((await createUser(ctx, 'investigator')).email)
    expect((await outsider.get(url)).statusCode).toBe(404)
    expect((await outsider.get('/cases')).body).not.toContain('Operation Nightjar')
    expect((await dc.get(url)).statusCode).toBe(200)
    expect((await ds.get(url)).statusCode).toBe(200)
  })
})

describe('live jobs over the API', () => {
  it('lists, reads and adds a task, with problems for bad input', async () => {
    const r = await referral([{ names: ['Api Person'], approximateAge: 30, gender: 'male', role: 'witness' }])
    const opened = await buildLiveJob(ctx, officer, { referralId: r.id, title: 'API job' })
    const headers = { authorization: `Bearer ${token}` }
    const list = (await ctx.app.inject({ method: 'GET', url: '/api/v1/cases', headers })).json()
    expect(list.items.map((c: { reference: string }) => c.reference)).toContain(opened.reference)
    const task = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${opened.id}/tasks`,
      headers,
      payload: { title: 'Trace the phone', ownerId: officer.id, dueOn: '2026-07-01' },
    })
    expect(task.statusCode).toBe(204)
    const detail = (await ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${opened.id}`, headers })).json()
    expect(detail).toMatchObject({
      reference: opened.reference,
      people: [{ name: 'Api Person', roles: ['witness'] }],
      tasks: [{ title: 'Trace the phone', dueOn: '2026-07-01', status: 'open' }],
    })
    const bad = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${opened.id}/tasks`,
      headers,
      payload: { title: '', dueOn: '2026-02-30' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(
      expect.arrayContaining(['/title', '/dueOn']),
    )
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/cases/00000000-0000-7000-8000-000000000000', headers }))
        .statusCode,
    ).toBe(404)
    const place = (
      await ctx.db
        .selectFrom('case_locations')
        .select('location_id')
        .where('case_id', '=', opened.id)
        .executeTakeFirstOrThrow()
    ).location_id
    const event = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${opened.id}/events`,
      headers,
      payload: {
        kind: 'missing-episode',
        occurredAt: '2026-06-03T22:00:00Z',
        summary: 'Reported missing by his carer',
        personIds: [r.people[0].personId],
        locationId: place,
      },
    })
    expect(event.statusCode).toBe(204)
    const events = (await ctx.app.inject({ method: 'GET', url: `/api/v1/cases/${opened.id}`, headers })).json().events
    expect(events[0]).toMatchObject({ kind: 'missing-episode', place: '7 Chapel Row, M8 4AB', people: ['Api Person'] })
    const wrongPlace = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${opened.id}/events`,
      headers,
      payload: {
        kind: 'arrest',
        occurredAt: '2026-06-04T10:00:00Z',
        summary: 'Arrested',
        locationId: '00000000-0000-7000-8000-000000000000',
      },
    })
    expect(wrongPlace.json().errors[0]).toMatchObject({
      pointer: '/locationId',
      detail: 'Select one of the live job’s places',
    })
  })
})

describe('operations', () => {
  it('groups live jobs under a named operation created by a supervisor', async () => {
    await ds.get('/operations')
    expect((await ds.post('/operations', { name: '' })).body).toContain('Enter the operation’s name')
    expect((await ds.post('/operations', { name: 'Operation Laud', description: 'Textile units' })).statusCode).toBe(
      303,
    )
    expect((await ds.post('/operations', { name: 'operation laud' })).body).toContain(
      'There is already an operation with that name',
    )
    await dc.get('/operations')
    expect((await dc.post('/operations', { name: 'Operation Tacit' })).statusCode).toBe(403)
    const r = await referral([])
    const opened = await buildLiveJob(ctx, officer, { referralId: r.id, title: 'Unit 4 garment factory' })
    const operationId = (
      await ctx.db.selectFrom('operations').select('id').where('name', '=', 'Operation Laud').executeTakeFirstOrThrow()
    ).id
    await dc.get(`/cases/${opened.id}`)
    expect((await dc.post(`/cases/${opened.id}/operation`, { operationId })).statusCode).toBe(303)
    expect((await dc.get(`/cases/${opened.id}`)).body).toContain('Operation Laud')
    expect((await dc.get('/operations')).body).toMatch(
      /Operation Laud[\s\S]*?<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>/,
    )
  })
})
