import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { classify } from '#src/modules/search/search.service.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let token: string
let analyst: PageClient
let referral: { id: string; reference: string; people: { personId: string }[] }

beforeAll(async () => {
  ctx = await createTestContext()
  const dc = await createUser(ctx, 'investigator')
  token = await apiToken(ctx, dc.email)
  referral = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        receivedAt: '2026-02-02',
        source: 'helpline',
        summary: 'Workers at a nail bar',
        people: [
          {
            names: ['Nguyễn Thị Thảo'],
            dateOfBirth: '2001-06-02',
            gender: 'female',
            nationalities: ['VN'],
            role: 'potential-victim',
          },
          {
            names: ['Nguyen Van An'],
            dateOfBirth: '1985-01-01',
            gender: 'male',
            nationalities: ['VN'],
            role: 'suspected-exploiter',
          },
          { names: ['محمد عبدالله'], approximateAge: 30, gender: 'male', role: 'witness' },
        ],
        locations: [{ addressLine1: '9 Market Place', postcode: 'LS11 5AB', premisesType: 'nail-bar' }],
      },
    })
  ).json()
  const suspect = new PageClient(ctx.app)
  await suspect.signIn(dc.email)
  await suspect.get(`/people/${referral.people[1].personId}`)
  await suspect.post(`/people/${referral.people[1].personId}/objects`, {
    kind: 'phone',
    value: '+44 7123 456 789',
    relation: 'uses',
    source: 'Helpline report',
  })
  await suspect.post(`/people/${referral.people[1].personId}/objects`, {
    kind: 'vehicle',
    value: 'AB12 CDE',
    relation: 'drives',
    source: 'ANPR',
  })
  analyst = new PageClient(ctx.app)
  await analyst.signIn((await createUser(ctx, 'analyst')).email)
})
afterAll(() => ctx.close())

function api(q: string, dob?: string) {
  const params = new URLSearchParams({ q, ...(dob ? { dob } : {}) })
  return ctx.app
    .inject({ method: 'GET', url: `/api/v1/search?${params}`, headers: { authorization: `Bearer ${token}` } })
    .then((r) => r.json())
}

describe('search', () => {
  it('tells what was typed: a reference, a phone, a vehicle, a postcode, a date or a name', () => {
    expect(classify('REF-2026-000001')).toBe('reference')
    expect(classify('07123 456789')).toBe('phone')
    expect(classify('AB12 CDE')).toBe('vehicle')
    expect(classify('LS11 5AB')).toBe('postcode')
    expect(classify('LS11 5')).toBe('postcode')
    expect(classify('2/6/2001')).toBe('date-of-birth')
    expect(classify('Nguyen Thao')).toBe('name')
  })

  it('finds a name across diacritics and spelling, and narrows by date of birth', async () => {
    const thao = await api('nguyen thi thao')
    expect(thao.people[0]).toMatchObject({ name: 'Nguyễn Thị Thảo' })
    const both = await api('Nguyen')
    expect(both.people.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['Nguyễn Thị Thảo', 'Nguyen Van An']),
    )
    const narrowed = await api('Nguyen', '1985')
    expect(narrowed.people.map((p: { name: string }) => p.name)).toEqual(['Nguyen Van An'])
    const typo = await api('Nguyen Thi Tho')
    expect(typo.people[0].name).toBe('Nguyễn Thị Thảo')
    const arabic = await api('محمد')
    expect(arabic.people[0].name).toBe('محمد عبدالله')
  })

  it('finds a name with a slip, in another order, by sound, or transliterated from another script, and follows a new name at once', async () => {
    const firstOf = async (q: string) => ((await api(q)).people[0] ?? { name: null }).name
    expect(await firstOf('Tao Nguyen')).toBe('Nguyễn Thị Thảo')
    expect(await firstOf('Nguyyen Van Ann')).toBe('Nguyen Van An')
    expect(await firstOf('Mohamed Abdullah')).toBe('محمد عبدالله')
    expect(await firstOf('Muhammad')).toBe('محمد عبدالله')
    const before = await api('Tran Linh')
    expect(before.people.map((p: { name: string }) => p.name)).not.toContain('Nguyen Van An')
    const dc = new PageClient(ctx.app)
    await dc.signIn((await createUser(ctx, 'investigator')).email)
    await dc.get(`/people/${referral.people[1].personId}`)
    expect(
      (await dc.post(`/people/${referral.people[1].personId}/names`, { fullName: 'Trần Linh', kind: 'alias' }))
        .statusCode,
    ).toBe(303)
    const after = await api('Tran Linh')
    expect(after.people[0]).toMatchObject({ name: 'Nguyen Van An', matchedName: 'Trần Linh' })
  })

  it('finds a phone however it is written, a vehicle, a postcode or sector, and a reference', async () => {
    const phone = await api('07123456789')
    expect(phone.objects[0]).toMatchObject({ kind: 'phone', people: [{ name: 'Nguyen Van An', relation: 'uses' }] })
    expect((await api('ab12cde')).objects[0]).toMatchObject({ kind: 'vehicle', display: 'AB12 CDE' })
    expect((await api('ls11 5ab')).places[0]).toMatchObject({ postcode: 'LS11 5AB' })
    expect((await api('LS11 5')).places).toHaveLength(1)
    expect((await api(referral.reference)).references).toEqual([
      { kind: 'referral', id: referral.id, reference: referral.reference, matched: null },
    ])
  })

  it('audits every search by a hash of the words, never the words themselves', async () => {
    await analyst.get('/search?q=Nguyen+Thi+Thao')
    const row = await ctx.db
      .selectFrom('audit_events')
      .select(['details', 'category'])
      .where('action', '=', 'search.performed')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow()
    expect(row.category).toBe('consultation')
    expect(JSON.stringify(row.details)).not.toMatch(/nguyen|thao/i)
    expect(row.details).toMatchObject({ kind: 'name', queryHash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect((row.details as { results: string[] }).results).toContain(referral.people[0].personId)
  })

  it('never shows immigration status, and hides restricted cases from outsiders', async () => {
    await sql`INSERT INTO person_immigration_status (person_id, status) VALUES (${referral.people[0].personId}, 'Asylum seeker')`.execute(
      ctx.db,
    )
    const page = await analyst.get('/search?q=Nguyen')
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('Asylum seeker')
    await sql`INSERT INTO cases (id, reference, title, kind, restricted, updated_at) VALUES ('00000000-0000-7000-8000-0000000000aa', 'CASE-2026-999999', 'Hidden', 'investigation', true, now())`.execute(
      ctx.db,
    )
    expect((await analyst.get('/search?q=CASE-2026-999999')).body).toContain('0 results')
  })

  it('asks for a shorter search rather than failing', async () => {
    const response = await analyst.get(`/search?q=${'x'.repeat(250)}`)
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Search for 200 characters or fewer')
  })
})
