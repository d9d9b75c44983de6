import { createHash } from 'node:crypto'
import { isCountryCode } from '#src/shared/reference-data.ts'
import { isRealDate, londonDate } from '#src/shared/dates.ts'
import { normaliseIdentifier } from '#src/modules/people/index.ts'
import { Postcode } from '#src/shared/input.ts'
import { NewReferralInput } from '#src/modules/referrals/index.ts'

/** The Lantern fields an export's columns can be mapped to, in the order the mapping page lists them. */
export const IMPORT_FIELDS = [
  { value: 'fullName', text: 'Full name', hint: ['name', 'full name', 'person name', 'client name', 'victim name'] },
  { value: 'givenName', text: 'Given name', hint: ['given name', 'first name', 'forename', 'forenames', 'fname'] },
  { value: 'familyName', text: 'Family name', hint: ['family name', 'surname', 'last name', 'lname'] },
  { value: 'dateOfBirth', text: 'Date of birth', hint: ['date of birth', 'dob', 'birth date', 'birthdate'] },
  { value: 'gender', text: 'Gender', hint: ['gender', 'sex'] },
  { value: 'nationality', text: 'Nationality (country code)', hint: ['nationality', 'country'] },
  { value: 'phone', text: 'Phone', hint: ['phone', 'telephone', 'mobile', 'phone number', 'tel'] },
  { value: 'addressLine1', text: 'Address line 1', hint: ['address', 'address line 1', 'address 1', 'street'] },
  { value: 'town', text: 'Town or city', hint: ['town', 'city', 'town or city'] },
  { value: 'postcode', text: 'Postcode', hint: ['postcode', 'post code', 'postal code'] },
  {
    value: 'receivedAt',
    text: 'Date received',
    hint: ['date received', 'received', 'date', 'call date', 'referral date'],
  },
  { value: 'summary', text: 'What happened', hint: ['summary', 'what happened', 'details', 'notes', 'description'] },
] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]['value']
export const FIELD_LABELS = new Map<string, string>(IMPORT_FIELDS.map((f) => [f.value, f.text]))
const FIELD_VALUES = new Set<string>(IMPORT_FIELDS.map((f) => f.value))

/** Column heading → Lantern field. A heading not in it is left out of the import. */
export type Mapping = Record<string, ImportField>

const squash = (v: string) =>
  v
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

/** A first guess from the headings, for a source seen for the first time. */
export function guessMapping(headers: readonly string[]): Mapping {
  const mapping: Mapping = {}
  const used = new Set<string>()
  for (const header of headers) {
    const h = squash(header)
    const field = IMPORT_FIELDS.find((f) => !used.has(f.value) && (f.hint as readonly string[]).includes(h))
    if (field) {
      mapping[header] = field.value
      used.add(field.value)
    }
  }
  return mapping
}

/** The key a saved mapping is remembered by: the set of headings, whatever their order. */
export function headerKey(headers: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([...headers].map(squash).sort()))
    .digest('hex')
}

export function sourceKey(source: string): string {
  return squash(source)
}

/** Checks a mapping against the file's headings: errors keyed "mapping" for the page, with API-friendly text. */
export function checkMapping(
  raw: Record<string, unknown>,
  headers: readonly string[],
): { ok: true; mapping: Mapping } | { ok: false; error: string } {
  const mapping: Mapping = {}
  const used = new Map<string, string>()
  for (const [header, field] of Object.entries(raw)) {
    if (field === '' || field === null || field === undefined) continue
    if (!headers.includes(header)) return { ok: false, error: `The file has no column called "${header.slice(0, 60)}"` }
    if (typeof field !== 'string' || !FIELD_VALUES.has(field))
      return { ok: false, error: `"${String(field).slice(0, 40)}" is not a Lantern field` }
    if (used.has(field))
      return {
        ok: false,
        error: `${FIELD_LABELS.get(field)} is chosen for both "${used.get(field)}" and "${header}": choose it for one column`,
      }
    used.set(field, header)
    mapping[header] = field as ImportField
  }
  if (!used.has('fullName') && !(used.has('givenName') || used.has('familyName')))
    return { ok: false, error: 'Choose the column that holds the person’s name (full name, or given and family name)' }
  return { ok: true, mapping }
}

/** What one validated row becomes: a referral with one person, and a phone to link to them. */
export type RowValue = { referral: NewReferralInput; phone: string | null; postcode: string | null }
export type RowCheck =
  | { ok: true; value: RowValue; cells: Record<string, string> }
  | { ok: false; errors: Partial<Record<ImportField, string>>; cells: Record<string, string> }

const DATE_FORMATS: RegExp[] = [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/]

/** YYYY-MM-DD from an ISO date or a UK day-first date (27/3/1990, 27.03.1990), or null if not a real date. */
export function parseUkDate(value: string): string | null {
  const v = value.trim().replace(/T.*$/, '')
  for (const [index, format] of DATE_FORMATS.entries()) {
    const m = format.exec(v)
    if (!m) continue
    const [y, mo, d] =
      index === 0 ? [Number(m[1]), Number(m[2]), Number(m[3])] : [Number(m[3]), Number(m[2]), Number(m[1])]
    if (!isRealDate(y, mo, d)) return null
    return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  }
  return null
}

