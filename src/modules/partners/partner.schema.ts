import { z } from 'zod'
import { AGENCY_KINDS, type AgencyKind } from './partner.vocabulary.ts'

const optional = (schema: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), schema.nullable().default(null))
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{6,24}$/, { error: 'Enter a telephone number, like 0800 808 3733 or +44 113 496 0000' })
const email = z
  .string()
  .trim()
  .max(200)
  .pipe(z.email({ error: 'Enter an email address in the correct format, like name@example.gov.uk' }))

/** An agency as a force records it in its partner directory. */
export const AgencyInput = z
  .object({
    name: z
      .string({ error: 'Enter the agency’s name' })
      .trim()
      .min(1, { error: 'Enter the agency’s name' })
      .max(150, { error: 'Name must be 150 characters or fewer' }),
    kind: z.enum(Object.keys(AGENCY_KINDS) as [AgencyKind], { error: 'Select the kind of agency' }),
    firstResponder: z.boolean().default(false),
    dutyToNotify: z.boolean().default(false),
    phone: optional(phone),
    email: optional(email),
    notes: optional(z.string().trim().max(2000, { error: 'Notes must be 2000 characters or fewer' })),
    active: z.boolean().default(true),
  })
  .strict()
export type AgencyInput = z.output<typeof AgencyInput>

export const ContactInput = z
  .object({
    name: z
      .string({ error: 'Enter the contact’s name' })
      .trim()
      .min(1, { error: 'Enter the contact’s name' })
      .max(150, { error: 'Name must be 150 characters or fewer' }),
    jobTitle: optional(z.string().trim().max(150, { error: 'Job title must be 150 characters or fewer' })),
    phone: optional(phone),
    email: optional(email),
  })
  .strict()
  .refine((c) => c.phone || c.email, { error: 'Enter a telephone number or an email address', path: ['phone'] })
export type ContactInput = z.output<typeof ContactInput>
