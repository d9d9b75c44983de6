import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CurrentUser, Permission } from '#src/platform/auth/permissions.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'
import { pdfText } from './support/pdf-text.ts'

let ctx: TestContext
let dpo: PageClient
let subject: string
let reference: string

const SUBJECT = 'Isolde Farrowmere'
const CO_SUSPECT = 'Gideon Ashcombe'
const REFERRER = 'Mabel Thornquist'
const REFERRER_CONTACT = 'mabel.t@example.org'
const SAR = 'SAR/2026/014'

async function userOf(id: string): Promise<CurrentUser> {
  const row = await ctx.db.selectFrom('users').innerJoin('roles', 'roles.id', 'users.role_id').select(['users.id', 'users.email', 'users.display_name', 'users.role_id', 'roles.name', 'roles.permissions']).where('users.id', '=', id).executeTakeFirstOrThrow()
  return { id: row.id, email: row.email, displayName: row.display_name, roleId: row.role_id, roleName: row.name, permissions: new Set(row.permissions as Permission[]) }
}

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
  const ds = await userOf((await createUser(ctx, 'supervisor')).id)
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
        { names: [SUBJECT, 'Izzy Farrow'], dateOfBirth: '1999-07-21', gender: 'female', nationalities: ['AL'], role: 'potential-victim' },
        { names: [CO_SUSPECT], approximateAge: 45, gender: 'male', role: 'suspected-exploiter' },
      ],
    },
  })
  expect(created.statusCode).toBe(201)
  const referral = created.json() as { reference: string; people: { personId: string }[] }
  reference = referral.reference
  subject = referral.people[0].personId
  await ctx.services.people.linkObject(subject, { kind: 'phone', value: '07412 583 962', relation: 'uses', validFrom: null, source: 'referral' }, actor)
  await ctx.services.safeguarding.addRisk(subject, { description: `Contact with ${CO_SUSPECT}`, rating: 'red', rationale: 'He holds her documents' }, ds, actor)
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
    expect(text).toContain('He holds her documents')
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
    const risk = bundle.sections.find((s) => s.key === 'safeguarding')!.entries[0].fields[0][1]
    expect(risk).toMatch(/^Contact with \[R\d+\]/)

    const audit = await ctx.db.selectFrom('audit_events').selectAll().where('action', '=', 'subject-access.exported').where('subject_id', '=', subject).executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ category: 'disclosure', justification: `Subject access request ${SAR}` })
    expect(audit.details).toMatchObject({ format: 'json', recipient: 'data-subject', redactions: bundle.redactions.length })
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
    const audit = await ctx.db.selectFrom('audit_events').select(['category', 'justification']).where('action', '=', 'subject-access.viewed').where('subject_id', '=', subject).executeTakeFirstOrThrow()
    expect(audit).toEqual({ category: 'consultation', justification: `Subject access request ${SAR}` })
  })
})
