import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiToken,
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  type TestContext,
} from './support/test-app.ts'

/**
 * A restricted live job exists only for its team and supervisors (issue 13, finding 2; ADR 0009). What was
 * recorded only inside it (a person, a deal line, a cuckooed address, its reference) is never found, shown or
 * counted for anyone else, and its ids answer exactly as a random id does. Its team still sees all of it.
 */
let ctx: TestContext
type Who = { id: string; email: string; token: string }
let oic: Who
let outsider: Who
let pcso: Who
let supervisor: Who
let caseId: string
let caseReference: string
let referralId: string
let hiddenPersonId: string
let dealLineId: string
let cuckooedId: string

const HIDDEN_NAME = 'Qorvath Belisandre'
const DEAL_LINE = '07123 448120'
const POSTCODE = 'LS11 7QZ'

async function user(role: 'investigator' | 'supervisor' | 'pcso'): Promise<Who> {
  const u = await createUser(ctx, role)
  return { ...u, token: await apiToken(ctx, u.email) }
}

const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${who.token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })

beforeAll(async () => {
  ctx = await createTestContext()
  oic = await user('investigator')
  outsider = await user('investigator')
  pcso = await user('pcso')
  supervisor = await user('supervisor')
  const made = await call(oic, 'POST', '/api/v1/referrals', {
    receivedAt: '2026-09-14',
    source: 'police',
    summary: 'Address concern from neighbours',
    people: [{ names: ['Dorian Witness'], approximateAge: 50, gender: 'male', role: 'witness' }],
  })
  expect(made.statusCode).toBe(201)
  referralId = made.json().id
  const opened = await call(oic, 'POST', '/api/v1/cases', {
    referralId,
    title: 'Line into Holbeck',
    kind: 'county-lines',
  })
  expect(opened.statusCode).toBe(201)
  caseId = opened.json().id
  caseReference = opened.json().reference
  expect(
    (await call(supervisor, 'PATCH', `/api/v1/cases/${caseId}`, { restricted: true, reason: 'Covert phase' }))
      .statusCode,
  ).toBeLessThan(300)
  const added = await call(oic, 'POST', `/api/v1/cases/${caseId}/people`, { newName: HIDDEN_NAME, role: 'suspect' })
  expect(added.statusCode).toBe(201)
  hiddenPersonId = added.json().personId
  const me = await currentUserOf(ctx, oic.id)
  await ctx.services.cases.addDealLine(
    caseId,
    {
      number: DEAL_LINE,
      lineName: 'Qorvath line',
      area: 'Holbeck',
      activeFrom: null,
      activeTo: null,
      personId: hiddenPersonId,
      relation: 'runs',
    },
    me,
    { userId: oic.id, tokenId: null, ip: null, requestId: null },
  )
  const place = await call(oic, 'POST', `/api/v1/cases/${caseId}/locations`, {
    place: { addressLine1: '9 Ingram Row', town: 'Leeds', postcode: POSTCODE, premisesType: 'private-house' },
  })
  expect(place.statusCode).toBe(201)
  cuckooedId = place.json().locationId
  const line = await ctx.db.selectFrom('objects').select('id').where('kind', '=', 'deal-line').executeTakeFirstOrThrow()
  dealLineId = line.id
})
afterAll(() => ctx.close())

/** Status and body shape of the same request for a random id: what "not found" looks like. */
async function sameAsRandom(who: Who, url: (id: string) => string, id: string) {
  const real = await call(who, 'GET', url(id))
  const random = await call(who, 'GET', url(randomUUID()))
  expect(real.statusCode).toBe(404)
  expect(real.statusCode).toBe(random.statusCode)
  expect(Object.keys(real.json()).sort()).toEqual(Object.keys(random.json()).sort())
  return real
}

