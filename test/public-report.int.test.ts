import { createServer, connect, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, poolOf } from '#src/platform/db/database.ts'
import { createServices } from '#src/container.ts'
import { createApp } from '#src/app.ts'
import { createTestContext, createUser, PageClient, testConfig, type TestContext } from './support/test-app.ts'
import { waitFor } from './support/wait.ts'
import { DEFAULT_LANGUAGE, loadLanguages } from '#src/modules/public/i18n.ts'

/**
 * The public "report a concern" service at /report: no sign-in, a short question-page journey that becomes
 * a public-concern referral in the triage queue, and the rules for bad input from issue 7.
 */
let ctx: TestContext

beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(() => ctx.close())

const ANSWERS = {
  what: {
    what: 'Three young men are dropped off at the car wash at 6am and collected at 10pm by the same van. They never speak to customers.',
  },
  where: { place: 'Hand car wash behind the petrol station, Mill Lane', town: 'Riverton', postcode: 'hu3 4ab' },
  when: { when: 'week', ongoing: 'yes', details: 'Every day since March' },
  people: {
    description: 'Three men, about 20, thin, in the same clothes every day',
    signs: ['dropped-off', 'wrong-clothes'],
    seemed: 'Tired and frightened',
  },
  contact: { name: '', phone: '', email: '' },
}

/** Walks the journey from the start page to the check page, as a browser without JavaScript would. */
async function fillReport(client: PageClient, answers: Partial<typeof ANSWERS> = {}) {
  const all = { ...ANSWERS, ...answers }
  const start = await client.get('/report')
  expect(start.statusCode).toBe(200)
  const started = await client.post('/report/start', {})
  expect(started.statusCode).toBe(303)
  expect(started.headers.location).toBe('/report/what')
  for (const [page, next] of [
    ['what', 'where'],
    ['where', 'when'],
    ['when', 'people'],
    ['people', 'contact'],
    ['contact', 'check'],
  ] as const) {
    await client.get(`/report/${page}`)
    const response = await client.post(`/report/${page}`, all[page] as Record<string, string | string[]>)
    expect(response.statusCode, `${page}: ${response.body.slice(0, 300)}`).toBe(303)
    expect(response.headers.location).toBe(`/report/${next}`)
  }
  const check = await client.get('/report/check')
  expect(check.statusCode).toBe(200)
  return check
}

function keyOf(checkPage: string): string {
  return /name="idempotencyKey" value="([^"]+)"/.exec(checkPage)![1]
}

async function referralsFromPublic() {
  return ctx.db
    .selectFrom('referrals')
    .selectAll()
    .where('source', '=', 'public-concern')
    .orderBy('created_at')
    .execute()
}

