import { describe, expect, it } from 'vitest'
import { comparePeople, newPairComparison } from './comparisons.ts'
import { MatchModel, defaultParameters, probabilityFromWeight } from './match-model.ts'
import { preparePerson, type PersonInput } from './person-record.ts'
import { TermFrequencies } from './term-frequencies.ts'

const base: PersonInput = {
  id: 'a',
  givenName: 'Andreea',
  familyName: 'Popescu',
  dateOfBirth: '1994-03-07',
  sex: 'F',
  phones: ['07123 456789'],
  postcode: 'LS9 7AB',
  addressLines: ['12 Station Road'],
  town: 'Leeds',
}

function explain(a: PersonInput, b: PersonInput, model = new MatchModel(), tf: TermFrequencies | null = null) {
  const pair = comparePeople(preparePerson(a), preparePerson(b), newPairComparison())
  return { ...model.score(pair, tf), explanation: model.explain(pair, tf) }
}

const field = (result: ReturnType<typeof explain>, name: string) => result.explanation.find((e) => e.field === name)!

describe('the scorer explains each field', () => {
  it('says in plain English that day and month were swapped, and counts it for the match', () => {
    const result = explain(base, { ...base, id: 'b', dateOfBirth: '1994-07-03' })
    expect(field(result, 'dateOfBirth')).toMatchObject({
      level: 'swapped',
      label: 'date of birth: day and month swapped',
      agreement: 'partial',
    })
    expect(field(result, 'dateOfBirth').weight).toBeGreaterThan(0)
  })

  it('explains names written in the other order, a nickname-free transliteration and a postcode sector', () => {
    const result = explain(base, { ...base, id: 'b', givenName: 'Popescu', familyName: 'Andreea', postcode: 'LS9 7XY' })
    expect(field(result, 'givenName')).toMatchObject({ level: 'exact', agreement: 'agree' })
    expect(field(result, 'givenName').label).toContain('other order')
    expect(field(result, 'postcode')).toMatchObject({
      level: 'sector',
      label: 'postcode: same sector',
      agreement: 'partial',
    })
  })

  it('marks fields missing on either record as missing, with no weight', () => {
    const result = explain(base, { id: 'b', givenName: 'Andreea', familyName: 'Popescu' })
    for (const name of ['dateOfBirth', 'phone', 'postcode', 'address', 'email']) {
      expect(field(result, name)).toMatchObject({ agreement: 'missing', weight: 0 })
    }
  })

  it('counts a date of birth decades apart against the match', () => {
    const result = explain(base, { ...base, id: 'b', dateOfBirth: '1961-11-30' })
    expect(field(result, 'dateOfBirth')).toMatchObject({ level: 'different', agreement: 'disagree' })
    expect(field(result, 'dateOfBirth').weight).toBeLessThan(-3)
  })

  it('adds up: prior plus the field weights is the match weight, and the probability follows from it', () => {
    const model = new MatchModel()
    const result = explain(base, { ...base, id: 'b', givenName: 'Andrea', phones: [] }, model)
    const sum = model.priorWeight + result.explanation.reduce((s, e) => s + e.weight, 0)
    expect(result.weight).toBeCloseTo(sum, 1)
    expect(result.probability).toBeCloseTo(probabilityFromWeight(result.weight), 10)
  })

  it('ranks the same person above a namesake and a stranger', () => {
    const same = explain(base, {
      ...base,
      id: 'b',
      givenName: 'Andreea',
      familyName: 'Popescu',
      phones: ['+44 7123 456789'],
    })
    const namesake = explain(base, {
      id: 'c',
      givenName: 'Andreea',
      familyName: 'Popescu',
      dateOfBirth: '1971-01-20',
      postcode: 'B6 4QQ',
    })
    const stranger = explain(base, { id: 'd', givenName: 'Thi Lan', familyName: 'Nguyen', dateOfBirth: '1988-10-02' })
    expect(same.probability).toBeGreaterThan(0.99)
    expect(namesake.probability).toBeLessThan(0.5)
    expect(stranger.weight).toBeLessThan(namesake.weight)
  })

  it('gives agreement on a common surname less weight than on a rare one', () => {
    const tf = new TermFrequencies()
    for (let i = 0; i < 4000; i++)
      tf.add(preparePerson({ id: `n${i}`, givenName: 'X', familyName: i < 1000 ? 'Nguyen' : `Rare${i}` }))
    tf.add(preparePerson({ id: 'w', familyName: 'Wisniewski' }))
    const common = explain(
      { id: 'a', givenName: 'Lan', familyName: 'Nguyen' },
      { id: 'b', givenName: 'Mai', familyName: 'Nguyen' },
      new MatchModel(),
      tf,
    )
    const rare = explain(
      { id: 'a', givenName: 'Lan', familyName: 'Wiśniewski' },
      { id: 'b', givenName: 'Mai', familyName: 'Wisniewski' },
      new MatchModel(),
      tf,
    )
    expect(field(rare, 'familyName').weight).toBeGreaterThan(field(common, 'familyName').weight + 4)
  })

  it('counts an exact date of birth that only the two records compared hold as no commoner than the average date', () => {
    // 2,000 people, nearly every one born on a day of their own: a date shared by two records is as rare as dates
    // go here. The two records compared hold it by construction, which must not make it look commoner than the
    // average date (it did: three times commoner, nearly two bits less than the level's own weight).
    const tf = new TermFrequencies()
    for (let i = 0; i < 2000; i++)
      tf.add(
        preparePerson({
          id: `n${i}`,
          familyName: `Family${i}`,
          dateOfBirth: { year: 1940 + (i % 60), month: 1 + (i % 12), day: 1 + (i % 28) },
        }),
      )
    const a = { id: 'a', givenName: 'Lan', familyName: 'Nguyen', dateOfBirth: '1962-07-23' }
    const b = { id: 'b', givenName: 'Mai', familyName: 'Tran', dateOfBirth: '1962-07-23' }
    tf.add(preparePerson(a))
    tf.add(preparePerson(b))
    const model = new MatchModel()
    const exact = model.parameters.comparisons[2].levels[0]
    const levelWeight = Math.log2(exact.m / exact.u)
    expect(field(explain(a, b, model, tf), 'dateOfBirth').weight).toBeGreaterThan(levelWeight - 1)
  })

  it('round-trips its parameters through JSON', () => {
    const model = new MatchModel({ ...defaultParameters(), lambda: 0.002 })
    const copy = MatchModel.fromJSON(JSON.stringify(model))
    const other = { ...base, id: 'b', givenName: 'Andrea', dateOfBirth: '1994-03-08' }
    expect(explain(base, other, copy)).toEqual(explain(base, other, model))
  })

  it('refuses parameters that do not fit the comparisons', () => {
    expect(() => new MatchModel({ ...defaultParameters(), comparisons: [] })).toThrow(/does not match/)
  })
})

