import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import { loadDemo } from '#src/modules/demo/demo.ts'
import {
  apiToken,
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  type TestContext,
} from './support/test-app.ts'

/**
 * The DPO sees every access-widening event (issue 13, ADR 0009): the "Access granted" report lists, newest first
 * and from the audit rows, each change that gave someone a victim side or a restricted live job, or took it away:
 * who did it, for whom, on which record, and why. What a restricted job recorded stays withheld from a reader who
 * may not see the job, as in subject access.
 */
let ctx: TestContext
let dpo: PageClient
type Caller = { id: string; email: string; token: string }
let supervisor: Caller
let dcA: Caller
let dcB: Caller
let dcC: Caller
let isa: { id: string }
const names = {
  dcA: 'DC Alice Granter',
  dcB: 'DC Bob Receiver',
  dcC: 'DC Cara Secret',
  supervisor: 'DI Sue Pervisor',
  isa: 'Ivy Support (ISA)',
}
const ids: Record<string, string> = {}

const call = (who: Caller, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${who.token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })

async function caller(role: 'investigator' | 'supervisor', name: string): Promise<Caller> {
  const user = await createUser(ctx, role)
  await ctx.db.updateTable('users').set({ display_name: name }).where('id', '=', user.id).execute()
  return { ...user, token: await apiToken(ctx, user.email) }
}

async function referral(who: Caller, personName: string, role: string) {
  const response = await call(who, 'POST', '/api/v1/referrals', {
    receivedAt: '2026-04-01',
    source: 'police',
    summary: 'Workers at a car wash',
    people: [{ names: [personName], approximateAge: 28, gender: 'male', role }],
  })
  expect(response.statusCode).toBe(201)
  return {
    id: response.json().id as string,
    reference: response.json().reference as string,
    personId: response.json().people[0].personId as string,
  }
}

beforeAll(async () => {
  ctx = await createTestContext()
  supervisor = await caller('supervisor', names.supervisor)
  dcA = await caller('investigator', names.dcA)
  dcB = await caller('investigator', names.dcB)
  dcC = await caller('investigator', names.dcC)
  isa = await createUser(ctx, 'support')
  await ctx.db.updateTable('users').set({ display_name: names.isa }).where('id', '=', isa.id).execute()
  const dpoUser = await createUser(ctx, 'auditor')
  dpo = new PageClient(ctx.app)
  await dpo.signIn(dpoUser.email)

  // 1. A supervisor hands a referral with a potential victim from its recorder to another detective.
  const victim = await referral(dcA, 'Bogdan Lazar', 'potential-victim')
  Object.assign(ids, { referral: victim.id, referralRef: victim.reference, victim: victim.personId })
  expect(
    (
      await call(supervisor, 'POST', `/api/v1/referrals/${victim.id}/assignment`, {
        assigneeId: dcB.id,
        note: 'DC Granter is on leave',
      })
    ).statusCode,
  ).toBe(200)
  // A referral with no victim in it gives no one a victim side: not in the report.
  const witness = await referral(dcA, 'Walter Witness', 'witness')
  expect(
    (
      await call(supervisor, 'POST', `/api/v1/referrals/${witness.id}/assignment`, {
        assigneeId: dcB.id,
        note: 'Nothing protected here',
      })
    ).statusCode,
  ).toBe(200)
  // 2. The assignee opens a live job from it (and leads it), puts a detective on its victims' side, takes them off again.
  const opened = await call(dcB, 'POST', '/api/v1/cases', {
    referralId: victim.id,
    title: 'Operation Sponge',
    kind: 'investigation',
  })
  expect(opened.statusCode).toBe(201)
  ids.case = opened.json().id
  ids.caseRef = opened.json().reference
  expect(
    (await call(dcB, 'POST', `/api/v1/cases/${ids.case}/members`, { userId: dcA.id, duty: 'victim' })).statusCode,
  ).toBe(204)
  expect(
    (
      await call(dcB, 'POST', `/api/v1/cases/${ids.case}/members/${dcA.id}/remove`, {
        reason: 'Needed on the Leeds job',
      })
    ).statusCode,
  ).toBe(204)
  // 3. A supervisor adds a known victim from another referral to the job, and makes DC Granter its officer in charge.
  const second = await referral(dcA, 'Radu Second', 'potential-victim')
  ids.second = second.personId
  expect(
    (
      await call(supervisor, 'POST', `/api/v1/cases/${ids.case}/people`, {
        personId: second.personId,
        role: 'potential-victim',
      })
    ).statusCode,
  ).toBe(201)
  expect(
    (
      await call(supervisor, 'PATCH', `/api/v1/cases/${ids.case}`, {
        officerInChargeId: dcA.id,
        reason: 'DC Receiver starts a course',
      })
    ).statusCode,
  ).toBe(204)
  // 4. A supervisor merges two records of one victim worked by different officers.
  const twin = await referral(dcC, 'Bogdan Lazar', 'potential-victim')
  ids.twin = twin.personId
  expect(
    (
      await call(supervisor, 'POST', `/api/v1/people/${victim.personId}/matches/${twin.personId}/decision`, {
        decision: 'merge',
        note: 'Same passport number',
      })
    ).statusCode,
  ).toBe(201)
  // 5. A restricted job: the supervisor restricts one of DC Secret's jobs and puts DC Receiver on it with a reason.
  const secretReferral = await referral(dcC, 'Nobody Protected', 'witness')
  const secretJob = await call(dcC, 'POST', '/api/v1/cases', {
    referralId: secretReferral.id,
    title: 'Operation Hush',
    kind: 'investigation',
  })
  ids.secretCase = secretJob.json().id
  ids.secretRef = secretJob.json().reference
  expect(
    (await call(supervisor, 'PATCH', `/api/v1/cases/${ids.secretCase}`, { restricted: true, reason: 'Covert source' }))
      .statusCode,
  ).toBe(204)
  expect(
    (await call(dcC, 'POST', `/api/v1/cases/${ids.secretCase}/members`, { userId: dcB.id, duty: 'suspect' }))
      .statusCode,
  ).toBe(204)
  expect(
    (
      await call(dcC, 'POST', `/api/v1/cases/${ids.secretCase}/members/${dcB.id}/remove`, {
        reason: 'HUSH-REASON-CANARY',
      })
    ).statusCode,
  ).toBe(204)
  // 6. An ISA assigned to the victim, as the ISA assignment writes it (details.userId names the ISA).
  await inTransaction(ctx.db, (trx) =>
    appendAuditEvents(trx, { userId: supervisor.id }, [
      {
        action: 'person.support-worker-assigned',
        subjectType: 'person',
        subjectId: victim.personId,
        justification: 'Needs an ISA for court',
        details: { userId: isa.id },
      },
    ]),
  )
})
afterAll(() => ctx.close())

