import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

/**
 * Crime and occurrence references (issue 14, section 2): added and removed on referrals and live jobs, by page and
 * API, with the audit row in the same transaction; found by search however they are typed, except inside a
 * restricted live job the searcher may not see; carried to the live job and the NRM referral; pre-filled into the
 * NRM form with their source; and the Duty to Notify step prompts for a crime when none is recorded.
 */
let ctx: TestContext
type Who = { id: string; email: string; token: string; pages: PageClient }
let officer: Who
let outsider: Who
let supervisor: Who
let referralId: string
let childId: string
let adultId: string

const thisYear = new Date().getUTCFullYear()

async function user(role: 'investigator' | 'supervisor'): Promise<Who> {
  const u = await createUser(ctx, role)
  const pages = new PageClient(ctx.app)
  await pages.signIn(u.email)
  return { ...u, token: await apiToken(ctx, u.email), pages }
}

const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${who.token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })

async function newReferral(
  who: Who,
  people: unknown[] = [{ names: ['Mira Test'], approximateAge: 30, gender: 'female', role: 'potential-victim' }],
) {
  const made = await call(who, 'POST', '/api/v1/referrals', {
    receivedAt: '2026-03-02',
    source: 'police',
    summary: 'Workers sleeping at a car wash',
    people,
    exploitationTypes: ['labour'],
  })
  expect(made.statusCode).toBe(201)
  return made.json() as { id: string; people: { personId: string }[] }
}

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await user('investigator')
  outsider = await user('investigator')
  supervisor = await user('supervisor')
  const made = await newReferral(officer, [
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
  ])
  referralId = made.id
  childId = made.people[0].personId
  adultId = made.people[1].personId
})
afterAll(() => ctx.close())

describe('references on a referral', () => {
  it('adds references on the page, shows their kind in words, and audits each in the same transaction', async () => {
    const page = await officer.pages.get(`/referrals/${referralId}`)
    expect(page.body).toContain('Crime and occurrence references')
    expect(page.body).toContain('No crime number, CAD log, helpline or intelligence reference recorded.')
    const added = await officer.pages.post(`/referrals/${referralId}/references`, {
      referenceKind: 'cad',
      referenceValue: '  CAD 1234   05/12 ',
    })
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toBe(`/referrals/${referralId}#references`)
    const shown = await officer.pages.get(`/referrals/${referralId}`)
    expect(shown.body).toContain('CAD or incident log')
    expect(shown.body).toContain('CAD 1234 05/12')
    const row = await ctx.db
      .selectFrom('occurrence_references')
      .selectAll()
      .where('referral_id', '=', referralId)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ kind: 'cad', value: 'CAD 1234 05/12', normalised: '12340512', created_by: officer.id })
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['category', 'details', 'actor_user_id'])
      .where('action', '=', 'occurrence-reference.added')
      .where('subject_id', '=', referralId)
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({
      category: 'collection',
      actor_user_id: officer.id,
      details: { referenceId: row.id, kind: 'cad' },
    })
    expect(JSON.stringify(audit.details)).not.toContain('1234')
  })

  it('shows bad input in a GOV.UK error summary and keeps what was typed', async () => {
    const noKind = await officer.pages.post(`/referrals/${referralId}/references`, {
      referenceKind: '',
      referenceValue: 'NY-2026-1',
    })
    expect(noKind.statusCode).toBe(400)
    expect(noKind.body).toContain('govuk-error-summary')
    expect(noKind.body).toContain('href="#referenceKind"')
    expect(noKind.body).toContain('Select the kind of reference')
    expect(noKind.body).toContain('value="NY-2026-1"')
    const noDigits = await officer.pages.post(`/referrals/${referralId}/references`, {
      referenceKind: 'crime',
      referenceValue: 'pending',
    })
    expect(noDigits.statusCode).toBe(400)
    expect(noDigits.body).toContain('Reference must include a number')
    const tooLong = await officer.pages.post(`/referrals/${referralId}/references`, {
      referenceKind: 'crime',
      referenceValue: '1'.repeat(61),
    })
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.body).toContain('60 characters or fewer')
    const twice = await officer.pages.post(`/referrals/${referralId}/references`, {
      referenceKind: 'cad',
      referenceValue: 'cad1234/05-12',
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.body).toContain('is already recorded here')
    expect(
      await ctx.db.selectFrom('occurrence_references').select('id').where('referral_id', '=', referralId).execute(),
    ).toHaveLength(1)
  })

  it('adds, lists and removes over the API, with problem details on bad input', async () => {
    const bad = await call(officer, 'POST', `/api/v1/referrals/${referralId}/references`, {
      kind: 'parking-ticket',
      value: 'X1',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect(bad.json().errors[0].pointer).toBe('/kind')
    const noNumber = await call(officer, 'POST', `/api/v1/referrals/${referralId}/references`, {
      kind: 'crime',
      value: 'unknown',
    })
    expect(noNumber.statusCode).toBe(400)
    expect(noNumber.json().errors).toEqual([{ pointer: '/value', detail: expect.stringContaining('include a number') }])
    const extra = await call(officer, 'POST', `/api/v1/referrals/${referralId}/references`, {
      kind: 'crime',
      value: 'NY-2026-1',
      note: 'x',
    })
    expect(extra.statusCode).toBe(400)
    const missing = await call(officer, 'POST', `/api/v1/referrals/00000000-0000-7000-8000-000000000000/references`, {
      kind: 'crime',
      value: 'NY-2026-1',
    })
    expect(missing.statusCode).toBe(404)

    const intel = await call(officer, 'POST', `/api/v1/referrals/${referralId}/references`, {
      kind: 'intelligence',
      value: 'IR/2026/000871',
    })
    expect(intel.statusCode).toBe(201)
    expect(intel.json()).toMatchObject({
      kind: 'intelligence',
      kindLabel: 'Intelligence report reference',
      value: 'IR/2026/000871',
      carriedFromReferral: null,
    })
    const listed = await call(officer, 'GET', `/api/v1/referrals/${referralId}/references`)
    expect(listed.json().items.map((r: { value: string }) => r.value)).toEqual(['CAD 1234 05/12', 'IR/2026/000871'])
    const removed = await call(officer, 'POST', `/api/v1/referrals/${referralId}/references/${intel.json().id}/remove`)
    expect(removed.statusCode).toBe(204)
    expect(
      (await call(officer, 'POST', `/api/v1/referrals/${referralId}/references/${intel.json().id}/remove`)).statusCode,
    ).toBe(404)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('category')
      .where('action', '=', 'occurrence-reference.removed')
      .where('subject_id', '=', referralId)
      .execute()
    expect(audit).toEqual([{ category: 'alteration' }])
  })

  it('removes a reference from the page', async () => {
    const added = await call(officer, 'POST', `/api/v1/referrals/${referralId}/references`, {
      kind: 'helpline',
      value: 'MSH-2026-05555',
    })
    await officer.pages.get(`/referrals/${referralId}`)
    const removed = await officer.pages.post(`/referrals/${referralId}/references/${added.json().id}/remove`, {})
    expect(removed.statusCode).toBe(303)
    expect((await officer.pages.get(`/referrals/${referralId}`)).body).not.toContain('MSH-2026-05555')
  })
})

