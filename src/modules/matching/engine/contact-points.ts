import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { parse as parsePostcode } from 'postcode'
import { intern, shared } from './intern.ts'

export interface PreparedPhone {
  /** E.164 when the number is valid, else its digits (still worth comparing: typed numbers are often short). */
  readonly value: string
  /** Last seven digits: the same handset written with and without a country code or a trunk 0. */
  readonly tail: string
}

/**
 * The same E.164 form as people/identifiers.ts (UK by default), but checked only for a possible length, not
 * full validity: full validation is for what a user types, costs ~80 µs a number (too slow for a million
 * records), and a number that fails it is still evidence worth comparing.
 */
export function preparePhone(raw: string): PreparedPhone | null {
  const digits = raw.replace(/\D/g, '')
  const fast = fastE164(raw.trim(), digits)
  if (fast) return { value: fast, tail: fast.slice(-7) }
  const parsed = parsePhoneNumberFromString(raw, 'GB')
  if (parsed && parsed.isPossible()) return { value: parsed.number, tail: parsed.number.slice(-7) }
  if (digits.length < 7) return null
  return { value: digits, tail: digits.slice(-7) }
}

// The two shapes nearly every number arrives in, done by hand: libphonenumber's parse dominates indexing.
function fastE164(raw: string, digits: string): string | null {
  if (raw.startsWith('+') || raw.startsWith('00')) {
    let d = raw.startsWith('00') ? digits.slice(2) : digits
    // "+44 (0)7123…": the UK trunk zero written after the country code.
    if (d.startsWith('440')) d = `44${d.slice(3)}`
    return d.length >= 8 && d.length <= 15 && d[0] !== '0' ? `+${d}` : null
  }
  if (/^0[1-9]\d{9}$/.test(digits) && !/[a-z]/i.test(raw)) return `+44${digits.slice(1)}`
  return null
}

/**
 * A postcode with its UK hierarchy (SW1A 1AA → sector SW1A 1, district SW1, area SW), or, for a foreign
 * postcode or ZIP, the bare normalised text compared exactly or with one slip.
 */
export interface PreparedPostcode {
  readonly value: string
  readonly sector: string | null
  readonly district: string | null
  readonly area: string | null
}

const postcodes = new Map<string, PreparedPostcode>()

export function preparePostcode(raw: string | null | undefined): PreparedPostcode | null {
  if (!raw) return null
  const compact = raw.toUpperCase().replace(/[^A-Z0-9]/g, '')
  if (!compact) return null
  return shared(postcodes, compact, () => {
    const parsed = parsePostcode(compact)
    if (parsed.valid)
      return {
        value: parsed.postcode,
        sector: intern(parsed.sector),
        district: intern(parsed.district),
        area: intern(parsed.area),
      }
    return { value: compact, sector: null, district: null, area: null }
  })
}

export function prepareEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase()
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null
}
