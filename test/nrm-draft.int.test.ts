import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  apiToken,
  type TestContext,
} from './support/test-app.ts'
import { loadDemo } from '#src/modules/demo/demo.ts'
import { createNrmDraftService } from '#src/modules/nrm/nrm.drafts.ts'
import { createNrmService } from '#src/modules/nrm/nrm.service.ts'
import { createScreeningRules } from '#src/modules/screening/screening.service.ts'
import { pdfText } from './support/pdf-text.ts'

/**
 * The NRM / Duty to Notify form prepared in Lantern (issue 14, section 1): a task list pre-filled from what
 * Lantern knows, the questions it does not know asked section by section, kept as a versioned draft under the
 * victim-side access policy, and printed in the form's order on the NRM summary PDF.
 */
let ctx: TestContext
let dc: PageClient
let token: string
let otherToken: string
let other: PageClient
let referralId: string
let childId: string
let adultId: string
const thisYear = new Date().getUTCFullYear()

beforeAll(async () => {
  ctx = await createTestContext()
  const officer = await createUser(ctx, 'investigator')
  const stranger = await createUser(ctx, 'investigator')
  dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
  other = new PageClient(ctx.app)
  await other.signIn(stranger.email)
  token = await apiToken(ctx, officer.email)
  otherToken = await apiToken(ctx, stranger.email)
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      receivedAt: '2026-03-02',
      source: 'police',
      summary: 'A boy found working at a car wash; a woman with him says her wages go to the boss.',
      people: [
        {
          names: ['Ardit Hoxha'],
          dateOfBirth: `${thisYear - 16}-01-15`,
          gender: 'male',
          nationalities: ['AL'],
          role: 'potential-victim',
        },
        {
          names: ['Ioana Popescu'],
          dateOfBirth: '1994-05-20',
          gender: 'female',
          nationalities: ['RO'],
          role: 'potential-victim',
        },
      ],
      locations: [{ addressLine1: '4 Dock Road', town: 'Hull', postcode: 'HU3 4AB', premisesType: 'car-wash' }],
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

const draftUrl = (personId: string) => `/referrals/${referralId}/people/${personId}/nrm-draft`
const apiUrl = (personId: string) => `/api/v1/referrals/${referralId}/people/${personId}/nrm-draft`
const api = (method: 'GET' | 'PUT', personId: string, payload?: unknown, bearer = token) =>
  ctx.app.inject({
    method,
    url: apiUrl(personId),
    headers: { authorization: `Bearer ${bearer}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })

describe('the NRM draft for a child', () => {
  it('shows a task list on the child route, pre-filled from the referral, with the local authority contact missing', async () => {
    const page = await dc.get(draftUrl(childId))
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('NRM referral (child)')
    expect(page.body).toContain('govuk-task-list')
    expect(page.body).toContain('Not started')
    expect(page.body).toContain(`href="${draftUrl(childId)}/local-authority#laPhone"`)
    const section = await dc.get(`${draftUrl(childId)}/case`)
    expect(section.body).toContain('A boy found working at a car wash') // how they came to attention, from the referral
    expect(section.body).toContain('Filled in from Referral')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', childId)
      .where('action', '=', 'nrm.draft-viewed')
      .execute()
    expect(audit.length).toBeGreaterThan(0)
  })

  it('refuses to mark the local authority section complete without the contact, showing the error summary and keeping what was typed', async () => {
    await dc.get(`${draftUrl(childId)}/local-authority`)
    const bad = await dc.post(`${draftUrl(childId)}/local-authority`, {
      version: '',
      laName: 'Hull City Council children’s services',
      laPhone: '',
      laEmail: 'not-an-email',
      complete: 'yes',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('There is a problem')
    expect(bad.body).toContain('Enter an email address in the correct format')
    expect(bad.body).toContain('Hull City Council children’s services')
    expect(bad.body).toContain('value="not-an-email"')
    const missing = await dc.post(`${draftUrl(childId)}/local-authority`, {
      version: '',
      laName: 'Hull City Council children’s services',
      laPhone: '',
      laEmail: 'mash@example.org',
      complete: 'yes',
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('the form needs it for an NRM referral (child)')
    expect(missing.body).toContain('href="#laPhone"')
    expect(
      await ctx.db.selectFrom('nrm_drafts').select('id').where('person_id', '=', childId).executeTakeFirst(),
    ).toBeUndefined()
  })

  it('saves the section with an audit row, and marks it completed', async () => {
    const ok = await dc.post(`${draftUrl(childId)}/local-authority`, {
      version: '',
      laName: 'Hull City Council children’s services',
      laContactName: 'Priya Natarajan',
      laPhone: '0113 496 0456',
      laEmail: 'mash@example.org',
      complete: 'yes',
    })
    expect(ok.statusCode).toBe(303)
    const row = await ctx.db
      .selectFrom('nrm_drafts')
      .selectAll()
      .where('person_id', '=', childId)
      .executeTakeFirstOrThrow()
    expect(row.version).toBe(1)
    expect(row.data).toMatchObject({
      answers: { laName: 'Hull City Council children’s services', laPhone: '0113 496 0456' },
      completed: ['local-authority'],
    })
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['details', 'category'])
      .where('subject_id', '=', childId)
      .where('action', '=', 'nrm.draft-saved')
      .execute()
    expect(audit).toHaveLength(1)
    expect(JSON.stringify(audit[0].details)).not.toContain('0113') // the keys changed, never the answers
    const page = await dc.get(draftUrl(childId))
    expect(page.body).not.toContain(`local-authority#laPhone`)
    expect(page.body).toMatch(/Local authority \(child\)[\s\S]*?Completed/)
  })

  it('never overwrites someone else’s save: a stale version is refused and the words typed are shown again', async () => {
    const stale = await dc.post(`${draftUrl(childId)}/police`, {
      version: '',
      crimeReference: 'HU-2026-0001',
      policeForce: 'Humberside Police',
      complete: 'no',
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.body).toContain('Someone else saved this NRM draft')
    expect(stale.body).toContain('HU-2026-0001')
  })
})

describe('every section of the form', () => {
  it('shows each section of the child and the adult form, and only the sections of that route', async () => {
    for (const personId of [childId, adultId]) {
      const { sections } = (await api('GET', personId)).json() as { sections: { id: string }[] }
      for (const s of sections) {
        const page = await dc.get(`${draftUrl(personId)}/${s.id}`)
        expect(page.statusCode, `${personId} ${s.id}`).toBe(200)
      }
      expect(sections.some((s) => s.id === 'local-authority')).toBe(personId === childId)
    }
    expect((await dc.get(`${draftUrl(adultId)}/local-authority`)).statusCode).toBe(404)
    expect((await dc.post(`${draftUrl(adultId)}/consent`, { version: '', complete: 'yes' })).statusCode).toBe(404) // Lantern answers it: no form
  })
})

describe('the NRM draft API', () => {
  it('reads the draft with one key per form question and what is missing', async () => {
    const response = await api('GET', childId)
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.route).toBe('child-nrm')
    expect(body.version).toBe(1)
    expect(body.ready).toBe(false)
    expect(body.form['la.phone']).toBe('0113 496 0456')
    expect(body.form['exp.types']).toBe('Labour exploitation')
    expect(body.form['pv.nationality']).toBe('Albania')
    expect(body.missing.map((m: { id: string }) => m.id)).toContain('view.professional')
    expect(body.missing.map((m: { id: string }) => m.id)).not.toContain('la.email')
  })

  it('answers bad input with an RFC 9457 problem pointing at each answer, and saves nothing', async () => {
    const response = await api('PUT', childId, {
      version: 1,
      answers: { laEmail: 'nope', dependantCount: 'lots', favouriteColour: 'blue' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('application/problem+json')
    const problem = response.json()
    expect(problem.type).toBe('urn:lantern:problem:invalid-nrm-draft')
    expect(problem.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/answers/dependantCount',
      '/answers/favouriteColour',
      '/answers/laEmail',
    ])
    expect(
      (
        await ctx.db
          .selectFrom('nrm_drafts')
          .select('version')
          .where('person_id', '=', childId)
          .executeTakeFirstOrThrow()
      ).version,
    ).toBe(1)
  })

  it('refuses a stale version with 409 and saves the current one', async () => {
    expect((await api('PUT', childId, { version: null, answers: { crimeReference: 'X' } })).statusCode).toBe(409)
    const saved = await api('PUT', childId, {
      version: 1,
      answers: {
        crimeReference: 'HU-2026-0001',
        policeForce: 'Humberside Police',
        overseasCountries: ['AL', 'Greece'],
      },
    })
    expect(saved.statusCode).toBe(200)
    expect(saved.json().version).toBe(2)
    expect(saved.json().form['loc.overseas']).toBe('Albania, Greece')
    expect(saved.json().form['loc.where']).toBe('Both')
  })

  it('keeps the draft from an officer with no duty to the person (pages and API)', async () => {
    expect((await api('GET', childId, undefined, otherToken)).statusCode).toBe(403)
    expect((await api('PUT', childId, { version: 2, answers: { crimeReference: 'Y' } }, otherToken)).statusCode).toBe(
      403,
    )
    expect((await other.get(draftUrl(childId))).statusCode).toBe(403)
    expect(
      (
        await ctx.db
          .selectFrom('nrm_drafts')
          .select('version')
          .where('person_id', '=', childId)
          .executeTakeFirstOrThrow()
      ).version,
    ).toBe(2)
  })

  it('keeps the form’s exploitation sub-types as well as the statistics category, chosen on the page', async () => {
    const page = await dc.get(`${draftUrl(childId)}/exploitation`)
    expect(page.body).toContain('Labour exploitation') // the category, from Lantern
    expect(page.body).toContain('name="exploitationSubtypes"')
    const bad = await dc.post(`${draftUrl(childId)}/exploitation`, {
      version: '2',
      exploitationSubtypes: ['labour-car-wash', 'made-up'],
      complete: 'yes',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Not recognised: made-up')
    const ok = await dc.post(`${draftUrl(childId)}/exploitation`, {
      version: '2',
      exploitationSubtypes: ['labour-car-wash', 'criminal-cannabis'],
      complete: 'yes',
    })
    expect(ok.statusCode).toBe(303)
    const body = (await api('GET', childId)).json()
    expect(body.answers.exploitationSubtypes).toEqual(['labour-car-wash', 'criminal-cannabis'])
    expect(body.form['exp.subtypes']).toBe('Labour: car washes; Criminal: cannabis cultivation')
    expect(body.form['exp.types']).toBe('Labour exploitation')
  })

  it('downloads the structured export from the page, one key per form question, audited as a download', async () => {
    const response = await dc.get(`/referrals/${referralId}/people/${childId}/nrm-draft.json`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-disposition']).toContain('attachment')
    const body = response.json()
    expect(body.route).toBe('child-nrm')
    expect(body.form['la.name']).toBe('Hull City Council children’s services')
    expect(body.questions.find((q: { id: string }) => q.id === 'la.phone')).toMatchObject({
      required: true,
      answer: '0113 496 0456',
      source: 'Your answer',
    })
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('subject_id', '=', childId)
      .where('action', '=', 'document.downloaded')
      .execute()
    expect(audit.map((a) => (a.details as { document: string }).document)).toContain('nrm-form-export')
    expect((await other.get(`/referrals/${referralId}/people/${childId}/nrm-draft.json`)).statusCode).toBe(403)
  })

  it('puts an adult on the adult route, where consent is required and no local authority is asked', async () => {
    const body = (await api('GET', adultId)).json()
    expect(body.route).toBe('adult-nrm')
    expect(Object.keys(body.form)).not.toContain('la.name')
    expect(body.missing.map((m: { id: string }) => m.id)).toContain('con.decision')
  })
})

describe('the NRM summary PDF', () => {
  it('carries every answered question in the form’s order, in words rather than codes', async () => {
    // Screen the child, so the summary can be downloaded.
    await dc.get(`/referrals/${referralId}`)
    const started = await dc.post(`/referrals/${referralId}/people/${childId}/screenings`, {})
    const base = started.headers.location!.replace(/\/age$/, '')
    await dc.post(`${base}/age`, {
      'dateOfBirth-day': '15',
      'dateOfBirth-month': '1',
      'dateOfBirth-year': String(thisYear - 16),
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
      directions: ['into'],
      endedOnArrival: 'no',
      entryRoute: 'trafficked',
    })
    await dc.post(`${base}/exploitation`, {
      purpose: 'forced labour at a car wash',
      types: 'LABOUR',
      countyLines: 'no',
      exploitedAsChild: 'no',
    })
    await dc.post(`${base}/indicators`, {
      indicators: ['debt', 'lives-at-work'],
      means: ['debt_bondage', 'withheld_wages'],
    })
    await dc.post(`${base}/offence`, { suspected: 'no', offence: '' })
    expect((await dc.post(`${base}/outcome`, { decision: 'confirm' })).statusCode).toBe(303)

    const saved = await api('PUT', childId, {
      version: 3,
      answers: {
        placeOfBirth: 'Durrës, Albania',
        recruitment: 'Offered work by a cousin’s friend in Tirana',
        stillInSituation: 'no',
        professionalView: 'Consistent account of debt bondage at the car wash',
        willingToCooperate: 'yes',
      },
    })
    expect(saved.statusCode).toBe(200)
    const pdf = await dc.get(`/referrals/${referralId}/people/${childId}/nrm-summary.pdf`)
    expect(pdf.statusCode).toBe(200)
    const text = await pdfText(pdf.rawPayload)
    const answers = [
      'Hull City Council children’s services',
      'mash@example.org',
      'Durrës, Albania',
      'Offered work by a cousin’s friend in Tirana',
      'forced labour at a car wash',
      'Labour: car washes',
      'Greece',
      'Consistent account of debt bondage at the car wash',
      'HU-2026-0001',
      'Humberside Police',
    ]
    const positions = answers.map((a) => text.indexOf(a))
    for (const [i, a] of answers.entries()) expect(positions[i], a).toBeGreaterThan(-1)
    expect([...positions].sort((x, y) => x - y)).toEqual(positions) // the form's order
    expect(text).toContain('Home Office form answers, in the form’s order: NRM referral (child)')
    expect(text).toContain('Labour exploitation')
    expect(text).not.toContain('LABOUR')
    expect(text).not.toContain('SCA_OR_LA_PILOT')
    expect(text).not.toContain('TRAFFICKING')
  })
})

describe('subject access', () => {
  it('withholds the draft, its answers and its audit trail from a DPO without the victim side', async () => {
    const dpoUser = await createUser(ctx, 'auditor')
    const dpo = new PageClient(ctx.app)
    await dpo.signIn(dpoUser.email)
    const response = await dpo.get(
      `/subject-access/bundle.json?personId=${childId}&request=${encodeURIComponent('SAR-NRM-1')}`,
    )
    expect(response.statusCode).toBe(200)
    const text = response.body
    for (const answer of [
      'Hull City Council',
      'mash@example.org',
      'HU-2026-0001',
      'NRM referral form (draft)',
      'nrm.draft-saved',
      'nrm.draft-viewed',
    ])
      expect(text, answer).not.toContain(answer)
  })
})

describe('the demo', () => {
  it('has a complete child NRM draft with the local authority contact and a partly completed adult draft on first start', async () => {
    const demo = await createTestContext()
    try {
      await loadDemo(demo.db, { dataDir: demo.config.dataDir, referrals: 60, passwordHashCost: 10 })
      const rows = await demo.db
        .selectFrom('nrm_drafts')
        .innerJoin('referrals', 'referrals.id', 'nrm_drafts.referral_id')
        .select(['nrm_drafts.referral_id', 'nrm_drafts.person_id', 'referrals.assigned_to'])
        .execute()
      expect(rows).toHaveLength(2)
      const drafts = createNrmDraftService(demo.db)
      const views = []
      for (const r of rows) {
        const officer = await currentUserOf(demo, r.assigned_to!)
        views.push(await drafts.view(r.referral_id, r.person_id, officer, { userId: officer.id }, { audit: false }))
      }
      const child = views.find((v) => v.route === 'child-nrm')!
      const adult = views.find((v) => v.route === 'adult-nrm')!
      expect(child.missing.map((q) => q.id)).toEqual([])
      expect(child.ready).toBe(true)
      expect(child.export['la.email']).toBe('mash@example.org')
      expect(adult.ready).toBe(false)
      expect(adult.sections.map((s) => s.state)).toEqual(
        expect.arrayContaining(['Completed', 'In progress', 'Not started']),
      )
      // A ready form is recorded as sent without saying it went another way; the Home Office reference then shows in the form.
      const childRow = rows[views.indexOf(child)]
      const officer = await currentUserOf(demo, childRow.assigned_to!)
      const nrm = createNrmService(demo.db, createScreeningRules())
      await nrm.submit(
        childRow.referral_id,
        childRow.person_id,
        {
          submittedOn: '2026-11-02',
          nrmReference: 'NRM-DEMO-0001',
          firstResponderOrganisation: 'Police',
          competentAuthority: 'SCA',
        },
        officer,
        { userId: officer.id },
      )
      const after = await drafts.view(
        childRow.referral_id,
        childRow.person_id,
        officer,
        { userId: officer.id },
        { audit: false },
      )
      expect(after.export['ho.reference']).toBe('NRM-DEMO-0001')
    } finally {
      await demo.close()
    }
  })
})
