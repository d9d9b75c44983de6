import { z } from 'zod'
import { parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
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
 * The rules for what a plan item may hold, one zod schema each, in one place: the service refuses with the first
 * problem, and the pages' forms (safeguarding.forms.ts) show every problem at once. Field keys are the JSON field
 * names; pages read dates from their GOV.UK date inputs instead.
 */

export type RiskInput = { description: string; rating: RiskRating; rationale: string }
export type NeedInput = { kind: NeedKind; detail: string; status: NeedStatus }
export type Owner = { type: 'user' | 'agency'; id: string }
export type ActionInput = { text: string; owner: Owner; dueOn: string }
export type ReviewInput = { dueOn: string; heldOn: string | null; notes: string }

const ISO = /^\d{4}-\d{2}-\d{2}$/

const text = (label: string, max: number, required: boolean) =>
  z.string().superRefine((value, ctx) => {
    if (required && value.trim() === '') ctx.addIssue({ code: 'custom', message: `Enter ${label}` })
    else if (value.length > max)
      ctx.addIssue({
        code: 'custom',
        message: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
      })
  })
const oneOf = (options: Readonly<Record<string, unknown>>, message: string) =>
  z.string().refine((value) => Object.hasOwn(options, value), { error: message })
const isoDate = (message: string) =>
  z.custom<string>((value) => typeof value === 'string' && ISO.test(value), { error: message })

/** What a risk may hold. */
export const RiskRules = z.object({
  description: text('the risk', 500, true),
  rating: oneOf(RISK_RATINGS, 'Select a rating: red, amber or green'),
  rationale: text('why you gave this rating', 2000, true),
})

/** What a need may hold: "other" needs its detail. */
export const NeedRules = z
  .object({
    kind: oneOf(NEED_KINDS, 'Select the kind of need'),
    detail: text('details', 1000, false),
    status: oneOf(NEED_STATUSES, 'Select whether the need is met'),
  })
  .superRefine(({ kind, detail }, ctx) => {
    if (kind === 'other' && detail.trim() === '')
      ctx.addIssue({ code: 'custom', path: ['detail'], message: 'Describe the need' })
  })

/** What an action may hold: its owner is a team member or a partner agency. */
export const ActionRules = z.object({
  text: text('the action', 500, true),
  owner: z.custom<Owner>((owner) => owner !== null && owner !== undefined, {
    error: 'Select who owns the action: a team member or a partner agency',
  }),
  dueOn: isoDate('Enter the date the action is due'),
})

/** What a review date may hold. */
export const ReviewRules = z.object({
  dueOn: isoDate('Enter the review date'),
  heldOn: z.string().nullable(),
  notes: text('notes', 2000, false),
})

/** Every problem with an item, keyed by field in the rules' order (the service refuses with the first). */
function problemsOf(rules: z.ZodObject, input: unknown): FieldErrors {
  const parsed = parseForm(rules, input)
  if (parsed.ok) return {}
  const order = Object.keys(rules.shape)
  return Object.fromEntries(Object.entries(parsed.errors).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)))
}

export const checkRisk = (input: { description: string; rating: string; rationale: string }): FieldErrors =>
  problemsOf(RiskRules, input)

export const checkNeed = (input: { kind: string; detail: string; status: string }): FieldErrors =>
  problemsOf(NeedRules, input)

export const checkAction = (input: { text: string; owner: Owner | null; dueOn: string | null }): FieldErrors =>
  problemsOf(ActionRules, input)

export const checkReview = (input: { dueOn: string | null; heldOn: string | null; notes: string }): FieldErrors =>
  problemsOf(ReviewRules, input)

export function isActionStatus(value: string): value is ActionStatus {
  return Object.hasOwn(ACTION_STATUSES, value)
}

/** "user:<id>" or "agency:<id>", as a select's value carries an owner. */
export function parseOwner(value: string): Owner | null {
  const match = /^(user|agency):([0-9a-f-]{36})$/i.exec(value)
  return match ? { type: match[1] as Owner['type'], id: match[2].toLowerCase() } : null
}
