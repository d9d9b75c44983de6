import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import * as repo from './victim-context.repository.ts'

/** A small deterministic generator, so the demo's profile is the same on every start. */
function seeded(seed: number) {
  let s = seed >>> 0 || 1
  const next = () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 4_294_967_296
  }
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]
  const some = <T>(items: readonly T[], max: number): T[] => [
    ...new Set(Array.from({ length: 1 + Math.floor(next() * max) }, () => pick(items))),
  ]
  return { next, pick, some, chance: (p: number) => next() < p }
}

type Pattern = {
  methods: string[]
  platforms: string[]
  vulnerabilities: string[]
  controls: string[]
  sectors?: string[]
  sexual?: string[]
  criminal?: string[]
  /** UK towns (the demo's synthetic towns) where they were exploited, and where UK recruits were recruited. */
  towns: string[]
  transit?: string[]
  perpetrator: [string, string[]]
}

// The synthetic team's three strategic priorities each have a recognisable pattern, so the profile shows where to act.
const PATTERNS: Record<string, Pattern> = {
  sexual: {
    methods: ['intimate-partner', 'online', 'job-offer'],
    platforms: ['social-media', 'dating-app', 'classified-ads'],
    vulnerabilities: ['care-experienced', 'mental-health', 'addiction', 'homelessness', 'domestic-abuse'],
    controls: ['threats', 'violence', 'sexual-abuse', 'substances', 'debt-bondage', 'earnings-taken'],
    sexual: ['pop-up', 'advertised-online', 'brothel'],
    towns: ['Riverton', 'Northgate', 'Riverton'],
    transit: ['FR', 'IT'],
    perpetrator: ['Boyfriend who placed the adverts', ['recruiter', 'controller']],
  },
  textiles: {
    methods: ['job-offer', 'debt'],
    platforms: ['social-media', 'messaging-app'],
    vulnerabilities: ['language', 'insecure-immigration', 'poverty-debt', 'isolation'],
    controls: ['debt-bondage', 'earnings-taken', 'documents-withheld', 'excessive-hours', 'threat-of-authorities'],
    sectors: ['textiles'],
    towns: ['Easterly', 'Easterly', 'Riverton'],
    transit: ['BE', 'FR'],
    perpetrator: ['Factory supervisor', ['exploiter', 'money-handler']],
  },
  travelling: {
    methods: ['benefactor', 'accommodation'],
    platforms: [],
    vulnerabilities: ['homelessness', 'addiction', 'learning-disability', 'isolation'],
    controls: ['violence', 'withholding-necessities', 'earnings-taken', 'restricted-movement'],
    sectors: ['construction', 'agriculture'],
    towns: ['Kingsmoor', 'Ashby Vale'],
    perpetrator: ['Site owner who offered a caravan', ['recruiter', 'harbourer', 'exploiter']],
  },
  labour: {
    methods: ['job-offer', 'online', 'debt'],
    platforms: ['job-website', 'social-media', 'messaging-app'],
    vulnerabilities: ['language', 'poverty-debt', 'insecure-immigration'],
    controls: ['earnings-taken', 'debt-bondage', 'excessive-hours', 'documents-withheld'],
    sectors: ['car-wash', 'nail-bars', 'hospitality', 'food-processing', 'construction'],
    towns: ['Northgate', 'Riverton', 'Ashby Vale'],
    transit: ['FR', 'DE'],
    perpetrator: ['Gangmaster who arranged the work', ['recruiter', 'transporter', 'controller']],
  },
  criminal: {
    methods: ['benefactor', 'online', 'debt'],
    platforms: ['social-media', 'messaging-app', 'gaming'],
    vulnerabilities: ['care-experienced', 'education', 'addiction', 'mental-health'],
    controls: ['debt-bondage', 'threats', 'violence', 'threats-to-family'],
    criminal: ['county-lines', 'cannabis', 'online-scams', 'theft'],
    towns: ['Northgate', 'Easterly'],
    perpetrator: ['Line holder', ['recruiter', 'controller']],
  },
  'domestic-servitude': {
    methods: ['familial', 'job-offer'],
    platforms: [],
    vulnerabilities: ['language', 'isolation', 'insecure-immigration'],
    controls: ['restricted-movement', 'documents-withheld', 'excessive-hours', 'withholding-necessities'],
    sectors: ['domestic-work'],
    towns: ['Kingsmoor'],
    perpetrator: ['Relative who arranged the visa', ['recruiter', 'exploiter']],
  },
}

const day = (from: Date, days: number) => new Date(from.getTime() - days * 86_400_000).toISOString().slice(0, 10)

/**
 * Structured context for the demo's potential victims (synthetic): how they were recruited, their vulnerabilities,
 * how they were controlled, where they were exploited, their journey and who exploited them, so the person pages and
 * the problem profile have something to show on first start. About four in five victims have it; the rest show the
 * page as an officer first meets it. Journeys run from the person's country (or a UK town) to a synthetic UK town.
 */
