import anyAscii from 'any-ascii'

/**
 * A name folded for search and comparison: transliterated to Latin letters (Nguyễn → nguyen, 王芳 → wangfang,
 * محمد → mhmd), lower case, punctuation removed, spaces collapsed. The name as written is always kept too.
 */
export function normaliseName(name: string): string {
  return anyAscii(name.normalize('NFKC'))
    .toLowerCase()
    .replace(/[^a-z0-9\s]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** ISO 15924 code of the main script of a name, so original-script names can be told from transliterations. */
export function scriptOf(name: string): string {
  if (/\p{Script=Han}/u.test(name)) return 'Hani'
  if (/\p{Script=Arabic}/u.test(name)) return 'Arab'
  if (/\p{Script=Ethiopic}/u.test(name)) return 'Ethi'
  if (/\p{Script=Cyrillic}/u.test(name)) return 'Cyrl'
  if (/\p{Script=Greek}/u.test(name)) return 'Grek'
  if (/\p{Script=Thai}/u.test(name)) return 'Thai'
  if (/\p{Script=Devanagari}/u.test(name)) return 'Deva'
  if (/\p{Script=Bengali}/u.test(name)) return 'Beng'
  if (/\p{Script=Hangul}/u.test(name)) return 'Hang'
  return 'Latn'
}
