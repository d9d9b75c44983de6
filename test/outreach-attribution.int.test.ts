import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { londonDate } from '#src/shared/dates.ts'
import { createTestContext, PageClient, type TestContext } from './support/test-app.ts'
import { buildApiUser, buildLiveJob, buildUser, type BuiltUser } from './support/builders.ts'

/**
 * Outreach attribution, the closed loop (issue 15, section 3): an operation with a code, an event in it with a short
 * link and QR code for its posters, a public report made through that link counted for the event and the operation,
 * the reporter's optional answers (the kind of place, how they heard), and the problem profile's figures from them.
 */

let ctx: TestContext
let supervisor: BuiltUser
let staff: PageClient
let operationId: string
let eventId: string
let refCode: string
let jobReference: string

const mainOf = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? ''
const [year, month, day] = londonDate().split('-')

const REPORT = {
  what: { what: 'Men sleeping in a unit behind the clothing factory, working through the night.' },
  where: { place: 'Unit 4, Foundry Way', town: 'Ashby Vale', postcode: '', placeKind: 'factory' },
  when: { when: 'week', ongoing: 'yes', details: '' },
  people: { description: '', signs: [] as string[], seemed: '' },
  contact: { name: '', phone: '', email: '', heardVia: 'poster' },
}

/** A member of the public's report from the start page to sent; returns the referral it made. */
async function report(client: PageClient, answers: Partial<typeof REPORT> = {}) {
  const all = { ...REPORT, ...answers }
  await client.get('/report')
  expect((await client.post('/report/start', {})).statusCode).toBe(303)
  for (const page of ['what', 'where', 'when', 'people', 'contact'] as const) {
    await client.get(`/report/${page}`)
    const response = await client.post(`/report/${page}`, all[page])
    expect(response.statusCode, `${page}: ${response.body.slice(0, 200)}`).toBe(303)
  }
  const check = await client.get('/report/check')
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(check.body)![1]
  const sent = await client.post('/report/check', { idempotencyKey: key, website: '' })
  expect(sent.headers.location).toBe('/report/sent')
  return ctx.db
    .selectFrom('public_report_submissions as s')
    .innerJoin('referrals as r', 'r.id', 's.referral_id')
    .select(['r.id', 'r.summary', 's.outreach_event_id', 's.heard_via', 's.place_kind'])
    .where('s.idempotency_key', '=', key)
    .executeTakeFirstOrThrow()
}

beforeAll(async () => {
  ctx = await createTestContext()
  supervisor = await buildUser(ctx, 'supervisor')
  staff = new PageClient(ctx.app)
  await staff.signIn(supervisor.email)
  jobReference = (await buildLiveJob(ctx, supervisor, { title: 'Foundry Way units' })).reference
})
afterAll(() => ctx.close())

