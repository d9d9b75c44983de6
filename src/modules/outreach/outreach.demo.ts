import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import * as repo from './outreach.repository.ts'
import { newRefCode } from './outreach.service.ts'

/** Synthetic awareness events for the demo: invented organisations, venues and trainers. */
const DEMO_EVENTS = [
  {
    daysAgo: 420,
    title: 'Spotting exploitation in nail bars',
    operation: null,
    kind: 'awareness-talk',
    sector: 'nail-bars-beauty',
    organisations: ['Glamour Nails Riverton', 'Riverton Beauty Academy'],
    venue: 'Riverton Business Forum, Market Place',
    attendees: 24,
    tags: [],
  },
  {
    daysAgo: 380,
    title: 'Hand car wash owners briefing',
    operation: 'LAUD',
    kind: 'business-visit',
    sector: 'car-washes',
    organisations: ['Sparkle Hand Car Wash', 'Northgate Valet Centre'],
    venue: 'Northgate Community Centre',
    attendees: 9,
    tags: [],
  },
  {
    daysAgo: 330,
    title: 'Modern slavery awareness for hotel staff',
    operation: 'TACIT',
    kind: 'training-input',
    sector: 'hotels',
    organisations: ['Riverside Hotel Group'],
    venue: 'Riverside Hotel, Dock Road',
    attendees: 31,
    tags: ['sexual-exploitation'],
  },
  {
    daysAgo: 290,
    title: 'Textile supply chains and forced labour',
    operation: 'LAUD',
    kind: 'partner-briefing',
    sector: 'textiles-garments',
    organisations: ['Ashby Vale Garment Makers Association'],
    venue: 'Ashby Vale Town Hall',
    attendees: 18,
    tags: ['textile-industry'],
  },
  {
    daysAgo: 250,
    title: 'Safeguarding leads: County Lines and cuckooing',
    operation: null,
    kind: 'training-input',
    sector: 'schools-education',
    organisations: ['Kingsmoor Academy Trust', 'Easterly High School'],
    venue: null,
    attendees: 56,
    tags: [],
  },
  {
    daysAgo: 210,
    title: 'Travelling-community liaison workshop',
    operation: 'HEARTH',
    kind: 'community-event',
    sector: 'travelling-community',
    organisations: ['Kingsmoor Traveller Liaison Service'],
    venue: 'Kingsmoor Library',
    attendees: 12,
    tags: ['travelling-community'],
  },
  {
    daysAgo: 170,
    title: 'Recognising victims in A&E',
    operation: null,
    kind: 'training-input',
    sector: 'health',
    organisations: ['Riverton NHS Trust'],
    venue: 'Riverton General Hospital, Education Centre',
    attendees: 40,
    tags: [],
  },
  {
    daysAgo: 130,
    title: 'Farm labour providers: signs of debt bondage',
    operation: null,
    kind: 'awareness-talk',
    sector: 'agriculture',
    organisations: ['Easterly Growers Co-operative'],
    venue: 'Easterly Agricultural Show',
    attendees: 70,
    tags: [],
  },
  {
    daysAgo: 95,
    title: 'Bank fraud teams: money flows of exploitation',
    operation: null,
    kind: 'partner-briefing',
    sector: 'banks-finance',
    organisations: ['Northgate Building Society'],
    venue: null,
    attendees: 15,
    tags: [],
  },
  {
    daysAgo: 60,
    title: 'Taxi drivers: what to look for',
    operation: 'TACIT',
    kind: 'awareness-talk',
    sector: 'taxi-transport',
    organisations: ['Riverton Private Hire'],
    venue: 'Riverton Licensing Office',
    attendees: 45,
    tags: ['sexual-exploitation'],
  },
  {
    daysAgo: 25,
    title: 'Construction site managers toolbox talk',
    operation: 'HEARTH',
    kind: 'business-visit',
    sector: 'construction',
    organisations: ['Foundry Way Developments'],
    venue: 'Foundry Way site office',
    attendees: 20,
    tags: [],
  },
  {
    daysAgo: -14,
    title: 'Housing officers: cuckooing and overcrowding',
    operation: null,
    kind: 'training-input',
    sector: 'local-authority',
    organisations: ['Riverton Council Housing'],
    venue: 'Riverton Civic Centre',
    attendees: null,
    tags: [],
  },
] as const

/**
 * Loads the demo events and links some of the synthetic partner and public referrals to the organisations
 * and sectors they reached, so the impact pages have something to show. Partner referrals received after
 * an event are more likely to come from its audience: a demonstration, not a finding.
 */
export async function loadDemoOutreach(
  db: Db,
  options: { createdBy: string | null; now?: Date; operations?: Map<string, string> },
): Promise<number> {
  const now = options.now ?? new Date()
  return inTransaction(db, async (trx) => {
    let linked = 0
    const codes = new Set<string>()
    for (const [n, e] of DEMO_EVENTS.entries()) {
      const startsAt = new Date(now.getTime() - e.daysAgo * 86_400_000)
      startsAt.setUTCHours(n % 2 === 0 ? 9 : 18, 30, 0, 0)
      const organisations = await repo.findOrCreateOrganisations(
        trx,
        e.organisations.map((name) => ({ name, sector: e.sector })),
      )
      await repo.insertEvent(
        trx,
        {
          id: uuidv7(startsAt.getTime()),
          title: e.title,
          kind: e.kind,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 90 * 60_000),
          delivery: e.venue ? 'in-person' : 'online',
          venue: e.venue ?? 'Microsoft Teams',
          sectors: [e.sector],
          attendeeCount: e.attendees,
          trainers: n % 3 === 0 ? 'PCSO Dan Morris' : 'PCSO Dan Morris, DC Megan Lloyd',
          priorityTags: [...e.tags],
          notes: 'Synthetic demo event.',
          createdBy: options.createdBy,
          operationId: (e.operation && options.operations?.get(e.operation)) || null,
          refCode: (() => {
            let code: string
            do code = newRefCode(e.operation && options.operations?.has(e.operation) ? e.operation : null)
            while (codes.has(code))
            codes.add(code)
            return code
          })(),
        },
        organisations.map((o) => o.id),
      )
      if (e.daysAgo < 0) continue
      // A few partner referrals in the 90 days after the event, and fewer before, come from its audience.
      const after = await sql<{ n: number }>`
        WITH picked AS (
          SELECT id FROM referrals
          WHERE source IN ('partner-agency', 'public-concern', 'nrm-first-responder') AND organisation_id IS NULL
            AND received_at >= ${startsAt} AND received_at < ${startsAt}::timestamptz + interval '90 days'
          ORDER BY id LIMIT 4
        )
        UPDATE referrals r SET organisation_id = ${organisations[0].id}, referring_sector = ${e.sector}
        FROM picked WHERE r.id = picked.id RETURNING 1 AS n`.execute(trx)
      const before = await sql<{ n: number }>`
        WITH picked AS (
          SELECT id FROM referrals
          WHERE source IN ('partner-agency', 'nrm-first-responder') AND organisation_id IS NULL
            AND received_at < ${startsAt} AND received_at >= ${startsAt}::timestamptz - interval '90 days'
          ORDER BY id LIMIT 1
        )
        UPDATE referrals r SET organisation_id = ${organisations[organisations.length - 1].id}, referring_sector = ${e.sector}
        FROM picked WHERE r.id = picked.id RETURNING 1 AS n`.execute(trx)
      linked += after.rows.length + before.rows.length
    }
    return linked
  })
}
