import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemo } from '#src/modules/demo/demo.ts'
import { createNrmService } from '#src/modules/nrm/nrm.service.ts'
import { createScreeningRules } from '#src/modules/screening/screening.service.ts'
import { createSupportWorkerService } from '#src/modules/people/index.ts'
import { currentUserOf } from './support/test-app.ts'
import { summariseOverlaps } from '#src/modules/insight/sources.service.ts'
import { peopleBySourceSet } from '#src/modules/insight/sources.repository.ts'
import { createTestContext, type TestContext } from './support/test-app.ts'
import { createProblemProfileService } from '#src/modules/insight/problem-profile.service.ts'

/**
 * The demo is part of the product (issue 17): on first start every page has something real to show. Counted
 * straight from the tables after `lantern demo` loads (a smaller demo than `npm start`'s, the same generator).
 */
let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
  await loadDemo(ctx.db, { dataDir: ctx.config.dataDir, referrals: 60, passwordHashCost: 10 })
}, 180_000)
afterAll(() => ctx?.close())

const count = async (query: ReturnType<typeof sql>) =>
  Number(((await query.execute(ctx.db)).rows[0] as { n: string }).n)

describe('the demo on first start', () => {
  it.each([
    ['screenings', sql`SELECT count(*) AS n FROM screenings`],
    ['County Lines jobs', sql`SELECT count(*) AS n FROM cases WHERE kind = 'county-lines'`],
    ['deal lines', sql`SELECT count(*) AS n FROM objects WHERE kind = 'deal-line'`],
    [
      'cuckooed addresses on live jobs',
      sql`SELECT count(*) AS n FROM locations l JOIN case_locations cl ON cl.location_id = l.id WHERE l.cuckooed`,
    ],
    ['tasks on live jobs', sql`SELECT count(*) AS n FROM case_tasks`],
    ['events on live jobs', sql`SELECT count(*) AS n FROM events WHERE case_id IS NOT NULL`],
    ['live jobs opened on different days', sql`SELECT count(DISTINCT created_at::date) AS n FROM cases`],
    ['outreach events', sql`SELECT count(*) AS n FROM outreach_events`],
    [
      'outreach events with referrals after them from the sectors or organisations reached',
      sql`SELECT count(*) AS n FROM outreach_events e WHERE EXISTS (SELECT 1 FROM referrals r WHERE r.received_at >= e.starts_at AND r.received_at < e.starts_at + interval '90 days'
        AND (r.referring_sector = ANY (e.sectors) OR r.organisation_id IN (SELECT eo.organisation_id FROM outreach_event_organisations eo WHERE eo.event_id = e.id)))`,
    ],
    ['urgent referrals', sql`SELECT count(*) AS n FROM referrals WHERE urgent`],
    ['a restricted live job', sql`SELECT count(*) AS n FROM cases WHERE restricted`],
    ['NRM drafts', sql`SELECT count(*) AS n FROM nrm_drafts`],
    ['safeguarding plans', sql`SELECT count(*) AS n FROM safeguarding_plans`],
    ['hub meetings', sql`SELECT count(*) AS n FROM hub_meetings`],
    [
      'NRM referrals awaiting a reasonable grounds decision',
      sql`SELECT count(*) AS n FROM nrm_referrals n WHERE NOT EXISTS (SELECT 1 FROM nrm_events e WHERE e.nrm_referral_id = n.id)`,
    ],
    [
      'positive reasonable grounds decisions',
      sql`SELECT count(*) AS n FROM nrm_events WHERE kind = 'reasonable-grounds' AND outcome = 'positive'`,
    ],
    [
      'negative reasonable grounds decisions',
      sql`SELECT count(*) AS n FROM nrm_events WHERE kind = 'reasonable-grounds' AND outcome = 'negative'`,
    ],
    [
      'positive conclusive grounds decisions',
      sql`SELECT count(*) AS n FROM nrm_events WHERE kind = 'conclusive-grounds' AND outcome = 'positive'`,
    ],
    [
      'negative conclusive grounds decisions',
      sql`SELECT count(*) AS n FROM nrm_events WHERE kind = 'conclusive-grounds' AND outcome = 'negative'`,
    ],
    ['reconsiderations', sql`SELECT count(*) AS n FROM nrm_events WHERE kind = 'reconsideration-requested'`],
    ['withdrawals', sql`SELECT count(*) AS n FROM nrm_events WHERE kind = 'withdrawn'`],
    [
      'people referred as children turning 18',
      sql`SELECT count(*) AS n FROM nrm_referrals n JOIN people p ON p.id = n.person_id WHERE n.child_at_referral AND p.date_of_birth + interval '18 years' BETWEEN now() AND now() + interval '90 days'`,
    ],
    [
      'crime numbers on referrals',
      sql`SELECT count(*) AS n FROM occurrence_references WHERE kind = 'crime' AND referral_id IS NOT NULL`,
    ],
    [
      'references carried to NRM referrals',
      sql`SELECT count(*) AS n FROM occurrence_references WHERE nrm_referral_id IS NOT NULL`,
    ],
    [
      'a warrant-day screening of people met together on a live job',
      sql`SELECT count(*) AS n FROM screening_groups g WHERE g.case_id IS NOT NULL AND (SELECT count(*) FROM screenings s WHERE s.group_id = g.id) >= 3`,
    ],
    ['Duty to Notify submissions', sql`SELECT count(*) AS n FROM dtn_submissions`],
    ['an information-sharing agreement', sql`SELECT count(*) AS n FROM sharing_agreements`],
    [
      'live disclosures to the demo partner’s agency',
      sql`SELECT count(*) AS n FROM disclosures d JOIN users u ON u.agency_id = d.agency_id WHERE u.email = 'partner@demo.lantern.test' AND d.status = 'live' AND d.revoked_at IS NULL`,
    ],
    [
      'disclosures awaiting a supervisor’s approval',
      sql`SELECT count(*) AS n FROM disclosures WHERE status = 'awaiting-approval'`,
    ],
    [
      'a hub meeting held under an agreement, with items shared with the demo partner’s agency',
      sql`SELECT count(*) AS n FROM hub_meetings m JOIN hub_meeting_items i ON i.meeting_id = m.id
        JOIN disclosures d ON d.meeting_item_id = i.id JOIN users u ON u.agency_id = d.agency_id
        WHERE m.agreement_id IS NOT NULL AND u.email = 'partner@demo.lantern.test' AND d.status = 'live'`,
    ],
    [
      'an action given to an agency with what it needs to act',
      sql`SELECT count(*) AS n FROM disclosures WHERE action_id IS NOT NULL`,
    ],
    [
      'what was reported, shared with other people’s details withheld',
      sql`SELECT count(*) AS n FROM disclosures WHERE narratives @> '[{"redactions": [{"sent": false}]}]'`,
    ],
    [
      'partner contributions on a visit and a check',
      sql`SELECT count(DISTINCT kind) AS n FROM hub_contributions HAVING count(DISTINCT kind) >= 2`,
    ],
    [
      'named hub attendees and apologies',
      sql`SELECT count(*) AS n FROM hub_meeting_named_attendees HAVING bool_or(apologies) AND bool_or(NOT apologies)`,
    ],
    ['team members sending apologies to a hub', sql`SELECT count(*) AS n FROM hub_meeting_attendees WHERE apologies`],
    [
      'support services in the directory, victim care among them',
      sql`SELECT count(*) AS n FROM support_services WHERE category = 'victim-care' AND active`,
    ],
    [
      'support contacts logged by the demo ISA',
      sql`SELECT count(*) AS n FROM support_contacts c JOIN users u ON u.id = c.recorded_by WHERE u.email = 'isa@demo.lantern.test'`,
    ],
    ['an accepted referral out', sql`SELECT count(*) AS n FROM support_referrals WHERE status = 'accepted'`],
    [
      'a declined referral out with its reason',
      sql`SELECT count(*) AS n FROM support_referrals WHERE status = 'declined' AND outcome IS NOT NULL`,
    ],
    [
      'victims with how they were recruited recorded',
      sql`SELECT count(*) AS n FROM victim_context_situations WHERE recruitment_methods <> '{}' AND recruitment_methods <> '{unknown}'`,
    ],
    [
      'journeys through more than one country',
      sql`SELECT count(*) AS n FROM (SELECT situation_id FROM victim_context_journey GROUP BY situation_id HAVING count(DISTINCT country) > 1) j`,
    ],
    [
      'victims exploited in the textile industry',
      sql`SELECT count(*) AS n FROM victim_context_situations WHERE 'textiles' = ANY (labour_sectors)`,
    ],
    [
      'a place shared by five referrals',
      sql`SELECT count(*) AS n FROM (SELECT location_id FROM referral_locations GROUP BY location_id HAVING count(*) >= 5) x`,
    ],
    [
      'businesses named across referrals and live jobs',
      sql`SELECT count(*) AS n FROM businesses b WHERE (SELECT count(DISTINCT referral_id) FROM business_links x WHERE x.business_id = b.id) >= 2
        AND EXISTS (SELECT 1 FROM business_links x WHERE x.business_id = b.id AND x.case_id IS NOT NULL)`,
    ],
    [
      'a referral, a live job and a person each listing a linked business on their page',
      sql`SELECT (count(*) FILTER (WHERE referral_id IS NOT NULL) > 0 AND count(*) FILTER (WHERE case_id IS NOT NULL) > 0
        AND count(*) FILTER (WHERE person_id IS NOT NULL) > 0)::int AS n FROM business_links`,
    ],
    ['a place and a business recorded twice and merged', sql`SELECT count(DISTINCT kind) - 1 AS n FROM record_merges`],
    ['unknown others at the premises', sql`SELECT count(*) AS n FROM locations WHERE unknown_others IS NOT NULL`],
    ['a countersigned decision on a live job', sql`SELECT count(*) AS n FROM case_decision_countersignatures`],
    ['custody, bail and CPS dates', sql`SELECT count(DISTINCT kind) - 2 AS n FROM case_stage_dates`],
    ['a handset and an exhibit logged', sql`SELECT count(DISTINCT kind) - 1 AS n FROM case_exhibits`],
    ['an intelligence report linked to a live job', sql`SELECT count(*) AS n FROM case_intelligence_reports`],
    [
      'perpetrators named from the referral’s suspects',
      sql`SELECT count(*) AS n FROM victim_context_perpetrators WHERE person_id IS NOT NULL`,
    ],
  ])('has %s', async (_what, query) => {
    expect(await count(query)).toBeGreaterThan(0)
  })
})

