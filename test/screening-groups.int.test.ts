import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

/**
 * Screening from a live job or a person's page, and warrant-day screening (issue 14, section 2): people met
 * together get one referral for the encounter; the facts they share are entered once and prefill each person's
 * screening, which the officer confirms or changes per person; age, consent and outcome stay each person's own;
 * and everything goes through the one access policy.
 */
let ctx: TestContext
let dc: PageClient
let officer: { id: string; email: string }
let token: string
let caseId: string
let mihaiId: string

const year = new Date().getUTCFullYear()
const SHARED = {
  premisesType: 'car-wash',
  addressLine1: '12 Wharf Street',
  postcode: 'hu1 2ab',
  premisesDescription: 'Hand car wash with a caravan behind it',
  location: 'England',
  encounteredBy: 'police',
  detention: 'none',
  diplomaticHousehold: 'no',
  safeguardingConcern: 'yes',
  purpose: 'Washing cars for no pay',
  types: 'LABOUR',
  countyLines: 'no',
  indicators: ['lives-at-work', 'debt'],
  means: ['debt_bondage', 'withheld_wages'],
  otherMeans: 'told the police would deport them',
  employerName: 'Sparkle Valet Ltd',
  employerDetails: 'Owner drives a black van',
}
const CONSENT = {
  'consentDate-day': '3',
  'consentDate-month': '3',
  'consentDate-year': String(year - 1),
  explainedBy: 'DC Amara Shah',
  interpreterUsed: 'yes',
  interpreterLanguage: 'Romanian',
}

async function referral(people: object[]) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: { receivedAt: '2026-06-01', source: 'police', summary: 'Intelligence about a car wash', people },
  })
  expect(response.statusCode).toBe(201)
  return response.json() as { id: string; people: { personId: string }[] }
}

async function signedIn(role: 'investigator' | 'supervisor') {
  const user = await createUser(ctx, role)
  const client = new PageClient(ctx.app)
  await client.signIn(user.email)
  return { user, client }
}

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await createUser(ctx, 'investigator')
  token = await apiToken(ctx, officer.email)
  dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
  const r = await referral([
    {
      names: ['Mihai Dobre'],
      dateOfBirth: '1990-04-02',
      gender: 'male',
      nationalities: ['RO'],
      role: 'potential-victim',
    },
  ])
  mihaiId = r.people[0].personId
  await dc.get(`/referrals/${r.id}`)
  const opened = await dc.post(`/referrals/${r.id}/cases`, {
    title: 'Operation Harbour: car wash',
    kind: 'investigation',
  })
  expect(opened.statusCode).toBe(303)
  caseId = opened.headers.location!.split('/').pop()!
})
afterAll(() => ctx.close())

/** The GOV.UK error summary on a page, in order: the input each problem links to, and its message. */
function errorSummaryOf(html: string): [string, string][] {
  const list = /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? ''
  return [...list.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]])
}

