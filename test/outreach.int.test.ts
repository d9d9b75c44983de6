import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatDate, londonDate } from '#src/shared/dates.ts'
import { findOrCreateOrganisations, organisationKey } from '#src/modules/outreach/outreach.repository.ts'
import { sniffMaterial, MATERIAL_MAX_BYTES } from '#src/modules/outreach/outreach.materials.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

/**
 * Awareness events and training inputs: recording them, the list, filters and calendar, materials and
 * feedback, and the impact on referrals from the same organisations and sectors.
 */
let ctx: TestContext
let pcso: PageClient
let token: string

beforeAll(async () => {
  ctx = await createTestContext()
  const user = await createUser(ctx, 'pcso')
  pcso = new PageClient(ctx.app)
  await pcso.signIn(user.email)
  token = await apiToken(ctx, (await createUser(ctx, 'investigator')).email)
})
afterAll(() => ctx.close())

const EVENT = {
  title: 'Spotting exploitation in nail bars',
  kind: 'awareness-talk',
  'startDate-day': '10',
  'startDate-month': '2',
  'startDate-year': '2026',
  startTime: '18:30',
  endTime: '20:00',
  delivery: 'in-person',
  venue: 'Riverton Business Forum, Market Place',
  sectors: ['nail-bars-beauty'],
  organisations: 'Glamour Nails Riverton\nRiverton Beauty Academy',
  attendeeCount: '24',
  trainers: 'PCSO Dan Morris',
  priorityTags: [] as string[],
  notes: 'Leaflets left with each salon.',
}

async function recordEvent(overrides: Record<string, string | string[]> = {}): Promise<string> {
  await pcso.get('/outreach/events/new')
  const response = await pcso.post('/outreach/events/new', { ...EVENT, ...overrides })
  expect(response.statusCode, response.body.slice(0, 500)).toBe(303)
  return response.headers.location!.split('/').pop()!
}

async function referralVia(api: {
  receivedAt: string
  referringOrganisation?: string | null
  referringSector?: string | null
}) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: { source: 'partner-agency', summary: 'Synthetic referral for impact', ...api },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json() as { id: string }
}

