import { dayNumber, type BirthDate } from './birth-dates.ts'
import { nameFamilies, shareFamily } from './nicknames.ts'
import type { PreparedName } from './person-names.ts'
import type { PreparedPerson } from './person-record.ts'
import { phoneticKey } from './phonetic.ts'
import { jaroWinkler, jaroWinklerAtLeast, levenshtein, withinOneEdit } from './similarity.ts'

export type Agreement = 'agree' | 'partial' | 'disagree' | 'missing'

export interface LevelSpec {
  readonly code: string
  /** Plain English, completing "<field>: …", shown to officers in the explanation. */
  readonly label: string
  readonly agreement: Exclude<Agreement, 'missing'>
  /** Exact-value levels whose weight depends on how common the value is (Smith counts less than Wiśniewski). */
  readonly tf?: boolean
  /** Starting m and u: the model used before any training, and EM's starting point. */
  readonly m: number
  readonly u: number
}

export interface ComparisonSpec {
  readonly field: string
  readonly title: string
  readonly levels: readonly LevelSpec[]
}

const agree = (code: string, label: string, m: number, u: number, tf = false): LevelSpec => ({
  code,
  label,
  agreement: 'agree',
  tf,
  m,
  u,
})
const partial = (code: string, label: string, m: number, u: number): LevelSpec => ({
  code,
  label,
  agreement: 'partial',
  m,
  u,
})
const disagree = (code: string, label: string, m: number, u: number): LevelSpec => ({
  code,
  label,
  agreement: 'disagree',
  m,
  u,
})

/**
 * Ordered comparison levels per field, Splink style: the first level that holds wins. Negative evidence
 * has its own level (dates of birth years apart are strong evidence against).
 */
