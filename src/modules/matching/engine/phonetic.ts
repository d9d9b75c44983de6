/**
 * A consonant skeleton tuned for names that reach UK forces through many transliterations. Vowels carry
 * little identity across scripts (Arabic script writes none: محمد → "mhmd" ≈ Mohammed ≈ Muhammad), and
 * the consonant digraphs of English, Polish, Romanian, Albanian, pinyin and Wade-Giles fold to one letter
 * (sz/sh/ch/cz/zh/x → s, kh → h, ph → f, w → v). Double Metaphone is English-centred and keeps vowels at
 * the start, which splits Ibrahim/Ebrahim; this key does not.
 */
const DIGRAPHS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^hs(?=[iu])/, 's'], // Wade-Giles hs = pinyin x (Hsiao, Hsu); Arabic hsn (Hassan) keeps its h
  [/^y(?=[aeiou])/, 'j'], // Yusuf/Jusuf, Yohannes/Johannes
  [/dzh|dzs|dz|dj|gj/g, 'j'],
  [/tsch|sch|tch|tsh|sh|sz|ch|cz|zh|ts|tz|cs|ks|x|z|ç|q(?=[^u])/g, 's'],
  [/ck|q/g, 'k'],
  [/kh/g, 'h'],
  [/gh/g, 'g'],
  [/g(?=[eiy])/g, 'j'],
  [/ph/g, 'f'],
  [/th/g, 't'],
  [/dh/g, 'd'],
  [/w/g, 'v'],
  [/c(?=[eiy])/g, 's'],
  [/c/g, 'k'],
  // A silent h after a vowel (John/Jon, Sarah/Sara); between consonants it is Arabic ḥ (mhmd) and stays.
  [/([aeiouy])h(?![aeiouy])/g, '$1'],
]

const cache = new Map<string, string>()

/** The skeleton of one already-folded ASCII word or joined name ("alhassan" → "lsn"). */
export function phoneticKey(word: string): string {
  const hit = cache.get(word)
  if (hit !== undefined) return hit
  let s = word.replace(/[^a-z]/g, '')
  for (const [pattern, replacement] of DIGRAPHS) s = s.replace(pattern, replacement)
  // Vowels (and y, h between vowels) go; doubled consonants collapse.
  s = s.replace(/[aeiouy]/g, '').replace(/h(?=$)/, '')
  let out = ''
  for (let i = 0; i < s.length; i++) if (s[i] !== s[i - 1]) out += s[i]
  // Keep the cache bounded: names repeat, but an import of millions of typos must not grow it forever.
  if (cache.size > 200_000) cache.clear()
  cache.set(word, out)
  return out
}
