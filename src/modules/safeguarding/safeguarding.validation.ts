import type { FieldErrors } from '#src/platform/http/forms.ts'
import {
  ACTION_STATUSES,
  NEED_KINDS,
  NEED_STATUSES,
  RISK_RATINGS,
  type ActionStatus,
  type NeedKind,
  type NeedStatus,
  type RiskRating,
} from './safeguarding.vocabulary.ts'

/**
 * The rules for what a plan item may hold, in one place: the service refuses with the first problem, and the
 * pages show every problem at once. Field keys are the JSON field names; pages map dates to their day box.
 */

export type RiskInput = { description: string; rating: RiskRating; rationale: string }
export type NeedInput = { kind: NeedKind; detail: string; status: NeedStatus }
export type Owner = { type: 'user' | 'agency'; id: string }
export type ActionInput = { text: string; owner: Owner; dueOn: string }
export type ReviewInput = { dueOn: string; heldOn: string | null; notes: string }

const ISO = /^\d{4}-\d{2}-\d{2}$/

function text(errors: FieldErrors, field: string, value: string, label: string, max: number, required: boolean) {
  if (required && value.trim() === '') errors[field] = `Enter ${label}`
  else if (value.length > max)
    errors[field] =
      `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`
}

export function checkRisk(input: { description: string; rating: string; rationale: string }): FieldErrors {
  const errors: FieldErrors = {}
  text(errors, 'description', input.description, 'the risk', 500, true)
  if (!Object.hasOwn(RISK_RATINGS, input.rating)) errors.rating = 'Select a rating: red, amber or green'
  text(errors, 'rationale', input.rationale, 'why you gave this rating', 2000, true)
  return errors
}

export function checkNeed(input: { kind: string; detail: string; status: string }): FieldErrors {
  const errors: FieldErrors = {}
  if (!Object.hasOwn(NEED_KINDS, input.kind)) errors.kind = 'Select the kind of need'
  text(errors, 'detail', input.detail, 'details', 1000, false)
  if (input.kind === 'other' && input.detail.trim() === '') errors.detail = 'Describe the need'
  if (!Object.hasOwn(NEED_STATUSES, input.status)) errors.status = 'Select whether the need is met'
  return errors
}

export function checkAction(input: { text: string; owner: Owner | null; dueOn: string | null }): FieldErrors {
  const errors: FieldErrors = {}
  text(errors, 'text', input.text, 'the action', 500, true)
  if (!input.owner) errors.owner = 'Select who owns the action: a team member or a partner agency'
  if (!input.dueOn || !ISO.test(input.dueOn)) errors.dueOn = 'Enter the date the action is due'
  return errors
}

export function checkReview(input: { dueOn: string | null; heldOn: string | null; notes: string }): FieldErrors {
  const errors: FieldErrors = {}
  if (!input.dueOn || !ISO.test(input.dueOn)) errors.dueOn = 'Enter the review date'
  text(errors, 'notes', input.notes, 'notes', 2000, false)
  return errors
}

export function isActionStatus(value: string): value is ActionStatus {
  return Object.hasOwn(ACTION_STATUSES, value)
}

/** "user:<id>" or "agency:<id>", as a select's value carries an owner. */
export function parseOwner(value: string): Owner | null {
  const match = /^(user|agency):([0-9a-f-]{36})$/i.exec(value)
  return match ? { type: match[1] as Owner['type'], id: match[2].toLowerCase() } : null
}
