import { describe, expect, it } from 'vitest'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordLength, passwordProblem } from './password-policy.ts'
import { generatePassword } from './password.ts'

const priya = { email: 'priya.shah@force.police.uk', displayName: 'DC Priya Shah' }

describe('password rules (NCSC guidance)', () => {
  it('needs at least 12 characters, counted as a person counts them, and allows long passphrases up to 256', () => {
    expect(passwordProblem('')).toBe('Enter a password')
    expect(passwordProblem('kestrel-fen')).toBe(`Password must be ${PASSWORD_MIN_LENGTH} characters or more`)
    // Eleven characters, one of them an emoji made of two UTF-16 units: still too short.
    expect(passwordLength('heron-fen-🦉x')).toBe(12)
    expect(passwordProblem('heron-fen-🦉')).toBe('Password must be 12 characters or more')
    const passphrase = 'the quiet heron waits by the frozen canal until the barge bells ring at dusk '
      .repeat(4)
      .slice(0, PASSWORD_MAX_LENGTH)
    expect(passwordProblem(passphrase)).toBeNull()
    expect(passwordProblem(passphrase + 'x')).toBe(`Password must be ${PASSWORD_MAX_LENGTH} characters or fewer`)
    expect(passwordProblem('short', {}, 'New password')).toBe('New password must be 12 characters or more')
  })

  it('has no composition rules: three random words in lower case are fine', () => {
    for (const ok of [
      'correct-horse-battery-staple',
      'purple monkey dishwasher',
      'toastlighthousecarpet',
      'cafécaféstory42',
    ])
      expect(passwordProblem(ok, priya), ok).toBeNull()
  })

  it('blocks passwords on the common-password list, also padded with digits and symbols', () => {
    for (const common of [
      'password1234',
      'qwertyuiop123',
      '1q2w3e4r5t6y',
      'Password123456',
      'iloveyou!!!!!!',
      'sunshine2024!!',
    ]) {
      expect(passwordProblem(common, priya), common).toMatch(/too common/)
    }
  })

  it('blocks passwords built on the service name or the user’s own email and name', () => {
    expect(passwordProblem('priya.shah2024', priya)).toMatch(
      /must not be based on the name of this service or your email address/,
    )
    expect(passwordProblem('Priya-Shah-1990!', priya)).toMatch(/must not be based/)
    expect(passwordProblem('LanternLantern99', priya)).toMatch(/must not be based|too common|too easy/)
    // The same words with enough of the user's own around them are allowed.
    expect(passwordProblem('lantern-heron-fern-comet-12', priya)).toBeNull()
  })

  it('blocks repeats, sequences and keyboard patterns', () => {
    for (const weak of ['aaaaaaaaaaaa', 'abcdefghijkl', '123456789012', 'zxcvbnmasdfg'])
      expect(passwordProblem(weak, priya), weak).not.toBeNull()
  })

  it('accepts every generated password (the CLI and the admin page hand them out)', () => {
    for (let i = 0; i < 40; i++) {
      const generated = generatePassword()
      expect(passwordProblem(generated, priya), generated).toBeNull()
    }
  })
})
