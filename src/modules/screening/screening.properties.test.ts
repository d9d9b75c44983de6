import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadBankHolidays, loadSchedule4 } from './legal-data.ts'
import {
  AGE_ASSESSMENT_OUTCOMES,
  ENCOUNTERED_BY,
  EXPLOITATION_TYPES,
  LOCATIONS,
  MEANS,
  type Facts,
} from './screening.facts.ts'
import { assess, ContradictoryFactsError, isChildStatus, type Assessment } from './screening.rules.ts'
import { addWorkingDays, isWorkingDay } from './working-days.ts'

const schedule4 = loadSchedule4()
const holidays = loadBankHolidays()
const today = '2026-11-29'

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null })
const bool = maybe(fc.boolean())
const PURPOSES = [
  'forced labour at a car wash',
  'sexual exploitation',
  'drug supply (county lines)',
  'domestic servitude',
  'forced shoplifting',
  'minimum wage underpayment',
  'kidney removal',
  'unknown',
  null,
]
const OFFENCES = [
  'robbery',
  'murder',
  'possession with intent to supply',
  'theft',
  'burglary',
  'violent disorder',
  'production of cannabis',
  'rape',
  'kidnapping',
]

const facts: fc.Arbitrary<Facts> = fc.record({
  age: maybe(fc.integer({ min: 0, max: 90 })),
  age_disputed: bool,
  claimed_age: maybe(fc.integer({ min: 10, max: 40 })),
  age_assessment_outcome: maybe(fc.constantFrom(...AGE_ASSESSMENT_OUTCOMES)),
  consent_given: bool,
  travel_arranged: bool,
  travel_into_uk: bool,
  travel_within_uk: bool,
  travel_out_of_uk: bool,
  // Listed means, their synonyms, and words nobody listed: screening never refuses them.
  means_used: fc.array(
    fc.oneof(
      fc.constantFrom(
        ...Object.keys(MEANS),
        'payment_inducement',
        'ransom',
        'secrecy_instructions',
        'beatings',
        'kidnap',
      ),
      fc.string({ maxLength: 20 }),
    ),
    { maxLength: 4 },
  ),
  exploitation_purpose: fc.constantFrom(...PURPOSES),
  modern_slavery_indicators_present: bool,
  safeguarding_concern: bool,
  relationship_ended_on_arrival: bool,
  location: maybe(fc.constantFrom(...LOCATIONS)),
  encountered_by: maybe(fc.constantFrom(...(Object.keys(ENCOUNTERED_BY) as (keyof typeof ENCOUNTERED_BY)[]))),
  identified_individual: bool,
  suspected_offence_by_subject: maybe(fc.constantFrom(...OFFENCES)),
  exploitation_types: maybe(fc.subarray([...EXPLOITATION_TYPES], { maxLength: 2 })),
  entry_route: maybe(
    fc.constantFrom('smuggled' as const, 'trafficked' as const, 'regular' as const, 'unknown' as const),
  ),
})

function run(f: Facts): Assessment | null {
  try {
    return assess(f, { schedule4, today })
  } catch (error) {
    if (error instanceof ContradictoryFactsError) return null
    throw error
  }
}

/** Under 18, or may be: the group the law protects most. */
function mayBeChild(f: Facts): boolean {
  if (f.age_assessment_outcome === 'assessed_adult') return false
  const age = f.age ?? null
  const claimed = f.claimed_age ?? null
  return (
    (age !== null && age < 18) ||
    f.age_assessment_outcome === 'assessed_child' ||
    (f.age_disputed === true && (claimed === null || claimed < 18)) ||
    (age === null && claimed !== null && claimed < 18)
  )
}

