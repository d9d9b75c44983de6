import { randomUUID } from 'node:crypto'
import type { Insertable } from 'kysely'
import { createRandom } from '#src/modules/demo/synthetic.ts'
import type { PeopleTable, ReferralsTable } from '#src/platform/db/database.ts'
import type { TestContext } from './test-app.ts'

/** The referral columns these synthetic referrals leave empty. */
const NO_REFERRER = {
  referring_organisation: null,
  referrer_name: null,
  referrer_contact: null,
  closure_reason: null,
  assigned_to: null,
  triaged_at: null,
  closed_at: null,
  created_by: null,
}

const SOURCES = ['nrm-first-responder', 'helpline', 'police', 'partner-agency', 'public-concern']
const CHANCE = [0.3, 0.25, 0.35, 0.2, 0.1]

/**
 * A closed population of synthetic people in one year, each referred by each source independently with a
 * fixed chance (seeded), as Multiple Systems Estimation assumes: the "across sources" pages have something to
 * find. Returns how many of them were referred at all.
 */
export async function seedIndependentSources(
  db: TestContext['db'],
  options: {
    seed: number
    population: number
    year: number
    referencePrefix: string
    nationalities: string[]
    youngestAge: number
  },
): Promise<{ seen: number }> {
  const random = createRandom(options.seed).next
  const people: Insertable<PeopleTable>[] = []
  const referrals: Insertable<ReferralsTable>[] = []
  const subjects: { referral_id: string; person_id: string; role: string; position: number }[] = []
  for (let i = 0; i < options.population; i++) {
    const person = randomUUID()
    let seen = false
    for (const [k, source] of SOURCES.entries()) {
      if (random() >= CHANCE[k]) continue
      if (!seen) {
        const nationality = options.nationalities[i % options.nationalities.length]
        people.push({
          id: person,
          gender: i % 3 ? 'female' : 'male',
          nationalities: [nationality],
          age_disputed: false,
          approximate_age: options.youngestAge + (i % 40),
          date_of_birth: null,
          languages: [],
          created_by: null,
          updated_at: new Date(),
        })
      }
      seen = true
      const id = randomUUID()
      const receivedAt = new Date(Date.UTC(options.year, Math.floor(random() * 12), 1 + Math.floor(random() * 28), 10))
      referrals.push({
        id,
        reference: `${options.referencePrefix}-${i}-${k}`,
        received_at: receivedAt,
        source,
        summary: 'Synthetic',
        exploitation_types: [['labour', 'sexual', 'criminal'][i % 3]],
        county_lines: false,
        priority_tags: [],
        status: 'new',
        updated_at: new Date(),
        ...NO_REFERRER,
      })
      subjects.push({ referral_id: id, person_id: person, role: 'potential-victim', position: 0 })
    }
  }
  await db.insertInto('people').values(people).execute()
  for (let i = 0; i < referrals.length; i += 200)
    await db
      .insertInto('referrals')
      .values(referrals.slice(i, i + 200))
      .execute()
  for (let i = 0; i < subjects.length; i += 200)
    await db
      .insertInto('referral_subjects')
      .values(subjects.slice(i, i + 200))
      .execute()
  return { seen: people.length }
}
