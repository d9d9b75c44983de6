import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, type TestContext } from './support/test-app.ts'

/**
 * Warrant-day screening groups over the API: the same service as the pages, so the same access (the job's victim
 * side to start; everyone's victim side to read or change a group), the same rules and the same audit.
 */
let ctx: TestContext
let oic: string
let caseId: string
let mihaiId: string
let referralId: string

const year = new Date().getUTCFullYear()
const SHARED = {
  premisesType: 'car-wash',
  addressLine1: '12 Wharf Street',
  postcode: 'hu1 2ab',
  premisesDescription: 'Hand car wash with a caravan behind it',
  location: 'England',
  encounteredBy: 'police',
  detention: 'none',
  diplomaticHousehold: 'no',
  safeguardingConcern: 'yes',
  purpose: 'Washing cars for no pay',
  types: ['LABOUR'],
  countyLines: 'no',
  indicators: ['lives-at-work', 'debt'],
  means: ['debt_bondage', 'withheld_wages'],
  otherMeans: 'told the police would deport them',
  employerName: 'Sparkle Valet Ltd',
  employerDetails: 'Owner drives a black van',
}

const call = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
  ctx.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })

async function tokenFor(role: 'investigator' | 'supervisor') {
  const user = await createUser(ctx, role)
  return { id: user.id, token: await apiToken(ctx, user.email) }
}

beforeAll(async () => {
  ctx = await createTestContext()
  oic = (await tokenFor('investigator')).token
  const referral = await call(oic, 'POST', '/api/v1/referrals', {
    receivedAt: '2026-06-01',
    source: 'police',
    summary: 'Intelligence about a car wash',
    people: [
      {
        names: ['Mihai Dobre'],
        dateOfBirth: '1990-04-02',
        gender: 'male',
        nationalities: ['RO'],
        role: 'potential-victim',
      },
    ],
  })
  expect(referral.statusCode).toBe(201)
  mihaiId = referral.json().people[0].personId
  const opened = await call(oic, 'POST', '/api/v1/cases', {
    referralId: referral.json().id,
    title: 'Operation Harbour: car wash',
    kind: 'investigation',
  })
  expect(opened.statusCode).toBe(201)
  caseId = opened.json().id
})
afterAll(() => ctx.close())

