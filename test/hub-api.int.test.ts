import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSharingAgreement, dateFields, daysFromToday } from './support/builders.ts'
import {
  apiToken,
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  type TestContext,
} from './support/test-app.ts'

// The hub, places and businesses over /api/v1 (issue 16): the same services as the pages, so the same sharing
// rules and the same audit rows.

let ctx: TestContext
let teamToken: string
let teamUserId: string
let partnerToken: string
let partnerUserId: string
let otherPartnerToken: string
let childrens: string
let meetingId: string
let itemId: string
let actionId: string
let referralReference: string
let placeId: string
let businessId: string

const call = (method: 'GET' | 'POST', url: string, token?: string, payload?: object) =>
  ctx.app.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload ? { payload } : {}),
  })

const auditRows = (action: string, actorUserId: string) =>
  ctx.db
    .selectFrom('audit_events')
    .select(['subject_type', 'subject_id', 'details'])
    .where('action', '=', action)
    .where('actor_user_id', '=', actorUserId)
    .execute()

async function partnerFor(agency: string) {
  const user = await createUser(ctx, 'partner')
  await ctx.db.updateTable('users').set({ agency_id: agency }).where('id', '=', user.id).execute()
  return { id: user.id, token: await apiToken(ctx, user.email) }
}

beforeAll(async () => {
  ctx = await createTestContext()
  const chair = new PageClient(ctx.app)
  const chairUser = await createUser(ctx, 'investigator')
  await chair.signIn(chairUser.email)
  teamUserId = chairUser.id
  teamToken = await apiToken(ctx, chairUser.email)
  const referral = (
    await call('POST', '/api/v1/referrals', teamToken, {
      receivedAt: daysFromToday(-3),
      source: 'police',
      summary: 'Tomasz Wrona, 16, was found sleeping at Unit 4, Canal Yard, NN4 2QT, washing cars for no pay.',
      exploitationTypes: ['labour'],
      people: [{ names: ['Tomasz Wrona'], approximateAge: 16, gender: 'male', role: 'potential-victim' }],
      locations: [{ addressLine1: 'Unit 4, Canal Yard', postcode: 'NN4 2QT', premisesType: 'car-wash' }],
    })
  ).json() as { id: string; reference: string; people: { personId: string }[] }
  referralReference = referral.reference
  const tomasz = referral.people[0].personId
  const agencies = await ctx.db.selectFrom('agencies').select(['id', 'kind']).execute()
  childrens = agencies.find((a) => a.kind === 'childrens-services')!.id
  const housing = agencies.find((a) => a.kind === 'housing')!.id
  const isa = await buildSharingAgreement(
    ctx,
    { actor: { userId: chairUser.id } },
    {
      title: 'Canal Yard child exploitation ISA',
      purposes: 'Safeguarding children at risk of labour exploitation.',
      agencyIds: [childrens, housing],
    },
  )
  const created = await chair.post('/hub-meetings', {
    title: 'Canal Yard hub',
    referralDays: '14',
    agreementId: isa,
    ...dateFields('heldOn', daysFromToday(1)),
  })
  expect(created.statusCode).toBe(303)
  meetingId = created.headers.location!.split('/').pop()!
  itemId = (
    await ctx.db
      .selectFrom('hub_meeting_items')
      .select('id')
      .where('meeting_id', '=', meetingId)
      .executeTakeFirstOrThrow()
  ).id
  expect(
    (
      await chair.post(`/hub-meetings/${meetingId}/attendance`, {
        userIds: [chairUser.id],
        apologyUserIds: [],
        agencyIds: [childrens],
        agreementId: isa,
      })
    ).statusCode,
  ).toBe(303)
  await chair.post(`/hub-meetings/${meetingId}/attendees`, {
    attendeeName: 'Nia Clarke',
    attendeeRole: 'Social worker',
    attendeeAgency: childrens,
  })
  await chair.post(`/hub-meetings/${meetingId}/decisions`, { decisionItem: itemId, decision: 'Strategy discussion' })
  await chair.get(`/hub-meetings/${meetingId}/items/${itemId}`)
  const given = await chair.post(`/hub-meetings/${meetingId}/items/${itemId}`, {
    personId: tomasz,
    agencyId: childrens,
    fields: ['name', 'exploitation-types'],
    purpose: '',
    text: 'Visit the child and check where he is living',
    ...dateFields('dueOn', daysFromToday(4)),
  })
  expect(given.statusCode).toBe(303)
  actionId = (
    await ctx.db
      .selectFrom('safeguarding_actions')
      .select('id')
      .where('meeting_id', '=', meetingId)
      .executeTakeFirstOrThrow()
  ).id
  const partner = await partnerFor(childrens)
  partnerUserId = partner.id
  partnerToken = partner.token
  otherPartnerToken = (await partnerFor(housing)).token

  placeId = (
    await ctx.db
      .selectFrom('referral_locations')
      .select('location_id')
      .where('referral_id', '=', referral.id)
      .executeTakeFirstOrThrow()
  ).location_id
  const chairCurrent = { userId: chairUser.id }
  const current = await currentUserOf(ctx, chairUser.id)
  const business = await ctx.services.places.createBusiness(
    { name: 'Canal Yard Hand Car Wash', kind: 'car-wash', notes: null, confirmedNew: true },
    current,
    chairCurrent,
  )
  businessId = (business as { id: string }).id
  await ctx.services.places.linkByReference(
    businessId,
    { reference: referralReference, relation: 'employer' },
    current,
    chairCurrent,
  )
})
afterAll(() => ctx.close())

