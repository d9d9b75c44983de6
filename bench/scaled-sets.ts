/**
 * Larger sets of the same kind as a small labelled file, generated at run time from the file's own values
 * (nothing is copied into the repository): the check that precision holds when a set grows, since a set
 * twenty times the size holds twenty times the near-namesakes per person.
 *
 * RLdata-style: RLdata500 and RLdata10000 come from one generator (German first and family names, dates of
 * birth, one record in ten copied with a slip). This draws first names, family names and the parts of the
 * date independently from the file's records, one record in ten copied with one slip (two in about one in
 * seven): a letter replaced or added in a name, or one part of the date drawn again, as the file's own
 * duplicates show. Its names come from a few hundred values, so it is harsher than RLdata10000, not easier.
 */
import { randomGenerator, type PersonInput } from '#src/modules/matching/engine/index.ts'
import { SyntheticPeople } from '#src/modules/matching/engine/synthetic-people.ts'

export interface GeneratedSet {
  name: string
  inputs: PersonInput[]
  clusters: string[]
}

type Row = Record<string, string>

export function rldataStyle(rows: readonly Row[], size: number, seed = 1): GeneratedSet {
  const random = randomGenerator(seed)
  const seen = new Set<string>()
  // One record per person, so a slip in the file's own duplicates is not drawn as a name.
  const originals = rows.filter((r) => !seen.has(r.identity) && seen.add(r.identity))
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  const slip = (s: string) => {
    const at = Math.floor(random() * (s.length + 1))
    const letter = letters[Math.floor(random() * letters.length)]
    return random() < 0.5 ? s.slice(0, at) + letter + s.slice(at + 1) : s.slice(0, at) + letter + s.slice(at)
  }
  const years = originals.map((r) => Number(r.by)).filter(Boolean)
  const low = Math.min(...years)
  const high = Math.max(...years)
  const people = Math.round(size * 0.9)
  const records: { given: string; family: string; year: number; month: number; day: number; cluster: number }[] = []
  for (let i = 0; i < people; i++) {
    records.push({
      given: pick(originals).fname_c1,
      family: pick(originals).lname_c1,
      year: Number(pick(originals).by),
      month: Number(pick(originals).bm),
      day: Number(pick(originals).bd),
      cluster: i,
    })
  }
  const step = Math.floor(people / (size - people))
  for (let i = 0; i < size - people; i++) {
    const copy = { ...records[i * step] }
    const slips = random() < 0.15 ? 2 : 1
    for (let s = 0; s < slips; s++) {
      const k = random()
      if (k < 0.25) copy.given = slip(copy.given)
      else if (k < 0.5) copy.family = slip(copy.family)
      else if (k < 0.66) copy.year = low + Math.floor(random() * (high - low + 1))
      else if (k < 0.83) copy.month = 1 + Math.floor(random() * 12)
      else copy.day = 1 + Math.floor(random() * 28)
    }
    records.push(copy)
  }
  return {
    name: `RLdata-style ${size.toLocaleString('en-GB')} (from rldata500.csv)`,
    inputs: records.map((r, i) => ({
      id: String(i),
      givenName: r.given,
      familyName: r.family,
      dateOfBirth: { year: r.year, month: r.month, day: r.day },
    })),
    clusters: records.map((r) => String(r.cluster)),
  }
}

/**
 * fake_1000-style: Splink's fake_1000 and fake_20000 come from one generator (first name, surname, date of
 * birth, city, email; a person has one to seven records, each a copy with values missing or mistyped). This
 * draws people's values independently from the file's (cluster by cluster, the value most of the person's
 * records carry; a date of birth's year, month and day apart), gives each one to seven records, and spoils each copy's fields at the rates the file's own
 * records show: how often a field is missing, and how often a present value differs from the person's usual
 * one. A spoilt name or town has a letter replaced, added, dropped or two letters swapped, or (a name) given
 * and family name written the other way round; a date has its year's last digit, its month or its day
 * changed; an email a letter slipped.
 */
