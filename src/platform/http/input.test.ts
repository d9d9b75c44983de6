import { describe, expect, it } from 'vitest'
import type { FastifyRequest } from 'fastify'
import { removeNulCharacters } from './input.ts'

describe('removeNulCharacters', () => {
  it('removes U+0000 from form fields (the form parser’s own object type), JSON at any depth, keys and query strings', async () => {
    function Empty() {}
    Empty.prototype = Object.create(null)
    const form = Object.assign(new (Empty as unknown as new () => object)(), {
      name: 'a\u0000b',
      many: ['\u0000', 'x'],
    })
    const request = { body: form, query: { q: 'nul\u0000' } } as unknown as FastifyRequest
    await removeNulCharacters(request)
    expect({ ...(request.body as object) }).toEqual({ name: 'ab', many: ['', 'x'] })
    expect(request.query).toEqual({ q: 'nul' })

    const json = { people: [{ names: ['Ana\u0000'], 'ro\u0000le': 'victim' }], count: 2, at: new Date(0) }
    const api = { body: json, query: {} } as unknown as FastifyRequest
    await removeNulCharacters(api)
    expect(api.body).toEqual({ people: [{ names: ['Ana'], role: 'victim' }], count: 2, at: new Date(0) })
    const text = { body: '\u0000plain', query: undefined } as unknown as FastifyRequest
    await removeNulCharacters(text)
    expect(text.body).toBe('plain')
  })
})
