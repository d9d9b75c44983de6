/**
 * A refusal the user can act on, raised by a service. The error handler turns it into an RFC 9457
 * problem (API) or an error page; pages that can re-show a form catch it first and show it in place.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number
  abstract readonly code: string
  /** The input field the problem is about, for a field-level message. */
  readonly field?: string
}

/**
 * Declares a module's error: a class whose codes each map to an HTTP status, so a service throws
 * `new CaseError('invalid', 'Enter the title', 'title')` and the error handler needs no module knowledge.
 */
export function defineDomainError<C extends string>(name: string, statusOf: Record<C, number>) {
  return class extends DomainError {
    readonly status: number
    constructor(
      readonly code: C,
      message: string,
      override readonly field?: string,
    ) {
      super(message)
      this.name = name
      this.status = statusOf[code]
    }
  }
}

export class NotFoundError extends Error {
  readonly status = 404
  constructor(message = 'Page not found') {
    super(message)
  }
}

/**
 * Whether an error means "no such record, or none you may see": a NotFoundError, or any module's error with the code
 * `not-found`. The error handler answers every one alike, as a GOV.UK "Page not found" page or a plain RFC 9457 404
 * with the message (no module-specific type, so a hidden record reads as an absent one), so routes need not
 * translate their module's not-found themselves.
 */
export function isNotFound(error: unknown): boolean {
  return error instanceof NotFoundError || (error instanceof DomainError && error.code === 'not-found')
}

/**
 * Thrown by userOf when a handler that needs a signed-in user has none. enforceAccess answers such requests before
 * any handler runs, so reaching this is a route declared wrongly; the error handler still answers it exactly as an
 * unauthenticated request is answered, rather than failing with a TypeError on `null`.
 */
export class UnauthenticatedError extends Error {
  readonly status = 401
  constructor(message = 'Not signed in') {
    super(message)
    this.name = 'UnauthenticatedError'
  }
}

/** A module's error class, as defineDomainError makes it. */
type DomainErrorClass = abstract new (code: never, message: string, field?: string) => DomainError

/**
 * What an API route does with an error from its module's service, written once for every `*.api.ts`: the module's
 * not-found answers as the same plain 404 as an id that never existed (an RFC 9457 problem with the service's
 * message and no module-specific type, so the API does not tell "hidden" from "absent"), and a field the service
 * names by its page field is renamed to the JSON field the API takes (`fields`), so the problem's pointer is right.
 * Anything else is thrown on to the error handler. Use as `.catch(apiRethrow(CaseError))` or in a catch block.
 */
export function apiRethrow(errorClass: DomainErrorClass, fields: Record<string, string> = {}) {
  return (error: unknown): never => {
    if (!(error instanceof errorClass)) throw error
    if (error.code === 'not-found') throw new NotFoundError(error.message)
    const apiField = error.field ? fields[error.field] : undefined
    if (apiField)
      throw new (error.constructor as new (code: string, message: string, field?: string) => DomainError)(
        error.code,
        error.message,
        apiField,
      )
    throw error
  }
}
