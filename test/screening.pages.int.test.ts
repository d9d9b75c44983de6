import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { createTestContext, createUser, PageClient, apiToken, type TestContext } from './support/test-app.ts'
import { pdfText } from './support/pdf-text.ts'

let ctx: TestContext
let dc: PageClient
let officer: { id: string; email: string }
let referralId: string
let childId: string
let adultId: string

const thisYear = new Date().getUTCFullYear()

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await createUser(ctx, 'investigator')
  dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
  const token = await apiToken(ctx, officer.email)
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      receivedAt: '2026-03-02',
      source: 'police',
      summary: 'A boy and a woman found at a car wash; the woman says her wages go to the boss.',
      people: [
        {
          names: ['Ardit Hoxha'],
          dateOfBirth: `${thisYear - 16}-01-15`,
          gender: 'male',
          nationalities: ['AL'],
          role: 'potential-victim',
        },
        {
          names: ['Ioana Popescu', 'Ioana POPESCU'],
          dateOfBirth: '1994-05-20',
          gender: 'female',
          nationalities: ['RO'],
          role: 'potential-victim',
        },
      ],
      locations: [{ addressLine1: '4 Dock Road', postcode: 'HU3 4AB', premisesType: 'car-wash' }],
      exploitationTypes: ['labour'],
    },
  })
  const body = created.json()
  referralId = body.id
  childId = body.people[0].personId
  adultId = body.people[1].personId
  await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/referrals/${referralId}/assignment`,
    headers: { authorization: `Bearer ${token}` },
    payload: { assigneeId: officer.id, note: null },
  })
})
afterAll(() => ctx.close())

async function startScreening(personId: string): Promise<string> {
  await dc.get(`/referrals/${referralId}`)
  const started = await dc.post(`/referrals/${referralId}/people/${personId}/screenings`, {})
  expect(started.statusCode).toBe(303)
  return started.headers.location!.replace(/\/age$/, '')
}

async function answerCommon(base: string, overrides: { consent?: Record<string, string | string[]> } = {}) {
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
        purpose: 'forced labour at a car wash',
        types: 'LABOUR',
        countyLines: 'no',
        exploitedAsChild: 'no',
      })
    ).statusCode,
  ).toBe(303)
  const indicators = await dc.post(`${base}/indicators`, {
    indicators: ['debt', 'lives-at-work'],
    means: ['debt_bondage', 'withheld_wages'],
  })
  expect(indicators.statusCode).toBe(303)
  if (overrides.consent) expect((await dc.post(`${base}/consent`, overrides.consent)).statusCode).toBe(303)
  return dc.post(`${base}/offence`, { suspected: 'no', offence: '' })
}

describe('screening a 16-year-old', () => {
  it('never asks for consent, suggests the NRM with child safeguarding, explains why, and records the confirmation', async () => {
    const base = await startScreening(childId)
    for (const section of [
      'age',
      'encounter',
      'travel',
      'exploitation',
      'indicators',
      'consent',
      'offence',
      'outcome',
    ]) {
      expect((await dc.get(`${base}/${section}`)).statusCode, section).toBe(200)
    }
    const age = await dc.get(`${base}/age`)
    expect(age.body).toContain(`value="${thisYear - 16}"`) // prefilled from the referral
    expect(
      (
        await dc.post(`${base}/age`, {
          'dateOfBirth-day': '15',
          'dateOfBirth-month': '1',
          'dateOfBirth-year': String(thisYear - 16),
          age: '',
          claimedAge: '',
          ageDisputed: 'no',
          assessment: 'not_started',
        })
      ).headers.location,
    ).toBe(`${base}/encounter`)
    const last = await answerCommon(base)
    // The consent page is skipped for a child: indicators lead straight to the offence page, then the outcome.
    expect(last.headers.location).toBe(`${base}/outcome`)
    const outcome = await dc.get(`${base}/outcome`)
    expect(outcome.body).toContain('NRM referral and child safeguarding')
    expect(outcome.body).toContain('R01: Under 18')
    expect(outcome.body).toContain('They are 16, so under 18.')
    expect(outcome.body).toContain('Modern Slavery Act 2015 s2')
    const confirmed = await dc.post(`${base}/outcome`, { decision: 'confirm' })
    expect(confirmed.headers.location).toBe(`/referrals/${referralId}/people/${childId}/nrm`)
    const facet = await dc.get(confirmed.headers.location!)
    expect(facet.body).toContain('Screening confirmed: NRM referral and child safeguarding')
    expect(facet.body).toContain('A child, or someone who may be under 18, needs no consent')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('subject_id', '=', childId)
      .orderBy('id')
      .execute()
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['screening.started', 'screening.confirmed', 'victim-facet.viewed']),
    )
  })

  it('records the NRM referral with a reasonable grounds deadline of 5 working days, shown on my work', async () => {
    await dc.get(`/referrals/${referralId}/people/${childId}/nrm`)
    const bad = await dc.post(`/referrals/${referralId}/people/${childId}/nrm-referrals`, {
      'submittedOn-day': '31',
      'submittedOn-month': '2',
      'submittedOn-year': '2026',
      firstResponderOrganisation: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Date submitted must be a real date')
    expect(bad.body).toContain('Enter the first responder organisation')
    const submitted = {
      'submittedOn-day': '2',
      'submittedOn-month': '4',
      'submittedOn-year': '2026',
      nrmReference: 'NRM-123',
      firstResponderOrganisation: 'Riverton Police',
      competentAuthority: 'SCA',
    }
    // The form prepared in Lantern is not complete: recording it as sent needs the officer to say it went another way.
    const notReady = await dc.post(`/referrals/${referralId}/people/${childId}/nrm-referrals`, submitted)
    expect(notReady.statusCode).toBe(409)
    expect(notReady.body).toMatch(/The NRM form in Lantern has \d+ questions the Home Office requires still unanswered/)
    expect(notReady.body).toContain('value="NRM-123"')
    const ok = await dc.post(`/referrals/${referralId}/people/${childId}/nrm-referrals`, {
      ...submitted,
      completedElsewhere: 'yes',
    })
    expect(ok.statusCode).toBe(303)
    // The Home Office reference is copied into the form prepared here.
    const draft = await dc.get(`/referrals/${referralId}/people/${childId}/nrm-draft.json`)
    expect(JSON.parse(draft.body).form['ho.reference']).toBe('NRM-123')
    const facet = await dc.get(`/referrals/${referralId}/people/${childId}/nrm`)
    // 2 April 2026 is the Thursday before Easter: Good Friday and Easter Monday are skipped.
    expect(facet.body).toContain('Reasonable grounds decision due 13 April 2026')
    expect(facet.body).toContain('Overdue')
    const work = await dc.get('/my-work')
    expect(work.body).toContain('Reasonable grounds decision due')
    expect(work.body).toContain('Ardit Hoxha')
  })

  it('keeps the lifecycle in order: no conclusive grounds before a positive reasonable grounds decision; decisions are the competent authority’s', async () => {
    const nrmId = (
      await ctx.db.selectFrom('nrm_referrals').select('id').where('person_id', '=', childId).executeTakeFirstOrThrow()
    ).id
    const base = {
      referralId,
      personId: childId,
      'occurredOn-day': '8',
      'occurredOn-month': '4',
      'occurredOn-year': '2026',
    }
    const unanswered = await dc.post(`/nrm-referrals/${nrmId}/events`, {
      referralId,
      personId: childId,
      kind: '',
      notes: 'x'.repeat(2001),
    })
    expect(unanswered.statusCode).toBe(400)
    expect(unanswered.body).toContain('<a href="#kind">Select what happened')
    expect(unanswered.body).toContain('<a href="#occurredOn-day">Enter date')
    expect(unanswered.body).toContain('<a href="#notes">Notes must be 2,000 characters or fewer')
    const early = await dc.post(`/nrm-referrals/${nrmId}/events`, {
      ...base,
      kind: 'conclusive-grounds',
      outcome: 'positive',
      decidedBy: 'SCA',
    })
    expect(early.statusCode).toBe(409)
    expect(early.body).toContain('A conclusive grounds decision follows a positive reasonable grounds decision')
    const police = await dc.post(`/nrm-referrals/${nrmId}/events`, {
      ...base,
      kind: 'reasonable-grounds',
      outcome: 'positive',
      decidedBy: 'Riverton Police',
    })
    expect(police.statusCode).toBe(400)
    expect(police.body).toContain('Decisions are the competent authority’s')
    expect(
      (
        await dc.post(`/nrm-referrals/${nrmId}/events`, {
          ...base,
          kind: 'reasonable-grounds',
          outcome: 'positive',
          decidedBy: 'SCA',
        })
      ).statusCode,
    ).toBe(303)
    const facet = await dc.get(`/referrals/${referralId}/people/${childId}/nrm`)
    expect(facet.body).toContain('Recovery period; awaiting the conclusive grounds decision')
    expect(facet.body).toContain('At least until 8 May 2026')
    const work = (await dc.get('/my-work')).body
    expect(work).not.toContain('Reasonable grounds decision due')
    // The person stays on My work until they leave the NRM: the recovery period's end, the CG awaited.
    // (8 May 2026 has passed: the minimum recovery period is over and the decision is still awaited.)
    expect(work).toContain('Conclusive grounds decision awaited (the minimum recovery period has ended)')
    expect(work).toContain('8 May 2026')
  })

  it('downloads an NRM summary PDF with the person’s details and the reasons', async () => {
    const response = await dc.get(`/referrals/${referralId}/people/${childId}/nrm-summary.pdf`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/pdf')
    const text = await pdfText(response.rawPayload)
    expect(text).toContain('NRM referral summary')
    expect(text).toContain('Ardit Hoxha')
    expect(text).toContain('R01')
    expect(text).toContain('Riverton Police')
  })
})

describe('overriding for a child', () => {
  it('refuses to route a child to the Duty to Notify even on an override', async () => {
    const base = await startScreening(childId)
    await dc.post(`${base}/age`, {
      'dateOfBirth-day': '15',
      'dateOfBirth-month': '1',
      'dateOfBirth-year': String(thisYear - 16),
      ageDisputed: 'no',
      assessment: 'not_started',
    })
    await answerCommon(base)
    const response = await dc.post(`${base}/outcome`, {
      decision: 'override',
      overrideRoute: 'DUTY_TO_NOTIFY',
      reason: 'They asked not to be referred',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain(
      'A child, or someone who may be under 18, can never be routed to the Duty to Notify',
    )
    expect(response.body).toContain('They asked not to be referred')
  })
})

describe('screening an adult who declines', () => {
  let base: string
  it('asks for consent, needs a date and who explained, and suggests the anonymised Duty to Notify', async () => {
    base = await startScreening(adultId)
    await dc.post(`${base}/age`, {
      'dateOfBirth-day': '20',
      'dateOfBirth-month': '5',
      'dateOfBirth-year': '1994',
      age: '',
      claimedAge: '',
      ageDisputed: 'no',
      assessment: 'not_started',
    })
    await answerCommon(base)
    // The consent page is asked for an adult.
    const missing = await dc.post(`${base}/consent`, { decision: 'refused' })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Enter date of the decision')
    expect(missing.body).toContain('Enter who explained the NRM to them')
    const refused = await dc.post(`${base}/consent`, {
      decision: 'refused',
      'consentDate-day': '3',
      'consentDate-month': '3',
      'consentDate-year': '2026',
      explainedBy: 'DC Shah',
      interpreterUsed: 'yes',
      interpreterLanguage: 'Romanian',
    })
    expect(refused.headers.location).toBe(`${base}/offence`)
    await dc.post(`${base}/offence`, { suspected: 'no' })
    const outcome = await dc.get(`${base}/outcome`)
    expect(outcome.body).toContain('Duty to Notify (anonymised; adult did not consent)')
    expect(outcome.body).toContain('R04')
  })

  it('needs a reason to override, never allows a child to the Duty to Notify, and audits the override', async () => {
    const noReason = await dc.post(`${base}/outcome`, {
      decision: 'override',
      overrideRoute: 'SAFEGUARDING_REFERRAL_ONLY',
      reason: '',
    })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Enter why you are overriding the suggested route')
    expect((await dc.post(`${base}/outcome`, { decision: 'confirm' })).statusCode).toBe(303)
    const consent = await ctx.db
      .selectFrom('consents')
      .selectAll()
      .where('person_id', '=', adultId)
      .executeTakeFirstOrThrow()
    expect(consent).toMatchObject({
      decision: 'refused',
      explained_by: 'DC Shah',
      interpreter_language: 'Romanian',
      purpose: 'nrm-referral',
    })
    expect((await dc.get(`${base}/age`)).statusCode).toBe(303) // confirmed screenings cannot be changed
  })

  it('refuses an NRM referral for the adult who declined, and records a Duty to Notify with no identifiers in its PDF', async () => {
    await dc.get(`/referrals/${referralId}/people/${adultId}/nrm`)
    const nrm = await dc.post(`/referrals/${referralId}/people/${adultId}/nrm-referrals`, {
      'submittedOn-day': '3',
      'submittedOn-month': '3',
      'submittedOn-year': '2026',
      firstResponderOrganisation: 'Police',
      completedElsewhere: 'yes',
    })
    expect(nrm.statusCode).toBe(409)
    expect(nrm.body).toContain('not an NRM referral')
    expect(
      (
        await dc.post(`/referrals/${referralId}/people/${adultId}/dtn-submissions`, {
          'dtnSubmittedOn-day': '4',
          'dtnSubmittedOn-month': '3',
          'dtnSubmittedOn-year': '2026',
          dtnReference: 'DTN-77',
          exploitationLocation: 'uk-only',
        })
      ).statusCode,
    ).toBe(303)
    const dtnId = (
      await ctx.db.selectFrom('dtn_submissions').select('id').where('person_id', '=', adultId).executeTakeFirstOrThrow()
    ).id
    const pdf = await dc.get(`/dtn-submissions/${dtnId}/summary.pdf`)
    expect(pdf.statusCode).toBe(200)
    const text = await pdfText(pdf.rawPayload)
    expect(text).toContain('Duty to Notify summary (anonymised)')
    expect(text).toContain('Romania')
    expect(text).toContain('Labour exploitation')
    for (const identifier of ['Ioana', 'Popescu', 'POPESCU', '1994', '20 May', 'Dock Road', 'HU3', 'REF-'])
      expect(text, identifier).not.toContain(identifier)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'category'])
      .where('subject_id', '=', adultId)
      .where('action', 'in', ['dtn.submitted', 'document.downloaded'])
      .execute()
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'dtn.submitted', category: 'disclosure' },
        { action: 'document.downloaded', category: 'disclosure' },
      ]),
    )
  })
})

describe('who can see the victim facet', () => {
  it('keeps screening, consent and NRM status from roles without the victim-facet permission', async () => {
    const analyst = new PageClient(ctx.app)
    await analyst.signIn((await createUser(ctx, 'analyst')).email)
    expect((await analyst.get(`/referrals/${referralId}/people/${childId}/nrm`)).statusCode).toBe(403)
    const work = await analyst.get('/my-work')
    expect(work.statusCode).toBe(200)
    expect(work.body).not.toContain('Ardit Hoxha')
    const page = await analyst.get(`/referrals/${referralId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('A person was screened')
    expect(page.body).not.toContain('NRM referral and child safeguarding')
    expect(page.body).not.toContain('Duty to Notify')
  })

  it('turns a child’s 18th birthday during the NRM into a task to ask for consent to continue', async () => {
    await sql`UPDATE people SET date_of_birth = (current_date - interval '18 years' + interval '20 days')::date WHERE id = ${childId}`.execute(
      ctx.db,
    )
    const work = await dc.get('/my-work')
    expect(work.body).toContain('Turns 18: ask for consent to stay in the NRM')
  })
})

