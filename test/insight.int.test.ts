import { foldFigures } from '#src/platform/db/figures-fold.ts'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'
import type { Table } from '#src/modules/insight/index.ts'
import type { Filters } from '#src/modules/insight/insight.filters.ts'
import { createStatisticsService } from '#src/modules/insight/statistics.service.ts'

/**
 * The team's figures on a small dataset built here by hand, so every expected number below can be checked
 * by reading the rows: six referrals (one with three exploitation types, one with none, one received just
 * after midnight on 1 May in British Summer Time), six potential victims, three NRM referrals with their
 * decisions and one Duty to Notify report.
 */
let ctx: TestContext
let analyst: PageClient
let investigator: PageClient

const R = (n: number) => `00000000-0000-4000-8000-00000000000${n}`
const P = (n: number) => `00000000-0000-4000-9000-00000000000${n}`
const N = (n: number) => `00000000-0000-4000-a000-00000000000${n}`

async function seed(db: TestContext['db']) {
  // Constant ids only, so the statements can go as one script (parameters allow only one statement).
  const script = `
    INSERT INTO referrals (id, reference, received_at, source, summary, exploitation_types, county_lines, priority_tags, status) VALUES
      ('${R(1)}', 'T-1', '2026-01-10 09:00Z', 'police', 'Synthetic', '{labour}', false, '{textile-industry}', 'new'),
      ('${R(2)}', 'T-2', '2026-01-20 09:00Z', 'helpline', 'Synthetic', '{labour,sexual}', false, '{sexual-exploitation}', 'in-triage'),
      ('${R(3)}', 'T-3', '2026-02-05 09:00Z', 'police', 'Synthetic', '{criminal}', true, '{}', 'opened-as-case'),
      ('${R(4)}', 'T-4', '2026-03-15 09:00Z', 'public-concern', 'Synthetic', '{}', false, '{}', 'new'),
      ('${R(5)}', 'T-5', '2026-04-02 09:00Z', 'partner-agency', 'Synthetic', '{sexual,labour,criminal}', false, '{sexual-exploitation,textile-industry}', 'screening'),
      ('${R(6)}', 'T-6', '2026-04-30 23:30Z', 'police', 'Synthetic', '{sexual}', false, '{}', 'new');
    INSERT INTO people (id, date_of_birth, approximate_age, age_disputed, gender, nationalities) VALUES
      ('${P(1)}', '1990-05-01', NULL, false, 'male', '{AL}'),
      ('${P(2)}', '2010-02-01', NULL, false, 'female', '{VN}'),
      ('${P(3)}', NULL, NULL, true, 'female', '{VN}'),
      ('${P(4)}', '2009-06-01', NULL, false, 'male', '{GB}'),
      ('${P(5)}', NULL, 30, false, 'male', '{AL}'),
      ('${P(6)}', NULL, NULL, false, 'not-known', '{}'),
      ('${P(7)}', '1980-01-01', NULL, false, 'male', '{GB}');
    INSERT INTO referral_subjects (referral_id, person_id, role, position) VALUES
      ('${R(1)}', '${P(1)}', 'potential-victim', 0), ('${R(1)}', '${P(7)}', 'suspected-exploiter', 1),
      ('${R(2)}', '${P(2)}', 'potential-victim', 0), ('${R(2)}', '${P(3)}', 'potential-victim', 1),
      ('${R(3)}', '${P(4)}', 'potential-victim', 0),
      ('${R(5)}', '${P(5)}', 'potential-victim', 0),
      ('${R(6)}', '${P(6)}', 'potential-victim', 0);
    INSERT INTO nrm_referrals (id, person_id, referral_id, nation, submitted_on, first_responder_organisation, competent_authority, child_at_referral, rg_due_on) VALUES
      ('${N(1)}', '${P(1)}', '${R(1)}', 'England', '2026-01-12', 'Riverton Police', 'SCA', false, '2026-01-19'),
      ('${N(2)}', '${P(2)}', '${R(2)}', 'England', '2026-01-22', 'Border Force', 'IECA', true, '2026-01-29'),
      ('${N(4)}', '${P(4)}', '${R(3)}', 'England', '2026-02-06', 'Local authority children’s services', 'SCA', true, '2026-02-13');
    INSERT INTO nrm_events (id, nrm_referral_id, kind, occurred_on, outcome, decided_by) VALUES
      (gen_random_uuid(), '${N(1)}', 'reasonable-grounds', '2026-01-19', 'positive', 'SCA'),
      (gen_random_uuid(), '${N(1)}', 'conclusive-grounds', '2026-03-20', 'positive', 'SCA'),
      (gen_random_uuid(), '${N(2)}', 'reasonable-grounds', '2026-01-29', 'negative', 'IECA');
    INSERT INTO dtn_submissions (id, referral_id, person_id, submitted_on, nation, encountered_by, gender, nationality, age_at_exploitation, exploitation_types, exploitation_location) VALUES
      (gen_random_uuid(), '${R(5)}', '${P(5)}', '2026-04-03', 'England', 'police', 'male', 'AL', 'adult', '{LABOUR,SEXUAL,CRIMINAL}', 'overseas-only');
  `
  await sql.raw(script).execute(db)
}

