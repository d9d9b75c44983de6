import type { FieldErrors } from '#src/platform/http/forms.ts'
import { asString } from '#src/platform/http/forms.ts'
import { OccurrenceReferenceError } from './occurrence-references.service.ts'
import { REFERENCE_KINDS } from './occurrence-references.vocabulary.ts'

/** The kinds for the add-a-reference form's list. */
export const REFERENCE_KIND_ITEMS = Object.entries(REFERENCE_KINDS).map(([value, text]) => ({ value, text }))

/** The page form's fields in the order the error summary lists them. */
export const REFERENCE_FIELDS = ['referenceKind', 'referenceValue']

/** Reads the add-a-reference form. */
export function readReferenceForm(body: Record<string, unknown>): { kind: string; value: string } {
  return { kind: asString(body.referenceKind), value: asString(body.referenceValue) }
}

/** A refusal the form can show next to its field, or null for one a page should not show in place. */
export function referenceFieldErrors(error: unknown): FieldErrors | null {
  if (!(error instanceof OccurrenceReferenceError) || error.code !== 'invalid') return null
  return { [error.field === 'kind' ? 'referenceKind' : 'referenceValue']: error.message }
}
