import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiToken,
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  type TestContext,
} from './support/test-app.ts'

let ctx: TestContext
let analyst: PageClient
let analystToken: string
let analystId: string
let victimSideToken: string
let suspectSideToken: string
let victimId: string
let suspectId: string
let otherId: string

const auth = (token: string) => ({ authorization: `Bearer ${token}` })

async function referral(token: string, person: object) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: auth(token),
    payload: {
      receivedAt: '2026-04-01',
      source: 'police',
      summary: 'Synthetic matching test referral',
      people: [person],
    },
  })
  expect(res.statusCode).toBe(201)
  const body = res.json()
  return { referralId: body.id as string, personId: body.people[0].personId as string }
}

async function phone(token: string, personId: string, value: string) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/people/${personId}/objects`,
    headers: auth(token),
    payload: { kind: 'phone', value, relation: 'uses', source: 'test' },
  })
  expect(res.statusCode).toBe(201)
}

beforeAll(async () => {
  ctx = await createTestContext()
  const dcVictim = await createUser(ctx, 'investigator', 'dc.victim.match@test.lantern')
  const dcSuspect = await createUser(ctx, 'investigator', 'dc.suspect.match@test.lantern')
  const analystUser = await createUser(ctx, 'analyst', 'analyst.match@test.lantern')
  analystId = analystUser.id
  victimSideToken = await apiToken(ctx, dcVictim.email)
  suspectSideToken = await apiToken(ctx, dcSuspect.email)
  analystToken = await apiToken(ctx, analystUser.email)
  // One woman recorded twice: as a potential victim in Vietnamese script, and as a suspect transliterated.
  const v = await referral(victimSideToken, {
    names: ['Nguyễn Thị Thảo'],
    dateOfBirth: '2001-03-14',
    gender: 'female',
    nationalities: ['VN'],
    role: 'potential-victim',
  })
  victimId = v.personId
  await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/referrals/${v.referralId}/assignment`,
    headers: auth(victimSideToken),
    payload: { assigneeId: dcVictim.id, note: null },
  })
  await phone(victimSideToken, victimId, '07123 456789')
  suspectId = (
    await referral(suspectSideToken, {
      names: ['Nguyen Thi Thao'],
      dateOfBirth: '2001-03-14',
      gender: 'female',
      nationalities: ['VN'],
      role: 'suspected-exploiter',
    })
  ).personId
  await phone(suspectSideToken, suspectId, '+44 7123 456789')
  await referral(suspectSideToken, {
    names: ['Minh Nguyen'],
    dateOfBirth: '1998-07-02',
    gender: 'male',
    nationalities: ['VN'],
    role: 'suspected-exploiter',
  })
  await referral(suspectSideToken, {
    names: ['Liam Clarke'],
    dateOfBirth: '2003-05-09',
    gender: 'male',
    role: 'suspected-exploiter',
  })
  otherId = (
    await referral(suspectSideToken, {
      names: ['Liam Clark'],
      dateOfBirth: '2003-05-09',
      gender: 'male',
      role: 'witness',
    })
  ).personId
  analyst = new PageClient(ctx.app)
  await analyst.signIn(analystUser.email)
})
afterAll(() => ctx.close())

