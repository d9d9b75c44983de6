import type { FastifyReply } from 'fastify'
import { describe, expect, it } from 'vitest'
import { ProblemSchema, sendProblem } from './problem.ts'

/** A reply that keeps what is sent, enough for sendProblem. */
function fakeReply(url: string) {
  const sent: { status?: number; type?: string; body?: unknown } = {}
  const reply = {
    request: { url },
    code(status: number) {
      sent.status = status
      return reply
    },
    type(type: string) {
      sent.type = type
      return reply
    },
    send(body: unknown) {
      sent.body = body
      return reply
    },
  }
  return { reply: reply as unknown as FastifyReply, sent }
}

describe('the problem response schema', () => {
  it('describes what sendProblem sends, field errors included', () => {
    const { reply, sent } = fakeReply('/api/v1/referrals?x=1')
    sendProblem(reply, {
      status: 400,
      detail: 'Correct the fields',
      errors: [{ pointer: '/people/0/names', detail: 'Enter a name' }],
    })
    expect(sent.status).toBe(400)
    expect(ProblemSchema.parse(sent.body)).toEqual({
      type: 'about:blank',
      title: 'Your request has problems',
      status: 400,
      detail: 'Correct the fields',
      instance: '/api/v1/referrals',
      errors: [{ pointer: '/people/0/names', detail: 'Enter a name' }],
    })
  })

  it('refuses a body without a status or a title', () => {
    expect(ProblemSchema.safeParse({ type: 'about:blank', title: 'Not found' }).success).toBe(false)
    expect(ProblemSchema.safeParse({ type: 'about:blank', status: 404 }).success).toBe(false)
  })
})
