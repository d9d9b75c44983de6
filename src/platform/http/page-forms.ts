import { z } from 'zod'
import { isValid as isValidPostcode } from 'postcode'
import { checkDateInput } from './date-input.ts'
import { asArray, asString, dateParts, tooLongMessage, type DateParts } from './forms.ts'

/**
 * Zod pieces for question pages, so a page's form is one schema like the API's: `parseForm(schema, body)` gives
 * the GOV.UK error per field, in the schema's order, with the same messages the pages have always shown.
 * A urlencoded body gives strings, arrays or nothing; these read it as the page means it.
 */

/** A text field as typed, trimmed ('' when absent). */
export function field(): z.ZodPipe<z.ZodTransform<string, unknown>, z.ZodString>
export function field<S extends z.ZodType>(schema: S): z.ZodPipe<z.ZodTransform<string, unknown>, S>
export function field(schema?: z.ZodType): z.ZodType {
  return z.preprocess((value) => asString(value).trim(), schema ?? z.string())
}

/** A text field that must be given. */
export const requiredText = (missing: string, max: number, tooLong: string) =>
  field(z.string().min(1, { error: missing }).max(max, { error: tooLong }))

/** A query parameter checked only when it is given (a search form not yet sent has none): trimmed, or undefined. */
export const ifGiven = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (value === undefined ? undefined : asString(value).trim()), schema.optional())

/** A text field that may be left blank, at most `max` characters. */
export const optionalText = (max: number, tooLong: string) => field(z.string().max(max, { error: tooLong }))

/** A text field of at most `max` characters, with the GOV.UK "too long" message for its label (as `tooLong` gives). */
export const textUpTo = (label: string, max: number) => optionalText(max, tooLongMessage(label, max))

/** A checkbox group, which a urlencoded body gives as absent, one string, or an array: the boxes ticked. */
export const checkboxes = () => z.preprocess(asArray, z.array(z.string()))

/** A UK postcode that may be left blank, as typed (trimmed): one the postcode rules do not know gets `message`. */
export const optionalPostcode = (message: string) =>
  field(z.string().refine((postcode) => postcode === '' || isValidPostcode(postcode), { error: message }))

/** A time of day on the 24-hour clock, `9:30` or `14:30`. */
export const TIME_OF_DAY = /^([01]?\d|2[0-3]):([0-5]\d)$/

/**
 * A time of day typed on the 24-hour clock, as `HH:MM` ('' when left blank): one that is not gets `wrong`, and with
 * `missing` a blank one gets that.
 */
export const timeOfDay = (wrong: string, missing?: string) =>
  field(
    z
      .string()
      .refine((time) => time !== '' || missing === undefined, { error: missing })
      .refine((time) => time === '' || TIME_OF_DAY.test(time), { error: wrong }),
  ).transform((time) => time.replace(TIME_OF_DAY, (_, h: string, m: string) => `${h.padStart(2, '0')}:${m}`))

/** An email address that may be left blank, in the usual `name@example.org` shape. */
export const optionalEmail = (message: string) =>
  field(z.string().refine((email) => email === '' || EMAIL.test(email), { error: message }))
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * For a check across fields (`.refine(check, { path, error, ...withEveryProblem })`): run it even when other fields
 * already have a problem, so the page shows every problem at once. Zod skips such a check by default; the check sees
 * each field as read, whether or not it passed. A field's rule raised with `abort` still stops it, so a field with
 * several messages lists its rules in order without `abort`: the page shows a field's first problem only.
 */
export const withEveryProblem = { when: () => true } as const

/** The parts of a form, asked top to bottom, joined into the one schema `inParts` gives. */
type Joined<Parts extends readonly z.ZodType[]> = Parts extends readonly [
  infer First extends z.ZodType,
  infer Second extends z.ZodType,
  ...infer Rest extends z.ZodType[],
]
  ? Joined<[z.ZodIntersection<First, Second>, ...Rest]>
  : Parts extends readonly [infer Only extends z.ZodType]
    ? Only
    : never

/**
 * A form in parts, top to bottom, for a check across fields whose problem is listed where the page asks it: zod lists
 * an object's checks after all its fields, so `age` checked against the date of birth would come after every later
 * question. Each part (usually a `z.object`) reads the whole body with its own fields and checks; the problems are
 * listed part by part, and the value is every part's value together. A field in two parts must read the same in both,
 * or zod cannot join them.
 */
