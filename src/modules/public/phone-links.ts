/**
 * Public pages name three numbers: 999, the emergency SMS line (also 999, by text) and the Modern Slavery &
 * Exploitation Helpline. On a phone each must be one tap away, in any language's sentence, so the numbers are
 * found in the translated text and made links; everything else is escaped.
 */
const NUMBERS: readonly { pattern: RegExp; href: (kind: 'call' | 'text') => string }[] = [
  { pattern: /0800\s?0\s?121\s?700/, href: () => 'tel:+448000121700' },
  { pattern: /(?<!\d)999(?!\d)/, href: (kind) => (kind === 'text' ? 'sms:999' : 'tel:999') },
]

// Every public number in one pattern, each in its own group, so one pass over the text finds them all.
const ANY_NUMBER = new RegExp(NUMBERS.map((n) => `(${n.pattern.source})`).join('|'), 'g')

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c])

/** The text as HTML with the public numbers as tel: (or, for the SMS line, sms:) links. */
export function phoneLinks(text: string, kind: 'call' | 'text' = 'call'): string {
  let html = ''
  let last = 0
  for (const match of text.matchAll(ANY_NUMBER)) {
    const found = NUMBERS.findIndex((_, i) => match[i + 1] !== undefined)
    html += escapeHtml(text.slice(last, match.index))
    html += `<a class="govuk-link" href="${NUMBERS[found].href(kind)}">${escapeHtml(match[0])}</a>`
    last = match.index + match[0].length
  }
  return html + escapeHtml(text.slice(last))
}