describe('people across sources on the demo', () => {
  it('has people referred by more than one source, so the hidden number can be estimated', async () => {
    const overview = summariseOverlaps(
      await peopleBySourceSet(ctx.db, { from: new Date(Date.now() - 365 * 86_400_000), to: null }),
    )
    expect(overview.bySourceCount.find((b) => b.sources === 2)?.people ?? 0).toBeGreaterThan(0)
    expect(overview.mse, overview.mse.ok ? '' : overview.mse.problem).toMatchObject({ ok: true })
  })
})

describe('My work on the demo', () => {
  const userId = async (email: string) =>
    (await ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id

  it('shows the demo ISA a stalled referral out and a safeguarding review due, for the victims they support', async () => {
    const isa = await currentUserOf(ctx, await userId('isa@demo.lantern.test'))
    const stalled = await ctx.services.support.stalledReferrals(isa, false, { userId: isa.id })
    expect(stalled.length).toBeGreaterThan(0)
    const reviews = await ctx.services.safeguarding.reviewsDue(isa, false, ctx.config.supportReviewLookaheadDays, {
      userId: isa.id,
    })
    expect(reviews.length).toBeGreaterThan(0)
    const supported = new Set(
      (
        await ctx.db.selectFrom('person_support_workers').select('person_id').where('user_id', '=', isa.id).execute()
      ).map((r) => r.person_id),
    )
    expect([...stalled, ...reviews].every((r) => supported.has(r.person_id))).toBe(true)
    // And the referral still in time is not stalled.
    expect(
      Number(
        (
          await sql<{
            n: string
          }>`SELECT count(*) AS n FROM support_referrals WHERE status = 'awaiting' AND follow_up_on > current_date`.execute(
            ctx.db,
          )
        ).rows[0].n,
      ),
    ).toBeGreaterThan(0)
  })

  it('shows the team every NRM stage until the person leaves the NRM', async () => {
    const ds = await userId('ds@demo.lantern.test')
    const items = await createNrmService(ctx.db, createScreeningRules()).workItems(ds, true, { userId: ds })
    expect(new Set(items.map((i) => i.kind))).toEqual(
      new Set([
        'submit-nrm',
        'submit-dtn',
        'rg-due',
        'awaiting-cg',
        'reconsideration-pending',
        'reconsider',
        'move-on',
        'consent-at-18',
      ]),
    )
    // Earliest first, "now" (no date) before any date.
    const dates = items.map((i) => i.due_on ?? '')
    expect(dates).toEqual([...dates].sort())
  })

  it('shows the ISA the NRM steps of the victims they support, and nobody else’s', async () => {
    const [isaId, dsId] = [await userId('isa@demo.lantern.test'), await userId('ds@demo.lantern.test')]
    const nrm = createNrmService(ctx.db, createScreeningRules())
    const before = await nrm.workItems(isaId, false, { userId: isaId })
    const target = (await nrm.workItems(dsId, true, { userId: dsId })).find(
      (i) => i.kind === 'awaiting-cg' && !before.some((b) => b.person_id === i.person_id),
    )!
    await createSupportWorkerService(ctx.db).assignSupportWorker(
      target.person_id,
      isaId,
      await currentUserOf(ctx, dsId),
      { userId: dsId },
    )
    const after = await nrm.workItems(isaId, false, { userId: isaId })
    expect(after.filter((i) => i.person_id === target.person_id).map((i) => i.kind)).toContain('awaiting-cg')
    expect(
      after.every((i) => i.person_id === target.person_id || before.some((b) => b.person_id === i.person_id)),
    ).toBe(true)
  })
})

describe('the problem profile on the demo', () => {
  it('has something in every chart that matters for where to act, and names the places many share', async () => {
    const profile = await createProblemProfileService(ctx.db, { suppressionThreshold: 5 }).profile({
      from: null,
      to: null,
      priority: null,
      ageGroup: null,
    })
    expect(profile.total).toBeGreaterThan(20)
    for (const name of [
      'recruitment-methods',
      'platforms',
      'vulnerabilities',
      'control-methods',
      'labour-sectors',
      'countries',
      'uk-places',
      'routes',
      'where-to-act',
      'outreach-attribution',
      'report-places',
      'heard-via',
    ]) {
      const table = profile.tables.find((t) => t.name === name)!
      expect(table.rows.length, name).toBeGreaterThan(0)
    }
    expect(profile.tables.find((t) => t.name === 'uk-places')!.rows.some((r) => r[0] !== 'Other UK places')).toBe(true)
    expect(profile.graph.links.length).toBeGreaterThan(0)
    // Each strategic priority's pattern shows: sexual exploitation, the travelling community and the textile industry.
    const filtered = async (priority: string) =>
      (
        await createProblemProfileService(ctx.db, { suppressionThreshold: 5 }).profile({
          from: null,
          to: null,
          priority,
          ageGroup: null,
        })
      ).total
    expect(await filtered('sexual-exploitation')).toBeGreaterThan(0)
    expect(await filtered('textile-industry')).toBeGreaterThan(0)
  })
})

describe('outreach attribution on the demo', () => {
  it('has an operation for each strategic priority holding live jobs and coded events, with reports through them', async () => {
    const operations = await ctx.db
      .selectFrom('operations')
      .select([
        'code',
        (eb) =>
          eb
            .selectFrom('cases')
            .select((c) => c.fn.countAll<string>().as('n'))
            .whereRef('cases.operation_id', '=', 'operations.id')
            .as('jobs'),
        (eb) =>
          eb
            .selectFrom('outreach_events')
            .select((c) => c.fn.countAll<string>().as('n'))
            .whereRef('outreach_events.operation_id', '=', 'operations.id')
            .as('events'),
      ])
      .execute()
    expect(operations.map((o) => o.code).sort()).toEqual(['HEARTH', 'LAUD', 'TACIT'])
    for (const o of operations) {
      expect(Number(o.jobs), o.code!).toBeGreaterThan(0)
      expect(Number(o.events), o.code!).toBeGreaterThan(0)
    }
    const coded = await ctx.db.selectFrom('outreach_events').select('ref_code').execute()
    expect(coded.every((e) => /^[A-Z0-9]{2,12}-[A-Z0-9]{4,8}$/.test(e.ref_code))).toBe(true)
    const attributed = await ctx.db
      .selectFrom('public_report_submissions')
      .select('outreach_event_id')
      .where('outreach_event_id', 'is not', null)
      .execute()
    expect(attributed.length).toBeGreaterThan(0)
  })
})
