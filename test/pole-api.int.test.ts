import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let dcToken: string
let dsToken: string
let outsiderToken: string
let dc: PageClient
let referral: { id: string; people: { personId: string }[] }

type Call = { method: 'GET' | 'POST' | 'PATCH'; url: string; token: string; payload?: object }
const call = ({ method, url, token, payload }: Call) =>
  ctx.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })

beforeAll(async () => {
  ctx = await createTestContext()
  const officer = await createUser(ctx, 'investigator')
  dcToken = await apiToken(ctx, officer.email)
  dsToken = await apiToken(ctx, (await createUser(ctx, 'supervisor')).email)
  outsiderToken = await apiToken(ctx, (await createUser(ctx, 'investigator')).email)
  dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
  referral = (
    await call({
      method: 'POST',
      url: '/api/v1/referrals',
      token: dcToken,
      payload: {
        receivedAt: '2026-05-04',
        source: 'police',
        summary: 'Men seen sleeping at a car wash',
        people: [
          {
            names: ['Andrei Popescu'],
            approximateAge: 30,
            gender: 'male',
            nationalities: ['RO'],
            role: 'potential-victim',
          },
          { names: ['Florin Dumitru'], approximateAge: 41, gender: 'male', role: 'suspected-exploiter' },
        ],
        locations: [{ addressLine1: 'Unit 4, Canal Road', postcode: 'BD3 9QT', premisesType: 'car-wash' }],
      },
    })
  ).json()
})
afterAll(() => ctx.close())

