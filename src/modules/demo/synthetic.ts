import { uuidv7 } from '#src/shared/ids.ts'
import { normaliseName } from '#src/shared/names.ts'
import type { Queryable } from '#src/platform/db/database.ts'
import { sql } from 'kysely'
import { deriveUrgency } from '#src/modules/referrals/index.ts'

/**
 * Synthetic referrals for the demo and the benchmarks. Every name, place and story is invented: names come
 * from lists of common forenames and surnames per nationality, addresses from made-up streets, and the
 * distributions loosely follow the published NRM statistics so that the queue looks like a real team's.
 */

/** A small deterministic PRNG (mulberry32), so a seed gives the same demo every time. */
export function createRandom(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    const total = items.reduce((sum, [, w]) => sum + w, 0)
    let r = next() * total
    for (const [item, w] of items) {
      r -= w
      if (r < 0) return item
    }
    return items[items.length - 1][0]
  }
  const chance = (p: number) => next() < p
  return { next, int, pick, weighted, chance }
}
export type Random = ReturnType<typeof createRandom>

const NAMES: Record<string, { female: string[]; male: string[]; family: string[]; languages: string[] }> = {
  GB: {
    female: ['Chloe', 'Jade', 'Megan', 'Leah', 'Holly'],
    male: ['Kyle', 'Connor', 'Liam', 'Jordan', 'Callum', 'Reece'],
    family: ['Smith', 'Walsh', 'Clarke', 'Hughes', 'Price', 'Doherty'],
    languages: ['en'],
  },
  AL: {
    female: ['Elira', 'Besa', 'Drita', 'Arta'],
    male: ['Arben', 'Besnik', 'Gentian', 'Ilir', 'Klodian', 'Erion'],
    family: ['Hoxha', 'Shehu', 'Krasniqi', 'Gashi', 'Berisha', 'Dervishi'],
    languages: ['sq'],
  },
  RO: {
    female: ['Ioana', 'Elena', 'Andreea', 'Mihaela'],
    male: ['Andrei', 'Ionuț', 'Florin', 'Marian', 'Bogdan'],
    family: ['Popescu', 'Ionescu', 'Stoica', 'Dumitru', 'Munteanu'],
    languages: ['ro'],
  },
  VN: {
    female: ['Linh', 'Thảo', 'Hương', 'Mai'],
    male: ['Minh', 'Tuấn', 'Hùng', 'Quang', 'Dũng'],
    family: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng'],
    languages: ['vi'],
  },
  PL: {
    female: ['Agnieszka', 'Katarzyna', 'Magdalena'],
    male: ['Krzysztof', 'Tomasz', 'Paweł', 'Marek'],
    family: ['Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik'],
    languages: ['pl'],
  },
  ER: {
    female: ['Helen', 'Senait', 'Selam', 'Yodit'],
    male: ['Yonas', 'Dawit', 'Tesfay', 'Mehari', 'Filmon'],
    family: ['Tesfamariam', 'Gebremedhin', 'Haile', 'Kidane'],
    languages: ['ti'],
  },
  SD: {
    female: ['Amani', 'Fatima', 'Sara'],
    male: ['Mohamed', 'Ahmed', 'Osman', 'Abdelrahman'],
    family: ['Abdalla', 'Elhassan', 'Ibrahim', 'Osman'],
    languages: ['ar'],
  },
  CN: {
    female: ['Li Na', 'Wang Fang', 'Zhang Min'],
    male: ['Wei', 'Jun', 'Lei', 'Hao'],
    family: ['Wang', 'Li', 'Zhang', 'Chen', 'Liu'],
    languages: ['zh'],
  },
  IN: {
    female: ['Priya', 'Anjali', 'Kavita'],
    male: ['Rahul', 'Amit', 'Suresh', 'Vikram'],
    family: ['Sharma', 'Patel', 'Singh', 'Kumar'],
    languages: ['hi', 'pa'],
  },
  NG: {
    female: ['Blessing', 'Chiamaka', 'Funmilayo'],
    male: ['Chinedu', 'Emeka', 'Tunde'],
    family: ['Okafor', 'Adeyemi', 'Eze', 'Balogun'],
    languages: ['en', 'yo'],
  },
  IR: {
    female: ['Maryam', 'Zahra', 'Shirin'],
    male: ['Reza', 'Ali', 'Hossein', 'Amir'],
    family: ['Ahmadi', 'Hosseini', 'Karimi', 'Rahimi'],
    languages: ['fa'],
  },
  SK: {
    female: ['Zuzana', 'Martina'],
    male: ['Marek', 'Peter', 'Milan'],
    family: ['Horváth', 'Kováč', 'Balog', 'Lakatoš'],
    languages: ['sk'],
  },
}

