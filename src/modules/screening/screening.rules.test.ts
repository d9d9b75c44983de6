import { describe, expect, it } from 'vitest'
import { DISAGREEMENTS, expectedValue, factsOf, scenarios } from '../../../test/support/screening-scenarios.ts'
import { loadSchedule4 } from './legal-data.ts'
import { Facts } from './screening.facts.ts'
import { assess, ContradictoryFactsError } from './screening.rules.ts'

// The worked scenarios are read from the shared folder, never copied into this repository.
const schedule4 = loadSchedule4()
const today = '2026-11-29'

describe.each(scenarios.map((s) => [s.id, s] as const))('scenario %s', (_id, scenario) => {
  const facts = Facts.parse(factsOf(scenario))
  const outcome = assess(facts, { schedule4, today })

  it(`${scenario.title}: route, child status, travel state, sections, County Lines and competent authority`, () => {
    expect({
      route: outcome.route,
      is_child: outcome.is_child,
      smuggling_or_trafficking: outcome.smuggling_or_trafficking,
      msa_sections: outcome.msa_sections,
      county_lines_flag: outcome.county_lines_flag,
      competent_authority: outcome.competent_authority,
    }).toEqual({
      route: expectedValue(scenario, 'route'),
      is_child: expectedValue(scenario, 'is_child'),
      smuggling_or_trafficking: expectedValue(scenario, 'smuggling_or_trafficking'),
      msa_sections: expectedValue(scenario, 'msa_sections'),
      county_lines_flag: expectedValue(scenario, 'county_lines_flag'),
      competent_authority: expectedValue(scenario, 'competent_authority'),
    })
  })

  it('maps the exploitation types and says which rule decided, with its source', () => {
    expect([...outcome.exploitation_types].sort()).toEqual(
      [...(scenario.expected.exploitation_types as string[])].sort(),
    )
    expect(outcome.deciding_rule).toMatch(/^R\d\d$/)
    expect(outcome.explanation.length).toBeGreaterThan(0)
    for (const step of outcome.explanation.filter((s) => s.rule)) expect(step.source).toBeTruthy()
  })

  it('screens s45 only for a person who is also a suspect, with the right limb', () => {
    const expected = scenario.expected.s45 as { limb: string; available_in_principle: boolean } | null
    if (expected === null) expect(outcome.s45).toBeNull()
    else
      expect(outcome.s45).toMatchObject({
        limb: expected.limb,
        available_in_principle: expected.available_in_principle,
      })
  })
})

describe('scenario expectations Lantern disagrees with (DOMAIN.md wins; ../shared is not edited)', () => {
  it.each(Object.entries(DISAGREEMENTS))(
    '%s: the disagreement is still there, justified, and Lantern gives its own answer',
    (id, disagreements) => {
      const scenario = scenarios.find((s) => s.id === id)!
      expect(scenario, id).toBeDefined()
      const outcome = assess(Facts.parse(factsOf(scenario)), { schedule4, today }) as unknown as Record<string, unknown>
      for (const d of disagreements) {
        expect(
          scenario.expected[d.field],
          `${id} ${d.field}: the shared scenario changed; review this disagreement`,
        ).toEqual(d.expected)
        expect(outcome[d.field]).toEqual(d.lantern)
        expect(d.why.length).toBeGreaterThan(80)
      }
    },
  )
})

describe('rules beyond the scenarios', () => {
  const adult = Facts.parse({
    age: 30,
    consent_given: false,
    travel_arranged: true,
    travel_into_uk: true,
    means_used: ['violence'],
    exploitation_purpose: 'forced labour on a farm',
    modern_slavery_indicators_present: true,
    location: 'England',
    encountered_by: 'police',
    identified_individual: true,
  })

  it('says a Schedule 4 offence removes the defence but never changes the route', () => {
    const withOffence = assess({ ...adult, suspected_offence_by_subject: 'robbery' }, { schedule4, today })
    expect(withOffence.route).toBe(assess(adult, { schedule4, today }).route)
    expect(withOffence.s45).toMatchObject({
      limb: 'adult',
      available_in_principle: false,
      schedule4: { status: 'listed' },
    })
  })

  it('reports an unconfirmed entry as possibly a Schedule 4 offence', () => {
    const outcome = assess({ ...adult, suspected_offence_by_subject: 'violent disorder' }, { schedule4, today })
    expect(outcome.s45?.schedule4.status).toBe('possibly')
    expect(outcome.s45?.schedule4.message).toContain('Possibly a Schedule 4 offence: check the current schedule')
  })

  it('does not apply the Duty to Notify to a non-specified body', () => {
    expect(assess({ ...adult, encountered_by: 'ngo' }, { schedule4, today }).route).toBe(
      'DECLINED_OUTSIDE_EW_RECORD_ONLY',
    )
  })

  it('says what is missing instead of guessing', () => {
    const unknownAge = assess(
      Facts.parse({ identified_individual: true, modern_slavery_indicators_present: true, location: 'England' }),
      { schedule4, today },
    )
    expect(unknownAge.route).toBe('UNDETERMINED')
    expect(unknownAge.missing.join(' ')).toContain('age')
    const unknownIndicators = assess(Facts.parse({ identified_individual: true, age: 30 }), { schedule4, today })
    expect(unknownIndicators.route).toBe('UNDETERMINED')
    expect(unknownIndicators.missing.join(' ')).toContain('modern_slavery_indicators_present')
  })

  it('refuses contradictory facts with a specific message', () => {
    expect(() =>
      assess(Facts.parse({ date_of_birth: '2010-06-01', age: 30, identified_individual: true }), { schedule4, today }),
    ).toThrow(ContradictoryFactsError)
    expect(() =>
      assess(Facts.parse({ age: 16, age_disputed: false, age_assessment_outcome: 'assessed_adult' }), {
        schedule4,
        today,
      }),
    ).toThrow(/contradicts an age assessment/)
  })

  it('lets structured exploitation types win over the free text', () => {
    const outcome = assess({ ...adult, exploitation_types: ['SEXUAL'] }, { schedule4, today })
    expect(outcome.exploitation_types).toEqual(['SEXUAL'])
  })

  it('uses the configured recovery periods: 30 days in England, 90 in Scotland, 45 in Northern Ireland', () => {
    const consenting = { ...adult, consent_given: true }
    expect(assess({ ...consenting, location: 'England' }, { schedule4, today }).recovery_period_days).toBe(30)
    expect(assess({ ...consenting, location: 'Scotland' }, { schedule4, today }).recovery_period_days).toBe(90)
    expect(assess({ ...consenting, location: 'NI' }, { schedule4, today }).recovery_period_days).toBe(45)
  })

  it('accepts words outside the lists and says what it did not recognise', () => {
    const result = Facts.safeParse({ location: 'Atlantis', means_used: ['mind_control'] })
    expect(result.success).toBe(true)
    const outcome = assess(result.data!, { schedule4, today })
    expect(outcome.unrecognised).toEqual([
      { field: 'means_used', value: 'mind_control', treated_as: 'other means' },
      { field: 'location', value: 'Atlantis', treated_as: 'not known' },
    ])
    expect(Facts.safeParse({ means_used: 'violence' }).success).toBe(false)
  })
})