const ALL: Filters = { from: null, to: null, priority: null }

/** A table's rows keyed by their first cell, for reading one figure. */
function rows(table: Table): Record<string, (string | number | null)[]> {
  return Object.fromEntries(table.rows.map((r) => [String(r[0]), r.slice(1)]))
}

async function count(name: Parameters<TestContext['services']['statistics']['table']>[0], filters = ALL) {
  return rows(await ctx.services.statistics.table(name, filters))
}

beforeAll(async () => {
  ctx = await createTestContext()
  await seed(ctx.db)
  analyst = new PageClient(ctx.app)
  await analyst.signIn((await createUser(ctx, 'analyst')).email)
  investigator = new PageClient(ctx.app)
  await investigator.signIn((await createUser(ctx, 'investigator')).email)
})
afterAll(() => ctx.close())

describe('the figures equal the hand-computed ones', () => {
  it('counts referrals by month (London time) and by quarter', async () => {
    expect(await count('by-month')).toEqual({
      'Jan 2026': [2],
      'Feb 2026': [1],
      'Mar 2026': [1],
      'Apr 2026': [1],
      'May 2026': [1],
      Total: [6],
    })
    expect(await count('by-quarter')).toEqual({ '2026 Q1': [4], '2026 Q2': [2], Total: [6] })
  })

  it('counts referrals by source, with every source listed', async () => {
    const source = await count('source')
    expect(source['Police report or live job']).toEqual([3, '50.0%'])
    expect(source['Modern Slavery & Exploitation Helpline']).toEqual([1, '16.7%'])
    expect(source['Self-referral']).toEqual([0, '0.0%'])
    expect(source.Total).toEqual([6, '100.0%'])
  })

  it('derives "only X", "with other types" and combinations the Home Office way', async () => {
    const types = await count('exploitation')
    expect(types['Labour exploitation']).toEqual([1, 2, 3])
    expect(types['Sexual exploitation']).toEqual([1, 2, 3])
    expect(types['Criminal exploitation']).toEqual([1, 1, 2])
    expect(types['Domestic servitude']).toEqual([0, 0, 0])
    expect(types['Not specified or unknown']).toEqual([1, 0, 1])
    expect(types['Referrals with one type'][0]).toBe(4)
    expect(types['Referrals with two or more types'][0]).toBe(2)
    expect(types['All referrals'][0]).toBe(6)
    expect(await count('combinations')).toEqual({
      'Labour and sexual': [1, '50.0%'],
      'Labour, sexual and criminal': [1, '50.0%'],
      Total: [2, '100.0%'],
    })
  })

  it('counts strategic priorities, County Lines and potential victims by age, gender, nationality and location', async () => {
    const priority = await count('priority')
    expect(priority['Sexual exploitation']).toEqual([2, '33.3%'])
    expect(priority['Textile industry'][0]).toBe(2)
    expect(priority['No strategic priority'][0]).toBe(3)
    expect((await count('county-lines'))['County Lines']).toEqual([1, '16.7%'])
    const age = await count('age')
    expect([age['Adult (18 or over)'][0], age['Child (under 18)'][0], age['Age not known'][0], age.Total[0]]).toEqual([
      2, 3, 1, 6,
    ])
    const gender = await count('gender')
    expect([gender.Male[0], gender.Female[0], gender['Not known'][0]]).toEqual([3, 2, 1])
    const nationality = await count('nationality')
    expect(nationality.Albania[0]).toBe(2)
    expect(nationality.Vietnam[0]).toBe(2)
    expect(nationality['United Kingdom'][0]).toBe(1)
    expect(nationality['Not known'][0]).toBe(1)
    const location = await count('location')
    expect(location['Overseas only'][0]).toBe(1)
    expect(location['Not recorded'][0]).toBe(5)
    const route = await count('route')
    expect([route['NRM referral'][0], route['Duty to Notify report'][0], route['Neither yet'][0]]).toEqual([3, 1, 2])
  })

  it('gives NRM outcome rates, mean days to each decision and how many are waiting', async () => {
    const nrm = await count('nrm-outcomes')
    expect(nrm['Reasonable grounds']).toEqual([1, 1, '50.0%', 1, '7.0'])
    expect(nrm['Conclusive grounds']).toEqual([1, 0, '100.0%', 0, '67.0'])
  })

  it('applies the date range by day, including part-months and the British Summer Time boundary', async () => {
    const part = { from: '2026-01-15', to: '2026-04-30', priority: null }
    expect((await count('by-month', part)).Total).toEqual([4])
    const whole = { from: '2026-02-01', to: '2026-03-31', priority: null }
    expect(await count('by-month', whole)).toEqual({ 'Feb 2026': [1], 'Mar 2026': [1], Total: [2] })
    const may = { from: '2026-05-01', to: '2026-05-01', priority: null }
    expect((await count('source', may))['Police report or live job'][0]).toBe(1)
  })

  it('applies the strategic priority filter', async () => {
    const sexual = { from: null, to: null, priority: 'sexual-exploitation' }
    expect((await count('by-quarter', sexual)).Total).toEqual([2])
    expect((await count('age', sexual)).Total[0]).toBe(3)
    expect((await count('exploitation', sexual))['Labour exploitation']).toEqual([0, 2, 2])
  })

  it('keeps the figures right when records change, in the same transaction', async () => {
    await sql`INSERT INTO nrm_events (id, nrm_referral_id, kind, occurred_on, outcome, decided_by) VALUES (gen_random_uuid(), ${N(4)}, 'reasonable-grounds', '2026-02-16', 'positive', 'SCA')`.execute(
      ctx.db,
    )
    expect((await count('nrm-outcomes'))['Reasonable grounds']).toEqual([2, 1, '66.7%', 0, '8.0'])
    expect((await count('nrm-outcomes'))['Conclusive grounds']).toEqual([1, 0, '100.0%', 1, '67.0'])
    await sql`UPDATE people SET gender = 'female' WHERE id = ${P(6)}`.execute(ctx.db)
    expect((await count('gender')).Female[0]).toBe(3)
    await sql`UPDATE referrals SET exploitation_types = '{labour}' WHERE id = ${R(6)}`.execute(ctx.db)
    expect((await count('exploitation'))['Labour exploitation']).toEqual([2, 2, 4])
    // A rolled-back change leaves nothing behind.
    await ctx.db
      .transaction()
      .execute(async (trx) => {
        await sql`DELETE FROM referrals WHERE id = ${R(4)}`.execute(trx)
        throw new Error('roll back')
      })
      .catch(() => undefined)
    expect((await count('by-month')).Total).toEqual([6])
    // Put things back for the tests that follow.
    await sql`DELETE FROM nrm_events WHERE nrm_referral_id = ${N(4)}`.execute(ctx.db)
    await sql`UPDATE people SET gender = 'not-known' WHERE id = ${P(6)}`.execute(ctx.db)
    await sql`UPDATE referrals SET exploitation_types = '{sexual}' WHERE id = ${R(6)}`.execute(ctx.db)
    // The maintained summary, once its pending deltas are folded in, equals a rebuild from scratch.
    await foldFigures(ctx.db)
    const before =
      await sql`SELECT scope, dimension, month::text, key, n, days FROM insight_summary WHERE n <> 0 ORDER BY 1, 2, 3, 4`.execute(
        ctx.db,
      )
    await sql`SELECT insight_rebuild()`.execute(ctx.db)
    const after =
      await sql`SELECT scope, dimension, month::text, key, n, days FROM insight_summary WHERE n <> 0 ORDER BY 1, 2, 3, 4`.execute(
        ctx.db,
      )
    expect(after.rows).toEqual(before.rows)
  })
  it('caches figures by the database data version: a hit while nothing changes, fresh figures right after a write, in every app instance', async () => {
    const stats = ctx.services.statistics
    // A second app instance on the same database, with its own cache.
    const other = createStatisticsService(ctx.db)
    // R5 and R6 (received 1 May, London time), with a part-month at the end.
    const spring: Filters = { from: '2026-04-01', to: '2026-05-20', priority: null }
    const first = rows((await stats.dashboard(spring)).tables.find((t) => t.name === 'source')!)
    expect(rows(await other.table('source', spring)).Total[0]).toBe(2)
    const { hits, misses } = stats.cacheStats
    // The dashboard's charts and downloads read the same cached figures: no recomputation.
    expect(rows(await stats.table('source', spring))).toEqual(first)
    expect(rows(await stats.table('by-month', spring)).Total).toEqual([2])
    expect(stats.cacheStats).toEqual({ hits: hits + 2, misses })
    const version = await sql<{
      version: string
    }>`SELECT (SELECT version FROM insight_version) + (SELECT count(*) FROM insight_version_changes WHERE kind = 'facts') AS version`.execute(
      ctx.db,
    )
    await sql`UPDATE referrals SET source = 'helpline' WHERE id = ${R(6)}`.execute(ctx.db)
    const bumped = await sql<{
      version: string
    }>`SELECT (SELECT version FROM insight_version) + (SELECT count(*) FROM insight_version_changes WHERE kind = 'facts') AS version`.execute(
      ctx.db,
    )
    expect(BigInt(bumped.rows[0].version)).toBeGreaterThan(BigInt(version.rows[0].version))
    try {
      expect(rows(await stats.table('source', spring))['Modern Slavery & Exploitation Helpline'][0]).toBe(1)
      expect(stats.cacheStats.misses).toBe(misses + 1)
      expect(rows(await other.table('source', spring))['Modern Slavery & Exploitation Helpline'][0]).toBe(1)
      // A change to something the figures do not count leaves the version, and so the cache, alone.
      await sql`UPDATE referrals SET summary = 'Synthetic, edited' WHERE id = ${R(6)}`.execute(ctx.db)
      expect(
        (
          await sql<{
            version: string
          }>`SELECT (SELECT version FROM insight_version) + (SELECT count(*) FROM insight_version_changes WHERE kind = 'facts') AS version`.execute(
            ctx.db,
          )
        ).rows[0].version,
      ).toBe(bumped.rows[0].version)
    } finally {
      await sql`UPDATE referrals SET source = 'police' WHERE id = ${R(6)}`.execute(ctx.db)
    }
    expect(rows(await stats.table('source', spring))).toEqual(first)
  })

  it('caches the live jobs figures by their own data version: a new task shows at once, in every instance, and leaves the referral figures cached', async () => {
    const stats = ctx.services.statistics
    const other = createStatisticsService(ctx.db)
    const liveVersion = async () =>
      BigInt(
        (
          await sql<{
            version: string
          }>`SELECT (SELECT version FROM insight_live_version) + (SELECT count(*) FROM insight_version_changes WHERE kind = 'live') AS version`.execute(
            ctx.db,
          )
        ).rows[0].version,
      )
    const caseId = '00000000-0000-4000-b000-000000000001'
    const openTasks = async (s: typeof stats) => rows(await s.table('live-jobs', ALL))['Open tasks'][0] as number
    const before = await openTasks(stats)
    expect(await openTasks(other)).toBe(before)
    const { hits, misses } = stats.liveJobsCacheStats
    expect(await openTasks(stats)).toBe(before)
    expect(stats.liveJobsCacheStats).toEqual({ hits: hits + 1, misses })

    const version = await liveVersion()
    await stats.table('source', ALL)
    const rangeMisses = stats.cacheStats.misses
    // One transaction writing a case and two tasks moves the version once, when it commits.
    await sql
      .raw(
        `
      BEGIN;
      INSERT INTO cases (id, reference, title, kind) VALUES ('${caseId}', 'CASE-2026-000777', 'Car wash', 'investigation');
      INSERT INTO case_tasks (id, case_id, title, due_on) VALUES
        ('00000000-0000-4000-b000-000000000002', '${caseId}', 'Visit the car wash', '2020-01-01'),
        ('00000000-0000-4000-b000-000000000003', '${caseId}', 'Speak to the council', NULL);
      COMMIT;`,
      )
      .execute(ctx.db)
    try {
      expect(await liveVersion()).toBe(version + 1n)
      const live = rows(await stats.table('live-jobs', ALL))
      expect(live['Open tasks'][0]).toBe(before + 2)
      expect(live['Overdue tasks'][0]).toBeGreaterThanOrEqual(1)
      expect(await openTasks(other)).toBe(before + 2)
      // The referral figures did not change, so they still come from the cache.
      await stats.table('source', ALL)
      expect(stats.cacheStats.misses).toBe(rangeMisses)
      await sql`UPDATE case_tasks SET status = 'done', completed_at = now() WHERE case_id = ${caseId}`.execute(ctx.db)
      expect(await openTasks(stats)).toBe(before)
    } finally {
      await sql`DELETE FROM cases WHERE id = ${caseId}`.execute(ctx.db)
    }
    expect(await openTasks(other)).toBe(before)
  })
})

