/** The kinds of crime and occurrence reference, in words (issue 14, section 2). */
export const REFERENCE_KINDS = {
  crime: 'Crime number',
  cad: 'CAD or incident log',
  helpline: 'Modern Slavery Helpline reference',
  intelligence: 'Intelligence report reference',
  other: 'Other reference',
} as const
export type ReferenceKind = keyof typeof REFERENCE_KINDS
export const REFERENCE_KIND_VALUES = Object.keys(REFERENCE_KINDS) as [ReferenceKind, ...ReferenceKind[]]

export const REFERENCE_KIND_HINTS: Record<ReferenceKind, string> = {
  crime: 'The force’s crime number, like NY-2026-004512',
  cad: 'The command and control log, like CAD 1234 05/12',
  helpline: 'The Modern Slavery and Exploitation Helpline’s reference, like MSH-2026-01234',
  intelligence: 'The intelligence report’s reference, like IR/2026/000871',
  other: 'Any other reference the occurrence is known by',
}

export const MAX_VALUE_LENGTH = 60
export const MAX_PER_RECORD = 50

export function isReferenceKind(value: unknown): value is ReferenceKind {
  return typeof value === 'string' && Object.hasOwn(REFERENCE_KINDS, value)
}

export function kindLabel(kind: string): string {
  return isReferenceKind(kind) ? REFERENCE_KINDS[kind] : kind
}

/**
 * A reference reduced to what search matches: letters (accents dropped) and digits, upper case, with a leading
 * "CAD", "LOG" or "INC" word dropped when digits follow it. "CAD 1234 05/12", "cad1234/05-12" and "1234 0512"
 * are one reference; "NY-2026-004512" and "ny 2026 004512" are another.
 */
export function normaliseReference(text: string): string {
  const compact = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
  const stripped = compact.replace(/^(CAD|LOG|INCIDENT|INC)(?=\d)/, '')
  return stripped || compact
}

/** Whether a search's words could be a reference worth looking up: some digits, and at least four letters or digits. */
export function looksLikeReference(text: string): boolean {
  const n = normaliseReference(text)
  return n.length >= 4 && n.length <= MAX_VALUE_LENGTH && /\d/.test(n)
}

/** Checks a reference as typed: the message to show, or null when it is fine. */
export function checkReferenceValue(value: string): string | null {
  const v = value.trim()
  if (!v) return 'Enter the reference'
  if (v.length > MAX_VALUE_LENGTH) return `Reference must be ${MAX_VALUE_LENGTH} characters or fewer`
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) return 'Reference must be on one line'
  if (!/\d/.test(v)) return 'Reference must include a number, like NY-2026-004512'
  if (normaliseReference(v).length < 3) return 'Reference must have at least 3 letters or numbers'
  return null
}
