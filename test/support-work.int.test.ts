import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { londonDate } from '#src/shared/dates.ts'
import { SupportError } from '#src/modules/support/index.ts'
import { pdfText } from './support/pdf-text.ts'
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
 * The ISA's support work (issue 15, section 2): a supervisor assigns the ISA, who then logs contacts, makes
 * referrals out to services in the directory and follows them up, prints the leaflet in English or Welsh, and sees
 * what is stalled or due in My work. All of it is the victim side: refused to anyone without a duty, audited in
 * the same transaction, in the subject access bundle, and erased with the person.
 */
let ctx: TestContext
type User = { id: string; email: string; token: string; pages: PageClient }
let supervisor: User
let officer: User
let outsider: User
let isa: User
let otherIsa: User
let pcso: User
let victimId: string
let childId: string
let vccId: string
let lawId: string
let childrenOnlyId: string

const shift = (days: number) => {
  const d = new Date(`${londonDate()}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
const dateForm = (prefix: string, iso: string) => ({
  [`${prefix}-day`]: String(Number(iso.slice(8, 10))),
  [`${prefix}-month`]: String(Number(iso.slice(5, 7))),
  [`${prefix}-year`]: iso.slice(0, 4),
})

async function user(role: Role): Promise<User> {
  const u = await createUser(ctx, role)
  const pages = new PageClient(ctx.app)
  await pages.signIn(u.email)
  return { ...u, token: await apiToken(ctx, u.email), pages }
}
const actor = (u: User) => ({ userId: u.id })
const as = async (u: User) => currentUserOf(ctx, u.id)

async function referral(who: User, person: Record<string, unknown>) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${who.token}` },
    payload: {
      receivedAt: shift(-30),
      source: 'police',
      summary: 'Workers at a hand car wash',
      people: [{ gender: 'male', role: 'potential-victim', ...person }],
    },
  })
  expect(response.statusCode).toBe(201)
  return response.json().people[0].personId as string
}

const service = (name: string, category: string, extra: Record<string, unknown> = {}) => ({
  name,
  category,
  offers: `${name} offers help`,
  offersCy: '',
  phone: '0113 496 0000',
  email: '',
  website: '',
  area: 'Riverton',
  takesAdults: true,
  takesChildren: false,
  womenOnly: false,
  languages: '',
  active: true,
  ...extra,
})

beforeAll(async () => {
  ctx = await createTestContext()
  supervisor = await user('supervisor')
  officer = await user('investigator')
  outsider = await user('investigator')
  isa = await user('support')
  otherIsa = await user('support')
  pcso = await user('pcso')
  victimId = await referral(officer, { names: ['Arben Hoxha'], approximateAge: 27, nationalities: ['AL'] })
  childId = await referral(officer, { names: ['Dritan Kola'], approximateAge: 19, ageDisputed: true })
  for (const id of [victimId, childId])
    await ctx.services.supportWorkers.assignSupportWorker(id, isa.id, await as(supervisor), actor(supervisor))
  vccId = await ctx.services.support.addService(
    service('Victim Care Provider', 'victim-care', { offersCy: 'Gofal i ddioddefwyr' }),
    actor(isa),
  )
  lawId = await ctx.services.support.addService(service('Law Centre', 'legal-advice'), actor(isa))
  childrenOnlyId = await ctx.services.support.addService(
    service('Child Guardians', 'ictg', { takesAdults: false, takesChildren: true }),
    actor(isa),
  )
}, 120_000)
afterAll(() => ctx?.close())

