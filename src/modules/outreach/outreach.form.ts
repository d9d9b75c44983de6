import { checkDateInput } from '#src/platform/http/date-input.ts'
import { asArray, asString, tooLong, type FieldErrors } from '#src/platform/http/forms.ts'
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
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/

function normaliseTime(value: string): string {
  const m = TIME.exec(value)
  return m ? `${m[1].padStart(2, '0')}:${m[2]}` : value
}

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
  const errors: FieldErrors = {}
  if (!values.title) errors.title = 'Enter a title for the event'
  tooLong(errors, 'title', values.title, 200, 'Title')
  if (!EVENT_KINDS.has(values.kind)) errors.kind = 'Select the type of event'
  const date = checkDateInput({ day: values.day, month: values.month, year: values.year }, 'Date of the event', {
    required: true,
  })
  if (!date.ok) errors[`startDate-${date.part}`] = date.message
  if (!values.startTime) errors.startTime = 'Enter the start time'
  else if (!TIME.test(values.startTime)) errors.startTime = 'Enter the start time in the 24-hour clock, like 14:30'
  if (values.endTime && !TIME.test(values.endTime))
    errors.endTime = 'Enter the end time in the 24-hour clock, like 16:00'
  else if (
    values.endTime &&
    TIME.test(values.startTime) &&
    normaliseTime(values.endTime) <= normaliseTime(values.startTime)
  )
    errors.endTime = 'End time must be after the start time'
  if (!DELIVERY.has(values.delivery)) errors.delivery = 'Select whether the event was in person or online'
  if (values.delivery === 'in-person' && !values.venue) errors.venue = 'Enter the venue'
  tooLong(errors, 'venue', values.venue, 200, 'Venue')
  const organisations = [
    ...new Map(
      values.organisations
        .split(/\r?\n/)
        .map((o) => o.trim().replace(/\s+/g, ' '))
        .filter(Boolean)
        .map((o) => [o.toLowerCase(), o]),
    ).values(),
  ]
  if (organisations.length > 50) errors.organisations = 'Enter no more than 50 organisations'
  else if (organisations.some((o) => o.length > 200))
    errors.organisations = 'Each organisation name must be 200 characters or fewer'
  if (values.sectors.length === 0) errors.sectors = 'Select the sectors the audience came from'
  else if (values.sectors.some((s) => !SECTORS.has(s))) errors.sectors = 'Select sectors from the list'
  let attendeeCount: number | null = null
  if (values.attendeeCount) {
    if (!/^\d{1,6}$/.test(values.attendeeCount.replace(/,/g, '')))
      errors.attendeeCount = 'Number of attendees must be a whole number, like 25'
    else {
      attendeeCount = Number(values.attendeeCount.replace(/,/g, ''))
      if (attendeeCount > 100_000) errors.attendeeCount = 'Number of attendees must be 100,000 or fewer'
    }
  }
  tooLong(errors, 'trainers', values.trainers, 500, 'Trainers')
  if (values.priorityTags.some((t) => !knownTags.includes(t)))
    errors.priorityTags = 'Select strategic priorities from the list'
  if (values.operationId && !knownOperations.includes(values.operationId))
    errors.operationId = 'Select an operation from the list'
  tooLong(errors, 'notes', values.notes, 5000, 'Notes')
  if (Object.keys(errors).length > 0 || !date.ok || !date.value) return { values, errors }
  return {
    values,
    errors,
    input: {
      title: values.title,
      kind: values.kind,
      date: date.value,
      startTime: normaliseTime(values.startTime),
      endTime: values.endTime ? normaliseTime(values.endTime) : null,
      delivery: values.delivery,
      venue: values.delivery === 'in-person' ? values.venue : values.venue || null,
      organisations,
      sectors: [...new Set(values.sectors)],
      attendeeCount,
      trainers: values.trainers,
      priorityTags: [...new Set(values.priorityTags)],
      notes: values.notes,
      operationId: values.operationId || null,
    },
  }
}

/** Feedback from one attendee: a score from 1 (not useful) to 5 (very useful) and an optional comment. */
export function readFeedbackForm(body: Body): { values: { score: string; comment: string }; errors: FieldErrors } {
  const values = { score: str(body, 'score', 5), comment: str(body, 'comment') }
  const errors: FieldErrors = {}
  if (!/^[1-5]$/.test(values.score)) errors.score = 'Select a score from 1 to 5'
  tooLong(errors, 'comment', values.comment, 2000, 'Comment')
  return { values, errors }
}