describe('warrant-day screening groups over the API', () => {
  let groupId: string
  let people: { personId: string; screeningId: string }[]

  it('refuses bad input to start a group with a problem pointing at each field', async () => {
    const bad = await call(oic, 'POST', `/api/v1/cases/${caseId}/screening-groups`, {
      encounteredOn: `${year + 1}-01-01`,
      summary: '',
      personIds: ['00000000-0000-7000-8000-000000000000'],
      newPeople: [{ description: 'unknown boy about 14', approximateAge: 400 }],
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    const pointers = (bad.json().errors as { pointer: string }[]).map((e) => e.pointer).sort()
    expect(pointers).toEqual(['/encounteredOn', '/newPeople/0/approximateAge', '/personIds', '/summary'])
    const shape = await call(oic, 'POST', `/api/v1/cases/${caseId}/screening-groups`, {
      encounteredOn: '3 March',
      summary: 'x',
      newPeople: [{ description: '' }],
    })
    expect(shape.statusCode).toBe(400)
    expect((shape.json().errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '/encounteredOn',
      '/newPeople/0/description',
    ])
    expect(await ctx.db.selectFrom('screening_groups').select('id').execute()).toEqual([])
  })

  it('starts a group of three on a live job: one referral, each person with their own screening, audited', async () => {
    const started = await call(oic, 'POST', `/api/v1/cases/${caseId}/screening-groups`, {
      encounteredOn: `${year - 1}-03-03`,
      summary: 'Warrant at Sparkle Valet: three people found living on site.',
      personIds: [mihaiId],
      newPeople: [
        { description: 'unknown boy about 14', approximateAge: 14, gender: 'male' },
        { description: 'Woman in the caravan, about 30', approximateAge: 30, gender: 'female' },
      ],
    })
    expect(started.statusCode).toBe(201)
    const body = started.json() as {
      groupId: string
      referralId: string
      warrantDay: boolean
      people: { personId: string; screeningId: string }[]
    }
    expect(started.headers.location).toBe(`/api/v1/screening-groups/${body.groupId}`)
    expect(body.warrantDay).toBe(true)
    expect(body.people).toHaveLength(3)
    expect(body.people.map((p) => p.personId)).toContain(mihaiId)
    ;({ groupId, referralId, people } = body)
    const rows = await ctx.db
      .selectFrom('screenings')
      .select(['id', 'person_id', 'referral_id'])
      .where('group_id', '=', groupId)
      .execute()
    expect(
      rows
        .map((r) => ({ personId: r.person_id, screeningId: r.id }))
        .sort((a, b) => a.screeningId.localeCompare(b.screeningId)),
    ).toEqual([...people].sort((a, b) => a.screeningId.localeCompare(b.screeningId)))
    expect(new Set(rows.map((r) => r.referral_id))).toEqual(new Set([referralId]))
    const onJob = await ctx.db
      .selectFrom('case_people')
      .select('person_id')
      .where('case_id', '=', caseId)
      .where('role', '=', 'potential-victim')
      .execute()
    for (const p of people) expect(onJob.map((r) => r.person_id)).toContain(p.personId)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', referralId)
      .execute()
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['referral.created', 'screening-group.started']))
  })

  it('reads the group: its job and referral, and each person’s screening status and consent; the read is audited', async () => {
    const read = await call(oic, 'GET', `/api/v1/screening-groups/${groupId}`)
    expect(read.statusCode).toBe(200)
    const group = read.json()
    expect(group).toMatchObject({
      id: groupId,
      warrantDay: true,
      encounteredOn: `${year - 1}-03-03`,
      shared: null,
      sharedSavedAt: null,
      referral: { id: referralId },
      job: { id: caseId, title: 'Operation Harbour: car wash' },
    })
    expect(group.people).toHaveLength(3)
    const boy = group.people.find((p: { name: string }) => p.name === 'unknown boy about 14')
    expect(boy).toMatchObject({ status: 'not-started', confirmedRoute: null, consent: 'not-needed' })
    const mihai = group.people.find((p: { personId: string }) => p.personId === mihaiId)
    expect(mihai).toMatchObject({ name: 'Mihai Dobre', status: 'not-started', consent: 'not-recorded' })
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', referralId)
      .where('action', '=', 'screening-group.viewed')
      .execute()
    expect(audit).toHaveLength(1)
  })

  it('refuses bad shared facts with a problem pointing at the fields, saving nothing', async () => {
    const bad = await call(oic, 'PUT', `/api/v1/screening-groups/${groupId}/shared`, {
      ...SHARED,
      postcode: 'not a postcode',
      location: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect(bad.json().errors).toEqual(
      expect.arrayContaining([
        { pointer: '/postcode', detail: expect.stringContaining('Enter a real UK postcode') },
        { pointer: '/location', detail: 'Select the UK nation where they were encountered' },
      ]),
    )
    // Every problem, in the order the form asks: a check across fields (the premises) is listed with its part.
    const several = await call(oic, 'PUT', `/api/v1/screening-groups/${groupId}/shared`, {
      ...SHARED,
      addressLine1: '',
      postcode: '',
      premisesDescription: '',
      location: 'Atlantis',
      employerName: 'E'.repeat(201),
    })
    expect(several.json().errors).toEqual([
      { pointer: '/location', detail: 'Select the UK nation where they were encountered' },
      { pointer: '/addressLine1', detail: 'Enter the address, the postcode or a description of the premises' },
      { pointer: '/employerName', detail: 'The employer’s name must be 200 characters or fewer' },
    ])
    const unknownField = await call(oic, 'PUT', `/api/v1/screening-groups/${groupId}/shared`, {
      ...SHARED,
      exploitedAsChild: 'yes',
    })
    expect(unknownField.statusCode).toBe(400)
    expect(
      await ctx.db
        .selectFrom('screening_groups')
        .select('shared_saved_at')
        .where('id', '=', groupId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ shared_saved_at: null })
  })

  it('saves the shared facts, prefilling every screening, and reads them back', async () => {
    const saved = await call(oic, 'PUT', `/api/v1/screening-groups/${groupId}/shared`, SHARED)
    expect(saved.statusCode).toBe(200)
    expect([...saved.json().prefilled].sort()).toEqual(people.map((p) => p.screeningId).sort())
    for (const p of people) {
      const row = await ctx.db
        .selectFrom('screenings')
        .select('answers')
        .where('id', '=', p.screeningId)
        .executeTakeFirstOrThrow()
      expect((row.answers as { exploitation: object }).exploitation).toMatchObject({
        purpose: 'Washing cars for no pay',
        types: ['LABOUR'],
      })
    }
    expect(
      await ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('subject_id', '=', referralId)
        .where('action', '=', 'screening-group.shared-facts-saved')
        .execute(),
    ).toHaveLength(1)
    const group = (await call(oic, 'GET', `/api/v1/screening-groups/${groupId}`)).json()
    expect(group.shared).toMatchObject({ ...SHARED, postcode: 'HU1 2AB' })
    expect(group.sharedSavedAt).not.toBeNull()
    expect(
      group.people.every((p: { sharedSectionsToConfirm: string[] }) => p.sharedSectionsToConfirm.includes('encounter')),
    ).toBe(true)
  })

  it('refuses a user without a victims’ side duty (403), and is not found for a job they cannot see (404)', async () => {
    const other = await tokenFor('investigator')
    const start = await call(other.token, 'POST', `/api/v1/cases/${caseId}/screening-groups`, {
      encounteredOn: `${year - 1}-03-04`,
      summary: 'x',
      personIds: [mihaiId],
    })
    expect(start.statusCode).toBe(403)
    expect(start.headers['content-type']).toContain('application/problem+json')
    const read = await call(other.token, 'GET', `/api/v1/screening-groups/${groupId}`)
    expect(read.statusCode).toBe(403)
    expect(read.body).not.toContain('Mihai Dobre')
    expect(read.body).not.toContain('unknown boy')
    expect((await call(other.token, 'PUT', `/api/v1/screening-groups/${groupId}/shared`, SHARED)).statusCode).toBe(403)
    expect(
      (
        await call(other.token, 'POST', `/api/v1/people/${mihaiId}/screening-groups`, {
          encounteredOn: `${year - 1}-03-04`,
          summary: 'x',
        })
      ).statusCode,
    ).toBe(403)
    expect(
      (await call(other.token, 'GET', '/api/v1/screening-groups/00000000-0000-7000-8000-000000000000')).statusCode,
    ).toBe(404)

    // A victims' side team member is let in; a suspects' side one is not.
    const victimSide = await tokenFor('investigator')
    const suspectSide = await tokenFor('investigator')
    expect(
      (await call(oic, 'POST', `/api/v1/cases/${caseId}/members`, { userId: victimSide.id, duty: 'victim' }))
        .statusCode,
    ).toBeLessThan(300)
    expect(
      (await call(oic, 'POST', `/api/v1/cases/${caseId}/members`, { userId: suspectSide.id, duty: 'suspect' }))
        .statusCode,
    ).toBeLessThan(300)
    expect((await call(victimSide.token, 'GET', `/api/v1/screening-groups/${groupId}`)).statusCode).toBe(200)
    expect((await call(suspectSide.token, 'GET', `/api/v1/screening-groups/${groupId}`)).statusCode).toBe(403)

    // Once the job is restricted, outside its team it is not found: the same 404 as a job that does not exist.
    const supervisor = await tokenFor('supervisor')
    expect(
      (await call(supervisor.token, 'PATCH', `/api/v1/cases/${caseId}`, { restricted: true, reason: 'Covert phase' }))
        .statusCode,
    ).toBe(204)
    const hidden = await call(other.token, 'POST', `/api/v1/cases/${caseId}/screening-groups`, {
      encounteredOn: `${year - 1}-03-04`,
      summary: 'x',
      newPeople: [{ description: 'Man at the back' }],
    })
    const random = await call(
      other.token,
      'POST',
      '/api/v1/cases/00000000-0000-7000-8000-000000000000/screening-groups',
      { encounteredOn: `${year - 1}-03-04`, summary: 'x', newPeople: [{ description: 'Man at the back' }] },
    )
    expect(hidden.statusCode).toBe(404)
    expect(random.statusCode).toBe(404)
    expect(hidden.json().detail).toBe(random.json().detail)
    expect((await call(other.token, 'GET', `/api/v1/screening-groups/${groupId}`)).statusCode).toBe(404)
    expect(await ctx.db.selectFrom('screening_groups').select('id').execute()).toHaveLength(1)
  })
})

describe('the OpenAPI description', () => {
  it('describes the screening group routes', async () => {
    const paths = Object.keys((await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json().paths)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/cases/{id}/screening-groups',
        '/api/v1/people/{id}/screening-groups',
        '/api/v1/screening-groups/{id}',
        '/api/v1/screening-groups/{id}/shared',
      ]),
    )
  })
})

