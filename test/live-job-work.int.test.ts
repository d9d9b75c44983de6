import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildApiUser,
  buildLiveJob,
  dateFields,
  signedInPages,
  type BuiltLiveJob,
  type BuiltUser,
} from './support/builders.ts'
import { createTestContext, type PageClient, type TestContext } from './support/test-app.ts'

/**
 * Live-job work (issue 16, section 5): the officer in charge's decisions countersigned by a supervisor, custody,
 * bail, RUI and CPS dates, the exhibit and handset log, intelligence reports by reference, and the API's view of
 * a job with its places, objects, deal lines and cuckooed addresses under the page's access policy.
 */
let ctx: TestContext
let oic: BuiltUser & { token: string }
let supervisor: BuiltUser & { token: string }
let outsider: BuiltUser & { token: string }
let job: BuiltLiveJob
let oicPages: PageClient
let supervisorPages: PageClient

beforeAll(async () => {
  ctx = await createTestContext()
  oic = await buildApiUser(ctx, 'investigator')
  supervisor = await buildApiUser(ctx, 'supervisor')
  outsider = await buildApiUser(ctx, 'investigator')
  job = await buildLiveJob(ctx, oic, {
    kind: 'county-lines',
    referral: { people: [{ names: ['Kyle Dunn'], role: 'suspected-exploiter', gender: 'male' }] },
  })
  oicPages = await signedInPages(ctx, oic, { at: `/cases/${job.id}` })
  supervisorPages = await signedInPages(ctx, supervisor, { at: `/cases/${job.id}` })
})

afterAll(async () => {
  await ctx.close()
})

const decisionForm = (decision: string) => ({
  ...dateFields('decidedOn', '2026-12-01'),
  decision,
  rationale: 'Enough evidence of the line running from the flat',
})

describe('the decision log', () => {
  it('the officer in charge records a decision; another officer cannot', async () => {
    const recorded = await oicPages.post(`/cases/${job.id}/decisions`, decisionForm('Apply for a drugs warrant'))
    expect(recorded.statusCode).toBe(303)
    const other = await signedInPages(ctx, outsider, { at: `/cases/${job.id}` })
    const refused = await other.post(`/cases/${job.id}/decisions`, decisionForm('Close it'))
    expect(refused.statusCode).toBe(403)
    expect(refused.body).toContain('Only the officer in charge or a supervisor writes in the decision log')
    const page = await supervisorPages.get(`/cases/${job.id}`)
    expect(page.body).toContain('Apply for a drugs warrant')
    expect(page.body).toContain('Awaiting countersignature')
  })

  it('a supervisor reviews and countersigns it once, never their own, and the officer cannot', async () => {
    const decision = await ctx.db
      .selectFrom('case_decisions')
      .select('id')
      .where('case_id', '=', job.id)
      .executeTakeFirstOrThrow()
    const byOfficer = await oicPages.post(`/cases/${job.id}/decisions/${decision.id}/countersign`, {})
    expect(byOfficer.statusCode).toBe(403)
    const signed = await supervisorPages.post(`/cases/${job.id}/decisions/${decision.id}/countersign`, {
      countersignComment: 'Agreed: proportionate',
    })
    expect(signed.statusCode).toBe(303)
    const again = await supervisorPages.post(`/cases/${job.id}/decisions/${decision.id}/countersign`, {})
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('This decision is already countersigned')
    const page = await oicPages.get(`/cases/${job.id}`)
    expect(page.body).toContain('Countersigned</strong> by')
    expect(page.body).toContain('Agreed: proportionate')

    // A supervisor's own decision waits for another supervisor.
    await supervisorPages.post(`/cases/${job.id}/decisions`, decisionForm('Make the job a priority'))
    const own = await ctx.db
      .selectFrom('case_decisions')
      .select('id')
      .where('case_id', '=', job.id)
      .where('recorded_by', '=', supervisor.id)
      .executeTakeFirstOrThrow()
    const ownSign = await supervisorPages.post(`/cases/${job.id}/decisions/${own.id}/countersign`, {})
    expect(ownSign.statusCode).toBe(400)
    expect(ownSign.body).toContain('countersigned by a supervisor other than its author')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'case.decision-countersigned')
      .execute()
    expect(audit).toHaveLength(1)
  })
})