describe('term frequencies of names written the other way round', () => {
  it('count a swapped name as common when it is common in the other field', () => {
    // Lily is a common given name and Owen a common family name; hardly anyone is recorded as given name
    // Owen or family name Lily. Two strangers, "Lily Owen" and "Owen Lily", share two common names: the swap
    // must not make them rarer, and so stronger evidence, than two records both written "Lily Owen".
    const tf = new TermFrequencies()
    for (let i = 0; i < 200; i++) {
      tf.add(preparePerson({ id: `l${i}`, givenName: 'Lily', familyName: `Family${i}` }))
      tf.add(preparePerson({ id: `o${i}`, givenName: `Given${i}`, familyName: 'Owen' }))
    }
    tf.add(preparePerson({ id: 'x', givenName: 'Owen', familyName: 'Lily' }))
    const names = (result: ReturnType<typeof explain>) =>
      field(result, 'givenName').weight + field(result, 'familyName').weight
    const straight = explain(
      { id: 'a', givenName: 'Lily', familyName: 'Owen' },
      { id: 'b', givenName: 'Lily', familyName: 'Owen' },
      new MatchModel(),
      tf,
    )
    // Either record first: the score of a pair must not depend on which record is asked about.
    const swapped = explain(
      { id: 'a', givenName: 'Owen', familyName: 'Lily' },
      { id: 'b', givenName: 'Lily', familyName: 'Owen' },
      new MatchModel(),
      tf,
    )
    const other = explain(
      { id: 'a', givenName: 'Lily', familyName: 'Owen' },
      { id: 'b', givenName: 'Owen', familyName: 'Lily' },
      new MatchModel(),
      tf,
    )
    expect(field(swapped, 'givenName').label).toContain('other order')
    expect(names(swapped)).toBeLessThanOrEqual(names(straight) + 0.01)
    expect(swapped.weight).toBeCloseTo(other.weight, 6)
  })
})
