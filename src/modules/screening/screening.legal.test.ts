import { describe, expect, it } from 'vitest'
import { loadSchedule4 } from './legal-data.ts'
import { Facts } from './screening.facts.ts'
import {
  assess,
  CHILD_STATUS_LABELS,
  CHILD_STATUSES,
  isChildStatus,
  RULES,
  ruleTitle,
  type Assessment,
} from './screening.rules.ts'
import { interpretMeans } from './screening.vocabulary.ts'

const schedule4 = loadSchedule4()
const today = '2026-11-29'
const run = (facts: Record<string, unknown>): Assessment => assess(Facts.parse(facts), { schedule4, today })

/** An adult who consents, in England, met by police, with exploitation indicators: each test changes what it is about. */
const adult = {
  age: 30,
  consent_given: true,
  modern_slavery_indicators_present: true,
  location: 'England',
  encountered_by: 'police',
  identified_individual: true,
}
const explained = (o: Assessment) => o.explanation.map((s) => s.text).join(' ')

describe('means of control: never refused, mapped to the legal means, the rest kept as other means', () => {
  it.each([
    ['payment_inducement', null, 'payments_or_benefits'],
    ['giving or receiving payments', null, 'payments_or_benefits'],
    ['beatings', 'violence', 'force'],
    ['use of force', null, 'force'],
    ['Threats to family', 'threats_to_family', 'threat'],
    ['threat', null, 'threat'],
    ['coercive control', null, 'coercion'],
    ['kidnap', 'abduction', 'abduction'],
    ['fraud', null, 'fraud'],
    ['false promises', 'deception', 'deception'],
    ['abuse_of_power', null, 'abuse_of_power'],
    ['abuse of a position of vulnerability', 'abuse_of_vulnerability', 'abuse_of_vulnerability'],
    ['passport taken', 'document_retention', 'coercion'],
    ['debt_bondage', 'debt_bondage', 'coercion'],
    ['secrecy_instructions', null, null],
    ['control_of_drug_supply', null, null],
    ['ransom', null, null],
  ] as const)('%s → %s / %s', (value, means, legal) => {
    expect(interpretMeans([value])).toEqual([expect.objectContaining({ value, means, legal })])
  })

  it('ignores words that say there were none, and repeats', () => {
    expect(interpretMeans(['none', 'unknown', 'violence', 'Violence'])).toEqual([
      expect.objectContaining({ value: 'violence', means: 'violence' }),
    ])
  })

  it('screens a case whose means are all outside the list, and says which words it did not recognise', () => {
    const outcome = run({
      ...adult,
      travel_arranged: true,
      travel_within_uk: true,
      exploitation_purpose: 'drug supply (county lines)',
      means_used: ['payment_inducement', 'secrecy_instructions', 'control_of_drug_supply', 'ransom'],
    })
    expect(outcome.route).toBe('NRM')
    expect(outcome.means_of_control.map((m) => m.legal)).toEqual(['payments_or_benefits', null, null, null])
    expect(outcome.unrecognised.map((u) => u.value)).toEqual([
      'secrecy_instructions',
      'control_of_drug_supply',
      'ransom',
    ])
    expect(explained(outcome)).toMatch(
      /Not recognised: means of control “secrecy_instructions” \(treated as other means\); means of control “control_of_drug_supply”/,
    )
  })

  it('does not count unrecognised words as compulsion for the adult s45 limb, but does count a known synonym', () => {
    const base = {
      ...adult,
      travel_arranged: true,
      travel_within_uk: true,
      exploitation_purpose: 'forced shoplifting',
      suspected_offence_by_subject: 'theft',
    }
    expect(run({ ...base, means_used: ['ransom'] }).s45?.elements.compelled).toBeNull()
    expect(run({ ...base, means_used: ['beatings'] }).s45).toMatchObject({
      available_in_principle: true,
      elements: { compelled: true },
    })
  })

  it('reads a kidnap synonym as abduction for MSA s4 (an offence committed with intent to traffic)', () => {
    expect(
      run({
        ...adult,
        travel_arranged: true,
        travel_within_uk: true,
        exploitation_purpose: 'forced labour',
        means_used: ['kidnapping'],
      }).msa_sections,
    ).toEqual(['s1', 's2', 's4'])
  })
})

