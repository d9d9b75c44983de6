import { describe, expect, it } from 'vitest'
import { AUDIT_ACTIONS } from './audit-events.ts'

/** DPA 2018 s62(1): the kinds of processing the logs must cover. */
const S62 = ['collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure']

describe('audited actions', () => {
  it.each(Object.entries(AUDIT_ACTIONS))('%s has an s62 category (or is a security event)', (action, category) => {
    expect([...S62, 'security']).toContain(category)
    // Security events are sign-in and access control only: processing of personal data must sit in s62.
    if (category === 'security') expect(action).toMatch(/^(auth|mfa|session|user|api-token|account)[.-]/)
  })

  it('covers every s62 category somewhere, so each can be reported on', () => {
    const used = new Set(Object.values(AUDIT_ACTIONS))
    for (const category of S62) expect(used).toContain(category)
  })

  it('logs erasure as erasure and exports to a data subject as disclosure', () => {
    expect(AUDIT_ACTIONS['person.erased']).toBe('erasure')
    expect(AUDIT_ACTIONS['retention.record-erased']).toBe('erasure')
    expect(AUDIT_ACTIONS['audit.redacted']).toBe('erasure')
    expect(AUDIT_ACTIONS['subject-access.exported']).toBe('disclosure')
    expect(AUDIT_ACTIONS['person.merged']).toBe('combination')
  })
})
