import { describe, expect, it } from 'vitest'
import { normaliseIdentifier, PHONE_NOTES } from './identifiers.ts'
import { normaliseName, scriptOf } from '#src/shared/names.ts'

describe('identifiers', () => {
  it.each([
    ['07123 456789', '+447123456789'],
    ['+44 7123 456789', '+447123456789'],
    ['0044 7123 456 789', '+447123456789'],
    ['+40 721 234 567', '+40721234567'],
  ])('normalises the phone %s to %s', (input, e164) => {
    expect(normaliseIdentifier('phone', input)).toMatchObject({ ok: true, value: e164 })
  })

  it('keeps a number outside the numbering plan (an Ofcom drama range) in E.164, flagged', () => {
    expect(normaliseIdentifier('phone', '07700 900481')).toMatchObject({
      ok: true,
      value: '+447700900481',
      display: '07700 900481',
      note: PHONE_NOTES.unallocated,
    })
  })

  it.each([
    ['0712 345…', 'partial:0712345'],
    ['ends 4567', 'partial:4567'],
    ['721 234 567', 'partial:721234567'],
  ])('keeps the partial or unrecognised number %s as its digits, flagged, never refused', (input, value) => {
    expect(normaliseIdentifier('phone', input)).toMatchObject({ ok: true, value, note: PHONE_NOTES.partial })
  })

  it('refuses only text with fewer than four digits, saying what to enter', () => {
    for (const input of ['123', 'no idea', '+4']) {
      expect(normaliseIdentifier('phone', input)).toMatchObject({
        ok: false,
        message: expect.stringContaining('at least 4 of its digits'),
      })
    }
    expect(normaliseIdentifier('phone', '07123 456789')).not.toHaveProperty('note')
  })

  it('keeps one vehicle however its registration is typed', () => {
    expect(normaliseIdentifier('vehicle', 'ab12 cde')).toEqual({ ok: true, value: 'AB12CDE', display: 'AB12 CDE' })
    expect(normaliseIdentifier('vehicle', 'AB12-CDE')).toMatchObject({ value: 'AB12CDE' })
  })

  it('never keeps a bank account number, only a hash and the last four digits', () => {
    const a = normaliseIdentifier('bank-account', '20-00-00 12345678')
    const b = normaliseIdentifier('bank-account', '200000 12345678')
    expect(a).toEqual(b)
    expect(a).toMatchObject({ ok: true, display: '•••• 5678' })
    if (a.ok) expect(a.value).not.toContain('12345678')
  })
})

describe('names', () => {
  it.each([
    ['Nguyễn Thị Thảo', 'nguyen thi thao', 'Latn'],
    ['Ionuț Popescu', 'ionut popescu', 'Latn'],
    ['Wiśniewski', 'wisniewski', 'Latn'],
    ['محمد عبدالله', 'mhmd bdllh', 'Arab'],
    ['王芳', 'wangfang', 'Hani'],
    ['ተስፋማርያም', 'tesfamaryam', 'Ethi'],
    ["O'Brien-Smith", 'o brien smith', 'Latn'],
  ])('folds %s to %s (%s)', (name, folded, script) => {
    expect(normaliseName(name)).toBe(folded)
    expect(scriptOf(name)).toBe(script)
  })
})
