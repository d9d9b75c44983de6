import { describe, expect, it } from 'vitest'
import { apiRethrow, defineDomainError, isNotFound, NotFoundError } from './errors.ts'

const ThingError = defineDomainError('ThingError', { 'not-found': 404, invalid: 400 })
const OtherError = defineDomainError('OtherError', { 'not-found': 404 })

const caught = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('nothing was thrown')
}

describe('an API route’s errors from its module', () => {
  it('answers the module’s not-found as a plain not-found with the same message', () => {
    const error = caught(() => apiRethrow(ThingError)(new ThingError('not-found', 'Thing not found')))
    expect(error).toBeInstanceOf(NotFoundError)
    expect((error as NotFoundError).message).toBe('Thing not found')
  })

  it('renames a page field to the API’s JSON field, keeping the class, code and message', () => {
    const error = caught(() =>
      apiRethrow(ThingError, { owner: 'ownerUserId' })(new ThingError('invalid', 'Choose an owner', 'owner')),
    )
    expect(error).toBeInstanceOf(ThingError)
    expect(error).toMatchObject({ code: 'invalid', message: 'Choose an owner', field: 'ownerUserId', status: 400 })
  })

  it('throws on unchanged a field it has no name for, another module’s error, and anything else', () => {
    const unnamed = new ThingError('invalid', 'Enter a title', 'title')
    expect(caught(() => apiRethrow(ThingError, { owner: 'ownerUserId' })(unnamed))).toBe(unnamed)
    const other = new OtherError('not-found', 'Other not found')
    expect(caught(() => apiRethrow(ThingError)(other))).toBe(other)
    const plain = new Error('boom')
    expect(caught(() => apiRethrow(ThingError)(plain))).toBe(plain)
  })
})

describe('what the error handler answers as not found', () => {
  it('is a NotFoundError or any module’s not-found, and no other error', () => {
    expect(isNotFound(new NotFoundError())).toBe(true)
    expect(isNotFound(new ThingError('not-found', 'Thing not found'))).toBe(true)
    expect(isNotFound(new OtherError('not-found', 'Other not found'))).toBe(true)
    expect(isNotFound(new ThingError('invalid', 'Enter a title', 'title'))).toBe(false)
    expect(isNotFound(new Error('not-found'))).toBe(false)
    expect(isNotFound(Object.assign(new Error('x'), { code: 'not-found' }))).toBe(false)
  })
})
