import { normaliseName } from '#src/shared/names.ts'
import { familyKey, nameFamilies } from './nicknames.ts'
import { phoneticKey } from './phonetic.ts'
import { intern } from './intern.ts'

/** A name as the matcher compares it: ASCII, titles gone, split into given and family parts. */
export interface PreparedName {
  /** Given names, folded, space-separated ("xiao ming"). */
  readonly given: string
  /** Given names joined without spaces ("xiaoming"), so "Xiao-Ming", "Xiao Ming" and "Xiaoming" agree. */
  readonly givenJoined: string
  /** First given name: the one nicknames and initials are about. */
  readonly givenFirst: string
  /** Family name joined and with gendered endings folded (Kowalska → kowalski). */
  readonly family: string
  readonly givenPhonetic: string
  readonly familyPhonetic: string
  /** Every token of the name, sorted: the same for "Wang Xiaoming" and "Xiaoming Wang". */
  readonly sortedKey: string
  readonly givenFamilies: readonly number[]
  /** Nickname-family key of the first given name, for blocking. */
  readonly givenCanonical: string
}

export interface NameParts {
  given?: string | null
  family?: string | null
  full?: string | null
}

const TITLES = new Set(
  'mr mrs miss ms mx dr doctor prof professor sir dame lord lady rev revd reverend fr father sr snr jr jnr junior senior hon haji hajji hajj sheikh shaikh imam pastor'.split(
    ' ',
  ),
)

// Particles that belong to the following word: "Al Hassan", "Al-Hassan" and "Alhassan" are one surname.
const PARTICLES = new Set('al el ul bin ibn bint abu van von de der den da di du la le dos das del'.split(' '))

// Cultures that write the family name first; used only when a name arrives as one string.
const FAMILY_FIRST = new Set([
  'vn',
  'vnm',
  'vietnam',
  'vietnamese',
  'cn',
  'chn',
  'china',
  'chinese',
  'kr',
  'kor',
  'korea',
  'korean',
  'hu',
  'hun',
  'hungary',
  'hungarian',
  'jp',
  'jpn',
  'japan',
  'japanese',
])

const HAN = /\p{Script=Han}/u
const HANGUL = /\p{Script=Hangul}/u

/**
 * Folds a written name into ASCII words. Han characters each become a syllable ("王小明" → wang xiao ming);
 * any other word is transliterated whole and re-joined, because any-ascii splits Ge'ez syllables apart
 * ("ሳምኤል" → "sam el") and apostrophes split Latin names ("O'Brien").
 */
export function asciiWords(text: string): string[] {
  const words: string[] = []
  for (const raw of text.normalize('NFKC').split(/[\s,;/]+/)) {
    if (!raw) continue
    if (HAN.test(raw)) {
      for (const ch of raw) {
        const folded = normaliseName(ch).replace(/ /g, '')
        if (folded) words.push(folded)
      }
      continue
    }
    const folded = normaliseName(raw).replace(/ /g, '')
    if (folded) words.push(folded)
  }
  return words
}

function stripTitles(words: string[]): string[] {
  const kept = words.filter((w) => !TITLES.has(w))
  return kept.length > 0 ? kept : words
}

function joinParticles(words: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < words.length; i++) {
    if (PARTICLES.has(words[i]) && i + 1 < words.length) {
      out.push(words[i] + words[i + 1])
      i++
    } else out.push(words[i])
  }
  return out
}

/** Polish and other Slavic surnames change ending with gender: Kowalski/Kowalska, Nowicki/Nowicka. */
export function foldFamilyEnding(family: string): string {
  return family.replace(/(sk|ck|dzk)a$/, '$1i').replace(/(ov|ev|in)a$/, '$1')
}

function splitFull(full: string, nationality: string | null | undefined): { given: string[]; family: string[] } {
  const commaAt = full.indexOf(',')
  if (commaAt > 0) {
    // "SMITH, John": the register form, family name first.
    return {
      family: stripTitles(asciiWords(full.slice(0, commaAt))),
      given: stripTitles(asciiWords(full.slice(commaAt + 1))),
    }
  }
  const words = stripTitles(asciiWords(full))
  if (words.length <= 1) return { given: [], family: words }
  const familyFirst =
    HAN.test(full) || HANGUL.test(full) || (nationality ? FAMILY_FIRST.has(nationality.trim().toLowerCase()) : false)
  return familyFirst
    ? { family: words.slice(0, 1), given: words.slice(1) }
    : { family: words.slice(-1), given: words.slice(0, -1) }
}

export function prepareName(parts: NameParts, nationality?: string | null): PreparedName | null {
  let given: string[]
  let family: string[]
  if (parts.given || parts.family) {
    given = stripTitles(asciiWords(parts.given ?? ''))
    family = stripTitles(asciiWords(parts.family ?? ''))
    // A Han given name written as one word ("小明") arrives as syllables; that is still one given name.
  } else if (parts.full) {
    ;({ given, family } = splitFull(parts.full, nationality))
  } else return null
  if (given.length === 0 && family.length === 0) return null
  family = joinParticles(family)
  const givenText = intern(given.join(' '))
  const familyText = intern(foldFamilyEnding(family.join('')))
  const givenFirst = intern(given[0] ?? '')
  return {
    given: givenText,
    givenJoined: intern(given.join('')),
    givenFirst,
    family: familyText,
    givenPhonetic: intern(phoneticKey(given.join(''))),
    familyPhonetic: intern(phoneticKey(familyText.replace(/^(al|el)(?=[a-z]{3})/, ''))),
    sortedKey: intern([...given, ...family].sort().join('')),
    givenFamilies: nameFamilies(givenFirst),
    givenCanonical: intern(familyKey(givenFirst)),
  }
}
