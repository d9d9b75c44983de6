import { z } from 'zod'
import { choiceOf, confirmed, dateField, field, requiredText, wholeNumber } from '#src/platform/http/page-forms.ts'
import { REVIEW_GROUPS } from './retention.service.ts'

/**
 * The retention pages' forms, one schema each, read from the urlencoded body. Field keys are the page's input ids,
 * so each error links to its field; messages are the pages' own.
 */

const reason = (missing: string) => requiredText(missing, 2000, 'Reason must be 2,000 characters or fewer')

/** Keep a record: why, and when it is next reviewed (body after `withDateParts(body, 'nextReviewOn')`). */
export const RetainForm = z.object({
  retainReason: reason('Enter why the record is still needed for a policing purpose'),
  nextReviewOn: dateField('Next review date', { required: true, wholeDate: true }),
})

/** Delete a record at review: why, and the confirmation that it cannot be undone. */
export const EraseRecordForm = z.object({
  eraseReason: reason('Enter why the record is no longer needed'),
  confirm: confirmed('Confirm that this record and its copies are to be deleted: it cannot be undone'),
})

export const HoldForm = z.object({
  holdReason: reason('Enter the reason for the legal hold (for example the proceedings or inquiry)'),
})

export const ReleaseForm = z.object({
  releaseReason: reason('Enter why the legal hold can be lifted'),
})

/** Erase a person outside the review cycle. */
export const ErasePersonForm = z.object({
  eraseReason: reason('Enter why this person’s record must be erased'),
  confirm: confirmed('Confirm that this person is to be erased everywhere: it cannot be undone'),
})

const months = (label: string) => wholeNumber(1, 1200, `${label} must be a whole number of months from 1 to 1200`)

/** A record type's review schedule. */
export const ScheduleForm = z.object({
  reviewGroup: choiceOf(REVIEW_GROUPS, 'Select the review group'),
  firstReviewMonths: months('First review'),
  reviewEveryMonths: months('Review interval'),
  keepUntilAge: field(
    z.string().refine((age) => age === '' || (/^\d{1,3}$/.test(age) && Number(age) >= 1 && Number(age) <= 150), {
      error: 'Age must be a whole number from 1 to 150, or left blank',
    }),
  ).transform((age) => (age === '' ? null : Number(age))),
})
