import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { anonymise, CTDC_COLUMNS, NOT_RELEASED, toCtdcRow, type VictimRecord } from './ctdc-export.ts'

const QI_COLUMNS = ['yearOfRegistration', 'gender', 'ageBroad', 'citizenship', 'typeOfExploitConcatenated'] as const

const victim: fc.Arbitrary<VictimRecord> = fc.record({
  yearOfRegistration: fc.integer({ min: 2019, max: 2026 }),
  gender: fc.constantFrom('female', 'male', 'other', 'not-known'),
  age: fc.option(fc.integer({ min: 0, max: 80 }), { nil: null }),
  citizenship: fc.option(fc.constantFrom('GB', 'AL', 'VN', 'ER', 'SD', 'RO', 'PL', 'NG', 'CN', 'IN', 'stateless'), {
    nil: null,
  }),
  exploitationTypes: fc.subarray([
    'labour',
    'sexual',
    'criminal',
    'domestic-servitude',
    'organ-harvesting',
    'not-specified',
  ]),
  meansOfControl: fc.option(fc.subarray(['violence', 'debt_bondage', 'deception', 'document_retention', 'isolation']), {
    nil: null,
  }),
})

function groupSizes(rows: Record<string, string>[]): number[] {
  const sizes = new Map<string, number>()
  for (const row of rows) {
    const key = QI_COLUMNS.map((c) => row[c]).join('|')
    sizes.set(key, (sizes.get(key) ?? 0) + 1)
  }
  return [...sizes.values()]
}

