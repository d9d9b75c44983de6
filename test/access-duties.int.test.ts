import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { victimSideAccess, victimSideAccessOf } from '#src/modules/people/index.ts'
import {
  apiToken,
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  type TestContext,
} from './support/test-app.ts'

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

const call = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })

async function referral(token: string, name: string, role: string) {
  const response = await call(token, 'POST', '/api/v1/referrals', {
    receivedAt: '2026-03-03',
    source: 'police',
    summary: 'Car wash workers',
    people: [{ names: [name], approximateAge: 30, gender: 'male', role }],
  })
  expect(response.statusCode).toBe(201)
  const body = response.json()
  return { id: body.id as string, personId: body.people[0].personId as string }
}

const planStatus = async (who: { token: string }, personId = victimId) =>
  (await call(who.token, 'GET', `/api/v1/people/${personId}/safeguarding-plan`)).statusCode

beforeAll(async () => {
  ctx = await createTestContext()
  dcA = await user('investigator')
  dcB = await user('investigator')
  supervisor = await user('supervisor')
  const r = await referral(dcA.token, 'Tomasz Wielgus', 'potential-victim')
  victimReferral = r.id
  victimId = r.personId
  expect(
    (
      await call(supervisor.token, 'POST', `/api/v1/referrals/${victimReferral}/assignment`, {
        assigneeId: dcA.id,
        note: null,
      })
    ).statusCode,
  ).toBe(200)
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
    const opened = await call(dcB.token, 'POST', '/api/v1/cases', {
      referralId: own.id,
      title: 'Own job',
      kind: 'investigation',
    })
    expect(opened.statusCode).toBe(201)
    const added = await call(dcB.token, 'POST', `/api/v1/cases/${opened.json().id}/people`, {
      personId: victimId,
      role: 'potential-victim',
    })
    expect(added.statusCode).toBe(403)
    expect(added.json().detail).toMatch(/supervisor/)
    expect(await planStatus(dcB)).toBe(403)
  })

  it('refuses an investigator assigning the victim’s referral to themselves (1b), and lets a supervisor do it', async () => {
    const taken = await call(dcB.token, 'POST', `/api/v1/referrals/${victimReferral}/assignment`, {
      assigneeId: dcB.id,
      note: null,
    })
    expect(taken.statusCode).toBe(403)
    expect(await planStatus(dcB)).toBe(403)
    const second = await referral(dcA.token, 'Second Victim', 'potential-victim')
    expect(
      (
        await call(supervisor.token, 'POST', `/api/v1/referrals/${second.id}/assignment`, {
          assigneeId: dcB.id,
          note: 'Spread the load',
        })
      ).statusCode,
    ).toBe(200)
    expect(await planStatus(dcB, second.personId)).toBe(200)
    // The recorder's duty ends once it is assigned elsewhere.
    expect(await planStatus(dcA, second.personId)).toBe(403)
  })

  it('refuses an investigator merging the victim into a decoy victim of their own (1c)', async () => {
    const decoy = await referral(dcB.token, 'Tomasz Wielgus', 'potential-victim')
    const merged = await call(dcB.token, 'POST', `/api/v1/people/${decoy.personId}/matches/${victimId}/decision`, {
      decision: 'merge',
      note: 'Same name',
    })
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
    const opened = await call(dcA.token, 'POST', '/api/v1/cases', {
      referralId: victimReferral,
      title: 'Operation Ash',
      kind: 'investigation',
    })
    expect(opened.statusCode).toBe(201)
    const caseId = opened.json().id as string
    const cases = ctx.services.cases
    const oic = await currentUserOf(ctx, dcA.id)
    const outsider = await currentUserOf(ctx, dcB.id)
    // Only the officer in charge or a supervisor changes the team.
    await expect(
      cases.addMember(caseId, { userId: dcB.id, duty: 'victim' }, outsider, { userId: dcB.id }),
    ).rejects.toThrow()
    await cases.addMember(caseId, { userId: dcB.id, duty: 'suspect' }, oic, { userId: dcA.id })
    expect(await planStatus(dcB)).toBe(403)
    await cases.addMember(caseId, { userId: dcB.id, duty: 'victim' }, oic, { userId: dcA.id })
    expect(await planStatus(dcB)).toBe(200)
    await expect(cases.removeMember(caseId, { userId: dcB.id, reason: '' }, oic, { userId: dcA.id })).rejects.toThrow(
      /why/,
    )
    await cases.removeMember(caseId, { userId: dcB.id, reason: 'Moved to another job' }, oic, { userId: dcA.id })
    expect(await planStatus(dcB)).toBe(403)
    // The team member cannot make themselves officer in charge either.
    await cases.addMember(caseId, { userId: dcB.id, duty: 'suspect' }, oic, { userId: dcA.id })
    await expect(cases.update(caseId, { officerInChargeId: dcB.id }, outsider, { userId: dcB.id })).rejects.toThrow(
      /officer in charge or a supervisor/,
    )
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'justification'])
      .where('subject_id', '=', caseId)
      .where('action', 'in', ['case.member-added', 'case.member-removed'])
      .execute()
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['case.member-added', 'case.member-removed']))
    expect(audit.find((a) => a.action === 'case.member-removed')?.justification).toBe('Moved to another job')
  })

  it('decides for many people at once (a referral page) exactly as it does for each one', async () => {
    const people = (await ctx.db.selectFrom('people').select('id').execute()).map((p) => p.id)
    expect(people.length).toBeGreaterThan(2)
    for (const who of [dcA, dcB, supervisor]) {
      const viewer = await currentUserOf(ctx, who.id)
      const together = await victimSideAccessOf(ctx.db, viewer, [...people, people[0]])
      for (const id of people) expect(together.get(id)).toEqual(await victimSideAccess(ctx.db, viewer, id))
    }
    expect(await victimSideAccessOf(ctx.db, await currentUserOf(ctx, dcA.id), [])).toEqual(new Map())
  })
})

