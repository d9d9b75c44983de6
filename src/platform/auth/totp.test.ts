import { describe, expect, it } from 'vitest'
import {
  hashRecoveryCode,
  looksLikeRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  totpCode,
  totpStep,
  totpUri,
} from './totp.ts'

// RFC 6238 appendix B: the SHA-1 key "12345678901234567890" (base32 below), 8-digit codes; ours are 6 digits,
// the last six of each.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

describe('TOTP', () => {
  it('gives the RFC 6238 test vectors', () => {
    expect(totpCode(RFC_SECRET, 59_000)).toBe('287082')
    expect(totpCode(RFC_SECRET, 1_111_111_109_000)).toBe('081804')
    expect(totpCode(RFC_SECRET, 1_234_567_890_000)).toBe('005924')
    expect(totpCode(RFC_SECRET, 2_000_000_000_000)).toBe('279037')
  })

  it('accepts a code from this step or one either side, and says which step it was', () => {
    const now = 1_700_000_000_000
    const step = totpStep(now)
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now), now)).toBe(step)
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), now)).toBe(step - 1)
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), now)).toBe(step + 1)
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 60_000), now)).toBeNull()
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 60_000), now)).toBeNull()
    expect(matchTotp(RFC_SECRET, 'abcdef', now)).toBeNull()
    expect(matchTotp(RFC_SECRET, '12345', now)).toBeNull()
  })

  it('makes new 160-bit secrets and an otpauth address naming Lantern', () => {
    const secret = newTotpSecret()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(newTotpSecret()).not.toBe(secret)
    expect(totpUri(secret, 'dc@force.police.uk')).toMatch(
      /^otpauth:\/\/totp\/Lantern:dc%40force\.police\.uk\?issuer=Lantern&secret=[A-Z2-7]+&algorithm=SHA1&digits=6&period=30$/,
    )
  })
})

describe('recovery codes', () => {
  it('are ten distinct codes that are easy to read back, matched ignoring case, spaces and hyphens', () => {
    const codes = newRecoveryCodes()
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)
      expect(code).not.toMatch(/[01ilo]/)
      expect(looksLikeRecoveryCode(code.toUpperCase().replace(/-/g, ' '))).toBe(true)
      expect(hashRecoveryCode(code.toUpperCase().replace(/-/g, ' '))).toBe(hashRecoveryCode(code))
    }
    expect(looksLikeRecoveryCode('123456')).toBe(false)
  })
})
