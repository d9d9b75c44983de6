import { describe, expect, it } from 'vitest'
import { deriveUrgency, urgencyReasonText, type UrgencyFacts } from './referral.urgency.ts'

const received = new Date('2026-03-04T10:00:00Z')
const victim = (over: Partial<UrgencyFacts['people'][number]> = {}) => ({
  role: 'potential-victim',
  dateOfBirth: null,
  approximateAge: null,
  ageDisputed: false,
  ...over,
})
const facts = (over: Partial<UrgencyFacts> = {}): UrgencyFacts => ({
  receivedAt: received,
  people: [],
  indicators: [],
  summary: 'Men seen at a car wash.',
  ...over,
})

describe('deriveUrgency', () => {
  it.each([
    ['nothing urgent', facts({ people: [victim({ approximateAge: 30 })] }), []],
    [
      'a child by date of birth (15 on the day received)',
      facts({ people: [victim({ dateOfBirth: '2010-06-01' })] }),
      ['child'],
    ],
    ['18 on the day received is not a child', facts({ people: [victim({ dateOfBirth: '2008-03-04' })] }), []],
    [
      '17 the day before their 18th birthday is a child',
      facts({ people: [victim({ dateOfBirth: '2008-03-05' })] }),
      ['child'],
    ],
    ['looked about 16: possibly a child', facts({ people: [victim({ approximateAge: 16 })] }), ['possibly-child']],
    [
      'says 19 but age disputed: possibly a child',
      facts({ people: [victim({ approximateAge: 19, ageDisputed: true })] }),
      ['possibly-child'],
    ],
    [
      'age unknown and disputed: possibly a child',
      facts({ people: [victim({ ageDisputed: true })] }),
      ['possibly-child'],
    ],
    [
      'a child suspect does not make it urgent',
      facts({ people: [victim({ role: 'suspected-exploiter', approximateAge: 16 })] }),
      [],
    ],
    ['age unknown but looks young (indicator)', facts({ indicators: ['looks-young'] }), ['looks-young']],
    [
      'looks young is not repeated beside a child',
      facts({ people: [victim({ dateOfBirth: '2012-01-01' })], indicators: ['looks-young'] }),
      ['child'],
    ],
    ['still happening (indicator)', facts({ indicators: ['ongoing'] }), ['ongoing']],
    [
      'injury, threats, no safe place (indicators), in a fixed order',
      facts({ indicators: ['no-safe-place', 'threats', 'injury'] }),
      ['injury', 'threats', 'no-safe-place'],
    ],
    [
      'the public report’s "Still happening: yes."',
      facts({ summary: 'When: today. Still happening: yes.' }),
      ['ongoing'],
    ],
    ['the public report’s "Still happening: no."', facts({ summary: 'When: today. Still happening: no.' }), []],
    [
      'the public report’s "Still happening: does not know."',
      facts({ summary: 'Still happening: does not know.' }),
      [],
    ],
    ['an injury in words', facts({ summary: 'He had an untreated hand injury.' }), ['injury']],
    ['"no injuries" is not an injury', facts({ summary: 'No injuries were seen.' }), []],
    ['threatened in words', facts({ summary: 'She said the boss threatened her family.' }), ['threats']],
    ['nowhere to stay tonight in words', facts({ summary: 'He has nowhere to sleep tonight.' }), ['no-safe-place']],
    [
      'looked about 16 in words',
      facts({ summary: 'The girl looked about 16 and is still happening now.' }),
      ['looks-young', 'ongoing'],
    ],
    ['a 15-year-old in words', facts({ summary: 'A 15-year-old was stopped on a train.' }), ['looks-young']],
  ] as const)('%s', (_, input, expected) => {
    const result = deriveUrgency(input)
    expect(result.reasons).toEqual(expected)
    expect(result.urgent).toBe(expected.length > 0)
  })

  it('says each reason in words', () => {
    expect(urgencyReasonText('possibly-child')).toBe('Possibly a child')
    expect(urgencyReasonText('no-safe-place')).toBe('No safe place tonight')
  })
})
