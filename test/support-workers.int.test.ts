import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PersonError, victimSideAccess } from '#src/modules/people/index.ts'
import { loadDemo } from '#src/modules/demo/demo.ts'
import {
  apiToken,
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  type Role,
  type TestContext,
} from './support/test-app.ts'

/**
 * A supervisor assigns an ISA (support worker) to a victim (issue 13, ADR 0009): the ISA then sees the victim
 * side and works the safeguarding plan, without anyone else being able to give them (or themselves) that duty,
 * and ending the assignment takes the access away. Every change is audited in its own transaction.
 */
let ctx: TestContext
type User = { id: string; email: string; token: string; pages: PageClient }
let supervisor: User
let dcA: User
let dcB: User
let isa: User
let otherIsa: User
let victimId: string
let witnessId: string

async function user(role: Role): Promise<User> {
  const u = await createUser(ctx, role)
  const pages = new PageClient(ctx.app)
  await pages.signIn(u.email)
  return { ...u, token: await apiToken(ctx, u.email), pages }
}

const call = (who: { token: string }, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${who.token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })

const assign = (who: User, userId: unknown, personId = victimId) =>
  call(who, 'POST', `/api/v1/people/${personId}/support-workers`, userId === undefined ? {} : { userId })
const end = (who: User, userId: string, reason: string, personId = victimId) =>
  call(who, 'POST', `/api/v1/people/${personId}/support-workers/${userId}/end`, { reason })
const planStatus = async (who: User) =>
  (await call(who, 'GET', `/api/v1/people/${victimId}/safeguarding-plan`)).statusCode
const inFuture = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)

async function referral(who: User, name: string, role: string) {
  const response = await call(who, 'POST', '/api/v1/referrals', {
    receivedAt: '2026-03-03',
    source: 'police',
    summary: 'Nail bar workers',
    people: [{ names: [name], approximateAge: 24, gender: 'female', role }],
  })
  expect(response.statusCode).toBe(201)
  const body = response.json()
  return { id: body.id as string, personId: body.people[0].personId as string }
}

beforeAll(async () => {
  ctx = await createTestContext()
  supervisor = await user('supervisor')
  dcA = await user('investigator')
  dcB = await user('investigator')
  isa = await user('support')
  otherIsa = await user('support')
  const victim = await referral(dcA, 'Ngoc Anh Pham', 'potential-victim')
  victimId = victim.personId
  expect(
    (await call(supervisor, 'POST', `/api/v1/referrals/${victim.id}/assignment`, { assigneeId: dcA.id, note: null }))
      .statusCode,
  ).toBe(200)
  witnessId = (await referral(dcA, 'Passing Witness', 'witness')).personId
})
afterAll(() => ctx.close())

