import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let token: string
let analystToken: string
let officer: { id: string; email: string }

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await createUser(ctx, 'investigator')
  token = await apiToken(ctx, officer.email)
  analystToken = await apiToken(ctx, (await createUser(ctx, 'analyst')).email)
})
afterAll(() => ctx.close())

const referral = {
  receivedAt: '2026-03-04T09:15:00Z',
  source: 'nrm-first-responder',
  referringOrganisation: 'Salvation Army',
  referrerName: 'A. Carter',
  referrerContact: '0113 496 0000',
  summary: 'Two women found living above a nail bar; passports held by the manager.',
  people: [
    {
      names: ['Thảo Nguyễn', 'Nguyen Thao'],
      dateOfBirth: '2001-06-02',
      gender: 'female',
      nationalities: ['VN'],
      languages: ['vi'],
      role: 'potential-victim',
    },
    { names: ['Unknown man, about 40'], approximateAge: 40, gender: 'male', role: 'suspected-exploiter' },
  ],
  locations: [{ addressLine1: '5 Market Place', town: 'Riverton', postcode: 'ls11 5ab', premisesType: 'nail-bar' }],
  exploitationTypes: ['labour', 'sexual'],
  countyLines: false,
  priorityTags: ['sexual-exploitation'],
}

function call(method: 'GET' | 'POST', url: string, body?: unknown, auth = token) {
  return ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${auth}` },
    ...(body === undefined ? {} : { payload: body as object }),
  })
}

describe('referrals API', () => {
  it('records a referral with its people and places and returns it', async () => {
    const response = await call('POST', '/api/v1/referrals', referral)
    expect(response.statusCode).toBe(201)
    const body = response.json()
    expect(response.headers.location).toBe(`/api/v1/referrals/${body.id}`)
    expect(body).toMatchObject({
      reference: expect.stringMatching(/^REF-2026-\d{6}$/),
      status: 'new',
      source: 'nrm-first-responder',
      exploitationTypes: ['labour', 'sexual'],
      priorityTags: ['sexual-exploitation'],
      version: 1,
    })
    expect(body.people).toHaveLength(2)
    expect(body.people[0]).toMatchObject({
      names: ['Thảo Nguyễn', 'Nguyen Thao'],
      dateOfBirth: '2001-06-02',
      role: 'potential-victim',
    })
    expect(body.locations[0]).toMatchObject({ postcode: 'LS11 5AB', premisesType: 'nail-bar' })
    const read = await call('GET', `/api/v1/referrals/${body.id}`)
    expect(read.json()).toEqual(body)
  })

  it('saves in one transaction: the links, the event, the audit rows of its creation and of its view, and the read back', async () => {
    // Issue 19: a save answered with the referral as stored, not a save and then a second, audited transaction.
    const seen: string[] = []
    const original = pg.Client.prototype.query
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const query = args[0] as string | { text: string }
      seen.push(typeof query === 'string' ? query : query.text)
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    } as typeof original
    let response
    try {
      response = await call('POST', '/api/v1/referrals', { ...referral, summary: 'One transaction: a van at dawn.' })
    } finally {
      pg.Client.prototype.query = original
    }
    expect(response.statusCode).toBe(201)
    const id = response.json().id
    expect(seen.filter((q) => /^\s*begin\b/i.test(q))).toHaveLength(1)
    expect(seen.filter((q) => /^\s*commit\b/i.test(q))).toHaveLength(1)
    expect(seen.filter((q) => q.includes('audit_insert'))).toHaveLength(1)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id'])
      .where('subject_id', '=', id)
      .orderBy('id')
      .execute()
    expect(audit).toEqual([
      { action: 'referral.created', actor_user_id: officer.id },
      { action: 'referral.viewed', actor_user_id: officer.id },
    ])
    const events = await ctx.db
      .selectFrom('referral_events')
      .select(['kind', 'to_status', 'actor_user_id'])
      .where('referral_id', '=', id)
      .execute()
    expect(events).toEqual([{ kind: 'created', to_status: 'new', actor_user_id: officer.id }])
    expect((await call('GET', `/api/v1/referrals/${id}`)).json()).toEqual(response.json())
  })

  it('lists with filters and paging', async () => {
    await call('POST', '/api/v1/referrals', {
      ...referral,
      source: 'helpline',
      exploitationTypes: ['criminal'],
      countyLines: true,
      priorityTags: [],
    })
    const helpline = (await call('GET', '/api/v1/referrals?source=helpline')).json()
    expect(helpline.items.length).toBeGreaterThan(0)
    expect(helpline.items.every((r: { source: string }) => r.source === 'helpline')).toBe(true)
    const criminal = (await call('GET', '/api/v1/referrals?exploitationType=criminal')).json()
    expect(criminal.items.every((r: { exploitationTypes: string[] }) => r.exploitationTypes.includes('criminal'))).toBe(
      true,
    )
    const tagged = (await call('GET', '/api/v1/referrals?priorityTag=sexual-exploitation')).json()
    expect(tagged.items.every((r: { priorityTags: string[] }) => r.priorityTags.includes('sexual-exploitation'))).toBe(
      true,
    )
    const paged = (await call('GET', '/api/v1/referrals?pageSize=1&page=2')).json()
    expect(paged).toMatchObject({ page: 2, pageSize: 1, totalIsLowerBound: false })
    expect(paged.items).toHaveLength(1)
    const ranged = (await call('GET', '/api/v1/referrals?receivedFrom=2026-03-05')).json()
    expect(ranged.items).toHaveLength(0)
  })

  it('changes status with a reason, assigns, and refuses moves the lifecycle does not allow', async () => {
    const { id } = (await call('POST', '/api/v1/referrals', referral)).json()
    const triage = await call('POST', `/api/v1/referrals/${id}/status`, {
      status: 'in-triage',
      reason: 'Picked up on the morning shift',
    })
    expect(triage.statusCode).toBe(200)
    expect(triage.json()).toMatchObject({ status: 'in-triage', version: 2 })

    const assign = await call('POST', `/api/v1/referrals/${id}/assignment`, { assigneeId: officer.id, note: null })
    expect(assign.json()).toMatchObject({ assignedTo: officer.id })

    const bad = await call('POST', `/api/v1/referrals/${id}/status`, { status: 'new', reason: 'back to new' })
    expect(bad.statusCode).toBe(409)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect(bad.json()).toMatchObject({
      status: 409,
      type: 'urn:lantern:problem:invalid-transition',
      detail: 'A referral that is in triage cannot be moved to new',
      errors: [{ pointer: '/status' }],
    })

    const stale = await call('POST', `/api/v1/referrals/${id}/status`, {
      status: 'screening',
      reason: 'x',
      expectedVersion: 1,
    })
    expect(stale.statusCode).toBe(409)

    const noReason = await call('POST', `/api/v1/referrals/${id}/status`, {
      status: 'closed',
      closureReason: 'duplicate',
    })
    expect(noReason.statusCode).toBe(400)
    const noClosureReason = await call('POST', `/api/v1/referrals/${id}/status`, {
      status: 'closed',
      reason: 'duplicate of another',
    })
    expect(noClosureReason.json()).toMatchObject({
      status: 400,
      errors: [{ pointer: '/closureReason', detail: 'Select why the referral is being closed' }],
    })

    const closed = await call('POST', `/api/v1/referrals/${id}/status`, {
      status: 'closed',
      closureReason: 'duplicate',
      reason: 'Same as REF-2026-000001',
    })
    expect(closed.json()).toMatchObject({
      status: 'closed',
      closureReason: 'duplicate',
      triagedAt: expect.any(String),
      closedAt: expect.any(String),
    })
  })

  it('answers bad input with RFC 9457 problem details naming each field', async () => {
    const response = await call('POST', '/api/v1/referrals', {
      ...referral,
      source: 'carrier-pigeon',
      countyLines: 'sometimes',
      people: [{ names: [], role: 'witness' }],
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('application/problem+json')
    const problem = response.json()
    expect(problem).toMatchObject({
      type: 'about:blank',
      title: 'Your request has problems',
      status: 400,
      instance: '/api/v1/referrals',
    })
    const pointers = problem.errors.map((e: { pointer: string }) => e.pointer)
    expect(pointers).toEqual(expect.arrayContaining(['/source', '/countyLines', '/people/0/names']))
    expect(problem.errors.find((e: { pointer: string }) => e.pointer === '/source').detail).toBe(
      'Select where the referral came from',
    )
  })

  it('refuses an unknown strategic priority and writes nothing', async () => {
    const before = await ctx.db
      .selectFrom('referrals')
      .select(ctx.db.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    const response = await call('POST', '/api/v1/referrals', { ...referral, priorityTags: ['not-a-priority'] })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors[0]).toEqual({
      pointer: '/priorityTags',
      detail: 'Unknown strategic priority: not-a-priority',
    })
    const after = await ctx.db
      .selectFrom('referrals')
      .select(ctx.db.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })

  it('rejects malformed JSON, oversize bodies, bad ids and bad query values', async () => {
    const broken = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"source": ',
    })
    expect(broken.statusCode).toBe(400)
    expect(broken.headers['content-type']).toContain('application/problem+json')
    const huge = await call('POST', '/api/v1/referrals', {
      ...referral,
      summary: 'x'.repeat(ctx.config.bodyLimitBytes),
    })
    expect(huge.statusCode).toBe(413)
    expect(huge.json()).toMatchObject({ status: 413, title: 'Request too large' })
    expect((await call('GET', '/api/v1/referrals/not-a-uuid')).json()).toMatchObject({
      status: 400,
      errors: [{ pointer: '#/params/id' }],
    })
    expect((await call('GET', '/api/v1/referrals/00000000-0000-7000-8000-000000000000')).statusCode).toBe(404)
    expect((await call('GET', '/api/v1/referrals?status=lost')).statusCode).toBe(400)
    expect((await call('GET', '/api/v1/referrals?page=0')).statusCode).toBe(400)
  })

  it('needs a valid token and the right permission', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/referrals' })).statusCode).toBe(401)
    expect((await call('GET', '/api/v1/referrals', undefined, 'lantern_not-a-real-token')).statusCode).toBe(401)
    const forbidden = await call('POST', '/api/v1/referrals', referral, analystToken)
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.json()).toMatchObject({ status: 403, title: 'You do not have permission' })
    expect((await call('GET', '/api/v1/referrals', undefined, analystToken)).statusCode).toBe(200)
  })

  it('stops accepting a revoked or expired token at once', async () => {
    const created = await ctx.services.auth.createApiToken(officer.email, 'short-lived', 1, { userId: null })
    expect((await call('GET', '/api/v1/referrals', undefined, created.token)).statusCode).toBe(200)
    await ctx.services.auth.revokeApiToken(created.tokenId, { userId: null })
    expect((await call('GET', '/api/v1/referrals', undefined, created.token)).statusCode).toBe(401)
  })

  it('names the token in the audit row of every API action', async () => {
    const created = await ctx.services.auth.createApiToken(officer.email, 'audited', 1, { userId: null })
    await call('GET', '/api/v1/referrals', undefined, created.token)
    const row = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'actor_token_id'])
      .where('actor_token_id', '=', created.tokenId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ action: 'referral.searched', actor_user_id: officer.id, actor_token_id: created.tokenId })
  })

  it('publishes an OpenAPI 3.1 document generated from the schemas', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })
    const doc = response.json()
    expect(doc.openapi).toBe('3.1.0')
    const paths = Object.keys(doc.paths)
    // Only the JSON API is described, never the pages.
    expect(paths.every((p) => p.startsWith('/api/v1/'))).toBe(true)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/referrals',
        '/api/v1/referrals/{id}',
        '/api/v1/referrals/{id}/status',
        '/api/v1/referrals/{id}/assignment',
        '/api/v1/assessments',
        '/api/v1/people',
        '/api/v1/people/{id}',
        '/api/v1/cases',
        '/api/v1/search',
      ]),
    )
    expect(paths).not.toContain('/api/v1/openapi.json')
    const body = doc.paths['/api/v1/referrals'].post.requestBody.content['application/json'].schema
    expect(body.required).toEqual(expect.arrayContaining(['receivedAt', 'source', 'summary']))
    expect(body.properties.source.enum).toContain('helpline')
  })
})

describe('Idempotency-Key on POST /api/v1/referrals', () => {
  function create(body: unknown, key: string | undefined, auth = token) {
    return ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${auth}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: body as object,
    })
  }
  async function referralsWithSummary(summary: string) {
    return ctx.db.selectFrom('referrals').select('id').where('summary', '=', summary).execute()
  }

  it('replays the first answer to a retry with the same key and body, and makes no second referral', async () => {
    const body = { ...referral, summary: `Retried after a lost reply ${crypto.randomUUID()}` }
    const key = crypto.randomUUID()
    const first = await create(body, key)
    expect(first.statusCode).toBe(201)
    const retry = await create(body, key)
    expect(retry.statusCode).toBe(201)
    expect(retry.json().id).toBe(first.json().id)
    expect(retry.json()).toEqual(first.json())
    expect(retry.headers.location).toBe(first.headers.location)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(await referralsWithSummary(body.summary)).toHaveLength(1)
    // Without a key, each request is a new referral (as before).
    await create(body, undefined)
    expect(await referralsWithSummary(body.summary)).toHaveLength(2)
  })

  it('refuses the same key with a different body with a 422 problem, and writes nothing', async () => {
    const key = crypto.randomUUID()
    const body = { ...referral, summary: `First body ${crypto.randomUUID()}` }
    expect((await create(body, key)).statusCode).toBe(201)
    const changed = { ...body, summary: `A different body ${crypto.randomUUID()}` }
    const reused = await create(changed, key)
    expect(reused.statusCode).toBe(422)
    expect(reused.headers['content-type']).toContain('application/problem+json')
    expect(reused.json()).toMatchObject({
      status: 422,
      type: 'urn:lantern:problem:idempotency-key-reused',
      detail: expect.stringContaining('Idempotency-Key'),
    })
    expect(await referralsWithSummary(changed.summary)).toHaveLength(0)
  })

  it('keeps keys per token user: another user with the same key makes their own referral', async () => {
    const other = await apiToken(ctx, (await createUser(ctx, 'investigator')).email)
    const key = crypto.randomUUID()
    const body = { ...referral, summary: `Per user ${crypto.randomUUID()}` }
    const mine = await create(body, key)
    const theirs = await create(body, key, other)
    expect(theirs.statusCode).toBe(201)
    expect(theirs.json().id).not.toBe(mine.json().id)
  })

  it('lets only one of several concurrent requests with the same key create a referral', async () => {
    const key = crypto.randomUUID()
    const body = { ...referral, summary: `Concurrent ${crypto.randomUUID()}` }
    const answers = await Promise.all(Array.from({ length: 4 }, () => create(body, key)))
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201])
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1)
    expect(await referralsWithSummary(body.summary)).toHaveLength(1)
    expect(
      await ctx.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'referral.created')
        .where('subject_id', '=', answers[0].json().id)
        .execute(),
    ).toHaveLength(1)
  })

  it('forgets a key after 24 hours, and does not hold one when the request failed', async () => {
    const key = crypto.randomUUID()
    const body = { ...referral, summary: `Expiring ${crypto.randomUUID()}` }
    expect((await create({ ...body, priorityTags: ['no-such-priority'] }, key)).statusCode).toBe(400)
    const first = await create(body, key)
    expect(first.statusCode).toBe(201)
    await ctx.db
      .updateTable('api_idempotency_keys')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000) })
      .where('key', '=', key)
      .execute()
    const later = await create(body, key)
    expect(later.statusCode).toBe(201)
    expect(later.json().id).not.toBe(first.json().id)
  })

  it('refuses a malformed key with a 400 problem', async () => {
    for (const key of ['', 'x'.repeat(256), 'has space', 'caf\u00e9']) {
      const response = await create(referral, key)
      expect(response.statusCode, JSON.stringify(key)).toBe(400)
      expect(response.json().errors?.[0]?.detail ?? response.json().detail).toMatch(/Idempotency-Key/)
    }
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    const post = doc.paths['/api/v1/referrals'].post
    const header = post.parameters.find(
      (p: { in: string; name: string }) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key',
    )
    expect(header).toBeTruthy()
    expect(header.required).toBeFalsy()
    expect(post.description).toMatch(/Idempotency-Key/)
    expect(post.responses['422']).toBeTruthy()
  })
})