describe('stage dates, exhibits and intelligence reports', () => {
  it('records custody, bail and CPS dates, refusing a stage not chosen and a due date before the stage', async () => {
    const missing = await oicPages.post(`/cases/${job.id}/stage-dates`, {
      stageKind: '',
      ...dateFields('stageDate', '2026-12-02'),
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Select the stage')
    const backwards = await oicPages.post(`/cases/${job.id}/stage-dates`, {
      stageKind: 'bail',
      ...dateFields('stageDate', '2026-12-02'),
      ...dateFields('stageDue', '2026-12-01'),
    })
    expect(backwards.statusCode).toBe(400)
    expect(backwards.body).toContain('The date due must be on or after the stage date')
    const bail = await oicPages.post(`/cases/${job.id}/stage-dates`, {
      stageKind: 'bail',
      ...dateFields('stageDate', '2026-12-02'),
      ...dateFields('stageDue', '2026-12-30'),
      stageNote: 'Bail to return to Northampton custody',
    })
    expect(bail.statusCode).toBe(303)
    const cps = await oicPages.post(`/cases/${job.id}/stage-dates`, {
      stageKind: 'cps-advice',
      ...dateFields('stageDate', '2026-12-03'),
    })
    expect(cps.statusCode).toBe(303)
    const page = await oicPages.get(`/cases/${job.id}`)
    expect(page.body).toContain('Released on bail (bail return date due)')
    expect(page.body).toContain('30 December 2026')
    expect(page.body).toContain('File sent to the CPS for advice')
  })

  it('logs exhibits and handsets (the handset’s number as a phone on the job), refusing a reference twice', async () => {
    const handset = await oicPages.post(`/cases/${job.id}/exhibits`, {
      exhibitKind: 'handset',
      exhibitReference: 'KD/1',
      exhibitDescription: 'Black Nokia, cracked screen',
      exhibitPhone: '07700 900777',
      exhibitStorage: 'Sent for download',
    })
    expect(handset.statusCode).toBe(303)
    const badPhone = await oicPages.post(`/cases/${job.id}/exhibits`, {
      exhibitKind: 'handset',
      exhibitReference: 'KD/2',
      exhibitDescription: 'Second phone',
      exhibitPhone: 'not a number',
    })
    expect(badPhone.statusCode).toBe(400)
    const twice = await oicPages.post(`/cases/${job.id}/exhibits`, {
      exhibitKind: 'exhibit',
      exhibitReference: 'KD/1',
      exhibitDescription: 'Cash',
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.body).toContain('That exhibit reference is already in the log')
    const cash = await oicPages.post(`/cases/${job.id}/exhibits`, {
      exhibitKind: 'exhibit',
      exhibitReference: 'KD/3',
      exhibitDescription: '£2,400 in cash',
    })
    expect(cash.statusCode).toBe(303)
    const page = await oicPages.get(`/cases/${job.id}`)
    expect(page.body).toContain('Black Nokia, cracked screen')
    expect(page.body).toContain('£2,400 in cash')
  })

  it('links intelligence reports by reference, once each', async () => {
    const empty = await oicPages.post(`/cases/${job.id}/intelligence-reports`, { intelReference: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter the intelligence report reference')
    const linked = await oicPages.post(`/cases/${job.id}/intelligence-reports`, {
      intelReference: 'nn-2026-00412',
      intelNote: 'Line moved to a new handset',
    })
    expect(linked.statusCode).toBe(303)
    const twice = await oicPages.post(`/cases/${job.id}/intelligence-reports`, { intelReference: 'NN-2026-00412' })
    expect(twice.statusCode).toBe(400)
  })
})

describe('GET /api/v1/cases/:id', () => {
  it('returns the job’s places, objects, deal lines, cuckooed addresses, countersigned decisions, dates and exhibits', async () => {
    await ctx.services.cases.addDealLine(
      job.id,
      {
        number: '07700 900123',
        lineName: 'Bando',
        area: 'Northampton',
        activeFrom: null,
        activeTo: null,
        personId: null,
        relation: 'runs',
      },
      oic.current,
      oic.actor,
    )
    await ctx.services.cases.addCuckooedAddress(
      job.id,
      {
        addressLine1: 'Flat 3, 9 Kettering Road',
        town: 'Northampton',
        postcode: 'NN1 4AZ',
        occupantName: 'Gary Platt',
        vulnerability: 'learning disability',
      },
      oic.current,
      oic.actor,
    )
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${job.id}`,
      headers: { authorization: `Bearer ${oic.token}` },
    })
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json()
    expect(body.places).toEqual([
      expect.objectContaining({
        display: 'Flat 3, 9 Kettering Road, Northampton, NN1 4AZ',
        cuckooed: true,
        people: [expect.objectContaining({ name: 'Gary Platt', relation: 'occupant' })],
      }),
    ])
    expect(body.cuckooedAddresses).toEqual([
      expect.objectContaining({ occupants: [expect.objectContaining({ name: 'Gary Platt' })] }),
    ])
    expect(body.dealLines).toEqual([expect.objectContaining({ lineName: 'Bando', area: 'Northampton' })])
    expect(body.objects).toEqual([
      expect.objectContaining({ kind: 'phone', display: expect.stringContaining('07700') }),
    ])
    expect(body.decisions[0].countersigned).toMatchObject({ comment: 'Agreed: proportionate' })
    expect(body.stageDates.map((d: { kind: string }) => d.kind)).toEqual(['bail', 'cps-advice'])
    expect(body.exhibits.map((x: { reference: string }) => x.reference)).toEqual(['KD/1', 'KD/3'])
    expect(body.intelligenceReports).toEqual([{ reference: 'NN-2026-00412', note: 'Line moved to a new handset' }])

    // The same cuckooed address and occupant again, as the page's form would send them: no second copies.
    await ctx.services.cases.addCuckooedAddress(
      job.id,
      {
        addressLine1: 'flat 3, 9 kettering road',
        town: null,
        postcode: 'NN1 4AZ',
        occupantName: 'gary platt',
        vulnerability: 'learning disability',
      },
      oic.current,
      oic.actor,
    )
    const again = (
      await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/cases/${job.id}`,
        headers: { authorization: `Bearer ${oic.token}` },
      })
    ).json()
    expect(again.places).toHaveLength(1)
    expect(again.people.filter((p: { name: string }) => p.name === 'Gary Platt')).toHaveLength(1)
  })

  it('answers a restricted job as not found to someone outside it, as the page does', async () => {
    await ctx.services.cases.update(job.id, { restricted: true }, supervisor.current, supervisor.actor)
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${job.id}`,
      headers: { authorization: `Bearer ${outsider.token}` },
    })
    expect(response.statusCode).toBe(404)
    expect(response.body).not.toContain('Kettering')
  })
})
