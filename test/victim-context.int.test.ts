import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { londonDate } from '#src/shared/dates.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

/**
 * Structured victim and perpetrator context (issue 15, section 1) and the problem profile built from it (section 3):
 * recorded on the victim side by those with a duty, refused to everyone else, audited, and counted on the profile
 * exactly as recorded, with small cells suppressed in what leaves the team.
 */

const daysAgo = (n: number) => {
  const d = new Date(`${londonDate()}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - n)
  return d.toISOString().slice(0, 10)
}
const mainOf = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? ''
/** The GOV.UK error summary's links, in order: where each goes, and what it says. */
const summaryOf = (html: string) =>
  [
    ...(/class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '').matchAll(
      /<a href="([^"]+)">\s*([^<]*?)\s*<\/a>/g,
    ),
  ].map((a) => [a[1], a[2]])

let ctx: TestContext
let officer: PageClient
let outsider: PageClient
let analyst: PageClient
let supervisorUser: { id: string; email: string }
let token: string
let victim: string
let referralId: string
let suspect: string

async function referral(summary: string, people: object[], extra: object = {}) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: { receivedAt: daysAgo(5), source: 'police', summary, people, ...extra },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json() as { id: string; people: { personId: string }[] }
}

beforeAll(async () => {
  ctx = await createTestContext()
  const dc = await createUser(ctx, 'investigator', 'dc.context@test.lantern')
  token = await apiToken(ctx, dc.email)
  officer = new PageClient(ctx.app)
  await officer.signIn(dc.email)
  outsider = new PageClient(ctx.app)
  await outsider.signIn((await createUser(ctx, 'investigator')).email)
  analyst = new PageClient(ctx.app)
  await analyst.signIn((await createUser(ctx, 'analyst')).email)
  supervisorUser = await createUser(ctx, 'supervisor')
  const r = await referral('Young woman moved between short-let flats and advertised online', [
    { names: ['Elira Hoxha'], approximateAge: 19, gender: 'female', nationalities: ['AL'], role: 'potential-victim' },
    { names: ['Arben Kola'], approximateAge: 30, gender: 'male', role: 'suspected-exploiter' },
  ])
  referralId = r.id
  victim = r.people[0].personId
  suspect = r.people[1].personId
})
afterAll(() => ctx.close())

const situationForm = {
  referralId: '',
  recruitmentMethods: ['intimate-partner', 'online'],
  recruitmentPlatforms: ['social-media'],
  recruitmentPlace: 'Durrës',
  recruitmentCountry: 'AL',
  recruitmentDetail: 'Met him on Instagram; he promised a life in London',
  vulnerabilities: ['poverty-debt', 'language'],
  vulnerabilityDetail: '',
  controlMethods: ['debt-bondage', 'threats-to-family'],
  controlDetail: 'Told her family would be hurt',
  labourSectors: [],
  sexualTypes: ['pop-up', 'advertised-online'],
  criminalTypes: [],
}

describe('recording how someone was exploited', () => {
  let situationId: string

  it('is an optional task on the person page and the NRM page, offered to the officer with the duty', async () => {
    const person = await officer.get(`/people/${victim}`)
    expect(person.body).toContain(`/people/${victim}/exploitation`)
    const nrm = await officer.get(`/referrals/${referralId}/people/${victim}/nrm`)
    expect(nrm.body).toContain(`/people/${victim}/exploitation/new?referral=${referralId}`)
    const page = await officer.get(`/people/${victim}/exploitation`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Nothing is recorded yet')
    expect(page.body).toContain(`/people/${victim}/exploitation/new?referral=${referralId}`)
    const form = await officer.get(`/people/${victim}/exploitation/new?referral=${referralId}`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Intimate partner or “loverboy”')
    expect(form.body).toContain('Manufacturing: textiles, clothing and leather')
    // Each multi-choice question ends with “Not known” after an “or”, as a GOV.UK exclusive option.
    for (const key of [
      'recruitmentMethods',
      'recruitmentPlatforms',
      'vulnerabilities',
      'controlMethods',
      'labourSectors',
      'sexualTypes',
      'criminalTypes',
    ]) {
      const group = new RegExp(
        `<div class="govuk-checkboxes[^"]*" data-module="govuk-checkboxes">((?:(?!</fieldset>)[\\s\\S])*?name="${key}"[\\s\\S]*?)</fieldset>`,
      ).exec(form.body)
      expect(group, key).not.toBeNull()
      const boxes = [...group![1].matchAll(/<input[^>]*value="([^"]+)"[^>]*>/g)]
      const last = boxes[boxes.length - 1][0]
      expect(last, key).toContain('value="unknown"')
      expect(last, key).toContain('data-behaviour="exclusive"')
      expect(
        boxes.filter((b) => b[0].includes('data-behaviour="exclusive"')),
        key,
      ).toHaveLength(1)
      expect(group![1], key).toMatch(/govuk-checkboxes__divider">\s*or\s*</)
    }
  })

  it('refuses values from outside the lists, and “Not known” beside a known answer, showing what was typed', async () => {
    const bad = await officer.post(`/people/${victim}/exploitation`, {
      ...situationForm,
      referralId,
      vulnerabilities: ['unknown', 'language'],
      recruitmentMethods: ['telepathy'],
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Select recruitment methods from the list')
    expect(bad.body).toContain('Select “Not known” on its own')
    expect(bad.body).toContain('Met him on Instagram')
    expect(
      await ctx.db.selectFrom('victim_context_situations').select('id').where('person_id', '=', victim).execute(),
    ).toHaveLength(0)
  })

  it('records a situation for the referral with an audit row in the same transaction, then the journey and the perpetrators', async () => {
    const saved = await officer.post(`/people/${victim}/exploitation`, { ...situationForm, referralId })
    expect(saved.statusCode, saved.body).toBe(303)
    situationId = /exploitation\/([0-9a-f-]{36})$/.exec(String(saved.headers.location))![1]
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('subject_id', '=', victim)
      .where('action', '=', 'victim-context.recorded')
      .execute()
    expect(audit).toHaveLength(1)
    expect(JSON.stringify(audit[0].details)).not.toContain('Instagram')

    // A second situation for the same referral is refused: the link opens the one recorded.
    const again = await officer.get(`/people/${victim}/exploitation/new?referral=${referralId}`)
    expect(again.statusCode).toBe(303)
    expect(again.headers.location).toBe(`/people/${victim}/exploitation/${situationId}`)

    const stop = (stage: string, date: string | null, place: string, country: string) => ({
      stage,
      'occurredOn-day': date ? String(Number(date.slice(8))) : '',
      'occurredOn-month': date ? String(Number(date.slice(5, 7))) : '',
      'occurredOn-year': date ? date.slice(0, 4) : '',
      place,
      country,
      notes: '',
    })
    expect(
      (
        await officer.post(
          `/people/${victim}/exploitation/${situationId}/journey`,
          stop('recruitment', daysAgo(200), 'Durrës', 'AL'),
        )
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await officer.post(
          `/people/${victim}/exploitation/${situationId}/journey`,
          stop('transit', daysAgo(190), '', 'IT'),
        )
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await officer.post(
          `/people/${victim}/exploitation/${situationId}/journey`,
          stop('exploitation', daysAgo(180), 'Leeds', 'GB'),
        )
      ).statusCode,
    ).toBe(303)
    const future = await officer.post(
      `/people/${victim}/exploitation/${situationId}/journey`,
      stop('exit', daysAgo(-3), 'Leeds', 'GB'),
    )
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('must be today or in the past')
    const nowhere = await officer.post(
      `/people/${victim}/exploitation/${situationId}/journey`,
      stop('transit', null, '', ''),
    )
    expect(nowhere.body).toContain('Enter the town or place, or select a country')

    expect(
      (
        await officer.post(`/people/${victim}/exploitation/${situationId}/perpetrators`, {
          personId: suspect,
          description: '',
          roles: ['recruiter', 'controller'],
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await officer.post(`/people/${victim}/exploitation/${situationId}/perpetrators`, {
          personId: '',
          description: 'Driver at the coach station',
          roles: ['transporter'],
        })
      ).statusCode,
    ).toBe(303)
    // Only a suspect the referral names can be linked: no reaching for any person in the system.
    const stranger = await officer.post(`/people/${victim}/exploitation/${situationId}/perpetrators`, {
      personId: victim,
      description: '',
      roles: ['exploiter'],
    })
    expect(stranger.statusCode).toBe(400)

    const page = mainOf((await officer.get(`/people/${victim}/exploitation`)).body)
    expect(page).toContain('Intimate partner or “loverboy”, Contact made online')
    expect(page).toContain('Durrës, Albania')
    expect(page).toContain('Pop-up brothel in short-let or hotel rooms')
    expect(page).toContain('Italy')
    expect(page.indexOf('Albania', page.indexOf('The journey'))).toBeLessThan(
      page.indexOf('Italy', page.indexOf('The journey')),
    )
    expect(page).toContain('Arben Kola')
    expect(page).toContain('Recruiter, Controller')
    expect(page).toContain('Driver at the coach station')
    const views = await ctx.db
      .selectFrom('audit_events')
      .select('id')
      .where('subject_id', '=', victim)
      .where('action', '=', 'victim-context.viewed')
      .execute()
    expect(views.length).toBeGreaterThan(0)
  })

  it('is changed with the fields named (never their content) in the audit row', async () => {
    const changed = await officer.post(`/people/${victim}/exploitation/${situationId}`, {
      ...situationForm,
      labourSectors: ['unknown'],
      controlMethods: ['debt-bondage'],
    })
    expect(changed.statusCode).toBe(303)
    const row = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('subject_id', '=', victim)
      .where('action', '=', 'victim-context.updated')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect((row.details as { fields: string[] }).fields.sort()).toEqual(['control_methods', 'labour_sectors'])
  })

  it('asks again for a stop or a perpetrator missing a required answer, linking each problem to its input and keeping what was typed', async () => {
    const form = `/people/${victim}/exploitation/${situationId}`
    const stop = await officer.post(`${form}/journey`, {
      stage: '',
      'occurredOn-day': '3',
      'occurredOn-month': '4',
      'occurredOn-year': '2025',
      place: '  ',
      country: '',
      notes: 'By coach from the port',
    })
    expect(stop.statusCode).toBe(400)
    expect(summaryOf(stop.body)).toEqual([
      ['#stage', 'Select what happened there'],
      ['#place', 'Enter the town or place, or select a country'],
    ])
    expect(stop.body).toMatch(/id="stage-error"[^>]*>[^<]*<span[^>]*>Error:<\/span> Select what happened there/)
    expect(stop.body).toMatch(/<input[^>]*name="notes"[^>]*value="By coach from the port"/)
    expect(stop.body).toMatch(/<input[^>]*name="occurredOn-day"[^>]*value="3"/)
    expect(stop.body).toMatch(/<input[^>]*name="occurredOn-year"[^>]*value="2025"/)

    const perpetrator = await officer.post(`${form}/perpetrators`, {
      personId: '',
      description: 'The man who drove the van',
    })
    expect(perpetrator.statusCode).toBe(400)
    expect(summaryOf(perpetrator.body)).toEqual([['#roles', 'Select the part they played, or “Not known”']])
    expect(perpetrator.body).toMatch(/<input[^>]*name="description"[^>]*value="The man who drove the van"/)
    const nobody = await officer.post(`${form}/perpetrators`, { personId: '', description: '', roles: 'driver' })
    expect(summaryOf(nobody.body)).toEqual([
      ['#description', 'Describe them (a name, nickname or description), or select a suspect named in the referral'],
      ['#roles', 'Select the part they played from the list'],
    ])

    // The situation's own form: a too-long answer and a country from outside the list, the rest kept as typed.
    const situation = await officer.post(form, {
      ...situationForm,
      recruitmentPlace: 'x'.repeat(201),
      recruitmentCountry: 'XX',
    })
    expect(situation.statusCode).toBe(400)
    expect(summaryOf(situation.body)).toEqual([
      ['#recruitmentPlace', 'Where they were recruited must be 200 characters or fewer'],
      ['#recruitmentCountry', 'Select a country from the list'],
    ])
    expect(situation.body).toContain('Met him on Instagram; he promised a life in London')
    const journey = await ctx.db
      .selectFrom('victim_context_journey')
      .select('notes')
      .where('situation_id', '=', situationId)
      .execute()
    expect(journey.map((j) => j.notes)).not.toContain('By coach from the port')
  })

  it('is protected from anyone without a duty to the victim side, and cannot be recorded for someone who is not a victim', async () => {
    const refused = await outsider.get(`/people/${victim}/exploitation`)
    expect(refused.statusCode).toBe(403)
    expect(refused.body).not.toContain('Instagram')
    expect((await outsider.get(`/people/${victim}/exploitation/${situationId}`)).statusCode).toBe(403)
    const write = await outsider.post(`/people/${victim}/exploitation/${situationId}/journey`, {
      stage: 'transit',
      place: 'Hull',
      country: 'GB',
    })
    expect(write.statusCode).toBe(403)
    expect((await analyst.get(`/people/${victim}/exploitation`)).statusCode).toBe(403)
    // The suspect has no victim side: nothing can be recorded on one.
    const notVictim = await officer.post(`/people/${suspect}/exploitation`, situationForm)
    expect(notVictim.statusCode).toBe(409)
    expect((await officer.get(`/people/00000000-0000-7000-8000-000000000000/exploitation`)).statusCode).toBe(404)
  })

  it('goes with the person when they are erased', async () => {
    const other = await referral('Man at a car wash', [
      { names: ['Dritan Leka'], approximateAge: 33, gender: 'male', role: 'potential-victim' },
    ])
    const id = other.people[0].personId
    expect(
      (
        await officer.post(`/people/${id}/exploitation`, {
          ...situationForm,
          referralId: other.id,
          recruitmentDetail: 'CONTEXT-ERASE-ME',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      await ctx.db.selectFrom('victim_context_situations').select('id').where('person_id', '=', id).execute(),
    ).toHaveLength(1)
    await ctx.services.retention.erasePerson(id, 'Recorded in error', {
      userId: supervisorUser.id,
      tokenId: null,
      ip: null,
      requestId: null,
    })
    expect(
      await ctx.db.selectFrom('victim_context_situations').select('id').where('person_id', '=', id).execute(),
    ).toHaveLength(0)
  })
})

describe('the problem profile', () => {
  beforeAll(async () => {
    // Six more situations in the textile industry, recruited by a job offer on social media, five of them in Leicester.
    for (let i = 0; i < 6; i++) {
      const r = await referral(
        `Machinist ${i} at a garment factory`,
        [
          {
            names: [`Machinist Person${i}`],
            approximateAge: i === 0 ? 16 : 30,
            gender: 'female',
            role: 'potential-victim',
          },
        ],
        { priorityTags: [] },
      )
      const id = r.people[0].personId
      const saved = await officer.post(`/people/${id}/exploitation`, {
        referralId: r.id,
        recruitmentMethods: ['job-offer'],
        recruitmentPlatforms: ['social-media'],
        vulnerabilities: ['language'],
        controlMethods: ['earnings-taken'],
        labourSectors: ['textiles'],
      })
      expect(saved.statusCode, saved.body).toBe(303)
      const sid = /exploitation\/([0-9a-f-]{36})$/.exec(String(saved.headers.location))![1]
      await officer.post(`/people/${id}/exploitation/${sid}/journey`, {
        stage: 'recruitment',
        place: i < 5 ? 'Bradford' : 'Hull',
        country: 'GB',
      })
      await officer.post(`/people/${id}/exploitation/${sid}/journey`, {
        stage: 'exploitation',
        place: i < 5 ? ' leicester ' : 'Hull',
        country: 'GB',
      })
    }
  })

  it('counts what was recorded, by age group, with the sectors beside the outreach delivered to them', async () => {
    const page = await analyst.get('/insight/exploitation-profile')
    expect(page.statusCode).toBe(200)
    const body = mainOf(page.body)
    expect(body).toContain('How people are exploited here')
    expect(body).toContain('7 situations')
    // Job offer: six situations (one child, five adults); intimate partner: one adult.
    expect(body).toMatch(
      /Job offer or advert<\/th>\s*<td[^>]*>1<\/td>\s*<td[^>]*>5<\/td>\s*<td[^>]*>0<\/td>\s*<td[^>]*>6<\/td>/,
    )
    expect(body).toMatch(
      /Intimate partner or “loverboy”<\/th>\s*<td[^>]*>0<\/td>\s*<td[^>]*>1<\/td>\s*<td[^>]*>0<\/td>\s*<td[^>]*>1<\/td>/,
    )
    expect(body).toContain('Manufacturing: textiles, clothing and leather (C, 13 to 15)')
    // No outreach to the textile sector yet: a gap to act on.
    expect(body).toContain('No outreach in this period')
    // Places typed by officers are named only where enough situations share them (five in Leicester and Bradford).
    expect(body).toContain('Leicester')
    expect(body).toContain('Bradford')
    expect(body).not.toContain('Hull')
    expect(body).not.toContain('Durrës')
    expect(body).toContain('Other UK places')
    // Routes, with the route diagram drawn from the data.
    expect(body).toMatch(/Bradford \(UK\)<\/th>\s*<td[^>]*>Leicester \(UK\)<\/td>/)
    expect(body).toContain('/insight/exploitation-profile/route-map.svg')
    const map = await analyst.get('/insight/exploitation-profile/route-map.svg')
    expect(map.headers['content-type']).toContain('image/svg+xml')
    expect(map.body).toContain('Leicester (UK)')
    const chart = await analyst.get('/insight/exploitation-profile/charts/recruitment-methods.svg')
    expect(chart.statusCode).toBe(200)
    expect(chart.body).toContain('<svg')
  })

  it('filters by age group and period', async () => {
    const children = mainOf((await analyst.get('/insight/exploitation-profile?age=child')).body)
    expect(children).toContain('1 situation ')
    const old = mainOf((await analyst.get(`/insight/exploitation-profile?to-day=1&to-month=1&to-year=2020`)).body)
    expect(old).toContain('0 situations')
    expect((await analyst.get('/insight/exploitation-profile?age=elderly')).statusCode).toBe(400)
  })

  it('says which end of a backwards period to fix, beside a bad age group, keeping what was typed', async () => {
    const query = 'from-day=1&from-month=6&from-year=2025&to-day=1&to-month=5&to-year=2025&age=elderly'
    const page = await analyst.get(`/insight/exploitation-profile?${query}`)
    expect(page.statusCode).toBe(400)
    expect(summaryOf(page.body)).toEqual([
      ['#to-day', 'End date must be the same as or after the start date'],
      ['#age', 'Select an age group from the list'],
    ])
    expect(page.body).toMatch(/name="from-month"[^>]*value="6"/)
    expect(page.body).toMatch(/name="to-month"[^>]*value="5"/)
    const csv = await analyst.get(`/insight/exploitation-profile/tables/recruitment-methods.csv?${query}`)
    expect(csv.statusCode).toBe(400)
    expect(csv.body).toBe('End date must be the same as or after the start date\nSelect an age group from the list')
  })

  it('suppresses small cells in the download for partners, and not in the team’s own', async () => {
    const team = await analyst.get('/insight/exploitation-profile/tables/recruitment-methods.csv')
    expect(team.body).toMatch(/Intimate partner or “loverboy”,0,1,0,1/)
    const partners = await analyst.get('/insight/exploitation-profile/partner-tables/recruitment-methods.csv')
    expect(partners.statusCode).toBe(200)
    expect(partners.body).not.toMatch(/Intimate partner or “loverboy”,0,1,/)
    expect(partners.body).toContain('fewer than 5')
    expect(partners.body).toMatch(/Job offer or advert,fewer than 5,\S+/)
    const exported = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'statistics.exported')
      .execute()
    expect(exported.some((e) => (e.details as { suppressed?: boolean }).suppressed === true)).toBe(true)
  })

  it('is on the partner portal with small cells suppressed as in the partners’ download, and only there for partners', async () => {
    const partner = new PageClient(ctx.app)
    await partner.signIn((await createUser(ctx, 'partner')).email)
    const page = await partner.get('/partner/exploitation-profile')
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/href="\/partner\/exploitation-profile"[^>]*aria-current/)
    const main = mainOf(page.body)
    const section = /id="recruitment-methods"[\s\S]*?<\/section>/.exec(main)![0]
    const row = (label: string) =>
      new RegExp(`<th scope="row" class="govuk-table__header">${label}</th>([\\s\\S]*?)</tr>`)
        .exec(section)?.[1]
        .replace(/<[^>]+>/g, '|')
        .split('|')
        .map((c) => c.trim())
        .filter(Boolean)
    // The same cells as the partners' CSV: the one situation recruited by an intimate partner is never a bare 1.
    const csv = await analyst.get('/insight/exploitation-profile/partner-tables/recruitment-methods.csv')
    const csvRow = csv.body
      .split(/\r?\n/)
      .find((l) => l.startsWith('Intimate partner or “loverboy”'))!
      .split(',')
      .slice(1)
    expect(row('Intimate partner or “loverboy”')).toEqual(csvRow)
    expect(row('Intimate partner or “loverboy”')).not.toContain('1')
    expect(main).toContain('fewer than 5')
    expect(main).not.toContain('Durrës')
    const viewed = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'statistics.exported')
      .where('subject_id', '=', 'profile:partner-portal')
      .execute()
    expect(viewed).toHaveLength(1)
    expect((await partner.get('/insight/exploitation-profile')).statusCode).toBe(403)
    expect((await analyst.get('/partner/exploitation-profile')).statusCode).toBe(403)
    const bad = await partner.get('/partner/exploitation-profile?age=ancient')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Select an age group from the list')
  })
})

describe('how someone was exploited, over the API', () => {
  let apiVictim: string
  let apiSuspect: string
  let apiReferral: string
  let apiSituation: string
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, bearer = token) =>
    ctx.app.inject({ method, url, headers: { authorization: `Bearer ${bearer}` }, payload })

  beforeAll(async () => {
    const r = await referral('Man recruited from a hostel to lay driveways, living in a caravan', [
      { names: ['Gareth Evans'], approximateAge: 44, gender: 'male', nationalities: ['GB'], role: 'potential-victim' },
      { names: ['Tom Price'], approximateAge: 50, gender: 'male', role: 'suspected-exploiter' },
    ])
    apiReferral = r.id
    apiVictim = r.people[0].personId
    apiSuspect = r.people[1].personId
  })

  it('records a situation with its journey and perpetrators, and reads it back, audited', async () => {
    const created = await call('POST', `/api/v1/people/${apiVictim}/exploitation`, {
      referralId: apiReferral,
      recruitmentMethods: ['job-offer'],
      vulnerabilities: ['homelessness', 'addiction'],
      controlMethods: ['earnings-taken', 'substances'],
      labourSectors: ['construction'],
      journey: [
        { stage: 'recruitment', occurredOn: daysAgo(300), place: 'Riverton', country: 'GB' },
        { stage: 'exploitation', place: 'Kingsmoor', country: 'GB', notes: 'Caravan on a site' },
      ],
      perpetrators: [
        { personId: apiSuspect, roles: ['recruiter', 'controller'] },
        { description: 'His son', roles: ['unknown'] },
      ],
    })
    expect(created.statusCode, created.body).toBe(201)
    apiSituation = created.json().id
    const read = await call('GET', `/api/v1/people/${apiVictim}/exploitation`)
    expect(read.statusCode).toBe(200)
    const [situation] = read.json().situations
    expect(situation).toMatchObject({
      id: apiSituation,
      referralId: apiReferral,
      vulnerabilities: ['homelessness', 'addiction'],
      labourSectors: ['construction'],
      recruitmentPlatforms: [],
    })
    expect(situation.journey.map((j: { place: string }) => j.place)).toEqual(['Riverton', 'Kingsmoor'])
    expect(situation.perpetrators.map((p: { roles: string[] }) => p.roles)).toEqual([
      ['recruiter', 'controller'],
      ['unknown'],
    ])
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', apiVictim)
      .where('action', 'in', ['victim-context.recorded', 'victim-context.viewed'])
      .execute()
    expect(audit.map((a) => a.action).sort()).toEqual(['victim-context.recorded', 'victim-context.viewed'])
  })

  it('replaces a situation whole with PUT: a field left out is emptied, and a journey given replaces the old one', async () => {
    const put = await call('PUT', `/api/v1/people/${apiVictim}/exploitation/${apiSituation}`, {
      vulnerabilities: ['homelessness'],
      labourSectors: ['construction'],
      journey: [{ stage: 'exploitation', place: 'Easterly', country: 'GB' }],
    })
    expect(put.statusCode, put.body).toBe(200)
    const [situation] = (await call('GET', `/api/v1/people/${apiVictim}/exploitation`)).json().situations
    expect(situation.vulnerabilities).toEqual(['homelessness'])
    expect(situation.controlMethods).toEqual([])
    expect(situation.journey.map((j: { place: string }) => j.place)).toEqual(['Easterly'])
    expect(situation.perpetrators).toHaveLength(2)
  })

  it('refuses bad input as a problem that points at the field, and saves nothing', async () => {
    const url = `/api/v1/people/${apiVictim}/exploitation/${apiSituation}`
    const cases: [object, string][] = [
      [{ vulnerabilities: ['boredom'] }, '/vulnerabilities/0'],
      [{ vulnerabilities: ['unknown', 'addiction'] }, '/vulnerabilities'],
      [{ journey: [{ stage: 'exploitation', place: 'X', country: 'ZZ' }] }, '/journey/0/country'],
      [{ journey: [{ stage: 'exploitation' }] }, '/journey/0/place'],
      [{ perpetrators: [{ personId: apiVictim, roles: ['recruiter'] }] }, '/perpetrators/0/personId'],
      [{ surprise: true }, ''],
    ]
    for (const [payload, pointer] of cases) {
      const refused = await call('PUT', url, payload)
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400)
      expect(refused.headers['content-type']).toContain('application/problem+json')
      if (pointer) expect(refused.json().errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer)
    }
    const [situation] = (await call('GET', `/api/v1/people/${apiVictim}/exploitation`)).json().situations
    expect(situation.vulnerabilities).toEqual(['homelessness'])
  })

  it('limits free text as the page does, in the same words', async () => {
    const refused = await call('PUT', `/api/v1/people/${apiVictim}/exploitation/${apiSituation}`, {
      recruitmentPlace: 'x'.repeat(201),
      journey: [{ stage: 'transit', place: 'Hull', notes: 'n'.repeat(2001) }],
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().errors).toEqual(
      expect.arrayContaining([
        { pointer: '/recruitmentPlace', detail: 'Where they were recruited must be 200 characters or fewer' },
        { pointer: '/journey/0/notes', detail: 'Notes must be 2000 characters or fewer' },
      ]),
    )
  })

  it('answers as the page does: 403 to someone without a duty, 409 for someone not a victim, 404 for no one', async () => {
    const outsiderToken = await apiToken(ctx, (await createUser(ctx, 'investigator')).email)
    const refused = await call('GET', `/api/v1/people/${apiVictim}/exploitation`, undefined, outsiderToken)
    expect(refused.statusCode).toBe(403)
    expect(refused.headers['content-type']).toContain('application/problem+json')
    expect(refused.body).not.toContain('homelessness')
    expect(
      (await call('PUT', `/api/v1/people/${apiVictim}/exploitation/${apiSituation}`, {}, outsiderToken)).statusCode,
    ).toBe(403)
    const suspectSide = await call('POST', `/api/v1/people/${apiSuspect}/exploitation`, {
      vulnerabilities: ['unknown'],
    })
    expect(suspectSide.statusCode).toBe(409)
    expect((await call('GET', '/api/v1/people/0190a0b2-0000-7000-8000-000000000000/exploitation')).statusCode).toBe(404)
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths['/api/v1/people/{id}/exploitation'])).toEqual(expect.arrayContaining(['get', 'post']))
    expect(Object.keys(doc.paths['/api/v1/people/{id}/exploitation/{situationId}'])).toContain('put')
  })
})