describe('hub meetings for the team', () => {
  it('refuses a caller with no token or session', async () => {
    expect((await call('GET', '/api/v1/hub-meetings')).statusCode).toBe(401)
    expect((await call('GET', `/api/v1/hub-meetings/${meetingId}`)).statusCode).toBe(401)
    expect((await call('GET', '/api/v1/partner/hub-items')).statusCode).toBe(401)
    expect(
      (await call('POST', `/api/v1/partner/actions/${actionId}/contributions`, undefined, { kind: 'visit', text: 'x' }))
        .statusCode,
    ).toBe(401)
  })

  it('lists meetings and reads one by references only, each read audited', async () => {
    const list = await call('GET', '/api/v1/hub-meetings', teamToken)
    expect(list.statusCode).toBe(200)
    expect(list.json().meetings).toContainEqual({
      id: meetingId,
      reference: expect.any(String),
      date: daysFromToday(1),
      title: 'Canal Yard hub',
    })
    expect((await auditRows('hub-meeting.listed', teamUserId)).map((r) => r.details)).toContainEqual({
      meetingIds: expect.arrayContaining([meetingId]),
    })

    const read = await call('GET', `/api/v1/hub-meetings/${meetingId}`, teamToken)
    expect(read.statusCode).toBe(200)
    const meeting = read.json()
    expect(meeting.agreement).toBe('Canal Yard child exploitation ISA')
    expect(meeting.attendees.map((a: { name: string }) => a.name)).toContain('Nia Clarke')
    expect(meeting.items).toHaveLength(1)
    expect(meeting.items[0]).toMatchObject({
      id: itemId,
      number: 1,
      referralReference,
      decisions: [{ text: 'Strategy discussion' }],
      actions: [
        {
          id: actionId,
          ownerAgencyId: childrens,
          owner: 'Local authority children’s services',
          dueOn: daysFromToday(4),
          status: 'open',
          overdue: false,
        },
      ],
    })
    // The agenda carries references, never the people's names.
    expect(read.body).not.toContain('Tomasz')
    expect((await auditRows('hub-meeting.viewed', teamUserId)).map((r) => r.subject_id)).toContain(meetingId)
  })

  it('is not for partners, and a made-up meeting is a 404 problem', async () => {
    expect((await call('GET', '/api/v1/hub-meetings', partnerToken)).statusCode).toBe(403)
    const missing = await call('GET', '/api/v1/hub-meetings/01900000-0000-7000-8000-000000000000', teamToken)
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-type']).toContain('application/problem+json')
  })
})

