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

export type Normalised = { ok: true; value: string; display: string } | { ok: false; message: string }

function phone(raw: string): Normalised {
  const parsed = parsePhoneNumberFromString(raw, 'GB')
  if (!parsed || !parsed.isValid()) return { ok: false, message: 'Enter a real phone number, like 07123 456789 or +40 721 234 567' }
  return { ok: true, value: parsed.number, display: parsed.country === 'GB' ? parsed.formatNational() : parsed.formatInternational() }
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
      if (!/^[A-Z0-9]{2,10}$/.test(vrm)) return { ok: false, message: 'Enter a vehicle registration of letters and numbers, like AB12 CDE' }
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
      return { ok: true, value: createHash('sha256').update(canonical).digest('hex'), display: `•••• ${canonical.slice(-4)}` }
    }
    case 'email': {
      const email = raw.toLowerCase()
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return { ok: false, message: 'Enter an email address in the correct format, like name@example.com' }
      return { ok: true, value: email, display: email }
    }
    case 'online-account': {
      if (raw.length > 200) return { ok: false, message: 'Online account must be 200 characters or fewer' }
      return { ok: true, value: raw.toLowerCase(), display: raw }
    }
  }
}
