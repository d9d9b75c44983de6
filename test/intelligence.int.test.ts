import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uuidv7 } from '#src/shared/ids.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let supervisorToken: string
let investigatorToken: string
let analystToken: string
let partnerToken: string
let supervisor: PageClient
let supervisorId: string

const HOSTEL = { addressLine1: '1 Harbour Road', town: 'Leeds', postcode: 'LS1 1AA', premisesType: 'other' }

async function api(token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    payload: payload as object | undefined,
  })
}

async function person(name: string): Promise<string> {
  const response = await api(supervisorToken, 'POST', '/api/v1/people', { names: [name], gender: 'not-known' })
  expect(response.statusCode, response.body).toBe(201)
  return response.json().id
}

async function linkPhone(personId: string, phone: string, token = supervisorToken) {
  const response = await api(token, 'POST', `/api/v1/people/${personId}/objects`, {
    kind: 'phone',
    value: phone,
    relation: 'uses',
    source: 'test',
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json().objectId as string
}

async function linkPlace(personId: string, place: Record<string, unknown>, relation = 'lives-at') {
  const response = await api(supervisorToken, 'POST', `/api/v1/people/${personId}/locations`, {
    place,
    relation,
    source: 'test',
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json().locationId as string
}

/** Existing data, written as a bulk load would: links with no prompts of their own. */
async function insertLink(
  personId: string,
  toType: 'object' | 'location',
  toId: string,
  extra: { relation?: string; validFrom?: string | null; validTo?: string | null; caseId?: string | null } = {},
) {
  await ctx.db
    .insertInto('entity_links')
    .values({
      id: uuidv7(),
      from_type: 'person',
      from_id: personId,
      to_type: toType,
      to_id: toId,
      relation: extra.relation ?? 'lives-at',
      valid_from: extra.validFrom ?? null,
      valid_to: extra.validTo ?? null,
      source: 'bulk',
      case_id: extra.caseId ?? null,
      referral_id: null,
      created_by: null,
    })
    .execute()
}

async function bulkPeople(prefix: string, n: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const id = uuidv7()
    ids.push(id)
    await ctx.db
      .insertInto('people')
      .values({
        id,
        date_of_birth: null,
        approximate_age: null,
        age_disputed: false,
        gender: 'not-known',
        nationalities: [],
        languages: [],
        created_by: null,
        updated_at: new Date(),
      })
      .execute()
    await ctx.db
      .insertInto('person_names')
      .values({
        id: uuidv7(),
        person_id: id,
        kind: 'primary',
        full_name: `${prefix} ${i + 1}`,
        normalised: `${prefix} ${i + 1}`.toLowerCase(),
        script: 'Latn',
        position: 0,
      })
      .execute()
  }
  return ids
}

async function object(kind: string, value: string): Promise<string> {
  const id = uuidv7()
  await ctx.db
    .insertInto('objects')
    .values({ id, kind, value, display: value, details: '{}', created_by: null })
    .execute()
  return id
}

async function auditCount(action: string, subjectId?: string): Promise<number> {
  let q = ctx.db
    .selectFrom('audit_events')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('action', '=', action)
  if (subjectId) q = q.where('subject_id', '=', subjectId)
  return (await q.executeTakeFirstOrThrow()).n
}

let hostelResidents: string[]
let hostelLocation: string
let phonePromptPerson: string
let hostelPromptPerson: string

beforeAll(async () => {
  ctx = await createTestContext()
  const sup = await createUser(ctx, 'supervisor')
  supervisorId = sup.id
  supervisorToken = await apiToken(ctx, sup.email)
  investigatorToken = await apiToken(ctx, (await createUser(ctx, 'investigator')).email)
  analystToken = await apiToken(ctx, (await createUser(ctx, 'analyst')).email)
  partnerToken = await apiToken(ctx, (await createUser(ctx, 'partner')).email)
  supervisor = new PageClient(ctx.app)
  await supervisor.signIn(sup.email)

  // Forty people already at a hostel (not yet marked as a shared place), one of them with a safeguarding plan.
  hostelResidents = await bulkPeople('Hostel resident', 40)
  hostelLocation = (
    await ctx.db
      .insertInto('locations')
      .values({
        id: uuidv7(),
        address_line_1: '1 Harbour Road',
        address_line_2: null,
        town: 'Leeds',
        postcode: 'LS1 1AA',
        description: null,
        premises_type: 'other',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  for (const id of hostelResidents) await insertLink(id, 'location', hostelLocation)
  await ctx.db
    .insertInto('safeguarding_plans')
    .values({
      id: uuidv7(),
      reference: 'SP-2026-000001',
      person_id: hostelResidents[0],
      created_by: null,
      updated_at: new Date(),
    })
    .execute()
})
afterAll(() => ctx.close())

describe('shared-identifier safeguarding prompts', () => {
  it('raises a prompt with the right counts when a link is written, ranking a phone two share above a hostel forty share', async () => {
    const first = await person('Ana Popescu')
    await linkPhone(first, '07123 000001')
    expect(
      await ctx.db.selectFrom('safeguarding_prompts').select('id').where('person_id', '=', first).execute(),
    ).toHaveLength(0)

    phonePromptPerson = await person('Ion Popescu')
    await linkPhone(phonePromptPerson, '07123 000001')
    hostelPromptPerson = await person('Besnik Hoxha')
    // Typed differently (case, spacing): the same address.
    await linkPlace(hostelPromptPerson, { ...HOSTEL, addressLine1: '1 HARBOUR ROAD', postcode: 'ls11aa' })

    const phone = await ctx.db
      .selectFrom('safeguarding_prompts')
      .selectAll()
      .where('person_id', '=', phonePromptPerson)
      .executeTakeFirstOrThrow()
    expect(phone).toMatchObject({
      identifier_kind: 'phone',
      other_count: 1,
      unsafeguarded_count: 1,
      specificity: 0.5,
      status: 'open',
    })
    const hostel = await ctx.db
      .selectFrom('safeguarding_prompts')
      .selectAll()
      .where('person_id', '=', hostelPromptPerson)
      .executeTakeFirstOrThrow()
    expect(hostel).toMatchObject({ identifier_kind: 'address', other_count: 40, unsafeguarded_count: 39 })
    expect(hostel.specificity).toBeCloseTo(1 / 41)
    expect(await auditCount('safeguarding-prompt.raised', hostelPromptPerson)).toBe(1)

    const queue = await api(supervisorToken, 'GET', '/api/v1/safeguarding-prompts')
    expect(queue.statusCode).toBe(200)
    const items = queue.json().items as {
      id: string
      person: { id: string }
      headline: string
      summary: { linked: number; notSafeguarded: number }
    }[]
    const order = items.map((i) => i.person.id)
    expect(order.indexOf(phonePromptPerson)).toBeLessThan(order.indexOf(hostelPromptPerson))
    const hostelItem = items.find((i) => i.person.id === hostelPromptPerson)!
    expect(hostelItem.headline).toBe('40 other people are linked to this address; 39 have not been safeguarded')
    expect(items.find((i) => i.person.id === phonePromptPerson)!.headline).toBe(
      '1 other person is linked to this phone; 1 has not been safeguarded',
    )

    const page = await supervisor.get('/safeguarding-prompts')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('40 other people are linked to this address; 39 have not been safeguarded')
    expect(page.body.indexOf('Ion Popescu')).toBeLessThan(page.body.indexOf('Besnik Hoxha'))
  })

  it('raises nothing for a known shared place, set on the place page, and does not ask twice about the same identifier', async () => {
    const station = await person('Custody Sergeant')
    const stationId = await linkPlace(station, {
      addressLine1: 'Elland Road Police Station',
      town: 'Leeds',
      postcode: 'LS11 0BN',
      premisesType: 'other',
    })
    await supervisor.get(`/places/${stationId}`)
    const missingKind = await supervisor.post(`/places/${stationId}/shared-place`, {
      sharedPlace: 'yes',
      sharedPlaceKind: '',
    })
    expect(missingKind.statusCode).toBe(400)
    expect(missingKind.body).toContain('Select what kind of shared place it is')
    expect(missingKind.body).toContain('govuk-error-summary')
    await supervisor.get(`/places/${stationId}`)
    expect(
      (
        await supervisor.post(`/places/${stationId}/shared-place`, {
          sharedPlace: 'yes',
          sharedPlaceKind: 'police-station',
        })
      ).statusCode,
    ).toBe(303)
    expect((await supervisor.get(`/places/${stationId}`)).body).toContain('Known shared place: Police station')
    expect(await auditCount('place.shared-place-changed', stationId)).toBe(1)

    const detained = await person('Arrested Person')
    await linkPlace(
      detained,
      { addressLine1: 'Elland Road Police Station', town: 'Leeds', postcode: 'LS11 0BN', premisesType: 'other' },
      'visits',
    )
    expect(
      await ctx.db.selectFrom('safeguarding_prompts').select('id').where('person_id', '=', detained).execute(),
    ).toHaveLength(0)

    await linkPhone(phonePromptPerson, '07123 000001')
    expect(
      await ctx.db.selectFrom('safeguarding_prompts').select('id').where('person_id', '=', phonePromptPerson).execute(),
    ).toHaveLength(1)
  })

  it('raises prompts from live jobs too: a deal line run by two people', async () => {
    const caseId = uuidv7()
    await sql`INSERT INTO cases (id, reference, title, kind, officer_in_charge, updated_at) VALUES (${caseId}, 'CASE-2026-000101', 'Jay line', 'county-lines', ${supervisorId}, now())`.execute(
      ctx.db,
    )
    const runner = await person('Kyle Runner')
    const other = await person('Connor Runner')
    const user = {
      id: supervisorId,
      email: '',
      displayName: '',
      roleId: 'supervisor',
      roleName: '',
      permissions: new Set(['case:supervise', 'case:edit'] as const),
    }
    const actor = { userId: supervisorId }
    await ctx.services.cases.addDealLine(
      caseId,
      {
        number: '07123 000555',
        lineName: 'Jay',
        area: 'Leeds',
        activeFrom: null,
        activeTo: null,
        personId: runner,
        relation: 'runs',
      },
      user,
      actor,
    )
    await ctx.services.cases.addDealLine(
      caseId,
      {
        number: '07123 000555',
        lineName: 'Jay',
        area: 'Leeds',
        activeFrom: null,
        activeTo: null,
        personId: other,
        relation: 'works',
      },
      user,
      actor,
    )
    const prompt = await ctx.db
      .selectFrom('safeguarding_prompts')
      .selectAll()
      .where('person_id', '=', other)
      .executeTakeFirstOrThrow()
    expect(prompt).toMatchObject({ identifier_kind: 'deal-line', other_count: 1, case_id: caseId })
  })

  it('records an outcome once, with who, when and the note, audited; refuses bad outcomes with problems and pages with error summaries', async () => {
    const prompt = (
      await ctx.db
        .selectFrom('safeguarding_prompts')
        .select('id')
        .where('person_id', '=', hostelPromptPerson)
        .executeTakeFirstOrThrow()
    ).id
    const noNote = await api(supervisorToken, 'POST', `/api/v1/safeguarding-prompts/${prompt}/outcome`, {
      outcome: 'not-relevant',
    })
    expect(noNote.statusCode).toBe(400)
    expect(noNote.headers['content-type']).toContain('application/problem+json')
    expect(noNote.json().errors).toEqual([{ pointer: '/note', detail: 'Say why it is not relevant' }])
    const badOutcome = await api(supervisorToken, 'POST', `/api/v1/safeguarding-prompts/${prompt}/outcome`, {
      outcome: 'ignored',
    })
    expect(badOutcome.statusCode).toBe(400)
    expect(badOutcome.json().errors[0].pointer).toBe('/outcome')

    await supervisor.get(`/safeguarding-prompts/${prompt}`)
    const empty = await supervisor.post(`/safeguarding-prompts/${prompt}/outcome`, {})
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('govuk-error-summary')
    expect(empty.body).toContain('Select what was done about this prompt')

    const done = await api(supervisorToken, 'POST', `/api/v1/safeguarding-prompts/${prompt}/outcome`, {
      outcome: 'escalated',
      note: 'Referred to the hostel manager and the MASH',
    })
    expect(done.statusCode, done.body).toBe(200)
    expect(done.json()).toMatchObject({
      status: 'closed',
      outcome: { outcome: 'escalated', note: 'Referred to the hostel manager and the MASH', by: 'Test supervisor' },
    })
    const again = await api(supervisorToken, 'POST', `/api/v1/safeguarding-prompts/${prompt}/outcome`, {
      outcome: 'safeguarded',
    })
    expect(again.statusCode).toBe(409)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'details'])
      .where('action', '=', 'safeguarding-prompt.outcome-recorded')
      .where('subject_id', '=', prompt)
      .execute()
    expect(audit).toHaveLength(1)
    expect(audit[0].actor_user_id).toBe(supervisorId)
    expect(audit[0].details).toMatchObject({ outcome: 'escalated' })
    // Audit details carry identifiers, never the note's words.
    expect(JSON.stringify(audit[0].details)).not.toContain('hostel manager')

    const page = await supervisor.get(`/safeguarding-prompts/${prompt}`)
    expect(page.body).toContain('Escalated by Test supervisor')
    expect((await supervisor.get('/safeguarding-prompts?status=closed')).body).toContain('Besnik Hoxha')
    expect(await auditCount('safeguarding-prompt.viewed', prompt)).toBeGreaterThan(0)
  })

  it('shows a person’s safeguarding only to those who may see their victim facet', async () => {
    // A potential victim in a referral the investigator does not work, sharing a phone with a new person.
    const referral = (
      await api(supervisorToken, 'POST', '/api/v1/referrals', {
        receivedAt: '2026-04-01',
        source: 'police',
        summary: 'Car wash worker',
        people: [
          {
            names: ['Linh Tran'],
            approximateAge: 17,
            gender: 'female',
            nationalities: ['VN'],
            role: 'potential-victim',
          },
        ],
      })
    ).json()
    const victim = referral.people[0].personId as string
    await ctx.db
      .insertInto('safeguarding_plans')
      .values({
        id: uuidv7(),
        reference: 'SP-2026-000002',
        person_id: victim,
        created_by: null,
        updated_at: new Date(),
      })
      .execute()
    await linkPhone(victim, '07123 000777')
    const newcomer = await person('Nam Pham')
    await linkPhone(newcomer, '07123 000777')
    const promptId = (
      await ctx.db
        .selectFrom('safeguarding_prompts')
        .select('id')
        .where('person_id', '=', newcomer)
        .executeTakeFirstOrThrow()
    ).id

    const asSupervisor = (await api(supervisorToken, 'GET', `/api/v1/safeguarding-prompts/${promptId}`)).json()
    expect(asSupervisor.people).toEqual([{ id: victim, name: 'Linh Tran', safeguarded: true, askWho: [] }])
    expect(asSupervisor.headline).toBe('1 other person is linked to this phone; 0 have not been safeguarded')

    for (const token of [investigatorToken, analystToken]) {
      const response = await api(token, 'GET', `/api/v1/safeguarding-prompts/${promptId}`)
      expect(response.statusCode).toBe(200)
      const body = response.json()
      // Named, but whether she has been safeguarded is her protected victim facet.
      expect(body.people[0]).toMatchObject({ id: victim, name: 'Linh Tran', safeguarded: null })
      expect(body.summary).toEqual({ linked: 1, notSafeguarded: 0, safeguardingProtected: 1 })
      expect(body.headline).toBe('1 other person is linked to this phone (whether 1 has been safeguarded is protected)')
      expect(response.body).not.toContain('SP-2026-000002')
    }
  })

  it('hides prompts and people from restricted live jobs from those outside them', async () => {
    const restricted = uuidv7()
    await sql`INSERT INTO cases (id, reference, title, kind, restricted, officer_in_charge, updated_at) VALUES (${restricted}, 'CASE-2026-000202', 'Covert', 'investigation', true, ${supervisorId}, now())`.execute(
      ctx.db,
    )
    const covert = await person('Covert Subject')
    const phone = await linkPhone(covert, '07123 000888')
    await ctx.db
      .updateTable('entity_links')
      .set({ case_id: restricted })
      .where('from_id', '=', covert)
      .where('to_id', '=', phone)
      .execute()
    const walkIn = await person('Walk In')
    await linkPhone(walkIn, '07123 000888')
    const prompt = await ctx.db
      .selectFrom('safeguarding_prompts')
      .select('id')
      .where('person_id', '=', walkIn)
      .executeTakeFirstOrThrow()
    // The investigator is not on the restricted job: the covert subject is not named to them.
    const asInvestigator = (await api(investigatorToken, 'GET', `/api/v1/safeguarding-prompts/${prompt.id}`)).json()
    expect(asInvestigator.people).toEqual([])
    expect(JSON.stringify(asInvestigator)).not.toContain('Covert Subject')
    expect(
      (await api(supervisorToken, 'GET', `/api/v1/safeguarding-prompts/${prompt.id}`))
        .json()
        .people.map((p: { name: string }) => p.name),
    ).toEqual(['Covert Subject'])

    // A prompt raised inside the restricted job does not exist for outsiders.
    const inside = await person('Inside Subject')
    await ctx.services.people.linkObject(
      inside,
      { kind: 'phone', value: '07123 000888', relation: 'uses', validFrom: null, source: 'covert', caseId: restricted },
      { userId: supervisorId },
    )
    const insidePrompt = await ctx.db
      .selectFrom('safeguarding_prompts')
      .select('id')
      .where('person_id', '=', inside)
      .executeTakeFirstOrThrow()
    expect((await api(investigatorToken, 'GET', `/api/v1/safeguarding-prompts/${insidePrompt.id}`)).statusCode).toBe(
      404,
    )
    expect((await api(investigatorToken, 'GET', '/api/v1/safeguarding-prompts?status=all')).body).not.toContain(
      insidePrompt.id,
    )
    expect((await api(supervisorToken, 'GET', `/api/v1/safeguarding-prompts/${insidePrompt.id}`)).statusCode).toBe(200)
    expect((await api(investigatorToken, 'GET', `/api/v1/people/${walkIn}/others`)).body).not.toContain(
      'Covert Subject',
    )
    expect((await api(supervisorToken, 'GET', `/api/v1/people/${walkIn}/others`)).body).toContain('Covert Subject')
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    for (const path of [
      '/api/v1/safeguarding-prompts',
      '/api/v1/safeguarding-prompts/{id}',
      '/api/v1/safeguarding-prompts/{id}/outcome',
      '/api/v1/people/{id}/others',
      '/api/v1/people/{id}/network',
      '/api/v1/locations/{id}/shared-place',
    ]) {
      expect(Object.keys(doc.paths), path).toContain(path)
    }
  })

  it('is closed to partners, and to anyone without the permission', async () => {
    for (const url of [
      '/api/v1/safeguarding-prompts',
      `/api/v1/people/${phonePromptPerson}/others`,
      `/api/v1/people/${phonePromptPerson}/network`,
    ]) {
      expect((await api(partnerToken, 'GET', url)).statusCode).toBe(403)
    }
  })
})

describe('others who may be targeted', () => {
  let seed: string
  let phoneMate: string
  let twoStep: string
  let oldContact: string

  beforeAll(async () => {
    ;[seed, phoneMate, twoStep, oldContact] = await bulkPeople('Target', 4)
    await ctx.db.updateTable('person_names').set({ full_name: 'Seed Person' }).where('person_id', '=', seed).execute()
    await ctx.db
      .updateTable('person_names')
      .set({ full_name: 'Phone Mate' })
      .where('person_id', '=', phoneMate)
      .execute()
    await ctx.db.updateTable('person_names').set({ full_name: 'Two Steps' }).where('person_id', '=', twoStep).execute()
    await ctx.db
      .updateTable('person_names')
      .set({ full_name: 'Old Contact' })
      .where('person_id', '=', oldContact)
      .execute()
    const phone = await object('phone', '+447123111111')
    const vehicle = await object('vehicle', 'AB12CDE')
    const email = await object('email', 'old@example.org')
    await insertLink(seed, 'object', phone, { relation: 'uses', validFrom: '2025-01-01' })
    await insertLink(phoneMate, 'object', phone, { relation: 'uses', validFrom: '2025-02-01' })
    await insertLink(phoneMate, 'object', vehicle, { relation: 'drives', validFrom: '2025-03-01' })
    await insertLink(twoStep, 'object', vehicle, { relation: 'drives', validFrom: '2025-03-01' })
    // The seed also lives at the hostel (40 others), and shared an email with someone in 2020 only.
    await insertLink(seed, 'location', hostelLocation, { validFrom: '2024-06-01' })
    await insertLink(seed, 'object', email, { relation: 'uses', validFrom: '2020-01-01', validTo: '2020-12-31' })
    await insertLink(oldContact, 'object', email, { relation: 'uses', validFrom: '2020-01-01', validTo: '2020-12-31' })
    // A duplicate record of Phone Mate, merged into them (migration 0010): it reads as Phone Mate, not as a third person on the phone.
    const [duplicate] = await bulkPeople('Duplicate of Phone Mate', 1)
    await insertLink(duplicate, 'object', phone, { relation: 'uses', validFrom: '2025-02-01' })
    await ctx.db.updateTable('people').set({ merged_into: phoneMate }).where('id', '=', duplicate).execute()
  })

  it('ranks by specificity-weighted paths, with the shared items that justify each', async () => {
    const response = await api(analystToken, 'GET', `/api/v1/people/${seed}/others`)
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json()
    const names = body.items.map((i: { name: string }) => i.name)
    // Phone shared by two (1.0), email shared by two (1.0), then the two-step vehicle (0.5), then hostel residents (1/40 each).
    expect(names.slice(0, 3).sort()).toEqual(['Old Contact', 'Phone Mate', 'Two Steps'].sort())
    expect(names[2]).toBe('Two Steps')
    expect(names.slice(3).every((n: string) => n.startsWith('Hostel resident') || n === 'Besnik Hoxha')).toBe(true)
    expect(names.filter((n: string) => n === 'Phone Mate')).toHaveLength(1)
    expect(names.join()).not.toContain('Duplicate')
    const mate = body.items.find((i: { name: string }) => i.name === 'Phone Mate')
    expect(mate).toMatchObject({ steps: 1, score: 1 })
    expect(mate.paths[0]).toMatchObject({ via: null, first: { kind: 'phone', display: '+447123111111', people: 2 } })
    const two = body.items.find((i: { name: string }) => i.name === 'Two Steps')
    expect(two).toMatchObject({ steps: 2, score: 0.5 })
    expect(two.paths[0]).toMatchObject({
      via: { id: phoneMate, name: 'Phone Mate' },
      first: { kind: 'phone' },
      second: { kind: 'vehicle', display: 'AB12CDE' },
    })
    const resident = body.items.find((i: { name: string }) => i.name === 'Hostel resident 2')
    expect(resident.score).toBeCloseTo(1 / 41)
    expect(resident.paths[0].first).toMatchObject({ kind: 'address', people: 42 })
    expect(await auditCount('intelligence.others-viewed', seed)).toBe(1)
  })

  it('filters by a date window on the links', async () => {
    const recent = (await api(analystToken, 'GET', `/api/v1/people/${seed}/others?from=2024-01-01`)).json()
    expect(recent.items.map((i: { name: string }) => i.name)).not.toContain('Old Contact')
    expect(recent.items.map((i: { name: string }) => i.name)).toContain('Two Steps')
    const old = (await api(analystToken, 'GET', `/api/v1/people/${seed}/others?to=2020-06-30`)).json()
    expect(old.items.map((i: { name: string }) => i.name)).toEqual(['Old Contact'])
    const page = await supervisor.get(`/people/${seed}/others?from-day=1&from-month=1&from-year=2024`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Two Steps')
    expect(page.body).not.toContain('Old Contact')
  })

  it('leaves known shared places out', async () => {
    await api(supervisorToken, 'PUT', `/api/v1/locations/${hostelLocation}/shared-place`, {
      sharedPlace: true,
      kind: 'hostel',
    })
    const body = (await api(analystToken, 'GET', `/api/v1/people/${seed}/others`)).json()
    expect(body.items.map((i: { name: string }) => i.name).sort()).toEqual(['Old Contact', 'Phone Mate', 'Two Steps'])
    await api(supervisorToken, 'PUT', `/api/v1/locations/${hostelLocation}/shared-place`, {
      sharedPlace: false,
      kind: null,
    })
  })

  it('refuses bad input: dates, ids and unknown people', async () => {
    const badDate = await api(analystToken, 'GET', `/api/v1/people/${seed}/others?from=2024-13-01`)
    expect(badDate.statusCode).toBe(400)
    expect(badDate.headers['content-type']).toContain('application/problem+json')
    const backwards = await api(analystToken, 'GET', `/api/v1/people/${seed}/others?from=2024-02-01&to=2024-01-01`)
    expect(backwards.statusCode).toBe(400)
    expect(backwards.json().errors[0].pointer).toBe('/to')
    expect((await api(analystToken, 'GET', '/api/v1/people/not-a-uuid/others')).statusCode).toBe(400)
    expect((await api(analystToken, 'GET', `/api/v1/people/${uuidv7()}/others`)).statusCode).toBe(404)
    expect((await api(analystToken, 'GET', `/api/v1/people/${seed}/others?limit=0`)).statusCode).toBe(400)
    const page = await supervisor.get(`/people/${seed}/others?from-day=31&from-month=2&from-year=2024`)
    expect(page.statusCode).toBe(400)
    expect(page.body).toContain('govuk-error-summary')
    expect(page.body).toContain('Linked from must be a real date')
    expect((await supervisor.get(`/people/${uuidv7()}/others`)).statusCode).toBe(404)
  })

  it('says which end of a backwards date window to fix, keeping both dates as typed', async () => {
    const query = 'from-day=2&from-month=2&from-year=2024&to-day=1&to-month=2&to-year=2024'
    const page = await supervisor.get(`/people/${seed}/others?${query}`)
    expect(page.statusCode).toBe(400)
    const summary = /class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(page.body)?.[0] ?? ''
    expect([...summary.matchAll(/<a href="([^"]+)">\s*([^<]*?)\s*<\/a>/g)].map((a) => [a[1], a[2]])).toEqual([
      ['#to-day', 'Linked to must be the same as or after linked from'],
    ])
    expect(page.body).toMatch(/name="from-day"[^>]*value="2"/)
    expect(page.body).toMatch(/name="to-day"[^>]*value="1"/)
    // The order is checked only once both dates are right: a wrong date is the one problem.
    const data = await supervisor.get(`/people/${seed}/network/data?${query.replace('to-day=1', 'to-day=31')}`)
    expect(data.statusCode).toBe(400)
    expect(data.json()).toEqual({ errors: ['Linked to must be a real date'] })
    const backwards = await supervisor.get(`/people/${seed}/network/data?${query}`)
    expect(backwards.json()).toEqual({ errors: ['Linked to must be the same as or after linked from'] })
  })

  it('draws the link chart as tables with Louvain communities, and as JSON for the chart', async () => {
    const api1 = await api(analystToken, 'GET', `/api/v1/people/${seed}/network?from=2024-01-01`)
    expect(api1.statusCode, api1.body).toBe(200)
    const body = api1.json()
    const labels = body.nodes.map((n: { label: string }) => n.label)
    expect(labels).toEqual(
      expect.arrayContaining(['Seed Person', 'Phone Mate', 'Two Steps', '+447123111111', 'AB12CDE']),
    )
    expect(labels).not.toContain('Old Contact')
    expect(body.communities).toBeGreaterThan(0)
    const community = (label: string) => body.nodes.find((n: { label: string }) => n.label === label).community
    expect(community('Phone Mate')).not.toBeNull()
    expect(body.edges.length).toBeGreaterThan(3)
    const page = await supervisor.get(`/people/${seed}/network`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('id="network-people"')
    expect(page.body).toMatch(/Community \d/)
    expect(page.body).toContain('src="/assets/js/link-chart.js"')
    // No inline script of ours: the only one without a src is the template's nonce'd js-enabled line.
    expect(page.body).not.toMatch(/<script(?![^>]*(src=|nonce=))/)
    const data = await supervisor.get(`/people/${seed}/network/data`)
    expect(data.statusCode).toBe(200)
    expect(data.json().nodes.map((n: { label: string }) => n.label)).toContain('Old Contact')
    expect(await auditCount('intelligence.network-viewed', seed)).toBeGreaterThan(1)
    const script = await ctx.app.inject({ method: 'GET', url: '/assets/cytoscape/cytoscape.esm.min.mjs' })
    expect(script.statusCode).toBe(200)
    expect(script.headers['content-type']).toMatch(/javascript/)
  })
})
