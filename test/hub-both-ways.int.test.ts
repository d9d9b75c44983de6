import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  agencyOfKind,
  buildLiveJob,
  buildReferral,
  buildSharingAgreement,
  buildUser,
  dateFields,
  daysFromToday,
  signedInPages,
  type BuiltUser,
} from './support/builders.ts'
import { createTestContext, type PageClient, type TestContext } from './support/test-app.ts'
import { pdfText } from './support/pdf-text.ts'

let ctx: TestContext
let ds: PageClient
let dc: PageClient
let dcUser: BuiltUser
let childrens: string
let housing: string
let isa: string
let meetingId: string
let itemId: string
let kayden: string
let jermaine: string
let partner: PageClient
let otherPartner: PageClient
let zofia: string

// A County Lines child, found at an address with the exploiter's phone and car in the report: the referral was
// opened as a live job at once, so before this change the child fell off the hub agenda.
const SUMMARY =
  'Kayden Marsh was found at Flat 3, 22 Mill Road, NN2 6AB, holding drugs for Jermaine Cole, who drives AB12 CDE ' +
  'and runs the line on 07700 900456. Kayden says Cole keeps him there with another boy.'

async function partnerFor(agencyId: string) {
  return signedInPages(ctx, await buildUser(ctx, 'partner', { agencyId }))
}

beforeAll(async () => {
  ctx = await createTestContext()
  const dsUser = await buildUser(ctx, 'supervisor')
  ds = await signedInPages(ctx, dsUser)
  dcUser = await buildUser(ctx, 'investigator')
  dc = await signedInPages(ctx, dcUser)
  const referral = await buildReferral(ctx, dcUser, {
    receivedAt: daysFromToday(-40),
    summary: SUMMARY,
    countyLines: true,
    exploitationTypes: ['criminal'],
    people: [
      { names: ['Kayden Marsh'], approximateAge: 15, gender: 'male', role: 'potential-victim' },
      { names: ['Jermaine Cole'], approximateAge: 24, gender: 'male', role: 'suspected-exploiter' },
    ],
    locations: [{ addressLine1: 'Flat 3, 22 Mill Road', postcode: 'NN2 6AB', premisesType: 'private-house' }],
  })
  const personIn = (role: string) => referral.people.find((p) => p.role === role)!.personId
  kayden = personIn('potential-victim')
  jermaine = personIn('suspected-exploiter')
  zofia = (
    await buildReferral(ctx, dcUser, {
      receivedAt: daysFromToday(-90),
      summary: 'Zofia Nowak picked vegetables at Greystones Farm for no pay',
      people: [{ names: ['Zofia Nowak'], approximateAge: 30, gender: 'female', role: 'potential-victim' }],
    })
  ).people[0].personId
  // Assigned as a fixture, so the DC (not a supervisor) opens the live job from it.
  await ctx.db.updateTable('referrals').set({ assigned_to: dcUser.id }).where('id', '=', referral.id).execute()
  await buildLiveJob(ctx, dcUser, { referralId: referral.id, title: 'Op Mill: County Lines' })
  await ctx.services.people.linkObject(
    jermaine,
    { kind: 'phone', value: '07700 900456', relation: 'uses', validFrom: null, source: 'Referral' },
    { userId: dcUser.id },
  )
  childrens = await agencyOfKind(ctx, 'childrens-services')
  housing = await agencyOfKind(ctx, 'housing')
  isa = await buildSharingAgreement(ctx, dsUser, {
    title: 'Northfield exploitation ISA',
    purposes: 'Safeguarding children at risk of criminal exploitation.',
    allowedFields: ['name', 'date-of-birth', 'address', 'referral-summary', 'exploitation-types', 'nrm-status'],
    agencyIds: [childrens, housing],
  })
  partner = await partnerFor(childrens)
  otherPartner = await partnerFor(housing)
})
afterAll(() => ctx.close())

