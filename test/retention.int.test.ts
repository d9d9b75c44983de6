import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '#src/platform/audit/audit.repository.ts'
import { sealAuditChain } from '#src/platform/audit/audit-sealer.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { runCli } from '#src/cli/main.ts'
import {
  apiToken,
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  type TestContext,
} from './support/test-app.ts'

let ctx: TestContext
let records: PageClient
let officerToken: string
let supervisor: CurrentUser

const VICTIM = 'Zephyrine Quillfeather'
const ALIAS = 'Zeffi Marlowbright'
const PHONE_TYPED = '07412 583 961'
const PHONE = '+447412583961'
const PHONE_DIGITS = '7412583961'
const PASSPORT = 'QX7781235'
const ADDRESS = '14 Thistlewood Yard'

const actor = () => ({ userId: supervisor.id, ip: '127.0.0.1', requestId: 'test' })

async function createReferral(body: Record<string, unknown>) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${officerToken}` },
    payload: body,
  })
  expect(response.statusCode).toBe(201)
  return response.json() as { id: string; reference: string; people: { personId: string }[] }
}

async function cli(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTty: false, ask: async () => '' }
  const code = await runCli(args, io, ctx.config, async () => ({
    db: ctx.db,
    embedded: false,
    fresh: false,
    close: async () => undefined,
  }))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/** Every row of every table whose text (text, json, arrays, cast to text) contains the value, case-insensitively. */
async function tablesContaining(value: string): Promise<string[]> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema = current_schema() AND (c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY'))`.execute(
    ctx.db,
  )
  const found: string[] = []
  for (const { table_name, column_name } of columns) {
    const { rows } = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM ${sql.table(table_name)} WHERE ${sql.ref(column_name)}::text ILIKE ${'%' + value + '%'}`.execute(
      ctx.db,
    )
    if (rows[0].n > 0) found.push(`${table_name}.${column_name}`)
  }
  return found
}

beforeAll(async () => {
  ctx = await createTestContext()
  const ds = await createUser(ctx, 'supervisor')
  supervisor = await currentUserOf(ctx, ds.id)
  records = new PageClient(ctx.app)
  await records.signIn(ds.email)
  const officer = await createUser(ctx, 'investigator')
  officerToken = await apiToken(ctx, officer.email)
})
afterAll(() => ctx.close())

describe('retention roles and schedules', () => {
  it('gives the review queue to supervisors and auditors only, with MoPI-modelled defaults marked for the records manager to confirm', async () => {
    const roles = await ctx.db.selectFrom('roles').select(['id', 'permissions']).execute()
    const withReview = roles
      .filter((r) => r.permissions.includes('retention:review'))
      .map((r) => r.id)
      .sort()
    expect(withReview).toEqual(['auditor', 'supervisor'])
    const page = await records.get('/retention/schedules')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('for the force’s records manager to confirm')
    expect(page.body).toContain('Group 1: certain public protection matters')
    expect(page.body).toContain('kept until the subject is deemed 100')
    expect(page.body).toContain('Default: to confirm')
    const analyst = new PageClient(ctx.app)
    await analyst.signIn((await createUser(ctx, 'analyst')).email)
    expect((await analyst.get('/retention')).statusCode).toBe(403)
  })

  it('changes a schedule (which then needs confirming again), rejects bad numbers in place, and confirms', async () => {
    await records.get('/retention/schedules')
    const bad = await records.post('/retention/schedules/intelligence', {
      reviewGroup: 'group-3',
      firstReviewMonths: 'six',
      reviewEveryMonths: '72',
      keepUntilAge: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('First review must be a whole number of months')
    expect(bad.body).toContain('value="six"')
    expect(
      (
        await records.post('/retention/schedules/intelligence', {
          reviewGroup: 'group-3',
          firstReviewMonths: '60',
          reviewEveryMonths: '60',
          keepUntilAge: '',
        })
      ).statusCode,
    ).toBe(303)
    let row = await ctx.db
      .selectFrom('retention_schedules')
      .selectAll()
      .where('record_type', '=', 'intelligence')
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ first_review_months: 60, confirmed_at: null })
    await records.get('/retention/schedules')
    expect((await records.post('/retention/schedules/intelligence/confirm', {})).statusCode).toBe(303)
    row = await ctx.db
      .selectFrom('retention_schedules')
      .selectAll()
      .where('record_type', '=', 'intelligence')
      .executeTakeFirstOrThrow()
    expect(row.confirmed_by).toBe(supervisor.id)
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'category'])
      .where('subject_id', '=', 'intelligence')
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['retention.schedule-changed', 'retention.schedule-confirmed'])
  })
})

describe('erasing a person', () => {
  let victim: string
  let suspect: string
  let lookalike: string
  let referral: { id: string; reference: string }

  beforeAll(async () => {
    referral = await createReferral({
      receivedAt: '2026-09-01',
      source: 'police',
      summary: `${VICTIM} found working at a car wash; her phone ${PHONE_TYPED}. Suspect drove her there.`,
      exploitationTypes: ['labour'],
      people: [
        {
          names: [VICTIM, ALIAS],
          dateOfBirth: '1998-03-14',
          gender: 'female',
          nationalities: ['RO'],
          role: 'potential-victim',
        },
        { names: ['Cornelius Drabwick'], approximateAge: 40, gender: 'male', role: 'suspected-exploiter' },
      ],
    })
    ;[victim, suspect] = (referral as unknown as { people: { personId: string }[] }).people.map((p) => p.personId)
    const people = ctx.services.people
    await people.linkObject(
      victim,
      { kind: 'phone', value: PHONE_TYPED, relation: 'uses', validFrom: null, source: 'referral' },
      actor(),
    )
    await people.linkPlace(
      victim,
      {
        place: {
          addressLine1: ADDRESS,
          addressLine2: null,
          town: 'Leeds',
          postcode: 'LS9 8AB',
          description: null,
          premisesType: 'private-house',
        } as never,
        relation: 'lives-at',
        source: 'officer',
        validFrom: null,
      },
      actor(),
    )
    await people.addDocument(
      victim,
      { kind: 'passport', number: PASSPORT, issuingCountry: 'RO', expiresOn: null, heldByPerson: false },
      actor(),
    )
    await people.recordImmigrationStatus(victim, { status: 'asylum-seeker', notes: null }, actor())
    // A justification a person typed with the victim's name in it: the audit log must not keep it.
    await people.viewImmigrationStatus(victim, `Checking ${VICTIM} status for the NRM referral`, supervisor, actor())
    await ctx.services.safeguarding.addRisk(
      victim,
      { description: `${VICTIM} may be moved by the suspect`, rating: 'red', rationale: 'Suspect has her passport' },
      supervisor,
      actor(),
    )
    const agency = (
      await ctx.db
        .selectFrom('agencies')
        .select('id')
        .where('kind', '=', 'childrens-services')
        .executeTakeFirstOrThrow()
    ).id
    const today = new Date().toISOString().slice(0, 10)
    const agreementId = await ctx.services.disclosures.recordAgreement(
      {
        title: 'Safeguarding hub',
        purposes: 'Safeguarding',
        lawfulBasis: 'uk-gdpr-safeguarding',
        agencyIds: [agency],
        allowedFields: ['name', 'phone', 'address'],
        startsOn: today,
        reviewOn: '2030-01-01',
        endsOn: '2030-12-31',
      },
      actor(),
    )
    await ctx.services.disclosures.disclose(
      victim,
      { agencyId: agency, agreementId, purpose: 'Support visit', fields: ['name', 'phone'], expiresOn: '2030-06-30' },
      supervisor,
      actor(),
    )
    // A raw import row that created the person.
    const jobId = uuidv7()
    await ctx.db
      .insertInto('import_jobs')
      .values({
        id: jobId,
        source: 'Helpline',
        referral_source: 'helpline',
        filename: 'export.csv',
        file_kind: 'csv',
        headers: ['name', 'phone'],
        rows: JSON.stringify([
          [VICTIM, PHONE_TYPED],
          ['Someone Else', '01130000000'],
        ]),
        total_rows: 2,
        status: 'completed',
      })
      .execute()
    await ctx.db
      .insertInto('import_rows')
      .values({
        id: uuidv7(),
        job_id: jobId,
        row_number: 2,
        fingerprint: 'fp-1',
        status: 'imported',
        person_id: victim,
        data: JSON.stringify({ name: VICTIM }),
      })
      .execute()
    // Someone who looks like her, for the matcher.
    lookalike = (
      await createReferral({
        receivedAt: '2026-09-03',
        source: 'helpline',
        summary: 'Woman seen at a hand car wash',
        exploitationTypes: ['labour'],
        people: [
          {
            names: ['Zephyrine Quilfeather'],
            dateOfBirth: '1998-03-14',
            gender: 'female',
            nationalities: ['RO'],
            role: 'potential-victim',
          },
        ],
      })
    ).people[0].personId
  })

  it('finds her by name and as a possible match before erasure', async () => {
    const found = await ctx.services.search.search(VICTIM, { dateOfBirth: null }, supervisor, actor())
    expect(found.people.map((p) => p.person_id)).toContain(victim)
    const matches = await ctx.services.matching.matchesFor(lookalike, supervisor, actor())
    expect(matches.matches.map((m) => m.person.id)).toContain(victim)
    // Straight from the in-memory index, with nothing read back from the database to hide a stale entry.
    const raw = await ctx.services.matching.likelyMatchesFor(
      { fullName: VICTIM, dateOfBirth: '1998-03-14', sex: 'female', nationality: 'RO', phones: [PHONE] },
      0.05,
    )
    expect(raw.matches.map((m) => m.personId)).toContain(victim)
    expect(await tablesContaining(VICTIM)).not.toEqual([])
  })

  it('refuses while a legal hold is on a record that holds her, and says why', async () => {
    await ctx.db
      .updateTable('referrals')
      .set({ status: 'closed', closure_reason: 'no-further-action', closed_at: new Date('2019-01-10') })
      .where('id', '=', referral.id)
      .execute()
    await records.get(`/retention/records/referral-not-proceeded/${referral.id}`)
    const held = await records.post(`/retention/records/referral-not-proceeded/${referral.id}/hold`, {
      holdReason: 'Civil claim 2026/117',
    })
    expect(held.statusCode).toBe(303)
    await records.get(`/retention/people/${victim}/erase`)
    const refused = await records.post(`/retention/people/${victim}/erase`, {
      eraseReason: 'Recorded in error',
      confirm: 'yes',
    })
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('legal hold')
    expect(refused.body).toContain('Recorded in error')
    expect(await ctx.db.selectFrom('people').select('id').where('id', '=', victim).executeTakeFirst()).toBeDefined()
    const deleting = await records.post(`/retention/records/referral-not-proceeded/${referral.id}/erase`, {
      eraseReason: 'Past review',
      confirm: 'yes',
    })
    expect(deleting.statusCode).toBe(409)
    expect(deleting.body).toContain('on legal hold')
    expect(
      await ctx.db.selectFrom('referrals').select('id').where('id', '=', referral.id).executeTakeFirst(),
    ).toBeDefined()
    const lifted = await records.post(`/retention/records/referral-not-proceeded/${referral.id}/release`, {
      releaseReason: 'Claim settled',
    })
    expect(lifted.statusCode).toBe(303)
    const actions = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'justification'])
      .where('subject_id', '=', referral.id)
      .where('action', 'like', 'retention.hold%')
      .orderBy('id')
      .execute()
    expect(actions).toEqual([
      { action: 'retention.hold-placed', justification: 'Civil claim 2026/117' },
      { action: 'retention.hold-lifted', justification: 'Claim settled' },
    ])
  })

  it('asks for a reason and a confirmation, keeping what was typed', async () => {
    await records.get(`/retention/people/${victim}/erase`)
    const response = await records.post(`/retention/people/${victim}/erase`, { eraseReason: 'Made in error' })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Confirm that this person is to be erased')
    expect(response.body).toContain('Made in error')
  })

  it('removes her everywhere, keeps only the fact of the erasure, and leaves the audit chain verifiable', async () => {
    const auditRows = Number(
      (
        await ctx.db
          .selectFrom('audit_events')
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
    // What she was seen in has been sealed into the chain, as the running server's sealer does within a second: the
    // erasure then vouches for the redacted rows' new hashes (ADR 0007).
    await sealAuditChain(ctx.db)
    await records.get(`/retention/people/${victim}/erase`)
    const response = await records.post(`/retention/people/${victim}/erase`, {
      eraseReason: `Recorded in error: ${VICTIM} was never involved`,
      confirm: 'yes',
    })
    expect(response.statusCode).toBe(303)

    for (const value of [
      VICTIM,
      ALIAS,
      PHONE,
      PHONE_TYPED,
      PHONE_DIGITS,
      PASSPORT,
      ADDRESS,
      'quillfeather',
      'marlowbright',
    ]) {
      expect(await tablesContaining(value), value).toEqual([])
    }
    // Rows that were about her and others survive without her: the referral, the other person, the import job.
    const kept = await ctx.db
      .selectFrom('referrals')
      .select('summary')
      .where('id', '=', referral.id)
      .executeTakeFirstOrThrow()
    expect(kept.summary).toBe('[erased] found working at a car wash; her phone [erased]. Suspect drove her there.')
    expect(await ctx.db.selectFrom('people').select('id').where('id', '=', suspect).executeTakeFirst()).toBeDefined()
    const job = await ctx.db
      .selectFrom('import_jobs')
      .select('rows')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow()
    expect(job.rows).toEqual([
      ['', ''],
      ['Someone Else', '01130000000'],
    ])
    // Name words only she used are gone from the search vocabulary; one the look-alike shares stays.
    const { rows: wordRows } = await sql<{
      word: string
    }>`SELECT word FROM name_words WHERE word IN ('zephyrine', 'quillfeather', 'zeffi', 'marlowbright', 'quilfeather')`.execute(
      ctx.db,
    )
    const words = wordRows.map((w) => w.word).sort()
    expect(words).toEqual(['quilfeather', 'zephyrine'])
    for (const table of [
      'people',
      'person_names',
      'person_name_words',
      'person_name_word_pairs',
      'person_documents',
      'person_immigration_status',
      'disclosures',
      'safeguarding_plans',
      'referral_subjects',
      'safeguarding_prompts',
    ] as const) {
      const { rows } = await sql<{
        n: number
      }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${sql.ref(table === 'people' ? 'id' : 'person_id')} = ${victim}`.execute(
        ctx.db,
      )
      expect(rows[0].n, table).toBe(0)
    }
    // Her id survives only where the fact of the erasure is kept: the audit log and the erasures table.
    const { rows: idColumns } = await sql<{ table_name: string; column_name: string }>`
      SELECT c.table_name, c.column_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema() AND (c.udt_name IN ('uuid', '_uuid', 'text', 'jsonb', '_text'))`.execute(
      ctx.db,
    )
    const holding: string[] = []
    for (const { table_name, column_name } of idColumns) {
      const { rows } = await sql<{
        n: number
      }>`SELECT count(*)::int AS n FROM ${sql.table(table_name)} WHERE ${sql.ref(column_name)}::text LIKE ${'%' + victim + '%'}`.execute(
        ctx.db,
      )
      if (rows[0].n > 0) holding.push(`${table_name}.${column_name}`)
    }
    expect(holding.filter((c) => !c.startsWith('audit_events.') && !c.startsWith('erasures.'))).toEqual([])

    // Search and matching no longer find her.
    const found = await ctx.services.search.search('Zephyrine', { dateOfBirth: null }, supervisor, actor())
    expect(found.people.map((p) => p.person_id)).not.toContain(victim)
    expect(found.people.map((p) => p.person_id)).toContain(lookalike)
    const matches = await ctx.services.matching.matchesFor(lookalike, supervisor, actor())
    expect(matches.matches.map((m) => m.person.id)).not.toContain(victim)
    const raw = await ctx.services.matching.likelyMatchesFor(
      { fullName: VICTIM, dateOfBirth: '1998-03-14', sex: 'female', nationality: 'RO', phones: [PHONE] },
      0.05,
    )
    expect(raw.matches.map((m) => m.personId)).not.toContain(victim)
    expect(raw.matches.map((m) => m.personId)).toContain(lookalike)

    // The audit keeps the fact, by id, and nothing else about her; the chain still verifies.
    const erased = await ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'person.erased')
      .where('subject_id', '=', victim)
      .executeTakeFirstOrThrow()
    expect(erased).toMatchObject({
      category: 'erasure',
      actor_user_id: supervisor.id,
      justification: 'Recorded in error: [erased] was never involved',
    })
    const earlier = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'justification'])
      .where('subject_id', '=', victim)
      .where('action', '=', 'immigration-status.viewed')
      .executeTakeFirstOrThrow()
    expect(earlier.justification).toBe('Checking [erased] status for the NRM referral')
    const redacted = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'audit.redacted')
      .executeTakeFirstOrThrow()
    expect((redacted.details as { rows: unknown[] }).rows.length).toBeGreaterThanOrEqual(2)
    const searches = await sql<{
      details: { queryHash: string }
    }>`SELECT details FROM audit_events WHERE action = 'search.performed' AND details -> 'results' ? ${victim}`.execute(
      ctx.db,
    )
    expect(searches.rows.length).toBeGreaterThan(0)
    for (const s of searches.rows) expect(s.details.queryHash).toBe('[erased]')
    expect(
      Number(
        (
          await ctx.db
            .selectFrom('audit_events')
            .select(sql<number>`count(*)`.as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBeGreaterThan(auditRows)
    await sealAuditChain(ctx.db)
    const verified = await verifyAuditChain(ctx.db)
    expect(verified).toMatchObject({ ok: true, unsealed: 0 })
    const erasure = await ctx.db
      .selectFrom('erasures')
      .selectAll()
      .where('record_id', '=', victim)
      .executeTakeFirstOrThrow()
    expect(erasure).toMatchObject({ record_type: 'person', erased_by: supervisor.id })
  })

  it('still detects tampering after erasure: with a redacted row, and with the row that vouches for it', async () => {
    const redactedRow = await ctx.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'immigration-status.viewed')
      .where('justification', 'like', '%[erased]%')
      .executeTakeFirstOrThrow()
    const voucher = await ctx.db
      .selectFrom('audit_events')
      .select(['id', 'details'])
      .where('action', '=', 'audit.redacted')
      .executeTakeFirstOrThrow()
    const original = await ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id'])
      .where('id', '=', redactedRow.id)
      .executeTakeFirstOrThrow()
    const other = await createUser(ctx, 'analyst')
    await sql`BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_events SET actor_user_id = ${sql.lit(other.id)} WHERE id = ${sql.lit(Number(redactedRow.id))}; COMMIT;`.execute(
      ctx.db,
    )
    let result = await verifyAuditChain(ctx.db)
    expect(result).toMatchObject({ ok: false, firstBreak: { id: String(redactedRow.id) } })
    const broken = await cli(['audit', 'verify'])
    expect(broken.code).toBe(1)
    expect(broken.err).toContain(`Audit chain BROKEN at event ${redactedRow.id}`)
    await sql`BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_events SET actor_user_id = ${sql.lit(original.actor_user_id)} WHERE id = ${sql.lit(Number(redactedRow.id))}; COMMIT;`.execute(
      ctx.db,
    )
    const intact = await cli(['audit', 'verify'])
    expect(intact.code).toBe(0)
    expect(intact.out).toMatch(/Audit chain intact: \d+ events checked/)

    // Rewriting the voucher to cover a forged justification breaks the voucher's own hash.
    const details = JSON.stringify({ rows: [] })
    await sql`BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_events SET details = ${sql.lit(details)}::jsonb WHERE id = ${sql.lit(Number(voucher.id))}; COMMIT;`.execute(
      ctx.db,
    )
    result = await verifyAuditChain(ctx.db)
    expect(result.ok).toBe(false)
    await sql`BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_events SET details = ${sql.lit(JSON.stringify(voucher.details))}::jsonb WHERE id = ${sql.lit(Number(voucher.id))}; COMMIT;`.execute(
      ctx.db,
    )
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true)
  })

  it('lets the app redact only the justification and details of an audit row, nothing else, and only while erasing', async () => {
    const row = await ctx.db.selectFrom('audit_events').select('id').orderBy('id').executeTakeFirstOrThrow()
    await expect(sql`UPDATE audit_events SET justification = 'x' WHERE id = ${row.id}`.execute(ctx.db)).rejects.toThrow(
      /append-only/,
    )
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('lantern.audit_redaction', 'on', true)`.execute(trx)
        await sql`UPDATE audit_events SET action = 'x' WHERE id = ${row.id}`.execute(trx)
      }),
    ).rejects.toThrow(/append-only/)
    await expect(sql`DELETE FROM audit_events WHERE id = ${row.id}`.execute(ctx.db)).rejects.toThrow(/append-only/)
  })
})

describe('the review queue', () => {
  it('lists a referral not proceeded with once its review is due, and retaining it sets the next review', async () => {
    const r = await createReferral({
      receivedAt: '2018-05-01',
      source: 'partner-agency',
      summary: 'Concern about a farm',
      exploitationTypes: ['labour'],
      people: [{ names: ['Ottoline Fernsby'], gender: 'female', role: 'potential-victim' }],
    })
    await ctx.db
      .updateTable('referrals')
      .set({ status: 'closed', closure_reason: 'not-modern-slavery', closed_at: new Date('2018-06-01') })
      .where('id', '=', r.id)
      .execute()
    const queue = await records.get('/retention')
    expect(queue.statusCode).toBe(200)
    expect(queue.body).toContain(r.reference)
    expect(queue.body).toContain('Referral not proceeded with')
    await records.get(`/retention/records/referral-not-proceeded/${r.id}`)
    const missing = await records.post(`/retention/records/referral-not-proceeded/${r.id}/retain`, {
      retainReason: '',
      'nextReviewOn-day': '1',
      'nextReviewOn-month': '1',
      'nextReviewOn-year': '2031',
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Enter why the record is still needed')
    const both = await records.post(`/retention/records/referral-not-proceeded/${r.id}/retain`, {
      retainReason: '',
      'nextReviewOn-day': '31',
      'nextReviewOn-month': '2',
      'nextReviewOn-year': '2031',
    })
    expect(both.statusCode).toBe(400)
    expect(both.body).toContain('<a href="#retainReason">Enter why the record is still needed')
    expect(both.body).toContain('<a href="#nextReviewOn-day">Next review date must be a real date')
    const past = await records.post(`/retention/records/referral-not-proceeded/${r.id}/retain`, {
      retainReason: 'Linked intelligence',
      'nextReviewOn-day': '1',
      'nextReviewOn-month': '1',
      'nextReviewOn-year': '2020',
    })
    expect(past.statusCode).toBe(400)
    expect(past.body).toContain('must be in the future')
    const kept = await records.post(`/retention/records/referral-not-proceeded/${r.id}/retain`, {
      retainReason: 'Linked intelligence',
      'nextReviewOn-day': '1',
      'nextReviewOn-month': '1',
      'nextReviewOn-year': '2031',
    })
    expect(kept.statusCode).toBe(303)
    expect((await records.get('/retention')).body).not.toContain(r.reference)
    expect((await records.get('/retention?view=upcoming')).body).not.toContain(r.reference)
    const review = await ctx.db
      .selectFrom('retention_reviews')
      .selectAll()
      .where('record_id', '=', r.id)
      .executeTakeFirstOrThrow()
    expect(review).toMatchObject({
      next_review_on: '2031-01-01',
      last_decision: 'retain',
      last_reason: 'Linked intelligence',
    })
  })

  it('deletes a referral at review with the people only it held, and records the erasure', async () => {
    const r = await createReferral({
      receivedAt: '2017-05-01',
      source: 'public-concern',
      summary: 'Ambrosine Peckwater seen sleeping at a nail bar',
      exploitationTypes: ['labour'],
      people: [{ names: ['Ambrosine Peckwater'], gender: 'female', role: 'potential-victim' }],
    })
    const personId = r.people[0].personId
    await ctx.db
      .updateTable('referrals')
      .set({ status: 'closed', closure_reason: 'no-further-action', closed_at: new Date('2017-06-01') })
      .where('id', '=', r.id)
      .execute()
    expect((await records.get('/retention?type=public-report')).body).toContain(r.reference)
    await records.get(`/retention/records/public-report/${r.id}`)
    const response = await records.post(`/retention/records/public-report/${r.id}/erase`, {
      eraseReason: 'No policing purpose after review',
      confirm: 'yes',
    })
    expect(response.statusCode).toBe(303)
    expect(await ctx.db.selectFrom('referrals').select('id').where('id', '=', r.id).executeTakeFirst()).toBeUndefined()
    expect(await ctx.db.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst()).toBeUndefined()
    expect(await tablesContaining('Peckwater')).toEqual([])
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'category', 'subject_id'])
      .where('action', 'in', ['retention.record-erased', 'person.erased'])
      .where('subject_id', 'in', [r.id, personId])
      .execute()
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'retention.record-erased', category: 'erasure', subject_id: r.id },
        { action: 'person.erased', category: 'erasure', subject_id: personId },
      ]),
    )
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true)
  })

  it('reviews an intelligence link and a person nothing else holds, each on its own schedule', async () => {
    const personId = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers: { authorization: `Bearer ${officerToken}` },
        payload: { names: ['Wilhelmina Craddock'], gender: 'female' },
      })
    ).json().id as string
    const objectId = await ctx.services.people.linkObject(
      personId,
      { kind: 'phone', value: '07412 583 970', relation: 'uses', validFrom: null, source: 'Crimestoppers' },
      actor(),
    )
    const linkId = (
      await ctx.db.selectFrom('entity_links').select('id').where('to_id', '=', objectId).executeTakeFirstOrThrow()
    ).id
    await sql`UPDATE entity_links SET created_at = '2015-02-01' WHERE id = ${linkId}`.execute(ctx.db)
    await ctx.db
      .updateTable('people')
      .set({ updated_at: new Date('2015-02-01') })
      .where('id', '=', personId)
      .execute()
    const queue = (await records.get('/retention')).body
    expect(queue).toContain(`/retention/records/intelligence/${linkId}`)
    expect(queue).toContain(`/retention/records/person/${personId}`)
    await records.get(`/retention/records/intelligence/${linkId}`)
    expect(
      (
        await records.post(`/retention/records/intelligence/${linkId}/erase`, {
          eraseReason: 'Uncorroborated after review',
          confirm: 'yes',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      await ctx.db.selectFrom('entity_links').select('id').where('id', '=', linkId).executeTakeFirst(),
    ).toBeUndefined()
    expect(await ctx.db.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst()).toBeDefined()
    await records.get(`/retention/records/person/${personId}`)
    expect(
      (
        await records.post(`/retention/records/person/${personId}/erase`, {
          eraseReason: 'No policing purpose',
          confirm: 'yes',
        })
      ).statusCode,
    ).toBe(303)
    expect(await tablesContaining('Craddock')).toEqual([])
    expect(
      await ctx.db
        .selectFrom('erasures')
        .select('record_type')
        .where('record_id', 'in', [linkId, personId])
        .orderBy('record_type')
        .execute(),
    ).toEqual([{ record_type: 'intelligence' }, { record_type: 'person' }])
  })

  it('keeps a group 1 live job until everyone on it is deemed 100', async () => {
    const r = await createReferral({
      receivedAt: '2010-05-01',
      source: 'police',
      summary: 'Girl advertised online',
      exploitationTypes: ['sexual'],
      people: [
        { names: ['Perpetua Lindgrove'], dateOfBirth: '1995-01-01', gender: 'female', role: 'potential-victim' },
      ],
    })
    const opened = await ctx.services.cases.openFromReferral(
      r.id,
      { title: 'Operation Larkspur', kind: 'investigation' },
      supervisor,
      actor(),
    )
    await ctx.services.cases.addDecision(
      opened.id,
      { decidedOn: '2010-06-01', decision: 'Arrest', rationale: 'Evidence' },
      supervisor,
      actor(),
    )
    await ctx.db
      .updateTable('cases')
      .set({ status: 'closed', closed_at: new Date('2011-01-01') })
      .where('id', '=', opened.id)
      .execute()
    await expect(sql`DELETE FROM case_decisions WHERE case_id = ${opened.id}`.execute(ctx.db)).rejects.toThrow(
      /append-only/,
    )
    await records.get(`/retention/records/live-job-public-protection/${opened.id}`)
    const refused = await records.post(`/retention/records/live-job-public-protection/${opened.id}/erase`, {
      eraseReason: 'Past review',
      confirm: 'yes',
    })
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('deemed 100 (2095-01-01)')
    // A group 2 live job can go, decision log and all (the log is otherwise append-only).
    await ctx.db
      .updateTable('retention_schedules')
      .set({ keep_until_age: null })
      .where('record_type', '=', 'live-job-public-protection')
      .execute()
    const deleted = await records.post(`/retention/records/live-job-public-protection/${opened.id}/erase`, {
      eraseReason: 'Past review',
      confirm: 'yes',
    })
    expect(deleted.statusCode).toBe(303)
    expect(
      await ctx.db.selectFrom('case_decisions').select('id').where('case_id', '=', opened.id).executeTakeFirst(),
    ).toBeUndefined()
  })
})

describe('the audit log by s62 category', () => {
  it('lets the data protection officer filter the log by category, with the justification given', async () => {
    const auditor = new PageClient(ctx.app)
    await auditor.signIn((await createUser(ctx, 'auditor')).email)
    const erasures = await auditor.get('/audit/log?category=erasure&days=1')
    expect(erasures.statusCode).toBe(200)
    expect(erasures.body).toContain('person.erased')
    expect(erasures.body).toContain('No policing purpose after review')
    expect(erasures.body).not.toContain('referral.created')
    const consultations = await auditor.get('/audit/log?category=consultation&action=immigration-status.viewed&days=1')
    expect(consultations.body).toContain('Checking [erased] status for the NRM referral')
    expect(consultations.body).not.toContain('person.erased')
    const csv = await auditor.get('/audit/log?category=erasure&days=1&format=csv')
    expect(csv.headers['content-type']).toContain('text/csv')
    const lines = csv.body.trim().split('\r\n').slice(1)
    expect(lines.length).toBeGreaterThan(0)
    // Event id, then the quoted date and time, then the category.
    for (const line of lines) expect(line).toMatch(/^\d+,"[^"]+",erasure,/)
    const read = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'audit.read')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(read.details).toMatchObject({ report: 'log', category: 'erasure' })

    // In words, with links: the action as a DPO reads it, what it was about as a link (never a bare id).
    expect(erasures.body).toContain('Person: erased')
    const table = erasures.body.slice(erasures.body.indexOf('<table'), erasures.body.indexOf('</table>'))
    expect(table.replace(/href="[^"]*"/g, '')).not.toMatch(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
    )
    const about =
      /href="(\/audit\/log\?subject=[^"]+)"/.exec(consultations.body)?.[1] ??
      /href="(\/audit\/person\?personId=[^"]+)"/.exec(consultations.body)?.[1]
    expect(about).toBeTruthy()
    // Every event about one record, and only those.
    const subjectId =
      /subject=([0-9a-f-]{36})/.exec(erasures.body)?.[1] ?? /personId=([0-9a-f-]{36})/.exec(erasures.body)![1]
    const aboutOne = await auditor.get(`/audit/log?subject=${subjectId}&days=1&format=csv`)
    const subjects = await ctx.db
      .selectFrom('audit_events')
      .select('id')
      .where('subject_id', '=', subjectId)
      .where('occurred_at', '>', new Date(Date.now() - 86_400_000))
      .execute()
    expect(aboutOne.body.trim().split('\r\n').slice(1).length).toBe(subjects.length)
  })

  it('records the reviewer’s reason as the justification of a combination (merge) and of its undoing', async () => {
    const person = async (name: string) =>
      (
        await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/people',
          headers: { authorization: `Bearer ${officerToken}` },
          payload: { names: [name], dateOfBirth: '1990-05-05', gender: 'male', nationalities: ['PL'] },
        })
      ).json().id as string
    const a = await person('Radoslaw Wiercinski')
    const b = await person('Radosław Wierciński')
    const { mergeId } = await ctx.services.matching.decide(
      a,
      b,
      { decision: 'merge', note: 'Same passport number on both' },
      supervisor,
      actor(),
    )
    await ctx.services.matching.unmerge(mergeId!, 'Twins: different people', actor())
    const rows = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'category', 'justification'])
      .where('subject_id', '=', a)
      .where('action', 'in', ['person.merged', 'person.unmerged'])
      .orderBy('id')
      .execute()
    expect(rows).toEqual([
      { action: 'person.merged', category: 'combination', justification: 'Same passport number on both' },
      { action: 'person.unmerged', category: 'alteration', justification: 'Twins: different people' },
    ])
  })
})
