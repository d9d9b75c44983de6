import { isValid as isValidPostcode, toNormalised as normalisePostcode } from 'postcode'
import { z } from 'zod'
import { isRealDate } from '#src/shared/dates.ts'

/** Input shapes every module's API and pages share; messages in GOV.UK style, since pages show them too. */

/** Text up to a length, trimmed. */
export const text = (max: number, label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(max, { error: `${label} must be ${max} characters or fewer` })

/** Optional text: empty reads as null. */
export const optionalText = (max: number, label: string) =>
  text(max, label)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null))

export const IsoDate = z
  .string({ error: 'Enter a date in the format YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Enter a date in the format YYYY-MM-DD' })
  .refine(
    (v) => {
      const [y, m, d] = v.split('-').map(Number)
      return isRealDate(y, m, d)
    },
    { error: 'Enter a real date' },
  )

export const Postcode = z
  .string()
  .trim()
  .refine((v) => isValidPostcode(v), { error: 'Enter a real UK postcode, like SW1A 1AA' })
  .transform((v) => normalisePostcode(v) ?? v)
