import type { PreparedPerson } from './person-record.ts'
import { phoneticKey } from './phonetic.ts'

/**
 * Blocking keys: a candidate must share at least one. Several independent keys, so a typo in one field (or
 * a missing date of birth) still leaves others that find the person.
 */
export const KEY_KINDS = [
  {
    code: 'name-sound-year',
    label: 'a name sounds alike (given or family, either way round) and birth year within one',
  },
  { code: 'email-user-sound', label: 'email user name sounds alike' },
  { code: 'name-words', label: 'same name words, in any order' },
  { code: 'name-sound', label: 'given and family names sound alike' },
  { code: 'date-of-birth', label: 'same date of birth (day and month either way round)' },
  { code: 'phone', label: 'same phone number' },
  { code: 'phone-tail', label: 'same last seven phone digits' },
  { code: 'email', label: 'same email address' },
  { code: 'postcode', label: 'same postcode' },
  { code: 'postcode-sector-initial', label: 'same postcode sector and given-name initial' },
  { code: 'address', label: 'same house number and street' },
  { code: 'name-initials-year-month', label: 'same initials and month of birth' },
  { code: 'identity-document', label: 'same identity document number' },
  { code: 'email-user', label: 'same email user name' },
  { code: 'name-sound-town', label: 'a name and the town or place of birth sound alike', broad: true },
  { code: 'town-sound-year', label: 'town or place of birth sounds alike and birth year within one', broad: true },
  { code: 'name-sound-decade-slip', label: 'a name sounds alike, same month and last digit of birth year' },
  {
    code: 'name-start-date-parts',
    label: 'a name starts with the same two letters and two of the three parts of the date of birth agree',
    broad: true,
  },
] as const

export type KeyKind = (typeof KEY_KINDS)[number]['code']

/**
 * Broad keys (a town is shared by many more people than a date of birth) are followed only while they are
 * this much rarer than the usual cap: they find the record whose name and date were both mistyped in a small
 * place, and stay out of the way in a city.
 */
export const BROAD_KEY_SHARE = 0.2

/** Per key kind, the share of the key cap it may reach before it is skipped. */
export const KEY_CAP_SHARE: readonly number[] = KEY_KINDS.map((k) => ('broad' in k && k.broad ? BROAD_KEY_SHARE : 1))

/** Calls `emit(kind, key)` for each blocking key of the person (duplicates are harmless). */
export function forEachBlockingKey(p: PreparedPerson, emit: (kind: number, key: string) => void): void {
  const dob = p.dob
  const year = dob ? dob.year : 0
  // Two overlapping two-year windows instead of the year itself: any two years at most one apart share a
  // window, so a birth year mistyped by one, or a date of birth given as an age a year out, still blocks.
  const w1 = year ? year >> 1 : 0
  const w2 = year ? (year + 1) >> 1 : 0
  for (const n of p.names) {
    // Either name, in either place: a record with only one name, written in the other field, is still found.
    if (year && n.familyPhonetic) {
      emit(0, `${n.familyPhonetic}|${w1}`)
      emit(0, `${n.familyPhonetic}|${w2}+`)
    }
    if (year && n.givenPhonetic) {
      emit(0, `${n.givenPhonetic}|${w1}`)
      emit(0, `${n.givenPhonetic}|${w2}+`)
    }
    // A slip in the decade digit (1973 for 1983) moves the year by ten: the year's last digit and the month
    // survive it, and a name with them is still about one in a hundred and twenty of the people so named.
    if (year && p.dob?.month) {
      const tail = `${year % 10}|${p.dob.month}`
      if (n.familyPhonetic) emit(16, `${n.familyPhonetic}|${tail}`)
      if (n.givenPhonetic) emit(16, `${n.givenPhonetic}|${tail}`)
    }
    if (n.sortedKey) emit(2, n.sortedKey)
    if (n.givenPhonetic && n.familyPhonetic) {
      // Sorted, so the key survives a given/family swap.
      emit(
        3,
        n.givenPhonetic < n.familyPhonetic
          ? `${n.givenPhonetic}|${n.familyPhonetic}`
          : `${n.familyPhonetic}|${n.givenPhonetic}`,
      )
    }
    // A slip in one part of the date and another in the name's sound (a consonant replaced, added or
    // dropped) together defeat every key above. The first two letters of a name usually survive such a
    // slip, and two of the three parts of the date survive a slip in the third. Broad (two letters are
    // shared by many names), so followed only while the key is rare.
    if (dob) {
      const parts: string[] = []
      if (dob.month && dob.day) parts.push(`md${dob.month}|${dob.day}`)
      if (year && dob.day) parts.push(`yd${year}|${dob.day}`)
      if (year && dob.month) parts.push(`ym${year}|${dob.month}`)
      for (const word of [n.givenFirst, n.family]) {
        if (word.length < 2) continue
        const start = word.slice(0, 2)
        for (const part of parts) emit(17, `${start}|${part}`)
      }
    }
    if (p.dob?.month && n.givenFirst && n.family) {
      const a = n.givenFirst[0]
      const b = n.family[0]
      emit(11, `${a < b ? a + b : b + a}|${year}${p.dob.month}`)
    }
  }
  if (dob && dob.month !== null && dob.day !== null) {
    const lo = Math.min(dob.month, dob.day)
    const hi = Math.max(dob.month, dob.day)
    emit(4, `${dob.year}|${lo}|${hi}`)
  }
  for (const phone of p.phones) {
    emit(5, phone.value)
    emit(6, phone.tail)
  }
  for (const email of p.emails) {
    emit(7, email)
    const user = email.slice(0, email.indexOf('@')).replace(/[^a-z0-9]/g, '')
    if (user.length >= 3) {
      emit(13, user)
      // A slip in the user name ("l.feruson46", "l.ferguson46") keeps its sound and its digits.
      const letters = phoneticKey(user.replace(/[0-9]/g, ''))
      if (letters.length >= 3) emit(1, `${letters}|${user.replace(/[^0-9]/g, '')}`)
    }
  }
  // The town lived in and the place of birth are both places a person keeps (census-style records often
  // carry only the birthplace); by sound too, so "Londn" and "Loondon" are London.
  for (const place of p.birthPlace && p.birthPlace !== p.town ? [p.town, p.birthPlace] : [p.town]) {
    if (!place) continue
    const town = phoneticKey(place) || place
    for (const n of p.names) {
      if (n.familyPhonetic) emit(14, `${n.familyPhonetic}|${town}`)
      if (n.givenPhonetic) emit(14, `${n.givenPhonetic}|${town}`)
    }
    if (year) {
      emit(15, `${town}|${w1}`)
      emit(15, `${town}|${w2}+`)
    }
  }

  if (p.postcode) {
    emit(8, p.postcode.value)
    const initial = p.names[0]?.givenFirst[0]
    if (p.postcode.sector && initial) emit(9, `${p.postcode.sector}|${initial}`)
  }
  for (const d of p.documents) emit(12, d)
  if (p.address?.number && p.address.street) emit(10, `${p.address.number}|${phoneticKey(p.address.street)}`)
}

/** FNV-1a over the kind and key: postings are keyed by a 32-bit number, not a string, to fit a national index in memory. */
export function hashKey(kind: number, key: string): number {
  let h = (0x811c9dc5 ^ (kind * 0x9e3779b1)) >>> 0
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  // Signed, so the key stays a small integer for V8 and costs no heap allocation.
  return h | 0
}
