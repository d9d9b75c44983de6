/**
 * Marks third parties' data in a subject access bundle. Every redaction gets an id ("R3") that replaces the
 * value in the bundle; the bundle lists each id with where it was and why, so the disclosure officer can review
 * each one and the requester can see that something was withheld and on what ground. The original value is
 * kept only in the reviewer's copy (`forReview`), never in the files.
 */
export type RedactionCategory = 'third-party-person' | 'referrer' | 'staff-or-partner'

export type Redaction = { id: string; category: RedactionCategory; reason: string; where: string }
export type ReviewedRedaction = Redaction & { original: string }

export type ThirdParty = { text: string; category: RedactionCategory; reason: string }

const escapeRegex = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')

export class Redactor {
  private readonly made: ReviewedRedaction[] = []
  private readonly pattern: RegExp | null
  private readonly byText = new Map<string, ThirdParty>()

  /** `own`: the subject's own names, never redacted even where a third party shares one. */
  constructor(thirdParties: ThirdParty[], own: string[]) {
    const ownSet = new Set(own.map((o) => o.trim().toLowerCase()))
    for (const party of thirdParties) {
      const key = party.text.trim().replace(/\s+/g, ' ').toLowerCase()
      if (key.length < 3 || ownSet.has(key) || this.byText.has(key)) continue
      this.byText.set(key, party)
    }
    const keys = [...this.byText.keys()].sort((a, b) => b.length - a.length)
    this.pattern = keys.length
      ? new RegExp(
          `(?<![\\p{L}\\p{N}])(?:${keys.map((k) => k.split(' ').map(escapeRegex).join('\\s+')).join('|')})(?![\\p{L}\\p{N}])`,
          'giu',
        )
      : null
  }

  private mark(original: string, category: RedactionCategory, reason: string, where: string): string {
    const id = `R${this.made.length + 1}`
    this.made.push({ id, category, reason, where, original })
    return `[${id}]`
  }

  /** Free text: each third party's name in it is replaced by its own mark. */
  text(value: string | null, where: string): string | null {
    if (value === null || this.pattern === null) return value
    return value.replace(this.pattern, (match) => {
      const party = this.byText.get(match.replace(/\s+/g, ' ').toLowerCase())!
      return this.mark(match, party.category, party.reason, where)
    })
  }

  /** A whole value that is a third party's (a referrer's name or contact). */
  whole(value: string | null, category: RedactionCategory, reason: string, where: string): string | null {
    if (value === null || value.trim() === '') return value
    return this.mark(value, category, reason, where)
  }

  get redactions(): Redaction[] {
    return this.made.map(({ original: _original, ...r }) => r)
  }

  get forReview(): ReviewedRedaction[] {
    return [...this.made]
  }
}
