import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let ds: PageClient
let dc: PageClient
let dcToken: string

beforeAll(async () => {
  ctx = await createTestContext()
  ds = new PageClient(ctx.app)
  await ds.signIn((await createUser(ctx, 'supervisor')).email)
  const officer = await createUser(ctx, 'investigator')
  dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
  dcToken = await apiToken(ctx, officer.email)
})
afterAll(() => ctx.close())

const api = (url: string, init: { method?: 'GET' | 'POST'; payload?: object } = {}) =>
  ctx.app.inject({
    method: init.method ?? 'GET',
    url,
    headers: { authorization: `Bearer ${dcToken}` },
    ...(init.payload ? { payload: init.payload } : {}),
  })

describe('partner directory', () => {
  it('starts with the agencies a team works with, and filters to first responders or Duty to Notify authorities', async () => {
    const all = await dc.get('/partners')
    expect(all.statusCode).toBe(200)
    for (const name of [
      'Local authority children’s services',
      'Salvation Army (Modern Slavery Victim Care Contract)',
      'National Crime Agency',
      'Child criminal and sexual exploitation team (CCE/CSE)',
      'Kalayaan',
    ]) {
      expect(all.body).toContain(name.replace('&', '&amp;'))
    }
    const dtn = (await api('/api/v1/agencies?dutyToNotify=true')).json().items.map((a: { name: string }) => a.name)
    expect(dtn).toContain('National Crime Agency')
    expect(dtn).not.toContain('Salvation Army (Modern Slavery Victim Care Contract)')
    expect(dtn).not.toContain('Modern Slavery & Exploitation Helpline (Unseen)')
    const fwa = (await api('/api/v1/agencies?kind=labour-enforcement'))
      .json()
      .items.find((a: { name: string }) => a.name.startsWith('Fair Work Agency'))
    expect(fwa).toMatchObject({ firstResponder: false, notes: expect.stringContaining('not confirmed') })
  })

  it('lets a supervisor add an agency and its contacts, with clear messages for bad input, and no one else', async () => {
    await dc.get('/partners')
    expect((await dc.post('/partners/new', { name: 'Hope for Justice', kind: 'ngo' })).statusCode).toBe(403)

    await ds.get('/partners/new')
    const bad = await ds.post('/partners/new', {
      name: '',
      kind: '',
      firstResponder: 'yes',
      dutyToNotify: 'no',
      phone: 'call me',
      email: 'not-an-email',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('There is a problem')
    expect(bad.body).toContain('Enter the agency’s name')
    expect(bad.body).toContain('Select the kind of agency')
    expect(bad.body).toContain('Enter a telephone number, like 0800 808 3733')
    expect(bad.body).toContain('Enter an email address in the correct format')
    expect(bad.body).toContain('value="not-an-email"')
    const duplicate = await ds.post('/partners/new', {
      name: 'kalayaan',
      kind: 'ngo',
      firstResponder: 'yes',
      dutyToNotify: 'no',
    })
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.body).toContain('There is already an agency with that name')

    const added = await ds.post('/partners/new', {
      name: 'Hope for Justice',
      kind: 'ngo',
      firstResponder: 'no',
      dutyToNotify: 'no',
      phone: '0300 008 8000',
      email: '',
    })
    expect(added.statusCode).toBe(303)
    const page = await ds.get(added.headers.location!)
    expect(page.body).toContain('Hope for Justice added')
    const noWay = await ds.post(`${added.headers.location}/contacts`, {
      contactName: 'Sam Example',
      jobTitle: '',
      contactPhone: '',
      contactEmail: '',
    })
    expect(noWay.statusCode).toBe(400)
    expect(noWay.body).toContain('Enter a telephone number or an email address')
    expect(noWay.body).toContain('value="Sam Example"')
    expect(
      (
        await ds.post(`${added.headers.location}/contacts`, {
          contactName: 'Sam Example',
          jobTitle: 'Case worker',
          contactPhone: '',
          contactEmail: 'sam@example.org',
        })
      ).statusCode,
    ).toBe(303)
    const agency = (await api(`/api/v1${added.headers.location!.replace('/partners', '/agencies')}`)).json()
    expect(agency.contacts).toEqual([
      expect.objectContaining({ name: 'Sam Example', jobTitle: 'Case worker', email: 'sam@example.org', active: true }),
    ])
    const audit = await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', agency.id).execute()
    expect(audit.map((a) => a.action)).toEqual(['partner.agency-created', 'partner.contact-changed'])
  })

  it('prompts a County Lines live job to involve the CCE/CSE team and records its involvement and contact', async () => {
    const referral = (
      await api('/api/v1/referrals', {
        method: 'POST',
        payload: {
          receivedAt: '2026-06-01',
          source: 'police',
          summary: 'Boy found with a deal line',
          countyLines: true,
          exploitationTypes: ['criminal'],
          people: [{ names: ['Tyler Reid'], approximateAge: 15, gender: 'male', role: 'potential-victim' }],
        },
      })
    ).json()
    const opened = (
      await api('/api/v1/cases', {
        method: 'POST',
        payload: { referralId: referral.id, title: 'Bando line', kind: 'county-lines' },
      })
    ).json()
    const team = (await api('/api/v1/agencies?kind=police-team')).json().items[0]
    await ds.get(`/partners/${team.id}`)
    await ds.post(`/partners/${team.id}/contacts`, {
      contactName: 'DS Alex Morgan',
      contactPhone: '0113 496 0000',
      contactEmail: '',
    })
    const contact = (await api(`/api/v1/agencies/${team.id}`)).json().contacts[0]

    const before = await dc.get(`/cases/${opened.id}`)
    expect(before.body).toContain('Involve the force’s child criminal and sexual exploitation team')
    const noInvolvement = await dc.post(`/cases/${opened.id}/agencies`, {
      agencyId: team.id,
      contactId: contact.id,
      involvement: '',
    })
    expect(noInvolvement.statusCode).toBe(400)
    expect(noInvolvement.body).toContain('Say what the agency is doing in this live job')
    const wrongContact = await api(`/api/v1/cases/${opened.id}/agencies`, {
      method: 'POST',
      payload: {
        agencyId: (await api('/api/v1/agencies?kind=ngo')).json().items[0].id,
        contactId: contact.id,
        involvement: 'Support',
      },
    })
    expect(wrongContact.statusCode).toBe(400)
    expect(wrongContact.json().errors[0]).toMatchObject({
      pointer: '/contactId',
      detail: 'Select a contact who works for that agency',
    })

    expect(
      (
        await dc.post(`/cases/${opened.id}/agencies`, {
          agencyId: team.id,
          contactId: contact.id,
          involvement: 'Strategy meeting and return home interviews',
        })
      ).statusCode,
    ).toBe(303)
    const after = await dc.get(`/cases/${opened.id}`)
    expect(after.body).not.toContain('Involve the force’s child criminal and sexual exploitation team')
    expect(after.body).toContain('DS Alex Morgan')
    expect((await api(`/api/v1/cases/${opened.id}`)).json().agencies).toEqual([
      {
        agencyId: team.id,
        name: team.name,
        involvement: 'Strategy meeting and return home interviews',
        contact: 'DS Alex Morgan',
      },
    ])
    const again = await api(`/api/v1/cases/${opened.id}/agencies`, {
      method: 'POST',
      payload: { agencyId: team.id, involvement: 'Again' },
    })
    expect(again.statusCode).toBe(400)
    expect(again.json().errors[0].detail).toBe(`${team.name} is already involved in this live job`)
  })
})
