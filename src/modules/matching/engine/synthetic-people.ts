import type { PersonInput } from './person-record.ts'
import { randomGenerator } from './training.ts'

/**
 * Synthetic people for benchmarks and tests: per-nationality name pools drawn with a Zipf-like skew (a few
 * very common surnames, a long tail), then duplicate records with the faults seen in referrals — keying
 * slips, transliteration variants and native scripts, order swaps, nicknames, partial, swapped and
 * placeholder dates, reformatted phones, shared addresses. Entirely made up; no real person.
 */
interface NamePool {
  readonly weight: number
  readonly nationality: string
  readonly familyFirst?: boolean
  readonly male: readonly string[]
  readonly female: readonly string[]
  readonly family: readonly string[]
  /** Latin form → other renderings of the same name (native script, other transliterations). */
  readonly variants?: Readonly<Record<string, readonly string[]>>
  readonly phonePrefix?: string
}

const POOLS: readonly NamePool[] = [
  {
    weight: 30,
    nationality: 'GB',
    male: 'James Oliver Jack Harry George Thomas William Daniel Joshua Michael David Robert Andrew Christopher Matthew Samuel Joseph Benjamin Ryan Liam Connor Kieran Jordan Lewis Callum Nathan Adam Luke Jake Charlie'.split(
      ' ',
    ),
    female:
      'Olivia Emily Jessica Sophie Chloe Charlotte Lucy Hannah Amy Lauren Megan Rebecca Sarah Katherine Elizabeth Jennifer Laura Emma Rachel Danielle Jade Chelsea Courtney Shannon Paige Leah Amber Holly Abigail Victoria'.split(
        ' ',
      ),
    family:
      'Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey'.split(
        ' ',
      ),
  },
  {
    weight: 14,
    nationality: 'RO',
    phonePrefix: '+40 7',
    male: 'Ion Gheorghe Constantin Alexandru Vasile Nicolae Mihai Ștefan Dumitru Florin Gabriel Cristian Adrian Andrei Marius Ionuț Bogdan Răzvan Sorin Daniel Cătălin Ciprian Costel Liviu Valentin'.split(
      ' ',
    ),
    female:
      'Maria Elena Ioana Ana Mihaela Andreea Cristina Daniela Gabriela Alexandra Alina Nicoleta Roxana Simona Florentina Loredana Ramona Larisa Denisa Bianca Georgiana Ecaterina Ionela Oana Raluca'.split(
        ' ',
      ),
    family:
      'Popescu Ionescu Popa Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Rusu Munteanu Constantin Marin Lazăr Mocanu Moldovan Florea Barbu Tudor Ilie Dinu Vasile Toma Sârbu Păun Niculescu Oprea Lungu Țurcanu Ștefănescu Bălan Cojocaru Dobre Nistor Ene Zamfir Preda Neagu'.split(
        ' ',
      ),
  },
  {
    weight: 10,
    nationality: 'AL',
    phonePrefix: '+355 6',
    male: 'Gjergj Gjon Arben Besnik Fatmir Shpetim Ardit Erion Klodian Endrit Dritan Ilir Artan Genti Florian Agron Blerim Elton Kujtim Mehmet Leonard Altin Bujar Arjan Ervin'.split(
      ' ',
    ),
    female:
      'Flutura Luljeta Valbona Elona Klea Anisa Besa Drita Mimoza Jonida Arta Enkeleda Ornela Vjollca Lindita Manjola Ermira Blerina Eriola Xhensila Anjeza Fjora Rudina Teuta Zamira'.split(
        ' ',
      ),
    family:
      'Hoxha Shehu Gjoka Leka Prifti Dervishi Kola Marku Gjoni Çela Basha Kastrati Berisha Mema Hysa Dushku Kuka Gashi Thaçi Zeneli Lika Bajrami Rama Meta Hasani Muça Shkurti Troshani Dibra Bregu'.split(
        ' ',
      ),
  },
  {
    weight: 12,
    nationality: 'VN',
    familyFirst: true,
    phonePrefix: '+84 9',
    male: 'Văn Anh|Văn Minh|Văn Hùng|Văn Dũng|Văn Tuấn|Đức Thắng|Quang Huy|Minh Tuấn|Thanh Tùng|Văn Nam|Hoàng Long|Văn Phúc|Đình Khoa|Văn Hải|Văn Toàn|Tiến Dũng|Văn Lâm|Bảo Ngọc|Công Vinh|Văn Đức'.split(
      '|',
    ),
    female:
      'Thị Lan|Thị Hoa|Thị Mai|Thị Hương|Thị Hằng|Thị Thu|Ngọc Anh|Thị Nga|Thị Linh|Thị Hà|Thị Trang|Thị Phương|Thanh Huyền|Thị Yến|Thị Thảo|Kim Ngân|Thị Nhung|Thị Dung|Thị Vân|Thị Loan'.split(
        '|',
      ),
    family:
      'Nguyễn Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Đoàn Lâm Mai Trương Cao Tạ Hà'.split(
        ' ',
      ),
  },
  {
    weight: 10,
    nationality: 'PL',
    phonePrefix: '+48 5',
    male: 'Piotr Krzysztof Andrzej Tomasz Paweł Marcin Michał Marek Grzegorz Jan Łukasz Adam Zbigniew Jerzy Tadeusz Mateusz Dariusz Mariusz Wojciech Rafał Jacek Kamil Maciej Robert Bartłomiej'.split(
      ' ',
    ),
    female:
      'Anna Katarzyna Maria Małgorzata Agnieszka Barbara Ewa Krystyna Elżbieta Magdalena Joanna Aleksandra Monika Teresa Danuta Natalia Karolina Marta Beata Dorota Justyna Paulina Weronika Zofia Agata'.split(
        ' ',
      ),
    family:
      'Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Wojciechowski Kwiatkowski Krawczyk Kaczmarek Piotrowski Grabowski Zając Pawłowski Michalski Król Wieczorek Jabłoński Wróbel Nowakowski Majewski Olszewski'.split(
        ' ',
      ),
  },
  {
    weight: 8,
    nationality: 'CN',
    familyFirst: true,
    phonePrefix: '+86 13',
    male: 'Wei Jun Hao Lei Jie Tao Ming Qiang Yong Jian Bo Gang Hui Xiaoming Zhiwei Jianhua Haoran Yuxuan Zihan Jiahao'.split(
      ' ',
    ),
    female: 'Fang Li Na Jing Min Yan Ying Hong Xiu Mei Lan Juan Xiaoyan Yuting Xinyi Jiayi Shuang Lili Qian Ting'.split(
      ' ',
    ),
    family: 'Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo'.split(' '),
    variants: {
      Wang: ['王'],
      Li: ['李'],
      Zhang: ['张', 'Chang'],
      Liu: ['刘'],
      Chen: ['陈', 'Chan'],
      Yang: ['杨'],
      Huang: ['黄', 'Wong'],
      Zhao: ['赵', 'Chao'],
      Wu: ['吴', 'Ng'],
      Zhou: ['周', 'Chou'],
      Xu: ['徐', 'Hsu'],
      Xiaoming: ['小明', 'Hsiao-ming', 'Xiao Ming'],
      Wei: ['伟'],
      Fang: ['芳'],
      Jing: ['静', 'Ching'],
      Zhiwei: ['志伟', 'Chih-wei'],
      Jianhua: ['建华', 'Chien-hua'],
    },
  },
  {
    weight: 6,
    nationality: 'ER',
    phonePrefix: '+291 7',
    male: 'Yohannes Tesfay Mehari Haile Mebrahtu Gebremedhin Samuel Dawit Yonas Berhane Kidane Amanuel Filmon Habtom Tekle Semere Goitom Michael Biniam Ermias'.split(
      ' ',
    ),
    female:
      'Senait Selamawit Helen Lidia Rahel Saba Yordanos Winta Feven Hiwet Mehret Luwam Eden Ruta Almaz Tsega Mebrat Freweyni Nebiat Simret'.split(
        ' ',
      ),
    family:
      'Tesfay Gebremedhin Haile Tekle Berhe Kidane Mehari Woldu Ghebreyesus Abraha Kahsay Asmelash Yemane Tesfamariam Mebrahtu Habte Weldemichael Araya Negash Gebru'.split(
        ' ',
      ),
    variants: {
      Tesfay: ['ተስፋይ', 'Tesfaye', 'Tesfai'],
      Haile: ['ሃይለ', 'Hayle'],
      Yohannes: ['ዮሃንስ', 'Yohanes', 'Johannes'],
      Berhe: ['በርሀ', 'Berhie'],
      Senait: ['ሰናይት'],
      Dawit: ['ዳዊት', 'Dawid'],
      Kidane: ['ኪዳነ', 'Kidana'],
    },
  },
  {
    weight: 6,
    nationality: 'SD',
    phonePrefix: '+249 9',
    male: 'Mohammed Ahmed Ali Omar Ibrahim Yousif Hassan Hussein Abdalla Mustafa Osman Khalid Adam Ismail Salih Abubakar Tariq Hamid Musa Suleiman'.split(
      ' ',
    ),
    female:
      'Fatima Amina Aisha Maryam Khadija Zainab Huda Samira Nadia Sara Asma Hawa Mona Rania Salma Hana Leila Noura Amal Rasha'.split(
        ' ',
      ),
    family:
      'Mohammed Ahmed Ali Osman Abdalla Hassan Ibrahim Adam Yousif Hamid Musa Elamin Elsayed Babiker Abdelrahman Suleiman Khalil Ismail Omer Bashir'.split(
        ' ',
      ),
    variants: {
      Mohammed: ['محمد', 'Muhammad', 'Mohamed', 'Mohammad'],
      Ahmed: ['أحمد', 'Ahmad'],
      Hassan: ['حسن', 'Hasan'],
      Hussein: ['حسين', 'Husain', 'Hussain'],
      Yousif: ['يوسف', 'Yusuf', 'Youssef'],
      Ibrahim: ['إبراهيم', 'Ebrahim'],
      Osman: ['عثمان', 'Othman', 'Uthman'],
      Abdalla: ['عبد الله', 'Abdullah', 'Abdallah'],
      Fatima: ['فاطمة', 'Fatma'],
      Omar: ['عمر', 'Umar'],
    },
  },
  {
    weight: 4,
    nationality: 'NG',
    phonePrefix: '+234 80',
    male: 'Chinedu Emeka Oluwaseun Tunde Ifeanyi Chukwuemeka Babatunde Adebayo Obinna Uchenna Segun Femi Kelechi Nnamdi Olumide'.split(
      ' ',
    ),
    female:
      'Ngozi Chioma Adaeze Funmilayo Blessing Oluwakemi Yetunde Nkechi Amaka Folake Temitope Abimbola Ifeoma Uchechi Bukola'.split(
        ' ',
      ),
    family:
      'Okafor Adeyemi Okonkwo Olawale Eze Nwosu Adebayo Obi Ogunleye Chukwu Afolabi Okeke Balogun Ibrahim Nwachukwu'.split(
        ' ',
      ),
  },
]