describe('warrant-day screening of three people met together', () => {
  let groupId: string
  let referralId: string
  const screenings: Record<string, { id: string; personId: string }> = {}

  it('offers screening from the live job and refuses bad input with an error summary, keeping what was typed', async () => {
    const job = await dc.get(`/cases/${caseId}`)
    expect(job.body).toContain('Screen people met on this job')
    const form = await dc.get(`/cases/${caseId}/screenings/new`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Mihai Dobre')
    const bad = await dc.post(`/cases/${caseId}/screenings`, {
      'encounteredOn-day': '',
      'encounteredOn-month': '',
      'encounteredOn-year': '',
      summary: '',
      'new-0-description': 'unknown boy about 14',
      'new-0-age': 'fourteen',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('There is a problem')
    expect(bad.body).toContain('Enter the date you met them')
    expect(bad.body).toContain('Enter what happened, in a few words')
    expect(bad.body).toContain('The approximate age of person 1 must be a whole number of years')
    expect(bad.body).toContain('value="unknown boy about 14"')
    expect(bad.body).toContain('value="fourteen"')
    // Each problem with a person not yet on record names them by their row.
    const rows = await dc.post(`/cases/${caseId}/screenings`, {
      'encounteredOn-day': '3',
      'encounteredOn-month': '3',
      'encounteredOn-year': String(year - 1),
      summary: 'Warrant',
      'new-0-description': 'unknown boy about 14',
      'new-2-age': '14',
      'new-2-gender': 'a boy',
      'new-3-description': 'D'.repeat(201),
    })
    expect(rows.statusCode).toBe(400)
    expect(errorSummaryOf(rows.body)).toEqual([
      ['new-2-description', 'Describe person 3, for example ‘unknown boy about 14’'],
      ['new-2-gender', 'Select the gender of person 3'],
      ['new-3-description', 'The description of person 4 must be 200 characters or fewer'],
    ])
    expect(rows.body).toContain(`value="${'D'.repeat(201)}"`)
    const none = await dc.post(`/cases/${caseId}/screenings`, {
      'encounteredOn-day': '3',
      'encounteredOn-month': '3',
      'encounteredOn-year': String(year - 1),
      summary: 'Warrant',
    })
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('Select the people you met, or describe someone not yet on record')
  })

  it('records one referral for the encounter with the three people as potential victims, each with their own screening', async () => {
    const started = await dc.post(`/cases/${caseId}/screenings`, {
      'encounteredOn-day': '3',
      'encounteredOn-month': '3',
      'encounteredOn-year': String(year - 1),
      summary: 'Warrant at Sparkle Valet: three people found living on site.',
      personIds: [mihaiId],
      'new-0-description': 'unknown boy about 14',
      'new-0-age': '14',
      'new-0-gender': 'male',
      'new-1-description': 'Woman in the caravan, about 30',
      'new-1-age': '30',
      'new-1-gender': 'female',
    })
    expect(started.statusCode).toBe(303)
    expect(started.headers.location).toMatch(/^\/screening-groups\/[0-9a-f-]{36}\/shared$/)
    groupId = started.headers.location!.split('/')[2]
    const group = await ctx.db
      .selectFrom('screening_groups')
      .selectAll()
      .where('id', '=', groupId)
      .executeTakeFirstOrThrow()
    expect(group).toMatchObject({ case_id: caseId, warrant_day: true })
    referralId = group.referral_id
    const ref = await ctx.db.selectFrom('referrals').selectAll().where('id', '=', referralId).executeTakeFirstOrThrow()
    expect(ref).toMatchObject({ source: 'police', status: 'screening', created_by: officer.id, assigned_to: null })
    const subjects = await ctx.db
      .selectFrom('referral_subjects')
      .select(['person_id', 'role'])
      .where('referral_id', '=', referralId)
      .orderBy('position')
      .execute()
    expect(subjects.map((s) => s.role)).toEqual(['potential-victim', 'potential-victim', 'potential-victim'])
    expect(subjects.map((s) => s.person_id)).toContain(mihaiId)
    expect(
      await ctx.db.selectFrom('case_referrals').select('case_id').where('referral_id', '=', referralId).execute(),
    ).toEqual([{ case_id: caseId }])
    const onJob = await ctx.db
      .selectFrom('case_people')
      .select('person_id')
      .where('case_id', '=', caseId)
      .where('role', '=', 'potential-victim')
      .execute()
    for (const s of subjects) expect(onJob.map((p) => p.person_id)).toContain(s.person_id)
    const rows = await ctx.db
      .selectFrom('screenings')
      .select(['id', 'person_id', 'answers'])
      .where('group_id', '=', groupId)
      .execute()
    expect(rows).toHaveLength(3)
    const named = await ctx.db
      .selectFrom('person_names')
      .select(['person_id', 'full_name'])
      .where(
        'person_id',
        'in',
        subjects.map((s) => s.person_id),
      )
      .execute()
    for (const n of named)
      screenings[n.full_name] = { id: rows.find((r) => r.person_id === n.person_id)!.id, personId: n.person_id }
    expect(Object.keys(screenings).sort()).toEqual([
      'Mihai Dobre',
      'Woman in the caravan, about 30',
      'unknown boy about 14',
    ])
    // Each person's age comes from what is known of them: the boy's approximate age.
    expect(
      (
        rows.find((r) => r.person_id === screenings['unknown boy about 14'].personId)!.answers as {
          age: { age: string }
        }
      ).age.age,
    ).toBe('14')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action'])
      .where('subject_id', '=', referralId)
      .execute()
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['referral.created', 'screening-group.started']))
    // The group is found from the job and from the referral.
    expect((await dc.get(`/cases/${caseId}`)).body).toContain(`/screening-groups/${groupId}`)
    expect((await dc.get(`/referrals/${referralId}`)).body).toContain(`/screening-groups/${groupId}`)
  })

  it('lists every problem with the shared facts in the order the form asks them, each linked to its input, keeping what was typed', async () => {
    const bad = await dc.post(`/screening-groups/${groupId}/shared`, {
      ...SHARED,
      premisesType: 'castle',
      addressLine1: '',
      postcode: '',
      premisesDescription: '',
      detention: 'a police cell',
      purpose: ' ',
      types: '',
      countyLines: '',
      indicators: ['none', 'debt'],
      employerName: 'E'.repeat(201),
      employerDetails: 'D'.repeat(1001),
    })
    expect(bad.statusCode).toBe(400)
    expect(errorSummaryOf(bad.body)).toEqual([
      ['premisesType', 'Select the type of premises'],
      ['addressLine1', 'Enter the address, the postcode or a description of the premises'],
      ['detention', 'Select their detention status from the list'],
      ['purpose', 'Describe what they were made to do, or select the types of exploitation'],
      ['countyLines', 'Select yes if this may involve County Lines'],
      ['indicators', 'Select indicators, or ‘None of these’, not both'],
      ['employerName', 'The employer’s name must be 200 characters or fewer'],
      ['employerDetails', 'What you know about the employer must be 1000 characters or fewer'],
    ])
    expect(bad.body).toContain(`value="${'E'.repeat(201)}"`)
    expect(bad.body).toContain('told the police would deport them')
    expect(bad.body).toMatch(/value="police" selected/)

    const long = await dc.post(`/screening-groups/${groupId}/shared`, {
      ...SHARED,
      addressLine1: 'A'.repeat(201),
      postcode: 'HU1 2ABX',
      premisesDescription: 'P'.repeat(1001),
    })
    expect(errorSummaryOf(long.body)).toEqual([
      ['addressLine1', 'The address must be 200 characters or fewer'],
      ['postcode', 'Enter a real UK postcode, like SW1A 1AA'],
      ['premisesDescription', 'The description of the premises must be 1000 characters or fewer'],
    ])
    expect(long.body).toContain('value="HU1 2ABX"')
    expect(
      await ctx.db
        .selectFrom('screening_groups')
        .select('shared_saved_at')
        .where('id', '=', groupId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ shared_saved_at: null })
  })

  it('takes the shared facts once (refusing bad input with an error summary and keeping it) and prefills every screening', async () => {
    const form = await dc.get(`/screening-groups/${groupId}/shared`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('unknown boy about 14')
    expect(form.body).not.toContain('Did the exploitation happen when they were under 18?')
    const bad = await dc.post(`/screening-groups/${groupId}/shared`, {
      ...SHARED,
      postcode: 'not a postcode',
      location: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('There is a problem')
    expect(bad.body).toContain('Enter a real UK postcode')
    expect(bad.body).toContain('Select the UK nation where they were encountered')
    expect(bad.body).toContain('value="Sparkle Valet Ltd"')
    expect(
      await ctx.db
        .selectFrom('screening_groups')
        .select('shared_saved_at')
        .where('id', '=', groupId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ shared_saved_at: null })

    const saved = await dc.post(`/screening-groups/${groupId}/shared`, SHARED)
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`/screening-groups/${groupId}`)
    for (const { id } of Object.values(screenings)) {
      const row = await ctx.db.selectFrom('screenings').select('answers').where('id', '=', id).executeTakeFirstOrThrow()
      const a = row.answers as Record<string, Record<string, unknown>> & { prefilled: string[] }
      expect(a.encounter).toMatchObject({ location: 'England', encounteredBy: 'police', safeguardingConcern: 'yes' })
      expect(a.exploitation).toMatchObject({
        purpose: 'Washing cars for no pay',
        types: ['LABOUR'],
        countyLines: 'no',
        exploitedAsChild: '',
      })
      expect(a.indicators).toMatchObject({
        indicators: ['lives-at-work', 'debt'],
        means: ['debt_bondage', 'withheld_wages'],
      })
      expect(a.prefilled.sort()).toEqual(['age', 'encounter', 'exploitation', 'indicators'])
    }
    // The premises and the employer are the referral's and the job's, as on any referral; so is the exploitation type.
    const places = await ctx.db
      .selectFrom('referral_locations')
      .innerJoin('locations', 'locations.id', 'referral_locations.location_id')
      .select(['locations.address_line_1', 'locations.postcode', 'locations.premises_type'])
      .where('referral_id', '=', referralId)
      .execute()
    expect(places).toEqual([{ address_line_1: '12 Wharf Street', postcode: 'HU1 2AB', premises_type: 'car-wash' }])
    const employer = await ctx.db
      .selectFrom('referral_subjects')
      .select('person_id')
      .where('referral_id', '=', referralId)
      .where('role', '=', 'suspected-exploiter')
      .execute()
    expect(employer).toHaveLength(1)
    expect(
      (
        await ctx.db
          .selectFrom('case_people')
          .select('role')
          .where('case_id', '=', caseId)
          .where('person_id', '=', employer[0].person_id)
          .execute()
      ).map((r) => r.role),
    ).toEqual(['suspected-exploiter'])
    expect(
      await ctx.db
        .selectFrom('referrals')
        .select(['exploitation_types'])
        .where('id', '=', referralId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ exploitation_types: ['labour'] })
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', referralId)
      .where('action', '=', 'screening-group.shared-facts-saved')
      .execute()
    expect(audit).toHaveLength(1)
    const group = await dc.get(`/screening-groups/${groupId}`)
    expect(group.body).toContain('Sparkle Valet Ltd')
    expect(group.body).toContain('Not started')
  })

  it('asks the officer to confirm the shared facts for each person before the outcome can be confirmed', async () => {
    const base = `/screenings/${screenings['Mihai Dobre'].id}`
    const encounter = await dc.get(`${base}/encounter`)
    expect(encounter.body).toContain('facts shared by everyone met together')
    expect(encounter.body).toMatch(/value="England"[^>]*checked/)
    const early = await dc.post(`${base}/outcome`, { decision: 'confirm' })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('Answer every section first')
  })

  async function screen(
    name: string,
    age: Record<string, string>,
    exploitedAsChild: string,
    consent: Record<string, string | string[]> | null,
    indicators = SHARED,
  ) {
    const base = `/screenings/${screenings[name].id}`
    await dc.get(`${base}/age`)
    expect(
      (
        await dc.post(`${base}/age`, {
          'dateOfBirth-day': '',
          'dateOfBirth-month': '',
          'dateOfBirth-year': '',
          claimedAge: '',
          age: '',
          ...age,
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await dc.post(`${base}/encounter`, {
          location: 'England',
          encounteredBy: 'police',
          detention: 'none',
          diplomaticHousehold: 'no',
          safeguardingConcern: 'yes',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await dc.post(`${base}/travel`, {
          arranged: 'yes',
          directions: ['into'],
          endedOnArrival: 'no',
          entryRoute: 'trafficked',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await dc.post(`${base}/exploitation`, {
          purpose: SHARED.purpose,
          types: 'LABOUR',
          countyLines: 'no',
          exploitedAsChild,
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await dc.post(`${base}/indicators`, {
          indicators: indicators.indicators,
          means: indicators.means,
          otherMeans: indicators.otherMeans,
        })
      ).statusCode,
    ).toBe(303)
    if (consent) expect((await dc.post(`${base}/consent`, consent)).statusCode).toBe(303)
    expect((await dc.post(`${base}/offence`, { suspected: 'no', offence: '' })).statusCode).toBe(303)
    const outcome = await dc.get(`${base}/outcome`)
    expect(outcome.body).not.toContain('Some parts are not answered yet')
    expect((await dc.post(`${base}/outcome`, { decision: 'confirm' })).statusCode).toBe(303)
    return ctx.db
      .selectFrom('screenings')
      .select(['confirmed_route', 'answers'])
      .where('id', '=', screenings[name].id)
      .executeTakeFirstOrThrow()
  }

  it('keeps age, consent and outcome each person’s own, and a change made for one person is theirs alone', async () => {
    const boy = await screen(
      'unknown boy about 14',
      { age: '14', ageDisputed: 'yes', assessment: 'not_started' },
      'yes',
      null,
    )
    expect(boy.confirmed_route).toBe('NRM_AND_CHILD_SAFEGUARDING')
    // The woman's indicators differ from the scene's: changed for her only.
    const woman = await screen(
      'Woman in the caravan, about 30',
      { age: '30', ageDisputed: 'no', assessment: 'not_started' },
      'no',
      {
        decision: 'given',
        ...CONSENT,
        points: ['what-the-nrm-is', 'support-available', 'possible-outcomes', 'information-sharing'],
        understanding: 'She understood help is voluntary',
      },
      { ...SHARED, indicators: ['no-documents'], means: ['threats'], otherMeans: '' },
    )
    expect(woman.confirmed_route).toBe('NRM')
    expect((woman.answers as { indicators: { indicators: string[] } }).indicators.indicators).toEqual(['no-documents'])
    const mihai = await screen(
      'Mihai Dobre',
      {
        age: '',
        'dateOfBirth-day': '2',
        'dateOfBirth-month': '4',
        'dateOfBirth-year': '1990',
        ageDisputed: 'no',
        assessment: 'not_started',
      },
      'no',
      { decision: 'refused', ...CONSENT },
    )
    expect(mihai.confirmed_route).toBe('DUTY_TO_NOTIFY')
    const consents = await ctx.db
      .selectFrom('consents')
      .select(['person_id', 'decision'])
      .where('referral_id', '=', referralId)
      .execute()
    expect(consents.map((c) => [c.person_id, c.decision]).sort()).toEqual(
      [
        [screenings['Woman in the caravan, about 30'].personId, 'given'],
        [screenings['Mihai Dobre'].personId, 'refused'],
      ].sort(),
    )
    const group = await dc.get(`/screening-groups/${groupId}`)
    expect(group.body).toContain('Confirmed: NRM referral and child safeguarding')
    expect(group.body).toContain('Confirmed: NRM referral (adult with informed consent)')
    expect(group.body).toContain('Confirmed: Duty to Notify')
    expect(group.body).toContain('Not needed (child or may be a child)')
    // The NRM for each person hangs off the encounter's referral, as for any referral.
    expect(
      (await dc.get(`/referrals/${referralId}/people/${screenings['unknown boy about 14'].personId}/nrm`)).statusCode,
    ).toBe(200)
  })

  it('changing the shared facts later refreshes only what is still as prefilled and never a confirmed screening', async () => {
    const before = await ctx.db
      .selectFrom('screenings')
      .select(['id', 'answers'])
      .where('group_id', '=', groupId)
      .execute()
    await dc.get(`/screening-groups/${groupId}/shared`)
    expect(
      (
        await dc.post(`/screening-groups/${groupId}/shared`, {
          ...SHARED,
          purpose: 'Washing cars and cleaning the owner’s house',
        })
      ).statusCode,
    ).toBe(303)
    const after = await ctx.db
      .selectFrom('screenings')
      .select(['id', 'answers'])
      .where('group_id', '=', groupId)
      .execute()
    expect(after).toEqual(before)
    expect(
      await ctx.db
        .selectFrom('referral_subjects')
        .select('person_id')
        .where('referral_id', '=', referralId)
        .where('role', '=', 'suspected-exploiter')
        .execute(),
    ).toHaveLength(1)
  })
})

describe('access to warrant-day screening goes through the one access policy', () => {
  let groupId: string

  beforeAll(async () => {
    await dc.get(`/cases/${caseId}/screenings/new`)
    const started = await dc.post(`/cases/${caseId}/screenings`, {
      'encounteredOn-day': '4',
      'encounteredOn-month': '3',
      'encounteredOn-year': String(year - 1),
      summary: 'Second visit',
      'new-0-description': 'Man in the back room',
      'new-0-age': '40',
      'new-1-description': 'Girl about 16',
      'new-1-age': '16',
    })
    groupId = started.headers.location!.split('/')[2]
  })

  it('refuses a user without a duty: the job start page, the group, the shared facts form and its save', async () => {
    const { client } = await signedIn('investigator')
    expect((await client.get(`/cases/${caseId}`)).body).not.toContain('Screen people met on this job')
    const start = await client.get(`/cases/${caseId}/screenings/new`)
    expect(start.statusCode).toBe(403)
    expect(start.body).not.toContain('Mihai Dobre')
    const startPost = await client.post(`/cases/${caseId}/screenings`, {
      'encounteredOn-day': '4',
      'encounteredOn-month': '3',
      'encounteredOn-year': String(year - 1),
      summary: 'x',
      personIds: [mihaiId],
    })
    expect(startPost.statusCode).toBe(403)
    const group = await client.get(`/screening-groups/${groupId}`)
    expect(group.statusCode).toBe(403)
    expect(group.body).not.toContain('Girl about 16')
    expect(group.body).toContain('protected')
    expect((await client.get(`/screening-groups/${groupId}/shared`)).statusCode).toBe(403)
    const save = await client.post(`/screening-groups/${groupId}/shared`, SHARED)
    expect(save.statusCode).toBe(403)
    expect(
      await ctx.db
        .selectFrom('screening_groups')
        .select('shared_saved_at')
        .where('id', '=', groupId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ shared_saved_at: null })
    // Screening a victim worked by another officer from their person page is refused too, with whom to ask.
    const person = await client.get(`/people/${mihaiId}/screenings/new`)
    expect(person.statusCode).toBe(403)
    expect(person.body).toContain('ask')
    // A random group is not found, not refused.
    expect((await client.get('/screening-groups/00000000-0000-7000-8000-000000000000')).statusCode).toBe(404)
  })

  it('lets a team member with a victims’ side duty and a supervisor in, but not one with a suspects’ side duty', async () => {
    const victimSide = await signedIn('investigator')
    const suspectSide = await signedIn('investigator')
    await dc.get(`/cases/${caseId}`)
    expect((await dc.post(`/cases/${caseId}/members`, { userId: victimSide.user.id, duty: 'victim' })).statusCode).toBe(
      303,
    )
    await dc.get(`/cases/${caseId}`)
    expect(
      (await dc.post(`/cases/${caseId}/members`, { userId: suspectSide.user.id, duty: 'suspect' })).statusCode,
    ).toBe(303)
    expect((await victimSide.client.get(`/screening-groups/${groupId}`)).statusCode).toBe(200)
    expect((await victimSide.client.get(`/cases/${caseId}/screenings/new`)).statusCode).toBe(200)
    expect((await suspectSide.client.get(`/screening-groups/${groupId}`)).statusCode).toBe(403)
    expect((await suspectSide.client.get(`/cases/${caseId}/screenings/new`)).statusCode).toBe(403)
    const { client: supervisor } = await signedIn('supervisor')
    const page = await supervisor.get(`/screening-groups/${groupId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Girl about 16')
  })
})

describe('screening from a person’s page', () => {
  it('starts the screening of someone with no victim side yet, through a referral recorded for the encounter', async () => {
    const r = await referral([{ names: ['Petra Novak'], approximateAge: 22, gender: 'female', role: 'witness' }])
    const petra = r.people[0].personId
    const page = await dc.get(`/people/${petra}`)
    expect(page.body).toContain(`/people/${petra}/screenings/new`)
    const form = await dc.get(`/people/${petra}/screenings/new`)
    expect(form.statusCode).toBe(200)
    const bad = await dc.post(`/people/${petra}/screenings`, {
      'encounteredOn-day': '31',
      'encounteredOn-month': '2',
      'encounteredOn-year': '2026',
      summary: 'Met her at the station',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('There is a problem')
    expect(bad.body).toContain('Met her at the station')
    const started = await dc.post(`/people/${petra}/screenings`, {
      'encounteredOn-day': '2',
      'encounteredOn-month': '3',
      'encounteredOn-year': '2026',
      summary: 'Met her at the station; she said her passport is held by the boss',
    })
    expect(started.statusCode).toBe(303)
    expect(started.headers.location).toMatch(/^\/screenings\/[0-9a-f-]{36}\/age$/)
    const id = started.headers.location!.split('/')[2]
    const row = await ctx.db
      .selectFrom('screenings')
      .innerJoin('screening_groups', 'screening_groups.id', 'screenings.group_id')
      .select(['screenings.referral_id', 'screening_groups.warrant_day', 'screening_groups.case_id'])
      .where('screenings.id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ warrant_day: false, case_id: null })
    expect(
      await ctx.db.selectFrom('referral_subjects').select('role').where('referral_id', '=', row.referral_id).execute(),
    ).toEqual([{ role: 'potential-victim' }])
    expect((await dc.get(`/screenings/${id}/age`)).body).toContain('value="22"')
  })
})

describe('the demo', () => {
  it('loads one warrant-day group of three people on a live job, through the services', async () => {
    const { loadDemoWarrantDay } = await import('#src/modules/screening/screening-groups.demo.ts')
    const r = await referral([{ names: ['Demo Worker'], approximateAge: 35, gender: 'male', role: 'potential-victim' }])
    await dc.get(`/referrals/${r.id}`)
    const jobId = (
      await dc.post(`/referrals/${r.id}/cases`, { title: 'Demo warrant job', kind: 'investigation' })
    ).headers
      .location!.split('/')
      .pop()!
    const loaded = await loadDemoWarrantDay(ctx.db)
    expect(loaded).not.toBeNull()
    const group = await ctx.db
      .selectFrom('screening_groups')
      .selectAll()
      .where('id', '=', loaded!.groupId)
      .executeTakeFirstOrThrow()
    expect(group).toMatchObject({ case_id: jobId, warrant_day: true })
    expect(group.shared_saved_at).not.toBeNull()
    const rows = await ctx.db
      .selectFrom('screenings')
      .select(['status', 'confirmed_route'])
      .where('group_id', '=', group.id)
      .execute()
    expect(rows).toHaveLength(3)
    expect(rows.filter((s) => s.status === 'confirmed').map((s) => s.confirmed_route)).toEqual([
      'NRM_AND_CHILD_SAFEGUARDING',
    ])
    expect((await dc.get(`/screening-groups/${group.id}`)).statusCode).toBe(200)
  })
})