describe('CTDC export rows', () => {
  it('maps a victim to the CTDC columns, with unknown means of control when none were recorded', () => {
    const row = toCtdcRow(
      {
        yearOfRegistration: 2025,
        gender: 'female',
        age: 19,
        citizenship: 'AL',
        exploitationTypes: ['sexual'],
        meansOfControl: null,
      },
      [0, 0, 0, 0, 0],
    )
    expect(Object.keys(row).sort()).toEqual([...CTDC_COLUMNS].sort())
    expect(row).toMatchObject({
      yearOfRegistration: '2025',
      gender: 'Female',
      ageBroad: '18--20',
      citizenship: 'AL',
      isSexualExploit: '1',
      isForcedLabour: '0',
      typeOfExploitConcatenated: 'Sexual exploitation',
      meansOfControlDebtBondage: 'unknown',
    })
    const screened = toCtdcRow(
      {
        yearOfRegistration: 2025,
        gender: 'male',
        age: 15,
        citizenship: 'GB',
        exploitationTypes: ['criminal', 'labour'],
        meansOfControl: ['debt_bondage', 'violence'],
      },
      [1, 0, 2, 2, 1],
    )
    expect(screened).toMatchObject({
      yearOfRegistration: '2024--2025',
      ageBroad: 'Minor',
      citizenship: 'Europe',
      typeOfExploitConcatenated: 'More than one type',
      isOtherExploit: 'unknown',
      meansOfControlDebtBondage: '1',
      meansOfControlPhysicalAbuse: '1',
      meansOfControlThreats: '0',
      meansOfControlNotSpecified: '0',
    })
  })

  it('carries the structured victim context: control with the screening’s, the recruiter’s relationship, labour sectors and kinds of sexual exploitation', () => {
    const context = {
      recruitment: ['intimate-partner'],
      controls: ['documents-withheld', 'excessive-hours'],
      sectors: ['textiles'],
      sexualTypes: ['pop-up'],
    }
    const row = toCtdcRow(
      {
        yearOfRegistration: 2025,
        gender: 'female',
        age: 30,
        citizenship: 'AL',
        exploitationTypes: ['labour'],
        meansOfControl: null,
        context,
      },
      [0, 0, 0, 0, 0],
    )
    expect(row).toMatchObject({
      meansOfControlWithholdsDocuments: '1',
      meansOfControlOther: '1',
      meansOfControlDebtBondage: '0',
      meansOfControlNotSpecified: '0',
      recruiterRelationIntimatePartner: '1',
      recruiterRelationUnknown: '0',
      isAbduction: '0',
      typeOfLabourManufacturing: '1',
      typeOfLabourAgriculture: '0',
      typeOfSexProstitution: 'unknown',
    })
    // A type column not released (more than one type) releases no sector either.
    const hidden = toCtdcRow(
      {
        yearOfRegistration: 2025,
        gender: 'female',
        age: 30,
        citizenship: 'AL',
        exploitationTypes: ['labour', 'sexual'],
        meansOfControl: ['violence'],
        context,
      },
      [0, 0, 0, 0, 1],
    )
    expect(hidden).toMatchObject({
      typeOfLabourManufacturing: 'unknown',
      typeOfSexProstitution: 'unknown',
      meansOfControlPhysicalAbuse: '1',
      meansOfControlWithholdsDocuments: '1',
    })
    const none = toCtdcRow(
      {
        yearOfRegistration: 2025,
        gender: 'male',
        age: 30,
        citizenship: 'AL',
        exploitationTypes: ['labour'],
        meansOfControl: null,
      },
      [0, 0, 0, 0, 0],
    )
    expect(none).toMatchObject({
      recruiterRelationUnknown: '1',
      isAbduction: 'unknown',
      meansOfControlThreats: 'unknown',
      typeOfLabourNotSpecified: '1',
    })
  })

  it('releases as recorded when every group is already large enough', () => {
    const records: VictimRecord[] = Array.from({ length: 30 }, () => ({
      yearOfRegistration: 2025,
      gender: 'male',
      age: 25,
      citizenship: 'VN',
      exploitationTypes: ['criminal'],
      meansOfControl: [],
    }))
    const release = anonymise(records, { k: 10 })
    expect(release.levels).toEqual([0, 0, 0, 0, 0])
    expect(release.suppressedRows).toBe(0)
    expect(release.generalised.every((g) => !g.changed)).toBe(true)
  })

  it('generalises before it suppresses, and says what it did', () => {
    // Six Albanian women in their twenties and six Greek women in their forties: no group reaches 10 until
    // citizenship becomes the sub-region (Southern Europe) and age becomes adult, and none may be withheld.
    const make = (citizenship: string, age: number): VictimRecord => ({
      yearOfRegistration: 2024,
      gender: 'female',
      age,
      citizenship,
      exploitationTypes: ['sexual'],
      meansOfControl: null,
    })
    const records = [
      ...Array.from({ length: 6 }, (_, i) => make('AL', 20 + i)),
      ...Array.from({ length: 6 }, (_, i) => make('GR', 40 + i)),
    ]
    const release = anonymise(records, { k: 10 })
    expect(release.suppressedRows).toBe(0)
    expect(release.rows).toHaveLength(12)
    expect(release.generalised.find((g) => g.name === 'citizenship')!.changed).toBe(true)
    expect(release.generalised.find((g) => g.name === 'age band')!.changed).toBe(true)
    expect(new Set(release.rows.map((r) => r.citizenship))).toEqual(new Set(['Southern Europe']))
  })

  it('releases nothing when there are fewer than k victims', () => {
    const records: VictimRecord[] = Array.from({ length: 4 }, () => ({
      yearOfRegistration: 2025,
      gender: 'male',
      age: 25,
      citizenship: 'VN',
      exploitationTypes: ['criminal'],
      meansOfControl: [],
    }))
    const release = anonymise(records, { k: 10 })
    expect(release.rows).toHaveLength(0)
    expect(release.suppressedRows).toBe(4)
  })

  it('property: every released combination of quasi-identifiers has at least k rows', () => {
    fc.assert(
      fc.property(fc.array(victim, { maxLength: 200 }), fc.constantFrom(2, 5, 10), (records, k) => {
        const release = anonymise(records, { k })
        for (const size of groupSizes(release.rows)) expect(size).toBeGreaterThanOrEqual(k)
        expect(release.rows.length + release.suppressedRows).toBe(records.length)
        // Suppression stays within the allowed share unless nothing could be released at all.
        if (records.length >= k) expect(release.suppressedRows).toBeLessThanOrEqual(Math.floor(records.length * 0.05))
        // A type flag never says more than the released type column.
        for (const row of release.rows)
          if (row.typeOfExploitConcatenated === NOT_RELEASED) expect(row.isSexualExploit).toBe('unknown')
      }),
      { numRuns: 150 },
    )
  })
})

describe('means of control recorded outside the screening’s list', () => {
  it('counts synonyms as the legal means they are, and unrecognised words as other means, never dropping them', () => {
    const row = toCtdcRow(
      {
        yearOfRegistration: 2025,
        gender: 'male',
        age: 25,
        citizenship: 'GB',
        exploitationTypes: ['criminal'],
        meansOfControl: ['beatings', 'payment_inducement', 'ransom'],
      },
      [0, 0, 0, 0, 0],
    )
    expect(row).toMatchObject({
      meansOfControlPhysicalAbuse: '1',
      meansOfControlOther: '1',
      meansOfControlThreats: '0',
      meansOfControlNotSpecified: '0',
    })
  })
})