describe('a hub meeting', () => {
  it('puts a live job with a child on the agenda, and records named attendees, apologies and the lawful basis in the minutes', async () => {
    await ds.get('/hub-meetings')
    const created = await ds.post('/hub-meetings', {
      title: 'Northfield hub',
      referralDays: '14',
      agreementId: isa,
      ...dateFields('heldOn', daysFromToday(2)),
    })
    expect(created.statusCode).toBe(303)
    meetingId = created.headers.location!.split('/').pop()!
    const items = await ctx.db
      .selectFrom('hub_meeting_items')
      .select(['id', 'kind', 'reasons'])
      .where('meeting_id', '=', meetingId)
      .execute()
    // The referral is 40 days old and opened as a live job: it is there as the live job, because of the child.
    expect(items.map((i) => [i.kind, i.reasons])).toEqual([['live-job', ['child']]])
    itemId = items[0].id
    expect(
      (
        await ds.post(`/hub-meetings/${meetingId}/attendance`, {
          userIds: [],
          apologyUserIds: [dcUser.id],
          agencyIds: [childrens],
          agreementId: isa,
        })
      ).statusCode,
    ).toBe(303)
    const noName = await ds.post(`/hub-meetings/${meetingId}/attendees`, { attendeeName: ' ', attendeeRole: '' })
    expect(noName.statusCode).toBe(400)
    expect(noName.body).toContain('Enter the attendee’s name')
    expect(noName.body).toContain('govuk-error-summary')
    const named: Record<string, string>[] = [
      { attendeeName: 'Sam Rivers', attendeeRole: 'Social worker', attendeeAgency: childrens },
      { attendeeName: 'Priya Ward', attendeeRole: 'School nurse', attendeeApologies: 'yes' },
    ]
    for (const attendee of named)
      expect((await ds.post(`/hub-meetings/${meetingId}/attendees`, attendee)).statusCode).toBe(303)
    const page = await ds.get(`/hub-meetings/${meetingId}`)
    expect(page.body).toContain('Live job')
    expect(page.body).toContain('With a child')
    expect(page.body).toContain('Sam Rivers, Social worker, Local authority children’s services')
    expect(page.body).toContain('Lawful basis: UK GDPR: safeguarding')
    expect(page.body).not.toContain('Kayden')
    const pdf = await pdfText((await ds.get(`/hub-meetings/${meetingId}/minutes.pdf`)).rawPayload)
    expect(pdf).toContain('Confidentiality and lawful basis')
    expect(pdf).toContain('Northfield exploitation ISA')
    expect(pdf).toContain('Sam Rivers, Social worker')
    expect(pdf.replace(/\s+/g, ' ')).toMatch(/Apologies • Test investigator.*• Priya Ward, School nurse/)
    for (const name of ['Kayden', 'Marsh', 'Jermaine', 'Cole']) expect(pdf).not.toContain(name)
  })

  it('gives an agency an action only with what it needs to act, made in the same step; protected fields wait for a supervisor, oldest first on My work', async () => {
    const form = await dc.get(`/hub-meetings/${meetingId}/items/${itemId}`)
    expect(form.statusCode).toBe(200)
    // The officer sees the report with other people's names and details marked.
    for (const marked of ['Jermaine Cole', 'AB12 CDE', '07700 900456', 'Flat 3, 22 Mill Road', 'NN2 6AB', 'Cole'])
      expect(form.body).toContain(`<mark>${marked}</mark>`)
    expect(form.body).not.toContain('<mark>Kayden')
    // Someone not on the item, named in the address bar: their reports are not read, the item's first person's are.
    const elsewhere = await dc.get(`/hub-meetings/${meetingId}/items/${itemId}?personId=${zofia}`)
    expect(elsewhere.body).not.toContain('Greystones')
    expect(elsewhere.body).toContain('<mark>Jermaine Cole</mark>')

    const bad = await dc.post(`/hub-meetings/${meetingId}/items/${itemId}`, {
      personId: kayden,
      agencyId: '',
      text: 'Return home interview',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
    expect(bad.body).toContain('Select the agency')
    expect(bad.body).toContain('Select what the agency needs to know')
    expect(bad.body).toContain('Enter due date')
    const notInvited = await dc.post(`/hub-meetings/${meetingId}/items/${itemId}`, {
      personId: kayden,
      agencyId: housing,
      fields: ['name'],
      purpose: 'Housing options',
    })
    expect(notInvited.statusCode).toBe(400)
    expect(notInvited.body).toContain('Select one of the agencies invited to the meeting')

    const given = await dc.post(`/hub-meetings/${meetingId}/items/${itemId}`, {
      personId: kayden,
      agencyId: childrens,
      fields: ['name', 'date-of-birth', 'referral-summary', 'nrm-status'],
      purpose: '',
      text: 'Return home interview and a strategy discussion',
      ...dateFields('dueOn', daysFromToday(5)),
    })
    expect(given.statusCode).toBe(303)
    const action = await ctx.db
      .selectFrom('safeguarding_actions')
      .select(['id', 'owner_agency_id', 'meeting_item_id'])
      .where('meeting_id', '=', meetingId)
      .executeTakeFirstOrThrow()
    expect(action).toMatchObject({ owner_agency_id: childrens, meeting_item_id: itemId })
    const made = await ctx.db
      .selectFrom('disclosures')
      .select(['id', 'status', 'fields', 'action_id', 'meeting_item_id'])
      .where('person_id', '=', kayden)
      .orderBy('created_at')
      .execute()
    // What needs no approval went at once with the action; the NRM decisions wait for a supervisor.
    expect(made.map((d) => [d.status, d.fields, d.action_id, d.meeting_item_id])).toEqual([
      ['live', ['name', 'date-of-birth', 'referral-summary'], action.id, itemId],
      ['awaiting-approval', ['nrm-status'], action.id, itemId],
    ])

    // A second, later request waits too: the supervisor's queue lists both, oldest first.
    await dc.get(`/people/${kayden}/disclosures`)
    expect(
      (
        await dc.post(`/people/${kayden}/disclosures`, {
          agencyId: childrens,
          agreementId: isa,
          purpose: 'Later: the NRM decision for the child protection conference',
          fields: ['nrm-status'],
          ...dateFields('expiresOn', daysFromToday(20)),
        })
      ).statusCode,
    ).toBe(303)
    const work = await ds.get('/my-work')
    const queue = /id="approvals"[\s\S]*?<\/table>/.exec(work.body)?.[0] ?? ''
    expect(queue).toContain('Kayden Marsh')
    expect(queue.indexOf('So that they can act: Return home interview')).toBeGreaterThan(0)
    expect(queue.indexOf('So that they can act')).toBeLessThan(queue.indexOf('Later: the NRM decision'))
    expect((await dc.get('/my-work')).body).not.toContain('id="approvals"')
  })

  it('lets an invited partner prepare from what was shared with it, and contribute; the team sees it on the person, attributed and audited', async () => {
    const view = await partner.get(`/partner/meetings/${meetingId}`)
    expect(view.statusCode).toBe(200)
    expect(view.body).toContain('Kayden Marsh')
    expect(view.body).toContain('Return home interview and a strategy discussion')
    expect(view.body).toContain('Northfield exploitation ISA')
    // The NRM decisions are not approved yet, so they are not there.
    expect(view.body).not.toContain('NRM')
    // A partner not invited cannot see the meeting at all.
    expect((await otherPartner.get(`/partner/meetings/${meetingId}`)).statusCode).toBe(404)
    const disclosure = (
      await ctx.db
        .selectFrom('disclosures')
        .select('id')
        .where('person_id', '=', kayden)
        .where('status', '=', 'live')
        .executeTakeFirstOrThrow()
    ).id
    const empty = await partner.post(`/partner/meetings/${meetingId}/contributions`, {
      target: `disclosure:${disclosure}`,
      kind: 'visit',
      text: '  ',
    })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter what your agency knows or did')
    expect(
      (
        await partner.post(`/partner/meetings/${meetingId}/contributions`, {
          target: `disclosure:${disclosure}`,
          kind: 'visit',
          text: 'Home visit on Tuesday: Kayden at home with his mother, phone seized by police.',
        })
      ).statusCode,
    ).toBe(303)
    const action = (
      await ctx.db
        .selectFrom('safeguarding_actions')
        .select('id')
        .where('meeting_id', '=', meetingId)
        .executeTakeFirstOrThrow()
    ).id
    expect(
      (
        await partner.post(`/partner/meetings/${meetingId}/contributions`, {
          target: `action:${action}`,
          kind: 'outcome',
          text: 'Return home interview done; strategy discussion booked.',
        })
      ).statusCode,
    ).toBe(303)
    // Another agency's partner cannot record against it, whatever id they try.
    expect(
      (
        await otherPartner.post(`/partner/meetings/${meetingId}/contributions`, {
          target: `disclosure:${disclosure}`,
          kind: 'visit',
          text: 'Trying',
        })
      ).statusCode,
    ).toBe(404)

    const person = await dc.get(`/people/${kayden}`)
    expect(person.body).toContain('From partner agencies')
    expect(person.body).toContain('Home visit on Tuesday: Kayden at home with his mother')
    expect(person.body).toContain('Return home interview done; strategy discussion booked.')
    expect(person.body).toContain('<strong>Local authority children’s services</strong>, visit')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'subject_id'])
      .where('action', 'in', ['hub-contribution.recorded', 'hub-contribution.viewed'])
      .orderBy('id')
      .execute()
    expect(audit.map((a) => a.action)).toEqual([
      'hub-contribution.recorded',
      'hub-contribution.recorded',
      'hub-contribution.viewed',
    ])
    expect(audit.every((a) => a.subject_id === kayden)).toBe(true)
  })
})