describe('operations', () => {
  it('are in the main menu, and refuse a code that is not 2 to 12 letters or digits, or one already used', async () => {
    const list = await staff.get('/operations')
    expect(list.body).toMatch(/<a[^>]*class="govuk-service-navigation__link"[^>]*href="\/operations"[^>]*aria-current/)
    const bad = await staff.post('/operations', { name: 'Operation Laud', code: 'LA UD!', description: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
    expect(bad.body).toContain('Code must be 2 to 12 letters or digits, like LAUD')
    expect(
      (await staff.post('/operations', { name: 'Operation Laud', code: 'laud', description: '' })).statusCode,
    ).toBe(303)
    const again = await staff.post('/operations', { name: 'Operation Other', code: 'LAUD', description: '' })
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('There is already an operation with that code')
    operationId = (
      await ctx.db.selectFrom('operations').select('id').where('code', '=', 'LAUD').executeTakeFirstOrThrow()
    ).id
    expect((await staff.get('/operations')).body).toContain(`href="/operations/${operationId}"`)
  })

  it('an event recorded in the operation gets a code starting with the operation’s, a short link and a QR code', async () => {
    const form = await staff.get('/outreach/events/new')
    expect(form.body).toContain('Operation Laud (LAUD)')
    const fields = {
      title: 'Garment units: signs of forced labour',
      kind: 'business-visit',
      'startDate-day': day,
      'startDate-month': month,
      'startDate-year': year,
      startTime: '00:01',
      endTime: '',
      delivery: 'in-person',
      venue: 'Foundry Way',
      organisations: 'Ashby Vale Garment Makers Association',
      sectors: 'textiles-garments',
      attendeeCount: '14',
      trainers: '',
      priorityTags: 'textile-industry',
      notes: '',
    }
    const wrong = await staff.post('/outreach/events/new', {
      ...fields,
      operationId: '0190a0b2-0000-7000-8000-000000000000',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Select an operation from the list')
    const saved = await staff.post('/outreach/events/new', { ...fields, operationId })
    expect(saved.statusCode).toBe(303)
    eventId = saved.headers.location!.split('/').pop()!
    const page = await staff.get(`/outreach/events/${eventId}`)
    refCode = /<strong class="lantern-code">([A-Z0-9-]+)<\/strong>/.exec(page.body)![1]
    expect(refCode).toMatch(/^LAUD-[A-Z2-9]{4}$/)
    expect(page.body).toContain(`http://localhost:80/r/${refCode}`)
    expect(page.body).toContain(`href="/operations/${operationId}"`)
    const svg = await staff.get(`/outreach/events/${eventId}/qr.svg`)
    expect(svg.headers['content-type']).toContain('image/svg+xml')
    expect(svg.body).toContain('<svg')
    expect(svg.body).toContain(`/r/${refCode}`)
    const png = await staff.get(`/outreach/events/${eventId}/qr.png`)
    expect(png.headers['content-type']).toBe('image/png')
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG')
  })
})

describe('a public report through an event’s link', () => {
  it('is recorded with the event, and with the kind of place and how the reporter heard', async () => {
    const reporter = new PageClient(ctx.app)
    const link = await reporter.get(`/r/${refCode.toLowerCase()}`)
    expect(link.statusCode).toBe(303)
    expect(link.headers.location).toBe('/report')
    const saved = await report(reporter)
    expect(saved.outreach_event_id).toBe(eventId)
    expect(saved.place_kind).toBe('factory')
    expect(saved.heard_via).toBe('poster')
    expect(saved.summary).toContain(`Came through the link or QR code on outreach materials: ${refCode}.`)
    expect(saved.summary).toContain('Kind of place: A factory, warehouse or textile unit.')
  })

  it('also counts through /report?ref=, and a code no event has is ignored without telling the reporter', async () => {
    const viaQuery = new PageClient(ctx.app)
    await viaQuery.get(`/report?ref=${refCode}`)
    expect((await report(viaQuery, { contact: { ...REPORT.contact, heardVia: '' } })).outreach_event_id).toBe(eventId)
    const unknown = new PageClient(ctx.app)
    const response = await unknown.get('/r/NOPE-2345')
    expect(response.statusCode).toBe(303)
    const saved = await report(unknown, { where: { ...REPORT.where, placeKind: '' } })
    expect(saved.outreach_event_id).toBeNull()
    expect(saved.place_kind).toBeNull()
  })

  it('refuses an answer that is not on the list, in the reporter’s language', async () => {
    const client = new PageClient(ctx.app)
    await client.get('/report?lang=cy')
    await client.post('/report/start', {})
    const where = await client.post('/report/where', { ...REPORT.where, placeKind: 'castle' })
    expect(where.statusCode).toBe(400)
    expect(where.body).toContain('Dewiswch y math o le o’r rhestr')
    const contact = await client.post('/report/contact', { ...REPORT.contact, heardVia: 'pigeon' })
    expect(contact.statusCode).toBe(400)
    expect(contact.body).toContain('govuk-error-summary')
  })
})

describe('what the team sees', () => {
  it('the operation page holds its live jobs and its events, with the reports through each event’s link', async () => {
    const job = await ctx.db
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', jobReference)
      .executeTakeFirstOrThrow()
    expect((await staff.post(`/cases/${job.id}/operation`, { operationId })).statusCode).toBe(303)
    const page = mainOf((await staff.get(`/operations/${operationId}`)).body)
    expect(page).toContain(jobReference)
    expect(page).toContain('Garment units: signs of forced labour')
    expect(page).toContain(refCode)
    expect(page).toMatch(/Public reports through its links[\s\S]*?>\s*2\s*</)
    expect((await staff.get('/operations/0190a0b2-0000-7000-8000-000000000000')).statusCode).toBe(404)
  })

  it('the problem profile counts the reports per operation, and what leaves the team suppresses the small ones', async () => {
    const page = mainOf((await staff.get('/insight/exploitation-profile')).body)
    expect(page).toContain('Where to act: public reports through outreach, by operation')
    const row = /<th scope="row" class="govuk-table__header">Operation Laud \(LAUD\)<\/th>([\s\S]*?)<\/tr>/.exec(page)
    expect(
      row![1]
        .replace(/<[^>]+>/g, ' ')
        .trim()
        .split(/\s+/),
    ).toEqual(['1', '14', '2'])
    const places = /id="report-places"[\s\S]*?<\/section>/.exec(page)![0]
    expect(places).toContain('A factory, warehouse or textile unit')
    const partner = await staff.get('/insight/exploitation-profile/partner-tables/outreach-attribution.csv')
    expect(partner.statusCode).toBe(200)
    expect(partner.body).toContain('Operation Laud (LAUD)')
    const laud = partner.body.split(/\r?\n/).find((line) => line.includes('Operation Laud (LAUD)'))
    expect(laud).toMatch(/fewer than 5/)
    expect(laud).not.toMatch(/,2\s*$/)
  })
})

describe('operations over the API', () => {
  it('take a code, refuse a bad one as a problem, and list each operation’s code and events', async () => {
    const { token } = await buildApiUser(ctx, 'supervisor')
    const call = (method: 'GET' | 'POST', payload?: object) =>
      ctx.app.inject({ method, url: '/api/v1/operations', headers: { authorization: `Bearer ${token}` }, payload })
    const bad = await call('POST', { name: 'Operation Tacit', code: 'TA CIT' })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect((await call('POST', { name: 'Operation Tacit', code: 'tacit' })).statusCode).toBe(201)
    const items = (await call('GET')).json().items as { name: string; code: string | null; events: number }[]
    expect(items.find((o) => o.name === 'Operation Tacit')).toMatchObject({ code: 'TACIT', events: 0 })
    expect(items.find((o) => o.name === 'Operation Laud')).toMatchObject({ code: 'LAUD', events: 1 })
  })
})

describe('spot the signs', () => {
  it('has signs for each strategic priority, the travelling community among them, in English and Welsh', async () => {
    const english = (await new PageClient(ctx.app).get('/spot-the-signs')).body
    expect(english).toContain('Sexual exploitation in flats and hotels')
    expect(english).toContain('Exploitation of workers on sites and driveways')
    expect(english).toContain('Gypsy, Roma and Traveller')
    expect(english).toContain('Forced labour in textile and clothing factories')
    const welsh = (await new PageClient(ctx.app).get('/spot-the-signs?lang=cy')).body
    expect(welsh).toContain('Sipsiwn, Roma a Theithwyr')
    expect(welsh).toContain('Llafur gorfodol mewn ffatrïoedd tecstilau a dillad')
  })
})
