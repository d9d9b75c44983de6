import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiToken,
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  type TestContext,
} from './support/test-app.ts'
import { pdfText } from './support/pdf-text.ts'

let ctx: TestContext
let dpo: PageClient
let subject: string
let reference: string
let referralId: string
let home: string

const SUBJECT = 'Isolde Farrowmere'
const CO_SUSPECT = 'Gideon Ashcombe'
const REFERRER = 'Mabel Thornquist'
const REFERRER_CONTACT = 'mabel.t@example.org'
const SAR = 'SAR/2026/014'

type Bundle = {
  format: string
  requestReference: string
  subjectName: string
  sections: { key: string; title: string; entries: { title: string; fields: [string, string][] }[] }[]
  redactions: { id: string; category: string; reason: string; where: string }[]
}

beforeAll(async () => {
  ctx = await createTestContext()
  const officer = await createUser(ctx, 'investigator')
  const token = await apiToken(ctx, officer.email)
  const ds = await currentUserOf(ctx, (await createUser(ctx, 'supervisor')).id)
  const actor = { userId: ds.id }
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      receivedAt: '2026-08-10',
      source: 'partner-agency',
      referringOrganisation: 'Leeds Women’s Aid',
      referrerName: REFERRER,
      referrerContact: REFERRER_CONTACT,
      summary: `${SUBJECT} says ${CO_SUSPECT} keeps her passport and drives her to a factory.`,
      exploitationTypes: ['labour'],
      people: [
        {
          names: [SUBJECT, 'Izzy Farrow'],
          dateOfBirth: '1999-07-21',
          gender: 'female',
          nationalities: ['AL'],
          role: 'potential-victim',
        },
        { names: [CO_SUSPECT], approximateAge: 45, gender: 'male', role: 'suspected-exploiter' },
      ],
    },
  })
  expect(created.statusCode).toBe(201)
  const referral = created.json() as { id: string; reference: string; people: { personId: string }[] }
  reference = referral.reference
  referralId = referral.id
  subject = referral.people[0].personId
  await ctx.services.people.linkObject(
    subject,
    { kind: 'phone', value: '07412 583 962', relation: 'uses', validFrom: null, source: 'referral' },
    actor,
  )
  home = await ctx.services.people.linkPlace(
    subject,
    {
      place: {
        addressLine1: '22 Wren Street',
        addressLine2: null,
        town: 'Bradford',
        postcode: null,
        description: null,
        premisesType: 'private-house',
      },
      relation: 'lives-at',
      source: 'referral',
      validFrom: null,
    },
    actor,
  )
  await ctx.services.safeguarding.addRisk(
    subject,
    { description: `Contact with ${CO_SUSPECT}`, rating: 'red', rationale: 'He holds her documents' },
    ds,
    actor,
  )
  // How she was exploited: her own account, with the man who controlled her named as a perpetrator (a third party).
  const situation = await ctx.services.victimContext.record(
    subject,
    referralId,
    {
      recruitmentMethods: ['job-offer'],
      recruitmentPlatforms: ['social-media'],
      vulnerabilities: ['language'],
      controlMethods: ['documents-withheld'],
      labourSectors: ['textiles'],
      sexualTypes: [],
      criminalTypes: [],
      recruitmentPlace: 'Tirana',
      recruitmentCountry: 'AL',
      recruitmentDetail: `Offered factory work by ${CO_SUSPECT}`,
      vulnerabilityDetail: '',
      controlDetail: 'Passport kept in the factory office',
    },
    ds,
    actor,
  )
  await ctx.services.victimContext.addJourneyEvent(
    subject,
    situation,
    { stage: 'exploitation', occurredOn: '2026-06-01', place: 'Bradford', country: 'GB', notes: '' },
    ds,
    actor,
  )
  await ctx.services.victimContext.addPerpetrator(
    subject,
    situation,
    { personId: referral.people[1].personId, description: '', roles: ['controller'] },
    ds,
    actor,
  )
  const why = (what: string) => `${what}: she lives in a house ${CO_SUSPECT} controls`
  await ctx.services.referrals.grade(
    referralId,
    {
      threat: 'high',
      threatRationale: why('Threat'),
      harm: 'high',
      harmRationale: why('Harm'),
      risk: 'medium',
      riskRationale: why('Risk'),
      investigation: 'medium',
      investigationRationale: 'Lines of enquiry at the factory',
      vulnerability: 'high',
      vulnerabilityRationale: 'No English, no documents',
      engagement: 'low',
      engagementRationale: 'Frightened to speak to police',
    },
    actor,
  )
  const auditor = await createUser(ctx, 'auditor')
  dpo = new PageClient(ctx.app)
  await dpo.signIn(auditor.email)
})
afterAll(() => ctx.close())