export function inParts<Parts extends [z.ZodType, z.ZodType, ...z.ZodType[]]>(...parts: Parts): Joined<Parts> {
  return parts.reduce((form, part) => z.intersection(form, part)) as Joined<Parts>
}

/**
 * A form whose schema depends on lists read for the request (the strategic priorities or operations that can be
 * chosen): built once and again only when the lists change, as building a zod schema costs far more than using one.
 */
export function schemaFor<Lists extends readonly (readonly string[])[], S>(
  build: (...lists: Lists) => S,
): (...lists: Lists) => S {
  let last: { key: string; schema: S } | undefined
  return (...lists) => {
    const key = JSON.stringify(lists)
    if (last?.key !== key) last = { key, schema: build(...lists) }
    return last.schema
  }
}

/** A whole number typed into a text field, from `min` to `max` (digits only, no more than `max` has). */
export const wholeNumber = (min: number, max: number, message: string) =>
  field(
    z
      .string()
      .regex(new RegExp(`^\\d{1,${String(max).length}}$`), { error: message })
      .transform(Number)
      .refine((n) => n >= min && n <= max, { error: message }),
  )

/** A checkbox or a yes/no radio that must be answered `yes`. */
export const confirmed = (message: string) => field(z.literal('yes', { error: message })).transform(() => true as const)

/** One of a fixed set of choices (radios or a select), by its key. */
export const choiceOf = <K extends string>(options: Readonly<Record<K, unknown>>, message: string) =>
  field(z.string().refine((value) => Object.hasOwn(options, value), { error: message })).transform(
    (value) => value as K,
  )

/**
 * A GOV.UK date input whose fields are named `<prefix>-day`, `-month` and `-year`: give the schema the body after
 * `withDateParts(body, prefix)`. The error lands on the part that is wrong (`<prefix>-day` …), as the Design System
 * asks, or with `wholeDate` on the input as a whole (`<prefix>`, for a page that marks every box); the value is an
 * ISO date, or null when the date is optional and left blank.
 */
export const dateField = (label: string, options: { required: boolean; notInFuture?: boolean; wholeDate?: boolean }) =>
  z
    .custom<DateParts>((value) => typeof value === 'object' && value !== null, {
      error: `Enter ${label.toLowerCase()}`,
    })
    .transform((parts, ctx) => {
      const check = checkDateInput(parts, label, options)
      if (check.ok) return check.value
      ctx.addIssue({ code: 'custom', path: options.wholeDate ? [] : [check.part], message: check.message })
      return z.NEVER
    })

/** The body with each named date input gathered into its parts, for a schema with `dateField`s of those names. */
export function withDateParts(body: Record<string, unknown>, ...prefixes: string[]): Record<string, unknown> {
  return { ...body, ...Object.fromEntries(prefixes.map((prefix) => [prefix, dateParts(body, prefix)])) }
}

/**
 * A date typed into one box of a list's filter, `27/3/2026` or `2026-03-27`: an ISO date, or undefined when left
 * blank (no filter). Anything else, or a date that does not exist, gets "<label> must be a real date, like 27/3/2026".
 */
export const typedDate = (label: string) =>
  ifGiven(
    z.string().transform((value, ctx) => {
      if (!value) return undefined
      const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
      const parts = match
        ? value.includes('/')
          ? { day: match[1], month: match[2], year: match[3] }
          : { day: match[3], month: match[2], year: match[1] }
        : undefined
      const check = parts ? checkDateInput(parts, label, { required: false }) : undefined
      if (check?.ok && check.value) return check.value
      ctx.addIssue({ code: 'custom', message: `${label} must be a real date, like 27/3/2026` })
      return z.NEVER
    }),
  )

/**
 * A list's filter fields, each read on its own: a field with a problem is reported (in the fields' order) and left
 * out, and the others still filter the list, so one mistyped date does not undo the rest of the search.
 */
export function eachFilter<S extends Record<string, z.ZodType>>(
  fields: S,
  query: Record<string, unknown>,
): { value: { [K in keyof S]?: NonNullable<z.output<S[K]>> }; errors: Record<string, string> } {
  const value: Record<string, unknown> = {}
  const errors: Record<string, string> = {}
  for (const [key, schema] of Object.entries(fields)) {
    const parsed = schema.safeParse(query[key])
    if (!parsed.success) errors[key] = parsed.error.issues[0]?.message ?? 'Check this filter'
    else if (parsed.data !== undefined && parsed.data !== null) value[key] = parsed.data
  }
  return { value: value as { [K in keyof S]?: NonNullable<z.output<S[K]>> }, errors }
}