describe('the partner API', () => {
  it('shows the agency only what was shared with it, audited', async () => {
    const items = await call('GET', '/api/v1/partner/hub-items', partnerToken)
    expect(items.statusCode).toBe(200)
    const [meeting] = items.json().meetings
    expect(meeting).toMatchObject({ id: meetingId, title: 'Canal Yard hub' })
    expect(meeting.items).toHaveLength(1)
    const [shared] = meeting.items[0].shared
    expect(shared.fields).toContainEqual({ key: 'Names', value: 'Tomasz Wrona' })
    expect(shared.fields.map((f: { key: string }) => f.key)).not.toContain('Age')
    // The report was not chosen, so nothing of it (the address) goes.
    expect(items.body).not.toContain('Canal Yard, NN4')
    expect(meeting.items[0].actions).toEqual([
      { id: actionId, text: 'Visit the child and check where he is living', dueOn: daysFromToday(4), status: 'open' },
    ])
    expect((await auditRows('hub-meeting.viewed', partnerUserId)).map((r) => r.subject_id)).toContain(meetingId)
    expect(await auditRows('safeguarding-action.listed', partnerUserId)).not.toHaveLength(0)

    // An agency not invited sees no meeting at all.
    const other = await call('GET', '/api/v1/partner/hub-items', otherPartnerToken)
    expect(other.statusCode).toBe(200)
    expect(other.json()).toEqual({ meetings: [] })
    // A team member is not a partner agency's user.
    expect((await call('GET', '/api/v1/partner/hub-items', teamToken)).statusCode).toBe(403)
  })

  it('checks a contribution as the portal does, pointing at the field', async () => {
    const url = `/api/v1/partner/actions/${actionId}/contributions`
    const noKind = await call('POST', url, partnerToken, { kind: 'gossip', text: 'Seen at the car wash' })
    expect(noKind.statusCode).toBe(400)
    expect(noKind.headers['content-type']).toContain('application/problem+json')
    expect(noKind.json().errors).toEqual([
      expect.objectContaining({ pointer: '/kind', detail: 'Select what you are recording' }),
    ])
    const noText = await call('POST', url, partnerToken, { kind: 'visit', text: '   ' })
    expect(noText.statusCode).toBe(400)
    expect(noText.json().errors).toEqual([
      expect.objectContaining({ pointer: '/text', detail: 'Enter what your agency knows or did' }),
    ])
    const missing = await call('POST', url, partnerToken, { kind: 'visit' })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().errors).toEqual([expect.objectContaining({ pointer: '/text' })])
    expect((await call('POST', url, partnerToken, { kind: 'visit', text: 'x', extra: 1 })).statusCode).toBe(400)
  })

  it('records a contribution for the agency’s own action, and another agency gets 404', async () => {
    const url = `/api/v1/partner/actions/${actionId}/contributions`
    const made = await call('POST', url, partnerToken, {
      kind: 'visit',
      text: 'Home visit: Tomasz is staying with an aunt.',
    })
    expect(made.statusCode).toBe(201)
    const body = made.json()
    expect(body).toEqual({
      id: expect.any(String),
      actionId,
      meetingItemId: itemId,
      disclosureId: null,
      kind: 'visit',
      text: 'Home visit: Tomasz is staying with an aunt.',
    })
    const row = await ctx.db
      .selectFrom('hub_contributions')
      .select(['agency_id', 'action_id'])
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ agency_id: childrens, action_id: actionId })
    expect((await auditRows('hub-contribution.recorded', partnerUserId)).map((r) => r.details)).toContainEqual(
      expect.objectContaining({ contributionId: body.id, actionId, meetingId }),
    )
    // The portal's meeting view lists it with the others.
    const items = (await call('GET', '/api/v1/partner/hub-items', partnerToken)).json()
    expect(items.meetings[0].contributions.map((c: { id: string }) => c.id)).toContain(body.id)

    const other = await call('POST', url, otherPartnerToken, { kind: 'visit', text: 'Not ours' })
    expect(other.statusCode).toBe(404)
    expect(
      (
        await call('POST', '/api/v1/partner/actions/01900000-0000-7000-8000-000000000000/contributions', partnerToken, {
          kind: 'visit',
          text: 'Guessed',
        })
      ).statusCode,
    ).toBe(404)
    expect(
      (
        await call('POST', '/api/v1/partner/actions/not-an-id/contributions', partnerToken, {
          kind: 'visit',
          text: 'x',
        })
      ).statusCode,
    ).toBe(400)
  })
})