describe('recording an event', () => {
  it('shows every problem at once and keeps what was typed', async () => {
    await pcso.get('/outreach/events/new')
    const response = await pcso.post('/outreach/events/new', {
      title: '',
      kind: '',
      'startDate-day': '31',
      'startDate-month': '2',
      'startDate-year': '2026',
      startTime: '25:00',
      endTime: '',
      delivery: 'in-person',
      venue: '',
      organisations: 'Kept organisation',
      attendeeCount: 'lots',
    })
    expect(response.statusCode).toBe(400)
    for (const message of [
      'Enter a title for the event',
      'Select the type of event',
      'Date of the event must be a real date',
      'Enter the start time in the 24-hour clock',
      'Enter the venue',
      'Select the sectors the audience came from',
      'Number of attendees must be a whole number',
    ]) {
      expect(response.body).toContain(message)
    }
    expect(response.body).toContain('Kept organisation')
    const endBeforeStart = await pcso.post('/outreach/events/new', { ...EVENT, endTime: '17:00' })
    expect(endBeforeStart.body).toContain('End time must be after the start time')
  })

  it('records an event with its audience, lists it, filters it and shows it on the calendar', async () => {
    const id = await recordEvent()
    const page = await pcso.get(`/outreach/events/${id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Event ‘Spotting exploitation in nail bars’ recorded')
    expect(page.body).toContain('Glamour Nails Riverton, Riverton Beauty Academy')
    expect(page.body).toContain('Nail bars and beauty')
    expect(page.body).toContain('18:30 to 20:00')
    expect(page.body).toContain('Riverton Business Forum, Market Place')

    await recordEvent({
      title: 'Car wash owners briefing',
      sectors: ['car-washes'],
      organisations: '',
      'startDate-month': '3',
    })
    const list = await pcso.get('/outreach')
    expect(list.body).toContain('Spotting exploitation in nail bars')
    expect(list.body).toContain('Car wash owners briefing')
    const filtered = await pcso.get('/outreach?sector=car-washes')
    expect(filtered.body).toContain('Car wash owners briefing')
    expect(filtered.body).not.toContain('Spotting exploitation in nail bars')
    const dated = await pcso.get('/outreach?from=1/3/2026&to=31/3/2026')
    expect(dated.body).toContain('Car wash owners briefing')
    expect(dated.body).not.toContain('Spotting exploitation in nail bars')
    expect((await pcso.get('/outreach?from=31/2/2026')).body).toContain('From must be a real date')

    const february = await pcso.get('/outreach/calendar?month=2026-02')
    expect(february.statusCode).toBe(200)
    expect(february.body).toContain('February 2026')
    expect(february.body).toContain('18:30 Spotting exploitation in nail bars')
    expect(february.body).not.toContain('Car wash owners briefing')
    expect(february.body).toContain('href="/outreach/calendar?month=2026-03"')
    // The pager names where it goes.
    expect(february.body).toContain('January 2026')
    expect(february.body).toContain('March 2026')
    // A month that makes no sense falls back to this month rather than failing.
    expect((await pcso.get('/outreach/calendar?month=2026-13')).body).toContain(
      new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(
        new Date(),
      ),
    )

    const audit = await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', id).execute()
    expect(audit.map((a) => a.action)).toEqual(['outreach.event-recorded'])
  })

  it('treats organisation names that differ only in case and spacing as one organisation', async () => {
    expect(organisationKey('  Riverton   NHS Trust ')).toBe(organisationKey('riverton nhs trust'))
    await recordEvent({ organisations: 'GLAMOUR NAILS  riverton' })
    const rows = await ctx.db
      .selectFrom('organisations')
      .select(['name', 'sector'])
      .where('name_key', '=', 'glamour nails riverton')
      .execute()
    expect(rows).toEqual([{ name: 'Glamour Nails Riverton', sector: 'nail-bars-beauty' }])
  })
})

describe('materials and feedback', () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
  function zipWith(firstName: string, rest: string) {
    const header = Buffer.alloc(30)
    header.writeUInt32LE(0x04034b50, 0)
    header.writeUInt16LE(Buffer.byteLength(firstName), 26)
    return Buffer.concat([header, Buffer.from(firstName), Buffer.from(rest)])
  }
  const pptx = zipWith('[Content_Types].xml', '<Types/>....ppt/presentation.xml....')
  const odp = zipWith('mimetype', 'application/vnd.oasis.opendocument.presentation')
  const docx = zipWith('[Content_Types].xml', '<Types/>....word/document.xml....')

  it('recognises files by their bytes, not their names', () => {
    expect(sniffMaterial(pdf)?.extension).toBe('pdf')
    expect(sniffMaterial(pptx)?.extension).toBe('pptx')
    expect(sniffMaterial(odp)?.extension).toBe('odp')
    expect(sniffMaterial(docx)).toBeNull()
    expect(sniffMaterial(Buffer.from('MZ\x90\x00 an executable'))).toBeNull()
  })

  it('uploads a PDF and slides, lists them and downloads them as attachments of the checked type', async () => {
    const id = await recordEvent()
    await pcso.get(`/outreach/events/${id}`)
    const uploaded = await pcso.postMultipart(
      `/outreach/events/${id}/materials`,
      {},
      { field: 'material', filename: 'Spot the signs – nail bars.pdf', contentType: 'application/pdf', data: pdf },
    )
    expect(uploaded.statusCode, uploaded.body.slice(0, 400)).toBe(303)
    await pcso.get(`/outreach/events/${id}`)
    // The browser's stated type is not trusted: the bytes decide.
    expect(
      (
        await pcso.postMultipart(
          `/outreach/events/${id}/materials`,
          {},
          { field: 'material', filename: 'deck.pptx', contentType: 'application/octet-stream', data: pptx },
        )
      ).statusCode,
    ).toBe(303)
    const page = await pcso.get(`/outreach/events/${id}`)
    expect(page.body).toContain('Spot the signs – nail bars.pdf')
    expect(page.body).toContain('deck.pptx')
    const materialId = /href="\/outreach\/materials\/([0-9a-f-]{36})"/.exec(page.body)![1]
    const download = await pcso.get(`/outreach/materials/${materialId}`)
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-type']).toBe('application/pdf')
    expect(download.headers['content-disposition']).toMatch(
      /^attachment; filename="Spot the signs _ nail bars.pdf"; filename\*=UTF-8''Spot%20the%20signs%20%E2%80%93%20nail%20bars.pdf$/,
    )
    expect(download.headers['x-content-type-options']).toBe('nosniff')
    expect(download.rawPayload.equals(pdf)).toBe(true)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', materialId)
      .orderBy('id')
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['outreach.material-uploaded', 'outreach.material-downloaded'])
  })

  it('refuses a file of the wrong type, an empty or missing file, and one over the size limit, saying why', async () => {
    const id = await recordEvent()
    await pcso.get(`/outreach/events/${id}`)
    const renamed = await pcso.postMultipart(
      `/outreach/events/${id}/materials`,
      {},
      {
        field: 'material',
        filename: 'slides.pdf',
        contentType: 'application/pdf',
        data: Buffer.from('MZ\x90\x00 not really a pdf'),
      },
    )
    expect(renamed.statusCode).toBe(415)
    expect(renamed.body).toContain('must be a PDF, a PowerPoint (PPTX) or an OpenDocument presentation (ODP)')
    const word = await pcso.postMultipart(
      `/outreach/events/${id}/materials`,
      {},
      { field: 'material', filename: 'notes.pptx', contentType: 'application/pdf', data: docx },
    )
    expect(word.statusCode).toBe(415)
    const none = await pcso.postMultipart(`/outreach/events/${id}/materials`, {})
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('Select a file to upload')
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(MATERIAL_MAX_BYTES)])
    const tooBig = await pcso.postMultipart(
      `/outreach/events/${id}/materials`,
      {},
      { field: 'material', filename: 'big.pdf', contentType: 'application/pdf', data: big },
    )
    expect(tooBig.statusCode).toBe(413)
    expect(tooBig.body).toContain('The file must be smaller than 10 MB')
    expect(await ctx.db.selectFrom('outreach_materials').select('id').where('event_id', '=', id).execute()).toEqual([])
  })

  it('refuses an upload without the CSRF token', async () => {
    const id = await recordEvent()
    const refused = await pcso.postMultipart(
      `/outreach/events/${id}/materials`,
      {},
      { field: 'material', filename: 'a.pdf', contentType: 'application/pdf', data: pdf },
      { csrf: null },
    )
    expect(refused.statusCode).toBe(403)
    expect(await ctx.db.selectFrom('outreach_materials').select('id').where('event_id', '=', id).execute()).toEqual([])
  })

  it('adds feedback scores and comments and shows the average', async () => {
    const id = await recordEvent()
    await pcso.get(`/outreach/events/${id}`)
    expect((await pcso.post(`/outreach/events/${id}/feedback`, { score: '6', comment: '' })).body).toContain(
      'Select a score from 1 to 5',
    )
    await pcso.post(`/outreach/events/${id}/feedback`, { score: '5', comment: 'Now I know what to look for' })
    await pcso.post(`/outreach/events/${id}/feedback`, { score: '4', comment: '' })
    const page = await pcso.get(`/outreach/events/${id}`)
    expect(page.body).toContain('2 responses, average score <strong>4.5</strong> out of 5')
    expect(page.body).toContain('Now I know what to look for')
  })
})

describe('impact', () => {
  it('counts referrals from the same organisations and sectors before and after an event, as a table and a chart', async () => {
    const id = await recordEvent({
      title: 'Hotel staff training',
      kind: 'training-input',
      sectors: ['hotels'],
      organisations: 'Riverside Hotel Group',
      'startDate-day': '1',
      'startDate-month': '6',
      'startDate-year': '2025',
      startTime: '10:00',
      endTime: '',
    })
    // Before (within 90 days), after (within 90 days), and outside either window.
    await referralVia({
      receivedAt: '2025-04-15',
      referringOrganisation: 'Riverside Hotel Group',
      referringSector: 'hotels',
    })
    await referralVia({
      receivedAt: '2025-06-10',
      referringOrganisation: 'riverside hotel group',
      referringSector: null,
    })
    await referralVia({ receivedAt: '2025-07-20', referringOrganisation: 'Another Hotel', referringSector: 'hotels' })
    await referralVia({
      receivedAt: '2025-08-01',
      referringOrganisation: 'Riverside Hotel Group',
      referringSector: 'hotels',
    })
    await referralVia({
      receivedAt: '2024-12-01',
      referringOrganisation: 'Riverside Hotel Group',
      referringSector: 'hotels',
    })
    await referralVia({
      receivedAt: '2025-07-01',
      referringOrganisation: 'Somewhere Else',
      referringSector: 'construction',
    })

    const impact = await pcso.get(`/outreach/impact?event=${id}`)
    expect(impact.statusCode).toBe(200)
    const rows = [
      ...impact.body.matchAll(
        /<tr class="govuk-table__row">\s*<th scope="row" class="govuk-table__header">(?:<a [^>]+>)?([^<]+)(?:<\/a>)?<\/th>\s*<td[^>]*>(\d+)<\/td>\s*<td[^>]*>(\d+)<\/td>/g,
      ),
    ].map((m) => [m[1], Number(m[2]), Number(m[3])])
    expect(rows).toEqual([
      ['Riverside Hotel Group', 1, 2],
      ['Sector: Hotels', 1, 3],
      ['Any of these (each referral counted once)', 1, 3],
    ])
    // The chart is an image with its own route (never inline SVG under the CSP), with the same figures in the table.
    expect(impact.body).toContain(`<img src="/outreach/impact/chart.svg?event=${id}&amp;days=90"`)
    const chart = await pcso.get(`/outreach/impact/chart.svg?event=${id}&days=90`)
    expect(chart.statusCode).toBe(200)
    expect(chart.headers['content-type']).toBe('image/svg+xml; charset=utf-8')
    expect(chart.body.startsWith('<svg')).toBe(true)

    // A shorter window: only what falls within 30 days of the event.
    const narrow = await pcso.get(`/outreach/impact?event=${id}&days=30`)
    expect(narrow.body).toMatch(/Riverside Hotel Group<\/a><\/th>\s*<td[^>]*>0<\/td>\s*<td[^>]*>1<\/td>/)

    // By sector and by organisation: each event that reached them, latest first in the table's own order.
    const sector = await pcso.get('/outreach/impact?sector=hotels')
    expect(sector.body).toContain('Impact: Sector: Hotels')
    expect(sector.body).toMatch(/Hotel staff training \(2025-06-01\)<\/a><\/th>\s*<td[^>]*>1<\/td>\s*<td[^>]*>3<\/td>/)
    const organisation = await ctx.db
      .selectFrom('organisations')
      .select('id')
      .where('name_key', '=', 'riverside hotel group')
      .executeTakeFirstOrThrow()
    const byOrganisation = await pcso.get(`/outreach/impact?organisation=${organisation.id}`)
    expect(byOrganisation.body).toMatch(
      /Hotel staff training \(2025-06-01\)<\/a><\/th>\s*<td[^>]*>1<\/td>\s*<td[^>]*>2<\/td>/,
    )
    expect((await pcso.get('/outreach/impact?sector=not-a-sector')).body).toContain(
      'Choose a sector or an organisation',
    )
    expect((await pcso.get('/outreach/impact?event=00000000-0000-7000-8000-000000000000')).statusCode).toBe(404)
  })

  it('records the organisation and sector on a referral from the intake pages', async () => {
    const dc = new PageClient(ctx.app)
    await dc.signIn((await createUser(ctx, 'investigator')).email)
    await dc.get('/referrals/new')
    const start = await dc.post('/referrals/new', {})
    const base = start.headers.location!.replace('/received', '')
    const received = await dc.get(`${base}/received`)
    expect(received.body).toContain('Sector of the referring organisation (optional)')
    const bad = await dc.post(`${base}/received`, {
      'receivedDate-day': '2',
      'receivedDate-month': '3',
      'receivedDate-year': '2026',
      source: 'partner-agency',
      referringOrganisation: 'Riverton Council',
      referringSector: 'not-a-sector',
    })
    expect(bad.body).toContain('Select a sector from the list')
    await dc.post(`${base}/received`, {
      'receivedDate-day': '2',
      'receivedDate-month': '3',
      'receivedDate-year': '2026',
      source: 'partner-agency',
      referringOrganisation: 'Riverton Council',
      referringSector: 'local-authority',
      referrerName: '',
      referrerContact: '',
    })
    await dc.post(`${base}/what-happened`, { summary: 'Housing officer concerned about a crowded flat.' })
    await dc.post(`${base}/people`, {})
    await dc.post(`${base}/locations`, {})
    await dc.post(`${base}/exploitation`, { exploitationTypes: 'labour', countyLines: 'no' })
    expect((await dc.get(`${base}/check`)).body).toContain('Riverton Council, Local authority staff')
    const done = await dc.post(`${base}/check`, {})
    const referralId = done.headers.location!.split('/').pop()!
    const row = await ctx.db
      .selectFrom('referrals')
      .innerJoin('organisations', 'organisations.id', 'referrals.organisation_id')
      .select(['organisations.name', 'referrals.referring_sector'])
      .where('referrals.id', '=', referralId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ name: 'Riverton Council', referring_sector: 'local-authority' })
  })
})

describe('who may do what', () => {
  it('lets an analyst see events and impact but not record them, and keeps partners out', async () => {
    const analyst = new PageClient(ctx.app)
    await analyst.signIn((await createUser(ctx, 'analyst')).email)
    expect((await analyst.get('/outreach')).statusCode).toBe(200)
    expect((await analyst.get('/outreach')).body).not.toContain('Record an event')
    expect((await analyst.get('/outreach/impact')).statusCode).toBe(200)
    expect((await analyst.get('/outreach/events/new')).statusCode).toBe(403)
    const partner = new PageClient(ctx.app)
    await partner.signIn((await createUser(ctx, 'partner')).email)
    expect((await partner.get('/outreach')).statusCode).toBe(403)
    // The navigation offers the link only to those who may use it.
    expect((await analyst.get('/outreach')).body).toContain('href="/outreach"')
    expect((await partner.get('/my-work')).body).not.toContain('href="/outreach"')
  })

  it('shows the calendar for this month by default', async () => {
    const page = await pcso.get('/outreach/calendar')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`lantern-calendar__day--today`)
    // This month, named, and the cell marked as today is today's date in London (not the first of the month, not
    // a day in UTC): the one marked cell carries today's date as its label.
    const today = londonDate()
    const [year, month] = today.split('-').map(Number)
    expect(page.body).toContain(
      `<h2 class="govuk-heading-m">${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(Date.UTC(year, month - 1, 1))}</h2>`,
    )
    const marked = [
      ...page.body.matchAll(
        /lantern-calendar__day--today">\s*<span[^>]*><span class="govuk-visually-hidden">([^<]+)</g,
      ),
    ].map((m) => m[1])
    expect(marked).toEqual([formatDate(today)])
  })
})

describe('organisations named on referrals and events', () => {
  it('finds an organisation by its folded name, fills in a missing sector once, and leaves a known one unlocked for other writers', async () => {
    const [created] = await findOrCreateOrganisations(ctx.db, [{ name: 'Riverton  Car Wash Co', sector: null }])
    expect(created.sector).toBeNull()
    const [filled] = await findOrCreateOrganisations(ctx.db, [{ name: 'riverton car wash co', sector: 'car-washes' }])
    expect(filled).toEqual({ id: created.id, name: 'Riverton  Car Wash Co', sector: 'car-washes' })
    const [kept] = await findOrCreateOrganisations(ctx.db, [
      { name: 'RIVERTON CAR WASH CO', sector: 'nail-bars-beauty' },
    ])
    expect(kept.sector).toBe('car-washes')
    // One writer names it and has not committed; another names it too and must not wait for the first.
    await ctx.db.transaction().execute(async (first) => {
      await findOrCreateOrganisations(first, [{ name: 'Riverton Car Wash Co', sector: 'car-washes' }])
      const second = await Promise.race([
        findOrCreateOrganisations(ctx.db, [{ name: 'Riverton Car Wash Co', sector: null }]).then((rows) => rows[0].id),
        // Not a wait for an outcome: the bound on a lock wait that would otherwise hang this transaction. Generous,
        // so a busy machine's slow query is not mistaken for waiting on the lock.
        new Promise((resolve) => setTimeout(() => resolve('waited'), 15_000)),
      ])
      expect(second).toBe(created.id)
    })
  })
})