const NATIONALITY_WEIGHTS: readonly (readonly [string, number])[] = [
  ['GB', 34],
  ['AL', 12],
  ['ER', 6],
  ['SD', 5],
  ['VN', 6],
  ['RO', 7],
  ['PL', 3],
  ['CN', 3],
  ['IN', 4],
  ['NG', 3],
  ['IR', 3],
  ['SK', 3],
]

const SOURCE_WEIGHTS = [
  ['nrm-first-responder', 35],
  ['helpline', 18],
  ['police', 22],
  ['partner-agency', 14],
  ['public-concern', 8],
  ['self-referral', 3],
] as const

const TYPE_WEIGHTS = [
  ['criminal', 34],
  ['labour', 30],
  ['sexual', 20],
  ['domestic-servitude', 8],
  ['not-specified', 7],
  ['organ-harvesting', 1],
] as const

const ORGANISATIONS: Record<string, string[]> = {
  'nrm-first-responder': [
    'Salvation Army',
    'Local authority children’s services',
    'Local authority adult social care',
    'Barnardo’s',
    'Home Office (UKVI)',
    'Medaille Trust',
  ],
  helpline: ['Modern Slavery & Exploitation Helpline'],
  police: ['Response team', 'Neighbourhood policing team', 'County Lines task force', 'Roads policing'],
  'partner-agency': [
    'Fair Work Agency (GLAA)',
    'HMRC',
    'NHS trust safeguarding team',
    'Housing association',
    'Border Force',
    'Fire and rescue service',
  ],
  'public-concern': ['Member of the public'],
  'self-referral': [],
}

const STREETS = [
  'Mill Lane',
  'Station Road',
  'Canal Street',
  'Victoria Terrace',
  'Foundry Way',
  'Chapel Row',
  'Dock Road',
  'Albert Street',
  'Market Place',
  'Weaver Close',
]
const TOWNS = [
  ['Ashby Vale', 'AV'],
  ['Northgate', 'NG'],
  ['Riverton', 'RT'],
  ['Easterly', 'ES'],
  ['Kingsmoor', 'KM'],
] as const
// Real postcode districts chosen for their format only; street names and numbers are invented.
const POSTCODE_DISTRICTS = ['LS11', 'BD3', 'M8', 'B10', 'LE5', 'NG7', 'S2', 'HU3', 'WF1', 'OL9']

const PREMISES_FOR: Record<string, string[]> = {
  labour: ['car-wash', 'factory-textile', 'farm', 'construction-site', 'nail-bar'],
  sexual: ['brothel', 'hotel', 'private-house'],
  criminal: ['cannabis-grow', 'private-house', 'traveller-site'],
  'domestic-servitude': ['private-house', 'traveller-site'],
  'organ-harvesting': ['other'],
  'not-specified': ['other', 'private-house'],
}

