import { describe, expect, it } from 'vitest'
import { COMPARISONS, FIELD, comparePeople, newPairComparison } from './comparisons.ts'
import { preparePerson } from './person-record.ts'

function emailLevel(a: string, b: string): string {
  const pair = comparePeople(
    preparePerson({ id: 'a', emails: [a] }),
    preparePerson({ id: 'b', emails: [b] }),
    newPairComparison(),
  )
  return COMPARISONS[FIELD.email].levels[pair.levels[FIELD.email]].code
}

describe('email comparison', () => {
  it('counts two slips in a long address as close', () => {
    expect(emailLevel('isaac.iames@smjth.com', 'isaac.james@smith.com')).toBe('close')
    expect(emailLevel('fb@reese.com', 'fb@reose.cem')).toBe('close')
  })

  it('does not count two slips that are the whole of a short user name as close', () => {
    // Two different people at one firm: h.k and f.j differ in every letter they have.
    expect(emailLevel('h.k@sharp.com', 'f.j@sharp.com')).toBe('different')
  })

  it("does not count namesakes' addresses as similar when the numbers they chose differ", () => {
    // Both user names are the person's name; only the number says whose account it is.
    expect(emailLevel('john.smith12@hughes.com', 'johnsmith47@patel.net')).toBe('different')
    // The same number, or one a slip of the other, at another domain: still a similar user name.
    expect(emailLevel('john.smith12@hughes.com', 'johnsmith12@patel.net')).toBe('similar-user')
    expect(emailLevel('hmay32@richardson-rhodes.com', 'hmay3@richarsson-rhooded.com')).toBe('similar-user')
  })

  it("does not count a namesake's account at another domain as similar when its number is only one slip away", () => {
    // Both user names are the name; 3 and 73 are one slip apart, but the rest of the address is another
    // account's, so nothing but the names (already counted) is shared. Two namesakes at unrelated domains
    // were accepted as one person on this alone, with their dates of birth decades apart.
    expect(emailLevel('caleb.bernass3@ford-graves.com', 'calebbernass73@taylor-lang.com')).toBe('different')
    expect(emailLevel('jacob.davis3@frye-robinson.org', 'jacobdavis35@bradshaw-sanders.com')).toBe('different')
    // The same number at another domain is still a similar user name.
    expect(emailLevel('caleb.bernass73@ford-graves.com', 'calebbernass73@taylor-lang.com')).toBe('similar-user')
  })
})