describe('possible matches', () => {
  it('ranks the same person across transliterations first, with a per-field explanation', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/people/${suspectId}/matches`,
      headers: auth(analystToken),
    })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.modelVersion).toMatch(/^(default|trained)-[0-9a-f]{12}$/)
    expect(body.items[0].personId).toBe(victimId)
    expect(body.items[0].probability).toBeGreaterThan(0.9)
    const byField = Object.fromEntries(
      body.items[0].explanation.map((e: { field: string; agreement: string; weight: number }) => [e.field, e]),
    )
    for (const field of ['givenName', 'familyName', 'dateOfBirth', 'phone']) {
      expect(byField[field].agreement).toBe('agree')
      expect(byField[field].weight).toBeGreaterThan(0)
    }
    expect(byField.postcode.agreement).toBe('missing')
    expect(body.items.map((i: { personId: string }) => i.personId)).not.toContain(suspectId)
  })

  it('shows them on the person page and compares the two without the victim facet', async () => {
    const before = await ctx.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow()
    const page = await analyst.get(`/people/${suspectId}`)
    expect(page.statusCode).toBe(200)
    // The person page links to their possible matches; viewing the person does no matching.
    expect(page.body).toContain('Possible matches')
    expect(page.body).toContain(`/people/${suspectId}/possible-matches`)
    const matches = await analyst.get(`/people/${suspectId}/possible-matches`)
    expect(matches.statusCode).toBe(200)
    expect(matches.body).toContain('Possible matches')
    expect(matches.body).toContain(`/people/${suspectId}/matches/${victimId}`)
    // Seeing the person and the people they may be are both recorded, naming who was shown.
    const viewed = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'subject_id', 'details', 'occurred_at'])
      .where('id', '>', before.id!)
      .where('subject_id', '=', suspectId)
      .orderBy('id')
      .execute()
    expect(viewed.map((r) => r.action)).toEqual(['person.viewed', 'person.matches-viewed'])
    expect((viewed[1].details as { matches: string[] }).matches).toContain(victimId)
    const compare = await analyst.get(`/people/${suspectId}/matches/${victimId}`)
    expect(compare.statusCode).toBe(200)
    expect(compare.body).toContain('Nguyễn Thị Thảo')
    expect(compare.body).toContain('07123 456789')
    expect(compare.body).toContain('date of birth: exactly the same')
    // The victim's referral role and anything from the victim facet never appear here.
    expect(compare.body).not.toContain('Potential victim')
    expect(compare.body).not.toContain('/nrm')
    expect(compare.body).not.toContain('safeguarding-plan')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'category'])
      .where('action', '=', 'person.match-compared')
      .execute()
    expect(audit).toEqual([{ action: 'person.match-compared', category: 'consultation' }])
  })

  it('refuses bad input: itself, an unknown person, a bad decision, an empty note', async () => {
    const post = (id: string, other: string, payload: object) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/v1/people/${id}/matches/${other}/decision`,
        headers: auth(analystToken),
        payload,
      })
    const self = await post(suspectId, suspectId, { decision: 'merge', note: 'same' })
    expect(self.statusCode).toBe(400)
    expect(self.headers['content-type']).toContain('application/problem+json')
    expect(
      (await post(suspectId, '01890000-0000-7000-8000-000000000000', { decision: 'merge', note: 'x' })).statusCode,
    ).toBe(404)
    expect((await post(suspectId, victimId, { decision: 'maybe', note: 'x' })).statusCode).toBe(400)
    expect((await post(suspectId, victimId, { decision: 'merge', note: '' })).statusCode).toBe(400)
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/people/01890000-0000-7000-8000-000000000000/matches',
          headers: auth(analystToken),
        })
      ).statusCode,
    ).toBe(404)
    expect(
      (
        await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/merges/01890000-0000-7000-8000-000000000000/unmerge',
          headers: auth(analystToken),
          payload: { reason: 'x' },
        })
      ).statusCode,
    ).toBe(404)
    // The page shows a GOV.UK error summary and keeps what was typed.
    await analyst.get(`/people/${suspectId}/matches/${victimId}`)
    const page = await analyst.post(`/people/${suspectId}/matches/${victimId}`, { decision: 'merge', note: '' })
    expect(page.statusCode).toBe(400)
    expect(page.body).toContain('There is a problem')
    expect(page.body).toContain('Enter why you are sure they are the same person')
  })

  it('is not for partners or roles without match:review', async () => {
    const partner = await createUser(ctx, 'partner')
    const token = await apiToken(ctx, partner.email)
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${suspectId}/matches`, headers: auth(token) }))
        .statusCode,
    ).toBe(403)
    const pcso = await createUser(ctx, 'pcso')
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/people/${suspectId}/matches`,
          headers: auth(await apiToken(ctx, pcso.email)),
        })
      ).statusCode,
    ).toBe(403)
  })
})

describe('reject', () => {
  it('remembers a rejected pair and does not offer it again; deciding twice is refused', async () => {
    const before = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${otherId}/matches`, headers: auth(analystToken) })
    ).json()
    const candidate = before.items[0]?.personId as string | undefined
    expect(candidate).toBeDefined()
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${otherId}/matches/${candidate}/decision`,
      headers: auth(analystToken),
      payload: { decision: 'reject', note: 'Brothers, not the same man' },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json().mergeId).toBeNull()
    const after = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${otherId}/matches`, headers: auth(analystToken) })
    ).json()
    expect(after.items.map((i: { personId: string }) => i.personId)).not.toContain(candidate)
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${candidate}/matches/${otherId}/decision`,
      headers: auth(analystToken),
      payload: { decision: 'merge', note: 'changed my mind' },
    })
    expect(again.statusCode).toBe(409)
    const decision = await ctx.db
      .selectFrom('match_decisions')
      .selectAll()
      .where('person_id', '=', otherId)
      .executeTakeFirstOrThrow()
    expect(decision).toMatchObject({ decision: 'reject', note: 'Brothers, not the same man', decided_by: analystId })
    expect(decision.model_version).toMatch(/^(default|trained)-/)
  })
})

