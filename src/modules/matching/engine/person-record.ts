import { prepareAddress, prepareTown, type PreparedAddress } from './addresses.ts'
import { parseBirthDate, type BirthDate, type BirthDateInput } from './birth-dates.ts'
import {
  prepareEmail,
  preparePhone,
  preparePostcode,
  type PreparedPhone,
  type PreparedPostcode,
} from './contact-points.ts'
import { EMPTY } from './intern.ts'
import { prepareName, type PreparedName } from './person-names.ts'

/** A person as any source describes them. Everything is optional: referrals are often thin. */
export interface PersonInput {
  id: string
  givenName?: string | null
  familyName?: string | null
  /** The whole name as one string, when the source does not split it. */
  fullName?: string | null
  /** Other names the person is known by (maiden names, aliases, the name in its own script). */
  aliases?: readonly string[]
  /** Country or nationality, a hint for name order (Vietnamese and Chinese names put the family first). */
  nationality?: string | null
  dateOfBirth?: BirthDateInput | null
  sex?: string | null
  phones?: readonly string[]
  emails?: readonly string[]
  postcode?: string | null
  streetNumber?: string | null
  addressLines?: readonly (string | null | undefined)[]
  town?: string | null
  region?: string | null
  birthPlace?: string | null
  /** Passport, national identity, NI or other document numbers. */
  documents?: readonly string[]
}

/** The normalised form the comparators read; built once per record, at ingest. */
export interface PreparedPerson {
  readonly id: string
  readonly names: readonly PreparedName[]
  readonly dob: BirthDate | null
  readonly sex: 'f' | 'm' | null
  readonly phones: readonly PreparedPhone[]
  readonly emails: readonly string[]
  readonly postcode: PreparedPostcode | null
  readonly address: PreparedAddress | null
  readonly town: string
  readonly region: string
  readonly birthPlace: string
  readonly documents: readonly string[]
}

function sexOf(raw: string | null | undefined): 'f' | 'm' | null {
  const s = raw?.trim().toLowerCase()
  if (!s) return null
  if (s === 'f' || s === 'female' || s === 'woman' || s === 'girl') return 'f'
  if (s === 'm' || s === 'male' || s === 'man' || s === 'boy') return 'm'
  return null
}

export function preparePerson(input: PersonInput): PreparedPerson {
  const names: PreparedName[] = []
  const main = prepareName(
    { given: input.givenName, family: input.familyName, full: input.fullName },
    input.nationality,
  )
  if (main) names.push(main)
  for (const alias of input.aliases ?? []) {
    const name = prepareName({ full: alias }, input.nationality)
    if (name && !names.some((n) => n.given === name.given && n.family === name.family)) names.push(name)
  }
  let phones: readonly PreparedPhone[] = EMPTY
  for (const raw of input.phones ?? []) {
    const phone = raw ? preparePhone(raw) : null
    if (phone && !phones.some((p) => p.value === phone.value)) phones = [...phones, phone]
  }
  let emails: readonly string[] = EMPTY
  for (const raw of input.emails ?? []) {
    const email = raw ? prepareEmail(raw) : null
    if (email && !emails.includes(email)) emails = [...emails, email]
  }
  return {
    id: input.id,
    names,
    dob: parseBirthDate(input.dateOfBirth),
    sex: sexOf(input.sex),
    phones,
    emails,
    postcode: preparePostcode(input.postcode),
    address: prepareAddress({ streetNumber: input.streetNumber, lines: input.addressLines }),
    town: prepareTown(input.town),
    region: prepareTown(input.region),
    birthPlace: prepareTown(input.birthPlace),
    documents: input.documents?.length
      ? [...new Set(input.documents.map((d) => d.toUpperCase().replace(/[^A-Z0-9]/g, '')).filter((d) => d.length >= 4))]
      : EMPTY,
  }
}