describe('screening properties', () => {
  it('never routes a child, or someone who may be under 18, to the Duty to Notify', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const outcome = run(f)
        if (outcome && mayBeChild(f)) {
          expect(outcome.route).not.toBe('DUTY_TO_NOTIFY')
          if (outcome.route !== 'INTELLIGENCE_ONLY_NO_IDENTIFIED_VICTIM' && outcome.route !== 'UNDETERMINED')
            expect(outcome.is_child).toBe(true)
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('never lets consent change a child’s route', () => {
    fc.assert(
      fc.property(facts, fc.constantFrom(true, false, null), (f, consent) => {
        const outcome = run(f)
        if (outcome?.is_child) expect(run({ ...f, consent_given: consent })?.route).toBe(outcome.route)
      }),
      { numRuns: 3000 },
    )
  })

  it('never lets a suspected offence, Schedule 4 or not, change the route', () => {
    fc.assert(
      fc.property(facts, fc.constantFrom(...OFFENCES), (f, offence) => {
        const without = run({ ...f, suspected_offence_by_subject: null })
        const withOffence = run({ ...f, suspected_offence_by_subject: offence })
        if (without && withOffence) expect(withOffence.route).toBe(without.route)
      }),
      { numRuns: 3000 },
    )
  })

  it('gives a Duty to Notify only to an adult who declined: consent not asked is not a refusal', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const outcome = run(f)
        if (outcome?.route === 'DUTY_TO_NOTIFY') expect(f.consent_given).toBe(false)
      }),
      { numRuns: 3000 },
    )
  })

  it('derives is_child from the one child status', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const outcome = run(f)
        if (outcome) expect(outcome.is_child).toBe(isChildStatus(outcome.child_status))
      }),
      { numRuns: 2000 },
    )
  })

  it('gives smuggling then trafficking only for a smuggled entry, and slavery without trafficking only with no arranged travel and the s1 elements', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const outcome = run(f)
        if (outcome?.smuggling_or_trafficking === 'SMUGGLING_THEN_TRAFFICKING') expect(f.entry_route).toBe('smuggled')
        if (outcome?.smuggling_or_trafficking === 'SLAVERY_WITHOUT_TRAFFICKING') {
          expect(
            f.travel_arranged === false ||
              (f.travel_into_uk === false && f.travel_within_uk === false && f.travel_out_of_uk === false),
          ).toBe(true)
          // The offence is named once there is an identified person (said, or implied by an age given); before that
          // the situation is still slavery without trafficking, but no offence against a person is named.
          const identified =
            f.identified_individual ??
            (f.age !== null ||
              f.claimed_age !== null ||
              f.age_disputed !== null ||
              f.age_assessment_outcome !== null ||
              null)
          if (identified === true)
            expect(outcome.msa_sections.length + outcome.other_legislation.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('gives a Duty to Notify only in England or Wales', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const outcome = run(f)
        if (outcome?.route === 'DUTY_TO_NOTIFY') expect(['England', 'Wales']).toContain(f.location)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('working days', () => {
  const date = fc
    .date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-12-20T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10))

  it('lands on a working day, skipping weekends and bank holidays, and counts exactly n working days', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 30 }), (start, n) => {
        const { date: due } = addWorkingDays(start, n, holidays)
        expect(isWorkingDay(due, holidays)).toBe(true)
        let count = 0
        const d = new Date(`${start}T00:00:00Z`)
        while (d.toISOString().slice(0, 10) < due) {
          d.setUTCDate(d.getUTCDate() + 1)
          if (isWorkingDay(d.toISOString().slice(0, 10), holidays)) count++
        }
        expect(count).toBe(n)
      }),
    )
  })

  it('is monotonic: a later start or more days never gives an earlier date', () => {
    fc.assert(
      fc.property(date, date, fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), (a, b, m, n) => {
        const [early, late] = a <= b ? [a, b] : [b, a]
        const [few, many] = m <= n ? [m, n] : [n, m]
        expect(addWorkingDays(early, few, holidays).date <= addWorkingDays(late, many, holidays).date).toBe(true)
      }),
    )
  })

  it('gives the reasonable grounds target over Christmas and Easter', () => {
    // Referred on Tuesday 23 Dec 2025: Christmas, Boxing Day, the weekend and New Year's Day are skipped.
    expect(addWorkingDays('2025-12-23', 5, holidays).date).toBe('2026-01-02')
    // Referred on Thursday 2 Apr 2026: Good Friday and Easter Monday are skipped.
    expect(addWorkingDays('2026-04-02', 5, holidays).date).toBe('2026-04-13')
  })

  it('warns when the date runs past the bank holidays it knows', () => {
    expect(addWorkingDays('2028-12-28', 5, holidays).warning).toContain('Bank holidays are only known to 2028-12-31')
    expect(addWorkingDays('2026-03-02', 5, holidays).warning).toBeNull()
  })
})