const OUTCODES =
  'B1 B6 B10 B19 M8 M14 M40 LS6 LS9 BD3 BD8 HU3 HU5 SR2 PE1 PE13 L7 L8 E1 E6 E13 N15 N17 NW10 SE15 SW9 CR0 LE2 LE5 NG7 S3 S4 WF1 HD1 BB1 OL1 CV1 ST4 WV1 DY1 SO14 PO1 CF24 NP20 G42 EH6 BS5 LU1 SL1 RM6'.split(
    ' ',
  )
const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'
const STREETS =
  'High Street|Church Road|Station Road|Victoria Road|Green Lane|Manor Road|Park Road|Queens Road|Albert Road|Grange Road|King Street|New Road|Mill Lane|School Lane|Springfield Road|York Road|Stanley Road|Windsor Road|Clarence Road|Cromwell Road|Moss Lane|Oxford Road|Beech Grove|Chapel Street|Market Street'.split(
    '|',
  )
const TOWNS: Readonly<Record<string, string>> = {
  B: 'Birmingham',
  M: 'Manchester',
  LS: 'Leeds',
  BD: 'Bradford',
  HU: 'Hull',
  SR: 'Sunderland',
  PE: 'Peterborough',
  L: 'Liverpool',
  E: 'London',
  N: 'London',
  NW: 'London',
  SE: 'London',
  SW: 'London',
  CR: 'Croydon',
  LE: 'Leicester',
  NG: 'Nottingham',
  S: 'Sheffield',
  WF: 'Wakefield',
  HD: 'Huddersfield',
  BB: 'Blackburn',
  OL: 'Oldham',
  CV: 'Coventry',
  ST: 'Stoke-on-Trent',
  WV: 'Wolverhampton',
  DY: 'Dudley',
  SO: 'Southampton',
  PO: 'Portsmouth',
  CF: 'Cardiff',
  NP: 'Newport',
  G: 'Glasgow',
  EH: 'Edinburgh',
  BS: 'Bristol',
  LU: 'Luton',
  SL: 'Slough',
  RM: 'Romford',
}

