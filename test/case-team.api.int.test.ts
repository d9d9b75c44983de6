import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, type TestContext } from './support/test-app.ts'

/**
 * A live job's team over the API (issue 13, ADR 0009): the same service calls and rules as the page. Only the
 * officer in charge or a supervisor changes the team, every change is audited, bad input is an RFC 9457 problem
 * with pointers, and a restricted job answers a non-member exactly as a random id does.
 */
let ctx: TestContext
type Caller = { id: string; email: string; token: string }
let oic: Caller
let dc: Caller
let outsider: Caller
let supervisor: Caller
let pcso: Caller
let caseId: string
let victimId: string
let witnessId: string
const RANDOM_ID = '00000000-0000-7000-8000-000000000000'

async function caller(role: 'investigator' | 'supervisor' | 'pcso'): Promise<Caller> {
  const user = await createUser(ctx, role)
  return { ...user, token: await apiToken(ctx, user.email) }
}

const call = (who: Caller, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${who.token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })

const team = async (who: Caller = oic) =>
  (await call(who, 'GET', `/api/v1/cases/${caseId}/members`)).json().items as {
    userId: string
    duty: string
    officerInCharge: boolean
    name: string
    role: string
    addedAt: string
  }[]

/** A problem without its `instance` (which names the URL asked for), to compare two answers. */
function problemOf(response: {
  statusCode: number
  headers: Record<string, unknown>
  json: () => Record<string, unknown>
}) {
  const { instance: _instance, ...rest } = response.json()
  return { status: response.statusCode, contentType: response.headers['content-type'], ...rest }
}

beforeAll(async () => {
  ctx = await createTestContext()
  oic = await caller('investigator')
  dc = await caller('investigator')
  outsider = await caller('investigator')
  supervisor = await caller('supervisor')
  pcso = await caller('pcso')
  // The recorder of a referral works its potential victim, so may open a live job from it and lead it.
  const referral = await call(oic, 'POST', '/api/v1/referrals', {
    receivedAt: '2026-05-02',
    source: 'police',
    summary: 'Nail bar workers living above the shop',
    people: [
      { names: ['Linh Tran'], approximateAge: 22, gender: 'female', role: 'potential-victim' },
      { names: ['Minh Pham'], approximateAge: 40, gender: 'male', role: 'witness' },
    ],
  })
  expect(referral.statusCode).toBe(201)
  ;[victimId, witnessId] = referral.json().people.map((p: { personId: string }) => p.personId)
  const opened = await call(oic, 'POST', '/api/v1/cases', {
    referralId: referral.json().id,
    title: 'Operation Lacquer',
    kind: 'investigation',
  })
  expect(opened.statusCode).toBe(201)
  caseId = opened.json().id
})
afterAll(() => ctx.close())