describe('contributions against a shared item', () => {
  const sharedId = async () => {
    const items = (await call('GET', '/api/v1/partner/hub-items', partnerToken)).json()
    return items.meetings[0].items[0].shared[0].disclosureId as string
  }

  it('records what the agency knows against the item shared with it, audited with the disclosure, as the portal does', async () => {
    const disclosureId = await sharedId()
    const made = await call('POST', `/api/v1/partner/shared-items/${disclosureId}/contributions`, partnerToken, {
      kind: 'check',
      text: 'Known to us: an open child-in-need plan since March.',
    })
    expect(made.statusCode).toBe(201)
    const body = made.json()
    expect(body).toEqual({
      id: expect.any(String),
      actionId: null,
      meetingItemId: itemId,
      disclosureId,
      kind: 'check',
      text: 'Known to us: an open child-in-need plan since March.',
    })
    const row = await ctx.db
      .selectFrom('hub_contributions')
      .select(['agency_id', 'action_id', 'disclosure_id', 'meeting_item_id', 'person_id'])
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      agency_id: childrens,
      action_id: null,
      disclosure_id: disclosureId,
      meeting_item_id: itemId,
    })
    expect(row.person_id).not.toBeNull()
    const audit = await auditRows('hub-contribution.recorded', partnerUserId)
    expect(audit).toContainEqual({
      subject_type: 'person',
      subject_id: row.person_id,
      details: expect.objectContaining({ contributionId: body.id, disclosureId, meetingId }),
    })
    // Listed with the agency's other contributions, against that shared item, as the portal's page lists it.
    const items = (await call('GET', '/api/v1/partner/hub-items', partnerToken)).json()
    expect(items.meetings[0].contributions).toContainEqual(expect.objectContaining({ id: body.id, disclosureId }))
    const portal = new PageClient(ctx.app)
    const partnerEmail = (
      await ctx.db.selectFrom('users').select('email').where('id', '=', partnerUserId).executeTakeFirstOrThrow()
    ).email
    await portal.signIn(partnerEmail)
    expect((await portal.get(`/partner/meetings/${meetingId}`)).body).toContain(
      'an open child-in-need plan since March',
    )
  })

  it('checks the input as the portal does, pointing at the field', async () => {
    const url = `/api/v1/partner/shared-items/${await sharedId()}/contributions`
    const before = await ctx.db.selectFrom('hub_contributions').select('id').execute()
    const noKind = await call('POST', url, partnerToken, { kind: 'rumour', text: 'Seen at the car wash' })
    expect(noKind.statusCode).toBe(400)
    expect(noKind.headers['content-type']).toContain('application/problem+json')
    expect(noKind.json().errors).toEqual([
      expect.objectContaining({ pointer: '/kind', detail: 'Select what you are recording' }),
    ])
    const tooLong = await call('POST', url, partnerToken, { kind: 'check', text: 'x'.repeat(2001) })
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.json().errors).toEqual([
      expect.objectContaining({ pointer: '/text', detail: 'What you record must be 2,000 characters or fewer' }),
    ])
    expect((await call('POST', url, partnerToken, { kind: 'check' })).statusCode).toBe(400)
    expect((await call('POST', url, partnerToken, { kind: 'check', text: 'x', meetingId })).statusCode).toBe(400)
    expect(await ctx.db.selectFrom('hub_contributions').select('id').execute()).toHaveLength(before.length)
  })

  it('is not found for an item not shared with the caller’s agency, an unknown id, or a team member', async () => {
    const url = `/api/v1/partner/shared-items/${await sharedId()}/contributions`
    const before = await ctx.db.selectFrom('hub_contributions').select('id').execute()
    const other = await call('POST', url, otherPartnerToken, { kind: 'check', text: 'Not shared with us' })
    expect(other.statusCode).toBe(404)
    expect(other.headers['content-type']).toContain('application/problem+json')
    // An action's id is not a shared item's.
    expect(
      (
        await call('POST', `/api/v1/partner/shared-items/${actionId}/contributions`, partnerToken, {
          kind: 'check',
          text: 'Wrong kind of id',
        })
      ).statusCode,
    ).toBe(404)
    expect(
      (
        await call(
          'POST',
          '/api/v1/partner/shared-items/01900000-0000-7000-8000-000000000000/contributions',
          partnerToken,
          { kind: 'check', text: 'Guessed' },
        )
      ).statusCode,
    ).toBe(404)
    expect((await call('POST', url, teamToken, { kind: 'check', text: 'Not a partner' })).statusCode).toBe(403)
    expect((await call('POST', url, undefined, { kind: 'check', text: 'x' })).statusCode).toBe(401)
    expect(await ctx.db.selectFrom('hub_contributions').select('id').execute()).toHaveLength(before.length)
  })
})