describe('the DPO’s "Access granted" report', () => {
  it('is linked from the DPO’s reports and refused to anyone without the audit permission', async () => {
    expect((await dpo.get('/audit/person')).body).toContain('href="/audit/access-granted"')
    expect((await dpo.get('/audit/log')).body).toContain('href="/audit/access-granted"')
    const dc = new PageClient(ctx.app)
    await dc.signIn(dcA.email)
    expect((await dc.get('/audit/access-granted')).statusCode).toBe(403)
  })

  it('lists every access-widening event newest first, with who did it, for whom, which record and why', async () => {
    const page = await dpo.get('/audit/access-granted?days=7')
    expect(page.statusCode).toBe(200)
    const rows = [
      ...page.body.matchAll(/<tr class="govuk-table__row">\s*<td class="govuk-table__cell">[\s\S]*?<\/tr>/g),
    ].map((m) =>
      m[0]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    const find = (what: string) => rows.find((r) => r.includes(what))
    // Newest first: the ISA (written last) heads the list, the first hand-over ends it.
    expect(rows[0]).toContain('ISA assigned to support a victim')
    expect(rows.at(-1)).toContain('Referral with a potential victim assigned')
    expect(find('Referral with a potential victim assigned')).toMatch(
      new RegExp(`${names.supervisor} .*${names.dcB} Referral ${ids.referralRef} DC Granter is on leave`),
    )
    expect(rows.filter((r) => r.includes('Referral with a potential victim assigned'))).toHaveLength(1)
    expect(rows.some((r) => r.includes('Nothing protected here'))).toBe(false)
    expect(find('Live job opened from a referral')).toContain(`${names.dcB} Live job ${ids.caseRef}`)
    expect(find('Put on a live job’s team: victims’ side')).toContain(
      `${names.dcB} API token made at the command line ${names.dcA} Live job ${ids.caseRef}`,
    )
    expect(rows.find((r) => r.includes('Taken off a live job’s team') && r.includes(ids.caseRef))).toContain(
      `${names.dcA} Live job ${ids.caseRef} Needed on the Leeds job`,
    )
    expect(find('Added to a live job as a potential victim')).toContain(`Live job ${ids.caseRef}: Radu Second`)
    expect(find('Made officer in charge of a live job')).toMatch(
      new RegExp(`${names.supervisor} .*${names.dcA} Live job ${ids.caseRef} DC Receiver starts a course`),
    )
    expect(find('Two people merged')).toContain('Bogdan Lazar merged into Bogdan Lazar')
    expect(find('Two people merged')).toContain('Same passport number')
    expect(find('ISA assigned to support a victim')).toContain(`${names.isa} Bogdan Lazar`)
    // The DPO follows a person on to who has seen their details.
    expect(page.body).toContain(`href="/audit/person?personId=${ids.victim}"`)
  })

  it('withholds what a restricted live job recorded from a reader who may not see the job, but shows the event', async () => {
    const page = await dpo.get('/audit/access-granted')
    expect(page.body).toContain('Put on a live job’s team: suspects’ side')
    expect(page.body).toContain('A restricted live job (reference withheld)')
    expect(page.body).not.toContain(ids.secretRef)
    expect(page.body).not.toContain('HUSH-REASON-CANARY')
    expect(page.body).toContain('withheld: a restricted live job (a supervisor can see it)')
    // A supervisor, who sees every restricted job, reads it in full.
    const rows = await ctx.services.dpo.accessGrants(
      { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) },
      { limit: 100, offset: 0 },
      await currentUserOf(ctx, supervisor.id),
      { userId: supervisor.id },
    )
    expect(rows.find((r) => r.justification === 'HUSH-REASON-CANARY')).toMatchObject({
      case_hidden: false,
      case_reference: ids.secretRef,
    })
  })

  it('downloads as CSV, and reading it is itself audited', async () => {
    const csv = await dpo.get('/audit/access-granted?days=30&format=csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    const lines = csv.body.trim().split('\r\n')
    expect(lines[0]).toBe('Event,When,What,Who did it,Via,For whom,Record,Person ids,Why')
    expect(
      lines.some(
        (l) =>
          l.includes('Made officer in charge of a live job') &&
          l.includes(names.dcA) &&
          l.includes('DC Receiver starts a course'),
      ),
    ).toBe(true)
    expect(csv.body).not.toContain('HUSH-REASON-CANARY')
    const reads = await ctx.db.selectFrom('audit_events').select('details').where('action', '=', 'audit.read').execute()
    expect(reads.some((r) => (r.details as { report?: string }).report === 'access-granted')).toBe(true)
  })
})

describe('the demo', () => {
  let demo: TestContext
  beforeAll(async () => {
    demo = await createTestContext()
    await loadDemo(demo.db, { dataDir: demo.config.dataDir, referrals: 40, passwordHashCost: 10 })
  })
  afterAll(() => demo.close())

  it('makes access changes through the services on first start, so the DPO’s report has rows', async () => {
    const dpoUser = await demo.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'dpo@demo.lantern.test')
      .executeTakeFirstOrThrow()
    const rows = await demo.services.dpo.accessGrants(
      { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 60_000) },
      { limit: 1000, offset: 0 },
      await currentUserOf(demo, dpoUser.id),
      { userId: dpoUser.id },
    )
    const actions = new Set(rows.map((r) => r.action))
    for (const action of [
      'referral.assigned',
      'case.opened',
      'case.member-added',
      'case.member-removed',
      'case.updated',
    ])
      expect(actions, action).toContain(action)
    expect(
      rows.some((r) => r.action === 'case.updated' && (r.details as { officerInChargeId?: string }).officerInChargeId),
    ).toBe(true)
    expect(
      rows.some((r) => r.action === 'case.updated' && (r.details as { role?: string }).role === 'potential-victim'),
    ).toBe(true)
    expect(rows.find((r) => r.action === 'case.member-removed')?.justification).toBeTruthy()
  })

  it('has a restricted live job on first start that its team sees and other DCs do not', async () => {
    const job = await demo.db
      .selectFrom('cases')
      .select(['id', 'officer_in_charge'])
      .where('restricted', '=', true)
      .executeTakeFirstOrThrow()
    const members = await demo.db.selectFrom('case_members').select('user_id').where('case_id', '=', job.id).execute()
    expect(members.length).toBeGreaterThanOrEqual(1)
    const team = new Set([job.officer_in_charge, ...members.map((m) => m.user_id)])
    const dcs = await demo.db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('email', 'like', 'dc%@demo.lantern.test')
      .execute()
    const outsider = dcs.find((d) => !team.has(d.id))!
    const insider = dcs.find((d) => team.has(d.id))!
    expect(
      await demo.services.cases.view(job.id, await currentUserOf(demo, insider.id), { userId: insider.id }),
    ).toBeTruthy()
    await expect(
      demo.services.cases.view(job.id, await currentUserOf(demo, outsider.id), { userId: outsider.id }),
    ).rejects.toThrow()
  })
})