export const COMPARISONS: readonly ComparisonSpec[] = [
  {
    field: 'givenName',
    title: 'given name',
    levels: [
      agree('exact', 'exactly the same', 0.75, 0.01, true),
      partial('variant', 'same first name, nickname or equivalent in another language', 0.08, 0.004),
      partial('jw92', 'very similar spelling', 0.06, 0.003),
      partial('sounds-alike', 'sounds the same', 0.03, 0.004),
      partial('jw85', 'similar spelling', 0.03, 0.01),
      partial('initial', 'initial agrees', 0.02, 0.03),
      disagree('different', 'different', 0.03, 0.94),
    ],
  },
  {
    field: 'familyName',
    title: 'family name',
    levels: [
      agree('exact', 'exactly the same', 0.8, 0.005, true),
      partial('jw92', 'very similar spelling', 0.08, 0.002),
      partial('sounds-alike', 'sounds the same', 0.03, 0.003),
      partial('jw85', 'similar spelling', 0.03, 0.01),
      disagree('different', 'different', 0.06, 0.98),
    ],
  },
  {
    field: 'dateOfBirth',
    title: 'date of birth',
    levels: [
      agree('exact', 'exactly the same', 0.77, 0.0001, true),
      partial('swapped', 'day and month swapped', 0.02, 0.00002),
      // One part wrong, the other two right, each part apart and each split by whether the wrong part is one
      // digit off (a typing slip: 1985/1958, 03/08) or further (a year given from an assessed age, a day
      // misheard). The parts differ in how often strangers share the rest: a birthday (day and month) is shared
      // by 1 in 365 pairs, a year and a month by 1 in 12 times the span of years, a year and a day by 1 in 30
      // times it; and a one-digit slip is likelier among one person's records than a part wholly different.
      // Lumped into one level, a pair of namesakes born the same day of different years counted as much as a
      // pair a day's digit apart; apart, training learns each level's m and u from the records held.
      partial('year-one-digit', 'same day and month, one digit of the year different', 0.03, 0.0005),
      partial('other-year', 'same day and month, year different', 0.01, 0.0025),
      partial('day-one-digit', 'same year and month, one digit of the day different', 0.03, 0.0003),
      partial('other-day', 'same year and month, day different', 0.01, 0.0006),
      partial('month-one-digit', 'same year and day, one digit of the month different', 0.02, 0.0002),
      partial('other-month', 'same year and day, month different', 0.01, 0.0003),
      partial('as-far-as-known', 'the same as far as both are known', 0.04, 0.01),
      partial('within-year', 'within a year', 0.02, 0.02),
      disagree('within-5-years', 'within five years', 0.02, 0.1),
      disagree('different', 'more than five years apart', 0.02, 0.87),
    ],
  },
  {
    field: 'sex',
    title: 'sex',
    levels: [agree('same', 'the same', 0.97, 0.5), disagree('different', 'different', 0.03, 0.5)],
  },
  {
    field: 'postcode',
    title: 'postcode',
    levels: [
      agree('exact', 'exactly the same', 0.7, 0.001, true),
      partial('sector', 'same sector', 0.05, 0.002),
      partial('one-typo', 'one character different', 0.08, 0.002),
      partial('district', 'same district', 0.03, 0.01),
      partial('area', 'same area', 0.02, 0.05),
      disagree('different', 'different', 0.12, 0.935),
    ],
  },
  {
    field: 'address',
    title: 'address',
    levels: [
      agree('exact', 'exactly the same', 0.6, 0.0005, true),
      partial('number-and-similar-street', 'same house number, street spelled a little differently', 0.15, 0.0005),
      partial('street', 'same street, house number different or missing', 0.1, 0.005),
      partial('number', 'same house number only', 0.03, 0.03),
      disagree('different', 'different', 0.12, 0.964),
    ],
  },
  {
    field: 'town',
    title: 'town',
    levels: [
      agree('exact', 'exactly the same', 0.75, 0.01, true),
      partial('similar', 'similar spelling', 0.1, 0.005),
      disagree('different', 'different', 0.15, 0.985),
    ],
  },
  {
    field: 'region',
    title: 'region',
    levels: [agree('exact', 'the same', 0.85, 0.25), disagree('different', 'different', 0.15, 0.75)],
  },
  {
    field: 'phone',
    title: 'phone',
    levels: [
      agree('exact', 'the same number', 0.7, 0.0001),
      partial('tail', 'last seven digits agree or one digit different', 0.1, 0.0005),
      disagree('different', 'different', 0.2, 0.9994),
    ],
  },
  {
    field: 'email',
    title: 'email',
    levels: [
      agree('exact', 'the same address', 0.7, 0.0001),
      partial('close', 'one or two characters different', 0.12, 0.0005),
      partial('similar-user', 'similar user name', 0.06, 0.005),
      disagree('different', 'different', 0.12, 0.9944),
    ],
  },
  {
    field: 'identityDocument',
    title: 'identity document number',
    levels: [
      agree('exact', 'the same number', 0.8, 0.00001),
      partial('one-typo', 'one character different', 0.1, 0.0001),
      disagree('different', 'different', 0.1, 0.99989),
    ],
  },
  {
    field: 'birthPlace',
    title: 'place of birth',
    levels: [
      agree('exact', 'exactly the same', 0.8, 0.02, true),
      partial('similar', 'similar spelling', 0.1, 0.01),
      disagree('different', 'different', 0.1, 0.97),
    ],
  },
]

export const FIELD = {
  givenName: 0,
  familyName: 1,
  dateOfBirth: 2,
  sex: 3,
  postcode: 4,
  address: 5,
  town: 6,
  region: 7,
  phone: 8,
  email: 9,
  identityDocument: 10,
  birthPlace: 11,
} as const

export const MISSING = -1

/** Levels for one pair, plus what the explanation and the term-frequency adjustment need to know. */
export interface PairComparison {
  readonly levels: Int8Array
  /** The agreed value at a term-frequency level, by comparison index ('' when not at such a level). */
  readonly tfValues: string[]
  /** True when the best name alignment swapped given and family names. */
  swapped: boolean
}

export function newPairComparison(): PairComparison {
  return {
    levels: new Int8Array(COMPARISONS.length),
    tfValues: new Array<string>(COMPARISONS.length).fill(''),
    swapped: false,
  }
}

// --- names -------------------------------------------------------------------------------------------------