describe('the legal data on the screening pages (issue 14, section 4)', () => {
  it('keeps means of control typed in the officer’s words, and asks for consent to be sought when it was not asked, never the Duty to Notify', async () => {
    const base = await startScreening(adultId)
    await dc.post(`${base}/age`, {
      'dateOfBirth-day': '20',
      'dateOfBirth-month': '5',
      'dateOfBirth-year': '1994',
      age: '',
      claimedAge: '',
      ageDisputed: 'no',
      assessment: 'not_started',
    })
    await dc.post(`${base}/encounter`, {
      location: 'England',
      encounteredBy: 'police',
      detention: 'none',
      diplomaticHousehold: 'no',
      safeguardingConcern: 'yes',
    })
    await dc.post(`${base}/travel`, {
      arranged: 'yes',
      directions: ['within'],
      endedOnArrival: 'unknown',
      entryRoute: '',
    })
    await dc.post(`${base}/exploitation`, {
      purpose: 'drug supply (county lines)',
      countyLines: 'yes',
      exploitedAsChild: 'no',
    })
    const indicators = await dc.post(`${base}/indicators`, {
      indicators: ['debt'],
      means: ['debt_bondage', 'payment_inducement'],
      otherMeans: 'secrecy instructions\nransom',
    })
    expect(indicators.statusCode).toBe(303)
    expect((await dc.get(`${base}/indicators`)).body).toContain('secrecy instructions')
    expect((await dc.post(`${base}/consent`, { decision: 'not-asked' })).statusCode).toBe(303)
    await dc.post(`${base}/offence`, { suspected: 'no' })
    const outcome = await dc.get(`${base}/outcome`)
    expect(outcome.statusCode).toBe(200)
    // The headline is the suggestion; the Duty to Notify appears only among the routes an officer may override to.
    expect(outcome.body).toMatch(/govuk-panel__title[^>]*>Undetermined: more facts needed</)
    expect(outcome.body).not.toMatch(/govuk-panel__title[^>]*>Duty to Notify/)
    expect(outcome.body).toContain('seek their informed consent to an NRM referral')
    expect(outcome.body).toContain('Not asking is not a refusal')
    expect(outcome.body).toContain('Giving or receiving payments or benefits')
    expect(outcome.body).toContain('Other means: “secrecy instructions” (not recognised)')
    expect(outcome.body).toContain('Other means: “ransom” (not recognised)')
  })

  it('never says “treated as a child” in the headline over a table that says they are not', async () => {
    const base = await startScreening(adultId)
    // Nothing is known about their age: no date of birth, no age, not disputed.
    await dc.post(`${base}/age`, {
      'dateOfBirth-day': '',
      'dateOfBirth-month': '',
      'dateOfBirth-year': '',
      age: '',
      claimedAge: '',
      ageDisputed: 'no',
      assessment: 'not_started',
    })
    await answerCommon(base)
    const outcome = (await dc.get(`${base}/outcome`)).body
    expect(outcome).toContain(
      'Age not known: if they may be under 18, they must be treated as a child until their age is determined',
    )
    expect(outcome).not.toContain('Age disputed and may be under 18: treated as a child until the age is determined')
    expect(outcome).toMatch(/Treated as a child\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Not known yet/)
  })

  it('shows an age-disputed person as treated as a child in both the headline and the table', async () => {
    const base = await startScreening(adultId)
    await dc.post(`${base}/age`, {
      'dateOfBirth-day': '',
      'dateOfBirth-month': '',
      'dateOfBirth-year': '',
      age: '',
      claimedAge: '16',
      ageDisputed: 'yes',
      assessment: 'pending',
    })
    await answerCommon(base)
    const outcome = (await dc.get(`${base}/outcome`)).body
    expect(outcome).toContain('R02: Age disputed and may be under 18: treated as a child until the age is determined')
    expect(outcome).toMatch(
      /Treated as a child\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Yes: they may be under 18/,
    )
  })

  it('asks a child the s45 child limb’s own question, and the outcome uses it', async () => {
    const base = await startScreening(childId)
    await dc.post(`${base}/age`, {
      'dateOfBirth-day': '15',
      'dateOfBirth-month': '1',
      'dateOfBirth-year': String(thisYear - 16),
      age: '',
      claimedAge: '',
      ageDisputed: 'no',
      assessment: 'not_started',
    })
    await answerCommon(base)
    const page = (await dc.get(`${base}/offence`)).body
    expect(page).toContain(
      'Would a reasonable person in the same situation, of their age and sex and with any illness or disability they have, do that act?',
    )
    expect(page).not.toContain('no realistic alternative?')
    expect(
      (
        await dc.post(`${base}/offence`, {
          suspected: 'yes',
          offence: 'possession with intent to supply a controlled drug of class A',
          directConsequence: 'yes',
          wouldDoAct: 'no',
        })
      ).statusCode,
    ).toBe(303)
    const outcome = (await dc.get(`${base}/outcome`)).body
    expect(outcome).toContain('Child limb (s45(4))')
    expect(outcome).toContain('<strong>Available in principle:</strong> No')
    expect(outcome).toContain('Misuse of Drugs Act 1971 s5(3)')
    expect(outcome).not.toContain('Road Traffic Act')
  })
})

