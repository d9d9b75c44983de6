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