function givenLevel(
  a: string,
  aFirst: string,
  aPhon: string,
  aFam: readonly number[],
  b: string,
  bFirst: string,
  bPhon: string,
  bFam: readonly number[],
  jw: number,
): number {
  if (!a || !b) return MISSING
  if (a === b) return 0
  if ((aFirst.length > 1 && aFirst === bFirst) || shareFamily(aFam, bFam)) return 1
  if (aFirst.length === 1 || bFirst.length === 1) return aFirst[0] === bFirst[0] ? 5 : 6
  if (jw >= 0.92) return 2
  if (aPhon.length > 1 && aPhon === bPhon) return 3
  if (jw >= 0.85) return 4
  // A first name against a full given name ("Anh" / "Van Anh"): compare the first names alone.
  if (aFirst !== a || bFirst !== b) {
    const first = jaroWinkler(aFirst, bFirst)
    if (first >= 0.92) return 2
  }
  return 6
}

function familyLevel(a: string, aPhon: string, b: string, bPhon: string, jw: number): number {
  if (!a || !b) return MISSING
  if (a === b) return 0
  if (jw >= 0.92) return 1
  if (aPhon.length > 1 && aPhon === bPhon) return 2
  if (jw >= 0.85) return 3
  return 4
}

// Below 0.85 no name level cares about the exact value, so hopeless pairs are cut short.
function similarity(a: string, b: string): number {
  if (!a || !b) return 0
  return a === b ? 1 : jaroWinklerAtLeast(a, b, 0.85)
}

function compareNames(a: readonly PreparedName[], b: readonly PreparedName[], out: PairComparison): void {
  let best = -1
  let bestX: PreparedName | null = null
  let bestY: PreparedName | null = null
  let bestSwapped = false
  let givenSim = 0
  let familySim = 0
  for (const x of a) {
    for (const y of b) {
      const g = similarity(x.givenJoined, y.givenJoined)
      const f = similarity(x.family, y.family)
      const straight = g + f
      // Order swaps only win on clear evidence, so "Ali Hassan"/"Hassan Ali" swaps but near-ties do not.
      let crossed = 0
      let cg = 0
      let cf = 0
      // A real swap puts at least one name's first letter opposite its partner; without that, skip the work.
      if (
        straight < 1.9 &&
        x.given !== y.given &&
        x.family !== y.family &&
        (x.givenJoined[0] === y.family[0] || x.family[0] === y.givenJoined[0])
      ) {
        cg = similarity(x.givenJoined, y.family)
        cf = similarity(x.family, y.givenJoined)
        crossed = cg + cf - 0.15
      }
      const score = Math.max(straight, crossed)
      if (score > best) {
        best = score
        bestX = x
        bestY = y
        bestSwapped = crossed > straight
        givenSim = bestSwapped ? cg : g
        familySim = bestSwapped ? cf : f
      }
    }
  }
  out.swapped = bestSwapped
  const levels = out.levels
  if (!bestX || !bestY) {
    levels[FIELD.givenName] = MISSING
    levels[FIELD.familyName] = MISSING
    return
  }
  const x = bestX
  const y = bestY
  if (!bestSwapped) {
    levels[FIELD.givenName] = givenLevel(
      x.givenJoined,
      x.givenFirst,
      x.givenPhonetic,
      x.givenFamilies,
      y.givenJoined,
      y.givenFirst,
      y.givenPhonetic,
      y.givenFamilies,
      givenSim,
    )
    levels[FIELD.familyName] = familyLevel(x.family, x.familyPhonetic, y.family, y.familyPhonetic, familySim)
    out.tfValues[FIELD.givenName] = levels[FIELD.givenName] === 0 ? x.givenJoined : ''
    out.tfValues[FIELD.familyName] = levels[FIELD.familyName] === 0 ? x.family : ''
  } else {
    levels[FIELD.givenName] = givenLevel(
      x.givenJoined,
      x.givenFirst,
      x.givenPhonetic,
      x.givenFamilies,
      y.family,
      y.family,
      y.familyPhonetic,
      nameFamilies(y.family),
      givenSim,
    )
    levels[FIELD.familyName] = familyLevel(
      x.family,
      x.familyPhonetic,
      y.givenJoined,
      phoneticKey(y.givenJoined),
      familySim,
    )
    out.tfValues[FIELD.givenName] = levels[FIELD.givenName] === 0 ? x.givenJoined : ''
    out.tfValues[FIELD.familyName] = levels[FIELD.familyName] === 0 ? x.family : ''
  }
}