/** The GOV.UK error summary on a page, in order: the input each problem links to, and its message. */
function errorSummaryOf(html: string): [string, string][] {
  const list = /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? ''
  return [...list.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]])
}

describe('the screening question pages’ answers', () => {
  let base: string
  beforeAll(async () => {
    base = await startScreening(adultId)
  })

  it('lists every problem with their age in the page’s order, each linked to its input, keeping what was typed and saving nothing', async () => {
    const bad = await dc.post(`${base}/age`, {
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '1',
      'dateOfBirth-year': String(thisYear - 16),
      age: '30',
      claimedAge: 'sixteen',
      ageDisputed: '',
      assessment: '',
    })
    expect(bad.statusCode).toBe(400)
    // The age is checked against the date of birth once both are sound, and listed after the age they give.
    expect(errorSummaryOf(bad.body)).toEqual([
      ['claimedAge', 'The age they give must be a whole number of years, like 16'],
      ['age', 'The date of birth makes them 16. Correct the age or the date of birth'],
      ['ageDisputed', 'Select yes if their age is disputed'],
      ['assessment', 'Select whether an age assessment has been done'],
    ])
    expect(bad.body).toContain('value="30"')
    expect(bad.body).toContain('value="sixteen"')
    expect((await dc.get(`${base}/age`)).body).not.toContain('value="sixteen"')

    const wrong = await dc.post(`${base}/age`, {
      'dateOfBirth-day': '1',
      'dateOfBirth-month': 'March',
      'dateOfBirth-year': '1994',
      age: '121',
      ageDisputed: 'no',
      assessment: 'not_started',
    })
    expect(errorSummaryOf(wrong.body)).toEqual([
      ['dateOfBirth-month', 'Date of birth must be a real date'],
      ['age', 'Age must be 120 or less'],
    ])
    expect(wrong.body).toContain('value="March"')

    const adult = await dc.post(`${base}/age`, {
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '1',
      'dateOfBirth-year': String(thisYear - 16),
      ageDisputed: 'no',
      assessment: 'assessed_adult',
    })
    expect(errorSummaryOf(adult.body)).toEqual([
      [
        'assessment',
        'The date of birth makes them under 18, which contradicts an assessment as an adult. Record their age as disputed, or correct the date of birth',
      ],
    ])
    expect(adult.body).toMatch(/value="assessed_adult" checked/)
  })

  it('asks where, by whom and how they travelled, with a message for each answer missing or not on the list', async () => {
    const encounter = await dc.post(`${base}/encounter`, {
      location: 'Atlantis',
      encounteredBy: 'police',
      detention: 'a police cell',
      diplomaticHousehold: 'no',
    })
    expect(encounter.statusCode).toBe(400)
    expect(errorSummaryOf(encounter.body)).toEqual([
      ['location', 'Select the UK nation where they were encountered'],
      ['detention', 'Select their detention status from the list'],
      ['safeguardingConcern', 'Select yes if there is a safeguarding concern'],
    ])
    expect(encounter.body).toMatch(/value="police" selected/)

    const travel = await dc.post(`${base}/travel`, {
      arranged: 'yes',
      directions: 'sideways',
      endedOnArrival: 'perhaps',
      entryRoute: 'trafficked',
    })
    expect(travel.statusCode).toBe(400)
    expect(errorSummaryOf(travel.body)).toEqual([
      ['directions', 'Select where they were moved: into, within or out of the UK'],
      ['endedOnArrival', 'Select whether the relationship ended on arrival'],
    ])
    expect(travel.body).toMatch(/value="trafficked" checked/)
    expect(errorSummaryOf((await dc.post(`${base}/travel`, {})).body)).toEqual([
      ['arranged', 'Select whether anyone arranged or helped with their travel'],
    ])
  })

  it('asks what they were made to do and what was seen, and never takes indicators with ‘None of these’', async () => {
    const none = await dc.post(`${base}/exploitation`, { purpose: '  ', countyLines: 'no' })
    expect(none.statusCode).toBe(400)
    expect(errorSummaryOf(none.body)).toEqual([
      ['purpose', 'Describe what they were made to do, or select the types of exploitation'],
      ['exploitedAsChild', 'Select yes if the exploitation happened when they were under 18'],
    ])
    const long = await dc.post(`${base}/exploitation`, {
      purpose: 'x'.repeat(501),
      types: 'LABOUR',
      countyLines: 'maybe',
      exploitedAsChild: 'no',
    })
    expect(errorSummaryOf(long.body)).toEqual([
      ['purpose', 'What they were made to do must be 500 characters or fewer'],
      ['countyLines', 'Select yes if this may involve County Lines'],
    ])

    const both = await dc.post(`${base}/indicators`, {
      indicators: ['none', 'debt'],
      otherMeans: 'kept their passport',
    })
    expect(both.statusCode).toBe(400)
    expect(errorSummaryOf(both.body)).toEqual([['indicators', 'Select indicators, or ‘None of these’, not both']])
    expect(both.body).toContain('kept their passport')
    expect(errorSummaryOf((await dc.post(`${base}/indicators`, { indicators: 'not-an-indicator' })).body)).toEqual([
      ['indicators', 'Select the indicators you have seen, or ‘None of these’'],
    ])
  })

  it('asks for the consent decision, and for when, who and what was explained only when they consented or declined', async () => {
    expect(errorSummaryOf((await dc.post(`${base}/consent`, { explainedBy: 'DC Shah' })).body)).toEqual([
      ['decision', 'Select whether they gave informed consent to an NRM referral'],
    ])
    // Not asked yet: nothing else on the page is checked.
    const notAsked = await dc.post(`${base}/consent`, { decision: 'not-asked', 'consentDate-month': '13' })
    expect(notAsked.statusCode).toBe(303)

    const given = await dc.post(`${base}/consent`, {
      decision: 'given',
      'consentDate-day': '3',
      'consentDate-month': 'March',
      'consentDate-year': '2026',
      explainedBy: 'DC Shah',
      interpreterUsed: 'yes',
      points: ['what-the-nrm-is', 'possible-outcomes'],
    })
    expect(given.statusCode).toBe(400)
    expect(errorSummaryOf(given.body)).toEqual([
      ['consentDate-month', 'Date of the decision must be a real date'],
      ['interpreterLanguage', 'Enter the language the interpreter used'],
      ['points', 'Consent is informed only when every point has been explained: select each one you explained'],
      ['understanding', 'Describe, in their words where you can, what they understood'],
    ])
    expect(given.body).toContain('value="DC Shah"')
    expect(given.body).toMatch(/value="possible-outcomes" checked/)

    const refused = await dc.post(`${base}/consent`, { decision: 'refused', 'consentDate-year': '2026' })
    expect(errorSummaryOf(refused.body)).toEqual([
      ['consentDate-day', 'Date of the decision must include a day and month'],
      ['explainedBy', 'Enter who explained the NRM to them'],
      ['interpreterUsed', 'Select yes if an interpreter was used'],
    ])
  })

  it('asks for the offence they are suspected of, within its limit', async () => {
    const missing = await dc.post(`${base}/offence`, { suspected: 'yes', offence: ' ' })
    expect(missing.statusCode).toBe(400)
    expect(errorSummaryOf(missing.body)).toEqual([['offence', 'Enter the offence they are suspected of']])
    const long = await dc.post(`${base}/offence`, { offence: 'x'.repeat(301) })
    expect(errorSummaryOf(long.body)).toEqual([
      ['suspected', 'Select yes if they are suspected of an offence'],
      ['offence', 'The offence must be 300 characters or fewer'],
    ])
  })
})