describe('screening one person from their record over the API', () => {
  it('starts a single screening for someone with no victim side yet', async () => {
    const officer = await tokenFor('investigator')
    const referral = await call(officer.token, 'POST', '/api/v1/referrals', {
      receivedAt: '2026-06-01',
      source: 'police',
      summary: 'A witness at the station',
      people: [{ names: ['Petra Novak'], approximateAge: 22, gender: 'female', role: 'witness' }],
    })
    const petra = referral.json().people[0].personId as string
    const bad = await call(officer.token, 'POST', `/api/v1/people/${petra}/screening-groups`, {
      encounteredOn: '2026-02-31',
      summary: 'Met her at the station',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/encounteredOn'])
    const started = await call(officer.token, 'POST', `/api/v1/people/${petra}/screening-groups`, {
      encounteredOn: '2026-03-02',
      summary: 'Met her at the station; she said her passport is held by the boss',
    })
    expect(started.statusCode).toBe(201)
    expect(started.json()).toMatchObject({ warrantDay: false, people: [{ personId: petra }] })
    const group = (await call(officer.token, 'GET', `/api/v1/screening-groups/${started.json().groupId}`)).json()
    expect(group).toMatchObject({
      warrantDay: false,
      job: null,
      people: [{ personId: petra, screeningId: started.json().people[0].screeningId }],
    })
  })
})
