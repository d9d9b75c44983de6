import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'
import { NewReferralInput } from '#src/modules/referrals/index.ts'

let ctx: TestContext
let dc: PageClient
let officer: { id: string; email: string }

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await createUser(ctx, 'investigator')
  dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
})
afterAll(() => ctx.close())

async function startDraft(client = dc): Promise<string> {
  const page = await client.get('/referrals/new')
  expect(page.statusCode).toBe(200)
  const start = await client.post('/referrals/new', {})
  expect(start.statusCode).toBe(303)
  return start.headers.location!.replace('/received', '')
}

async function recordReferral(overrides: { received?: Record<string, string> } = {}) {
  const base = await startDraft()
  await dc.get(`${base}/received`)
  expect(
    (
      await dc.post(`${base}/received`, {
        'receivedDate-day': '2',
        'receivedDate-month': '3',
        'receivedDate-year': '2026',
        receivedTime: '',
        source: 'police',
        referringOrganisation: 'Response team',
        referrerName: '',
        referrerContact: '',
        ...overrides.received,
      })
    ).statusCode,
  ).toBe(303)
  expect(
    (await dc.post(`${base}/what-happened`, { summary: 'Boarded-up house with a cannabis grow; a boy found inside.' }))
      .headers.location,
  ).toBe(`${base}/people`)
  await dc.post(`${base}/people/new`, {
    fullName: 'Dritan Hoxha',
    otherNames: 'Dritan HOXHA',
    'dateOfBirth-day': '',
    'dateOfBirth-month': '',
    'dateOfBirth-year': '',
    approximateAge: '16',
    ageDisputed: 'yes',
    gender: 'male',
    nationality: 'AL',
    secondNationality: '',
    languages: 'Albanian',
    role: 'potential-victim',
  })
  await dc.post(`${base}/people/new`, {
    fullName: 'Unknown man',
    otherNames: '',
    approximateAge: '',
    ageDisputed: 'no',
    gender: 'male',
    nationality: '',
    languages: '',
    role: 'suspected-exploiter',
  })
  await dc.post(`${base}/people`, {})
  const place = {
    addressLine1: '14 Foundry Way',
    addressLine2: '',
    town: 'Northgate',
    postcode: 'bd3 9xy',
    description: '',
    premisesType: 'cannabis-grow',
  }
  const saved = await dc.post(`${base}/locations/new`, place)
  if (saved.statusCode === 200) {
    // Recorded by an earlier referral here: asked "Is this the same place?", it is.
    const same = /name="samePlace" type="radio" value="([0-9a-f-]{36})"/.exec(saved.body)![1]
    const checked = /name="checked" value="([^"]*)"/.exec(saved.body)![1]
    expect((await dc.post(`${base}/locations/new`, { ...place, checked, samePlace: same })).statusCode).toBe(303)
  }
  await dc.post(`${base}/locations`, {})
  expect(
    (await dc.post(`${base}/exploitation`, { exploitationTypes: 'criminal', countyLines: 'yes' })).headers.location,
  ).toBe(`${base}/check`)
  const check = await dc.get(`${base}/check`)
  expect(check.body).toContain('Dritan Hoxha')
  const done = await dc.post(`${base}/check`, {})
  expect(done.statusCode).toBe(303)
  return { id: done.headers.location!.split('/').pop()!, base }
}