export async function loadDemoVictimContext(db: Db): Promise<void> {
  const { rows } = await sql<{
    person_id: string
    referral_id: string
    received_at: Date
    types: string[]
    tags: string[]
    nationality: string | null
    created_by: string | null
    suspect: string | null
  }>`
    SELECT rs.person_id, r.id AS referral_id, r.received_at, r.exploitation_types AS types, r.priority_tags AS tags, p.nationalities[1] AS nationality,
      coalesce(r.assigned_to, r.created_by) AS created_by,
      (SELECT x.person_id FROM referral_subjects x WHERE x.referral_id = r.id AND x.role = 'suspected-exploiter' ORDER BY x.position LIMIT 1) AS suspect
    FROM referral_subjects rs JOIN referrals r ON r.id = rs.referral_id JOIN people p ON p.id = rs.person_id
    WHERE rs.role = 'potential-victim' AND p.merged_into IS NULL
      AND NOT EXISTS (SELECT 1 FROM victim_context_situations s WHERE s.person_id = rs.person_id AND s.referral_id = r.id)
    ORDER BY r.received_at, rs.position`.execute(db)
  const random = seeded(20_261_506)
  await inTransaction(db, async (trx) => {
    for (const row of rows) {
      if (!random.chance(0.8)) continue
      const kind = row.tags.includes('textile-industry')
        ? 'textiles'
        : row.tags.includes('travelling-community')
          ? 'travelling'
          : (row.types.find((t) => Object.hasOwn(PATTERNS, t)) ?? null)
      const id = uuidv7()
      if (!kind) {
        // Not specified in the referral: asked, and not known yet.
        await repo.insertSituation(trx, {
          id,
          person_id: row.person_id,
          referral_id: row.referral_id,
          created_by: row.created_by,
          recruitment_methods: ['unknown'],
          recruitment_place: '',
          recruitment_country: null,
          recruitment_platforms: [],
          recruitment_detail: '',
          vulnerabilities: ['unknown'],
          vulnerability_detail: '',
          control_methods: ['unknown'],
          control_detail: '',
          labour_sectors: [],
          sexual_types: [],
          criminal_types: [],
        })
      } else {
        const p = PATTERNS[kind]
        const abroad = row.nationality && row.nationality !== 'GB' && kind !== 'travelling' && kind !== 'criminal'
        const town = random.pick(p.towns)
        const homeTown = random.pick(['Ashby Vale', 'Kingsmoor', 'Northgate', 'Riverton'].filter((t) => t !== town))
        const methods = random.some(p.methods, 2)
        await repo.insertSituation(trx, {
          id,
          person_id: row.person_id,
          referral_id: row.referral_id,
          created_by: row.created_by,
          recruitment_methods: methods,
          recruitment_place: abroad ? '' : homeTown,
          recruitment_country: abroad ? row.nationality : 'GB',
          recruitment_platforms:
            p.platforms.length && (methods.includes('online') || random.chance(0.6)) ? random.some(p.platforms, 2) : [],
          recruitment_detail: '',
          vulnerabilities: random.some(p.vulnerabilities, 3),
          vulnerability_detail: '',
          control_methods: random.some(p.controls, 3),
          control_detail: '',
          labour_sectors: p.sectors ? random.some(p.sectors, 1) : [],
          sexual_types: p.sexual ? random.some(p.sexual, 2) : [],
          criminal_types: p.criminal ? random.some(p.criminal, 1) : [],
        })
        const received = new Date(row.received_at)
        const start = 60 + Math.floor(random.next() * 300)
        const stops: [string, string, string, number][] = [
          ['recruitment', abroad ? '' : homeTown, abroad ? row.nationality! : 'GB', start],
        ]
        if (abroad && p.transit && random.chance(0.6)) stops.push(['transit', '', random.pick(p.transit), start - 10])
        stops.push(['exploitation', town, 'GB', start - 20])
        if (random.chance(0.4)) stops.push(['exit', town, 'GB', 0])
        for (const [stage, place, country, ago] of stops) {
          await repo.insertJourney(trx, {
            id: uuidv7(),
            situation_id: id,
            stage,
            occurred_on: random.chance(0.85) ? day(received, Math.max(ago, 0)) : null,
            place,
            country,
            notes: '',
            created_by: row.created_by,
          })
        }
        const [description, roles] = p.perpetrator
        await repo.insertPerpetrator(trx, {
          id: uuidv7(),
          situation_id: id,
          person_id: row.suspect,
          description: row.suspect ? '' : description,
          roles,
          created_by: row.created_by,
        })
      }
      await appendAuditEvents(trx, SYSTEM_ACTOR, [
        {
          action: 'victim-context.recorded',
          subjectType: 'person',
          subjectId: row.person_id,
          details: { situationId: id, referralId: row.referral_id, demo: true },
        },
      ])
    }
  })
}