const NICKNAMES: Readonly<Record<string, string>> = {
  James: 'Jim',
  Thomas: 'Tom',
  William: 'Bill',
  Daniel: 'Dan',
  Michael: 'Mike',
  Robert: 'Bob',
  Joshua: 'Josh',
  Christopher: 'Chris',
  Matthew: 'Matt',
  Samuel: 'Sam',
  Joseph: 'Joe',
  Benjamin: 'Ben',
  Katherine: 'Kate',
  Elizabeth: 'Liz',
  Jessica: 'Jess',
  Rebecca: 'Becky',
  Abigail: 'Abby',
  Victoria: 'Vicky',
  Jennifer: 'Jenny',
  Katarzyna: 'Kasia',
  Małgorzata: 'Gosia',
  Aleksandra: 'Ola',
  Wojciech: 'Wojtek',
  Bartłomiej: 'Bartek',
  Constantin: 'Costel',
  Alexandru: 'Sandu',
  Gheorghe: 'George',
  Ion: 'John',
  Gjon: 'John',
  Yohannes: 'Johannes',
  Mohammed: 'Mo',
  Yousif: 'Joseph',
  Abdalla: 'Abdul',
}

export interface SyntheticPerson extends PersonInput {
  /** The identity this record describes; several records may share one. For evaluation only. */
  readonly identity: number
}