describe('recording a referral through the question pages', () => {
  it('starts a draft only when the officer presses Start: opening the page (or a link preview of it) changes nothing', async () => {
    const drafts = async () =>
      (
        await ctx.db
          .selectFrom('referral_drafts')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('user_id', '=', officer.id)
          .executeTakeFirstOrThrow()
      ).n
    const before = await drafts()
    const page = await dc.get('/referrals/new')
    expect(page.body).toContain('Start recording')
    expect(await drafts()).toBe(before)
    await startDraft()
    expect(Number(await drafts())).toBe(Number(before) + 1)
  })

  it('records a referral with two people and a place, and shows it with a confirmation', async () => {
    const { id, base } = await recordReferral()
    const page = await dc.get(`/referrals/${id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/Referral REF-2026-\d{6} recorded/)
    expect(page.body).toContain('Dritan Hoxha')
    expect(page.body).toContain('About 16, age disputed')
    expect(page.body).toContain('14 Foundry Way, Northgate, BD3 9XY')
    expect(page.body).toContain('County Lines')
    expect(page.body).toContain('Referral recorded')
    // The draft is gone once recorded: a second submit cannot make a duplicate.
    expect((await dc.post(`${base}/check`, {})).statusCode).toBe(404)
    // The flash is shown once.
    expect((await dc.get(`/referrals/${id}`)).body).not.toMatch(/Referral REF-2026-\d{6} recorded/)
  })

  it('shows every problem on a page at once, with an error summary, and keeps what was typed', async () => {
    const base = await startDraft()
    await dc.get(`${base}/received`)
    const response = await dc.post(`${base}/received`, {
      'receivedDate-day': '31',
      'receivedDate-month': '2',
      'receivedDate-year': '2026',
      receivedTime: '25:00',
      source: '',
      referringOrganisation: 'Kalayaan <script>alert(1)</script>',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('govuk-error-summary')
    expect(response.body).toContain('href="#receivedDate-day"')
    expect(response.body).toContain('Date received must be a real date')
    expect(response.body).toContain('Enter a time in the 24-hour clock, like 14:30')
    expect(response.body).toContain('Select where the referral came from')
    expect(response.body).toContain('value="31"')
    expect(response.body).toContain('value="25:00"')
    // What was typed is shown back, escaped.
    expect(response.body).toContain('Kalayaan &lt;script&gt;alert(1)&lt;/script&gt;')
    expect(response.body).not.toContain('<script>alert(1)</script>')
  })

  it('keeps a draft page’s answers when the user comes back to it', async () => {
    const base = await startDraft()
    await dc.get(`${base}/received`)
    await dc.post(`${base}/what-happened`, { summary: 'Saved text that must not be lost' })
    expect((await dc.get(`${base}/what-happened`)).body).toContain('Saved text that must not be lost')
  })

  it('does not let one officer open another’s draft', async () => {
    const base = await startDraft()
    const other = new PageClient(ctx.app)
    await other.signIn((await createUser(ctx, 'investigator')).email)
    expect((await other.get(`${base}/received`)).statusCode).toBe(404)
  })

  it('checks a person’s details with specific messages', async () => {
    const base = await startDraft()
    await dc.get(`${base}/people/new`)
    const response = await dc.post(`${base}/people/new`, {
      fullName: '',
      'dateOfBirth-day': '12',
      'dateOfBirth-month': '',
      'dateOfBirth-year': '2009',
      approximateAge: 'teen',
      ageDisputed: '',
      gender: '',
      nationality: 'Atlantis',
      languages: 'Klingon',
      role: '',
    })
    expect(response.statusCode).toBe(400)
    for (const message of [
      'Enter the person’s name, or a description if you do not know it',
      'Date of birth must include a month',
      'Approximate age must be a whole number, like 25',
      'Select yes if the person’s age is disputed',
      'Select the person’s gender, or ‘Not known’',
      'Select a nationality from the list',
      'We do not recognise ‘Klingon’',
      'Select the person’s role in this referral',
    ])
      expect(response.body).toContain(message.replace(/’/g, '’'))
  })
})

describe('a place already recorded, offered at intake', () => {
  it('asks "Is this the same place?": yes links the place already recorded, no records a new one, and what was typed is kept', async () => {
    const canal = { addressLine1: '7 Canal Street', town: 'Leeds', postcode: 'LS1 4AB', premisesType: 'private-house' }
    const first = await ctx.services.referrals.create(
      NewReferralInput.parse({
        receivedAt: '2026-06-01',
        source: 'police',
        summary: 'Men seen leaving at dawn',
        locations: [canal],
      }),
      { userId: officer.id, ip: null, requestId: null },
    )
    const [known] = await ctx.db
      .selectFrom('referral_locations')
      .select('location_id')
      .where('referral_id', '=', first.id)
      .execute()
    const base = await startDraft()
    await dc.get(`${base}/received`)
    await dc.post(`${base}/received`, {
      'receivedDate-day': '2',
      'receivedDate-month': '3',
      'receivedDate-year': '2026',
      receivedTime: '',
      source: 'police',
      referringOrganisation: 'Response team',
      referrerName: '',
      referrerContact: '',
    })
    await dc.post(`${base}/what-happened`, { summary: 'The same house, typed differently, and a shop next door.' })
    // Typed differently at the same postcode: the place already recorded is offered.
    const typed = { ...canal, addressLine1: '7 Canal St', addressLine2: '', description: '', postcode: 'ls1 4ab' }
    const asked = await dc.post(`${base}/locations/new`, typed)
    expect(asked.statusCode).toBe(200)
    expect(asked.body).toContain('Is this the same place?')
    expect(asked.body).toContain('7 Canal Street, Leeds, LS1 4AB')
    const checked = /name="checked" value="([^"]*)"/.exec(asked.body)![1]
    // Not answered: an error summary, with the address as typed.
    const unanswered = await dc.post(`${base}/locations/new`, { ...typed, checked })
    expect(unanswered.statusCode).toBe(400)
    expect(unanswered.body).toContain('There is a problem')
    expect(unanswered.body).toContain('Select whether this is the same place')
    expect(unanswered.body).toContain('value="7 Canal St"')
    // Yes: it is the same house.
    expect(
      (await dc.post(`${base}/locations/new`, { ...typed, checked, samePlace: known.location_id })).statusCode,
    ).toBe(303)
    // The shop next door at the same postcode, same first line typed as the house's: the recorder says it is another place.
    const shop = { ...typed, addressLine1: '7 Canal Street', premisesType: 'other' }
    const askedAgain = await dc.post(`${base}/locations/new`, shop)
    const checkedShop = /name="checked" value="([^"]*)"/.exec(askedAgain.body)![1]
    expect(
      (await dc.post(`${base}/locations/new`, { ...shop, checked: checkedShop, samePlace: 'new' })).statusCode,
    ).toBe(303)
    const list = await dc.get(`${base}/locations`)
    expect(list.body).toContain('Yes: linked to the place already recorded')
    expect(list.body).toContain('No, a different place: recorded as a new one')
    await dc.post(`${base}/locations`, {})
    await dc.post(`${base}/exploitation`, { exploitationTypes: 'labour', countyLines: 'no' })
    await dc.get(`${base}/check`)
    const done = await dc.post(`${base}/check`, {})
    expect(done.statusCode).toBe(303)
    const id = done.headers.location!.split('/').pop()!
    const places = await ctx.db
      .selectFrom('referral_locations')
      .select('location_id')
      .where('referral_id', '=', id)
      .execute()
    expect(places).toHaveLength(2)
    expect(places.map((p) => p.location_id)).toContain(known.location_id)
    const atPostcode = await ctx.db.selectFrom('locations').select('id').where('postcode', '=', 'LS1 4AB').execute()
    expect(atPostcode).toHaveLength(2)
  })
})

describe('the triage queue', () => {
  it('filters, sorts by age and marks referrals past the triage service level', async () => {
    const { id } = await recordReferral()
    const fresh = await recordReferral({
      received: {
        'receivedDate-day': String(new Date().getUTCDate()),
        'receivedDate-month': String(new Date().getUTCMonth() + 1),
        'receivedDate-year': String(new Date().getUTCFullYear()),
        source: 'helpline',
      },
    })
    const queue = await dc.get('/referrals')
    expect(queue.statusCode).toBe(200)
    expect(queue.body.indexOf(`/referrals/${id}`)).toBeLessThan(queue.body.indexOf(`/referrals/${fresh.id}`))
    // A reference never breaks at its hyphens in a narrow column.
    expect(queue.body).toMatch(/<span class="lantern-nowrap">REF-\d{4}-\d{6}<\/span>/)
    const newest = await dc.get('/referrals?sort=newest')
    expect(newest.body.indexOf(`/referrals/${fresh.id}`)).toBeLessThan(newest.body.indexOf(`/referrals/${id}`))

    const overdue = await dc.get('/referrals?overdue=yes')
    expect(overdue.body).toContain(`/referrals/${id}`)
    expect(overdue.body).not.toContain(`/referrals/${fresh.id}`)
    expect(overdue.body).toContain('Overdue')

    const helpline = await dc.get('/referrals?source=helpline')
    expect(helpline.body).toContain(`/referrals/${fresh.id}`)
    expect(helpline.body).not.toContain(`/referrals/${id}`)
    expect((await dc.get('/referrals?exploitationType=sexual')).body).toContain('No referrals match these filters')
  })

  it('pages through results', async () => {
    await ctx.db
      .updateTable('referrals')
      .set({ received_at: sql`received_at` })
      .execute()
    const count = Number(
      (await ctx.db.selectFrom('referrals').select(ctx.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n,
    )
    for (let i = count; i < 27; i++) await recordReferral()
    const first = await dc.get('/referrals')
    expect(first.body).toMatch(/Showing 1 to 25 of \d+ referrals/)
    const second = await dc.get('/referrals?page=2')
    expect(second.body).toMatch(/Showing 26 to \d+ of \d+ referrals/)
  })

  it('explains a bad date filter instead of failing', async () => {
    const response = await dc.get('/referrals?receivedFrom=31/2/2026')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Received from must be a real date, like 27/3/2026')
  })
})

describe('working a referral', () => {
  it('assigns, changes status with a reason, and shows who and why in the timeline', async () => {
    const { id } = await recordReferral()
    await dc.get(`/referrals/${id}`)
    expect(
      (await dc.post(`/referrals/${id}/assignment`, { assigneeId: officer.id, note: 'Yours, Priya' })).statusCode,
    ).toBe(303)
    let page = await dc.get(`/referrals/${id}`)
    expect(page.body).toContain('Referral assigned')
    expect(page.body).toContain(`Assigned to Test investigator`)

    const version = /name="version" value="(\d+)"/.exec(page.body)![1]
    expect(
      (await dc.post(`/referrals/${id}/status`, { status: 'in-triage', reason: 'Starting triage now', version }))
        .statusCode,
    ).toBe(303)
    page = await dc.get(`/referrals/${id}`)
    expect(page.body).toContain('Status changed from new to in triage')
    expect(page.body).toContain('Starting triage now')
    expect(page.body).toContain('by Test investigator')

    const closing = await dc.post(`/referrals/${id}/status`, {
      status: 'closed',
      reason: '',
      version: String(Number(version) + 1),
    })
    expect(closing.statusCode).toBe(400)
    expect(closing.body).toContain('Enter why you are making this change')
    const closed = await dc.post(`/referrals/${id}/status`, {
      status: 'closed',
      closureReason: 'passed-to-another-agency',
      reason: 'Passed to children’s services',
      version: String(Number(version) + 1),
    })
    expect(closed.statusCode).toBe(303)
    page = await dc.get(`/referrals/${id}`)
    expect(page.body).toContain('Passed to another agency. Passed to children’s services')
    // Closed, it offers one thing: reopen it, with a reason, by a button (no lone radio).
    expect(page.body).toContain('Reopen this referral')
    expect(page.body).not.toContain('name="status" type="radio"')
    const reopenVersion = /name="version" value="(\d+)"/.exec(page.body)![1]
    const noReason = await dc.post(`/referrals/${id}/status`, {
      status: 'in-triage',
      reason: '',
      version: reopenVersion,
    })
    expect(noReason.statusCode).toBe(400)
    const reopened = await dc.post(`/referrals/${id}/status`, {
      status: 'in-triage',
      reason: 'The family got back in touch',
      version: reopenVersion,
    })
    expect(reopened.statusCode).toBe(303)
  })

  it('refuses a change made on an out-of-date page, saying why, and keeps the reason typed', async () => {
    const { id } = await recordReferral()
    const response = await dc.post(`/referrals/${id}/status`, {
      status: 'in-triage',
      reason: 'My careful reasoning',
      version: '99',
    })
    expect(response.statusCode).toBe(409)
    expect(response.body).toContain('Someone else changed this referral while you were looking at it')
    expect(response.body).toContain('My careful reasoning')
  })

  it('answers a missing or malformed referral id with a 404 page', async () => {
    expect((await dc.get('/referrals/00000000-0000-7000-8000-000000000000')).statusCode).toBe(404)
    expect((await dc.get('/referrals/not-an-id')).statusCode).toBe(404)
  })
})