export function fakeStyle(rows: readonly Row[], size: number, seed = 1): GeneratedSet {
  const random = randomGenerator(seed)
  const fields = ['first_name', 'surname', 'dob', 'city', 'email'] as const
  type Field = (typeof fields)[number]
  const byCluster = new Map<string, Row[]>()
  for (const r of rows) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r])
  const usual = (list: readonly Row[], f: Field): string => {
    const counts = new Map<string, number>()
    for (const r of list) if (r[f]) counts.set(r[f], (counts.get(r[f]) ?? 0) + 1)
    let best = ''
    let most = 0
    for (const [v, n] of counts) if (n > most) [best, most] = [v, n]
    return best
  }
  const values = new Map<Field, string[]>(fields.map((f) => [f, []]))
  const missing = new Map<Field, number>()
  const differs = new Map<Field, number>()
  for (const f of fields) {
    let present = 0
    let different = 0
    for (const list of byCluster.values()) {
      const mode = usual(list, f)
      if (mode) values.get(f)!.push(mode)
      for (const r of list) {
        if (!r[f]) continue
        present++
        if (r[f] !== mode) different++
      }
    }
    missing.set(f, 1 - present / rows.length)
    differs.set(f, present === 0 ? 0 : different / present)
  }
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const slip = slipOf(random, 0)
  const dateSlip = (dob: string) => {
    const [y, m, d] = dob.split('-').map(Number)
    const k = random()
    const pad = (n: number) => String(n).padStart(2, '0')
    if (k < 0.34) return `${Math.floor(y / 10) * 10 + Math.floor(random() * 10)}-${pad(m)}-${pad(d)}`
    if (k < 0.67) return `${y}-${pad(1 + Math.floor(random() * 12))}-${pad(d)}`
    return `${y}-${pad(m)}-${pad(1 + Math.floor(random() * 28))}`
  }
  const inputs: PersonInput[] = []
  const clusters: string[] = []
  for (let person = 0; inputs.length < size; person++) {
    const first = pick(values.get('first_name')!)
    const surname = pick(values.get('surname')!)
    const base: Record<Field, string> = {
      first_name: first,
      surname,
      // The parts of the date drawn apart, as the rldata-style set does: the file has only 251 birthdays.
      dob: [0, 1, 2].map((part) => pick(values.get('dob')!).split('-')[part]).join('-'),
      city: pick(values.get('city')!),
      // An address made from the person's own name, at a domain the file uses, as the file's addresses are.
      email: `${first.toLowerCase()}${random() < 0.5 ? '.' : ''}${surname.toLowerCase()}${Math.floor(random() * 100)}@${pick(values.get('email')!).split('@')[1]}`,
    }
    const records = 1 + Math.floor(random() * 7)
    for (let k = 0; k < records && inputs.length < size; k++) {
      const r = { ...base }
      let swapped = false
      for (const f of fields) {
        if (f !== 'dob' && random() < missing.get(f)!) {
          r[f] = ''
          continue
        }
        if (random() >= differs.get(f)!) continue
        if (f === 'dob') r.dob = dateSlip(r.dob)
        else if ((f === 'first_name' || f === 'surname') && !swapped && random() < 0.1) swapped = true
        else r[f] = slip(r[f])
      }
      inputs.push({
        id: String(inputs.length),
        givenName: swapped ? r.surname : r.first_name,
        familyName: swapped ? r.first_name : r.surname,
        dateOfBirth: r.dob || null,
        town: r.city || null,
        emails: r.email ? [r.email] : [],
      })
      clusters.push(String(person))
    }
  }
  return { name: `fake-style ${size.toLocaleString('en-GB')} (from fake_1000.csv)`, inputs, clusters }
}

/**
 * Historical census-style, of the kind of Splink's historical_50k (not available here): made up entirely
 * from small built-in pools, nothing drawn from any real record. A person has one to eight records (most one
 * to three), each a transcription of the same entry: the first name as written that time (William, Will,
 * Bill, Wm), the surname in another spelling (Smith/Smyth, Thompson/Thomson, Andersen/Anderson) or with a
 * slip, a date of birth that is often missing, often only a year, and sometimes a year out (a census gives
 * an age, not a date), a birth place sometimes missing or misspelt, a made-up postcode sometimes mistyped or
 * missing, and sex and occupation sometimes missing. Surnames and towns are drawn with a skew (a few very
 * common, a long tail), so namesakes born the same year in the same town occur, as in a census.
 */
