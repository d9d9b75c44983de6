import { describe, expect, it } from 'vitest'
import { evidenceInWords, presentExplanation } from './matching.presenter.ts'

describe('a match explained in words', () => {
  it.each([
    [6.2, 'Strong sign they are the same person'],
    [1.5, 'Points to the same person'],
    [0, 'Says little either way'],
    [-2, 'Points to different people'],
    [-7.5, 'Strong sign they are different people'],
  ])('says what a weight of %d means', (weight, words) => {
    expect(evidenceInWords(weight)).toBe(words)
  })

  it('names each field and its agreement in words, with the weight only beside them', () => {
    const [row] = presentExplanation([
      { field: 'birthPlace', agreement: 'disagree', weight: -3.2, label: 'Different places' } as never,
    ])
    expect(row).toMatchObject({
      fieldLabel: 'Place of birth',
      agreementLabel: 'Disagreed',
      evidenceText: 'Points to different people',
      weightText: '−3.2',
    })
  })
})