describe('the directory of support services', () => {
  it('refuses a service with no name, no one it takes, or a name already listed, with a GOV.UK error summary', async () => {
    await isa.pages.get('/support-services/new')
    const empty = await isa.pages.post('/support-services', { category: 'housing', offers: 'Rooms', takes: [] })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('govuk-error-summary')
    expect(empty.body).toContain('Enter the name of the service')
    await isa.pages.get('/support-services/new')
    const nobody = await isa.pages.post('/support-services', {
      name: 'Housing Options',
      category: 'housing',
      offers: 'Rooms',
    })
    expect(nobody.statusCode).toBe(400)
    expect(nobody.body).toContain('Select who the service takes')
    await isa.pages.get('/support-services/new')
    const twice = await isa.pages.post('/support-services', {
      name: 'law centre',
      category: 'legal-advice',
      offers: 'Advice',
      takes: 'adults',
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.body).toContain('already in the directory')
  })

  it('lets an ISA add and change a service, audited; an investigator may read the directory but not change it', async () => {
    await isa.pages.get('/support-services/new')
    const added = await isa.pages.post('/support-services', {
      name: 'Riverton Housing Options',
      category: 'housing',
      offers: 'Emergency housing',
      takes: ['adults', 'children'],
      womenOnly: 'no',
      languages: 'Polish, Romanian',
    })
    expect(added.statusCode).toBe(303)
    const row = await ctx.db
      .selectFrom('support_services')
      .selectAll()
      .where('name', '=', 'Riverton Housing Options')
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      takes_adults: true,
      takes_children: true,
      languages: ['Polish', 'Romanian'],
      active: true,
    })
    await isa.pages.get(`/support-services/${row.id}`)
    expect(
      (
        await isa.pages.post(`/support-services/${row.id}`, {
          name: 'Riverton Housing Options',
          category: 'housing',
          offers: 'Emergency housing',
          takes: 'adults',
          active: 'no',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (await ctx.db.selectFrom('support_services').select('active').where('id', '=', row.id).executeTakeFirstOrThrow())
        .active,
    ).toBe(false)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'subject_id'])
      .where('subject_id', '=', row.id)
      .orderBy('id')
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['support-service.added', 'support-service.changed'])
    expect((await officer.pages.get('/support-services')).body).toContain('Riverton Housing Options')
    expect((await officer.pages.get('/support-services/new')).statusCode).toBe(403)
  })
})

describe('who may work a victim’s support', () => {
  it('refuses an ISA not assigned, an investigator with no duty and a PCSO; lets the assigned ISA and the officer', async () => {
    for (const who of [otherIsa, outsider]) {
      const page = await who.pages.get(`/people/${victimId}/support`)
      expect(page.statusCode).toBe(403)
      expect(page.body).not.toContain('Contact log')
      await expect(
        ctx.services.support.recordContact(
          victimId,
          {
            contactedOn: londonDate(),
            kind: 'phone',
            safeToContact: 'yes',
            whatDone: 'Call',
            needsRaised: '',
            entitlements: [],
            nextStep: '',
            nextStepOn: null,
          },
          await as(who),
          actor(who),
        ),
      ).rejects.toMatchObject({ status: 403 })
    }
    expect((await pcso.pages.get(`/people/${victimId}/support`)).statusCode).toBe(403)
    for (const who of [isa, officer, supervisor])
      expect((await who.pages.get(`/people/${victimId}/support`)).statusCode, who.email).toBe(200)
    // A random id and a malformed one are "not found", as for any person.
    expect((await isa.pages.get('/people/00000000-0000-7000-8000-000000000000/support')).statusCode).toBe(404)
  })

  it('shows the support summary on the person page only to those with a duty, the victim side asked once per page', async () => {
    // Issue 19: the page asks the access policy once and hands the answer to the summary and the person view.
    for (const who of [otherIsa, outsider]) {
      const page = await who.pages.get(`/people/${victimId}`)
      expect(page.statusCode).toBe(200)
      expect(page.body).not.toContain('id="support-summary"')
    }
    for (const who of [isa, officer, supervisor]) {
      const page = await who.pages.get(`/people/${victimId}`)
      expect(page.statusCode, who.email).toBe(200)
      expect(page.body, who.email).toContain('id="support-summary"')
    }
  })

  it('refuses support for someone not recorded as a victim', async () => {
    const witness = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/referrals',
        headers: { authorization: `Bearer ${officer.token}` },
        payload: {
          receivedAt: shift(-3),
          source: 'police',
          summary: 'Saw the van',
          people: [{ names: ['Passing Witness'], approximateAge: 50, gender: 'female', role: 'witness' }],
        },
      })
    ).json().people[0].personId as string
    await expect(
      ctx.services.support.recordContact(
        witness,
        {
          contactedOn: londonDate(),
          kind: 'phone',
          safeToContact: 'yes',
          whatDone: 'Call',
          needsRaised: '',
          entitlements: [],
          nextStep: '',
          nextStepOn: null,
        },
        await as(supervisor),
        actor(supervisor),
      ),
    ).rejects.toSatisfy((e: unknown) => e instanceof SupportError && e.code === 'not-a-victim')
  })
})