describe('other enumerated facts are read tolerantly', () => {
  it('reads a nation’s full name, a named police force and a council', () => {
    expect(
      run({
        ...adult,
        location: 'Northern Ireland',
        travel_arranged: false,
        exploitation_purpose: 'forced labour',
        means_used: ['threats'],
      }).supporting_rules,
    ).toContain('R17')
    expect(
      run({
        ...adult,
        consent_given: false,
        encountered_by: 'Lancashire Constabulary',
        travel_arranged: false,
        means_used: ['threats'],
      }).route,
    ).toBe('DUTY_TO_NOTIFY')
    expect(
      run({
        ...adult,
        consent_given: false,
        encountered_by: 'council',
        travel_arranged: false,
        means_used: ['threats'],
      }).route,
    ).toBe('DUTY_TO_NOTIFY')
  })

  it('keeps an unknown organisation as unknown rather than guessing whether the Duty to Notify applies', () => {
    const outcome = run({
      ...adult,
      consent_given: false,
      encountered_by: 'Home Office contractor',
      travel_arranged: false,
      means_used: ['threats'],
    })
    expect(outcome.route).toBe('UNDETERMINED')
    expect(outcome.missing.join(' ')).toContain('“Home Office contractor” is not one Lantern recognises')
    expect(outcome.unrecognised).toEqual([
      { field: 'encountered_by', value: 'Home Office contractor', treated_as: 'not known' },
    ])
  })

  it('reads unlisted exploitation types for their meaning, and a detention in words', () => {
    const outcome = run({
      ...adult,
      exploitation_types: ['forced begging', 'labour exploitation'],
      detention: 'IRC',
      travel_arranged: false,
      means_used: ['threats'],
    })
    expect(outcome.exploitation_types.sort()).toEqual(['CRIMINAL', 'LABOUR'])
    expect(outcome.unrecognised).toEqual([
      { field: 'exploitation_types', value: 'forced begging', treated_as: 'CRIMINAL' },
    ])
    expect(outcome.competent_authority).toBe('IECA')
  })
})

describe('s45: the child limb asks its own question (s45(4)), not the adult “no realistic alternative” (s45(1)(d))', () => {
  const child = {
    ...adult,
    age: 15,
    consent_given: null,
    travel_arranged: true,
    travel_within_uk: true,
    exploitation_purpose: 'county lines',
    means_used: ['debt_bondage'],
    suspected_offence_by_subject: 'possession with intent to supply class A',
  }

  it.each([
    [{}, true, null],
    [{ reasonable_person_would_do_act: true }, true, true],
    [{ reasonable_person_would_do_act: false }, false, false],
    [{ reasonable_person_no_alternative: false }, true, null],
    [{ reasonable_person_no_alternative: true, reasonable_person_would_do_act: false }, false, false],
    [{ direct_consequence_of_exploitation: false, reasonable_person_would_do_act: true }, false, true],
  ] as const)('%o → available %s', (extra, available, wouldDo) => {
    const s45 = run({ ...child, ...extra }).s45!
    expect(s45).toMatchObject({
      limb: 'child',
      available_in_principle: available,
      elements: { under_18: true, reasonable_person_would_do_act: wouldDo },
    })
    expect(s45.elements).not.toHaveProperty('no_realistic_alternative')
    expect(s45.reason).toContain('would do that act')
  })

  it('says the adult question is not the test when it was answered for a child, and asks the child question when unanswered', () => {
    const outcome = run({ ...child, reasonable_person_no_alternative: false })
    expect(explained(outcome)).toContain(
      'The adult question (no realistic alternative) was answered, but it is not the test for a child',
    )
    expect(outcome.missing.join(' ')).toContain('reasonable_person_would_do_act')
  })

  it('leaves the adult limb to the adult questions', () => {
    const grown = { ...child, age: 25, consent_given: true, means_used: ['violence'] }
    expect(run({ ...grown, reasonable_person_would_do_act: false }).s45).toMatchObject({
      limb: 'adult',
      available_in_principle: true,
    })
    expect(run({ ...grown, reasonable_person_no_alternative: false }).s45).toMatchObject({
      limb: 'adult',
      available_in_principle: false,
    })
  })
})