/**
 * Finding 3 of issue 13: `POST /nrm-referrals/:id/events` decides who may record on an NRM referral from the NRM
 * referral's own person, never from the personId a form sends. (There is no API equivalent of this route.)
 */
describe('NRM events by id (IDOR)', () => {
  const NRM_ID = '01900000-0000-7000-8000-00000000a3a1'
  const V_SECRETS = [
    'NRM-V-CANARY-0305',
    '2026-03-05',
    '5 March 2026',
    '12 March 2026',
    'Tomasz Wielgus',
    'Recovery period',
    'Reasonable grounds',
  ]
  let own: { id: string; personId: string }
  let attacker: PageClient
  let holder: PageClient
  const withdrawn = (referralId: string, personId: string, day = '20') => ({
    referralId,
    personId,
    kind: 'withdrawn',
    'occurredOn-day': day,
    'occurredOn-month': '3',
    'occurredOn-year': '2026',
    notes: 'Withdrawn by the attacker',
  })
  const eventsOnV = async () =>
    (await ctx.db.selectFrom('nrm_events').select('kind').where('nrm_referral_id', '=', NRM_ID).execute()).map(
      (e) => e.kind,
    )

  beforeAll(async () => {
    // The victim's NRM referral, worked by DC A (assigned the victim's referral): submitted, with a positive reasonable grounds decision.
    await ctx.db
      .insertInto('nrm_referrals')
      .values({
        id: NRM_ID,
        person_id: victimId,
        referral_id: victimReferral,
        screening_id: null,
        nation: 'England',
        submitted_on: '2026-03-05',
        nrm_reference: 'NRM-V-CANARY-0305',
        first_responder_organisation: 'Riverton Police',
        competent_authority: 'SCA',
        child_at_referral: false,
        rg_due_on: '2026-03-12',
        created_by: dcA.id,
      })
      .execute()
    await ctx.db
      .insertInto('nrm_events')
      .values({
        id: '01900000-0000-7000-8000-00000000a3a2',
        nrm_referral_id: NRM_ID,
        kind: 'reasonable-grounds',
        occurred_on: '2026-03-11',
        outcome: 'positive',
        decided_by: 'SCA',
        notes: null,
        recorded_by: dcA.id,
      })
      .execute()
    // DC B records a victim of their own, so they hold a victim side to pass in the form.
    own = await referral(dcB.token, 'Own Victim', 'potential-victim')
    attacker = new PageClient(ctx.app)
    await attacker.signIn(dcB.email)
    expect((await attacker.get(`/referrals/${own.id}/people/${own.personId}/nrm`)).statusCode).toBe(200)
    holder = new PageClient(ctx.app)
    await holder.signIn(dcA.email)
  })

  it('refuses an investigator without a duty to the victim who names, in the form, a person they do work, and tells them nothing about the NRM referral', async () => {
    expect(await planStatus(dcB)).toBe(403)
    // A date before the referral was submitted used to answer with the submission date; any date now answers "not found".
    for (const day of ['1', '20']) {
      const response = await attacker.post(`/nrm-referrals/${NRM_ID}/events`, withdrawn(own.id, own.personId, day))
      expect(response.statusCode, `occurred on ${day} March`).toBe(404)
      for (const secret of V_SECRETS) expect(response.body, secret).not.toContain(secret)
    }
    // Naming the victim themselves in the form is refused by the victim-side guard, equally silent about the NRM referral.
    const direct = await attacker.post(`/nrm-referrals/${NRM_ID}/events`, withdrawn(victimReferral, victimId))
    expect(direct.statusCode).toBe(403)
    for (const secret of V_SECRETS.filter((s) => s !== 'Tomasz Wielgus'))
      expect(direct.body, secret).not.toContain(secret)
    expect(await eventsOnV()).toEqual(['reasonable-grounds'])
    // The same id with the attacker's own (real) person and referral is still "not found", as a random id is.
    const random = await attacker.post(
      `/nrm-referrals/01900000-0000-7000-8000-00000000dead/events`,
      withdrawn(own.id, own.personId),
    )
    expect(random.statusCode).toBe(404)
  })

  it('lets the officer with the duty record the withdrawal', async () => {
    await holder.get(`/referrals/${victimReferral}/people/${victimId}/nrm`)
    const response = await holder.post(`/nrm-referrals/${NRM_ID}/events`, {
      ...withdrawn(victimReferral, victimId),
      notes: 'The person asked to withdraw',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`/referrals/${victimReferral}/people/${victimId}/nrm`)
    expect(await eventsOnV()).toEqual(expect.arrayContaining(['reasonable-grounds', 'withdrawn']))
  })
})

/**
 * Pages offer an action on a person's victim side only to those the access policy lets take it, and tell anyone
 * else whom to ask: the officers with a duty, never a restricted live job's team.
 */
describe('pages show the victim side’s actions only to those who can take them', () => {
  const named = async (role: 'investigator' | 'supervisor', name: string) => {
    const u = await user(role)
    await ctx.db.updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute()
    const pages = new PageClient(ctx.app)
    await pages.signIn(u.email)
    return { ...u, pages }
  }
  let recorder: Awaited<ReturnType<typeof named>>
  let outsider: Awaited<ReturnType<typeof named>>
  let assignee: Awaited<ReturnType<typeof named>>
  let recorded: { id: string; personId: string }
  const ASK = (who: string) => `To screen or refer this person, ask ${who} or a supervisor.`
  const screeningLink = () => `href="/referrals/${recorded.id}/people/${recorded.personId}/nrm"`

  beforeAll(async () => {
    recorder = await named('investigator', 'DC Rita Recorder')
    outsider = await named('investigator', 'DC Otto Outsider')
    assignee = await named('investigator', 'DC Sam Assignee')
    recorded = await referral(recorder.token, 'Mihai Protected', 'potential-victim')
  })

  it('offers the recorder screening, consent and NRM on the referral and person pages', async () => {
    const page = await recorder.pages.get(`/referrals/${recorded.id}`)
    expect(page.body).toContain(screeningLink())
    expect(page.body).not.toContain('To screen or refer this person')
    const person = await recorder.pages.get(`/people/${recorded.personId}`)
    expect(person.body).toContain(screeningLink())
    expect(person.body).toContain(`href="/people/${recorded.personId}/safeguarding-plan"`)
    expect(person.body).not.toContain('To screen or refer this person')
    expect((await recorder.pages.get(`/referrals/${recorded.id}/people/${recorded.personId}/nrm`)).body).toContain(
      'Screen this person',
    )
  })

  it('shows an investigator without a duty no screening link, only whom to ask', async () => {
    const page = await outsider.pages.get(`/referrals/${recorded.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain(screeningLink())
    expect(page.body).not.toContain('/screenings')
    expect(page.body).toContain(ASK('DC Rita Recorder'))
    const person = await outsider.pages.get(`/people/${recorded.personId}`)
    expect(person.body).not.toContain('Screening, consent and NRM')
    expect(person.body).not.toContain('/safeguarding-plan')
    expect(person.body).toContain(ASK('DC Rita Recorder'))
  })

  it('moves the offer with the duty when a supervisor assigns the referral, and never names a restricted job’s team', async () => {
    expect(
      (
        await call(supervisor.token, 'POST', `/api/v1/referrals/${recorded.id}/assignment`, {
          assigneeId: assignee.id,
          note: null,
        })
      ).statusCode,
    ).toBe(200)
    expect((await assignee.pages.get(`/referrals/${recorded.id}`)).body).toContain(screeningLink())
    const recorderNow = await recorder.pages.get(`/referrals/${recorded.id}`)
    expect(recorderNow.body).not.toContain(screeningLink())
    expect(recorderNow.body).toContain(ASK('DC Sam Assignee'))
    // The person is also made a victim in a restricted job run by DC Hidden Hawk: the hint still names only the assignee.
    const hidden = await named('investigator', 'DC Hidden Hawk')
    const witnessReferral = await referral(hidden.token, 'Plain Witness', 'witness')
    const job = await call(hidden.token, 'POST', '/api/v1/cases', {
      referralId: witnessReferral.id,
      title: 'Operation Quiet',
      kind: 'investigation',
    })
    expect(job.statusCode).toBe(201)
    expect(
      (await call(supervisor.token, 'PATCH', `/api/v1/cases/${job.json().id}`, { restricted: true, reason: 'Covert' }))
        .statusCode,
    ).toBe(204)
    expect(
      (
        await call(supervisor.token, 'POST', `/api/v1/cases/${job.json().id}/people`, {
          personId: recorded.personId,
          role: 'potential-victim',
        })
      ).statusCode,
    ).toBe(201)
    for (const url of [`/referrals/${recorded.id}`, `/people/${recorded.personId}`]) {
      const page = await outsider.pages.get(url)
      expect(page.body, url).toContain(ASK('DC Sam Assignee'))
      expect(page.body, url).not.toContain('DC Hidden Hawk')
    }
  })
})
