import { describe, expect, it } from 'vitest'
import { asciiWords, prepareName } from './person-names.ts'
import { phoneticKey } from './phonetic.ts'

describe('names across scripts', () => {
  it('splits Han names into syllables, family name first', () => {
    expect(asciiWords('王小明')).toEqual(['wang', 'xiao', 'ming'])
    const han = prepareName({ full: '王小明' })!
    const latin = prepareName({ given: 'Xiao-Ming', family: 'Wang' })!
    expect(han.family).toBe('wang')
    expect(han.givenJoined).toBe('xiaoming')
    expect(latin.givenJoined).toBe('xiaoming')
    expect(han.sortedKey).toBe(prepareName({ full: 'Wang Xiao Ming' })!.sortedKey)
  })

  it('reads a Vietnamese full name family first when the nationality says so, and drops tones', () => {
    const name = prepareName({ full: 'Nguyễn Văn Ánh' }, 'VN')!
    expect(name.family).toBe('nguyen')
    expect(name.given).toBe('van anh')
    expect(name.givenFirst).toBe('van')
    // Without the hint the last word is taken as the family name, as for most UK records.
    expect(prepareName({ full: 'Nguyễn Văn Ánh' })!.family).toBe('anh')
  })

  it('treats Romanian comma-below and cedilla letters alike', () => {
    expect(prepareName({ given: 'Ștefan', family: 'Țurcanu' })).toEqual(
      prepareName({ given: 'Ştefan', family: 'Ţurcanu' }),
    )
    expect(prepareName({ given: 'Ștefan', family: 'Țurcanu' })!.family).toBe('turcanu')
  })

  it('folds Polish letters and gendered surname endings', () => {
    const she = prepareName({ given: 'Małgorzata', family: 'Wiśniewska' })!
    const he = prepareName({ given: 'Łukasz', family: 'Wiśniewski' })!
    expect(she.family).toBe('wisniewski')
    expect(he.family).toBe(she.family)
    expect(he.givenFirst).toBe('lukasz')
  })

  it('keeps Albanian names with ë and ç comparable to their keyboard spellings', () => {
    expect(prepareName({ given: 'Lumë', family: 'Çela' })!.family).toBe(
      prepareName({ given: 'Lume', family: 'Cela' })!.family,
    )
  })

  it('re-joins Ge\u2019ez words that transliteration splits into syllables', () => {
    expect(asciiWords('ሳምኤል ተስፋይ')).toEqual(['samel', 'tesfay'])
    expect(phoneticKey('samel')).toBe(phoneticKey('samuel'))
    expect(prepareName({ full: 'ተስፋይ' })!.familyPhonetic).toBe(prepareName({ full: 'Tesfaye' })!.familyPhonetic)
  })

  it('gives Arabic-script and Latin spellings of one name the same sound key', () => {
    const keys = ['محمد', 'Mohammed', 'Muhammad', 'Mohamed', 'Мохаммед'].map(
      (n) => prepareName({ full: n })!.familyPhonetic,
    )
    expect(new Set(keys).size).toBe(1)
    expect(phoneticKey('ibrahim')).toBe(phoneticKey('ebrahim'))
    expect(phoneticKey('yusuf')).toBe(phoneticKey('jusuf'))
  })

  it('drops titles, reads register order and joins particles', () => {
    expect(prepareName({ full: 'Dr John Smith' })).toMatchObject({ given: 'john', family: 'smith' })
    expect(prepareName({ full: 'SMITH, John' })).toMatchObject({ given: 'john', family: 'smith' })
    expect(prepareName({ given: 'Omar', family: 'Al Hassan' })!.family).toBe(
      prepareName({ given: 'Omar', family: 'Al-Hassan' })!.family,
    )
  })

  it('maps nicknames and cross-language forms to shared families', () => {
    const bob = prepareName({ given: 'Bob', family: 'Jones' })!
    const robert = prepareName({ given: 'Robert', family: 'Jones' })!
    expect(bob.givenFamilies.some((f) => robert.givenFamilies.includes(f))).toBe(true)
    const ion = prepareName({ given: 'Ion', family: 'Popescu' })!
    const john = prepareName({ given: 'John', family: 'Popescu' })!
    expect(ion.givenFamilies.some((f) => john.givenFamilies.includes(f))).toBe(true)
    expect(bob.givenFamilies.some((f) => john.givenFamilies.includes(f))).toBe(false)
  })

  it('returns nothing for an empty name', () => {
    expect(prepareName({ given: ' ', family: '' })).toBeNull()
    expect(prepareName({})).toBeNull()
  })
})