const STORIES: Record<string, string[]> = {
  labour: [
    'Workers at the premises appear to live on site and are driven in and out in the same van each day. One said their wages go to “the boss” to pay off a debt for travel.',
    'A worker attended A&E with an untreated hand injury and said he could not leave the job because his passport is held by the supervisor.',
    'Several men seen sleeping in the back room. They wore no protective equipment and did not know the address they were staying at.',
  ],
  sexual: [
    'Adverts online show the same woman at different addresses each week. Neighbours report men visiting at all hours and the woman never leaving alone.',
    'A young woman disclosed to a nurse that she was brought to the UK with a promise of hotel work and is now made to sell sex to repay a debt.',
  ],
  criminal: [
    'A 15-year-old was stopped on a train with cash and two phones, far from home, reported missing by his carer the day before. He would not say who he was with.',
    'Officers found a young man tending a cannabis grow. The windows were boarded up and the door locked from the outside.',
    'A vulnerable adult’s flat appears to be used by others to deal drugs. He says “friends” stay and he cannot make them leave.',
  ],
  'domestic-servitude': [
    'A woman living with a family is never seen outside without them, does all the housework and childcare, and has no phone of her own.',
    'A school raised concern about a relative living with a pupil’s family who works from early morning to late at night and is not paid.',
  ],
  'organ-harvesting': [
    'A man said he was brought to the UK and told he would have to “give a kidney” to pay for his journey.',
  ],
  'not-specified': [
    'The referrer is worried about a person who seems controlled by others but could not say what work they do.',
  ],
}

export type SyntheticUser = { id: string; canWork: boolean; canRecord: boolean }

export type SyntheticData = {
  people: {
    id: string
    date_of_birth: string | null
    approximate_age: number | null
    age_disputed: boolean
    gender: string
    nationalities: string[]
    languages: string[]
    created_by: string | null
    updated_at: Date
    created_at: Date
  }[]
  personNames: {
    id: string
    person_id: string
    kind: string
    full_name: string
    normalised: string
    script: string
    position: number
  }[]
  locations: {
    id: string
    address_line_1: string | null
    address_line_2: string | null
    town: string | null
    postcode: string | null
    description: string | null
    premises_type: string
    created_at: Date
  }[]
  referrals: {
    id: string
    reference: string
    received_at: Date
    source: string
    referring_organisation: string | null
    referrer_name: string | null
    referrer_contact: string | null
    summary: string
    exploitation_types: string[]
    county_lines: boolean
    priority_tags: string[]
    status: string
    closure_reason: string | null
    assigned_to: string | null
    triaged_at: Date | null
    closed_at: Date | null
    created_at: Date
    created_by: string | null
    updated_at: Date
    version: number
    /** Derived from the generated facts by the same function the service uses (referral.urgency.ts). */
    urgent: boolean
    urgency_reasons: string[]
  }[]
  subjects: { referral_id: string; person_id: string; role: string; position: number }[]
  referralLocations: { referral_id: string; location_id: string; position: number }[]
  events: {
    id: string
    referral_id: string
    occurred_at: Date
    actor_user_id: string | null
    kind: string
    from_status: string | null
    to_status: string | null
    reason: string | null
    details: string
  }[]
}

