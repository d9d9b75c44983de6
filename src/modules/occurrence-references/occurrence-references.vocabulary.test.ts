import { describe, expect, it } from 'vitest'
import { checkReferenceValue, looksLikeReference, normaliseReference } from './occurrence-references.vocabulary.ts'

describe('occurrence references', () => {
  it('normalises a reference to its letters and digits, so any spacing or punctuation finds it', () => {
    expect(normaliseReference('NY-2026-004512')).toBe('NY2026004512')
    expect(normaliseReference(' ny 2026/004512 ')).toBe('NY2026004512')
    expect(normaliseReference('CAD 1234 05/12')).toBe('12340512')
    expect(normaliseReference('cad1234/05-12')).toBe('12340512')
    expect(normaliseReference('Log 1234 05/12')).toBe('12340512')
    expect(normaliseReference('MSH-2026-01234')).toBe('MSH202601234')
    expect(normaliseReference('CAD')).toBe('CAD')
  })

  it('checks a reference as typed', () => {
    expect(checkReferenceValue('NY-2026-004512')).toBeNull()
    expect(checkReferenceValue('  ')).toBe('Enter the reference')
    expect(checkReferenceValue('x'.repeat(61))).toMatch(/60 characters/)
    expect(checkReferenceValue('no number')).toMatch(/include a number/)
    expect(checkReferenceValue('1\n2')).toMatch(/one line/)
    expect(checkReferenceValue('1-')).toMatch(/at least 3/)
  })

  it('looks up only words that could be a reference', () => {
    expect(looksLikeReference('CAD 1234 05/12')).toBe(true)
    expect(looksLikeReference('Anna Smith')).toBe(false)
    expect(looksLikeReference('12')).toBe(false)
  })
})
