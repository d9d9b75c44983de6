import { z } from 'zod'
import { field } from '#src/platform/http/page-forms.ts'
import { isUuid } from '#src/shared/ids.ts'

/** A subject access request's reference, as the DPO's own log writes it. */
export const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/ _-]{0,59}$/

/** Whose information, and under which request: the query of the subject access page once it is sent. */
export const SubjectAccessQuery = z.object({
  personId: field(
    z.string().refine(isUuid, { error: 'Enter the person’s Lantern id, from the address of their record' }),
  ),
  request: field(
    z.string().regex(REFERENCE, {
      error: 'Enter the subject access request reference (letters, numbers, / _ - and spaces)',
    }),
  ),
})