function emptyData(): SyntheticData {
  return { people: [], personNames: [], locations: [], referrals: [], subjects: [], referralLocations: [], events: [] }
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/**
 * Generates `count` referrals received over the last `days` days, numbered from `firstNumber`.
 * Older referrals have moved on through triage; recent ones are still new.
 */
export function generateReferrals(
  count: number,
  options: { random: Random; users: SyntheticUser[]; days: number; firstNumber: number; now?: Date },
): SyntheticData {
  const { random, users } = options
  const now = options.now ?? new Date()
  const workers = users.filter((u) => u.canWork)
  const data = emptyData()
  // Victims already generated, so a later referral from another source can name the same person: people are referred
  // by more than one source (the helpline and then the police, say), which is what counting across sources and the
  // estimate of the hidden number rest on.
  const earlier: {
    personId: string
    source: string
    at: number
    urgency: { dateOfBirth: string | null; approximateAge: number | null; ageDisputed: boolean }
  }[] = []

  for (let n = 0; n < count; n++) {
    const ageDays = Math.floor(Math.pow(random.next(), 1.6) * options.days)
    const receivedAt = new Date(now.getTime() - ageDays * 86_400_000 - random.int(0, 86_399) * 1000)
    const referralId = uuidv7(receivedAt.getTime())
    const source = random.weighted(SOURCE_WEIGHTS)
    const primary = random.weighted(TYPE_WEIGHTS)
    const types = new Set<string>([primary])
    if (primary !== 'not-specified' && random.chance(0.15))
      types.add(random.weighted(TYPE_WEIGHTS.filter(([t]) => t !== 'not-specified')))
    const countyLines = primary === 'criminal' && random.chance(0.45)
    const tags: string[] = []
    if (types.has('sexual') && random.chance(0.6)) tags.push('sexual-exploitation')
    if (random.chance(0.08)) tags.push('travelling-community')
    if (types.has('labour') && random.chance(0.3)) tags.push('textile-industry')

    const creator = random.pick(users.filter((u) => u.canRecord)).id
    data.referrals.push({
      id: referralId,
      reference: `REF-${receivedAt.getUTCFullYear()}-${String(options.firstNumber + n).padStart(6, '0')}`,
      received_at: receivedAt,
      source,
      referring_organisation: ORGANISATIONS[source].length ? random.pick(ORGANISATIONS[source]) : null,
      referrer_name:
        source === 'public-concern' && random.chance(0.5)
          ? null
          : random.pick(['A. Carter', 'J. Okoro', 'S. Patel', 'M. Reid', 'D. Evans']),
      referrer_contact: random.chance(0.7) ? `0113 496 ${String(random.int(0, 999)).padStart(4, '0')}` : null,
      summary: random.pick(STORIES[primary]),
      exploitation_types: [...types],
      county_lines: countyLines,
      priority_tags: tags,
      status: 'new',
      closure_reason: null,
      assigned_to: null,
      triaged_at: null,
      closed_at: null,
      created_at: receivedAt,
      created_by: creator,
      updated_at: receivedAt,
      version: 1,
      urgent: false,
      urgency_reasons: [],
    })
    data.events.push({
      id: uuidv7(receivedAt.getTime()),
      referral_id: referralId,
      occurred_at: receivedAt,
      actor_user_id: creator,
      kind: 'created',
      from_status: null,
      to_status: 'new',
      reason: null,
      details: JSON.stringify({ source }),
    })

    // People: usually one potential victim, sometimes more, and sometimes a suspected exploiter.
    const nationality = random.weighted(NATIONALITY_WEIGHTS)
    const victims = random.weighted([
      [1, 70],
      [2, 18],
      [3, 8],
      [5, 4],
    ] as const)
    const roles: string[] = Array.from({ length: victims }, () => 'potential-victim')
    const urgencyPeople: {
      role: string
      dateOfBirth: string | null
      approximateAge: number | null
      ageDisputed: boolean
    }[] = []
    if (random.chance(0.35)) roles.push('suspected-exploiter')
    if (source === 'public-concern' && random.chance(0.5)) roles.push('reporter')
    roles.forEach((role, position) => {
      // About one referral in five is about someone another source referred within the year before or after.
      const seenBefore =
        role === 'potential-victim' && position === 0 && random.chance(0.2)
          ? earlier.filter((e) => e.source !== source && Math.abs(e.at - receivedAt.getTime()) < 365 * 86_400_000)
          : []
      if (seenBefore.length > 0) {
        const again = random.pick(seenBefore)
        data.subjects.push({ referral_id: referralId, person_id: again.personId, role, position })
        urgencyPeople.push({ role, ...again.urgency })
        return
      }
      const nat =
        role === 'potential-victim' && position > 0 && random.chance(0.7)
          ? nationality
          : role === 'potential-victim'
            ? nationality
            : random.weighted(NATIONALITY_WEIGHTS)
      const pool = NAMES[nat]
      const gender =
        primary === 'sexual' && role === 'potential-victim'
          ? random.weighted([
              ['female', 85],
              ['male', 13],
              ['other', 2],
            ] as const)
          : random.weighted([
              ['male', 70],
              ['female', 28],
              ['not-known', 2],
            ] as const)
      const given = gender === 'female' ? random.pick(pool.female) : random.pick(pool.male)
      const family = random.pick(pool.family)
      const child = role === 'potential-victim' && (countyLines ? random.chance(0.75) : random.chance(0.25))
      const age = child ? random.int(13, 17) : random.int(18, 55)
      const knownDob = random.chance(0.65)
      const birth = new Date(receivedAt.getTime() - (age * 365.25 + random.int(0, 364)) * 86_400_000)
      const personId = uuidv7(receivedAt.getTime())
      data.people.push({
        id: personId,
        date_of_birth: knownDob ? isoDay(birth) : null,
        approximate_age: knownDob ? null : age,
        age_disputed: child && !knownDob && random.chance(0.4),
        gender,
        nationalities: [nat],
        languages: random.chance(0.85) ? pool.languages : [],
        created_by: creator,
        created_at: receivedAt,
        updated_at: receivedAt,
      })
      const primaryName = `${given} ${family}`
      data.personNames.push({
        id: uuidv7(receivedAt.getTime()),
        person_id: personId,
        kind: 'primary',
        full_name: primaryName,
        normalised: normaliseName(primaryName),
        script: 'Latn',
        position: 0,
      })
      if (random.chance(0.2)) {
        const alias = `${family}, ${given}`
        data.personNames.push({
          id: uuidv7(receivedAt.getTime()),
          person_id: personId,
          kind: 'alias',
          full_name: alias,
          normalised: normaliseName(alias),
          script: 'Latn',
          position: 1,
        })
      }
      data.subjects.push({ referral_id: referralId, person_id: personId, role, position })
      const person = data.people[data.people.length - 1]
      urgencyPeople.push({
        role,
        dateOfBirth: person.date_of_birth,
        approximateAge: person.approximate_age,
        ageDisputed: person.age_disputed,
      })
      if (role === 'potential-victim')
        earlier.push({
          personId,
          source,
          at: receivedAt.getTime(),
          urgency: {
            dateOfBirth: person.date_of_birth,
            approximateAge: person.approximate_age,
            ageDisputed: person.age_disputed,
          },
        })
    })

    const places = random.weighted([
      [0, 15],
      [1, 70],
      [2, 15],
    ] as const)
    for (let p = 0; p < places; p++) {
      const [town] = random.pick(TOWNS)
      const premises = random.pick(PREMISES_FOR[primary])
      const withAddress = random.chance(0.8)
      const locationId = uuidv7(receivedAt.getTime())
      data.locations.push({
        id: locationId,
        address_line_1: withAddress ? `${random.int(1, 220)} ${random.pick(STREETS)}` : null,
        address_line_2: null,
        town: withAddress ? town : null,
        postcode: withAddress
          ? `${random.pick(POSTCODE_DISTRICTS)} ${random.int(1, 9)}${random.pick(['AB', 'DF', 'HJ', 'LN', 'PQ', 'RT', 'UW', 'XY'])}`
          : null,
        description: withAddress
          ? null
          : `Unit behind the ${random.pick(['petrol station', 'retail park', 'industrial estate', 'railway arches'])} in ${town}`,
        premises_type: premises,
        created_at: receivedAt,
      })
      data.referralLocations.push({ referral_id: referralId, location_id: locationId, position: p })
    }

    // Where it has got to: the older the referral, the further through triage.
    const referral = data.referrals[data.referrals.length - 1]
    const urgency = deriveUrgency({
      receivedAt,
      summary: referral.summary,
      indicators: [],
      people: urgencyPeople,
    })
    referral.urgent = urgency.urgent
    referral.urgency_reasons = urgency.reasons
    let version = 1
    let at = receivedAt.getTime()
    const step = (to: string, reason: string, closureReason: string | null = null) => {
      at += random.int(1, 30) * 3_600_000
      const when = new Date(Math.min(at, now.getTime() - 60_000))
      const actor = workers.length ? random.pick(workers).id : creator
      data.events.push({
        id: uuidv7(when.getTime()),
        referral_id: referralId,
        occurred_at: when,
        actor_user_id: actor,
        kind: 'status-changed',
        from_status: referral.status,
        to_status: to,
        reason,
        details: JSON.stringify(closureReason ? { closureReason } : {}),
      })
      referral.status = to
      version++
      if (['screening', 'opened-as-case', 'closed'].includes(to) && !referral.triaged_at) referral.triaged_at = when
      if (to === 'closed') {
        referral.closure_reason = closureReason
        referral.closed_at = when
      }
      referral.updated_at = when
    }
    if (workers.length && (ageDays > 1 || random.chance(0.3))) {
      const assignee = random.pick(workers)
      at += random.int(1, 6) * 3_600_000
      const when = new Date(Math.min(at, now.getTime() - 60_000))
      data.events.push({
        id: uuidv7(when.getTime()),
        referral_id: referralId,
        occurred_at: when,
        actor_user_id: assignee.id,
        kind: 'assigned',
        from_status: null,
        to_status: null,
        reason: null,
        details: JSON.stringify({ from: null, to: assignee.id }),
      })
      referral.assigned_to = assignee.id
      version++
    }
    // A team clears its queue: only recent referrals are still waiting.
    if (ageDays >= 1 && (ageDays > 14 || random.chance(0.9))) step('in-triage', 'Picked up for triage')
    if (ageDays >= 3 && referral.status === 'in-triage' && (ageDays > 30 || random.chance(0.85))) {
      if (random.chance(0.2))
        step(
          'closed',
          random.pick([
            'Referrer confirmed no exploitation',
            'Already known under another reference',
            'Passed to the local authority',
          ]),
          random.pick(['not-modern-slavery', 'duplicate', 'passed-to-another-agency', 'no-further-action']),
        )
      else step('screening', 'Indicators present; screening the potential victims')
    }
    if (ageDays >= 10 && referral.status === 'screening' && (ageDays > 90 || random.chance(0.8))) {
      if (random.chance(0.6)) step('opened-as-case', 'Investigation opened')
      else step('closed', 'No further action after screening', 'no-further-action')
    }
    referral.version = version
  }
  return data
}

/** Inserts generated data in batches: a few large statements rather than one per row. */
export async function insertSynthetic(db: Queryable, data: SyntheticData, batch = 1000): Promise<void> {
  const chunks = <T>(rows: T[]) =>
    Array.from({ length: Math.ceil(rows.length / batch) }, (_, i) => rows.slice(i * batch, (i + 1) * batch))
  for (const rows of chunks(data.people)) await db.insertInto('people').values(rows).execute()
  for (const rows of chunks(data.personNames)) await db.insertInto('person_names').values(rows).execute()
  for (const rows of chunks(data.locations)) await db.insertInto('locations').values(rows).execute()
  for (const rows of chunks(data.referrals)) await db.insertInto('referrals').values(rows).execute()
  for (const rows of chunks(data.subjects)) await db.insertInto('referral_subjects').values(rows).execute()
  for (const rows of chunks(data.referralLocations)) await db.insertInto('referral_locations').values(rows).execute()
  for (const rows of chunks(data.events)) await db.insertInto('referral_events').values(rows).execute()
  // New referrals recorded after the synthetic ones continue their numbering.
  await sql`SELECT setval('referral_reference_seq', greatest((SELECT count(*) FROM referrals), 1))`.execute(db)
}
