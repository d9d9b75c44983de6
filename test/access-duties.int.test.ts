import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { victimSideAccess } from '#src/modules/people/index.ts'
import { apiToken, createTestContext, createUser, currentUserOf, type TestContext } from './support/test-app.ts'

/**
 * Victim-side access is granted by duty and never taken by the user it restricts (issue 13, ADR 0009): each
 * way an investigator could give themselves a victim's protected side is refused, and the people with a duty
 * (the recorder, the assigned officer, the job's team, a supervisor) get in without asking.
 */
let ctx: TestContext
let dcA: { id: string; email: string; token: string }
let dcB: { id: string; email: string; token: string }
let supervisor: { id: string; email: string; token: string }
let victimReferral: string
let victimId: string

async function user(role: 'investigator' | 'supervisor') {
  const u = await createUser(ctx, role)
  return { ...u, token: await apiToken(ctx, u.email) }
}

const call = (token: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  ctx.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) })

async function referral(token: string, name: string, role: string) {
  const response = await call(token, 'POST', '/api/v1/referrals', { receivedAt: '2026-03-03', source: 'police', summary: 'Car wash workers', people: [{ names: [name], approximateAge: 30, gender: 'male', role }] })
  expect(response.statusCode).toBe(201)
  const body = response.json()
  return { id: body.id as string, personId: body.people[0].personId as string }
}

const planStatus = async (who: { token: string }, personId = victimId) => (await call(who.token, 'GET', `/api/v1/people/${personId}/safeguarding-plan`)).statusCode

beforeAll(async () => {
  ctx = await createTestContext()
  dcA = await user('investigator')
  dcB = await user('investigator')
  supervisor = await user('supervisor')
  const r = await referral(dcA.token, 'Tomasz Wielgus', 'potential-victim')
  victimReferral = r.id
  victimId = r.personId
  expect((await call(supervisor.token, 'POST', `/api/v1/referrals/${victimReferral}/assignment`, { assigneeId: dcA.id, note: null })).statusCode).toBe(200)
})
afterAll(() => ctx.close())

describe('victim-side access is granted by duty', () => {
  it('the assigned officer and a supervisor see the victim side; another investigator does not', async () => {
    expect(await planStatus(dcA)).toBe(200)
    expect(await planStatus(supervisor)).toBe(200)
    expect(await planStatus(dcB)).toBe(403)
  })

  it('refuses an investigator adding the victim as a victim to their own live job (1a)', async () => {
    const own = await referral(dcB.token, 'Decoy Witness', 'witness')
    const opened = await call(dcB.token, 'POST', '/api/v1/cases', { referralId: own.id, title: 'Own job', kind: 'investigation' })
    expect(opened.statusCode).toBe(201)
    const added = await call(dcB.token, 'POST', `/api/v1/cases/${opened.json().id}/people`, { personId: victimId, role: 'potential-victim' })
    expect(added.statusCode).toBe(403)
    expect(added.json().detail).toMatch(/supervisor/)
    expect(await planStatus(dcB)).toBe(403)
  })

  it('refuses an investigator assigning the victim’s referral to themselves (1b), and lets a supervisor do it', async () => {
    const taken = await call(dcB.token, 'POST', `/api/v1/referrals/${victimReferral}/assignment`, { assigneeId: dcB.id, note: null })
    expect(taken.statusCode).toBe(403)
    expect(await planStatus(dcB)).toBe(403)
    const second = await referral(dcA.token, 'Second Victim', 'potential-victim')
    expect((await call(supervisor.token, 'POST', `/api/v1/referrals/${second.id}/assignment`, { assigneeId: dcB.id, note: 'Spread the load' })).statusCode).toBe(200)
    expect(await planStatus(dcB, second.personId)).toBe(200)
    // The recorder's duty ends once it is assigned elsewhere.
    expect(await planStatus(dcA, second.personId)).toBe(403)
  })

  it('refuses an investigator merging the victim into a decoy victim of their own (1c)', async () => {
    const decoy = await referral(dcB.token, 'Tomasz Wielgus', 'potential-victim')
    const merged = await call(dcB.token, 'POST', `/api/v1/people/${decoy.personId}/matches/${victimId}/decision`, { decision: 'merge', note: 'Same name' })
    expect(merged.statusCode).toBe(403)
    expect(await planStatus(dcB)).toBe(403)
  })

  it('lets the recorder work the people they recorded until the referral is assigned elsewhere', async () => {
    const recorded = await referral(dcB.token, 'Fresh Victim', 'potential-victim')
    const access = await victimSideAccess(ctx.db, await currentUserOf(ctx, dcB.id), recorded.personId)
    expect(access).toMatchObject({ exists: true, visible: true, canEdit: true })
    const other = await victimSideAccess(ctx.db, await currentUserOf(ctx, dcA.id), recorded.personId)
    expect(other.visible).toBe(false)
    expect(other.askWho).toContain('Test investigator')
  })

  it('gives a live job’s team the victim side only while the officer in charge keeps them on it', async () => {
    const opened = await call(dcA.token, 'POST', '/api/v1/cases', { referralId: victimReferral, title: 'Operation Ash', kind: 'investigation' })
    expect(opened.statusCode).toBe(201)
    const caseId = opened.json().id as string
    const cases = ctx.services.cases
    const oic = await currentUserOf(ctx, dcA.id)
    const outsider = await currentUserOf(ctx, dcB.id)
    // Only the officer in charge or a supervisor changes the team.
    await expect(cases.addMember(caseId, { userId: dcB.id, duty: 'victim' }, outsider, { userId: dcB.id })).rejects.toThrow()
    await cases.addMember(caseId, { userId: dcB.id, duty: 'suspect' }, oic, { userId: dcA.id })
    expect(await planStatus(dcB)).toBe(403)
    await cases.addMember(caseId, { userId: dcB.id, duty: 'victim' }, oic, { userId: dcA.id })
    expect(await planStatus(dcB)).toBe(200)
    await expect(cases.removeMember(caseId, { userId: dcB.id, reason: '' }, oic, { userId: dcA.id })).rejects.toThrow(/why/)
    await cases.removeMember(caseId, { userId: dcB.id, reason: 'Moved to another job' }, oic, { userId: dcA.id })
    expect(await planStatus(dcB)).toBe(403)
    // The team member cannot make themselves officer in charge either.
    await cases.addMember(caseId, { userId: dcB.id, duty: 'suspect' }, oic, { userId: dcA.id })
    await expect(cases.update(caseId, { officerInChargeId: dcB.id }, outsider, { userId: dcB.id })).rejects.toThrow(/officer in charge or a supervisor/)
    const audit = await ctx.db.selectFrom('audit_events').select(['action', 'justification']).where('subject_id', '=', caseId).where('action', 'in', ['case.member-added', 'case.member-removed']).execute()
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['case.member-added', 'case.member-removed']))
    expect(audit.find((a) => a.action === 'case.member-removed')?.justification).toBe('Moved to another job')
  })
})