describe('the Duty to Notify step and the NRM', () => {
  async function screen(personId: string, adult: boolean) {
    await officer.pages.get(`/referrals/${referralId}`)
    const started = await officer.pages.post(`/referrals/${referralId}/people/${personId}/screenings`, {})
    expect(started.statusCode).toBe(303)
    const base = started.headers.location!.replace(/\/age$/, '')
    const dob = adult ? { d: '20', m: '5', y: '1994' } : { d: '15', m: '1', y: String(thisYear - 16) }
    await officer.pages.post(`${base}/age`, {
      'dateOfBirth-day': dob.d,
      'dateOfBirth-month': dob.m,
      'dateOfBirth-year': dob.y,
      age: '',
      claimedAge: '',
      ageDisputed: 'no',
      assessment: 'not_started',
    })
    await officer.pages.post(`${base}/encounter`, {
      location: 'England',
      encounteredBy: 'police',
      detention: 'none',
      diplomaticHousehold: 'no',
      safeguardingConcern: 'yes',
    })
    await officer.pages.post(`${base}/travel`, {
      arranged: 'yes',
      directions: ['into'],
      endedOnArrival: 'no',
      entryRoute: 'trafficked',
    })
    await officer.pages.post(`${base}/exploitation`, {
      purpose: 'forced labour at a car wash',
      types: 'LABOUR',
      countyLines: 'no',
      exploitedAsChild: adult ? 'no' : 'yes',
    })
    await officer.pages.post(`${base}/indicators`, {
      indicators: ['debt', 'lives-at-work'],
      means: ['debt_bondage', 'withheld_wages'],
    })
    if (adult)
      await officer.pages.post(`${base}/consent`, {
        decision: 'refused',
        'consentDate-day': '3',
        'consentDate-month': '3',
        'consentDate-year': '2026',
        explainedBy: 'DC Shah',
        interpreterUsed: 'no',
      })
    await officer.pages.post(`${base}/offence`, { suspected: 'no', offence: '' })
    await officer.pages.get(`${base}/outcome`)
    expect((await officer.pages.post(`${base}/outcome`, { decision: 'confirm' })).statusCode).toBe(303)
  }

  it('prompts for a crime on the Duty to Notify step when none is recorded, with a link to add one; then shows it', async () => {
    await screen(adultId, true)
    const before = await officer.pages.get(`/referrals/${referralId}/people/${adultId}/nrm`)
    expect(before.statusCode).toBe(200)
    expect(before.body).toContain('id="dtn-crime-prompt"')
    expect(before.body).toContain('govuk-warning-text')
    expect(before.body).toContain('Home Office Counting Rules')
    expect(before.body).toContain(`href="/referrals/${referralId}#references"`)
    // A CAD log is not a crime record: the prompt stays.
    expect(before.body).not.toContain('id="dtn-crime-recorded"')

    expect(
      (
        await call(officer, 'POST', `/api/v1/referrals/${referralId}/references`, {
          kind: 'crime',
          value: 'NY-2026-004512',
        })
      ).statusCode,
    ).toBe(201)
    const after = await officer.pages.get(`/referrals/${referralId}/people/${adultId}/nrm`)
    expect(after.body).not.toContain('id="dtn-crime-prompt"')
    expect(after.body).toMatch(
      /id="dtn-crime-recorded">Crime recorded: crime number <span class="lantern-nowrap">NY-2026-004512<\/span>/,
    )
  })

  it('pre-fills the NRM form’s crime reference from the referral, naming its source', async () => {
    const form = await officer.pages.get(`/referrals/${referralId}/people/${childId}/nrm-draft/police`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('value="NY-2026-004512"')
    expect(form.body).toMatch(/Referral REF-\d{4}-\d{6}: crime number recorded on it/)
    const draft = await call(officer, 'GET', `/api/v1/referrals/${referralId}/people/${childId}/nrm-draft`)
    expect(draft.json().form['pol.crimeReference']).toBe('NY-2026-004512')
  })

  it('carries the referral’s references to the NRM referral it makes', async () => {
    await screen(childId, false)
    const submitted = await officer.pages.post(`/referrals/${referralId}/people/${childId}/nrm-referrals`, {
      'submittedOn-day': '3',
      'submittedOn-month': '3',
      'submittedOn-year': '2026',
      firstResponderOrganisation: 'Police',
      completedElsewhere: 'yes',
    })
    expect(submitted.statusCode).toBe(303)
    const nrm = await ctx.db
      .selectFrom('nrm_referrals')
      .select('id')
      .where('person_id', '=', childId)
      .executeTakeFirstOrThrow()
    const carried = await ctx.db
      .selectFrom('occurrence_references')
      .select(['kind', 'value', 'copied_from'])
      .where('nrm_referral_id', '=', nrm.id)
      .orderBy('created_at')
      .execute()
    expect(carried.map((r) => r.value)).toEqual(['CAD 1234 05/12', 'NY-2026-004512'])
    expect(carried.every((r) => r.copied_from !== null)).toBe(true)
    const facet = await officer.pages.get(`/referrals/${referralId}/people/${childId}/nrm`)
    expect(facet.body).toContain('Crime and occurrence references')
  })
})

describe('live jobs', () => {
  let caseId: string
  it('carries the referral’s references to the live job opened from it, saying where they came from', async () => {
    const opened = await call(officer, 'POST', '/api/v1/cases', { referralId, title: 'Car wash on Dock Road' })
    expect(opened.statusCode).toBe(201)
    caseId = opened.json().id
    const listed = await call(officer, 'GET', `/api/v1/cases/${caseId}/references`)
    expect(listed.statusCode).toBe(200)
    const referral = await call(officer, 'GET', `/api/v1/referrals/${referralId}`)
    expect(listed.json().items).toEqual([
      expect.objectContaining({ kind: 'cad', value: 'CAD 1234 05/12', carriedFromReferral: referral.json().reference }),
      expect.objectContaining({
        kind: 'crime',
        value: 'NY-2026-004512',
        carriedFromReferral: referral.json().reference,
      }),
    ])
    const page = await officer.pages.get(`/cases/${caseId}`)
    expect(page.body).toContain(`Carried from referral ${referral.json().reference}`)
  })

  it('adds and removes on the live job page, with errors shown in place', async () => {
    const bad = await officer.pages.post(`/cases/${caseId}/references`, { referenceKind: 'crime', referenceValue: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
    expect(bad.body).toContain('Enter the reference')
    const added = await officer.pages.post(`/cases/${caseId}/references`, {
      referenceKind: 'intelligence',
      referenceValue: 'IR/2026/000999',
    })
    expect(added.statusCode).toBe(303)
    const row = await ctx.db
      .selectFrom('occurrence_references')
      .select('id')
      .where('case_id', '=', caseId)
      .where('kind', '=', 'intelligence')
      .executeTakeFirstOrThrow()
    await officer.pages.get(`/cases/${caseId}`)
    expect((await officer.pages.post(`/cases/${caseId}/references/${row.id}/remove`, {})).statusCode).toBe(303)
    expect(await ctx.db.selectFrom('occurrence_references').select('id').where('id', '=', row.id).execute()).toEqual([])
  })

  it('is found by a crime number or a CAD log however it is typed, but a restricted job only by those who may see it', async () => {
    const restricted = await newReferral(officer)
    const opened = await call(officer, 'POST', '/api/v1/cases', { referralId: restricted.id, title: 'Covert job' })
    const hiddenCase = opened.json().id
    expect(
      (await call(supervisor, 'PATCH', `/api/v1/cases/${hiddenCase}`, { restricted: true, reason: 'Covert phase' }))
        .statusCode,
    ).toBe(204)
    expect(
      (
        await call(officer, 'POST', `/api/v1/cases/${hiddenCase}/references`, {
          kind: 'crime',
          value: 'WY-2026-777001',
        })
      ).statusCode,
    ).toBe(201)

    const byCrime = await call(outsider, 'GET', `/api/v1/search?q=${encodeURIComponent('ny 2026 004512')}`)
    expect(byCrime.statusCode).toBe(200)
    expect(byCrime.json().kind).toBe('reference')
    const ids = byCrime.json().references.map((r: { id: string }) => r.id)
    expect(ids).toEqual(expect.arrayContaining([referralId, caseId]))
    expect(byCrime.json().references.find((r: { id: string }) => r.id === caseId).matched).toBe(
      'Crime number NY-2026-004512',
    )
    const byCad = await outsider.pages.get(`/search?q=${encodeURIComponent('CAD 1234 05/12')}`)
    expect(byCad.body).toContain(`/referrals/${referralId}`)
    expect(byCad.body).toContain('CAD or incident log CAD 1234 05/12')

    // The restricted job's own crime number: its team finds it, an outsider finds nothing, not even that it exists.
    const team = await call(officer, 'GET', `/api/v1/search?q=WY-2026-777001`)
    expect(team.json().references.map((r: { id: string }) => r.id)).toEqual([hiddenCase])
    const outside = await call(outsider, 'GET', `/api/v1/search?q=WY-2026-777001`)
    expect(outside.json().references).toEqual([])
    expect((await outsider.pages.get(`/search?q=WY-2026-777001`)).body).not.toContain(hiddenCase)
    // Nor can they read or change its references: the job answers as a job that does not exist.
    expect((await call(outsider, 'GET', `/api/v1/cases/${hiddenCase}/references`)).statusCode).toBe(404)
    expect(
      (
        await call(outsider, 'POST', `/api/v1/cases/${hiddenCase}/references`, {
          kind: 'crime',
          value: 'WY-2026-777002',
        })
      ).statusCode,
    ).toBe(404)
    expect(
      await ctx.db.selectFrom('occurrence_references').select('id').where('case_id', '=', hiddenCase).execute(),
    ).toHaveLength(1)
  })

  it('erases a live job’s references with the job', async () => {
    const { deleteCase } = await import('#src/modules/retention/erasure.repository.ts')
    await ctx.db.transaction().execute((trx) => deleteCase(trx, caseId))
    expect(
      await ctx.db.selectFrom('occurrence_references').select('id').where('case_id', '=', caseId).execute(),
    ).toEqual([])
  })
})

describe('demo data', () => {
  it('adds synthetic references through the service (audited), and adds nothing the second time', async () => {
    const { loadDemoReferences } = await import('#src/modules/occurrence-references/index.ts')
    const before = await ctx.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'occurrence-reference.added')
      .execute()
    const first = await loadDemoReferences(ctx.db)
    expect(first.references).toBeGreaterThan(0)
    const after = await ctx.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'occurrence-reference.added')
      .execute()
    expect(after.length - before.length).toBe(first.references)
    const kinds = await ctx.db.selectFrom('occurrence_references').select('kind').distinct().execute()
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['crime', 'cad']))
    expect((await loadDemoReferences(ctx.db)).references).toBe(0)
  })
})
