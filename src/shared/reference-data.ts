/**
 * Countries (for nationality) and languages, taken from the ICU data inside Node.js rather than typed in,
 * so names stay current and can be shown in Welsh or another language later without a new list.
 * Codes are ISO 3166-1 alpha-2 (plus XK, Kosovo) and ISO 639-1.
 */
const NOT_NATIONALITIES = new Set([
  'AC',
  'CP',
  'CQ',
  'DG',
  'EA',
  'EU',
  'EZ',
  'IC',
  'QO',
  'TA',
  'UN',
  'XA',
  'XB',
  'ZZ',
  'AN',
  'BU',
  'CS',
  'DD',
  'DY',
  'FX',
  'HV',
  'NH',
  'NT',
  'QU',
  'RH',
  'SU',
  'TP',
  'UK',
  'VD',
  'YD',
  'YU',
  'ZR',
])

export type Option = { value: string; text: string }

function letters(upper: boolean): string[] {
  const base = upper ? 65 : 97
  const out: string[] = []
  for (let a = 0; a < 26; a++) for (let b = 0; b < 26; b++) out.push(String.fromCharCode(base + a, base + b))
  return out
}

function build(type: 'region' | 'language', codes: string[], exclude: Set<string>): Option[] {
  const names = new Intl.DisplayNames(['en-GB'], { type, fallback: 'code' })
  return codes
    .filter((code) => !exclude.has(code))
    .map((code) => {
      try {
        return { value: code, text: names.of(code) ?? code }
      } catch {
        return { value: code, text: code }
      }
    })
    .filter((option) => option.text !== option.value)
    .sort((a, b) => a.text.localeCompare(b.text, 'en-GB'))
}

export const COUNTRIES: readonly Option[] = build('region', letters(true), NOT_NATIONALITIES)
export const LANGUAGES: readonly Option[] = build('language', letters(false), new Set())

const countryNames = new Map(COUNTRIES.map((c) => [c.value, c.text]))
const languageNames = new Map(LANGUAGES.map((l) => [l.value, l.text]))
const languagesByName = new Map(LANGUAGES.map((l) => [l.text.toLowerCase(), l.value]))

export const STATELESS = 'stateless'

export function isCountryCode(code: string): boolean {
  return countryNames.has(code) || code === STATELESS
}
export function countryName(code: string): string {
  return code === STATELESS ? 'Stateless' : (countryNames.get(code) ?? code)
}
export function isLanguageCode(code: string): boolean {
  return languageNames.has(code)
}
export function languageName(code: string): string {
  return languageNames.get(code) ?? code
}

/** "Romanian, english" → codes, or the names it did not recognise. */
export function parseLanguageList(text: string): { codes: string[]; unknown: string[] } {
  const codes: string[] = []
  const unknown: string[] = []
  for (const part of text
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const code =
      languagesByName.get(part.toLowerCase()) ?? (isLanguageCode(part.toLowerCase()) ? part.toLowerCase() : undefined)
    if (code) {
      if (!codes.includes(code)) codes.push(code)
    } else unknown.push(part)
  }
  return { codes, unknown }
}
