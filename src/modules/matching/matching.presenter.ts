import type { FieldExplanation } from './engine/index.ts'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { countryName } from '#src/shared/reference-data.ts'
import { GENDERS } from '#src/modules/people/index.ts'

const FIELD_LABELS: Record<string, string> = {
  givenName: 'Given name',
  familyName: 'Family name',
  dateOfBirth: 'Date of birth',
  sex: 'Gender',
  postcode: 'Postcode',
  address: 'Address',
  town: 'Town',
  region: 'Region',
  phone: 'Phone',
  email: 'Email',
  identityDocument: 'Identity document',
  birthPlace: 'Place of birth',
}
const AGREEMENT_LABELS: Record<string, string> = {
  agree: 'Agreed',
  partial: 'Partly agreed',
  disagree: 'Disagreed',
  missing: 'Not known on both',
}

export const percent = (p: number) => `${p >= 0.995 && p < 1 ? '99' : Math.round(p * 100)}%`

export function presentExplanation(explanation: readonly FieldExplanation[]) {
  return explanation.map((e) => ({
    ...e,
    fieldLabel: FIELD_LABELS[e.field] ?? e.field,
    agreementLabel: AGREEMENT_LABELS[e.agreement] ?? e.agreement,
    weightText: `${e.weight > 0 ? '+' : e.weight < 0 ? '−' : ''}${Math.abs(e.weight).toFixed(1)}`,
    evidenceText: evidenceInWords(e.weight),
  }))
}

/** What one field's agreement says about whether they are the same person, in a reviewer's words. */
export function evidenceInWords(weight: number): string {
  if (weight >= 4) return 'Strong sign they are the same person'
  if (weight >= 1) return 'Points to the same person'
  if (weight > -1) return 'Says little either way'
  if (weight > -4) return 'Points to different people'
  return 'Strong sign they are different people'
}

/** "Born 14 March 2001", "About 24" or "Not known": what a reviewer needs to tell two people apart at a glance. */
export function born(p: { date_of_birth: string | null; approximate_age: number | null }): string {
  if (p.date_of_birth) return `Born ${formatDate(p.date_of_birth)}`
  if (p.approximate_age !== null) return `About ${p.approximate_age}`
  return 'Not known'
}

export const genderLabel = (g: string) => GENDERS.label(g)
export const nationalities = (codes: string[]) => codes.map(countryName)
export const when = (d: Date) => formatDateTime(d)
