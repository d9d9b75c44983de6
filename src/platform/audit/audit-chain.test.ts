import { describe, expect, it } from 'vitest'
import { canonicalJson, chainHash, GENESIS_HASH, type ChainedFields } from './audit-chain.ts'

const row: ChainedFields = {
  id: '1',
  occurredAt: '2026-03-04T10:00:00.000Z',
  actorUserId: null,
  actorTokenId: null,
  action: 'referral.viewed',
  category: 'consultation',
  subjectType: 'referral',
  subjectId: 'abc',
  ip: '127.0.0.1',
  requestId: 'r1',
  justification: null,
  details: { b: 1, a: [{ y: 2, x: 1 }] },
}

describe('audit chain hashing', () => {
  it('hashes the same whatever order the details keys come back in (jsonb reorders them)', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }))
    expect(chainHash(GENESIS_HASH, row)).toBe(
      chainHash(GENESIS_HASH, { ...row, details: { a: [{ x: 1, y: 2 }], b: 1 } }),
    )
  })

  it.each(Object.keys(row) as (keyof ChainedFields)[])('changes when %s changes', (field) => {
    const altered = { ...row, [field]: field === 'details' ? { b: 2 } : `${String(row[field])}x` }
    expect(chainHash(GENESIS_HASH, altered)).not.toBe(chainHash(GENESIS_HASH, row))
  })

  it('depends on the previous row’s hash, so removing a row breaks the link', () => {
    expect(chainHash('a'.repeat(64), row)).not.toBe(chainHash(GENESIS_HASH, row))
  })
})