interface Identity {
  pool: NamePool
  sex: 'F' | 'M'
  given: string
  family: string
  year: number
  month: number
  day: number
  phone: string
  postcode: string
  street: string
  number: number
  town: string
}

export interface SyntheticOptions {
  seed?: number
  /** Share of records that are another record of an already generated identity. */
  duplicateRate?: number
  /** Share of people housed at one of a few hundred shared addresses (hostels, HMOs). */
  sharedAddressRate?: number
}

/** An endless, reproducible stream of synthetic person records. */
export class SyntheticPeople {
  private readonly random: () => number
  private readonly identities: Identity[] = []
  private readonly hostels: { postcode: string; street: string; number: number; town: string }[] = []
  private readonly duplicateRate: number
  private readonly sharedAddressRate: number
  private readonly poolWeights: number
  private nextId = 0

  constructor(options: SyntheticOptions = {}) {
    this.random = randomGenerator(options.seed ?? 2024)
    this.duplicateRate = options.duplicateRate ?? 0.15
    this.sharedAddressRate = options.sharedAddressRate ?? 0.03
    this.poolWeights = POOLS.reduce((s, p) => s + p.weight, 0)
    for (let i = 0; i < 400; i++) this.hostels.push(this.address())
  }

  get identityCount(): number {
    return this.identities.length
  }

  private int(n: number): number {
    return Math.floor(this.random() * n)
  }

  private chance(p: number): boolean {
    return this.random() < p
  }

  /** Zipf-like: early entries of a list are much more common than late ones. */
  private skewed<T>(list: readonly T[]): T {
    return list[Math.floor(list.length * this.random() ** 1.4)]
  }

  private address(): { postcode: string; street: string; number: number; town: string } {
    const outcode = this.skewed(OUTCODES)
    const postcode = `${outcode} ${1 + this.int(9)}${UNIT_LETTERS[this.int(20)]}${UNIT_LETTERS[this.int(20)]}`
    return {
      postcode,
      street: STREETS[this.int(STREETS.length)],
      number: 1 + this.int(180),
      town: TOWNS[/^[A-Z]+/.exec(outcode)![0]],
    }
  }

  private phone(pool: NamePool): string {
    const digits = (n: number) => Array.from({ length: n }, () => this.int(10)).join('')
    // Most people referred in the UK have a UK mobile; some keep a home-country number.
    if (!pool.phonePrefix || this.chance(0.7)) return `07${1 + this.int(5)}${digits(2)} ${digits(6)}`
    return `${pool.phonePrefix}${digits(8)}`
  }

  private newIdentity(): Identity {
    let r = this.random() * this.poolWeights
    let pool = POOLS[0]
    for (const p of POOLS) {
      r -= p.weight
      if (r < 0) {
        pool = p
        break
      }
    }
    const sex = this.chance(0.55) ? 'M' : 'F'
    const home = this.chance(this.sharedAddressRate) ? this.hostels[this.int(this.hostels.length)] : this.address()
    return {
      pool,
      sex,
      given: this.skewed(sex === 'M' ? pool.male : pool.female),
      family: this.skewed(pool.family),
      year: 1950 + this.int(58),
      month: 1 + this.int(12),
      day: 1 + this.int(28),
      phone: this.phone(pool),
      ...home,
    }
  }

  next(): SyntheticPerson {
    if (this.identities.length > 0 && this.chance(this.duplicateRate)) {
      const identity = this.int(this.identities.length)
      return this.record(identity, true)
    }
    this.identities.push(this.newIdentity())
    return this.record(this.identities.length - 1, false)
  }

  /** Another record of an existing identity, with the faults of a second source. */
  variantOf(identity: number): SyntheticPerson {
    return this.record(identity, true)
  }

