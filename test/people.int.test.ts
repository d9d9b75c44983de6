import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let victimSideDc: PageClient
let otherDc: PageClient
let supervisor: PageClient
let personId: string
let referralId: string

beforeAll(async () => {
  ctx = await createTestContext()
  const dcA = await createUser(ctx, 'investigator', 'dc.a@test.lantern')
  const token = await apiToken(ctx, dcA.email)
  const created = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        receivedAt: '2026-04-01',
        source: 'police',
        summary: 'Found at a cannabis grow',
        people: [
          {
            names: ['Minh Nguyen'],
            approximateAge: 19,
            gender: 'male',
            nationalities: ['VN'],
            role: 'potential-victim',
          },
        ],
      },
    })
  ).json()
  referralId = created.id
  personId = created.people[0].personId
  await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/referrals/${referralId}/assignment`,
    headers: { authorization: `Bearer ${token}` },
    payload: { assigneeId: dcA.id, note: null },
  })
  victimSideDc = new PageClient(ctx.app)
  await victimSideDc.signIn(dcA.email)
  otherDc = new PageClient(ctx.app)
  await otherDc.signIn((await createUser(ctx, 'investigator')).email)
  supervisor = new PageClient(ctx.app)
  await supervisor.signIn((await createUser(ctx, 'supervisor')).email)
})
afterAll(() => ctx.close())

describe('a person record', () => {
  it('keeps names in several scripts, phones in E.164, and documents held by someone else', async () => {
    await victimSideDc.get(`/people/${personId}`)
    expect(
      (await victimSideDc.post(`/people/${personId}/names`, { fullName: 'Nguyễn Văn Minh', kind: 'original-script' }))
        .statusCode,
    ).toBe(303)
    expect(
      (
        await victimSideDc.post(`/people/${personId}/objects`, {
          kind: 'phone',
          value: '07123 456789',
          relation: 'uses',
          source: 'phone seized on arrest',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await victimSideDc.post(`/people/${personId}/documents`, {
          kind: 'passport',
          number: 'C1234567',
          issuingCountry: 'VN',
          heldByPerson: 'no',
        })
      ).statusCode,
    ).toBe(303)
    const page = await victimSideDc.get(`/people/${personId}`)
    expect(page.body).toContain('Nguyễn Văn Minh')
    expect(page.body).toContain('Phone: 07123 456789')
    expect(page.body).toContain('Held by someone else')
    const object = await ctx.db
      .selectFrom('objects')
      .select(['value'])
      .where('kind', '=', 'phone')
      .executeTakeFirstOrThrow()
    expect(object.value).toBe('+447123456789')
    const name = await ctx.db
      .selectFrom('person_names')
      .select(['normalised', 'script'])
      .where('full_name', '=', 'Nguyễn Văn Minh')
      .executeTakeFirstOrThrow()
    expect(name).toEqual({ normalised: 'nguyen van minh', script: 'Latn' })
  })

  it('checks every field of the person page forms at once, each error linked to its input, and saves what is valid', async () => {
    await victimSideDc.get(`/people/${personId}`)
    const document = await victimSideDc.post(`/people/${personId}/documents`, {
      kind: 'library-card',
      number: 'X'.repeat(61),
      issuingCountry: 'ZZ',
      'expiresOn-day': '31',
      'expiresOn-month': '2',
      'expiresOn-year': '2027',
    })
    expect(document.statusCode).toBe(400)
    for (const [href, message] of [
      ['#kind', 'Select the type of document'],
      ['#number', 'Document number must be 60 characters or fewer'],
      ['#issuingCountry', 'Select the issuing country from the list'],
      ['#expiresOn-day', 'Expiry date must be a real date'],
    ])
      expect(document.body).toContain(`<a href="${href}">${message}</a>`)

    const details = await victimSideDc.post(`/people/${personId}/details`, {
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '',
      'dateOfBirth-year': '2001',
      approximateAge: '121',
      gender: 'male',
      nationality: 'VN',
      languages: 'Vietnamese, Klingon',
    })
    expect(details.statusCode).toBe(400)
    expect(details.body).toContain('<a href="#dateOfBirth-month">Date of birth must include a month</a>')
    expect(details.body).toContain('Approximate age must be a whole number between 0 and 120')
    expect(details.body).toContain('We do not recognise ‘Klingon’')
    expect(details.body).toContain('value="Vietnamese, Klingon"')

    const saved = await victimSideDc.post(`/people/${personId}/details`, {
      'dateOfBirth-day': '',
      'dateOfBirth-month': '',
      'dateOfBirth-year': '',
      approximateAge: '19',
      ageDisputed: 'yes',
      gender: 'male',
      nationality: 'VN',
      secondNationality: 'VN',
      languages: 'Vietnamese, English',
      vulnerability: '',
    })
    expect(saved.statusCode).toBe(303)
    const person = await ctx.db
      .selectFrom('people')
      .select(['approximate_age', 'age_disputed', 'nationalities', 'languages', 'vulnerability'])
      .where('id', '=', personId)
      .executeTakeFirstOrThrow()
    expect(person).toEqual({
      approximate_age: 19,
      age_disputed: true,
      nationalities: ['VN'],
      languages: ['vi', 'en'],
      vulnerability: null,
    })

    const place = await victimSideDc.post(`/people/${personId}/places`, {
      addressLine1: '',
      town: '',
      postcode: '',
      placeRelation: 'lives-at',
      placeSource: '',
    })
    expect(place.statusCode).toBe(400)
    expect(place.body).toContain(
      '<a href="#addressLine1">Enter an address, a postcode or a description of the place</a>',
    )
    expect(place.body).toContain('<a href="#placeSource">Enter where this information came from</a>')
  })

  it('gives specific messages for a bad phone number or missing source, keeping what was typed', async () => {
    await victimSideDc.get(`/people/${personId}`)
    const bad = await victimSideDc.post(`/people/${personId}/objects`, {
      kind: 'phone',
      value: '123',
      relation: 'uses',
      source: 'notebook',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter the phone number, or at least 4 of its digits')
    expect(bad.body).toContain('value="123"')
    const noSource = await victimSideDc.post(`/people/${personId}/objects`, {
      kind: 'vehicle',
      value: 'AB12 CDE',
      relation: 'drives',
      source: '',
    })
    expect(noSource.body).toContain('Enter where this information came from')
  })

  it('keeps a phone number written down from a drama range or only in part, flagged on its page, never refused', async () => {
    for (const [value, note] of [
      ['07700 900481', 'Not a number in use'],
      ['07123 44…', 'Partial or unrecognised number'],
    ]) {
      const linked = await victimSideDc.post(`/people/${personId}/objects`, {
        kind: 'phone',
        value,
        relation: 'uses',
        source: 'notebook',
      })
      expect(linked.statusCode, value).toBe(303)
      const object = await ctx.db
        .selectFrom('objects')
        .select('id')
        .where('display', '=', value)
        .executeTakeFirstOrThrow()
      const page = await victimSideDc.get(`/objects/${object.id}`)
      expect(page.body).toContain(note)
    }
  })
})

describe('the victim facet', () => {
  it('is open to the officer working the victim side, and only flagged, with who to ask, to another officer', async () => {
    expect((await victimSideDc.get(`/referrals/${referralId}/people/${personId}/nrm`)).statusCode).toBe(200)
    const other = await otherDc.get(`/referrals/${referralId}/people/${personId}/nrm`)
    expect(other.statusCode).toBe(403)
    expect(other.body).toContain('This person’s victim information is protected')
    expect(other.body).toContain('Test investigator')
    const person = await otherDc.get(`/people/${personId}`)
    expect(person.body).toContain('Protected victim information exists')
    expect(person.body).not.toContain('Screening, consent and NRM')
    expect((await otherDc.post(`/referrals/${referralId}/people/${personId}/screenings`, {})).statusCode).toBe(403)
    expect((await supervisor.get(`/referrals/${referralId}/people/${personId}/nrm`)).statusCode).toBe(200)
  })
})

describe('the immigration status firewall', () => {
  it('is recorded by a supervisor, hidden by default, and shown only for a stated reason that is audited', async () => {
    await supervisor.get(`/people/${personId}`)
    expect(
      (
        await supervisor.post(`/people/${personId}/immigration-status`, {
          status: 'Visa overstayer',
          notes: 'Per UKVI check',
        })
      ).statusCode,
    ).toBe(303)
    const page = await supervisor.get(`/people/${personId}`)
    expect(page.body).toContain('A status is recorded')
    expect(page.body).not.toContain('Visa overstayer')
    const noReason = await supervisor.post(`/people/${personId}/immigration-status/view`, { purpose: ' ' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Enter why you need to see their immigration status')
    expect(noReason.body).not.toContain('Visa overstayer')
    const shown = await supervisor.post(`/people/${personId}/immigration-status/view`, {
      purpose: 'Assessing risk of removal before the NRM decision',
    })
    expect(shown.statusCode).toBe(200)
    expect(shown.body).toContain('Visa overstayer')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['justification', 'category'])
      .where('action', '=', 'immigration-status.viewed')
      .where('subject_id', '=', personId)
      .execute()
    expect(audit).toEqual([
      { justification: 'Assessing risk of removal before the NRM decision', category: 'consultation' },
    ])
  })

  it('is never shown to an officer without the permission, by page or by API', async () => {
    const page = await victimSideDc.get(`/people/${personId}`)
    expect(page.body).not.toContain('Visa overstayer')
    expect(page.body).toContain('Only a supervisor can see it')
    expect(
      (await victimSideDc.post(`/people/${personId}/immigration-status/view`, { purpose: 'curious' })).statusCode,
    ).toBe(403)
    const token = await apiToken(ctx, 'dc.a@test.lantern')
    const api = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/referrals/${referralId}`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(api.body).not.toContain('Visa overstayer')
  })
})

