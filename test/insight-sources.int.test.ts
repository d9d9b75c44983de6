import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'
import { seedIndependentSources } from './support/independent-sources.ts'
import { readPeriod } from '#src/modules/insight/sources.service.ts'
import { CTDC_COLUMNS } from '#src/modules/insight/ctdc-export.ts'

/**
 * People across sources, figures for partners and the anonymised export, on data built here.
 *
 * 2025 (hand-built, every figure below can be read off these rows):
 *   P1: police (R1) and helpline (R2); P2 is a record confirmed as the same person (merged into P1) and was
 *       referred through the NRM (R3) — so one person in three sources, from two records.
 *   P3: police only (R4).  P4: partner (R5) and public (R6).  P6: self-referral (R8, counted as public).
 *   P5: helpline (R7), but R7 was closed as not modern slavery: not counted.
 *   P7: the suspected exploiter in R1: not a victim, not counted.  P8: police in 2024: outside the period.
 *   R10–R59: fifty more police referrals with no one named yet (labour; forty in Q1, ten in Q4), so the
 *   referral tables have large cells next to small ones.
 * 2023 (simulated): 400 people, each seen by each source independently, for the estimate.
 */
/** The referral columns these synthetic referrals leave empty. */

let ctx: TestContext
let analyst: PageClient
let investigator: PageClient
let partner: PageClient

