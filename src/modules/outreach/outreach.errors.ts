import { defineDomainError } from '#src/platform/http/errors.ts'

/** Why an outreach operation was refused; each code maps to one HTTP status. */
export type OutreachErrorCode =
  'not-found' | 'unknown-priority-tag' | 'unknown-operation' | 'material-type' | 'material-too-large' | 'material-empty'

export const OutreachError = defineDomainError<OutreachErrorCode>('OutreachError', {
  'not-found': 404,
  'unknown-priority-tag': 400,
  'unknown-operation': 400,
  'material-type': 415,
  'material-too-large': 413,
  'material-empty': 400,
})
