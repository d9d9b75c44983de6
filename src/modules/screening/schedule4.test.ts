import { describe, expect, it } from 'vitest'
import { loadSchedule4 } from './legal-data.ts'
import { identifyOffences, matchSchedule4, normaliseOffenceText, scheduleEntriesFor } from './schedule4.ts'

const schedule = loadSchedule4()
const expectedStatus = (o: { status: string; qualifier?: string }) =>
  o.status === 'confirmed' && !o.qualifier ? 'listed' : 'possibly'
const citationOf = (o: { act: string; section: string | null }) =>
  `${o.act} ${o.section!.startsWith('Part') ? o.section : `s${o.section}`}`

describe('Schedule 4: every entry is found by its own legal identity', () => {
  const withSection = schedule.offences.filter((o) => o.section !== null)
  it.each(withSection.map((o) => [`${o.act} s${o.section} (${o.name})`, o] as const))(
    '%s, cited by statute and section',
    (_label, entry) => {
      const finding = matchSchedule4(citationOf(entry), schedule)
      expect(finding.matches).toContainEqual(
        expect.objectContaining({ act: entry.act, section: entry.section, name: entry.name }),
      )
      expect(finding.identified[0]).toMatchObject({ act: entry.act, how: 'citation' })
      // Another entry of the same section with a qualifier (Criminal Damage Act s1 and s1(2)) may make it only "possibly".
      const all = scheduleEntriesFor({ act: entry.act, section: finding.identified[0].section }, schedule)
      expect(finding.status).toBe(all.some((e) => expectedStatus(e) === 'listed') ? 'listed' : 'possibly')
    },
  )

  it.each(schedule.offences.map((o) => [`${o.name} (${o.act}${o.section ? ` s${o.section}` : ''})`, o] as const))(
    '%s, named in full',
    (_label, entry) => {
      const finding = matchSchedule4(entry.name, schedule)
      expect(finding.matches).toContainEqual(
        expect.objectContaining({ act: entry.act, section: entry.section, name: entry.name }),
      )
      expect(finding.status).not.toBe('not-found')
    },
  )

  it('never matches an entry of another statute that shares a section number', () => {
    // Road Traffic Act 1988 s1 (causing death by dangerous driving) is listed; Theft Act 1968 s1 (theft) is not.
    expect(matchSchedule4('Theft Act 1968 s1', schedule)).toMatchObject({
      status: 'not-found',
      identified: [{ act: 'Theft Act 1968', section: '1', schedule4: 'not-listed' }],
    })
    expect(matchSchedule4('s4 Misuse of Drugs Act 1971', schedule).status).toBe('not-found')
    expect(matchSchedule4('OAPA 1861 s47', schedule).status).toBe('not-found')
    expect(matchSchedule4('section 18 of the Offences Against the Person Act 1861', schedule).status).toBe('listed')
  })
})

/** Common County Lines, sexual exploitation and labour offences, and whether Schedule 4 (as held) covers them. */
const TABLE: [description: string, status: 'listed' | 'possibly' | 'not-found', identifiedAs: string | null][] = [
  // County Lines and drugs: never the Road Traffic Act's "drink or drugs", never "possession of prohibited firearms".
  ['possession with intent to supply a controlled drug of class A', 'not-found', 'Misuse of Drugs Act 1971 s5(3)'],
  ['possession with intent to supply Class A', 'not-found', 'Misuse of Drugs Act 1971 s5(3)'],
  ['PWITS class A (crack cocaine and heroin)', 'not-found', 'Misuse of Drugs Act 1971 s5(3)'],
  ['being concerned in the supply of a controlled drug of class A', 'not-found', 'Misuse of Drugs Act 1971 s4(3)'],
  ['being concerned in the supply', 'not-found', 'Misuse of Drugs Act 1971 s4(3)'],
  ['simple possession of cannabis', 'not-found', 'Misuse of Drugs Act 1971 s5(2)'],
  ['possession of a controlled drug', 'not-found', 'Misuse of Drugs Act 1971 s5(2)'],
  ['production of cannabis', 'not-found', 'Misuse of Drugs Act 1971 s4(2)'],
  ['money laundering', 'not-found', 'Proceeds of Crime Act 2002 s327'],
  ['possession of a bladed article', 'not-found', 'Criminal Justice Act 1988 s139'],
  // Violence: GBH with intent (s18) and malicious wounding / GBH (s20) ARE in Schedule 4; ABH and common assault are not.
  ['robbery', 'listed', 'Theft Act 1968 s8'],
  ['street robbery of a phone', 'listed', 'Theft Act 1968 s8'],
  ['assault with intent to rob', 'listed', 'Theft Act 1968 s8'],
  ['GBH with intent', 'listed', 'Offences against the Person Act 1861 s18'],
  ['wounding with intent to cause grievous bodily harm', 'listed', 'Offences against the Person Act 1861 s18'],
  ['s18 GBH', 'listed', 'Offences against the Person Act 1861 s18'],
  ['GBH', 'listed', 'Offences against the Person Act 1861 s20'],
  ['unlawful wounding', 'listed', 'Offences against the Person Act 1861 s20'],
  ['assault occasioning actual bodily harm', 'not-found', 'Offences against the Person Act 1861 s47'],
  ['ABH', 'not-found', 'Offences against the Person Act 1861 s47'],
  ['common assault', 'not-found', 'Criminal Justice Act 1988 s39'],
  ['threats to kill', 'listed', 'Offences against the Person Act 1861 s16'],
  ['kidnapping', 'listed', 'common law'],
  ['false imprisonment', 'listed', 'common law'],
  ['murder', 'listed', 'common law'],
  ['attempted murder', 'possibly', 'common law'],
  ['blackmail', 'listed', 'Theft Act 1968 s21'],
  ['burglary', 'possibly', 'Theft Act 1968 s9'],
  ['theft (shoplifting)', 'not-found', 'Theft Act 1968 s1'],
  ['begging', 'not-found', 'Vagrancy Act 1824 s3'],
  // Immigration: facilitation (Immigration Act 1971 s25) is in Schedule 4; a migrant's own offences are not.
  ['assisting unlawful immigration', 'listed', 'Immigration Act 1971 s25'],
  ['illegal entry', 'not-found', 'Immigration Act 1971 s24'],
  ['illegal working', 'not-found', 'Immigration Act 1971 s24B'],
  ['possession of a false identity document', 'not-found', 'Identity Documents Act 2010 s6'],
  // Sexual exploitation.
  ['brothel keeping', 'not-found', 'Sexual Offences Act 1956 s33A'],
  ['controlling prostitution for gain', 'not-found', 'Sexual Offences Act 2003 s53'],
  ['loitering for the purposes of prostitution', 'not-found', 'Street Offences Act 1959 s1'],
  ['rape', 'listed', 'Sexual Offences Act 2003 s1'],
  ['sexual assault', 'listed', 'Sexual Offences Act 2003 s3'],
  ['arranging or facilitating sexual exploitation of a child', 'possibly', 'Sexual Offences Act 2003 s50'],
  // Labour exploitation and fraud.
  ['fraud by false representation', 'not-found', 'Fraud Act 2006 s1'],
  ['benefit fraud', 'not-found', 'Fraud Act 2006 s1'],
  ['possession of articles for use in fraud', 'not-found', 'Fraud Act 2006 s6'],
  ['handling stolen goods', 'not-found', 'Theft Act 1968 s22'],
  // Unconfirmed entries are only ever "possibly".
  ['violent disorder', 'possibly', 'Public Order Act 1986 s2'],
  ['Road Traffic Act 1988 s3A', 'possibly', 'Road Traffic Act 1988 s3A'],
  // Loose words identify nothing.
  ['drugs', 'not-found', null],
  ['drink or drugs', 'not-found', null],
  ['was found with cash and a phone', 'not-found', null],
]

