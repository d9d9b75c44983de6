import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseForm } from './forms.ts'
import {
  checkboxes,
  eachFilter,
  field,
  inParts,
  optionalEmail,
  optionalPostcode,
  schemaFor,
  textUpTo,
  timeOfDay,
  typedDate,
  withEveryProblem,
} from './page-forms.ts'

const errorsOf = (schema: z.ZodType, body: unknown) => {
  const parsed = parseForm(schema, body)
  return parsed.ok ? {} : parsed.errors
}

describe('question page form pieces', () => {
  it('limits a text field with the GOV.UK "too long" message, the limit written as people read numbers', () => {
    const form = z.object({ notes: textUpTo('Notes', 10_000) })
    expect(parseForm(form, { notes: `  ${'x'.repeat(10_000)}  ` })).toMatchObject({ ok: true })
    expect(errorsOf(form, { notes: 'x'.repeat(10_001) })).toEqual({
      notes: 'Notes must be 10,000 characters or fewer',
    })
  })

  it('reads a checkbox group given as nothing, one box or several', () => {
    const form = z.object({ signs: checkboxes() })
    expect(parseForm(form, {})).toEqual({ ok: true, value: { signs: [] } })
    expect(parseForm(form, { signs: 'child' })).toEqual({ ok: true, value: { signs: ['child'] } })
    expect(parseForm(form, { signs: ['child', 'no-pay'] })).toEqual({ ok: true, value: { signs: ['child', 'no-pay'] } })
  })

  it('takes a real UK postcode or none, as typed', () => {
    const form = z.object({ postcode: optionalPostcode('Enter a real UK postcode, like SW1A 1AA') })
    expect(parseForm(form, { postcode: ' bd3 9xy ' })).toEqual({ ok: true, value: { postcode: 'bd3 9xy' } })
    expect(parseForm(form, {})).toEqual({ ok: true, value: { postcode: '' } })
    expect(errorsOf(form, { postcode: 'BD99 ZZZZ' })).toEqual({ postcode: 'Enter a real UK postcode, like SW1A 1AA' })
  })

  it('takes a time on the 24-hour clock, written with two-digit hours', () => {
    const optional = z.object({ time: timeOfDay('Enter a time in the 24-hour clock, like 14:30') })
    expect(parseForm(optional, { time: '9:05' })).toEqual({ ok: true, value: { time: '09:05' } })
    expect(parseForm(optional, { time: '' })).toEqual({ ok: true, value: { time: '' } })
    for (const time of ['2pm', '24:00', '12:60', '14.30'])
      expect(errorsOf(optional, { time })).toEqual({ time: 'Enter a time in the 24-hour clock, like 14:30' })
    const required = z.object({ time: timeOfDay('Enter the start time in the 24-hour clock', 'Enter the start time') })
    expect(errorsOf(required, {})).toEqual({ time: 'Enter the start time' })
    expect(errorsOf(required, { time: 'noon' })).toEqual({ time: 'Enter the start time in the 24-hour clock' })
  })

  it('takes an email address in the usual shape, or none', () => {
    const form = z.object({ email: optionalEmail('Enter an email address in the correct format') })
    expect(parseForm(form, { email: ' a.b@example.org ' })).toEqual({ ok: true, value: { email: 'a.b@example.org' } })
    expect(parseForm(form, { email: '' })).toMatchObject({ ok: true })
    for (const email of ['a.b', 'a@b', 'a b@example.org'])
      expect(errorsOf(form, { email })).toEqual({ email: 'Enter an email address in the correct format' })
  })

  it('checks across fields even when another field already has a problem, so every problem shows at once', () => {
    const fields = z.object({ kind: z.enum(['talk'], { error: 'Select the kind' }), from: z.string(), to: z.string() })
    const after = (f: { from: string; to: string }) => f.to >= f.from
    const checked = fields.refine(after, {
      path: ['to'],
      error: 'The end must be after the start',
      ...withEveryProblem,
    })
    expect(errorsOf(checked, { kind: '', from: 'b', to: 'a' })).toEqual({
      kind: 'Select the kind',
      to: 'The end must be after the start',
    })
    // Without it, zod leaves the check until the choice is made.
    const unchecked = fields.refine(after, { path: ['to'], error: 'The end must be after the start' })
    expect(errorsOf(unchecked, { kind: '', from: 'b', to: 'a' })).toEqual({ kind: 'Select the kind' })
  })

  it('lists a check across fields where its part of the form asks it, before the problems of the parts after it', () => {
    const yesOrNo = (message: string) => field(z.enum(['yes', 'no'], { error: message }))
    const fields = {
      arranged: yesOrNo('Select whether anyone arranged it'),
      directions: checkboxes(),
      ended: yesOrNo('Select whether it ended on arrival'),
    }
    const movedSomewhere = ({ arranged, directions }: { arranged: string; directions: string[] }) =>
      arranged !== 'yes' || directions.length > 0
    const whereMoved = { path: ['directions'], error: 'Select where they were moved' }
    const moved = z
      .object({ arranged: fields.arranged, directions: fields.directions })
      .refine(movedSomewhere, whereMoved)
    const ended = z.object({ ended: fields.ended })
    const body = { arranged: 'yes', ended: 'perhaps' }
    // Checked after the whole form, the problem would come after every later question.
    const flat = z.object(fields).refine(movedSomewhere, { ...whereMoved, ...withEveryProblem })
    expect(Object.keys(errorsOf(flat, body))).toEqual(['ended', 'directions'])
    expect(errorsOf(inParts(moved, ended), body)).toEqual({
      directions: 'Select where they were moved',
      ended: 'Select whether it ended on arrival',
    })
    expect(Object.keys(errorsOf(inParts(moved, ended), body))).toEqual(['directions', 'ended'])
    // The value is every part's together, and a check on the whole sees it even when a part has a problem.
    expect(parseForm(inParts(moved, ended), { arranged: ' no ', ended: 'yes', other: 'x' })).toEqual({
      ok: true,
      value: { arranged: 'no', directions: [], ended: 'yes' },
    })
    const whole = inParts(moved, ended).refine((form) => form.arranged !== 'no' || form.ended !== 'yes', {
      path: ['ended'],
      error: 'It cannot have ended when no one arranged it',
      ...withEveryProblem,
    })
    expect(errorsOf(whole, { arranged: 'no', directions: 'into', ended: 'yes' })).toEqual({
      ended: 'It cannot have ended when no one arranged it',
    })
  })

  it('builds a schema that depends on lists once, and again only when the lists change', () => {
    let built = 0
    const form = schemaFor((tags: readonly string[]) => {
      built++
      return z.object({ tag: z.enum(tags as [string, ...string[]], { error: 'Select from the list' }) })
    })
    expect(parseForm(form(['a', 'b']), { tag: 'b' })).toMatchObject({ ok: true })
    expect(errorsOf(form(['a', 'b']), { tag: 'c' })).toEqual({ tag: 'Select from the list' })
    expect(built).toBe(1)
    expect(parseForm(form(['a', 'b', 'c']), { tag: 'c' })).toMatchObject({ ok: true })
    expect(built).toBe(2)
  })

  it('reads a typed filter date as 27/3/2026 or 2026-03-27, and refuses one that does not exist', () => {
    const from = typedDate('From')
    expect(from.parse(' 27/3/2026 ')).toBe('2026-03-27')
    expect(from.parse('2026-03-27')).toBe('2026-03-27')
    expect(from.parse('')).toBeUndefined()
    expect(from.parse(undefined)).toBeUndefined()
    for (const wrong of ['31/2/2026', '2026-13-01', 'yesterday', '27-3-2026'])
      expect(from.safeParse(wrong).error?.issues[0]?.message).toBe('From must be a real date, like 27/3/2026')
  })

  it('reads each filter on its own: a wrong one is reported and left out, the others still apply', () => {
    const fields = { from: typedDate('From'), to: typedDate('To') }
    expect(eachFilter(fields, { from: '1/4/2026', to: '31/4/2026' })).toEqual({
      value: { from: '2026-04-01' },
      errors: { to: 'To must be a real date, like 27/3/2026' },
    })
    expect(eachFilter(fields, { to: '' })).toEqual({ value: {}, errors: {} })
  })
})
