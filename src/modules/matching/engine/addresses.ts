import { normaliseName } from '#src/shared/names.ts'
import { intern, shared } from './intern.ts'

export interface AddressParts {
  streetNumber?: string | null
  lines?: readonly (string | null | undefined)[]
  town?: string | null
}

export interface PreparedAddress {
  /** House or flat number as written ("12a"), or null. */
  readonly number: string | null
  /** Street and building lines, folded, words abbreviated the Royal Mail way, without spaces. */
  readonly street: string
}

const addresses = new Map<string, PreparedAddress>()

const ABBREVIATIONS: Readonly<Record<string, string>> = {
  street: 'st',
  road: 'rd',
  avenue: 'ave',
  av: 'ave',
  lane: 'ln',
  drive: 'dr',
  court: 'ct',
  place: 'pl',
  crescent: 'cres',
  close: 'cl',
  terrace: 'tce',
  gardens: 'gdns',
  square: 'sq',
  grove: 'gr',
  circuit: 'cct',
  parade: 'pde',
  highway: 'hwy',
  mount: 'mt',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  apartment: 'flat',
  apt: 'flat',
  unit: 'flat',
  house: 'ho',
  building: 'bldg',
  village: 'vlge',
  retirement: 'retrmnt',
}

const NUMBER = /^(?:flat\s*)?(\d+[a-z]?)\b/

export function prepareAddress(parts: AddressParts): PreparedAddress | null {
  let number = parts.streetNumber ? normaliseName(parts.streetNumber).replace(/\s/g, '') || null : null
  const tokens: string[] = []
  for (const line of parts.lines ?? []) {
    if (!line) continue
    let text = normaliseName(line)
    const leading = NUMBER.exec(text)
    if (leading && number === null) {
      number = leading[1]
      text = text.slice(leading[0].length)
    }
    for (const word of text.split(' ')) if (word) tokens.push(ABBREVIATIONS[word] ?? word)
  }
  if (tokens.length === 0 && number === null) return null
  const street = tokens.join('')
  return shared(addresses, `${number ?? ''}|${street}`, () => ({
    number: number ? intern(number) : null,
    street: intern(street),
  }))
}

export function prepareTown(raw: string | null | undefined): string {
  return raw ? intern(normaliseName(raw).replace(/\s/g, '')) : ''
}
