import { defineDomainError } from '#src/platform/http/errors.ts'

/** The NRM module's domain errors, by code and HTTP status; `form-incomplete`: the NRM form is not ready to submit. */
export const NrmError = defineDomainError('NrmError', {
  'not-found': 404,
  'not-screened': 400,
  'wrong-route': 409,
  'no-consent': 400,
  'out-of-order': 409,
  invalid: 400,
  conflict: 409,
  'form-incomplete': 409,
})
