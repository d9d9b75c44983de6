import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type Role, type TestContext } from './support/test-app.ts'
import { buildLiveJob, buildReferral, buildUser } from './support/builders.ts'

/**
 * For each role, and each protected item (a victim facet, an immigration status, a restricted case), every
 * route that could expose it either shows it or does not, exactly as the policy says.
 */
let ctx: TestContext
const STATUS = 'Refugee status pending review'
const CASE_TITLE = 'Operation Kestrel'
let referralId: string
let victimId: string
let caseId: string
let caseReference: string

type Actor = { label: string; role: Role; client: PageClient; token: string }
const actors: Actor[] = []

// What the policy says each actor may see.
const MAY = {
  victimFacet: new Set(['supervisor', 'dc on the victim side']),
  immigrationStatus: new Set(['supervisor']),
  restrictedCase: new Set(['supervisor', 'dc on the victim side']),
}

beforeAll(async () => {
  ctx = await createTestContext()
  const dcA = await buildUser(ctx, 'investigator', { email: 'victim-side@test.lantern' })
  const token = await apiToken(ctx, dcA.email)
  const referral = await buildReferral(ctx, dcA, {
    receivedAt: '2026-03-03',
    summary: 'Domestic servitude',
    exploitationTypes: [],
    people: [
      {
        names: ['Marisol Reyes'],
        approximateAge: 38,
        gender: 'female',
        nationalities: ['PH'],
        role: 'potential-victim',
      },
    ],
  })
  referralId = referral.id
  victimId = referral.people[0].personId
  await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/referrals/${referralId}/assignment`,
    headers: { authorization: `Bearer ${token}` },
    payload: { assigneeId: dcA.id, note: null },
  })
  const opened = await buildLiveJob(ctx, dcA, { referralId, title: CASE_TITLE })
  caseId = opened.id
  caseReference = opened.reference
  await sql`UPDATE cases SET restricted = true WHERE id = ${caseId}`.execute(ctx.db)
  await sql`INSERT INTO person_immigration_status (person_id, status) VALUES (${victimId}, ${STATUS})`.execute(ctx.db)

  const victimSide = new PageClient(ctx.app)
  await victimSide.signIn(dcA.email)
  actors.push({ label: 'dc on the victim side', role: 'investigator', client: victimSide, token })
  for (const [label, role] of [
    ['supervisor', 'supervisor'],
    ['another dc', 'investigator'],
    ['pcso', 'pcso'],
    ['support', 'support'],
    ['analyst', 'analyst'],
    ['partner', 'partner'],
    ['auditor', 'auditor'],
    ['admin', 'admin'],
  ] as const) {
    const user = await createUser(ctx, role)
    const client = new PageClient(ctx.app)
    await client.signIn(user.email)
    actors.push({ label, role, client, token: await apiToken(ctx, user.email) })
  }
})
afterAll(() => ctx.close())

describe('access matrix', () => {
  it('shows the victim facet only to those working the victim side, by every route', async () => {
    for (const actor of actors) {
      const allowed = MAY.victimFacet.has(actor.label)
      const facet = await actor.client.get(`/referrals/${referralId}/people/${victimId}/nrm`)
      expect(facet.statusCode, actor.label).toBe(allowed ? 200 : 403)
      const screening = await actor.client.post(`/referrals/${referralId}/people/${victimId}/screenings`, {})
      expect(screening.statusCode === 303, `${actor.label} screening`).toBe(allowed)
      const api = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/people/${victimId}`,
        headers: { authorization: `Bearer ${actor.token}` },
      })
      if (api.statusCode === 200)
        expect(api.json().victimFacet, `${actor.label} API`).toMatchObject({ exists: true, visibleToYou: allowed })
      const person = await actor.client.get(`/people/${victimId}`)
      if (person.statusCode === 200) {
        expect(person.body.includes('Screening, consent and NRM'), `${actor.label} person page link`).toBe(allowed)
        expect(person.body.includes('Protected victim information exists'), `${actor.label} person page flag`).toBe(
          !allowed,
        )
      }
    }
  })

  it('never shows immigration status except to a supervisor who states why', async () => {
    for (const actor of actors) {
      const allowed = MAY.immigrationStatus.has(actor.label)
      for (const url of [
        `/people/${victimId}`,
        '/search?q=Marisol+Reyes',
        `/referrals/${referralId}`,
        `/cases/${caseId}`,
        '/my-work',
      ]) {
        const page = await actor.client.get(url)
        expect(page.body, `${actor.label} ${url}`).not.toContain(STATUS)
      }
      for (const url of [
        `/api/v1/referrals/${referralId}`,
        '/api/v1/search?q=Marisol',
        `/api/v1/people/${victimId}`,
        `/api/v1/cases/${caseId}`,
      ]) {
        const response = await ctx.app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${actor.token}` },
        })
        expect(response.body, `${actor.label} ${url}`).not.toContain(STATUS)
      }
      await actor.client.get(`/people/${victimId}`)
      const shown = await actor.client.post(`/people/${victimId}/immigration-status/view`, {
        purpose: 'Safeguarding plan review',
      })
      expect(shown.statusCode, actor.label).toBe(allowed ? 200 : 403)
      expect(shown.body.includes(STATUS), actor.label).toBe(allowed)
    }
    const views = await ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'justification'])
      .where('action', '=', 'immigration-status.viewed')
      .execute()
    expect(views).toHaveLength(1)
    expect(views[0].justification).toBe('Safeguarding plan review')
  })

  it('keeps a restricted case from everyone outside it: page, list, search and the person’s roles', async () => {
    for (const actor of actors) {
      const allowed = MAY.restrictedCase.has(actor.label)
      const page = await actor.client.get(`/cases/${caseId}`)
      if (page.statusCode !== 403) expect(page.statusCode, actor.label).toBe(allowed ? 200 : 404)
      else expect(allowed, actor.label).toBe(false)
      const api = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/cases/${caseId}`,
        headers: { authorization: `Bearer ${actor.token}` },
      })
      if (api.statusCode !== 403) expect(api.statusCode, `${actor.label} API`).toBe(allowed ? 200 : 404)
      const apiList = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/cases',
        headers: { authorization: `Bearer ${actor.token}` },
      })
      if (apiList.statusCode === 200) expect(apiList.body.includes(CASE_TITLE), `${actor.label} API list`).toBe(allowed)
      const list = await actor.client.get('/cases')
      expect(list.body.includes(CASE_TITLE), `${actor.label} list`).toBe(allowed)
      const search = await actor.client.get(`/search?q=${caseReference}`)
      expect(search.body.includes(`/cases/${caseId}`), `${actor.label} search`).toBe(allowed)
      const person = await actor.client.get(`/people/${victimId}`)
      if (person.statusCode === 200) expect(person.body.includes(caseReference), `${actor.label} roles`).toBe(allowed)
    }
  })
})