const HISTORICAL_GIVEN: readonly { sex: 'M' | 'F'; forms: readonly string[] }[] = [
  ...[
    'William Will Bill Billy Wm Willm',
    'John Jack Johnny Jno',
    'Thomas Tom Tommy Thos',
    'James Jim Jimmy Jas Jamie',
    'George Geo Georgie',
    'Charles Charlie Chas',
    'Henry Harry Hal Hy',
    'Joseph Joe Jos',
    'Robert Bob Robt Bert Rob',
    'Richard Dick Richd Rich',
    'Edward Ted Ned Edw Eddie',
    'Samuel Sam Saml',
    'Frederick Fred Freddie Fredk',
    'Benjamin Ben Benj',
    'Alexander Alex Alec Alexr',
    'Daniel Dan Danl',
    'Arthur Art Arth',
    'Albert Bert Albt',
    'Walter Walt Wally',
    'Francis Frank Fras',
    'Edmund Ned Edmd',
    'Matthew Matt Matw',
    'Isaac Ike',
    'Andrew Andy Andw',
    'Peter Pete',
    'Herbert Herb Bert',
    'Alfred Alf Alfie',
    'Ernest Ernie',
    'Stephen Steve Steven',
    'Hugh Hughie',
  ].map((line) => ({ sex: 'M' as const, forms: line.split(' ') })),
  ...[
    'Elizabeth Eliza Betsy Betty Bessie Lizzie Eliz',
    'Mary Polly Molly Mary-Ann',
    'Margaret Peggy Maggie Meg Margt Marjorie',
    'Ann Anne Annie Nancy Hannah',
    'Sarah Sally Sara Sarh',
    'Jane Jenny Jean Jennie',
    'Catherine Katherine Kate Kitty Cath Kathleen',
    'Ellen Helen Nellie Ella',
    'Emma Em Emmy',
    'Martha Patty Matty',
    'Susannah Susan Sukey Susanna',
    'Frances Fanny Fran',
    'Harriet Hattie Harriett',
    'Charlotte Lottie Charlotta',
    'Dorothy Dolly Dot Dora',
    'Louisa Louise Lou',
    'Caroline Carrie Carolina',
    'Florence Florrie Flo',
    'Alice Alicia Ally',
    'Eleanor Elinor Nora Nell',
    'Rebecca Becky Rebekah',
    'Amelia Millie Emily',
    'Jemima Mima',
    'Esther Hetty Hester',
    'Isabella Isabel Bella Ibbie',
  ].map((line) => ({ sex: 'F' as const, forms: line.split(' ') })),
]

const HISTORICAL_SURNAMES =
  'Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Pearson Graham Fletcher Gibson Ross Stewart Hudson Reid Kennedy Hopkins Hayes Payne Lawrence Hart Atkinson Spencer Berry Dawson Rowe Stephenson Lambert Whitehead Jefferson Nicholson Dickinson Hodgson Atherton Catherall Pilkington Ainsworth Greenhalgh Shuttleworth Haworth Entwistle Sutcliffe Ackroyd Thwaite Featherstone Postlethwaite'.split(
    ' ',
  )

/** Towns, with the misspellings a transcriber makes. */
const HISTORICAL_TOWNS =
  'London Manchester Liverpool Birmingham Leeds Sheffield Bristol Bradford Halifax Huddersfield Preston Blackburn Bolton Oldham Rochdale Wigan Stockport Salford Leicester Nottingham Derby Norwich Ipswich Exeter Plymouth Bath Gloucester Worcester Hereford Shrewsbury Chester Lancaster Kendal Carlisle Durham Sunderland Newcastle York Hull Lincoln Boston Grantham Peterborough Cambridge Oxford Reading Guildford Canterbury Dover Maidstone Brighton Portsmouth Southampton Winchester Salisbury Dorchester Taunton Truro Penzance Barnstaple Cheltenham Stroud Swindon Banbury Northampton Bedford Luton Colchester Chelmsford Macclesfield Congleton Wakefield Barnsley Doncaster Rotherham Whitby Scarborough Darlington Stockton Kidderminster Walsall Dudley Wolverhampton Coventry'.split(
    ' ',
  )