describe('merge and unmerge', () => {
  let mergeId: string

  it('merges with provenance: the survivor reads as the union, the merged page redirects, search shows the survivor', async () => {
    // Before: the suspect-side officer sees no victim facet on the suspect record.
    const before = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${suspectId}`, headers: auth(suspectSideToken) })
    ).json()
    expect(before.victimFacet.exists).toBe(false)

    await analyst.get(`/people/${suspectId}/matches/${victimId}`)
    const decided = await analyst.post(`/people/${suspectId}/matches/${victimId}`, {
      decision: 'merge',
      note: 'Same phone and date of birth; same person in two referrals',
    })
    expect(decided.statusCode).toBe(303)
    const merge = await ctx.db
      .selectFrom('person_merges')
      .selectAll()
      .where('merged_id', '=', victimId)
      .executeTakeFirstOrThrow()
    mergeId = merge.id
    expect(merge).toMatchObject({ survivor_id: suspectId, merged_by: analystId, unmerged_at: null })
    const decision = await ctx.db
      .selectFrom('match_decisions')
      .selectAll()
      .where('id', '=', merge.decision_id)
      .executeTakeFirstOrThrow()
    expect(decision.probability).toBeGreaterThan(0.9)
    expect((decision.explanation as { field: string }[]).map((e) => e.field)).toContain('phone')

    const redirect = await analyst.get(`/people/${victimId}`)
    expect(redirect.statusCode).toBe(303)
    expect(redirect.headers.location).toBe(`/people/${suspectId}`)
    const apiRedirect = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/people/${victimId}`,
      headers: auth(analystToken),
    })
    expect(apiRedirect.statusCode).toBe(303)

    const page = await analyst.get(`/people/${suspectId}`)
    expect(page.body).toContain('Nguyễn Thị Thảo')
    expect(page.body).toContain('Nguyen Thi Thao')
    expect(page.body).toContain('(merged record)')
    expect(page.body).toContain(`/people/${suspectId}/possible-matches`)
    expect((await analyst.get(`/people/${suspectId}/possible-matches`)).body).toContain(`/merges/${mergeId}`)
    // The merged record's matches are its survivor's.
    const mergedMatches = await analyst.get(`/people/${victimId}/possible-matches`)
    expect(mergedMatches.statusCode).toBe(303)
    expect(mergedMatches.headers.location).toBe(`/people/${suspectId}/possible-matches`)
    const person = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${suspectId}`, headers: auth(analystToken) })
    ).json()
    expect(person.roles.map((r: { role: string }) => r.role).sort()).toEqual([
      'potential-victim',
      'suspected-exploiter',
    ])

    const search = (
      await ctx.app.inject({ method: 'GET', url: '/api/v1/search?q=Nguyen%20Thi%20Thao', headers: auth(analystToken) })
    ).json()
    const ids = JSON.stringify(search)
    expect(ids).toContain(suspectId)
    expect(ids).not.toContain(victimId)

    // No longer offered as a match of anyone, and deciding again is refused.
    const matches = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${suspectId}/matches`, headers: auth(analystToken) })
    ).json()
    expect(matches.items.map((i: { personId: string }) => i.personId)).not.toContain(victimId)
    const twice = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${suspectId}/matches/${victimId}/decision`,
      headers: auth(analystToken),
      payload: { decision: 'merge', note: 'again' },
    })
    expect(twice.statusCode).toBe(409)

    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'category', 'subject_id'])
      .where('action', '=', 'person.merged')
      .execute()
    expect(audit).toHaveLength(2)
    expect(audit.every((a) => a.category === 'combination')).toBe(true)
  })

  it('applies the victim-facet policy to the whole merged identity', async () => {
    const suspectSide = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${suspectId}`, headers: auth(suspectSideToken) })
    ).json()
    expect(suspectSide.victimFacet).toMatchObject({ exists: true, visibleToYou: false })
    const victimSide = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${suspectId}`, headers: auth(victimSideToken) })
    ).json()
    expect(victimSide.victimFacet).toMatchObject({ exists: true, visibleToYou: true })
    // The merge page shows provenance, never the facet.
    const page = await analyst.get(`/merges/${mergeId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Same phone and date of birth')
    expect(page.body).not.toContain('Potential victim')
  })

  it('unmerges: both records read as themselves again, and the history stays', async () => {
    const bad = await analyst.post(`/merges/${mergeId}/unmerge`, { reason: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('There is a problem')
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/merges/${mergeId}/unmerge`,
      headers: auth(analystToken),
      payload: { reason: 'Different passports seen later' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ survivorId: suspectId, mergedId: victimId })
    expect((await analyst.get(`/people/${victimId}`)).statusCode).toBe(200)
    const suspectSide = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${suspectId}`, headers: auth(suspectSideToken) })
    ).json()
    expect(suspectSide.victimFacet.exists).toBe(false)
    expect(suspectSide.names.map((n: { name: string }) => n.name)).toEqual(['Nguyen Thi Thao'])
    const twice = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/merges/${mergeId}/unmerge`,
      headers: auth(analystToken),
      payload: { reason: 'again' },
    })
    expect(twice.statusCode).toBe(409)
    const merge = await ctx.db
      .selectFrom('person_merges')
      .selectAll()
      .where('id', '=', mergeId)
      .executeTakeFirstOrThrow()
    expect(merge.unmerge_reason).toBe('Different passports seen later')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action'])
      .where('action', '=', 'person.unmerged')
      .execute()
    expect(audit).toHaveLength(2)
    // Offered again after an unmerge: the unmerge is not a rejection.
    const matches = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/people/${suspectId}/matches`, headers: auth(analystToken) })
    ).json()
    expect(matches.items.map((i: { personId: string }) => i.personId)).toContain(victimId)
  })
})

