import { describe, expect, it } from 'vitest'
import { tooLong, type FieldErrors } from './forms.ts'

describe('a field that is too long', () => {
  it('gets the GOV.UK message with the limit written as people read numbers', () => {
    const errors: FieldErrors = {}
    tooLong(errors, 'notes', 'x'.repeat(10_001), 10_000, 'Notes')
    expect(errors).toEqual({ notes: 'Notes must be 10,000 characters or fewer' })
  })

  it('is left alone at the limit', () => {
    const errors: FieldErrors = {}
    tooLong(errors, 'notes', 'x'.repeat(200), 200, 'Notes')
    expect(errors).toEqual({})
  })

  it('keeps a problem the field already has, which is the one to fix first', () => {
    const errors: FieldErrors = { title: 'Enter a title' }
    tooLong(errors, 'title', 'x'.repeat(201), 200, 'Title')
    expect(errors).toEqual({ title: 'Enter a title' })
  })
})