describe('the dashboard page, charts and downloads', () => {
  it('shows every table with its chart as an image and the same figures in a table', async () => {
    const page = await analyst.get('/insight')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('6 referrals, with 6 potential victims')
    expect(page.body).toContain('<img src="/insight/charts/exploitation.svg"')
    expect(page.body).toContain('href="/insight/tables/source.csv"')
    expect(page.body).toMatch(
      /<th scope="row" class="govuk-table__header">Labour exploitation<\/th>\s*<td[^>]*>1<\/td>\s*<td[^>]*>2<\/td>\s*<td[^>]*>3<\/td>/,
    )
    expect(page.body).toContain('href="/insight"')
  })

  it('serves each chart as SVG with the figures drawn, for the same filters', async () => {
    const chart = await analyst.get('/insight/charts/source.svg')
    expect(chart.statusCode).toBe(200)
    expect(chart.headers['content-type']).toMatch(/^image\/svg\+xml/)
    expect(chart.body).toContain('<svg')
    expect(chart.body).toContain('Police report or live job')
    expect(chart.body).toMatch(/>3<\/text>/)
    const filtered = await analyst.get(
      '/insight/charts/by-month.svg?from-day=1&from-month=2&from-year=2026&to-day=31&to-month=3&to-year=2026',
    )
    expect(filtered.statusCode).toBe(200)
    expect(filtered.body).toContain('Feb 2026')
    expect(filtered.body).not.toContain('Jan 2026')
    expect((await analyst.get('/insight/charts/nonsense.svg')).statusCode).toBe(404)
    expect((await analyst.get('/insight/charts/source.svg?from-day=31&from-month=2&from-year=2026')).statusCode).toBe(
      400,
    )
  })

  it('downloads a table as CSV and XLSX, and audits the export', async () => {
    const csv = await analyst.get('/insight/tables/exploitation.csv?priority=sexual-exploitation')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="lantern-exploitation-/)
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n')
    expect(lines[1]).toBe('Referrals: all dates; strategic priority: Sexual exploitation.')
    expect(lines[3]).toBe('Exploitation type,Only this type,With other types,In any combination')
    expect(lines).toContain('Labour exploitation,0,2,2')
    const xlsx = await analyst.get('/insight/tables/source.xlsx')
    expect(xlsx.headers['content-type']).toContain('spreadsheetml')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    const sheet = workbook.worksheets[0]
    const values = sheet
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1))
    expect(values).toContainEqual(['Police report or live job', 3, '50.0%'])
    const audit = await sql<{
      action: string
      details: Record<string, unknown>
    }>`SELECT action, details FROM audit_events WHERE action = 'statistics.exported' ORDER BY id`.execute(ctx.db)
    expect(audit.rows.map((r) => r.details.what)).toEqual(['table:exploitation', 'table:source'])
    expect(audit.rows[0].details.priority).toBe('sexual-exploitation')
  })

  it('explains each bad filter and keeps what was typed', async () => {
    const bad = await analyst.get(
      '/insight?from-day=31&from-month=2&from-year=2026&to-month=3&to-year=2026&priority=made-up',
    )
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('There is a problem')
    expect(bad.body).toContain('Start date must be a real date')
    expect(bad.body).toContain('End date must include a day')
    expect(bad.body).toContain('Select a strategic priority from the list')
    expect(bad.body).toContain('href="#from-day"')
    expect(bad.body).toContain('href="#to-day"')
    expect(bad.body).toMatch(/name="from-day"[^>]*value="31"/)
    const backwards = await analyst.get(
      '/insight?from-day=1&from-month=4&from-year=2026&to-day=1&to-month=3&to-year=2026',
    )
    expect(backwards.statusCode).toBe(400)
    expect(backwards.body).toContain('End date must be the same as or after the start date')
    const letters = await analyst.get('/insight?from-day=a&from-month=4&from-year=2026')
    expect(letters.body).toContain('Start date must be a real date')
  })

  it('says which end of a backwards date range to fix, beside any other problem, and keeps both dates as typed', async () => {
    const query = 'from-day=2&from-month=4&from-year=2026&to-day=1&to-month=4&to-year=2026&priority=made-up'
    const page = await analyst.get(`/insight?${query}`)
    expect(page.statusCode).toBe(400)
    const summary = /class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(page.body)?.[0] ?? ''
    expect([...summary.matchAll(/<a href="([^"]+)">\s*([^<]*?)\s*<\/a>/g)].map((a) => [a[1], a[2]])).toEqual([
      ['#to-day', 'End date must be the same as or after the start date'],
      ['#priority', 'Select a strategic priority from the list'],
    ])
    for (const [name, value] of Object.entries({ 'from-day': '2', 'to-day': '1', 'to-month': '4', 'to-year': '2026' }))
      expect(page.body).toMatch(new RegExp(`name="${name}"[^>]*value="${value}"`))
    // A download for the same filters is refused with the same problems, in the same order.
    const csv = await analyst.get(`/insight/tables/source.csv?${query}`)
    expect(csv.statusCode).toBe(400)
    expect(csv.body).toBe(
      'End date must be the same as or after the start date\nSelect a strategic priority from the list',
    )
  })
})