/** Every row of every table that names either person in a uuid column, as sorted JSON: "the records, exactly". */
async function snapshot(ids: string[]): Promise<string[]> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
    WHERE c.table_schema = 'public' AND c.data_type = 'uuid' AND t.table_type = 'BASE TABLE'
      AND c.table_name NOT IN ('audit_events', 'person_merges', 'match_decisions')`.execute(ctx.db)
  const byTable = new Map<string, string[]>()
  for (const c of columns) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name])
  const out: string[] = []
  for (const [table, cols] of [...byTable].sort()) {
    const where = sql.join(
      cols.map((c) => sql`${sql.ref(c)} = ANY(${ids}::uuid[])`),
      sql` OR `,
    )
    const { rows } = await sql<{
      row: string
    }>`SELECT to_jsonb(t)::text AS row FROM ${sql.table(table)} t WHERE ${where} ORDER BY 1`.execute(ctx.db)
    for (const r of rows) out.push(`${table}:${r.row}`)
  }
  return out
}

describe('unmerge restores exactly (property)', () => {
  it('merge then unmerge leaves every table’s rows for both people identical', async () => {
    const actor = { userId: analystId }
    const analyst = await currentUserOf(ctx, analystId)
    const { referralId } = await referral(suspectSideToken, { names: ['Property Anchor'], role: 'witness' })
    const name = fc.stringMatching(/^[A-Z][a-z]{2,8} [A-Z][a-z]{2,8}$/)
    const personArb = fc.record({
      names: fc.array(name, { minLength: 1, maxLength: 3 }),
      dateOfBirth: fc.option(
        fc
          .date({ min: new Date('1960-01-01'), max: new Date('2008-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
        { nil: null },
      ),
      phones: fc.array(
        fc.integer({ min: 100000, max: 999999 }).map((n) => `07123 ${n}0`.slice(0, 12)),
        { maxLength: 2 },
      ),
      postcode: fc.option(fc.constantFrom('M14 5TP', 'LS11 5AB', 'B11 1AA'), { nil: null }),
      role: fc.option(fc.constantFrom('potential-victim', 'suspected-exploiter', 'witness'), { nil: null }),
    })
    await fc.assert(
      fc.asyncProperty(personArb, personArb, async (a, b) => {
        const ids: string[] = []
        for (const p of [a, b]) {
          const id = await ctx.services.people.create(
            {
              names: p.names,
              dateOfBirth: p.dateOfBirth,
              approximateAge: null,
              ageDisputed: false,
              gender: 'not-known',
              nationalities: [],
              languages: [],
            },
            actor,
          )
          for (const value of p.phones)
            await ctx.services.people.linkObject(
              id,
              { kind: 'phone', value, relation: 'uses', validFrom: null, source: 'property test' },
              actor,
            )
          if (p.postcode)
            await ctx.services.people.linkPlace(
              id,
              {
                place: {
                  addressLine1: '1 Test Street',
                  town: null,
                  postcode: p.postcode,
                  description: null,
                  premisesType: 'private-house',
                } as never,
                relation: 'lives-at',
                source: 'property test',
                validFrom: null,
              },
              actor,
            )
          if (p.role)
            await ctx.db
              .insertInto('referral_subjects')
              .values({ referral_id: referralId, person_id: id, role: p.role, position: 10 + ids.length })
              .execute()
          ids.push(id)
        }
        const before = await snapshot(ids)
        const { mergeId } = await ctx.services.matching.decide(
          ids[0],
          ids[1],
          { decision: 'merge', note: 'property test' },
          analyst,
          actor,
        )
        expect(await snapshot(ids)).not.toEqual(before)
        await ctx.services.matching.unmerge(mergeId!, 'property test', actor)
        expect(await snapshot(ids)).toEqual(before)
      }),
      { numRuns: 12 },
    )
  })
})