describe('disclosure of the minimum', () => {
  it('sends what was reported with no other person’s name or identifier unless the officer chose to send it', async () => {
    const view = await partner.get(`/partner/meetings/${meetingId}`)
    const body = view.body
    expect(body).toContain('Kayden Marsh was found at [address withheld]')
    for (const other of ['Jermaine', 'Cole', 'AB12', '07700', 'Mill Road', 'NN2 6AB']) expect(body).not.toContain(other)
    const stored = await ctx.db
      .selectFrom('disclosures')
      .select('narratives')
      .where('person_id', '=', kayden)
      .where('status', '=', 'live')
      .executeTakeFirstOrThrow()
    // The redaction is recorded by kind; the withheld words are not copied into the record.
    expect(JSON.stringify(stored.narratives)).not.toContain('Jermaine')
    expect(stored.narratives[0].redactions.filter((r) => !r.sent).map((r) => r.kind)).toEqual([
      'address',
      'postcode',
      'name',
      'vehicle',
      'phone',
      'name',
    ])

    // The officer chooses to send the postcode (the social worker must know the area), and nothing else.
    await dc.get(`/people/${kayden}/disclosures`)
    expect(
      (
        await dc.post(`/people/${kayden}/disclosures`, {
          agencyId: childrens,
          agreementId: isa,
          purpose: 'Area for the child protection plan',
          fields: ['referral-summary'],
          release: ['postcode:nn2 6ab'],
          ...dateFields('expiresOn', daysFromToday(20)),
        })
      ).statusCode,
    ).toBe(303)
    const chosen = await ctx.db
      .selectFrom('disclosures')
      .select('id')
      .where('purpose', '=', 'Area for the child protection plan')
      .executeTakeFirstOrThrow()
    const shown = await partner.get(`/partner/disclosures/${chosen.id}`)
    expect(shown.body).toContain('NN2 6AB')
    for (const other of ['Jermaine', 'Cole', 'AB12', '07700', 'Mill Road']) expect(shown.body).not.toContain(other)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'disclosure.made')
      .where('justification', '=', 'Area for the child protection plan')
      .executeTakeFirstOrThrow()
    expect((audit.details as { narratives: { sent: string[] }[] }).narratives[0].sent).toEqual(['postcode'])
  })
})