describe('the start page', () => {
  it('shows the emergency message (999) and the helpline before anything else, with no sign-in', async () => {
    const page = await new PageClient(ctx.app).get('/report')
    expect(page.statusCode).toBe(200)
    const body = page.body
    const main = body.slice(body.indexOf('<main')).replace(/<[^>]+>/g, '')
    expect(main.indexOf('call 999 now')).toBeGreaterThan(-1)
    expect(main.indexOf('08000 121 700')).toBeGreaterThan(-1)
    // Emergency first: before the explanation and the start button.
    expect(main.indexOf('call 999 now')).toBeLessThan(main.indexOf('Use this service'))
    expect(main.indexOf('call 999 now')).toBeLessThan(main.indexOf('Start now'))
    expect(body).not.toContain('Sign out')
    expect(body).toContain('<html lang="en"')
  })

  it('makes no third-party requests and sets no tracking: only same-origin assets and a strict CSP', async () => {
    for (const url of ['/report', '/spot-the-signs']) {
      const page = await new PageClient(ctx.app).get(url)
      const external = [...page.body.matchAll(/(?:src|href|action)="(https?:)?\/\/[^"]*"/g)].map((m) => m[0])
      expect(external, url).toEqual([])
      expect(page.headers['content-security-policy']).toContain("default-src 'self'")
      const cookies = page.cookies.map((c) => c.name)
      // Only the CSRF secret: no analytics or tracking cookies.
      expect(
        cookies.every((name) => ['lantern_csrf', 'lantern_lang'].includes(name)),
        cookies.join(','),
      ).toBe(true)
    }
  })
})

describe('reporting a concern', () => {
  it('saves the report as a public-concern referral in the triage queue and shows its reference', async () => {
    const client = new PageClient(ctx.app)
    const check = await fillReport(client)
    expect(check.body).toContain('Check your report before sending it')
    expect(check.body).toContain('Hand car wash behind the petrol station')
    expect(check.body).toContain('None: you are staying anonymous')
    const sent = await client.post('/report/check', { idempotencyKey: keyOf(check.body), website: '' })
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe('/report/sent')
    // Saved before the reply: the row is there as soon as the reporter is told.
    const [referral] = await referralsFromPublic()
    expect(referral).toMatchObject({
      status: 'new',
      source: 'public-concern',
      created_by: null,
      referrer_name: null,
      referrer_contact: null,
      exploitation_types: ['not-specified'],
    })
    expect(referral.summary).toContain('Three young men are dropped off at the car wash')
    expect(referral.summary).toContain(
      'Signs noticed: dropped off and collected at unusual times; wrong clothes or no safety equipment.',
    )
    const confirmation = await client.get('/report/sent')
    expect(confirmation.statusCode).toBe(200)
    expect(confirmation.body).toContain('Report sent')
    expect(confirmation.body).toContain(referral.reference)
    const location = await ctx.db
      .selectFrom('referral_locations as rl')
      .innerJoin('locations as l', 'l.id', 'rl.location_id')
      .selectAll('l')
      .where('rl.referral_id', '=', referral.id)
      .executeTakeFirstOrThrow()
    expect(location).toMatchObject({
      description: 'Hand car wash behind the petrol station, Mill Lane',
      town: 'Riverton',
      postcode: 'HU3 4AB',
    })

    // It is in the triage queue an officer works from, and the submission is audited.
    const officer = new PageClient(ctx.app)
    await officer.signIn((await createUser(ctx, 'investigator')).email)
    const queue = await officer.get('/referrals?source=public-concern')
    expect(queue.body).toContain(referral.reference)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id'])
      .where('subject_id', '=', referral.id)
      .orderBy('id')
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['public-report.submitted', 'referral.created'])
    expect(audit.every((a) => a.actor_user_id === null)).toBe(true)
    // Nothing of the reporter's is left in the drafts once sent.
    expect(await ctx.db.selectFrom('public_report_drafts').selectAll().execute()).toEqual([])
  })

  it('makes a report of an injured young person, still happening, urgent in the queue, saying why', async () => {
    const client = new PageClient(ctx.app)
    const check = await fillReport(client, {
      when: { when: 'today', ongoing: 'yes', details: '' },
      people: { description: 'A boy with a cut to his face', signs: ['injuries', 'child'], seemed: 'Scared' },
    })
    await client.post('/report/check', { idempotencyKey: keyOf(check.body), website: '' })
    const latest = (await referralsFromPublic()).at(-1)!
    expect(latest).toMatchObject({
      urgent: true,
      urgency_reasons: ['looks-young', 'ongoing', 'injury'],
      urgency_indicators: ['ongoing', 'injury', 'looks-young'],
    })

    const officer = new PageClient(ctx.app)
    await officer.signIn((await createUser(ctx, 'investigator')).email)
    const queue = (await officer.get('/referrals?source=public-concern')).body
    const row = queue.slice(queue.indexOf(latest.reference), queue.indexOf('</tr>', queue.indexOf(latest.reference)))
    expect(row).toContain('Urgent')
    expect(row).toContain('Age not known, but looks young; Still happening; Injury reported')
  })

  it('accepts optional contact details and records them on the referral', async () => {
    const client = new PageClient(ctx.app)
    const check = await fillReport(client, {
      contact: { name: 'Sam Reporter', phone: '01632 960 001', email: 'sam@example.com' },
    })
    expect(check.body).toContain('sam@example.com')
    await client.post('/report/check', { idempotencyKey: keyOf(check.body), website: '' })
    const latest = (await referralsFromPublic()).at(-1)!
    expect(latest).toMatchObject({ referrer_name: 'Sam Reporter', referrer_contact: '01632 960 001 / sam@example.com' })
  })

  it('shows every problem on a page at once, keeps what was typed, and never requires contact details', async () => {
    const client = new PageClient(ctx.app)
    await client.get('/report')
    await client.post('/report/start', {})
    const empty = await client.post('/report/what', { what: '   ' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('There is a problem')
    expect(empty.body).toContain('<a href="#what">Enter what you saw or heard</a>')
    expect((await client.post('/report/what', ANSWERS.what)).statusCode).toBe(303)
    const where = await client.post('/report/where', { place: '', town: 'Riverton', postcode: 'not a postcode' })
    expect(where.statusCode).toBe(400)
    expect(where.body).toContain('Enter where this happened, or describe the place')
    expect(where.body).toContain('Enter a real UK postcode, like SW1A 1AA, or leave it blank')
    expect(where.body).toContain('value="not a postcode"')
    const when = await client.post('/report/when', {})
    expect(when.body).toContain('Select when you last saw or heard this')
    expect(when.body).toContain('Select whether it is still happening')
    // All contact fields blank is fine; a badly formed one is pointed out, not silently dropped.
    expect((await client.post('/report/contact', { name: '', phone: '', email: '' })).statusCode).toBe(303)
    const badContact = await client.post('/report/contact', { name: '', phone: 'call me', email: 'not-an-email' })
    expect(badContact.statusCode).toBe(400)
    expect(badContact.body).toContain('Enter a phone number')
    expect(badContact.body).toContain('Enter an email address in the correct format')
  })

  it('limits the size of every field and says so, without cutting what was typed', async () => {
    const client = new PageClient(ctx.app)
    await client.get('/report')
    await client.post('/report/start', {})
    const cases: [string, Record<string, string>, string][] = [
      ['what', { what: 'x'.repeat(4001) }, 'What you saw or heard must be 4000 characters or fewer'],
      [
        'where',
        { place: 'p'.repeat(1001), town: 't'.repeat(101), postcode: '' },
        'The place must be 1000 characters or fewer',
      ],
      ['where', { place: 'ok', town: 't'.repeat(101), postcode: '' }, 'Town or city must be 100 characters or fewer'],
      ['where', { place: 'ok', town: '', postcode: 'SW1A 1AAAAAAAAA' }, 'Enter a real UK postcode'],
      [
        'when',
        { when: 'week', ongoing: 'no', details: 'd'.repeat(501) },
        'Dates and times must be 500 characters or fewer',
      ],
      ['people', { description: 'd'.repeat(1501), seemed: '' }, 'Who you saw must be 1500 characters or fewer'],
      ['people', { description: '', seemed: 's'.repeat(1501) }, 'How they seemed must be 1500 characters or fewer'],
      ['people', { description: '', seemed: '', signs: 'made-up-sign' }, 'Select signs from the list'],
      ['contact', { name: 'n'.repeat(101), phone: '', email: '' }, 'Your name must be 100 characters or fewer'],
      ['contact', { name: '', phone: '0'.repeat(31), email: '' }, 'Enter a phone number'],
      [
        'contact',
        { name: '', phone: '', email: `${'e'.repeat(160)}@example.com` },
        'Enter an email address in the correct format',
      ],
    ]
    for (const [page, form, message] of cases) {
      const response = await client.post(`/report/${page}`, form)
      expect(response.statusCode, `${page} ${message}`).toBe(400)
      expect(response.body).toContain(message)
    }
    // The whole body is size-limited too.
    const huge = await client.post('/report/what', { what: 'x'.repeat(400 * 1024) })
    expect(huge.statusCode).toBe(413)
  })

  it('keeps what the reporter typed exactly, and escapes it everywhere it is shown', async () => {
    const client = new PageClient(ctx.app)
    const hostile = '<script>alert("x")</script> & <b>bold</b> “quotes”'
    const check = await fillReport(client, { what: { what: hostile } })
    expect(check.body).not.toContain('<script>alert')
    expect(check.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;')
    await client.post('/report/check', { idempotencyKey: keyOf(check.body), website: '' })
    const latest = (await referralsFromPublic()).at(-1)!
    expect(latest.summary).toContain(hostile)
    const officer = new PageClient(ctx.app)
    await officer.signIn((await createUser(ctx, 'investigator')).email)
    const page = await officer.get(`/referrals/${latest.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('<script>alert')
    expect(page.body).toContain('&lt;script&gt;')
  })

  it('does not make a duplicate when the report is sent twice (double click or retry), one after the other or at once', async () => {
    const before = (await referralsFromPublic()).length
    const client = new PageClient(ctx.app)
    const check = await fillReport(client)
    const key = keyOf(check.body)
    const first = await client.post('/report/check', { idempotencyKey: key, website: '' })
    const firstReference = (await client.get('/report/sent')).body.match(/REF-\d{4}-\d{6}/)![0]
    // A retry after a lost reply: the draft is gone but the key finds the first report.
    const again = await client.post('/report/check', { idempotencyKey: key, website: '' })
    expect([first.statusCode, again.statusCode]).toEqual([303, 303])
    expect(again.headers.location).toBe('/report/sent')
    expect((await client.get('/report/sent')).body).toContain(firstReference)
    expect((await referralsFromPublic()).length).toBe(before + 1)

    // A double click: both requests arrive together.
    const racer = new PageClient(ctx.app)
    const racing = await fillReport(racer)
    const racingKey = keyOf(racing.body)
    const results = await Promise.all([
      racer.post('/report/check', { idempotencyKey: racingKey, website: '' }),
      racer.post('/report/check', { idempotencyKey: racingKey, website: '' }),
    ])
    expect(results.map((r) => r.statusCode)).toEqual([303, 303])
    expect((await referralsFromPublic()).length).toBe(before + 2)
    const claimed = await ctx.db
      .selectFrom('public_report_submissions')
      .select('referral_id')
      .where('idempotency_key', '=', racingKey)
      .execute()
    expect(claimed).toHaveLength(1)
  })

  it('refuses a report whose hidden honeypot field was filled in, saving nothing', async () => {
    const before = (await referralsFromPublic()).length
    const client = new PageClient(ctx.app)
    const check = await fillReport(client)
    expect(check.body).toMatch(/class="lantern-honeypot" aria-hidden="true"/)
    const refused = await client.post('/report/check', {
      idempotencyKey: keyOf(check.body),
      website: 'http://spam.example',
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('We could not accept this report')
    expect((await referralsFromPublic()).length).toBe(before)
  })

  it('refuses a form without its CSRF token, saving nothing', async () => {
    const client = new PageClient(ctx.app)
    await client.get('/report')
    const refused = await client.post('/report/start', {}, { csrf: null })
    expect(refused.statusCode).toBe(403)
    expect(refused.body).toContain('This page has expired')
    expect(refused.body).toContain('08000 121 700')
  })

  it('sends someone whose report has expired (or never started) back to the start, saying why', async () => {
    const client = new PageClient(ctx.app)
    const none = await client.get('/report/what')
    expect(none.statusCode).toBe(303)
    expect(none.headers.location).toBe('/report')
    await client.get('/report')
    await client.post('/report/start', {})
    await ctx.db
      .updateTable('public_report_drafts')
      .set({ updated_at: new Date(Date.now() - 5 * 3600_000) })
      .execute()
    const expired = await client.get('/report/where')
    expect(expired.headers.location).toBe('/report?expired=1')
    expect((await client.get('/report?expired=1')).body).toContain('was not finished within 4 hours')
  })
})

describe('languages', () => {
  it('switches to Welsh with the toggle, remembers it, and shows errors in Welsh', async () => {
    const client = new PageClient(ctx.app)
    const welsh = await client.get('/report?lang=cy')
    expect(welsh.body).toContain('<html lang="cy"')
    expect(welsh.body).toContain('Rhoi gwybod am bryder am gaethwasiaeth fodern')
    expect(welsh.body).toContain('ffoniwch <a class="govuk-link" href="tel:999">999</a> nawr')
    expect(welsh.body).toContain('hreflang="en"')
    // Remembered on the next page without the query.
    await client.post('/report/start', {})
    const error = await client.post('/report/what', { what: '' })
    expect(error.body).toContain('<html lang="cy"')
    expect(error.body).toContain('Nodwch beth welsoch chi neu beth glywsoch chi')
    expect(error.body).toContain('Mae problem wedi codi')
    const english = await client.get('/report/what?lang=en')
    expect(english.body).toContain('What did you see or hear?')
  })

  it('shows the spot-the-signs page in both languages, linking to the report', async () => {
    const en = await new PageClient(ctx.app).get('/spot-the-signs')
    expect(en.statusCode).toBe(200)
    expect(en.body).toContain('Spot the signs of modern slavery')
    expect(en.body).toContain('Domestic servitude')
    expect(en.body).toContain('href="/report"')
    const cy = await new PageClient(ctx.app).get('/spot-the-signs?lang=cy')
    expect(cy.body).toContain('Adnabod arwyddion caethwasiaeth fodern')
  })

  it('records which language a report was made in', async () => {
    const client = new PageClient(ctx.app)
    await client.get('/report?lang=cy')
    const check = await fillReport(client)
    expect(check.body).toContain('Gwiriwch eich adroddiad cyn ei anfon')
    await client.post('/report/check', { idempotencyKey: keyOf(check.body), website: '' })
    expect((await referralsFromPublic()).at(-1)!.summary).toContain('(in Cymraeg)')
  })
})

/** The words a reader sees: tags, scripts and anything marked as English (the language switcher) removed. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<(\w+)[^>]*\blang="en"[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

describe('the public pages in Welsh', () => {
  it('contain no English from the English message file or GOV.UK Frontend on any page, error, demo banner or not-found page', async () => {
    const demo = await createTestContext({ demo: true })
    try {
      const client = new PageClient(demo.app)
      const pages: [string, string][] = []
      const keep = async (name: string, response: { statusCode: number; body: string }) => {
        expect(response.statusCode, name).toBeLessThan(500)
        pages.push([name, response.body])
      }
      await keep('start', await client.get('/report?lang=cy'))
      await client.post('/report/start', {})
      for (const page of ['what', 'where', 'when', 'people', 'contact'] as const) {
        await keep(page, await client.get(`/report/${page}`))
        // Each page's errors: empty answers, then a too-long one where a page has a limit.
        const errors = await client.post(`/report/${page}`, {})
        // Pages whose questions are all optional go straight on.
        if (errors.statusCode !== 303) await keep(`${page} errors`, errors)
        expect(
          (await client.post(`/report/${page}`, ANSWERS[page] as Record<string, string | string[]>)).statusCode,
          page,
        ).toBe(303)
      }
      const check = await client.get('/report/check')
      await keep('check', check)
      await client.post('/report/check', { idempotencyKey: keyOf(check.body), website: '' })
      await keep('sent', await client.get('/report/sent'))
      await keep('spot the signs', await client.get('/spot-the-signs'))
      await keep('not found', await client.get('/report/no-such-page'))

      const languages = loadLanguages()
      const english = languages.get(DEFAULT_LANGUAGE)!.messages
      const welsh = languages.get('cy')!.messages
      // Every English sentence the Welsh file translates differently, cut at its placeholders.
      const fragments = Object.entries(english)
        .filter(([key, text]) => !key.startsWith('_meta') && welsh[key] !== text)
        .flatMap(([, text]) => text.split(/\{\w+\}/))
        .map((fragment) => fragment.trim())
        .filter((fragment) => fragment.length >= 5 && /[a-z]/i.test(fragment))
      // And GOV.UK Frontend's own English defaults, which a component shows unless it is given the words.
      const frontend = [
        'Error:',
        'Warning',
        'There is a problem',
        'Skip to main content',
        'characters remaining',
        'characters too many',
        'You can enter up to',
        'Success',
        'Important',
      ]
      for (const [name, body] of pages) {
        expect(body, name).toContain('<html lang="cy"')
        const text = visibleText(body)
        for (const fragment of [...fragments, ...frontend])
          expect(text.includes(fragment), `${name} shows English: "${fragment}"`).toBe(false)
      }
      // The demo banner is there, in Welsh; the not-found page is a public page, never the staff sign-in.
      expect(pages.find(([name]) => name === 'start')![1]).toContain(welsh['demo.banner'])
      const notFound = pages.find(([name]) => name === 'not found')![1]
      expect(notFound).toContain(welsh['notFound.title'])
      expect(notFound).not.toContain('/sign-in')
    } finally {
      await demo.close()
    }
  })

  it('makes 999, the SMS line and the helpline links a phone can dial', async () => {
    const page = await new PageClient(ctx.app).get('/report')
    expect(page.body).toContain('href="tel:999"')
    expect(page.body).toContain('href="tel:+448000121700"')
    const problem = await new PageClient(ctx.app).get('/report/nowhere')
    expect(problem.statusCode).toBe(404)
    expect(problem.body).toContain('href="sms:999"')
  })

  it('shows each answer on the check page without a blank first line or the template indent', async () => {
    const check = await fillReport(new PageClient(ctx.app))
    const where = [...check.body.matchAll(/<dd class="govuk-summary-list__value">([\s\S]*?)<\/dd>/g)]
      .map((m) => m[1])
      .find((cell) => cell.includes('Hand car wash'))
    // Nothing but the template's own whitespace around the answer, and the answer's lines as line breaks.
    expect(where?.trim()).toBe('Hand car wash behind the petrol station, Mill Lane<br>Riverton<br>hu3 4ab')
    expect(check.body).not.toContain('lantern-pre-wrap')
  })
})

describe('rate limiting', () => {
  it('limits how many reports one client can send a minute, and tells them to call the helpline', async () => {
    const limited = await createTestContext({ env: { PUBLIC_REPORT_RATE_LIMIT_PER_MINUTE: '2' } })
    try {
      const statuses: number[] = []
      let lastBody = ''
      for (let i = 0; i < 3; i++) {
        const client = new PageClient(limited.app)
        const check = await fillReport(client)
        const sent = await client.post('/report/check', { idempotencyKey: keyOf(check.body), website: '' })
        statuses.push(sent.statusCode)
        lastBody = sent.body
      }
      expect(statuses).toEqual([303, 303, 429])
      expect(lastBody).toContain('Too many reports from your connection')
      expect(lastBody).toContain('08000 121 700')
      const stored = await limited.db
        .selectFrom('referrals')
        .select('id')
        .where('source', '=', 'public-concern')
        .execute()
      expect(stored).toHaveLength(2)
    } finally {
      await limited.close()
    }
  })
})

describe('when the database is unavailable', () => {
  let proxy: Server
  const sockets = new Set<Socket>()

  beforeAll(async () => {
    // A TCP proxy in front of PostgreSQL that the test can cut, as a failed network or server would.
    const target = new URL(ctx.databaseUrl)
    proxy = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname)
      sockets.add(client).add(upstream)
      client.pipe(upstream).pipe(client)
      const close = () => {
        client.destroy()
        upstream.destroy()
      }
      client.on('error', close).on('close', close)
      upstream.on('error', close).on('close', close)
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  })

  it('tells the reporter plainly the report was not saved, to call the helpline, and shows what they typed', async () => {
    const target = new URL(ctx.databaseUrl)
    target.host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`
    const config = testConfig({ DATABASE_URL: target.toString() })
    const db = createDb(target.toString(), 2)
    const { app } = await createApp({
      config,
      db,
      services: createServices(db, config),
      isDemo: () => false,
      logger: false,
    })
    try {
      const before = (await referralsFromPublic()).length
      const client = new PageClient(app)
      const check = await fillReport(client, {
        what: { what: 'A girl of about 15 is kept at the house on Canal Street' },
      })
      // The database goes away between the check page and the send.
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
      for (const s of sockets) s.destroy()
      // The pool drops its clients as their sockets close; the send must meet the database gone, not a stale socket.
      await waitFor(() => poolOf(db)!.totalCount === 0, {
        timeout: 30_000,
        message: 'the pool to drop its cut connections',
      })
      const sent = await client.post(
        '/report/check',
        Object.fromEntries(
          [...check.body.matchAll(/name="(idempotencyKey|copy-[\w-]+|website)" value="([^"]*)"/g)].map((m) => [
            m[1],
            m[2],
          ]),
        ),
      )
      expect(sent.statusCode).toBe(503)
      expect(sent.body).toContain('Sorry, your report has not been sent')
      expect(sent.body).toContain('your report has NOT been saved')
      expect(sent.body).toContain('08000 121 700')
      expect(sent.body).toContain('A girl of about 15 is kept at the house on Canal Street')
      expect((await referralsFromPublic()).length).toBe(before)
    } finally {
      await app.close()
      await db.destroy().catch(() => undefined)
    }
  })
})
