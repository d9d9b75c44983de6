import { createHash } from 'node:crypto'

export const GENESIS_HASH = '0'.repeat(64)

/** JSON with object keys sorted at every depth, so a row hashes the same after a round trip through jsonb. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export type ChainedFields = {
  id: string
  occurredAt: string
  actorUserId: string | null
  actorTokenId: string | null
  action: string
  category: string
  subjectType: string | null
  subjectId: string | null
  ip: string | null
  requestId: string | null
  justification: string | null
  details: Record<string, unknown>
}

/** The hash of one audit row: it covers every field and the previous row's hash. */
export function chainHash(prevHash: string, fields: ChainedFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(fields)).digest('hex')
}

// A value no field can hold, standing for the id until the database draws it (see chainTextAround).
const ID_PLACEHOLDER = '@@lantern-audit-id@@'

/**
 * The text a row's hash covers, split where its id goes: the database draws the id while holding the chain
 * lock and hashes `prevHash + '\n' + before + JSON id + after` itself (audit_append, migration 0025), so the
 * row is written in the same round trip as the lock is taken. Hashing the joined text gives exactly chainHash.
 */
export function chainTextAround(fields: Omit<ChainedFields, 'id'>): { before: string; after: string } {
  const text = canonicalJson({ ...fields, id: ID_PLACEHOLDER })
  const parts = text.split(`"id":${JSON.stringify(ID_PLACEHOLDER)}`)
  if (parts.length !== 2) throw new Error('An audit row must hold its id exactly once')
  return { before: `${parts[0]}"id":`, after: parts[1] }
}