describe('the quarterly return', () => {
  it('shows the quarter in the Home Office categories', async () => {
    const page = await investigator.get('/insight/quarterly-return?quarter=2026-Q1')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('January to March 2026')
    expect(page.body).toContain('href="/insight/quarterly-return.xlsx?quarter=2026-Q1"')
  })

  it('refuses a quarter that is not one', async () => {
    for (const quarter of ['2026-Q5', 'Q3 2026', '1999-Q1']) {
      const page = await investigator.get(`/insight/quarterly-return?quarter=${encodeURIComponent(quarter)}`)
      expect(page.statusCode).toBe(400)
      expect(page.body).toContain('There is a problem')
      expect(page.body).toContain('Enter a quarter as a year, a hyphen and Q1 to Q4, like 2026-Q3')
    }
    expect((await investigator.get('/insight/quarterly-return.xlsx?quarter=2026-Q9')).statusCode).toBe(400)
  })

  it('downloads an XLSX with a cover sheet and one sheet per table, holding the hand-computed figures', async () => {
    const response = await investigator.get('/insight/quarterly-return.xlsx?quarter=2026-Q1')
    expect(response.statusCode).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer)
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'Cover',
      'Summary',
      'Age',
      'Gender',
      'Nationality',
      'Exploitation',
      'Exploitation any',
      'Location',
      'First responder',
      'Competent authority',
      'Decisions',
    ])
    const sheet = (name: string) =>
      Object.fromEntries(
        workbook
          .getWorksheet(name)!
          .getSheetValues()
          .filter(Boolean)
          .map((r) => (r as unknown[]).slice(1))
          .map((r) => [String(r[0]), r.slice(1)]),
      )
    const cover = sheet('Cover')
    expect(String(cover['What is counted'][0])).toContain('One row per potential victim')
    expect(cover['NRM referrals']).toEqual(['3'])
    expect(sheet('Summary')['NRM referrals']).toEqual([3])
    expect(sheet('Summary')['Duty to Notify reports']).toEqual([0])
    // Header: NRM adult, NRM child, NRM age not known, NRM referrals, Duty to Notify reports, Total.
    expect(sheet('Age')['Adult (18 or over)']).toEqual([1, 0, 0, 1, 0, 1])
    expect(sheet('Age')['Child (under 18)']).toEqual([0, 2, 0, 2, 0, 2])
    expect(sheet('Exploitation')['Labour only']).toEqual([1, 0, 0, 1, 0, 1])
    expect(sheet('Exploitation')['Labour and sexual']).toEqual([0, 1, 0, 1, 0, 1])
    expect(sheet('Exploitation')['Criminal only']).toEqual([0, 1, 0, 1, 0, 1])
    expect(sheet('Exploitation any')['Labour exploitation']).toEqual([1, 1, 0, 2, 0, 2])
    expect(sheet('First responder').Police).toEqual([1])
    expect(sheet('First responder')['Government agency']).toEqual([1])
    expect(sheet('First responder')['Local authority']).toEqual([1])
    expect(sheet('Competent authority')['Single Competent Authority']).toEqual([2])
    // Decisions, positive, negative, rate, mean days, waiting at the end of the quarter.
    expect(sheet('Decisions')['Reasonable grounds']).toEqual([2, 1, 1, '50.0%', '7.0', 1])
    expect(sheet('Decisions')['Conclusive grounds']).toEqual([1, 1, 0, '100.0%', '67.0', 0])
    const q2 = await investigator.get('/insight/quarterly-return.xlsx?quarter=2026-Q2')
    const second = new ExcelJS.Workbook()
    await second.xlsx.load(q2.rawPayload as unknown as ArrayBuffer)
    const location = second
      .getWorksheet('Location')!
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1))
    expect(location).toContainEqual(['Overseas only', 0, 0, 0, 0, 1, 1])
  })
})

describe('who may see the figures', () => {
  it('refuses partners and roles without the permission, and sends the signed-out to sign in', async () => {
    for (const role of ['partner', 'pcso', 'auditor'] as const) {
      const client = new PageClient(ctx.app)
      await client.signIn((await createUser(ctx, role)).email)
      for (const url of [
        '/insight',
        '/insight/charts/source.svg',
        '/insight/tables/source.csv',
        '/insight/quarterly-return?quarter=2026-Q1',
        '/insight/quarterly-return.xlsx?quarter=2026-Q1',
      ]) {
        expect((await client.get(url)).statusCode, `${role} ${url}`).toBe(403)
      }
      expect((await client.get('/referrals')).body).not.toContain('href="/insight"')
    }
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/insight' })
    expect([302, 303]).toContain(anonymous.statusCode)
  })
})
