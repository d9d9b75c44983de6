import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { loadDemo } from '#src/modules/demo/demo.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

/**
 * Risk-led triage (issue 14, section 3; issue 17): the urgency flag derived from the facts, with its reasons in
 * words; the queue urgent first then oldest, opening on open work; "waiting" only while a referral waits; and
 * the THRIVE grading recorded on the referral page and through the API, audited.
 */
let ctx: TestContext
let dc: PageClient
let token: string
let officer: { id: string; email: string }

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await createUser(ctx, 'investigator')
  dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
  token = await apiToken(ctx, officer.email)
})
afterAll(() => ctx.close())

const actor = () => ({ ...SYSTEM_ACTOR, userId: officer.id })

function api(method: 'GET' | 'POST', url: string, body?: unknown) {
  return ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as object }),
  })
}

async function record(overrides: Record<string, unknown> = {}) {
  const input = {
    receivedAt: '2026-02-01T09:00:00Z',
    source: 'helpline',
    summary: 'Men seen at a car wash from early morning to late at night.',
    people: [{ names: ['Adult worker'], approximateAge: 35, role: 'potential-victim' }],
    locations: [],
    exploitationTypes: ['labour'],
    countyLines: false,
    priorityTags: [],
    indicators: [],
    ...overrides,
  }
  const response = await api('POST', '/api/v1/referrals', input)
  expect(response.statusCode, response.body).toBe(201)
  return response.json() as { id: string; reference: string; urgent: boolean; urgencyReasons: string[] }
}

const FULL_GRADING = {
  threat: 'high',
  threatRationale: 'The controller threatened her family at home.',
  harm: 'high',
  harmRationale: 'Untreated injury to her hand.',
  risk: 'medium',
  riskRationale: 'Moved between addresses weekly.',
  investigation: 'medium',
  investigationRationale: 'Adverts and phone numbers to research.',
  vulnerability: 'high',
  vulnerabilityRationale: 'Possibly 16, no English, no documents.',
  engagement: 'low',
  engagementRationale: 'Frightened of police; would speak to the ISA.',
}

