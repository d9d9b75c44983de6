import { defineDomainError } from '#src/platform/http/errors.ts'

/** Why a referral operation was refused. Routes map each code to a status and a message in one place. */
export type ReferralErrorCode =
  | 'not-found'
  | 'invalid-transition'
  | 'stale'
  | 'closure-reason-required'
  | 'closure-reason-not-allowed'
  | 'unknown-priority-tag'
  | 'unknown-assignee'
  | 'received-in-future'
  | 'forbidden'
  | 'idempotency-key-reused'
  | 'not-at-triage'
  | 'unknown-place'

const STATUS: Record<ReferralErrorCode, number> = {
  'not-found': 404,
  'invalid-transition': 409,
  stale: 409,
  'closure-reason-required': 400,
  'closure-reason-not-allowed': 400,
  'unknown-priority-tag': 400,
  'unknown-assignee': 400,
  'received-in-future': 400,
  forbidden: 403,
  // The request is well formed, but the key already names a different one: retrying cannot succeed.
  'idempotency-key-reused': 422,
  'not-at-triage': 409,
  // "The same place as" one that is not (or no longer) a place everyone may see: chosen from no list we offered.
  'unknown-place': 400,
}

export const ReferralError = defineDomainError<ReferralErrorCode>('ReferralError', STATUS)