describe('the contact log', () => {
  it('shows a GOV.UK error summary for what is missing or wrong, keeping what was typed', async () => {
    await isa.pages.get(`/people/${victimId}/support/contacts/new`)
    const missing = await isa.pages.post(`/people/${victimId}/support/contacts`, {
      ...dateForm('contactedOn', londonDate()),
      whatDone: '',
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('govuk-error-summary')
    expect(missing.body).toContain('Select how the contact was made')
    const future = await isa.pages.post(`/people/${victimId}/support/contacts`, {
      ...dateForm('contactedOn', shift(2)),
      kind: 'phone',
      safeToContact: 'yes',
      whatDone: 'Welfare call typed here',
    })
    expect(future.body).toContain('Date of the contact must be today or in the past')
    expect(future.body).toContain('Welfare call typed here')
    const before = await isa.pages.post(`/people/${victimId}/support/contacts`, {
      ...dateForm('contactedOn', londonDate()),
      kind: 'phone',
      safeToContact: 'yes',
      whatDone: 'Call',
      nextStep: 'Visit',
      ...dateForm('nextStepOn', shift(-1)),
    })
    expect(before.body).toContain('Date of the next step must be on or after the date of the contact')
    const noStep = await isa.pages.post(`/people/${victimId}/support/contacts`, {
      ...dateForm('contactedOn', londonDate()),
      kind: 'phone',
      safeToContact: 'yes',
      whatDone: 'Call',
      ...dateForm('nextStepOn', shift(3)),
    })
    expect(noStep.body).toContain('Enter the next step, or remove its date')
    expect(await ctx.db.selectFrom('support_contacts').select('id').execute()).toEqual([])
  })

  it('logs a contact with the Victims’ Code offered, audited with ids only, and warns when it was not safe', async () => {
    await isa.pages.get(`/people/${victimId}/support/contacts/new`)
    const saved = await isa.pages.post(`/people/${victimId}/support/contacts`, {
      ...dateForm('contactedOn', shift(-1)),
      kind: 'phone',
      safeToContact: 'no',
      whatDone: 'Welfare call; the boss has been ringing this phone',
      needsRaised: 'A new phone',
      entitlements: ['code-information', 'investigation-updates'],
      nextStep: 'Get a new phone from the safe house',
      ...dateForm('nextStepOn', shift(2)),
    })
    expect(saved.statusCode).toBe(303)
    const row = await ctx.db.selectFrom('support_contacts').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      person_id: victimId,
      kind: 'phone',
      safe_to_contact: 'no',
      entitlements: ['code-information', 'investigation-updates'],
      next_step_on: shift(2),
      recorded_by: isa.id,
    })
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'subject_id', 'details'])
      .where('action', '=', 'support-contact.recorded')
      .executeTakeFirstOrThrow()
    expect(audit).toEqual({
      actor_user_id: isa.id,
      subject_id: victimId,
      details: { contactId: row.id, kind: 'phone', entitlements: ['code-information', 'investigation-updates'] },
    })
    const page = await isa.pages.get(`/people/${victimId}/support`)
    expect(page.body).toContain('Welfare call; the boss has been ringing this phone')
    expect(page.body).toContain('Updates on the investigation')
    expect(page.body).toContain('not safe to contact them that way')
  })

  it('marks a next step overdue only on the latest contact: a later contact takes over from it', async () => {
    await isa.pages.get(`/people/${victimId}/support/contacts/new`)
    const earlier = await isa.pages.post(`/people/${victimId}/support/contacts`, {
      ...dateForm('contactedOn', shift(-20)),
      kind: 'in-person',
      safeToContact: 'yes',
      whatDone: 'First meeting at the station',
      nextStep: 'Call the safe house',
      ...dateForm('nextStepOn', shift(-15)),
    })
    expect(earlier.statusCode).toBe(303)
    const page = await isa.pages.get(`/people/${victimId}/support`)
    expect(page.body).toContain('Call the safe house')
    expect(page.body).not.toContain('>Overdue<')
    // The tests after this one count this person's contacts.
    await ctx.db.deleteFrom('support_contacts').where('what_done', '=', 'First meeting at the station').execute()
  })
})