describe('the urgency flag', () => {
  it('is derived when a referral is recorded, from any source, with its reasons', async () => {
    const calm = await record()
    expect(calm).toMatchObject({ urgent: false, urgencyReasons: [] })
    const child = await record({
      summary: 'A girl who looked about 16 is made to work at a nail bar; it is still happening.',
      people: [{ names: ['Girl at the nail bar'], approximateAge: 16, role: 'potential-victim' }],
    })
    expect(child).toMatchObject({ urgent: true, urgencyReasons: ['possibly-child', 'ongoing'] })
    const partner = await record({ source: 'partner-agency', indicators: ['threats', 'no-safe-place'] })
    expect(partner).toMatchObject({ urgent: true, urgencyReasons: ['threats', 'no-safe-place'] })
    const stored = await ctx.db
      .selectFrom('referrals')
      .select(['urgent', 'urgency_reasons', 'urgency_indicators'])
      .where('id', '=', partner.id)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({
      urgent: true,
      urgency_reasons: ['threats', 'no-safe-place'],
      urgency_indicators: ['threats', 'no-safe-place'],
    })
  })

  it('follows the facts when a person’s age is corrected: a date of birth under 18 makes the referral urgent', async () => {
    const referral = await record()
    expect(referral.urgent).toBe(false)
    const detail = (await api('GET', `/api/v1/referrals/${referral.id}`)).json()
    const supervisorToken = await apiToken(ctx, (await createUser(ctx, 'supervisor')).email)
    const patch = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${detail.people[0].personId}`,
      headers: { authorization: `Bearer ${supervisorToken}` },
      payload: { dateOfBirth: '2010-05-05', approximateAge: null },
    })
    expect(patch.statusCode, patch.body).toBe(204)
    expect((await api('GET', `/api/v1/referrals/${referral.id}`)).json()).toMatchObject({
      urgent: true,
      urgencyReasons: ['child'],
    })
  })

  it('refuses an unknown indicator with a problem naming the field', async () => {
    const response = await api('POST', '/api/v1/referrals', {
      receivedAt: '2026-02-01',
      source: 'helpline',
      summary: 'x',
      indicators: ['full-moon'],
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toEqual([{ pointer: '/indicators/0', detail: 'Select a known urgency indicator' }])
  })

  it('is set from what an officer ticks on the question pages, and shown in words on the referral page', async () => {
    await dc.get('/referrals/new')
    const start = await dc.post('/referrals/new', {})
    const base = start.headers.location!.replace('/received', '')
    await dc.get(`${base}/received`)
    expect(
      (
        await dc.post(`${base}/received`, {
          'receivedDate-day': '3',
          'receivedDate-month': '2',
          'receivedDate-year': '2026',
          receivedTime: '',
          source: 'partner-agency',
          referringOrganisation: 'Housing association',
          referrerName: '',
          referrerContact: '',
        })
      ).statusCode,
    ).toBe(303)
    const form = await dc.get(`${base}/what-happened`)
    expect(form.body).toContain('Is any of this true now?')
    const bad = await dc.post(`${base}/what-happened`, {
      summary: 'Tenant says she is kept in the flat.',
      indicators: ['nonsense'],
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
    expect(bad.body).toContain('href="#indicators"')
    expect(
      (
        await dc.post(`${base}/what-happened`, {
          summary: 'Tenant says she is kept in the flat.',
          indicators: ['no-safe-place', 'injury'],
        })
      ).statusCode,
    ).toBe(303)
    await dc.post(`${base}/people`, {})
    await dc.post(`${base}/locations`, {})
    await dc.post(`${base}/exploitation`, { exploitationTypes: 'domestic-servitude', countyLines: 'no' })
    const check = await dc.get(`${base}/check`)
    expect(check.body).toContain('Someone has no safe place to stay tonight')
    const done = await dc.post(`${base}/check`, {})
    expect(done.statusCode).toBe(303)
    const page = await dc.get(done.headers.location!)
    expect(page.body).toContain('Urgent: Injury reported; No safe place tonight')
  })
})

describe('the triage queue', () => {
  it('opens on open work, urgent first then oldest, saying why each is urgent; closed and opened-as-job referrals never "wait"', async () => {
    await sql`DELETE FROM referrals`.execute(ctx.db)
    const oldCalm = await record({ receivedAt: '2025-06-01T09:00:00Z', summary: 'Workers living on site at a farm.' })
    const newerUrgent = await record({
      receivedAt: '2026-03-01T09:00:00Z',
      summary: 'Man with an injury says the work is still happening.',
    })
    const olderUrgent = await record({
      receivedAt: '2026-01-01T09:00:00Z',
      people: [{ names: ['Boy on the train'], dateOfBirth: '2011-04-04', role: 'potential-victim' }],
    })
    const closed = await record({ receivedAt: '2024-06-01T09:00:00Z', indicators: ['threats'] })
    const opened = await record({ receivedAt: '2024-07-01T09:00:00Z' })
    await ctx.services.referrals.changeStatus(
      closed.id,
      { status: 'closed', closureReason: 'duplicate', reason: 'Known under another reference' },
      actor(),
    )
    await ctx.services.referrals.changeStatus(
      opened.id,
      { status: 'opened-as-case', reason: 'Investigation opened' },
      actor(),
    )

    const queue = (await dc.get('/referrals')).body
    const order = [olderUrgent, newerUrgent, oldCalm].map((r) => queue.indexOf(r.reference))
    expect(order.every((i) => i > 0)).toBe(true)
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(queue).not.toContain(closed.reference)
    expect(queue).not.toContain(opened.reference)
    const rowOf = (body: string, reference: string) =>
      body.slice(body.indexOf(reference), body.indexOf('</tr>', body.indexOf(reference)))
    expect(rowOf(queue, olderUrgent.reference)).toContain('A child')
    expect(rowOf(queue, newerUrgent.reference)).toContain('Still happening; Injury reported')
    expect(rowOf(queue, newerUrgent.reference)).toContain('Urgent')
    expect(rowOf(queue, oldCalm.reference)).not.toContain('Urgent')
    expect(rowOf(queue, oldCalm.reference)).toMatch(/waiting \d+ days/)
    expect(queue).toMatch(/<option value="open" selected>/)

    // Every status is still there to choose; closed and opened-as-job referrals say when, never "waiting".
    const all = (await dc.get('/referrals?status=all')).body
    expect(all).toContain(closed.reference)
    expect(all).toContain(opened.reference)
    // The closed one was threatening: still urgent by its facts, so it leads; the view stays on any status.
    expect(rowOf(all, closed.reference)).toMatch(/closed \d{1,2} [A-Z][a-z]+ \d{4}/)
    expect(rowOf(all, closed.reference)).not.toContain('waiting')
    expect(rowOf(all, opened.reference)).toMatch(/opened as a live job \d{1,2} [A-Z][a-z]+ \d{4}/)
    expect(rowOf(all, opened.reference)).not.toContain('waiting')
    const closedOnly = (await dc.get('/referrals?status=closed')).body
    expect(closedOnly).toContain(closed.reference)
    expect(closedOnly).not.toContain(oldCalm.reference)

    // Oldest first is still a choice, and the API sorts the same way by default.
    const oldest = (await dc.get('/referrals?sort=oldest')).body
    expect(oldest.indexOf(oldCalm.reference)).toBeLessThan(oldest.indexOf(olderUrgent.reference))
    const listed = (await api('GET', '/api/v1/referrals?status=open')).json()
    expect(listed.items.map((r: { reference: string }) => r.reference)).toEqual([
      olderUrgent.reference,
      newerUrgent.reference,
      oldCalm.reference,
    ])
    expect(listed.items[1]).toMatchObject({ urgent: true, urgencyReasons: ['ongoing', 'injury'] })
  })

  it('reads the open queue, urgent first, from an index', async () => {
    await sql`SET enable_seqscan = off`.execute(ctx.db)
    try {
      const { rows } = await sql<{
        'QUERY PLAN': string
      }>`EXPLAIN SELECT id FROM referrals WHERE status NOT IN ('closed', 'opened-as-case') ORDER BY urgent DESC, received_at, id LIMIT 25`.execute(
        ctx.db,
      )
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n')
      expect(plan).toContain('referrals_queue_open_idx')
      expect(plan).not.toContain('Sort')
    } finally {
      await sql`RESET enable_seqscan`.execute(ctx.db)
    }
  })
})

describe('THRIVE risk grading', () => {
  it('shows every missing grade and reason at once in an error summary, keeping what was typed', async () => {
    const referral = await record()
    const page = await dc.get(`/referrals/${referral.id}`)
    expect(page.body).toContain('Not graded yet')
    expect(page.body).toContain('Record risk grading')
    const response = await dc.post(`/referrals/${referral.id}/grading`, {
      form: 'grading',
      threat: 'high',
      threatRationale: 'Threats to family',
      harm: 'severe',
      harmRationale: '',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('govuk-error-summary')
    expect(response.body).toContain('href="#harm"')
    expect(response.body).toContain('Select a grade for harm')
    expect(response.body).toContain('Enter why you graded harm this way')
    expect(response.body).toContain('Select a grade for engagement')
    expect(response.body).toContain('Threats to family')
    expect(
      await ctx.db.selectFrom('referral_gradings').select('id').where('referral_id', '=', referral.id).execute(),
    ).toHaveLength(0)
  })

  it('records a grading with its audit row, and shows it on the referral page and in its history', async () => {
    const referral = await record()
    const response = await dc.post(`/referrals/${referral.id}/grading`, FULL_GRADING)
    expect(response.statusCode).toBe(303)
    const page = (await dc.get(`/referrals/${referral.id}`)).body
    expect(page).toContain('Risk grading recorded')
    expect(page).toContain('Untreated injury to her hand.')
    expect(page).toMatch(
      /Vulnerability<\/th>\s*<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--red">High<\/strong>/,
    )
    expect(page).toContain('Risk graded (THRIVE)')
    expect(page).toContain(
      'Threat: high, Harm: high, Risk: medium, Investigation: medium, Vulnerability: high, Engagement: low',
    )
    // Grading again starts from the latest grading.
    expect(page).toContain('Grade the risk again')
    expect(page).toMatch(/<textarea[^>]*name="harmRationale"[^>]*>Untreated injury to her hand.<\/textarea>/)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'subject_id', 'details'])
      .where('action', '=', 'referral.graded')
      .where('subject_id', '=', referral.id)
      .execute()
    expect(audit).toHaveLength(1)
    expect(audit[0].details).toMatchObject({ levels: { threat: 'high', engagement: 'low' } })
  })

  it('refuses a grading from an out-of-date page, and a referral no longer at triage', async () => {
    const referral = await record()
    await api('POST', `/api/v1/referrals/${referral.id}/grading`, FULL_GRADING)
    const outOfDate = await dc.post(`/referrals/${referral.id}/grading`, { ...FULL_GRADING, version: '1' })
    expect(outOfDate.statusCode).toBe(409)
    expect(outOfDate.body).toContain('Someone else changed this referral')
    await ctx.services.referrals.changeStatus(
      referral.id,
      { status: 'closed', closureReason: 'no-further-action', reason: 'No indicators' },
      actor(),
    )
    const closed = await api('POST', `/api/v1/referrals/${referral.id}/grading`, FULL_GRADING)
    expect(closed.statusCode).toBe(409)
    expect(closed.headers['content-type']).toContain('application/problem+json')
    expect((await dc.get(`/referrals/${referral.id}`)).body).not.toContain('Record risk grading')
  })

  it('is recorded through the API, answering bad input with RFC 9457 problem details', async () => {
    const referral = await record()
    const bad = await api('POST', `/api/v1/referrals/${referral.id}/grading`, {
      ...FULL_GRADING,
      risk: 'extreme',
      vulnerabilityRationale: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    const pointers = bad.json().errors.map((e: { pointer: string }) => e.pointer)
    expect(pointers).toEqual(expect.arrayContaining(['/risk', '/vulnerabilityRationale']))
    const good = await api('POST', `/api/v1/referrals/${referral.id}/grading`, FULL_GRADING)
    expect(good.statusCode).toBe(200)
    expect(good.json().grading).toMatchObject({
      gradedBy: expect.any(String),
      elements: expect.arrayContaining([
        { element: 'harm', level: 'high', rationale: 'Untreated injury to her hand.' },
      ]),
    })
    expect((await api('GET', `/api/v1/referrals/${referral.id}`)).json().grading.elements).toHaveLength(6)
    const events = await ctx.db
      .selectFrom('referral_events')
      .select('kind')
      .where('referral_id', '=', referral.id)
      .where('kind', '=', 'graded')
      .execute()
    expect(events).toHaveLength(1)
  })
})

describe('the demo on first start', () => {
  let demo: TestContext
  beforeAll(async () => {
    demo = await createTestContext()
    await loadDemo(demo.db, { dataDir: demo.config.dataDir, referrals: 40, passwordHashCost: 10 })
  })
  afterAll(() => demo.close())

  it('has urgent referrals (a child who looked about 16, still happening; a public report of an injury) and graded ones, so the queue leads with urgency', async () => {
    const urgent = await demo.db
      .selectFrom('referrals')
      .select(['reference', 'source', 'urgency_reasons', 'status'])
      .where('urgent', '=', true)
      .execute()
    expect(
      urgent.some(
        (r) =>
          r.source === 'helpline' &&
          r.urgency_reasons.includes('possibly-child') &&
          r.urgency_reasons.includes('ongoing'),
      ),
    ).toBe(true)
    expect(urgent.some((r) => r.source === 'public-concern' && r.urgency_reasons.includes('injury'))).toBe(true)
    const gradings = await demo.db.selectFrom('referral_gradings').select('referral_id').execute()
    expect(gradings.length).toBeGreaterThanOrEqual(2)

    const user = await createUser(demo, 'investigator')
    const client = new PageClient(demo.app)
    await client.signIn(user.email)
    const queue = (await client.get('/referrals')).body
    const firstRow = queue.slice(queue.indexOf('<tbody'), queue.indexOf('</tr>', queue.indexOf('<tbody')))
    expect(firstRow).toContain('Urgent')
    // The reasons in words (“A child”, “Possibly a child”), never codes such as possibly-child.
    expect(firstRow).toMatch(/lantern-urgency-reasons">[A-Z][a-z ]/)
    // The queue opens on open work: the helpline's report still waiting, not an older one since closed.
    const helpline = urgent.find(
      (r) =>
        r.source === 'helpline' &&
        r.urgency_reasons.includes('possibly-child') &&
        ['new', 'in-triage'].includes(r.status),
    )!
    expect(queue).toContain(helpline.reference)
    expect(queue).toContain('Possibly a child; Still happening')
  })
})