// --- dates of birth ----------------------------------------------------------------------------------------

export function dateLevel(a: BirthDate | null, b: BirthDate | null): number {
  if (!a || !b) return MISSING
  if (a.text !== null && b.text !== null) {
    if (a.text === b.text) return 0
    if (a.year === b.year && a.day === b.month && a.month === b.day) return 1
    if (a.month === b.month && a.day === b.day) return withinOneEdit(String(a.year), String(b.year)) ? 2 : 3
    if (a.year === b.year && a.month === b.month) return oneDigit(a.day!, b.day!) ? 4 : 5
    if (a.year === b.year && a.day === b.day) return oneDigit(a.month!, b.month!) ? 6 : 7
  } else if (a.year === b.year && (a.month === null || b.month === null || a.month === b.month)) return 8
  const apart = Math.abs(dayNumber(a) - dayNumber(b))
  if (apart <= 372) return 9
  if (Math.abs(a.year - b.year) <= 5) return 10
  return 11
}

/** Two days or months, written with two digits, one digit apart or with their digits transposed (03/08, 12/21). */
function oneDigit(a: number, b: number): boolean {
  const [a1, a0, b1, b0] = [Math.floor(a / 10), a % 10, Math.floor(b / 10), b % 10]
  return a1 === b1 || a0 === b0 || (a1 === b0 && a0 === b1)
}

// --- the rest ----------------------------------------------------------------------------------------------

function textLevel(a: string, b: string): number {
  if (!a || !b) return MISSING
  if (a === b) return 0
  // A town or place misspelt nearly always keeps its first letter; other pairs are simply different.
  return a.charCodeAt(0) === b.charCodeAt(0) && jaroWinklerAtLeast(a, b, 0.88) >= 0.88 ? 1 : 2
}

function postcodeLevel(a: PreparedPerson['postcode'], b: PreparedPerson['postcode']): number {
  if (!a || !b) return MISSING
  if (a.value === b.value) return 0
  if (a.sector !== null && a.sector === b.sector) return 1
  if (withinOneEdit(a.value, b.value)) return 2
  if (a.district !== null && a.district === b.district) return 3
  if (a.area !== null && a.area === b.area) return 4
  return 5
}

function addressLevel(a: PreparedPerson['address'], b: PreparedPerson['address']): number {
  if (!a || !b || !a.street || !b.street) return MISSING
  const sameNumber = a.number !== null && a.number === b.number
  if (a.street === b.street && (sameNumber || (a.number === null && b.number === null))) return 0
  let street = a.street === b.street ? 1 : jaroWinkler(a.street, b.street)
  // One source kept the building line, the other did not: "wallabypl" inside "wallabypldelmar".
  if (
    street < 0.88 &&
    Math.min(a.street.length, b.street.length) >= 5 &&
    (a.street.includes(b.street) || b.street.includes(a.street))
  )
    street = 0.9
  if (street >= 0.88) return sameNumber ? 1 : 2
  return sameNumber ? 3 : 4
}

function phoneLevel(a: PreparedPerson['phones'], b: PreparedPerson['phones']): number {
  if (a.length === 0 || b.length === 0) return MISSING
  let level = 2
  for (const x of a) {
    for (const y of b) {
      if (x.value === y.value) return 0
      if (x.tail === y.tail || withinOneEdit(x.value, y.value)) level = 1
    }
  }
  return level
}

function emailLevel(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return MISSING
  let level = 3
  for (const x of a) {
    for (const y of b) {
      if (x === y) return 0
      const ux = x.slice(0, x.indexOf('@'))
      const uy = y.slice(0, y.indexOf('@'))
      // Two slips are close in "isaac.james@smith.com", but they are the whole user name of "h.k@sharp.com"
      // against "f.j@sharp.com": edits inside the user name count only while it keeps most of its letters.
      if (
        level > 1 &&
        Math.abs(x.length - y.length) <= 2 &&
        levenshtein(x, y) <= 2 &&
        3 * levenshtein(ux, uy) <= Math.min(ux.length, uy.length)
      )
        level = 1
      else if (level > 2 && similarUser(ux, uy, x.slice(ux.length + 1), y.slice(uy.length + 1))) level = 2
    }
  }
  return level
}

