import { createHash, randomInt } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'

/**
 * Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps), the defaults every
 * authenticator app understands, and one-time recovery codes for a lost phone.
 */
export const TOTP_PERIOD_SECONDS = 30
const DIGITS = 6

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

function totp(secret: string, label = 'Lantern'): TOTP {
  return new TOTP({
    issuer: 'Lantern',
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  })
}

/** The time step a moment falls in. */
export function totpStep(timestamp = Date.now()): number {
  return Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS)
}

/** The code for a moment: what an authenticator app shows (used by the tests and `npx lantern totp`). */
export function totpCode(secret: string, timestamp = Date.now()): string {
  return totp(secret).generate({ timestamp })
}

/**
 * The time step a code belongs to, if it is right within one step either side of now (a phone's clock drifts,
 * and a code typed at the end of its 30 seconds arrives in the next); otherwise null.
 */
export function matchTotp(secret: string, code: string, timestamp = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null
  const delta = totp(secret).validate({ token: code, timestamp, window: 1 })
  return delta === null ? null : totpStep(timestamp) + delta
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function totpUri(secret: string, email: string): string {
  return totp(secret, email).toString()
}

/** The QR code as inline SVG, labelled for screen readers (the secret is also shown as text to type in). */
export async function totpQrSvg(secret: string, email: string): Promise<string> {
  const svg = await QRCode.toString(totpUri(secret, email), { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
  return svg.replace(
    '<svg ',
    '<svg role="img" aria-label="QR code for your authenticator app" width="200" height="200" focusable="false" ',
  )
}

/** The secret in groups of four, easier to type into an app by hand. */
export function formatSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim()
}

// No 0/O, 1/I/L: recovery codes are read off paper.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
export const RECOVERY_CODE_COUNT = 10

/** Ten codes like "k7xm-3qpa-wt9d" (about 70 bits each), shown once and stored only as hashes. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)])
    return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`
  })
}

/** Spaces, hyphens and case do not matter when a recovery code is typed back. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '')
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256')
    .update(`lantern-recovery:${normaliseRecoveryCode(code)}`)
    .digest('hex')
}

export function looksLikeRecoveryCode(code: string): boolean {
  const normalised = normaliseRecoveryCode(code)
  return normalised.length === 12 && [...normalised].every((c) => RECOVERY_ALPHABET.includes(c))
}