const R = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const P = (n: number) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`

async function seed(db: TestContext['db']) {
  const bulk = Array.from(
    { length: 50 },
    (_, i) =>
      `('${R(10 + i)}', 'S-${10 + i}', '2025-${i < 40 ? '02' : '11'}-${String((i % 27) + 1).padStart(2, '0')} 10:00Z', 'police', NULL, 'Synthetic', '{labour}', 'new', NULL)`,
  ).join(',\n')
  await sql
    .raw(
      `
    INSERT INTO people (id, date_of_birth, approximate_age, age_disputed, gender, nationalities) VALUES
      ('${P(1)}', '1990-05-01', NULL, false, 'male', '{AL}'),
      ('${P(2)}', NULL, 34, false, 'male', '{AL}'),
      ('${P(3)}', '2009-06-01', NULL, false, 'male', '{GB}'),
      ('${P(4)}', NULL, 41, false, 'female', '{VN}'),
      ('${P(5)}', NULL, 25, false, 'female', '{RO}'),
      ('${P(6)}', NULL, NULL, false, 'not-known', '{}'),
      ('${P(7)}', '1980-01-01', NULL, false, 'male', '{GB}'),
      ('${P(8)}', '1985-01-01', NULL, false, 'female', '{GB}');
    UPDATE people SET merged_into = '${P(1)}' WHERE id = '${P(2)}';
    INSERT INTO referrals (id, reference, received_at, source, referring_organisation, summary, exploitation_types, status, closure_reason) VALUES
      ('${R(1)}', 'S-1', '2025-01-10 09:00Z', 'police', NULL, 'Synthetic', '{labour}', 'new', NULL),
      ('${R(2)}', 'S-2', '2025-04-20 09:00Z', 'helpline', NULL, 'Synthetic', '{labour,sexual}', 'new', NULL),
      ('${R(3)}', 'S-3', '2025-05-05 09:00Z', 'nrm-first-responder', 'Acme Refuge Trust', 'Synthetic', '{criminal}', 'new', NULL),
      ('${R(4)}', 'S-4', '2025-07-15 09:00Z', 'police', NULL, 'Synthetic', '{}', 'new', NULL),
      ('${R(5)}', 'S-5', '2025-08-02 09:00Z', 'partner-agency', 'Acme Refuge Trust', 'Synthetic', '{sexual}', 'new', NULL),
      ('${R(6)}', 'S-6', '2025-10-30 09:00Z', 'public-concern', NULL, 'Synthetic', '{sexual}', 'new', NULL),
      ('${R(7)}', 'S-7', '2025-11-01 09:00Z', 'helpline', NULL, 'Synthetic', '{labour}', 'closed', 'not-modern-slavery'),
      ('${R(8)}', 'S-8', '2025-12-01 09:00Z', 'self-referral', NULL, 'Synthetic', '{domestic-servitude}', 'new', NULL),
      ('${R(9)}', 'S-9', '2024-06-01 09:00Z', 'police', NULL, 'Synthetic', '{labour}', 'new', NULL),
      ${bulk};
    INSERT INTO referral_subjects (referral_id, person_id, role, position) VALUES
      ('${R(1)}', '${P(1)}', 'potential-victim', 0), ('${R(1)}', '${P(7)}', 'suspected-exploiter', 1),
      ('${R(2)}', '${P(1)}', 'potential-victim', 0),
      ('${R(3)}', '${P(2)}', 'potential-victim', 0),
      ('${R(4)}', '${P(3)}', 'potential-victim', 0),
      ('${R(5)}', '${P(4)}', 'potential-victim', 0),
      ('${R(6)}', '${P(4)}', 'potential-victim', 0),
      ('${R(7)}', '${P(5)}', 'potential-victim', 0),
      ('${R(8)}', '${P(6)}', 'potential-victim', 0),
      ('${R(9)}', '${P(8)}', 'potential-victim', 0);
  `,
    )
    .execute(db)
}

let simulatedSeen = 0

beforeAll(async () => {
  ctx = await createTestContext()
  await seed(ctx.db)
  // 2023: a closed population of 400 with independent sources, so the estimate has something to find.
  ;({ seen: simulatedSeen } = await seedIndependentSources(ctx.db, {
    seed: 12345,
    population: 400,
    year: 2023,
    referencePrefix: 'SIM',
    nationalities: ['GB', 'AL', 'VN', 'RO'],
    youngestAge: 18,
  }))
  analyst = new PageClient(ctx.app)
  await analyst.signIn((await createUser(ctx, 'analyst')).email)
  investigator = new PageClient(ctx.app)
  await investigator.signIn((await createUser(ctx, 'investigator')).email)
  partner = new PageClient(ctx.app)
  await partner.signIn((await createUser(ctx, 'partner')).email)
}, 120_000)
afterAll(() => ctx.close())

const actor = { userId: null }

async function auditCount(action: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('action', '=', action)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('people across sources', () => {
  it('counts each person once, joining records through confirmed merges', async () => {
    const overview = await ctx.services.sources.sources(readPeriod('2025', '2026-11-29')!, actor)
    expect(overview.records).toBe(5)
    expect(overview.people).toBe(4)
    expect(overview.bySourceCount).toEqual([
      { sources: 1, people: 2 },
      { sources: 2, people: 1 },
      { sources: 3, people: 1 },
    ])
    expect(Object.fromEntries(overview.lists.map((l) => [l.key, l.people]))).toEqual({
      nrm: 1,
      helpline: 1,
      police: 2,
      partner: 1,
      public: 2,
    })
    expect(overview.combinations).toEqual([
      { lists: 'Police', people: 1 },
      { lists: 'Public', people: 1 },
      { lists: 'Partner + Public', people: 1 },
      { lists: 'NRM + Helpline + Police', people: 1 },
    ])
    const police = overview.overlaps.find((o) => o.label === 'Police')!
    expect(police.cells).toEqual([1, 1, null, 0, 0])
    // Four people cannot support an estimate: the page says why instead of giving a number.
    expect(overview.mse.ok).toBe(false)
    if (!overview.mse.ok) expect(overview.mse.problem).toMatch(/at least 20 distinct people/)
  })

  it('counts the merged person twice once the merge is undone', async () => {
    await sql`UPDATE people SET merged_into = NULL WHERE id = ${P(2)}`.execute(ctx.db)
    try {
      const overview = await ctx.services.sources.sources(readPeriod('2025', '2026-11-29')!, actor)
      expect(overview.people).toBe(5)
      expect(overview.lists.find((l) => l.key === 'nrm')!.people).toBe(1)
    } finally {
      await sql`UPDATE people SET merged_into = ${P(1)} WHERE id = ${P(2)}`.execute(ctx.db)
    }
  })

  it('shows the table and the no-estimate message on the page, and audits the view', async () => {
    const before = await auditCount('insight.sources-viewed')
    const page = await analyst.get('/insight/sources?period=2025')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('People by how many sources referred them')
    expect(page.body).toContain('Experimental')
    expect(page.body).toContain('No estimate for 2025')
    expect(page.body).toContain('What the estimate assumes')
    expect(await auditCount('insight.sources-viewed')).toBe(before + 1)
  })

  it('estimates the hidden number from independent sources, with a sensitivity table', async () => {
    const page = await analyst.get('/insight/sources?period=2023')
    expect(page.statusCode).toBe(200)
    const total = Number(/id="estimate-total">([\d,]+)</.exec(page.body)![1].replace(/,/g, ''))
    expect(total).toBeGreaterThan(simulatedSeen)
    // The true total is 400; the interval is wide, but the point estimate should be near it.
    expect(total).toBeGreaterThan(320)
    expect(total).toBeLessThan(520)
    expect(page.body).toContain('How the estimate changes with the model')
    expect(page.body).toContain('(chosen by AIC)')
    expect(page.body).toMatch(/95% interval [\d,]+ to [\d,]+/)
  })

  it('turns away a period that is not on the list, keeping the page', async () => {
    const page = await analyst.get('/insight/sources?period=1066')
    expect(page.statusCode).toBe(400)
    expect(page.body).toContain('Select a period from the list')
    expect(page.body).toContain('govuk-error-summary')
  })
})

describe('figures for partners', () => {
  it('suppresses small counts so that none can be worked out, and shows only aggregates', async () => {
    const figures = await ctx.services.sources.partnerFigures(2025, actor, 'viewed', '2026-11-29')
    expect(figures.quarters).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'])
    // 58 referrals in 2025 (8 hand-built, 50 bulk); 4 people (P5's referral was not modern slavery).
    expect(figures.referrals).toBe('58')
    expect(figures.people).toBe('fewer than 5')
    const [byQuarter, bySource, byAge] = figures.figures
    expect(byQuarter.table).not.toBeNull()
    expect(byQuarter.table!.rows).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'])
    // The grand total is already public as the headline, so it stays shown.
    expect(byQuarter.table!.grandTotal).toBe('58')
    // Q2 has one referral with several types (R2) and one criminal only (R3): both small, both hidden.
    const q2 = byQuarter.table!.cells[1]
    expect(q2[6]).toBe('fewer than 5')
    expect(q2[2]).toBe('fewer than 5')
    const texts = [byQuarter, bySource].flatMap((f) =>
      f.table ? [...f.table.cells.flat(), ...f.table.rowTotals, ...f.table.columnTotals, f.table.grandTotal] : [],
    )
    for (const text of texts)
      expect(text === '0' || text === 'fewer than 5' || text === '[w]' || Number(text) >= 5).toBe(true)
    expect(texts).toContain('fewer than 5')
    // Police: R1, R4 and the fifty = 52, shown; every other source is small and hidden.
    const sourceCells = bySource.table!.cells.map((row) => row[0])
    expect(sourceCells).toEqual(['fewer than 5', 'fewer than 5', '52', 'fewer than 5', 'fewer than 5'])
    // Four people cannot be broken down by age and gender at all.
    expect(byAge.table).toBeNull()
  })

  it('shows a partner user the suppressed figures and nothing about any agency or person', async () => {
    const page = await partner.get('/partner/figures?year=2025')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Referral figures')
    expect(page.body).toContain('fewer than 5')
    expect(page.body).toContain('Not published')
    expect(page.body).not.toContain('Acme Refuge Trust')
    // A reference standing alone: random nonces and CSRF tokens in the page can hold 'S-1' inside them.
    expect(page.body).not.toMatch(/(?<![\w+/=-])S-\d+(?![\w+/=-])/)
    expect(page.body).not.toContain(P(1))
    expect(page.body).not.toContain('Across sources')
    expect(await auditCount('insight.partner-figures-viewed')).toBeGreaterThan(0)
  })

  it('lets a partner and the team download the same suppressed figures, and audits it', async () => {
    const before = await auditCount('insight.partner-figures-exported')
    const csv = await analyst.get('/insight/partner-figures?year=2025&format=csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body).toContain('fewer than 5')
    expect(csv.body).toContain('Referrals by quarter and type of exploitation')
    const fromPortal = await partner.get('/partner/figures?year=2025&format=csv')
    expect(fromPortal.body).toBe(csv.body)
    const xlsx = await ctx.app.inject({
      method: 'GET',
      url: '/insight/partner-figures?year=2025&format=xlsx',
      headers: { cookie: analyst.cookieHeader() },
    })
    expect(xlsx.statusCode).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    const values = workbook.worksheets[0].getSheetValues().flat().map(String)
    expect(values).toContain('fewer than 5')
    expect(values).toContain('Referrals: 58')
    expect(await auditCount('insight.partner-figures-exported')).toBe(before + 3)
  })

  it('shows the team the same figures as partners see', async () => {
    const page = await analyst.get('/insight/partner-figures?year=2025')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Exactly what partner agencies see')
    expect(page.body).toContain('fewer than 5')
    const bad = await analyst.get('/insight/partner-figures?year=abc')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Select a year from the list')
  })
})

describe('the anonymised export', () => {
  it('counts a merged person once and releases nothing when fewer than k people are in the period', async () => {
    const page = await analyst.get('/insight/anonymised-export?period=2025')
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/People in the period<\/dt><dd class="govuk-summary-list__value">4</)
    expect(page.body).toContain('Nothing can be released for this period')
    expect(page.body).not.toContain('Download the anonymised export')
  })

  it('generalises and suppresses until every combination has at least k rows, shows it, and audits the download', async () => {
    const page = await analyst.get('/insight/anonymised-export?period=2023')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('How each detail is released')
    expect(page.body).toContain('Download the anonymised export (CSV)')
    const before = await auditCount('insight.anonymised-exported')
    const csv = await analyst.get('/insight/anonymised-export?period=2023&format=csv')
    expect(csv.statusCode).toBe(200)
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines[0].split(',')).toEqual([...CTDC_COLUMNS])
    const rows = lines.slice(1).map((l) => l.split(','))
    expect(rows.length).toBeGreaterThan(simulatedSeen * 0.9)
    const qi = [0, 1, 2, 3, 8]
    const groups = new Map<string, number>()
    for (const row of rows) {
      const key = qi.map((i) => row[i]).join('|')
      groups.set(key, (groups.get(key) ?? 0) + 1)
    }
    for (const size of groups.values()) expect(size).toBeGreaterThanOrEqual(10)
    // No screenings were recorded, so means of control are unknown rather than "no".
    expect(new Set(rows.map((r) => r[CTDC_COLUMNS.indexOf('meansOfControlDebtBondage')]))).toEqual(new Set(['unknown']))
    expect(await auditCount('insight.anonymised-exported')).toBe(before + 1)
  })
})

describe('who may see what', () => {
  it('keeps partners out of the team pages and the team out of the portal page', async () => {
    for (const url of [
      '/insight/sources',
      '/insight/partner-figures',
      '/insight/anonymised-export',
      '/insight/partner-figures?format=csv',
    ]) {
      expect((await partner.get(url)).statusCode, url).toBe(403)
    }
    expect((await analyst.get('/partner/figures')).statusCode).toBe(403)
  })

  it('keeps the victim-level export to those allowed to release it', async () => {
    expect((await investigator.get('/insight/sources?period=2025')).statusCode).toBe(200)
    expect((await investigator.get('/insight/anonymised-export')).statusCode).toBe(403)
    expect((await investigator.get('/insight/anonymised-export?format=csv')).statusCode).toBe(403)
  })
})
