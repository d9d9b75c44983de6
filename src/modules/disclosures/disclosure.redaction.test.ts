import { describe, expect, it } from 'vitest'
import { markKey, markNarrative, marksOf, redactNarrative } from './disclosure.redaction.ts'

const known = {
  subjectNames: ['Marta Okonjo-Reyes'],
  otherNames: ['Dariusz Whitcombe', 'Gary Platt'],
  identifiers: [{ kind: 'vehicle' as const, text: 'YK19 ZXC' }],
}
const text =
  'Marta says Dariusz Whitcombe keeps her at 14 Larch Close, LS6 2QT and Gary drives her in YK19ZXC. ' +
  'Call Whitcombe on 07700 900123 or gary.p@example.com; she is scared of a rose bush.'

describe('marking a narrative for disclosure', () => {
  it('marks other people’s names, whole and in part, their identifiers, and phone, vehicle, postcode, address and email shapes', () => {
    const marks = marksOf(markNarrative(text, known))
    expect(marks.map((m) => [m.kind, m.text])).toEqual([
      ['name', 'Dariusz Whitcombe'],
      ['address', '14 Larch Close'],
      ['postcode', 'LS6 2QT'],
      ['name', 'Gary'],
      ['vehicle', 'YK19ZXC'],
      ['name', 'Whitcombe'],
      ['phone', '07700 900123'],
      ['email', 'gary.p@example.com'],
    ])
  })

  it('never marks the subject’s own name, nor a lower-case word that happens to match part of a name', () => {
    const marks = marksOf(
      markNarrative('Marta Okonjo-Reyes met Rose; a rose was left for Platt.', {
        ...known,
        otherNames: ['Rose Platt'],
      }),
    )
    expect(marks.map((m) => m.text)).toEqual(['Rose', 'Platt'])
  })

  it('withholds every mark by default, recording the kinds withheld but not the words', () => {
    const { text: sent, redactions } = redactNarrative(markNarrative(text, known), new Set())
    for (const secret of ['Dariusz', 'Whitcombe', 'Gary', 'Larch', 'LS6', 'YK19', '07700', 'example.com'])
      expect(sent).not.toContain(secret)
    expect(sent).toContain('Marta says [another person’s name withheld] keeps her at [address withheld]')
    expect(redactions.every((r) => !r.sent && r.text === undefined)).toBe(true)
    expect(redactions.length).toBe(8)
  })

  it('sends only the marks the officer chose, everywhere they appear', () => {
    const { text: sent, redactions } = redactNarrative(
      markNarrative(text, known),
      new Set([markKey('postcode', 'LS6 2QT'), markKey('name', 'whitcombe')]),
    )
    expect(sent).toContain('LS6 2QT')
    expect(sent).toContain('Call Whitcombe on [phone number withheld]')
    expect(sent).not.toContain('Dariusz')
    expect(redactions.filter((r) => r.sent)).toEqual([
      { kind: 'postcode', sent: true, text: 'LS6 2QT' },
      { kind: 'name', sent: true, text: 'Whitcombe' },
    ])
  })

  it('marks names nobody has recorded as possible names, but not the subject, a sentence’s first word or a day', () => {
    const unrecorded =
      'On Monday Marta Okonjo-Reyes said Tomasz Brzezinski took her passport. Then Mr Kowal drove her to work. ' +
      'She was met by a man called Lenny. The Salvation Army found her.'
    const marks = marksOf(markNarrative(unrecorded, known))
    expect(marks.map((m) => [m.kind, m.text])).toEqual([
      ['possibleName', 'Tomasz Brzezinski'],
      ['possibleName', 'Mr Kowal'],
      ['possibleName', 'Lenny'],
      ['possibleName', 'Salvation Army'],
    ])
    const { text: sent } = redactNarrative(markNarrative(unrecorded, known), new Set())
    expect(sent).toContain('On Monday Marta Okonjo-Reyes said [possible name withheld] took her passport.')
    for (const secret of ['Tomasz', 'Brzezinski', 'Kowal', 'Lenny']) expect(sent).not.toContain(secret)
  })

  it('marks a recorded person as a known name, not a possible one, and leaves the known marks as they were', () => {
    const marks = marksOf(markNarrative('Then Gary Platt and Dariusz Whitcombe left.', known))
    expect(marks.map((m) => [m.kind, m.text])).toEqual([
      ['name', 'Gary Platt'],
      ['name', 'Dariusz Whitcombe'],
    ])
  })
})