describe('smuggling or trafficking: each state only where the facts support it, otherwise UNDETERMINED with what is missing', () => {
  const labour = {
    ...adult,
    exploitation_purpose: 'forced labour at a car wash',
    means_used: ['debt_bondage', 'threats'],
  }
  it.each([
    [
      'smuggled in, hold continued',
      { entry_route: 'smuggled', travel_arranged: true, travel_into_uk: true, relationship_ended_on_arrival: false },
      'SMUGGLING_THEN_TRAFFICKING',
      null,
    ],
    [
      'smuggled in, then moved within the UK',
      {
        entry_route: 'smuggled',
        travel_arranged: true,
        travel_into_uk: true,
        travel_within_uk: true,
        relationship_ended_on_arrival: true,
      },
      'SMUGGLING_THEN_TRAFFICKING',
      null,
    ],
    [
      'smuggled in, relationship ended on arrival',
      { entry_route: 'smuggled', travel_arranged: true, travel_into_uk: true, relationship_ended_on_arrival: true },
      'UNDETERMINED',
      'who exploits them',
    ],
    [
      'smuggled in, not known whether the hold continued',
      { entry_route: 'smuggled', travel_arranged: true, travel_into_uk: true },
      'UNDETERMINED',
      'relationship_ended_on_arrival',
    ],
    [
      'travel arranged into the UK, hold continued, entry not known',
      { travel_arranged: true, travel_into_uk: true, relationship_ended_on_arrival: false },
      'TRAFFICKING',
      'entry_route',
    ],
    [
      'travel arranged into the UK, relationship ended on arrival',
      { travel_arranged: true, travel_into_uk: true, relationship_ended_on_arrival: true },
      'UNDETERMINED',
      'with a view to their exploitation',
    ],
    ['travel arranged within the UK', { travel_arranged: true, travel_within_uk: true }, 'TRAFFICKING', null],
    ['travel arranged out of the UK', { travel_arranged: true, travel_out_of_uk: true }, 'TRAFFICKING', null],
    ['travelled into the UK, not known who arranged it', { travel_into_uk: true }, 'UNDETERMINED', 'travel_arranged'],
    ['travel arranged, not known where', { travel_arranged: true }, 'UNDETERMINED', 'where they were moved'],
    ['nothing known about travel', {}, 'UNDETERMINED', 'travel:'],
    ['no travel, forced labour by threats and debt', { travel_arranged: false }, 'SLAVERY_WITHOUT_TRAFFICKING', null],
  ] as const)('%s → %s', (_label, travel, state, missing) => {
    const outcome = run({ ...labour, ...travel })
    expect(outcome.smuggling_or_trafficking).toBe(state)
    if (missing) expect(outcome.missing.join(' ')).toContain(missing)
    if (state === 'SMUGGLING_THEN_TRAFFICKING') expect(outcome.supporting_rules).toContain('R07')
  })

  it.each([
    [
      'no travel, labour but no means recorded',
      { ...adult, travel_arranged: false, exploitation_purpose: 'forced labour', means_used: [] },
      'UNDETERMINED',
      'means_used',
    ],
    [
      'no travel, only unrecognised means',
      { ...adult, travel_arranged: false, exploitation_purpose: 'forced labour', means_used: ['ransom'] },
      'UNDETERMINED',
      '“ransom” is not recognised',
    ],
    [
      'no travel, sexual exploitation only',
      { ...adult, travel_arranged: false, exploitation_purpose: 'sexual exploitation', means_used: ['threats'] },
      'UNDETERMINED',
      'slavery or forced labour (MSA s1)',
    ],
    [
      'no indicators, smuggled in, relationship ended',
      {
        ...adult,
        modern_slavery_indicators_present: false,
        travel_arranged: true,
        travel_into_uk: true,
        relationship_ended_on_arrival: true,
      },
      'SMUGGLING',
      null,
    ],
    [
      'no indicators, arranged entry, relationship not known',
      { ...adult, modern_slavery_indicators_present: false, travel_arranged: true, travel_into_uk: true },
      'UNDETERMINED',
      'relationship_ended_on_arrival',
    ],
    [
      'no indicators, no travel',
      { ...adult, modern_slavery_indicators_present: false, travel_arranged: false },
      'NEITHER',
      null,
    ],
  ] as const)('%s → %s', (_label, facts, state, missing) => {
    const outcome = run(facts)
    expect(outcome.smuggling_or_trafficking).toBe(state)
    if (missing) expect(outcome.missing.join(' ')).toContain(missing)
  })

  it('only ever says smuggling then trafficking for a smuggled entry', () => {
    // The old inference read a debt and a disputed age as a smuggled entry.
    const outcome = run({
      ...labour,
      age: null,
      age_disputed: true,
      claimed_age: 16,
      travel_arranged: true,
      travel_into_uk: true,
      relationship_ended_on_arrival: false,
    })
    expect(outcome.smuggling_or_trafficking).toBe('TRAFFICKING')
  })
})