describe('people over the API', () => {
  it('records a person with names in two scripts, links a phone, and follows the phone back to them', async () => {
    const token = await apiToken(ctx, 'dc.a@test.lantern')
    const headers = { authorization: `Bearer ${token}` }
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers,
      payload: {
        names: ['Mohamed Abdalla', 'محمد عبدالله'],
        approximateAge: 30,
        gender: 'male',
        nationalities: ['SD'],
        languages: ['ar'],
      },
    })
    expect(created.statusCode).toBe(201)
    const { id } = created.json()
    const person = (await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${id}`, headers })).json()
    expect(person.names).toEqual([
      { name: 'Mohamed Abdalla', kind: 'primary', script: 'Latn' },
      { name: 'محمد عبدالله', kind: 'original-script', script: 'Arab' },
    ])
    expect(person.victimFacet).toEqual({ exists: false, visibleToYou: true, askWho: [] })
    const linked = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${id}/objects`,
      headers,
      payload: { kind: 'phone', value: '0044 7700 123 456', relation: 'uses', source: 'custody record' },
    })
    expect(linked.statusCode).toBe(201)
    const phone = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/objects/${linked.json().objectId}`, headers })
    ).json()
    expect(phone).toMatchObject({
      display: '07700 123456',
      links: [{ relation: 'uses', personId: id, name: 'Mohamed Abdalla', source: 'custody record' }],
    })
    const bad = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${id}/objects`,
      headers,
      payload: { kind: 'phone', value: '123', relation: 'uses', source: 'x' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0]).toMatchObject({
      pointer: '/value',
      detail: expect.stringContaining('at least 4 of its digits'),
    })
    const future = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers,
      payload: { names: ['X'], dateOfBirth: '2999-01-01' },
    })
    expect(future.json().errors[0]).toMatchObject({
      pointer: '/dateOfBirth',
      detail: 'Date of birth must be in the past',
    })
  })
})