/**
 * Whether two email user names look alike and carry the same number. A user name is mostly the person's name,
 * so namesakes' addresses look alike ("john.smith12", "johnsmith47") and alike says little; the number is what
 * the person chose, and two different numbers are two accounts. A number one slip from the other's
 * ("hmay32", "hmay3") is a copy of the same address only while the rest of it is too: at another domain it is
 * as likely a namesake's account with a number of their own ("caleb.bernass3@ford-graves.com",
 * "calebbernass73@taylor-lang.com"), and the names, which already count, are all the two have in common.
 */
function similarUser(ux: string, uy: string, domainX: string, domainY: string): boolean {
  if (ux === uy) return true
  if (jaroWinkler(ux, uy) < 0.88) return false
  const x = ux.replace(/\D/g, '')
  const y = uy.replace(/\D/g, '')
  if (x === y) return true
  const numberSlip = x.length + y.length > 0 && withinOneEdit(x, y) && (x.length <= 1 || y.length <= 1 || x[0] === y[0])
  return numberSlip && (domainX === domainY || jaroWinklerAtLeast(domainX, domainY, 0.88) >= 0.88)
}

function documentLevel(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return MISSING
  let level = 2
  for (const x of a) {
    for (const y of b) {
      if (x === y) return 0
      if (withinOneEdit(x, y)) level = 1
    }
  }
  return level
}

/** Compares two prepared people field by field, writing the level of each comparison into `out`. */
export function comparePeople(a: PreparedPerson, b: PreparedPerson, out: PairComparison): PairComparison {
  const levels = out.levels
  const tf = out.tfValues
  compareNames(a.names, b.names, out)
  levels[FIELD.dateOfBirth] = dateLevel(a.dob, b.dob)
  tf[FIELD.dateOfBirth] = levels[FIELD.dateOfBirth] === 0 ? a.dob!.text! : ''
  levels[FIELD.sex] = a.sex && b.sex ? (a.sex === b.sex ? 0 : 1) : MISSING
  levels[FIELD.postcode] = postcodeLevel(a.postcode, b.postcode)
  tf[FIELD.postcode] = levels[FIELD.postcode] === 0 ? a.postcode!.value : ''
  levels[FIELD.address] = addressLevel(a.address, b.address)
  tf[FIELD.address] = levels[FIELD.address] === 0 ? addressValue(a) : ''
  levels[FIELD.town] = textLevel(a.town, b.town)
  tf[FIELD.town] = levels[FIELD.town] === 0 ? a.town : ''
  levels[FIELD.region] = a.region && b.region ? (a.region === b.region ? 0 : 1) : MISSING
  levels[FIELD.phone] = phoneLevel(a.phones, b.phones)
  levels[FIELD.email] = emailLevel(a.emails, b.emails)
  levels[FIELD.identityDocument] = documentLevel(a.documents, b.documents)
  levels[FIELD.birthPlace] = textLevel(a.birthPlace, b.birthPlace)
  tf[FIELD.birthPlace] = levels[FIELD.birthPlace] === 0 ? a.birthPlace : ''
  return out
}

/** The values whose frequencies feed the term-frequency adjustment, by comparison index. */
export function termValues(p: PreparedPerson): (readonly string[])[] {
  const values: string[][] = COMPARISONS.map(() => [])
  for (const n of p.names) {
    if (n.givenJoined) values[FIELD.givenName].push(n.givenJoined)
    if (n.family) values[FIELD.familyName].push(n.family)
  }
  if (p.dob?.text) values[FIELD.dateOfBirth].push(p.dob.text)
  if (p.postcode) values[FIELD.postcode].push(p.postcode.value)
  if (p.address?.street) values[FIELD.address].push(addressValue(p))
  if (p.town) values[FIELD.town].push(p.town)
  if (p.birthPlace) values[FIELD.birthPlace].push(p.birthPlace)
  return values
}

function addressValue(p: PreparedPerson): string {
  return `${p.address!.number ?? ''}|${p.address!.street}`
}