describe('MSA s1 and s2 are each decided on their own elements', () => {
  it.each([
    [
      'trafficked for forced labour',
      {
        travel_arranged: true,
        travel_within_uk: true,
        exploitation_purpose: 'forced labour on a farm',
        means_used: ['threats'],
      },
      ['s1', 's2'],
    ],
    [
      'trafficked for sexual exploitation',
      {
        travel_arranged: true,
        travel_within_uk: true,
        exploitation_purpose: 'sexual exploitation',
        means_used: ['threats'],
      },
      ['s2'],
    ],
    [
      'trafficked for labour, no means recorded (s2 needs none)',
      {
        travel_arranged: true,
        travel_within_uk: true,
        exploitation_purpose: 'forced labour on a farm',
        means_used: [],
      },
      ['s2'],
    ],
    [
      'forced labour with no arranged travel',
      { travel_arranged: false, exploitation_purpose: 'forced labour on a farm', means_used: ['document_retention'] },
      ['s1'],
    ],
    [
      'forced labour, whether travel was arranged not known',
      { travel_into_uk: true, exploitation_purpose: 'forced labour on a farm', means_used: ['violence'] },
      ['s1'],
    ],
    [
      'county lines drug running under debt and intimidation, moved between towns',
      {
        travel_arranged: true,
        travel_within_uk: true,
        exploitation_purpose: 'drug supply (county lines)',
        means_used: ['debt_bondage', 'intimidation'],
      },
      ['s1', 's2'],
    ],
    [
      'sexual exploitation with no travel',
      { travel_arranged: false, exploitation_purpose: 'sexual exploitation', means_used: ['threats'] },
      [],
    ],
    [
      'no indicators',
      {
        modern_slavery_indicators_present: false,
        travel_arranged: true,
        travel_within_uk: true,
        exploitation_purpose: 'labour',
        means_used: ['threats'],
      },
      [],
    ],
  ] as const)('%s → %o', (_label, facts, sections) => {
    expect(run({ ...adult, ...facts }).msa_sections).toEqual(sections)
  })

  it('gives a person forced to commit crimes while sexually exploited both types, and the s1 offence for the forced criminality', () => {
    for (const purpose of [
      'forced to commit crimes while being sexually exploited',
      'sexually exploited in a brothel and forced to steal',
      'sexual exploitation and forced criminality (shoplifting)',
    ]) {
      const outcome = run({
        ...adult,
        travel_arranged: true,
        travel_within_uk: true,
        exploitation_purpose: purpose,
        means_used: ['violence'],
      })
      expect([...outcome.exploitation_types].sort(), purpose).toEqual(['CRIMINAL', 'SEXUAL'])
      expect(outcome.msa_sections, purpose).toEqual(['s1', 's2'])
    }
  })

  it('asks whether to add a type the purpose describes when the recorded types leave it out', () => {
    const outcome = run({
      ...adult,
      travel_arranged: false,
      exploitation_types: ['SEXUAL'],
      exploitation_purpose: 'forced to commit crimes while being sexually exploited',
      means_used: ['violence'],
    })
    expect(outcome.exploitation_types).toEqual(['SEXUAL'])
    expect(outcome.missing.join(' ')).toContain('the purpose also describes criminal exploitation')
  })
})