describe('referrals out', () => {
  it('asks victim care which support, keeps a presumed child from adults-only services, and follows up after the configured days', async () => {
    const isaUser = await as(isa)
    await expect(
      ctx.services.support.makeReferral(
        victimId,
        { serviceId: vccId, madeOn: londonDate(), provision: '', reason: 'Safe house', followUpOn: null },
        isaUser,
        actor(isa),
      ),
    ).rejects.toMatchObject({ field: 'provision' })
    // Age disputed: treated as a child (DOMAIN.md 3.4), so an adults-only service is refused and a children's one taken.
    await expect(
      ctx.services.support.makeReferral(
        childId,
        { serviceId: lawId, madeOn: londonDate(), provision: '', reason: 'Advice', followUpOn: null },
        isaUser,
        actor(isa),
      ),
    ).rejects.toThrow(/does not take children/)
    await expect(
      ctx.services.support.makeReferral(
        victimId,
        { serviceId: childrenOnlyId, madeOn: londonDate(), provision: '', reason: 'Guardian', followUpOn: null },
        isaUser,
        actor(isa),
      ),
    ).rejects.toThrow(/takes only children/)
    await ctx.services.support.makeReferral(
      childId,
      { serviceId: childrenOnlyId, madeOn: londonDate(), provision: '', reason: 'A guardian', followUpOn: null },
      isaUser,
      actor(isa),
    )
    const made = await ctx.services.support.makeReferral(
      victimId,
      {
        serviceId: vccId,
        madeOn: shift(-2),
        provision: 'safe-house',
        reason: 'Safe house out of area',
        followUpOn: null,
      },
      isaUser,
      actor(isa),
    )
    const row = await ctx.db
      .selectFrom('support_referrals')
      .selectAll()
      .where('id', '=', made)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      status: 'awaiting',
      provision: 'safe-house',
      follow_up_on: shift(-2 + ctx.config.supportReferralFollowUpDays),
    })
  })

  it('makes a referral from the page with its error summary', async () => {
    await isa.pages.get(`/people/${victimId}/support/referrals/new`)
    const missing = await isa.pages.post(`/people/${victimId}/support/referrals`, {
      ...dateForm('madeOn', londonDate()),
      reason: '',
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Select a service from the directory')
    const saved = await isa.pages.post(`/people/${victimId}/support/referrals`, {
      serviceId: lawId,
      ...dateForm('madeOn', shift(-20)),
      reason: 'Advice on the debt to the recruiter',
      ...dateForm('followUpOn', shift(-6)),
    })
    expect(saved.statusCode).toBe(303)
    expect(
      (await ctx.db.selectFrom('audit_events').select('id').where('action', '=', 'support-referral.made').execute())
        .length,
    ).toBe(3)
  })

  it('shows the stalled referral and the review due in the ISA’s My work, and not in another ISA’s', async () => {
    await ctx.services.safeguarding.addReview(
      victimId,
      { dueOn: shift(3), heldOn: null, notes: '' },
      await as(isa),
      actor(isa),
    )
    const mine = await isa.pages.get('/my-work')
    expect(mine.body).toContain('Referrals out with no answer')
    expect(mine.body).toMatch(/Arben Hoxha[\s\S]*Law Centre[\s\S]*Follow up now/)
    expect(mine.body).toContain('Safeguarding reviews due')
    expect(mine.body).toMatch(/SP-\d{4}-\d+/)
    const theirs = await otherIsa.pages.get('/my-work')
    expect(theirs.body).not.toContain('Arben Hoxha')
    expect(theirs.body).toContain('No referrals out are waiting past their follow-up date.')
    expect((await supervisor.pages.get('/my-work')).body).toContain('Law Centre')
  })

  it('records the answer: a chase needs a note and a new date, a decline needs the reason, a closed one stays closed', async () => {
    const law = await ctx.db
      .selectFrom('support_referrals')
      .select('id')
      .where('service_id', '=', lawId)
      .executeTakeFirstOrThrow()
    const url = `/people/${victimId}/support/referrals/${law.id}`
    await isa.pages.get(url)
    const noStatus = await isa.pages.post(url, {})
    expect(noStatus.statusCode).toBe(400)
    expect(noStatus.body).toContain('Select what has happened to the referral')
    // Chasing needs the next follow-up date, and its problem goes on the box that is wrong.
    const noDate = await isa.pages.post(url, { status: 'awaiting', note: 'Chased', 'followUpOn-day': '5' })
    expect(noDate.statusCode).toBe(400)
    expect(noDate.body).toContain('Next follow-up date must include a month and year')
    expect(noDate.body).toContain('href="#followUpOn-month"')
    const chaseNoNote = await isa.pages.post(url, { status: 'awaiting', ...dateForm('followUpOn', shift(5)) })
    expect(chaseNoNote.body).toContain('Enter what happened when you followed it up')
    const chased = await isa.pages.post(url, {
      status: 'awaiting',
      note: 'Rang the law centre: appointment list full this week',
      ...dateForm('followUpOn', shift(5)),
    })
    expect(chased.statusCode).toBe(303)
    expect(
      await ctx.db
        .selectFrom('support_referrals')
        .select(['status', 'follow_up_on'])
        .where('id', '=', law.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'awaiting', follow_up_on: shift(5) })
    expect((await isa.pages.get('/my-work')).body).not.toContain('Follow up now')
    await isa.pages.get(url)
    const noReason = await isa.pages.post(url, { status: 'declined' })
    expect(noReason.body).toContain('Enter why the service declined the referral')
    expect((await isa.pages.post(url, { status: 'declined', outcome: 'Outside their area' })).statusCode).toBe(303)
    await expect(
      ctx.services.support.updateReferral(
        victimId,
        law.id,
        { status: 'accepted', note: '', outcome: '', followUpOn: null },
        await as(isa),
        actor(isa),
      ),
    ).rejects.toThrow(/Make a new referral/)
    const history = await ctx.db
      .selectFrom('support_referral_updates')
      .select(['status', 'note'])
      .where('referral_id', '=', law.id)
      .orderBy('created_at')
      .execute()
    expect(history).toEqual([
      { status: null, note: 'Rang the law centre: appointment list full this week' },
      { status: 'declined', note: 'Marked declined' },
    ])
    const updates = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'support-referral.updated')
      .orderBy('occurred_at')
      .orderBy('id')
      .execute()
    expect(updates.map((u) => u.details)).toEqual([
      { referralId: law.id, followUpOn: shift(5) },
      { referralId: law.id, status: 'declined' },
    ])
  })
})