const HISTORICAL_OCCUPATIONS =
  'labourer farmer weaver spinner miner carpenter blacksmith tailor shoemaker servant clerk mason baker butcher grocer publican carter mariner teacher dressmaker laundress cook nurse'.split(
    ' ',
  )

/** Spellings a registrar or transcriber might give the same surname. */
function surnameVariant(name: string, random: () => number): string {
  const rules: [RegExp, string][] = [
    [/ith$/, 'yth'],
    [/mps/, 'ms'],
    [/son$/, 'sen'],
    [/sen$/, 'son'],
    [/ey$/, 'y'],
    [/ie$/, 'y'],
    [/ll/, 'l'],
    [/([^l])l([aeiou])/, '$1ll$2'],
    [/ck/, 'k'],
    [/ph/, 'f'],
    [/ai/, 'ay'],
    [/ou/, 'ow'],
    [/e$/, ''],
    [/([^e])$/, '$1e'],
    [/i/, 'y'],
    [/ar/, 'er'],
  ]
  const applicable = rules.filter(([p]) => p.test(name))
  if (applicable.length === 0) return name
  const [pattern, replacement] = applicable[Math.floor(random() * applicable.length)]
  return name.replace(pattern, replacement)
}

/**
 * A typing slip in a word: a letter changed, added, dropped, or two swapped, from position `from` on (1 keeps the
 * first letter, as a clerk copying a name mostly does); words too short to slip are left alone.
 */
function slipOf(random: () => number, from: 0 | 1) {
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  return (s: string): string => {
    if (s.length < from + 2) return s
    const at = from + Math.floor(random() * (s.length - from))
    const letter = letters[Math.floor(random() * letters.length)]
    const k = random()
    if (k < 0.3) return s.slice(0, at) + letter + s.slice(at + 1)
    if (k < 0.55) return s.slice(0, at) + letter + s.slice(at)
    if (k < 0.8) return s.slice(0, at) + s.slice(at + 1)
    const i = Math.min(at, s.length - 2)
    return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2)
  }
}