describe('people over the API and on their page', () => {
  it('corrects a person’s details, changing only what was sent, and refuses a future date of birth with a pointer to the field', async () => {
    const person = referral.people[0].personId
    const future = await call({
      method: 'PATCH',
      url: `/api/v1/people/${person}`,
      token: dcToken,
      payload: { dateOfBirth: '2099-01-01' },
    })
    expect(future.statusCode).toBe(400)
    expect(future.headers['content-type']).toContain('application/problem+json')
    expect(future.json().errors).toEqual([{ pointer: '/dateOfBirth', detail: 'Date of birth must be in the past' }])
    expect(
      (await call({ method: 'PATCH', url: `/api/v1/people/${person}`, token: dcToken, payload: { shoeSize: 9 } }))
        .statusCode,
    ).toBe(400)
    expect(
      (
        await call({
          method: 'PATCH',
          url: '/api/v1/people/0190a0f0-0000-7000-8000-000000000000',
          token: dcToken,
          payload: { gender: 'male' },
        })
      ).statusCode,
    ).toBe(404)

    expect(
      (
        await call({
          method: 'PATCH',
          url: `/api/v1/people/${person}`,
          token: dcToken,
          payload: { dateOfBirth: '1994-03-12', languages: ['ro', 'en'] },
        })
      ).statusCode,
    ).toBe(204)
    const read = (await call({ method: 'GET', url: `/api/v1/people/${person}`, token: dcToken })).json()
    expect(read).toMatchObject({
      dateOfBirth: '1994-03-12',
      languages: ['ro', 'en'],
      nationalities: ['RO'],
      gender: 'male',
    })
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['details', 'category'])
      .where('action', '=', 'person.updated')
      .where('subject_id', '=', person)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ category: 'alteration', details: { changed: ['dateOfBirth', 'languages'] } })
    expect(JSON.stringify(audit.details)).not.toContain('1994')
  })

  it('adds a name over the API that search finds at once', async () => {
    const person = referral.people[1].personId
    expect(
      (
        await call({
          method: 'POST',
          url: `/api/v1/people/${person}/names`,
          token: dcToken,
          payload: { name: 'Флорин Думитру', kind: 'original-script' },
        })
      ).statusCode,
    ).toBe(204)
    const hits = (
      await call({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent('Флорин Думитру')}`, token: dcToken })
    ).json()
    expect(hits.people[0]).toMatchObject({ personId: person })
    const read = (await call({ method: 'GET', url: `/api/v1/people/${person}`, token: dcToken })).json()
    expect(read.names).toContainEqual({ name: 'Флорин Думитру', kind: 'original-script', script: 'Cyrl' })
  })

  it('records a place a person is connected to, with a specific message for a bad postcode, and shows who else is linked to it', async () => {
    const person = referral.people[0].personId
    const bad = await call({
      method: 'POST',
      url: `/api/v1/people/${person}/locations`,
      token: dcToken,
      payload: {
        place: { addressLine1: '12 Mill Street', postcode: 'ZZ99 9ZZZ' },
        relation: 'lives-at',
        source: 'Victim account',
      },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors).toEqual([
      { pointer: '/place/postcode', detail: 'Enter a real UK postcode, like SW1A 1AA' },
    ])
    const good = await call({
      method: 'POST',
      url: `/api/v1/people/${person}/locations`,
      token: dcToken,
      payload: {
        place: { addressLine1: '12 Mill Street', postcode: 'bd39qt', premisesType: 'private-house' },
        relation: 'lives-at',
        source: 'Victim account',
        validFrom: '2026-01-10',
      },
    })
    expect(good.statusCode).toBe(201)
    const { locationId } = good.json()
    const place = (await call({ method: 'GET', url: `/api/v1/locations/${locationId}`, token: dcToken })).json()
    expect(place.display).toBe('12 Mill Street, BD3 9QT')
    expect(place.links).toEqual([
      expect.objectContaining({
        personId: person,
        name: 'Andrei Popescu',
        relation: 'lives-at',
        validFrom: '2026-01-10',
        source: 'Victim account',
      }),
    ])

    const other = await call({
      method: 'POST',
      url: '/api/v1/people',
      token: dcToken,
      payload: { names: ['Ionuț Stoica'] },
    })
    const page = new PageClient(ctx.app)
    await page.signIn((await createUser(ctx, 'investigator')).email)
    await page.get(`/people/${other.json().id}`)
    const wrong = await page.post(`/people/${other.json().id}/places`, {
      addressLine1: '12 Mill Street',
      postcode: 'BD3',
      premisesType: 'private-house',
      placeRelation: '',
      placeSource: '',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('There is a problem')
    expect(wrong.body).toContain('Enter a real UK postcode, like SW1A 1AA')
    expect(wrong.body).toContain('Select how they are connected to the place')
    expect(wrong.body).toContain('Enter where this information came from')
    expect(wrong.body).toContain('value="12 Mill Street"')
    const unit4 = {
      addressLine1: 'Unit 4, Canal Road',
      postcode: 'BD3 9QT',
      premisesType: 'car-wash',
      placeRelation: 'works-at',
      placeSource: 'Premises visit',
    }
    // A place is already recorded at that postcode: it is offered first, so the same place is not copied.
    const offered = await page.post(`/people/${other.json().id}/places`, unit4)
    expect(offered.statusCode).toBe(200)
    expect(offered.body).toContain('Is it one of the places already recorded at this postcode?')
    const added = await page.post(`/people/${other.json().id}/places`, { ...unit4, placeChoice: 'new' })
    expect(added.statusCode).toBe(303)
    const personPage = await page.get(`/people/${other.json().id}`)
    const placeLink = /href="(\/places\/[0-9a-f-]{36})"/.exec(personPage.body)
    expect(placeLink).not.toBeNull()
    const placePage = await page.get(placeLink![1])
    expect(placePage.statusCode).toBe(200)
    expect(placePage.body).toContain('Ionuț Stoica')
    expect(placePage.body).toContain('Works at')
  })

  it('changes details on the person page, keeping what was typed when something is wrong', async () => {
    const person = referral.people[1].personId
    await dc.get(`/people/${person}`)
    const wrong = await dc.post(`/people/${person}/details`, {
      'dateOfBirth-day': '31',
      'dateOfBirth-month': '2',
      'dateOfBirth-year': '1985',
      approximateAge: '',
      ageDisputed: 'no',
      gender: 'male',
      nationality: 'RO',
      languages: 'Romanian, Klingon',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Date of birth must be a real date')
    expect(wrong.body).toContain('We do not recognise ‘Klingon’')
    expect(wrong.body).toContain('value="Romanian, Klingon"')
    const saved = await dc.post(`/people/${person}/details`, {
      'dateOfBirth-day': '28',
      'dateOfBirth-month': '2',
      'dateOfBirth-year': '1985',
      approximateAge: '',
      ageDisputed: 'no',
      gender: 'male',
      nationality: 'RO',
      secondNationality: 'MD',
      languages: 'Romanian, Russian',
      vulnerability: '',
    })
    expect(saved.statusCode).toBe(303)
    const page = await dc.get(`/people/${person}`)
    expect(page.body).toContain('Details changed')
    expect(page.body).toContain('Romania, Moldova')
    expect(page.body).toContain('Romanian, Russian')
  })
})

describe('live jobs over the API', () => {
  let caseId: string

  it('opens a live job from a referral and adds a person in a role', async () => {
    const bad = await call({
      method: 'POST',
      url: '/api/v1/cases',
      token: dcToken,
      payload: { referralId: referral.id, title: '  ' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0]).toMatchObject({ pointer: '/title', detail: 'Enter a title for the live job' })
    const opened = await call({
      method: 'POST',
      url: '/api/v1/cases',
      token: dcToken,
      payload: { referralId: referral.id, title: 'Canal Road car wash' },
    })
    expect(opened.statusCode).toBe(201)
    expect(opened.json().reference).toMatch(/^CASE-\d{4}-\d{6}$/)
    caseId = opened.json().id
    const added = await call({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/people`,
      token: dcToken,
      payload: { newName: 'Marek Nowak', role: 'suspect' },
    })
    expect(added.statusCode).toBe(201)
    const detail = (await call({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: dcToken })).json()
    expect(detail.people.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['Andrei Popescu', 'Florin Dumitru', 'Marek Nowak']),
    )
    expect(
      (
        await call({
          method: 'POST',
          url: `/api/v1/cases/${caseId}/people`,
          token: dcToken,
          payload: { role: 'suspect' },
        })
      ).statusCode,
    ).toBe(400)
  })

  it('changes status with a reason, leaves closing to a supervisor, and keeps the reason on the timeline', async () => {
    const noReason = await call({
      method: 'PATCH',
      url: `/api/v1/cases/${caseId}`,
      token: dcToken,
      payload: { status: 'suspended' },
    })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().errors[0]).toMatchObject({
      pointer: '/reason',
      detail: 'Enter why the live job is being suspended',
    })
    expect(
      (
        await call({
          method: 'PATCH',
          url: `/api/v1/cases/${caseId}`,
          token: dcToken,
          payload: { status: 'suspended', reason: 'Awaiting the victim’s recovery period' },
        })
      ).statusCode,
    ).toBe(204)
    const closeByDc = await call({
      method: 'PATCH',
      url: `/api/v1/cases/${caseId}`,
      token: dcToken,
      payload: { status: 'closed', reason: 'No further lines of enquiry' },
    })
    expect(closeByDc.statusCode).toBe(403)
    expect(closeByDc.json().detail).toBe('Only a supervisor can close a live job')
    expect(
      (
        await call({
          method: 'PATCH',
          url: `/api/v1/cases/${caseId}`,
          token: dsToken,
          payload: { status: 'closed', reason: 'No further lines of enquiry' },
        })
      ).statusCode,
    ).toBe(204)
    expect((await call({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: dcToken })).json().status).toBe('closed')
    await dc.get(`/cases/${caseId}`)
    const page = await dc.get(`/cases/${caseId}`)
    expect(page.body).toContain('Status changed from suspended to closed: No further lines of enquiry')
    const reopen = await dc.post(`/cases/${caseId}/status`, { status: 'open', reason: '' })
    expect(reopen.statusCode).toBe(400)
    expect(reopen.body).toContain('Enter why the live job is being reopened')
    expect(
      (await dc.post(`/cases/${caseId}/status`, { status: 'open', reason: 'New intelligence from the Helpline' }))
        .statusCode,
    ).toBe(303)
  })

  it('makes only a case worker officer in charge', async () => {
    const analyst = await createUser(ctx, 'analyst')
    const refused = await call({
      method: 'PATCH',
      url: `/api/v1/cases/${caseId}`,
      token: dcToken,
      payload: { officerInChargeId: analyst.id },
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors[0]).toMatchObject({ pointer: '/officerInChargeId' })
    const colleague = await createUser(ctx, 'investigator')
    expect(
      (
        await call({
          method: 'PATCH',
          url: `/api/v1/cases/${caseId}`,
          token: dcToken,
          payload: { officerInChargeId: colleague.id },
        })
      ).statusCode,
    ).toBe(204)
    expect((await call({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: dcToken })).json().officerInCharge).toBe(
      'Test investigator',
    )
  })

  it('lists events for a person or a place across live jobs, and hides those in a restricted job from outsiders', async () => {
    const victim = referral.people[0].personId
    const detail = (await call({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: dcToken })).json()
    expect(detail.people.length).toBeGreaterThan(0)
    const place = (
      await call({
        method: 'POST',
        url: '/api/v1/locations',
        token: dcToken,
        payload: { addressLine1: 'Car wash yard', postcode: 'BD3 9QT', premisesType: 'car-wash' },
      })
    ).json().id
    const notInCase = await call({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/events`,
      token: dcToken,
      payload: { kind: 'premises-visit', occurredAt: '2026-05-05T10:00:00+01:00', summary: 'Visit', locationId: place },
    })
    expect(notInCase.statusCode).toBe(400)
    expect(notInCase.json().errors[0]).toEqual({
      pointer: '/locationId',
      detail: 'Select one of the live job’s places',
    })
    expect(
      (
        await call({
          method: 'POST',
          url: `/api/v1/cases/${caseId}/locations`,
          token: dcToken,
          payload: { locationId: place },
        })
      ).statusCode,
    ).toBe(201)
    expect(
      (
        await call({
          method: 'POST',
          url: `/api/v1/cases/${caseId}/events`,
          token: dcToken,
          payload: {
            kind: 'premises-visit',
            occurredAt: '2026-05-05T10:00:00+01:00',
            summary: 'Joint visit with the GLAA',
            personIds: [victim],
            locationId: place,
          },
        })
      ).statusCode,
    ).toBe(204)
    const byPerson = (
      await call({ method: 'GET', url: `/api/v1/events?personId=${victim}`, token: outsiderToken })
    ).json()
    expect(byPerson.items).toEqual([
      expect.objectContaining({
        kind: 'premises-visit',
        caseId,
        locationId: place,
        summary: 'Joint visit with the GLAA',
        people: [{ id: victim, name: 'Andrei Popescu' }],
      }),
    ])
    expect(
      (await call({ method: 'GET', url: `/api/v1/events?locationId=${place}`, token: outsiderToken })).json().items,
    ).toHaveLength(1)
    expect(
      (
        await call({
          method: 'GET',
          url: `/api/v1/events?personId=${victim}&locationId=${place}`,
          token: outsiderToken,
        })
      ).statusCode,
    ).toBe(400)

    expect(
      (await call({ method: 'PATCH', url: `/api/v1/cases/${caseId}`, token: dcToken, payload: { restricted: true } }))
        .statusCode,
    ).toBe(403)
    expect(
      (
        await call({
          method: 'PATCH',
          url: `/api/v1/cases/${caseId}`,
          token: dsToken,
          payload: { restricted: true, reason: 'Covert phase' },
        })
      ).statusCode,
    ).toBe(204)
    expect(
      (await call({ method: 'GET', url: `/api/v1/events?personId=${victim}`, token: outsiderToken })).json().items,
    ).toEqual([])
    expect((await call({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: outsiderToken })).statusCode).toBe(404)
    expect(
      (
        await call({
          method: 'PATCH',
          url: `/api/v1/cases/${caseId}`,
          token: outsiderToken,
          payload: { status: 'suspended', reason: 'x' },
        })
      ).statusCode,
    ).toBe(404)
    expect(
      (await call({ method: 'GET', url: `/api/v1/events?personId=${victim}`, token: dcToken })).json().items,
    ).toHaveLength(1)
    expect((await dc.get(`/people/${victim}`)).body).toContain('Joint visit with the GLAA')
    const outsider = new PageClient(ctx.app)
    await outsider.signIn((await createUser(ctx, 'investigator')).email)
    const hidden = await outsider.get(`/people/${victim}`)
    expect(hidden.statusCode).toBe(200)
    expect(hidden.body).not.toContain('Joint visit with the GLAA')
  })

  it('lets a supervisor, and only a supervisor, create an operation, with a clear message for a duplicate name', async () => {
    expect(
      (
        await call({
          method: 'POST',
          url: '/api/v1/operations',
          token: dcToken,
          payload: { name: 'Operation Lantern Test' },
        })
      ).statusCode,
    ).toBe(403)
    expect(
      (
        await call({
          method: 'POST',
          url: '/api/v1/operations',
          token: dsToken,
          payload: { name: 'Operation Lantern Test' },
        })
      ).statusCode,
    ).toBe(201)
    const again = await call({
      method: 'POST',
      url: '/api/v1/operations',
      token: dsToken,
      payload: { name: 'operation lantern test' },
    })
    expect(again.statusCode).toBe(400)
    expect(again.json().errors[0]).toMatchObject({
      pointer: '/name',
      detail: 'There is already an operation with that name',
    })
  })
})