describe('support over the API', () => {
  const call = (who: User, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    ctx.app.inject({ method, url, headers: { authorization: `Bearer ${who.token}` }, ...(payload ? { payload } : {}) })

  it('logs a contact and a referral out, reads them back, and answers RFC 9457 problems', async () => {
    const contact = await call(isa, 'POST', `/api/v1/people/${childId}/support/contacts`, {
      contactedOn: londonDate(),
      kind: 'video',
      safeToContact: 'not-asked',
      whatDone: 'Video call with an interpreter',
      entitlements: ['needs-assessment'],
    })
    expect(contact.statusCode).toBe(201)
    const bad = await call(isa, 'POST', `/api/v1/people/${childId}/support/contacts`, {
      contactedOn: shift(1),
      kind: 'phone',
      safeToContact: 'yes',
      whatDone: 'Call',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect(bad.json()).toMatchObject({ status: 400, errors: [expect.objectContaining({ pointer: '/contactedOn' })] })
    const adultsOnly = await call(isa, 'POST', `/api/v1/people/${childId}/support/referrals`, {
      serviceId: lawId,
      madeOn: londonDate(),
      reason: 'Advice',
    })
    expect(adultsOnly.statusCode).toBe(400)
    expect(adultsOnly.json().detail).toMatch(/does not take children/)
    const read = await call(isa, 'GET', `/api/v1/people/${childId}/support`)
    expect(read.statusCode).toBe(200)
    expect(read.json().contacts).toEqual([
      expect.objectContaining({
        id: contact.json().id,
        kind: 'video',
        whatDone: 'Video call with an interpreter',
        entitlements: ['needs-assessment'],
      }),
    ])
    expect(read.json().referrals).toEqual([
      expect.objectContaining({ service: 'Child Guardians', status: 'awaiting', stalled: false }),
    ])
    const refused = await call(outsider, 'GET', `/api/v1/people/${childId}/support`)
    expect(refused.statusCode).toBe(403)
    expect(refused.headers['content-type']).toContain('application/problem+json')
    expect(refused.body).not.toContain('Video call')
    expect((await call(isa, 'GET', '/api/v1/people/00000000-0000-7000-8000-000000000000/support')).statusCode).toBe(404)
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/people/{id}/support',
        '/api/v1/people/{id}/support/contacts',
        '/api/v1/people/{id}/support/referrals',
      ]),
    )
  })
})

