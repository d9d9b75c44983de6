import { z } from 'zod'
import { asString } from '#src/platform/http/forms.ts'
import { dateField, field } from '#src/platform/http/page-forms.ts'
import { ActionRules, NeedRules, parseOwner, ReviewRules, RiskRules } from './safeguarding.validation.ts'
import { ACTION_STATUSES, type ActionStatus } from './safeguarding.vocabulary.ts'

/**
 * The safeguarding plan's item forms, one schema each, read from the urlencoded body after `withDateParts` for
 * their date inputs: the plan's own rules (safeguarding.validation.ts) on the text as typed, GOV.UK date inputs
 * for dates. Field keys are the page's input ids, so every problem shows at once, each linked to its input.
 */

const typed = <S extends z.ZodType>(rule: S) => z.preprocess(asString, rule)
const fromBody = <S extends z.ZodType>(rules: S, fields: string[]) =>
  z.preprocess((body) => {
    const b = (body ?? {}) as Record<string, unknown>
    return Object.fromEntries(fields.map((field) => [field, asString(b[field])]))
  }, rules)

export const RiskForm = fromBody(RiskRules, ['description', 'rating', 'rationale'])

export const NeedForm = fromBody(NeedRules, ['kind', 'detail', 'status'])

export const ReviewForm = z.object({
  dueOn: dateField('Review date', { required: true }),
  heldOn: dateField('Date the review was held', { required: false }),
  notes: typed(ReviewRules.shape.notes),
})

export const ActionForm = z.object({
  text: typed(ActionRules.shape.text),
  owner: z.preprocess((owner) => parseOwner(asString(owner)), ActionRules.shape.owner),
  dueOn: dateField('Due date', { required: true }),
})

/** A hub meeting's action: a plan action's rules, about one agenda item (`actionItem`) or the meeting as a whole. */
export const MeetingActionForm = ActionForm.extend({ actionItem: field() }).transform(({ actionItem, ...action }) => ({
  itemId: actionItem || null,
  ...action,
}))

/** An action changed: its status too, and a note of the change. */
export const ActionChangeForm = ActionForm.extend({
  status: typed(
    z
      .string()
      .refine((status) => Object.hasOwn(ACTION_STATUSES, status), { error: 'Select open, done or cancelled' })
      .transform((status) => status as ActionStatus),
  ),
  note: z.preprocess(asString, z.string()),
})
