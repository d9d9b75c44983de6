import { createHash } from 'node:crypto'
import { parsePhoneNumberFromString } from 'libphonenumber-js'

/**
 * Object identifiers normalised so the same phone, vehicle or account is one record however it was typed:
 * phones to E.164 (UK numbers by default), vehicle registrations upper case without spaces, bank accounts
 * matched by a hash and shown masked, emails lower case.
 */
export type ObjectKind = 'phone' | 'vehicle' | 'bank-account' | 'online-account' | 'email' | 'deal-line'

export const OBJECT_KINDS: Record<ObjectKind, string> = {
  phone: 'Phone',
  vehicle: 'Vehicle',
  'bank-account': 'Bank account',
  'online-account': 'Online account',
  email: 'Email address',
  'deal-line': 'Deal line (County Lines)',
}

/**
 * `note`, when present, says why a value was kept although it is not a well-formed identifier (a phone number
 * outside the numbering plan, or a partial one): it is intelligence as written, flagged, never refused.
 */
export type Normalised = { ok: true; value: string; display: string; note?: string } | { ok: false; message: string }

export const PHONE_NOTES = {
  unallocated: 'Not a number in use: a drama or unallocated range, or a mistyped number',
  partial: 'Partial or unrecognised number, kept as written',
} as const

/**
 * A phone number as a detective writes it down. A number in the numbering plan is kept in E.164; one of the
 * right shape but not in use (Ofcom drama ranges, unallocated blocks) is kept in E.164 too, flagged; anything
 * else with at least four digits (a partial number, a foreign number without its country code) is kept as its
 * digits, flagged, so that it can still be searched and linked. Only text with too few digits is refused.
 */
function phone(raw: string): Normalised {
  const parsed = parsePhoneNumberFromString(raw, 'GB')
  const display = (p: NonNullable<typeof parsed>) =>
    p.country === 'GB' || (!p.country && p.countryCallingCode === '44') ? p.formatNational() : p.formatInternational()
  if (parsed?.isValid()) return { ok: true, value: parsed.number, display: display(parsed) }
  // libphonenumber calls many fragments "possible"; a UK number is whole only with its trunk 0 (or +44) and 9 or
  // 10 digits after it, and a foreign one only when written with its country code.
  const whole =
    parsed?.countryCallingCode === '44'
      ? /^(0|\+44|0044)/.test(raw.replace(/[^\d+]/g, '')) && [9, 10].includes(parsed.nationalNumber.length)
      : raw.trim().startsWith('+') || raw.trim().startsWith('00')
  if (parsed?.isPossible() && whole)
    return { ok: true, value: parsed.number, display: display(parsed), note: PHONE_NOTES.unallocated }
  const digits = raw.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '')
  if (digits.replace('+', '').length < 4)
    return {
      ok: false,
      message: 'Enter the phone number, or at least 4 of its digits, like 07123 456789 or +40 721 234 567',
    }
  return {
    ok: true,
    value: `partial:${digits}`,
    display: raw.replace(/\s+/g, ' ').slice(0, 40),
    note: PHONE_NOTES.partial,
  }
}

export function normaliseIdentifier(kind: ObjectKind, input: string): Normalised {
  const raw = input.trim()
  if (!raw) return { ok: false, message: `Enter the ${OBJECT_KINDS[kind].toLowerCase()}` }
  switch (kind) {
    case 'phone':
    case 'deal-line':
      return phone(raw)
    case 'vehicle': {
      const vrm = raw.toUpperCase().replace(/[\s-]/g, '')
      if (!/^[A-Z0-9]{2,10}$/.test(vrm))
        return { ok: false, message: 'Enter a vehicle registration of letters and numbers, like AB12 CDE' }
      const display = /^[A-Z]{2}\d{2}[A-Z]{3}$/.test(vrm) ? `${vrm.slice(0, 4)} ${vrm.slice(4)}` : vrm
      return { ok: true, value: vrm, display }
    }
    case 'bank-account': {
      const digits = raw.replace(/[\s-]/g, '')
      const uk = /^(\d{6})(\d{8})$/.exec(digits)
      const iban = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(digits.toUpperCase())
      if (!uk && !iban) return { ok: false, message: 'Enter a sort code and account number (14 digits) or an IBAN' }
      const canonical = digits.toUpperCase()
      // Matched by hash, shown masked: the full number is not kept in Lantern.
      return {
        ok: true,
        value: createHash('sha256').update(canonical).digest('hex'),
        display: `•••• ${canonical.slice(-4)}`,
      }
    }
    case 'email': {
      const email = raw.toLowerCase()
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
        return { ok: false, message: 'Enter an email address in the correct format, like name@example.com' }
      return { ok: true, value: email, display: email }
    }
    case 'online-account': {
      if (raw.length > 200) return { ok: false, message: 'Online account must be 200 characters or fewer' }
      return { ok: true, value: raw.toLowerCase(), display: raw }
    }
  }
}