describe('where support shows and goes', () => {
  it('summarises support on the person page for those with the victim side only', async () => {
    const page = await isa.pages.get(`/people/${victimId}`)
    expect(page.body).toContain('Support: contacts and referrals out')
    expect(page.body).toMatch(/1 contact logged, last/)
    const outside = await outsider.pages.get(`/people/${victimId}`)
    expect(outside.body).not.toContain('Support: contacts and referrals out')
    expect(outside.body).not.toContain('contact logged')
  })

  it('prints the leaflet in English and Welsh with no name on it, audited as a document given out', async () => {
    const en = await isa.pages.get(`/people/${victimId}/support/leaflet.pdf`)
    expect(en.headers['content-type']).toContain('application/pdf')
    const english = await pdfText(en.rawPayload)
    expect(english).toContain('Help and support for you')
    expect(english).toContain('Victim Care Provider')
    expect(english).toContain('08000 121 700')
    expect(english).not.toContain('Arben')
    const cy = await isa.pages.get(`/people/${victimId}/support/leaflet.pdf?lang=cy&service=${lawId}&service=${vccId}`)
    const welsh = await pdfText(cy.rawPayload)
    expect(welsh).toContain('Help a chymorth i chi')
    expect(welsh).toContain('Gofal i ddioddefwyr')
    expect(welsh).toContain('Law Centre')
    expect(welsh).toContain('Saesneg yn unig')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'document.downloaded')
      .where('subject_id', '=', victimId)
      .execute()
    expect(audit.map((a) => a.details)).toContainEqual({
      document: 'support-leaflet',
      language: 'cy',
      serviceIds: expect.arrayContaining([lawId, vccId]),
    })
    expect((await outsider.pages.get(`/people/${victimId}/support/leaflet.pdf`)).statusCode).toBe(403)
  })

  it('is in the subject access bundle for someone with the victim side, and withheld for others', async () => {
    const full = await ctx.services.subjectAccess.review(victimId, 'SAR-1', await as(supervisor), actor(supervisor))
    const support = full.bundle.sections.find((s) => s.key === 'support')!
    expect(JSON.stringify(support)).toContain('Welfare call; the boss has been ringing this phone')
    expect(JSON.stringify(support)).toContain('Referral to Law Centre')
    const partial = await ctx.services.subjectAccess.review(victimId, 'SAR-2', await as(outsider), actor(outsider))
    const withheld = partial.bundle.sections.find((s) => s.key === 'support')!
    expect(JSON.stringify(withheld)).not.toContain('Welfare call')
    expect(JSON.stringify(withheld)).toContain('withheld: needs victim-facet:view')
  })

  it('is erased with the person; the directory stays', async () => {
    await ctx.services.retention.erasePerson(victimId, 'Recorded in error', actor(supervisor))
    expect(
      await ctx.db.selectFrom('support_contacts').select('id').where('person_id', '=', victimId).execute(),
    ).toEqual([])
    expect(
      await ctx.db.selectFrom('support_referrals').select('id').where('person_id', '=', victimId).execute(),
    ).toEqual([])
    expect(await ctx.db.selectFrom('support_referral_updates').select('id').execute()).toEqual([])
    expect((await ctx.db.selectFrom('support_services').select('id').where('id', '=', lawId).execute()).length).toBe(1)
  })
})