describe('assigning a support worker (ISA) to a victim', () => {
  it('keeps the ISA out of the victim side until a supervisor assigns them', async () => {
    expect(await planStatus(isa)).toBe(403)
    const list = await call(isa, 'GET', `/api/v1/people/${victimId}/support-workers`)
    expect(list.statusCode).toBe(403)
    expect(list.headers['content-type']).toContain('application/problem+json')
  })

  it('refuses an investigator assigning the ISA, or themselves, through the API, the page and the service', async () => {
    expect((await assign(dcA, isa.id)).statusCode).toBe(403)
    expect((await assign(dcB, dcB.id)).statusCode).toBe(403)
    await dcB.pages.get(`/people/${victimId}`)
    expect((await dcB.pages.post(`/people/${victimId}/support-workers`, { supportWorkerId: dcB.id })).statusCode).toBe(
      403,
    )
    // The service refuses too, whatever route calls it.
    const asDc = await currentUserOf(ctx, dcB.id)
    await expect(
      ctx.services.supportWorkers.assignSupportWorker(victimId, dcB.id, asDc, { userId: dcB.id }),
    ).rejects.toSatisfy((e: unknown) => e instanceof PersonError && e.code === 'forbidden')
    await expect(
      ctx.services.supportWorkers.endSupportWorker(victimId, isa.id, 'No', asDc, { userId: dcB.id }),
    ).rejects.toSatisfy((e: unknown) => e instanceof PersonError && e.code === 'forbidden')
    expect(await planStatus(dcB)).toBe(403)
    expect(await ctx.db.selectFrom('person_support_workers').select('id').execute()).toEqual([])
  })

  it('gives specific errors for bad input', async () => {
    const missing = await assign(supervisor, undefined)
    expect(missing.statusCode).toBe(400)
    expect(missing.json().errors).toEqual([expect.objectContaining({ pointer: '/userId' })])

    const notSupport = await assign(supervisor, dcB.id)
    expect(notSupport.statusCode).toBe(400)
    expect(notSupport.headers['content-type']).toContain('application/problem+json')
    expect(notSupport.json()).toMatchObject({
      status: 400,
      type: 'urn:lantern:problem:invalid',
      detail: expect.stringMatching(/is not a support worker \(ISA\)/),
      errors: [{ pointer: '/userId' }],
    })

    const unknown = await assign(supervisor, '00000000-0000-7000-8000-000000000000')
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().detail).toBe('Select a support worker (ISA) from the list')

    const disabled = await user('support')
    await ctx.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', disabled.id).execute()
    const refused = await assign(supervisor, disabled.id)
    expect(refused.statusCode).toBe(400)
    expect(refused.json().detail).toMatch(/account is disabled/)

    const notVictim = await assign(supervisor, isa.id, witnessId)
    expect(notVictim.statusCode).toBe(409)
    expect(notVictim.json()).toMatchObject({
      type: 'urn:lantern:problem:not-a-victim',
      detail: expect.stringMatching(/not recorded as a victim anywhere/),
    })

    expect((await assign(supervisor, isa.id, '00000000-0000-7000-8000-000000000000')).statusCode).toBe(404)
    expect(await ctx.db.selectFrom('person_support_workers').select('id').execute()).toEqual([])
  })

  it('lets the assigned ISA see the victim side and work the safeguarding plan, but not record police steps', async () => {
    const assigned = await assign(supervisor, isa.id)
    expect(assigned.statusCode).toBe(201)
    const assignmentId = assigned.json().id as string

    expect(await planStatus(isa)).toBe(200)
    const action = await call(isa, 'POST', `/api/v1/people/${victimId}/safeguarding-plan/actions`, {
      text: 'Weekly welfare call with an interpreter',
      ownerUserId: isa.id,
      dueOn: inFuture(),
    })
    expect(action.statusCode).toBe(201)
    const plan = (await call(isa, 'GET', `/api/v1/people/${victimId}/safeguarding-plan`)).json()
    expect(plan.plan.actions).toEqual([
      expect.objectContaining({ text: 'Weekly welfare call with an interpreter', ownerUserId: isa.id }),
    ])
    const access = await victimSideAccess(ctx.db, await currentUserOf(ctx, isa.id), victimId)
    expect(access).toMatchObject({ visible: true, canSupport: true, canEdit: false })
    // Only the ISA assigned: another ISA is still outside.
    expect((await call(otherIsa, 'GET', `/api/v1/people/${victimId}/safeguarding-plan`)).statusCode).toBe(403)

    // No duplicate while the first is current.
    const twice = await assign(supervisor, isa.id)
    expect(twice.statusCode).toBe(400)
    expect(twice.json().detail).toMatch(/already supports this person/)

    const list = await call(isa, 'GET', `/api/v1/people/${victimId}/support-workers`)
    expect(list.statusCode).toBe(200)
    expect(list.json().supportWorkers).toEqual([
      expect.objectContaining({
        id: assignmentId,
        userId: isa.id,
        name: 'Test support',
        current: true,
        assignedBy: 'Test supervisor',
        endedAt: null,
      }),
    ])

    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'subject_type', 'subject_id', 'details'])
      .where('action', '=', 'person.support-worker-assigned')
      .execute()
    expect(audit).toEqual([
      {
        actor_user_id: supervisor.id,
        subject_type: 'person',
        subject_id: victimId,
        details: { userId: isa.id, assignmentId },
      },
    ])
  })

  it('shows who the ISA is on the person page only to those who see the victim side, and lists the victim in the ISA’s My work', async () => {
    const asSupervisor = await supervisor.pages.get(`/people/${victimId}`)
    expect(asSupervisor.statusCode).toBe(200)
    expect(asSupervisor.body).toContain('Support worker (ISA)')
    expect(asSupervisor.body).toMatch(/Test support[\s\S]*Since [^<]*, assigned by Test supervisor/)
    expect(asSupervisor.body).toContain(`action="/people/${victimId}/support-workers/${isa.id}/end"`)

    const asOfficer = await dcA.pages.get(`/people/${victimId}`)
    expect(asOfficer.body).toContain('Support worker (ISA)')
    expect(asOfficer.body).not.toContain('/support-workers/')

    const asOutsider = await dcB.pages.get(`/people/${victimId}`)
    expect(asOutsider.statusCode).toBe(200)
    expect(asOutsider.body).toContain('Protected victim information exists')
    expect(asOutsider.body).not.toContain('Support worker (ISA)')
    expect(asOutsider.body).not.toContain('Test support')
    expect((await call(dcB, 'GET', `/api/v1/people/${victimId}`)).json().victimFacet.askWho).not.toContain(
      'Test support',
    )

    const work = await isa.pages.get('/my-work')
    expect(work.statusCode).toBe(200)
    expect(work.body).toContain('Victims you support')
    expect(work.body).toContain(`href="/people/${victimId}/safeguarding-plan"`)
    expect(work.body).toContain('Ngoc Anh Pham')
    const planPage = await isa.pages.get(`/people/${victimId}/safeguarding-plan`)
    expect(planPage.statusCode).toBe(200)
  })

  it('shows GOV.UK errors on the page forms', async () => {
    const page = supervisor.pages
    await page.get(`/people/${victimId}`)
    const none = await page.post(`/people/${victimId}/support-workers`, { supportWorkerId: '' })
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('govuk-error-summary')
    expect(none.body).toContain('href="#supportWorkerId">Select a support worker (ISA)</a>')

    const notSupport = await page.post(`/people/${victimId}/support-workers`, { supportWorkerId: dcB.id })
    expect(notSupport.statusCode).toBe(400)
    expect(notSupport.body).toMatch(/href="#supportWorkerId">Test investigator is not a support worker \(ISA\)/)

    const noReason = await page.post(`/people/${victimId}/support-workers/${isa.id}/end`, { reason: '  ' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain(`href="#supportEndReason-${isa.id}">Enter why their support is ending</a>`)
    expect(noReason.body).toContain(`id="supportEndReason-${isa.id}"`)

    const notVictim = await page.post(`/people/${witnessId}/support-workers`, { supportWorkerId: isa.id })
    expect(notVictim.statusCode).toBe(409)
    expect(notVictim.body).toContain('href="#support-workers">This person is not recorded as a victim anywhere')
    expect(notVictim.body).toContain('id="support-workers"')

    // The other ISA, through the page: assigned, then ended with a reason.
    const added = await page.post(`/people/${victimId}/support-workers`, { supportWorkerId: otherIsa.id })
    expect(added.statusCode).toBe(303)
    expect((await page.get(`/people/${victimId}`)).body).toContain('Support worker assigned')
    expect((await call(otherIsa, 'GET', `/api/v1/people/${victimId}/safeguarding-plan`)).statusCode).toBe(200)
    const ended = await page.post(`/people/${victimId}/support-workers/${otherIsa.id}/end`, {
      reason: 'Covering only while Test support was away',
    })
    expect(ended.statusCode).toBe(303)
    expect((await call(otherIsa, 'GET', `/api/v1/people/${victimId}/safeguarding-plan`)).statusCode).toBe(403)
  })

  it('ends the ISA’s access when a supervisor ends the assignment with a reason', async () => {
    const noReason = await end(supervisor, isa.id, '')
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().errors).toEqual([
      expect.objectContaining({ pointer: '/reason', detail: 'Enter why their support is ending' }),
    ])
    expect((await end(dcA, isa.id, 'Trying')).statusCode).toBe(403)

    expect((await end(supervisor, isa.id, 'Moved to the victim care contract provider')).statusCode).toBe(204)
    expect(await planStatus(isa)).toBe(403)
    const again = await end(supervisor, isa.id, 'Twice')
    expect(again.statusCode).toBe(400)
    expect(again.json().detail).toMatch(/not a current support worker/)

    const list = (await call(supervisor, 'GET', `/api/v1/people/${victimId}/support-workers`)).json()
      .supportWorkers as { userId: string; current: boolean; endReason: string | null; endedBy: string | null }[]
    expect(list.find((w) => w.userId === isa.id)).toMatchObject({
      current: false,
      endReason: 'Moved to the victim care contract provider',
      endedBy: 'Test supervisor',
    })
    expect((await isa.pages.get('/my-work')).body).not.toContain(`href="/people/${victimId}/safeguarding-plan"`)

    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'subject_id', 'justification', 'details'])
      .where('action', 'in', ['person.support-worker-assigned', 'person.support-worker-ended'])
      .orderBy('id')
      .execute()
    expect(audit.map((a) => [a.action, (a.details as { userId: string }).userId])).toEqual([
      ['person.support-worker-assigned', isa.id],
      ['person.support-worker-assigned', otherIsa.id],
      ['person.support-worker-ended', otherIsa.id],
      ['person.support-worker-ended', isa.id],
    ])
    expect(audit.every((a) => a.actor_user_id === supervisor.id && a.subject_id === victimId)).toBe(true)
    expect(audit.at(-1)?.justification).toBe('Moved to the victim care contract provider')

    // Ended, never deleted, and the ISA can be assigned again.
    expect((await assign(supervisor, isa.id)).statusCode).toBe(201)
    expect(await planStatus(isa)).toBe(200)
  })
})

describe('the demo', () => {
  // Loads the whole demo (as demo-contents does, with its longer timeout): the ISA's support work is part of it now.
  it(
    'assigns the demo ISA to the victims with demo safeguarding plans, so it shows on first start',
    { timeout: 180_000 },
    async () => {
      const demo = await createTestContext()
      try {
        await loadDemo(demo.db, { dataDir: demo.config.dataDir, referrals: 60, passwordHashCost: 10 })
        const isaUser = await demo.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'isa@demo.lantern.test')
          .executeTakeFirstOrThrow()
        const supported = await demo.db
          .selectFrom('person_support_workers')
          .select(['person_id', 'ended_at'])
          .where('user_id', '=', isaUser.id)
          .execute()
        expect(supported.length).toBeGreaterThan(0)
        const asIsa = await currentUserOf(demo, isaUser.id)
        for (const s of supported)
          expect(await victimSideAccess(demo.db, asIsa, s.person_id)).toMatchObject({
            visible: true,
            canSupport: true,
            canEdit: false,
          })
      } finally {
        await demo.close()
      }
    },
  )
})