describe('a restricted live job exists only for its team', () => {
  it('its team and a supervisor find what was recorded in it', async () => {
    for (const who of [oic, supervisor]) {
      const byName = await call(who, 'GET', `/api/v1/search?q=${encodeURIComponent(HIDDEN_NAME)}`)
      expect(JSON.stringify(byName.json())).toContain(hiddenPersonId)
      const byLine = await call(who, 'GET', `/api/v1/search?q=${encodeURIComponent(DEAL_LINE)}`)
      expect(JSON.stringify(byLine.json())).toContain(dealLineId)
      expect((await call(who, 'GET', `/api/v1/people/${hiddenPersonId}`)).statusCode).toBe(200)
      expect((await call(who, 'GET', `/api/v1/locations/${cuckooedId}`)).statusCode).toBe(200)
      expect((await call(who, 'GET', `/api/v1/objects/${dealLineId}`)).statusCode).toBe(200)
    }
  })

  it('search finds nothing recorded only in it for anyone else', async () => {
    for (const who of [outsider, pcso]) {
      for (const q of [HIDDEN_NAME, DEAL_LINE, POSTCODE, caseReference]) {
        const found = await call(who, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}`)
        expect(found.statusCode, q).toBe(200)
        const text = JSON.stringify(found.json())
        for (const secret of [hiddenPersonId, dealLineId, cuckooedId, caseId, 'Qorvath', 'Ingram Row'])
          expect(text, `${q} → ${secret}`).not.toContain(secret)
      }
    }
  })

  it('its people, places and deal lines answer exactly as a random id does', async () => {
    for (const who of [outsider, pcso]) {
      await sameAsRandom(who, (id) => `/api/v1/people/${id}`, hiddenPersonId)
      await sameAsRandom(who, (id) => `/api/v1/locations/${id}`, cuckooedId)
      await sameAsRandom(who, (id) => `/api/v1/objects/${id}`, dealLineId)
    }
    const page = new PageClient(ctx.app)
    await page.signIn(outsider.email)
    for (const path of [`/people/${hiddenPersonId}`, `/places/${cuckooedId}`, `/objects/${dealLineId}`]) {
      const real = await page.get(path)
      expect(real.statusCode, path).toBe(404)
      expect(real.body).not.toContain('Qorvath')
    }
  })

  it('every route that names one of its records answers as for an id that does not exist, page or API', async () => {
    const apiRoutes = [
      `/api/v1/people/:id/others`,
      `/api/v1/people/:id/network`,
      `/api/v1/people/:id/matches`,
      `/api/v1/people/:id/safeguarding-plan`,
      `/api/v1/cases/:id`,
    ]
    for (const route of apiRoutes) {
      const id = route.startsWith('/api/v1/cases') ? caseId : hiddenPersonId
      const real = await call(outsider, 'GET', route.replace(':id', id))
      const random = await call(outsider, 'GET', route.replace(':id', randomUUID()))
      expect(real.statusCode, route).toBe(random.statusCode)
      expect(real.body.replace(/[0-9a-f-]{36}/g, 'ID'), route).toBe(random.body.replace(/[0-9a-f-]{36}/g, 'ID'))
    }
    const page = new PageClient(ctx.app)
    await page.signIn(outsider.email)
    for (const route of [
      '/people/:id/others',
      '/people/:id/network',
      '/people/:id/safeguarding-plan',
      '/people/:id/disclosures',
      '/cases/:id',
    ]) {
      const id = route.startsWith('/cases') ? caseId : hiddenPersonId
      const real = await page.get(route.replace(':id', id))
      const random = await page.get(route.replace(':id', randomUUID()))
      expect(real.statusCode, route).toBe(random.statusCode)
      expect(real.body, route).not.toContain('Qorvath')
    }
    // Its team reaches the same routes.
    expect((await call(oic, 'GET', `/api/v1/people/${hiddenPersonId}/network`)).statusCode).toBe(200)
  })

  it('the referral it was opened from does not name it, and the witness page says nothing of it', async () => {
    const seen = await call(outsider, 'GET', `/api/v1/referrals/${referralId}`)
    expect(seen.statusCode).toBe(200)
    expect(seen.body).not.toContain(caseReference)
    const page = new PageClient(ctx.app)
    await page.signIn(outsider.email)
    const timeline = await page.get(`/referrals/${referralId}`)
    expect(timeline.statusCode).toBe(200)
    expect(timeline.body).not.toContain(caseReference)
    expect(timeline.body).toContain('Opened as live job (restricted)')
    const witnessId = seen.json().people[0].personId as string
    const person = await page.get(`/people/${witnessId}`)
    expect(person.statusCode).toBe(200)
    expect(person.body).not.toContain(caseReference)
    expect(person.body).not.toMatch(/restricted cases/)
    // Its own team reads the reference as recorded.
    const team = new PageClient(ctx.app)
    await team.signIn(oic.email)
    expect((await team.get(`/referrals/${referralId}`)).body).toContain(`Opened as live job ${caseReference}`)
  })
})
