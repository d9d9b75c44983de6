import { z } from 'zod'
import { asString } from '#src/platform/http/forms.ts'
import { choiceOf, dateField, field, optionalText, requiredText } from '#src/platform/http/page-forms.ts'
import { COMPETENT_AUTHORITIES, NRM_EVENT_KINDS } from './nrm.service.ts'

/**
 * The NRM page's forms, one schema each, read from the urlencoded body after `withDateParts` for their date
 * inputs. Field keys are the page's input ids, so each error links to its field; messages are the page's own.
 * The dates of NRM events are required and cannot be in the future.
 */

const eventDate = (label: string) => dateField(label, { required: true, notInFuture: true })
const orNull = (text: string) => text || null

/** The NRM referral as submitted (body after `withDateParts(body, 'submittedOn')`). */
export const NrmSubmissionForm = z.object({
  submittedOn: eventDate('Date submitted'),
  firstResponderOrganisation: requiredText(
    'Enter the first responder organisation that submitted the referral',
    200,
    'Organisation must be 200 characters or fewer',
  ),
  nrmReference: optionalText(60, 'NRM reference must be 60 characters or fewer').transform(orNull),
  competentAuthority: z
    .preprocess(
      asString,
      z.string().refine((authority) => !authority || Object.hasOwn(COMPETENT_AUTHORITIES, authority), {
        error: 'Select the competent authority from the list',
      }),
    )
    .transform((authority) => (authority || null) as keyof typeof COMPETENT_AUTHORITIES | null),
  completedElsewhere: z.preprocess(asString, z.string()).transform((answer) => answer === 'yes'),
})

/** What happened next in the NRM (body after `withDateParts(body, 'occurredOn')`). */
export const NrmEventForm = z.object({
  kind: choiceOf(NRM_EVENT_KINDS, 'Select what happened'),
  occurredOn: eventDate('Date'),
  outcome: z.preprocess(asString, z.string()).transform(orNull),
  decidedBy: field().transform(orNull),
  notes: optionalText(2000, 'Notes must be 2,000 characters or fewer').transform(orNull),
})

const EXPLOITATION_LOCATIONS = { 'uk-only': true, 'overseas-only': true, both: true, unknown: true } as const

/** The Duty to Notify as submitted (body after `withDateParts(body, 'dtnSubmittedOn')`). */
export const DtnSubmissionForm = z.object({
  dtnSubmittedOn: eventDate('Date submitted'),
  exploitationLocation: choiceOf(EXPLOITATION_LOCATIONS, 'Select where the exploitation happened'),
  dtnReference: optionalText(60, 'Reference must be 60 characters or fewer').transform(orNull),
})
