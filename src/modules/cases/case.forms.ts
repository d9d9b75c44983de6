import { z } from 'zod'
import { isValid as isValidPostcode, toNormalised as normalisePostcode } from 'postcode'
import { dateField, field } from '#src/platform/http/page-forms.ts'
import { asArray } from '#src/platform/http/forms.ts'
import { isUuid } from '#src/shared/ids.ts'

/**
 * The live job page's forms, one schema each (as the API's are), read from the urlencoded body after
 * `withDateParts` for their date inputs. Field keys are the page's input ids; what the job's rules decide (a
 * title given, a person on the job) the case service still says, against the same ids.
 */

const optionalId = field().transform((id) => (isUuid(id) ? id : null))

export const MemberForm = z.object({
  userId: field(z.string().refine(isUuid, { error: 'Select someone from the list' })),
  duty: field(
    z.enum(['victim', 'suspect'], { error: 'Select whether they work the victims’ side or the suspects’ side' }),
  ),
})

export const MemberRemovalForm = z.object({
  reason: field(z.string().min(1, { error: 'Enter why they are leaving the team' })),
})

/** A person and role chosen together from one list, as `personId|role`. */
export const PersonRemovalForm = z.object({
  personRole: field()
    .transform((value) => {
      const [personId = '', role = ''] = value.split('|')
      return { personId, role }
    })
    .refine(({ personId, role }) => isUuid(personId) && role !== '', { error: 'Select the person and role to remove' }),
  reason: field(z.string().min(1, { error: 'Enter why the person is being removed from the live job' })),
})

export const TaskForm = z.object({
  taskTitle: field(),
  ownerId: optionalId,
  dueOn: dateField('Due date', { required: false }),
})

export const DecisionForm = z.object({
  decidedOn: dateField('Date of the decision', { required: true, notInFuture: true }),
  decision: field(),
  rationale: field(),
})

export const DealLineForm = z.object({
  number: field(),
  lineName: field(),
  area: field(),
  activeFrom: dateField('Active from', { required: false }),
  activeTo: dateField('Active to', { required: false }),
  dealPersonId: optionalId,
  dealRelation: field().transform((relation) => (relation === 'works' ? ('works' as const) : ('runs' as const))),
})

export const CuckooedAddressForm = z.object({
  // A place or person already on the live job, chosen instead of typing them again (no second "Flat 3").
  cuckooPlaceId: optionalId,
  occupantPersonId: optionalId,
  addressLine1: field(),
  town: field().transform((town) => town || null),
  cuckooPostcode: field(
    z.string().refine((postcode) => !postcode || isValidPostcode(postcode), {
      error: 'Enter a real UK postcode, like SW1A 1AA',
    }),
  ).transform((postcode) => (postcode ? normalisePostcode(postcode) : null)),
  occupantName: field(),
  vulnerability: field(),
})

const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/

export const EventForm = z.object({
  eventKind: field(),
  eventDate: dateField('Date', { required: true, notInFuture: true }),
  // Arrest, custody and warrant timings matter to the job: a time is optional, on the 24-hour clock.
  eventTime: field(
    z
      .string()
      .regex(new RegExp(`^$|${TIME.source}`), { error: 'Enter the time on the 24-hour clock, like 06:05 or 14:30' }),
  ).transform((text) => {
    const time = TIME.exec(text)
    return time ? `${time[1].padStart(2, '0')}:${time[2]}` : null
  }),
  eventSummary: field(),
  eventPeople: z.preprocess(asArray, z.array(z.string())).transform((ids) => ids.filter(isUuid)),
  eventLocation: optionalId,
})

export const StageDateForm = z.object({
  stageKind: field(),
  stageDate: dateField('Date of the stage', { required: true, notInFuture: true }),
  stageDue: dateField('Date due', { required: false }),
  stagePerson: optionalId,
  stageNote: field(),
})

export const ExhibitForm = z.object({
  exhibitKind: field().transform((k) => (k === 'handset' ? ('handset' as const) : ('exhibit' as const))),
  exhibitReference: field(),
  exhibitDescription: field(),
  exhibitSeized: dateField('Date seized', { required: false, notInFuture: true }),
  exhibitFrom: optionalId,
  exhibitStorage: field(),
  exhibitPhone: field(),
})

export const IntelligenceReportForm = z.object({
  intelReference: field(),
  intelNote: field(),
})