describe('a live job’s team over the API', () => {
  it('lists the team, the officer in charge first on the victims’ side', async () => {
    const response = await call(oic, 'GET', `/api/v1/cases/${caseId}/members`)
    expect(response.statusCode).toBe(200)
    expect(response.json().items).toEqual([
      {
        userId: oic.id,
        name: 'Test investigator',
        role: 'Investigator (DC)',
        duty: 'victim',
        officerInCharge: true,
        addedAt: expect.any(String),
      },
    ])
  })

  it('lets the officer in charge put a detective on the victims’ side and the PCSO on the suspects’ side, audited', async () => {
    expect(
      (await call(oic, 'POST', `/api/v1/cases/${caseId}/members`, { userId: dc.id, duty: 'victim' })).statusCode,
    ).toBe(204)
    expect(
      (await call(oic, 'POST', `/api/v1/cases/${caseId}/members`, { userId: pcso.id, duty: 'suspect' })).statusCode,
    ).toBe(204)
    const members = await team()
    expect(members.find((m) => m.userId === dc.id)).toMatchObject({ duty: 'victim', officerInCharge: false })
    expect(members.find((m) => m.userId === pcso.id)).toMatchObject({ duty: 'suspect', role: 'PCSO' })
    // The victim-side duty gives the detective the victim's protected side; the suspect-side one does not.
    expect((await call(dc, 'GET', `/api/v1/people/${victimId}/safeguarding-plan`)).statusCode).toBe(200)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'details'])
      .where('subject_id', '=', caseId)
      .where('action', '=', 'case.member-added')
      .execute()
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor_user_id: oic.id, details: { userId: dc.id, victimSide: true } }),
      ]),
    )
  })

  it('refuses a team member or an outsider changing the team (403), as the page does', async () => {
    for (const who of [dc, outsider]) {
      const response = await call(who, 'POST', `/api/v1/cases/${caseId}/members`, {
        userId: outsider.id,
        duty: 'victim',
      })
      expect(response.statusCode).toBe(403)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.json()).toMatchObject({
        status: 403,
        type: 'urn:lantern:problem:forbidden',
        detail: 'Only the officer in charge or a supervisor can change the team',
      })
    }
    expect(
      (await call(outsider, 'POST', `/api/v1/cases/${caseId}/members/${dc.id}/remove`, { reason: 'Not needed' }))
        .statusCode,
    ).toBe(403)
    expect(
      (
        await call(outsider, 'POST', `/api/v1/cases/${caseId}/people/${victimId}/remove`, {
          role: 'potential-victim',
          reason: 'Not needed',
        })
      ).statusCode,
    ).toBe(403)
    expect((await team()).some((m) => m.userId === outsider.id)).toBe(false)
  })

  it('answers bad input with RFC 9457 problems pointing at the fields', async () => {
    const bad = await call(oic, 'POST', `/api/v1/cases/${caseId}/members`, { userId: 'someone', duty: 'both' })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect(bad.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(
      expect.arrayContaining(['/userId', '/duty']),
    )
    expect(
      (await call(oic, 'POST', `/api/v1/cases/${caseId}/members`, { userId: dc.id, duty: 'victim', role: 'boss' }))
        .statusCode,
    ).toBe(400)
    const unknown = await call(oic, 'POST', `/api/v1/cases/${caseId}/members`, { userId: RANDOM_ID, duty: 'victim' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().errors).toEqual([{ pointer: '/userId', detail: 'Select someone from the list' }])
    const noReason = await call(oic, 'POST', `/api/v1/cases/${caseId}/members/${dc.id}/remove`, { reason: '   ' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().errors).toEqual([{ pointer: '/reason', detail: 'Enter why they are leaving the team' }])
    expect(
      (await call(oic, 'POST', `/api/v1/cases/${caseId}/members/${dc.id}/remove`, {})).json().errors[0].pointer,
    ).toBe('/reason')
    const badParam = await call(oic, 'POST', `/api/v1/cases/${caseId}/members/not-an-id/remove`, { reason: 'x' })
    expect(badParam.statusCode).toBe(400)
    expect(badParam.json().errors[0].pointer).toBe('#/params/userId')
    // The officer in charge is taken off by handing the job over, not here: the user is in the path, so no body pointer.
    const lead = await call(oic, 'POST', `/api/v1/cases/${caseId}/members/${oic.id}/remove`, { reason: 'Leaving' })
    expect(lead.statusCode).toBe(400)
    expect(lead.json()).toMatchObject({ detail: 'Change the officer in charge before taking them off the team' })
    expect(lead.json().errors).toBeUndefined()
    expect(
      (await call(oic, 'POST', `/api/v1/cases/${caseId}/members/${outsider.id}/remove`, { reason: 'Leaving' })).json()
        .detail,
    ).toBe('They are not on this job’s team')
    const noRole = await call(oic, 'POST', `/api/v1/cases/${caseId}/people/${victimId}/remove`, {
      reason: 'Recorded in error',
    })
    expect(noRole.json().errors[0].pointer).toBe('/role')
    const wrongRole = await call(oic, 'POST', `/api/v1/cases/${caseId}/people/${victimId}/remove`, {
      role: 'suspect',
      reason: 'Recorded in error',
    })
    expect(wrongRole.statusCode).toBe(400)
    expect(wrongRole.json().errors).toEqual([
      { pointer: '/role', detail: 'That person does not have that role in this live job' },
    ])
    expect(
      (
        await call(oic, 'POST', `/api/v1/cases/${caseId}/people/${victimId}/remove`, {
          role: 'potential-victim',
          reason: '',
        })
      ).json().errors[0].pointer,
    ).toBe('/reason')
  })

  it('takes a member off with a reason: their access ends at once, and the reason is in the audit log', async () => {
    expect(
      (
        await call(oic, 'POST', `/api/v1/cases/${caseId}/members/${dc.id}/remove`, {
          reason: 'Moved to the Blackpool job',
        })
      ).statusCode,
    ).toBe(204)
    expect((await team()).some((m) => m.userId === dc.id)).toBe(false)
    expect((await call(dc, 'GET', `/api/v1/people/${victimId}/safeguarding-plan`)).statusCode).toBe(403)
    const row = await ctx.db
      .selectFrom('audit_events')
      .select(['justification', 'details'])
      .where('subject_id', '=', caseId)
      .where('action', '=', 'case.member-removed')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ justification: 'Moved to the Blackpool job', details: { userId: dc.id } })
  })

  it('removes a person’s role in the job with a reason, keeping the job’s other people', async () => {
    expect(
      (
        await call(oic, 'POST', `/api/v1/cases/${caseId}/people/${witnessId}/remove`, {
          role: 'witness',
          reason: 'Recorded in error: he was not there',
        })
      ).statusCode,
    ).toBe(204)
    const detail = (await call(oic, 'GET', `/api/v1/cases/${caseId}`)).json()
    expect(detail.people.map((p: { personId: string }) => p.personId)).toEqual([victimId])
    const row = await ctx.db
      .selectFrom('audit_events')
      .select(['justification', 'details'])
      .where('subject_id', '=', caseId)
      .where('action', '=', 'case.person-removed')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      justification: 'Recorded in error: he was not there',
      details: { personId: witnessId, role: 'witness' },
    })
  })

  it('answers a non-member of a restricted job exactly as a random id, on every team route; its team and supervisors still work it', async () => {
    expect(
      (await call(supervisor, 'PATCH', `/api/v1/cases/${caseId}`, { restricted: true, reason: 'Informant involved' }))
        .statusCode,
    ).toBe(204)
    const routes: [string, 'GET' | 'POST', (id: string) => string, unknown][] = [
      ['list', 'GET', (id) => `/api/v1/cases/${id}/members`, undefined],
      ['add', 'POST', (id) => `/api/v1/cases/${id}/members`, { userId: outsider.id, duty: 'victim' }],
      ['remove member', 'POST', (id) => `/api/v1/cases/${id}/members/${pcso.id}/remove`, { reason: 'Curious' }],
      [
        'remove person',
        'POST',
        (id) => `/api/v1/cases/${id}/people/${victimId}/remove`,
        { role: 'potential-victim', reason: 'Curious' },
      ],
    ]
    for (const [label, method, url, payload] of routes) {
      const restricted = await call(outsider, method, url(caseId), payload)
      const random = await call(outsider, method, url(RANDOM_ID), payload)
      expect(restricted.statusCode, label).toBe(404)
      expect(problemOf(restricted), label).toEqual(problemOf(random))
      expect(restricted.body, label).not.toContain('Operation Lacquer')
    }
    // A supervisor (not on the team) changes it; the detective put back on it sees it again.
    expect((await call(dc, 'GET', `/api/v1/cases/${caseId}/members`)).statusCode).toBe(404)
    expect(
      (await call(supervisor, 'POST', `/api/v1/cases/${caseId}/members`, { userId: dc.id, duty: 'suspect' }))
        .statusCode,
    ).toBe(204)
    expect((await team(supervisor)).find((m) => m.userId === dc.id)).toMatchObject({ duty: 'suspect' })
    expect((await call(dc, 'GET', `/api/v1/cases/${caseId}/members`)).statusCode).toBe(200)
    expect((await team()).some((m) => m.userId === outsider.id)).toBe(false)
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths['/api/v1/cases/{id}/members'])).toEqual(expect.arrayContaining(['get', 'post']))
    expect(doc.paths['/api/v1/cases/{id}/members/{userId}/remove'].post).toBeDefined()
    expect(doc.paths['/api/v1/cases/{id}/people/{personId}/remove'].post).toBeDefined()
  })
})