describe('consent not asked is not a refusal', () => {
  const noTravel = { ...adult, travel_arranged: false, exploitation_purpose: 'forced labour', means_used: ['threats'] }

  it.each([
    ['England, police', { location: 'England', encountered_by: 'police' }, 'an anonymised Duty to Notify follows'],
    ['Scotland, police', { location: 'Scotland', encountered_by: 'police' }, 'record it, safeguard them'],
    ['England, charity', { location: 'England', encountered_by: 'ngo' }, 'record it, safeguard them'],
  ] as const)('%s: asks for consent to be sought, never the Duty to Notify', (_label, where, ifDeclined) => {
    const outcome = run({ ...noTravel, ...where, consent_given: null })
    expect(outcome.route).toBe('UNDETERMINED')
    expect(outcome.deciding_rule).toBe('R03')
    expect(outcome.missing).toContain(
      'consent_given: ask them for informed consent to an NRM referral (not asked is not a refusal)',
    )
    expect(outcome.additional_actions[0]).toMatch(/^seek their informed consent/)
    expect(explained(outcome)).toContain(`if they decline, ${ifDeclined}`)
  })

  it('gives the Duty to Notify only for an adult who declined', () => {
    expect(run({ ...noTravel, consent_given: false }).route).toBe('DUTY_TO_NOTIFY')
    expect(run({ ...noTravel, consent_given: true }).route).toBe('NRM')
  })
})

describe('one child status for the whole outcome', () => {
  const base = {
    ...adult,
    consent_given: null,
    travel_arranged: false,
    exploitation_purpose: 'forced labour',
    means_used: ['threats'],
  }
  it.each([
    ['child', { age: 15 }, 'child'],
    ['assessed as a child', { age: null, age_assessment_outcome: 'assessed_child' }, 'assessed_child'],
    ['age disputed, says 16', { age: null, age_disputed: true, claimed_age: 16 }, 'presumed_child'],
    ['adult', { age: 30 }, 'adult'],
    [
      'assessed as an adult',
      { age: 23, age_disputed: true, claimed_age: 17, age_assessment_outcome: 'assessed_adult' },
      'assessed_adult',
    ],
    ['age not known', { age: null }, 'unknown'],
    ['nobody identified', { age: null, identified_individual: false }, 'no_identified_person'],
  ] as const)('%s → %s, and neither the headline nor any rule shown contradicts the table', (_label, facts, status) => {
    const outcome = run({ ...base, ...facts })
    expect(outcome.child_status).toBe(status)
    expect(outcome.is_child).toBe(isChildStatus(status))
    const shown = [
      ruleTitle(outcome.deciding_rule, outcome.child_status),
      ...outcome.supporting_rules.map((id) => ruleTitle(id, outcome.child_status)),
    ].join(' ')
    if (!outcome.is_child) {
      expect(shown).not.toContain(RULES.R02.title)
      expect(shown).not.toContain(RULES.R01.title)
      expect(CHILD_STATUS_LABELS[status]).toMatch(/^(No|Not)/)
    } else {
      expect(CHILD_STATUS_LABELS[status]).toMatch(/^Yes/)
    }
  })

  it('labels every status', () => {
    for (const status of CHILD_STATUSES) expect(CHILD_STATUS_LABELS[status]).toBeTruthy()
  })

  it('shows an adult exploited as a child with the child rule read as history, not as treated as a child now', () => {
    const outcome = run({ ...base, age: 20, consent_given: true, exploited_as_child: true })
    expect(outcome.deciding_rule).toBe('R19')
    expect(outcome.supporting_rules).toContain('R01')
    expect(ruleTitle('R01', outcome.child_status)).toContain('they are not treated as a child now')
  })
})
