import { z } from 'zod'
import { asArray, asString } from '#src/platform/http/forms.ts'
import { dateField } from '#src/platform/http/page-forms.ts'
import { isUuid } from '#src/shared/ids.ts'
import { LAWFUL_BASES } from './disclosure.fields.ts'

/**
 * The disclosure pages' forms, one schema each, read from the urlencoded body after `withDateParts` for their date
 * inputs. Field keys are the page's input ids, so each error links to its field. Text is passed on as typed (cut
 * to its length), the service trimming it; what the rules decide (dates in order, fields an agreement allows) the
 * service still says, against the same ids.
 */

const typed = (max: number) => z.preprocess((value) => asString(value).slice(0, max), z.string())
const given = (max: number, message: string) => typed(max).refine((text) => text.trim() !== '', { error: message })
const ticked = (message: string) => z.preprocess(asArray, z.array(z.string()).min(1, { error: message }))

/** An information-sharing agreement (body after `withDateParts(body, 'startsOn', 'reviewOn', 'endsOn')`). */
export const AgreementForm = z.object({
  startsOn: dateField('Start date', { required: true }).transform((date) => date ?? ''),
  reviewOn: dateField('Review date', { required: true }).transform((date) => date ?? ''),
  endsOn: dateField('End date', { required: true }).transform((date) => date ?? ''),
  title: given(200, 'Enter the agreement’s title'),
  agencyIds: z
    .preprocess((value) => asArray(value).filter(isUuid), z.array(z.string()))
    .refine((ids) => ids.length > 0, { error: 'Select at least one partner agency' }),
  purposes: given(2000, 'Enter the purposes the agreement allows sharing for'),
  lawfulBasis: z.preprocess(
    asString,
    z.string().refine((basis) => Object.hasOwn(LAWFUL_BASES, basis), { error: 'Select the lawful basis' }),
  ),
  allowedFields: ticked('Select the categories of data the agreement allows'),
})

/** Sharing a person's record with an agency (body after `withDateParts(body, 'expiresOn')`). */
export const DisclosureForm = z.object({
  expiresOn: dateField('End date', { required: true }).transform((date) => date ?? ''),
  agencyId: z.preprocess(asString, z.string().refine(isUuid, { error: 'Select the agency to share with' })),
  agreementId: z.preprocess(asString, z.string().refine(isUuid, { error: 'Select the information-sharing agreement' })),
  fields: ticked('Select the fields to share: only what the agency needs'),
  purpose: given(2000, 'Enter why the agency needs this information'),
  protectedBasis: typed(1000),
})
