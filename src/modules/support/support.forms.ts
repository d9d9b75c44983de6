import { z } from 'zod'
import { asArray } from '#src/platform/http/forms.ts'
import { dateField, field } from '#src/platform/http/page-forms.ts'

/**
 * The support pages' forms, one schema each (as the API's are), read from the urlencoded body after `withDateParts`
 * for their date inputs. Field keys are the page's input ids. The page checks what a form alone can tell (a date, a
 * choice made); what the support rules decide (a kind from the list, a service in the directory, a status that may
 * follow) the support service still says, against the same ids.
 */

const checkboxes = z.preprocess(asArray, z.array(z.string()))

export const ContactForm = z.object({
  contactedOn: dateField('Date of the contact', { required: true, notInFuture: true }),
  kind: field(),
  safeToContact: field(),
  whatDone: field(),
  needsRaised: field(),
  entitlements: checkboxes,
  nextStep: field(),
  nextStepOn: dateField('Date of the next step', { required: false }),
})

export const ReferralForm = z.object({
  serviceId: field(z.string().min(1, { error: 'Select a service from the directory' })),
  madeOn: dateField('Date the referral was made', { required: true, notInFuture: true }),
  provision: field(),
  reason: field(),
  followUpOn: dateField('Follow-up date', { required: false }),
})

/** What happened to a referral: chasing one still awaiting an answer needs the next follow-up date. */
export const ReferralUpdateForm = z
  .object({
    status: field(z.string().min(1, { error: 'Select what has happened to the referral' })),
    note: field(),
    outcome: field(),
    followUpOn: z.unknown(),
  })
  .transform((form, ctx) => {
    if (form.status !== 'awaiting') return { ...form, followUpOn: null }
    const date = dateField('Next follow-up date', { required: true }).safeParse(form.followUpOn)
    if (date.success) return { ...form, followUpOn: date.data }
    for (const issue of date.error.issues)
      ctx.addIssue({ code: 'custom', path: ['followUpOn', ...issue.path], message: issue.message })
    return z.NEVER
  })

/** A service in the directory. Every rule is the service's; the form only reads the boxes as the page means them. */
export const ServiceForm = z
  .object({
    name: field(),
    category: field(),
    offers: field(),
    offersCy: field(),
    phone: field(),
    email: field(),
    website: field(),
    area: field(),
    takes: checkboxes,
    womenOnly: field(),
    languages: field(),
    active: field(),
  })
  .transform((f) => ({
    name: f.name,
    category: f.category,
    offers: f.offers,
    offersCy: f.offersCy,
    phone: f.phone,
    email: f.email,
    website: f.website,
    area: f.area,
    takesAdults: f.takes.includes('adults'),
    takesChildren: f.takes.includes('children'),
    womenOnly: f.womenOnly === 'yes',
    languages: f.languages,
    active: f.active !== 'no',
  }))