describe('Schedule 4: common County Lines, sexual exploitation and labour offences', () => {
  it.each(TABLE)('%s → %s', (description, status, identifiedAs) => {
    const finding = matchSchedule4(description, schedule)
    expect(finding.status).toBe(status)
    const cited = finding.identified.map((i) => (i.act === 'Common law' ? 'common law' : `${i.act} s${i.section}`))
    if (identifiedAs) expect(cited).toContain(identifiedAs)
    else expect(finding.identified).toEqual([])
    // The Road Traffic Act entry must never appear for a drugs offence.
    if (!/road traffic|driving/i.test(description))
      expect(finding.matches.map((m) => m.act)).not.toContain('Road Traffic Act 1988')
  })

  it('says what it identified, and that the list it holds is incomplete, when an offence is not in Schedule 4', () => {
    const finding = matchSchedule4('possession with intent to supply a controlled drug of class A', schedule)
    expect(finding.message).toContain('Misuse of Drugs Act 1971 s5(3)')
    expect(finding.message).toContain('Verify against the current schedule')
    expect(finding.message).not.toContain('Road Traffic')
    expect(matchSchedule4('something unheard of', schedule).message).toContain(
      'could not identify the statute and section',
    )
  })

  it('reports each offence when a description names more than one', () => {
    const finding = matchSchedule4('PWITS and robbery', schedule)
    expect(finding.status).toBe('listed')
    expect(finding.identified.map((i) => i.schedule4)).toEqual(['not-listed', 'listed'])
  })
})

describe('Schedule 4 aliases data', () => {
  it('ties every wording to a statute and section that exist, and gives a name to every offence not in the schedule', () => {
    for (const offence of schedule.aliases.offences) {
      const entries = scheduleEntriesFor({ act: offence.act, section: offence.section, name: offence.name }, schedule)
      if (entries.length === 0) expect(offence.name, `${offence.act} ${offence.section}`).toBeTruthy()
      if (offence.section === null) expect(entries.length, `${offence.name}`).toBe(1)
    }
  })

  it('never uses a single loose word that names no offence', () => {
    const loose = new Set([
      'drugs',
      'drug',
      'supply',
      'possession',
      'intent',
      'class',
      'or',
      'and',
      'harm',
      'death',
      'driving',
      'facilitation',
      'soliciting',
    ])
    for (const offence of schedule.aliases.offences)
      for (const alias of offence.aliases) expect(loose.has(normaliseOffenceText(alias)), alias).toBe(false)
  })

  it('identifies a citation with the statute written in full, abbreviated, or after the section', () => {
    for (const text of ['Theft Act 1968 s8', 's.8 Theft Act 1968', 'section 8 of the Theft Act 1968', 'TA 1968 s8']) {
      expect(identifyOffences(text, schedule), text).toEqual([
        expect.objectContaining({ act: 'Theft Act 1968', section: '8', how: 'citation' }),
      ])
    }
  })
})