const GENDER_WORDS: Record<string, 'female' | 'male' | 'other' | 'not-known'> = {
  f: 'female',
  female: 'female',
  woman: 'female',
  girl: 'female',
  m: 'male',
  male: 'male',
  man: 'male',
  boy: 'male',
  other: 'other',
  x: 'other',
  unknown: 'not-known',
  'not known': 'not-known',
  u: 'not-known',
}

/**
 * Validates one row under a mapping. Messages name the field and say what is wrong with that cell, as the
 * preview table shows them beside it and the failed-rows report lists them by row number.
 */
export function checkRow(
  cellsIn: readonly string[],
  headers: readonly string[],
  mapping: Mapping,
  context: { rowNumber: number; source: string; referralSource: string },
): RowCheck {
  const cells: Record<string, string> = {}
  for (const [i, header] of headers.entries()) {
    const field = mapping[header]
    if (field) cells[field] = (cellsIn[i] ?? '').trim()
  }
  const errors: Partial<Record<ImportField, string>> = {}
  const today = londonDate()

  const name = cells.fullName || [cells.givenName, cells.familyName].filter(Boolean).join(' ')
  const mapped = new Set<string>(Object.values(mapping))
  // The message sits under whichever name column the user mapped, so the preview shows it in that column.
  const nameField: ImportField = mapped.has('fullName')
    ? 'fullName'
    : mapped.has('givenName')
      ? 'givenName'
      : 'familyName'
  if (!name) errors[nameField] = 'Enter the person’s name: the name is empty'
  else if (name.length > 200) errors[nameField] = 'Name must be 200 characters or fewer'

  let dateOfBirth: string | null = null
  if (cells.dateOfBirth) {
    dateOfBirth = parseUkDate(cells.dateOfBirth)
    if (!dateOfBirth)
      errors.dateOfBirth = `Date of birth "${cells.dateOfBirth.slice(0, 30)}" must be a real date, like 27/3/1990`
    else if (dateOfBirth > today) errors.dateOfBirth = 'Date of birth must be in the past'
  }

  let receivedAt = today
  if (cells.receivedAt) {
    const parsed = parseUkDate(cells.receivedAt)
    if (!parsed)
      errors.receivedAt = `Date received "${cells.receivedAt.slice(0, 30)}" must be a real date, like 27/3/2026`
    else if (parsed > today) errors.receivedAt = 'Date received must be today or in the past'
    else receivedAt = parsed
  }

  let gender: 'female' | 'male' | 'other' | 'not-known' = 'not-known'
  if (cells.gender) {
    const g = GENDER_WORDS[cells.gender.toLowerCase()]
    if (!g) errors.gender = `Gender "${cells.gender.slice(0, 30)}" must be female, male, other or not known`
    else gender = g
  }

  const nationalities: string[] = []
  if (cells.nationality) {
    const code = cells.nationality.trim().toUpperCase()
    if (!isCountryCode(code))
      errors.nationality = `Nationality "${cells.nationality.slice(0, 30)}" must be a country code, like RO`
    else nationalities.push(code)
  }

  let phone: string | null = null
  if (cells.phone) {
    const normalised = normaliseIdentifier('phone', cells.phone)
    if (!normalised.ok) errors.phone = `Phone "${cells.phone.slice(0, 30)}": ${normalised.message}`
    else phone = cells.phone
  }

  let postcode: string | null = null
  if (cells.postcode) {
    const parsed = Postcode.safeParse(cells.postcode)
    if (!parsed.success)
      errors.postcode = `Postcode "${cells.postcode.slice(0, 20)}" is not a real UK postcode, like SW1A 1AA`
    else postcode = parsed.data
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors, cells }

  const hasPlace = Boolean(cells.addressLine1 || postcode)
  const parsed = NewReferralInput.safeParse({
    receivedAt,
    source: context.referralSource,
    referringOrganisation: context.source,
    summary: cells.summary || `Imported from ${context.source}, row ${context.rowNumber}`,
    people: [{ names: [name], dateOfBirth, gender, nationalities, role: 'potential-victim' }],
    locations: hasPlace
      ? [{ addressLine1: cells.addressLine1 || null, town: cells.town || null, postcode, premisesType: 'other' }]
      : [],
  })
  if (!parsed.success) {
    // Anything the referral rules refuse that the checks above did not (a too-long summary, say) is still a row error.
    const issue = parsed.error.issues[0]
    const path = issue.path.map(String)
    const field: ImportField = path.includes('summary')
      ? 'summary'
      : path.includes('names')
        ? 'fullName'
        : path.includes('locations')
          ? 'addressLine1'
          : 'summary'
    return { ok: false, errors: { [field]: issue.message }, cells }
  }
  return { ok: true, value: { referral: parsed.data, phone, postcode }, cells }
}

/**
 * A row's fingerprint: the source and the row's cells by heading, normalised (case, spacing), so the same export
 * imported again, even with its columns reordered, is recognised row by row.
 */
export function rowFingerprint(source: string, headers: readonly string[], cells: readonly string[]): string {
  const normalised = headers
    .map((h, i) => [squash(h), (cells[i] ?? '').trim().replace(/\s+/g, ' ').toLowerCase()])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return createHash('sha256')
    .update(JSON.stringify([sourceKey(source), normalised]))
    .digest('hex')
}
