import { describe, expect, it } from 'vitest'
import { normaliseIdentifier } from './identifiers.ts'
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

  it('refuses a number that cannot be a phone', () => {
    expect(normaliseIdentifier('phone', '12345')).toMatchObject({ ok: false, message: expect.stringContaining('Enter a real phone number') })
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