export function historicalStyle(size: number, seed = 1): GeneratedSet {
  const random = randomGenerator(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  // Zipf-like: early entries are much commoner than late ones.
  const skewed = <T>(list: readonly T[]): T => list[Math.floor(list.length * random() ** 1.6)]
  const chance = (p: number) => random() < p
  const slip = slipOf(random, 1)
  const alphanumeric = 'ABCDEFGHJKLMNPRSTUWXYZ0123456789'
  const postcodeSlip = (pc: string) => {
    const at = Math.floor(random() * pc.length)
    return pc[at] === ' ' ? pc.replace(' ', '') : pc.slice(0, at) + pick([...alphanumeric]) + pc.slice(at + 1)
  }
  const outcodes = Array.from(
    { length: 300 },
    () => `${pick([...'ABCDEFGHKLMNPRSTWY'])}${pick([...'ABCDEFGHKLMNPRSTWY'])}${1 + Math.floor(random() * 20)}`,
  )
  const inputs: PersonInput[] = []
  const clusters: string[] = []
  for (let person = 0; inputs.length < size; person++) {
    const given = skewed(HISTORICAL_GIVEN)
    const base = {
      sex: given.sex,
      given: given.forms[0],
      family: skewed(HISTORICAL_SURNAMES),
      year: 1780 + Math.floor(random() * 120),
      month: 1 + Math.floor(random() * 12),
      day: 1 + Math.floor(random() * 28),
      birthPlace: skewed(HISTORICAL_TOWNS),
      postcode: `${pick(outcodes)} ${Math.floor(random() * 10)}${pick([...'ABDEFGHJLNPQRSTUWXYZ'])}${pick([...'ABDEFGHJLNPQRSTUWXYZ'])}`,
      occupation: pick(HISTORICAL_OCCUPATIONS),
    }
    // One to eight records, most one to three.
    const records = Math.min(8, 1 + Math.floor(-Math.log(1 - random()) * 1.6))
    for (let k = 0; k < records && inputs.length < size; k++) {
      let first: string | null = base.given
      const f = random()
      if (f < 0.3) first = pick(given.forms.slice(1))
      else if (f < 0.38) first = slip(first)
      else if (f < 0.41) first = first[0]
      else if (f < 0.45) first = null
      let family: string | null = base.family
      const s = random()
      if (s < 0.2) family = surnameVariant(family, random)
      else if (s < 0.3) family = slip(family)
      else if (s < 0.33) family = null
      let dateOfBirth: PersonInput['dateOfBirth'] = null
      const d = random()
      const year = base.year + (chance(0.2) ? (chance(0.5) ? 1 : -1) : 0)
      if (d < 0.3) dateOfBirth = null
      else if (d < 0.6) dateOfBirth = { year, month: null, day: null }
      else if (d < 0.67) dateOfBirth = { year: base.year, month: base.month, day: 1 + Math.floor(random() * 28) }
      else dateOfBirth = { year, month: base.month, day: base.day }
      let birthPlace: string | null = base.birthPlace
      if (chance(0.25)) birthPlace = null
      else if (chance(0.1)) birthPlace = slip(birthPlace)
      let postcode: string | null = base.postcode
      if (chance(0.3)) postcode = null
      else if (chance(0.15)) postcode = postcodeSlip(postcode)
      inputs.push({
        id: String(inputs.length),
        givenName: first,
        familyName: family,
        dateOfBirth,
        sex: chance(0.1) ? null : base.sex,
        birthPlace,
        postcode,
        // The engine compares no occupation; kept out, as the bench keeps historical_50k's out.
      })
      clusters.push(String(person))
    }
  }
  return { name: `historical-style ${size.toLocaleString('en-GB')} (generated)`, inputs, clusters }
}

/**
 * The stress set of MATCHING.md §6.7: the people referrals describe, made up from distributions by the
 * engine's own generator (`SyntheticPeople`: a CTDC-shaped mix of British, Romanian, Albanian, Vietnamese,
 * Polish, Nigerian, Eritrean, Chinese and other names with a skew to the common ones; transliteration
 * variants such as Nguyễn/Nguyen, Mohammed/Muhammad, Aleksandr/Alexander; diacritics lost; given and family
 * name swapped or written family-first as one string; dates of birth swapped, partial, placeholder 01/01 or a
 * year out; phones written 07…, +44 7… or without spaces; moves of address), with a slip in one postcode in
 * eight on top (a character replaced, or the space lost). One record in three is another of an earlier
 * person's records.
 */
export function stressStyle(size: number, seed = 1): GeneratedSet {
  const generator = new SyntheticPeople({ seed, duplicateRate: 0.35 })
  const random = randomGenerator(seed + 1)
  const alphanumeric = 'ABDEFGHJLNPQRSTUWXYZ0123456789'
  const inputs: PersonInput[] = []
  const clusters: string[] = []
  for (let i = 0; i < size; i++) {
    const { identity, ...record } = generator.next()
    let postcode = record.postcode ?? null
    if (postcode && random() < 0.125) {
      const at = Math.floor(random() * postcode.length)
      postcode =
        postcode[at] === ' '
          ? postcode.replace(' ', '')
          : postcode.slice(0, at) + alphanumeric[Math.floor(random() * alphanumeric.length)] + postcode.slice(at + 1)
    }
    inputs.push({ ...record, postcode })
    clusters.push(String(identity))
  }
  return { name: `stress ${size.toLocaleString('en-GB')} (generated, MATCHING.md §6.7)`, inputs, clusters }
}