describe('places and businesses', () => {
  it('reads a place with the referral and business that record it, audited', async () => {
    const res = await call('GET', `/api/v1/places/${placeId}`, teamToken)
    expect(res.statusCode).toBe(200)
    const place = res.json()
    expect(place).toMatchObject({ id: placeId, addressLine1: 'Unit 4, Canal Yard', postcode: 'NN4 2QT' })
    expect(place.referrals.map((r: { reference: string }) => r.reference)).toEqual([referralReference])
    expect(place.businesses).toEqual([])
    expect(place.cases).toEqual([])
    expect((await auditRows('place.viewed', teamUserId)).map((r) => r.subject_id)).toContain(placeId)
    expect((await call('GET', `/api/v1/places/${placeId}`)).statusCode).toBe(401)
    expect((await call('GET', '/api/v1/places/01900000-0000-7000-8000-000000000000', teamToken)).statusCode).toBe(404)
  })

  it('reads a business with its linked referral, audited', async () => {
    const res = await call('GET', `/api/v1/businesses/${businessId}`, teamToken)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      id: businessId,
      name: 'Canal Yard Hand Car Wash',
      kind: 'car-wash',
      referrals: [{ reference: referralReference, relation: 'employer' }],
    })
    expect((await auditRows('business.viewed', teamUserId)).map((r) => r.subject_id)).toContain(businessId)
    expect((await call('GET', `/api/v1/businesses/${businessId}`)).statusCode).toBe(401)
    expect((await call('GET', `/api/v1/businesses/${businessId}`, partnerToken)).statusCode).toBe(403)
  })
})

describe('the OpenAPI document', () => {
  it('describes the hub, partner, place and business routes with their schemas', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/hub-meetings',
        '/api/v1/hub-meetings/{id}',
        '/api/v1/partner/hub-items',
        '/api/v1/partner/actions/{id}/contributions',
        '/api/v1/partner/shared-items/{id}/contributions',
        '/api/v1/places/{id}',
        '/api/v1/businesses/{id}',
      ]),
    )
    const body = doc.paths['/api/v1/partner/actions/{id}/contributions'].post.requestBody.content['application/json']
    expect(body.schema.required).toEqual(['kind', 'text'])
    const shared = doc.paths['/api/v1/partner/shared-items/{id}/contributions'].post
    expect(shared.requestBody.content['application/json'].schema.required).toEqual(['kind', 'text'])
    expect(shared.responses['201'].content['application/json'].schema.properties).toHaveProperty('disclosureId')
    expect(shared.responses['404']).toBeDefined()
    expect(doc.paths['/api/v1/places/{id}'].get.responses['200']).toBeDefined()
  })
})