  /** A record of someone not generated before. */
  newcomer(): SyntheticPerson {
    this.identities.push(this.newIdentity())
    return this.record(this.identities.length - 1, false)
  }

  private typo(s: string): string {
    if (s.length < 3) return s
    const i = 1 + this.int(s.length - 2)
    const kind = this.int(4)
    const letter = 'aeinorstlu'[this.int(10)]
    if (kind === 0) return s.slice(0, i) + s.slice(i + 1)
    if (kind === 1) return s.slice(0, i) + letter + s.slice(i)
    if (kind === 2) return s.slice(0, i) + letter + s.slice(i + 1)
    return s.slice(0, i - 1) + s[i] + s[i - 1] + s.slice(i + 1)
  }

  private spelling(name: string, pool: NamePool): string {
    const options = pool.variants?.[name]
    if (options && this.chance(0.6)) return options[this.int(options.length)]
    // Keyboards without diacritics: Ștefan → Stefan, Łukasz → Lukasz, Nguyễn → Nguyen.
    if (this.chance(0.5))
      return name
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .replace(/ł/g, 'l')
        .replace(/Ł/g, 'L')
        .replace(/đ/g, 'd')
        .replace(/Đ/g, 'D')
    return name
  }

  private record(identityIndex: number, variant: boolean): SyntheticPerson {
    const id = this.identities[identityIndex]
    const pool = id.pool
    let given = id.given
    let family = id.family
    let year: number | null = id.year
    let month: number | null = id.month
    let day: number | null = id.day
    let phone: string | null = id.phone
    let postcode: string | null = id.postcode
    let street: string | null = `${id.number} ${id.street}`
    let fullName: string | null = null
    if (variant) {
      if (this.chance(0.35)) given = this.spelling(given, pool)
      if (this.chance(0.35)) family = this.spelling(family, pool)
      if (this.chance(0.12)) given = this.typo(given)
      if (this.chance(0.12)) family = this.typo(family)
      if (NICKNAMES[given] && this.chance(0.3)) given = NICKNAMES[given]
      if (pool.nationality === 'PL' && id.sex === 'F' && this.chance(0.5))
        family = family.replace(/ski$/, 'ska').replace(/cki$/, 'cka')
      if (pool.nationality === 'AL' && this.chance(0.15)) family = family.endsWith('i') ? family : `${family}i`
      // The name written as one string, sometimes in the other order.
      if (this.chance(0.15))
        fullName = pool.familyFirst || this.chance(0.3) ? `${family} ${given}` : `${given} ${family}`
      else if (this.chance(0.05)) [given, family] = [family, given]
      const dateFault = this.random()
      if (dateFault < 0.06) [month, day] = [day, month]
      else if (dateFault < 0.12) [month, day] = [null, null]
      else if (dateFault < 0.15) [month, day] = [1, 1]
      else if (dateFault < 0.2) day = Math.min(28, Math.max(1, day + (this.chance(0.5) ? 1 : -1) * (1 + this.int(3))))
      else if (dateFault < 0.23) year += this.chance(0.5) ? 1 : -1
      else if (dateFault < 0.3) year = null
      if (this.chance(0.4)) phone = null
      else if (this.chance(0.3)) phone = phone.startsWith('07') ? `+44 ${phone.slice(1)}` : phone.replace(/\s/g, '')
      if (this.chance(0.25)) {
        const moved = this.address()
        postcode = moved.postcode
        street = `${moved.number} ${moved.street}`
      } else if (this.chance(0.2)) postcode = null
      if (this.chance(0.3)) street = null
    }
    return {
      id: String(this.nextId++),
      identity: identityIndex,
      givenName: fullName ? null : given,
      familyName: fullName ? null : family,
      fullName,
      nationality: pool.nationality,
      sex: id.sex,
      dateOfBirth: year ? { year, month, day } : null,
      phones: phone ? [phone] : [],
      postcode,
      addressLines: street ? [street] : [],
      town: id.town,
    }
  }
}

/** The full name and ISO date of birth a plain SQL baseline would store. */
export function baselineFields(p: PersonInput): { fullName: string; dob: string | null } {
  const fullName = p.fullName ?? [p.givenName, p.familyName].filter(Boolean).join(' ')
  const d = p.dateOfBirth
  let dob: string | null = null
  // A date that cannot exist (a swapped 25/10 read as month 25) is rejected by a date column, as by a form.
  if (d && typeof d === 'object' && d.year && d.month && d.day && d.month <= 12)
    dob = `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`
  return { fullName, dob }
}