describe('subject access', () => {
  it('is for the data protection officer: others are refused', async () => {
    const roles = await ctx.db.selectFrom('roles').select(['id', 'permissions']).execute()
    expect(roles.filter((r) => r.permissions.includes('subject-access:export')).map((r) => r.id)).toEqual(['auditor'])
    const officer = new PageClient(ctx.app)
    await officer.signIn((await createUser(ctx, 'supervisor')).email)
    expect((await officer.get(`/subject-access?personId=${subject}&request=X1`)).statusCode).toBe(403)
    expect((await officer.get(`/subject-access/bundle.json?personId=${subject}&request=X1`)).statusCode).toBe(403)
  })

  it('asks for the person and the request reference, keeping what was typed', async () => {
    const page = await dpo.get('/subject-access?personId=not-an-id&request=')
    expect(page.statusCode).toBe(400)
    expect(page.body).toContain('Enter the person’s Lantern id')
    expect(page.body).toContain('Enter the subject access request reference')
    expect(page.body).toContain('value="not-an-id"')
  })

  it('exports everything held as JSON, with third parties redacted and each redaction explained', async () => {
    const response = await dpo.get(`/subject-access/bundle.json?personId=${subject}&request=${encodeURIComponent(SAR)}`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-disposition']).toContain('subject-access-SAR-2026-014.json')
    const bundle = response.json() as Bundle
    expect(bundle).toMatchObject({ format: 'lantern-subject-access/1', requestReference: SAR, subjectName: SUBJECT })
    const text = JSON.stringify(bundle.sections)
    // Their own data is there.
    expect(text).toContain(SUBJECT)
    expect(text).toContain('Izzy Farrow')
    expect(text).toContain('+447412583962')
    expect(text).toContain(reference)
    // Nobody else's is.
    for (const other of [CO_SUSPECT, REFERRER, REFERRER_CONTACT]) expect(JSON.stringify(bundle)).not.toContain(other)
    const referral = bundle.sections.find((s) => s.key === 'referrals')!.entries[0]
    const field = (name: string) => referral.fields.find(([k]) => k === name)?.[1]
    expect(field('Referrer')).toMatch(/^\[R\d+\]$/)
    expect(field('Summary')).toMatch(new RegExp(`^${SUBJECT} says \\[R\\d+\\] keeps her passport`))
    const mark = /\[(R\d+)\]/.exec(field('Summary')!)![1]
    const redaction = bundle.redactions.find((r) => r.id === mark)!
    expect(redaction).toMatchObject({ category: 'third-party-person', where: `Referral ${reference}: summary` })
    expect(redaction.reason).toContain(`a person on referral ${reference}`)
    const referrer = bundle.redactions.find((r) => `[${r.id}]` === field('Referrer'))!
    expect(referrer.category).toBe('referrer')
    // The team's risk grading of her referral is about her: each judgement with its reasons, third parties redacted.
    const grading = bundle.sections
      .find((s) => s.key === 'referrals')!
      .entries.find((e) => e.title === `Risk grading of referral ${reference}`)!
    const graded = (name: string) => grading.fields.find(([k]) => k === name)?.[1]
    expect(graded('Vulnerability')).toBe('High: No English, no documents')
    expect(graded('Threat')).toMatch(/^High: Threat: she lives in a house \[R\d+\] controls$/)
    // How she was exploited is victim side: withheld from a DPO who may not see it, for one who may to complete.
    expect(JSON.stringify(bundle.sections.find((s) => s.key === 'victim-context'))).toContain(
      'withheld: needs victim-facet:view',
    )

    const audit = await ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'subject-access.exported')
      .where('subject_id', '=', subject)
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ category: 'disclosure', justification: `Subject access request ${SAR}` })
    expect(audit.details).toMatchObject({
      format: 'json',
      recipient: 'data-subject',
      redactions: bundle.redactions.length,
    })
  })

  it('exports the same as a PDF, with the redaction schedule', async () => {
    const response = await dpo.get(`/subject-access/bundle.pdf?personId=${subject}&request=${encodeURIComponent(SAR)}`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/pdf')
    const text = await pdfText(response.rawPayload)
    expect(text).toContain('Information held about you')
    expect(text).toContain(SUBJECT)
    expect(text).toContain(`Referral ${reference}`)
    expect(text).toContain('Redactions')
    expect(text).toMatch(/\[R\d+\] Another person’s name \(a person on referral/)
    for (const other of [CO_SUSPECT, REFERRER, REFERRER_CONTACT]) expect(text).not.toContain(other)
  })

  it('shows the reviewer each redaction with the value withheld, and audits the review', async () => {
    const page = await dpo.get(`/subject-access?personId=${subject}&request=${encodeURIComponent(SAR)}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Redactions to review')
    expect(page.body).toContain(CO_SUSPECT)
    expect(page.body).toContain(REFERRER)
    expect(page.body).toContain('The original values are shown here only')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['category', 'justification'])
      .where('action', '=', 'subject-access.viewed')
      .where('subject_id', '=', subject)
      .executeTakeFirstOrThrow()
    expect(audit).toEqual({ category: 'consultation', justification: `Subject access request ${SAR}` })
  })
})

describe('subject access by someone without the protected permissions', () => {
  const IMMIGRATION = 'Leave to remain expired (synthetic)'
  const IMMIGRATION_NOTE = 'Home Office caseworker note (synthetic)'
  const NRM_REFERENCE = 'NRM-SYN-8841'
  const RESTRICTED_TITLE = 'Operation Kestrel covert phase'
  const RESTRICTED_EVENT = 'Covert deployment at the depot'
  const secrets = [
    IMMIGRATION,
    IMMIGRATION_NOTE,
    NRM_REFERENCE,
    RESTRICTED_TITLE,
    'LJ-SYN-0077',
    RESTRICTED_EVENT,
    'He holds her documents',
    'Passport kept in the factory office',
  ]

  beforeAll(async () => {
    await ctx.db
      .insertInto('person_immigration_status')
      .values({
        person_id: subject,
        status: IMMIGRATION,
        notes: IMMIGRATION_NOTE,
        recorded_by: null,
        recorded_at: new Date(),
      })
      .execute()
    await ctx.db
      .insertInto('nrm_referrals')
      .values({
        id: '01900000-0000-7000-8000-0000000a5a01',
        person_id: subject,
        referral_id: referralId,
        screening_id: null,
        nation: 'England',
        submitted_on: '2026-08-12',
        nrm_reference: NRM_REFERENCE,
        first_responder_organisation: 'West Yorkshire Police',
        competent_authority: 'SCA',
        child_at_referral: false,
        rg_due_on: '2026-08-17',
        created_by: null,
      })
      .execute()
    const caseId = '01900000-0000-7000-8000-0000000a5a02'
    await ctx.db
      .insertInto('cases')
      .values({
        id: caseId,
        reference: 'LJ-SYN-0077',
        title: RESTRICTED_TITLE,
        kind: 'investigation',
        summary: null,
        officer_in_charge: null,
        operation_id: null,
        restricted: true,
        created_by: null,
        updated_at: new Date(),
        closed_at: null,
      })
      .execute()
    await ctx.db
      .insertInto('case_people')
      .values({ case_id: caseId, person_id: subject, role: 'witness', added_by: null })
      .execute()
    await ctx.db
      .insertInto('events')
      .values({
        id: '01900000-0000-7000-8000-0000000a5a03',
        kind: 'encounter',
        occurred_at: new Date('2026-08-20T10:00:00Z'),
        ended_at: null,
        location_id: null,
        case_id: caseId,
        summary: RESTRICTED_EVENT,
        created_by: null,
      })
      .execute()
    await ctx.db
      .insertInto('event_people')
      .values({ event_id: '01900000-0000-7000-8000-0000000a5a03', person_id: subject, role: 'witness' })
      .execute()
  })

  it('withholds immigration status, the victim facet and restricted live jobs from the JSON and PDF, marking each for a holder of the permission to complete', async () => {
    const response = await dpo.get(`/subject-access/bundle.json?personId=${subject}&request=SAR-W1`)
    expect(response.statusCode).toBe(200)
    const bundle = response.json() as Bundle & { withheld: { section: string; part: string; needs: string }[] }
    const text = JSON.stringify(bundle)
    for (const secret of secrets) expect(text, secret).not.toContain(secret)
    for (const needs of ['immigration-status:view', 'victim-facet:view', 'case:supervise'])
      expect(text).toContain(`withheld: needs ${needs}`)
    // The victim facet is withheld part by part: screening and NRM, the safeguarding plan, how they were exploited, and support (the ISA's contacts and referrals out).
    expect(bundle.withheld.map((w) => w.needs).sort()).toEqual([
      'case:supervise',
      'immigration-status:view',
      'victim-facet:view',
      'victim-facet:view',
      'victim-facet:view',
      'victim-facet:view',
    ])
    // What they may see is still there.
    expect(text).toContain(SUBJECT)
    expect(text).toContain('22 Wren Street')

    const pdf = await pdfText(
      (await dpo.get(`/subject-access/bundle.pdf?personId=${subject}&request=SAR-W1`)).rawPayload,
    )
    for (const secret of secrets) expect(pdf, secret).not.toContain(secret)
    for (const needs of ['immigration-status:view', 'victim-facet:view', 'case:supervise'])
      expect(pdf).toContain(`withheld: needs ${needs}`)
    const review = await dpo.get(`/subject-access?personId=${subject}&request=SAR-W1`)
    for (const secret of secrets) expect(review.body, secret).not.toContain(secret)
    expect(review.body).toContain('Parts you cannot complete')
    expect(review.body).toContain('Immigration status: withheld: needs immigration-status:view')
  })

  it('records each export with the records it carried, and the DPO’s reports show it', async () => {
    await dpo.get(`/subject-access/bundle.json?personId=${subject}&request=SAR-W2`)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'subject-access.exported')
      .where('justification', '=', 'Subject access request SAR-W2')
      .executeTakeFirstOrThrow()
    const details = audit.details as {
      records: { locations: string[]; referrals: string[]; immigrationStatus: boolean; cases: string[] }
      withheld: string[]
    }
    expect(details.records.locations).toEqual([home])
    expect(details.records.referrals).toEqual([referralId])
    expect(details.records.immigrationStatus).toBe(false)
    expect(details.records.cases).toEqual([])
    expect([...details.withheld].sort()).toEqual(['case:supervise', 'immigration-status:view', 'victim-facet:view'])

    const addresses = await dpo.get(`/audit/person?personId=${subject}&about=address&days=30&format=csv`)
    expect(addresses.body).toContain('Exported in a subject access bundle')
    expect(addresses.body).toContain('Subject access request SAR-W2')
    // The bundle withheld the immigration status, so it is not among those who saw it.
    const withheld = await dpo.get(`/audit/person?personId=${subject}&about=immigration-status&days=30&format=csv`)
    expect(withheld.body).not.toContain('SAR-W2')

    // A data protection officer who holds the permissions completes the bundle; that export carried the status.
    await ctx.db
      .insertInto('roles')
      .values({
        id: 'dpo-cleared',
        name: 'Cleared DPO (test)',
        description: 'Test role',
        permissions: [
          'audit:view',
          'subject-access:export',
          'immigration-status:view',
          'victim-facet:view',
          'team:supervise',
          'case:supervise',
        ],
      })
      .execute()
    const cleared = await createUser(ctx, 'auditor')
    await ctx.db.updateTable('users').set({ role_id: 'dpo-cleared' }).where('id', '=', cleared.id).execute()
    const complete = new PageClient(ctx.app)
    await complete.signIn(cleared.email)
    const full = await complete.get(`/subject-access/bundle.json?personId=${subject}&request=SAR-W3`)
    const completed = full.json() as Bundle & { withheld: unknown[] }
    const fullText = JSON.stringify(completed.sections)
    for (const secret of secrets) expect(fullText, secret).toContain(secret)
    expect(completed.withheld).toEqual([])
    expect(fullText).not.toContain('withheld: needs')
    expect(fullText).toMatch(/Contact with \[R\d+\]/)
    // How she was exploited is hers; the man who controlled her is redacted wherever he appears in it.
    const context = completed.sections.find((s) => s.key === 'victim-context')!.entries[0]
    const told = (name: string) => context.fields.find(([k]) => k === name)?.[1]
    expect(context.title).toBe(`As described in referral ${reference}`)
    expect(told('Recruited by')).toBe('Job offer or advert')
    expect(told('Recruited in (country)')).toBe('Albania')
    expect(told('Labour sectors')).toContain('textiles')
    expect(told('About the recruitment')).toMatch(/^Offered factory work by \[R\d+\]$/)
    expect(told('Perpetrator (Controller)')).toMatch(/^\[R\d+\]$/)
    expect(told('Journey: Exploitation, 1 June 2026')).toBe('Bradford, United Kingdom')
    const status = await dpo.get(`/audit/person?personId=${subject}&about=immigration-status&days=30&format=csv`)
    expect(status.body).toContain('Subject access request SAR-W3')
    expect(status.body).toContain('Exported in a subject access bundle')
  })
})
