import { z } from 'zod'
import { ifGiven } from '#src/platform/http/page-forms.ts'
import { isUuid } from '#src/shared/ids.ts'

/**
 * The DPO reports' query forms, one schema each: a field is checked once it is sent. Field keys are the page's
 * input ids, so each error links to its field.
 */

/** What finding the person searches by: a name, a date of birth, or a referral or live job reference. */
const FINDS_PEOPLE = new Set(['name', 'date-of-birth', 'reference'])

/**
 * Who has seen a person's details: the person's id, or words to find them by, which the search (`kindOf`, its
 * reading of the words) must take for a name, a date of birth or a reference, not a phone, vehicle or postcode.
 */
export const PersonAccessQuery = (kindOf: (words: string) => string) =>
  z.object({
    personId: ifGiven(z.string().refine(isUuid, { error: 'Enter the person’s Lantern id, from their record' })),
    q: ifGiven(
      z
        .string()
        .min(2, { error: 'Enter a name, a date of birth, or a referral or live job reference', abort: true })
        // The search reads at most 200 characters.
        .refine((q) => FINDS_PEOPLE.has(kindOf(q.slice(0, 200))), {
          error: 'Search by a name, a date of birth, or a referral or live job reference',
        }),
    ),
  })

/** What was disclosed to an agency in a quarter (`quarterOk` says whether the quarter is one, like 2026-Q4). */
export const DisclosuresQuery = (quarterOk: (quarter: string) => boolean) =>
  z.object({
    quarter: z.string().refine(quarterOk, { error: 'Enter a quarter like 2026-Q4' }),
    agencyId: ifGiven(z.string().refine(isUuid, { error: 'Select an agency' })),
  })
