import { z } from 'zod'
import { asArray, asString, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import {
  dateField,
  field,
  requiredText,
  schemaFor,
  textUpTo,
  timeOfDay,
  TIME_OF_DAY,
  withDateParts,
  withEveryProblem,
} from '#src/platform/http/page-forms.ts'
import { tooLongMessage } from '#src/platform/http/forms.ts'
import { DELIVERY, EVENT_KINDS, SECTORS } from './outreach.vocabulary.ts'

/** What the user typed on the event form, kept exactly so the page can be shown again after an error. */
export type EventFormValues = {
  title: string
  kind: string
  day: string
  month: string
  year: string
  startTime: string
  endTime: string
  delivery: string
  venue: string
  organisations: string
  sectors: string[]
  attendeeCount: string
  trainers: string
  priorityTags: string[]
  notes: string
  operationId: string
}

/** The checked event, in the shape the service accepts. */
export type EventInput = {
  title: string
  kind: string
  date: string
  startTime: string
  endTime: string | null
  delivery: string
  venue: string | null
  organisations: string[]
  sectors: string[]
  attendeeCount: number | null
  trainers: string
  priorityTags: string[]
  notes: string
  operationId: string | null
}

export const EVENT_FIELD_ORDER = [
  'title',
  'kind',
  'startDate',
  'startTime',
  'endTime',
  'delivery',
  'venue',
  'organisations',
  'sectors',
  'attendeeCount',
  'trainers',
  'priorityTags',
  'operationId',
  'notes',
]

type Body = Record<string, unknown>
const str = (body: Body, key: string, max = 20_000) => asString(body[key]).trim().slice(0, max)
/** The boxes ticked in a checkbox group, at most `max` of them. */
const ticked = (max: number) => z.preprocess((value) => asArray(value).slice(0, max), z.array(z.string()))

/** The organisations the audience came from, one a line: each once, its spaces tidied. */
const organisationLines = field().transform((text) => [
  ...new Map(
    text
      .split(/\r?\n/)
      .map((o) => o.trim().replace(/\s+/g, ' '))
      .filter(Boolean)
      .map((o) => [o.toLowerCase(), o]),
  ).values(),
])

/**
 * The event form, one schema (as the API's are), read from the urlencoded body after `withDateParts` for its date:
 * the event in the shape the service accepts. Field keys are the page's input ids, with every problem at once in
 * GOV.UK wording. The strategic priorities and operations are the ones that can be chosen now.
 */
export const eventForm = schemaFor((knownTags: readonly string[], knownOperations: readonly string[]) =>
  z
    .object({
      title: requiredText('Enter a title for the event', 200, tooLongMessage('Title', 200)),
      kind: field(z.string().refine((kind) => EVENT_KINDS.has(kind), { error: 'Select the type of event' })),
      startDate: dateField('Date of the event', { required: true }),
      startTime: timeOfDay('Enter the start time in the 24-hour clock, like 14:30', 'Enter the start time'),
      endTime: timeOfDay('Enter the end time in the 24-hour clock, like 16:00'),
      delivery: field(
        z.string().refine((delivery) => DELIVERY.has(delivery), {
          error: 'Select whether the event was in person or online',
        }),
      ),
      venue: textUpTo('Venue', 200),
      organisations: organisationLines.pipe(
        z
          .array(z.string())
          .max(50, { error: 'Enter no more than 50 organisations' })
          .refine((names) => names.every((o) => o.length <= 200), {
            error: 'Each organisation name must be 200 characters or fewer',
          }),
      ),
      sectors: ticked(40).pipe(
        z
          .array(z.string())
          .min(1, { error: 'Select the sectors the audience came from' })
          .refine((sectors) => sectors.every((s) => SECTORS.has(s)), { error: 'Select sectors from the list' }),
      ),
      attendeeCount: field(
        z
          .string()
          .transform((count) => count.replace(/,/g, ''))
          .pipe(
            z
              .string()
              .regex(/^(\d{1,6})?$/, { error: 'Number of attendees must be a whole number, like 25' })
              .refine((count) => Number(count) <= 100_000, {
                error: 'Number of attendees must be 100,000 or fewer',
              }),
          ),
      ).transform((count) => (count === '' ? null : Number(count))),
      trainers: textUpTo('Trainers', 500),
      priorityTags: ticked(40).refine((tags) => tags.every((t) => knownTags.includes(t)), {
        error: 'Select strategic priorities from the list',
      }),
      operationId: field(
        z.string().refine((id) => id === '' || knownOperations.includes(id), {
          error: 'Select an operation from the list',
        }),
      ),
      notes: textUpTo('Notes', 5000),
    })
    .refine((event) => event.delivery !== 'in-person' || event.venue !== '', {
      path: ['venue'],
      error: 'Enter the venue',
      ...withEveryProblem,
    })
    // Both times as typed are checked first: the order is checked only on two real times.
    .refine(
      (event) =>
        !TIME_OF_DAY.test(event.startTime) || !TIME_OF_DAY.test(event.endTime) || event.endTime > event.startTime,
      { path: ['endTime'], error: 'End time must be after the start time', ...withEveryProblem },
    )
    .transform((event): EventInput => ({
      title: event.title,
      kind: event.kind,
      date: event.startDate!,
      startTime: event.startTime,
      endTime: event.endTime || null,
      delivery: event.delivery,
      venue: event.delivery === 'in-person' ? event.venue : event.venue || null,
      organisations: event.organisations,
      sectors: [...new Set(event.sectors)],
      attendeeCount: event.attendeeCount,
      trainers: event.trainers,
      priorityTags: [...new Set(event.priorityTags)],
      notes: event.notes,
      operationId: event.operationId || null,
    })),
)

/** Feedback from one attendee: a score from 1 (not useful) to 5 (very useful) and an optional comment. */
export const FeedbackForm = z.object({
  score: field(z.string().regex(/^[1-5]$/, { error: 'Select a score from 1 to 5' })).transform(Number),
  comment: textUpTo('Comment', 2000),
})

export function emptyEventForm(): EventFormValues {
  return {
    title: '',
    kind: '',
    day: '',
    month: '',
    year: '',
    startTime: '',
    endTime: '',
    delivery: '',
    venue: '',
    organisations: '',
    sectors: [],
    attendeeCount: '',
    trainers: '',
    priorityTags: [],
    notes: '',
    operationId: '',
  }
}

/** Reads and checks the event form, with every problem at once in GOV.UK wording. */
export function readEventForm(
  body: Body,
  knownTags: string[],
  knownOperations: string[] = [],
): { values: EventFormValues; errors: FieldErrors; input?: EventInput } {
  const values: EventFormValues = {
    title: str(body, 'title'),
    kind: str(body, 'kind', 40),
    day: str(body, 'startDate-day', 10),
    month: str(body, 'startDate-month', 10),
    year: str(body, 'startDate-year', 10),
    startTime: str(body, 'startTime', 10),
    endTime: str(body, 'endTime', 10),
    delivery: str(body, 'delivery', 20),
    venue: str(body, 'venue'),
    organisations: str(body, 'organisations'),
    sectors: asArray(body.sectors).slice(0, 40),
    attendeeCount: str(body, 'attendeeCount', 20),
    trainers: str(body, 'trainers'),
    priorityTags: asArray(body.priorityTags).slice(0, 40),
    notes: str(body, 'notes'),
    operationId: str(body, 'operationId', 60),
  }
  const parsed = parseForm(eventForm(knownTags, knownOperations), withDateParts(body, 'startDate'))
  return parsed.ok ? { values, errors: {}, input: parsed.value } : { values, errors: parsed.errors }
}

/** The feedback form, kept as typed. */
export function readFeedbackForm(body: Body): { values: { score: string; comment: string }; errors: FieldErrors } {
  const values = { score: str(body, 'score', 5), comment: str(body, 'comment') }
  const parsed = parseForm(FeedbackForm, body)
  return { values, errors: parsed.ok ? {} : parsed.errors }
}
