import { randomBytes } from 'node:crypto'

/**
 * A UUID version 7 (RFC 9562): time-ordered, so primary-key indexes stay compact and append-only at
 * national volumes, while remaining unguessable enough for URLs (74 random bits).
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16)
  bytes.writeUIntBE(now, 0, 6)
  bytes[6] = (bytes[6] & 0x0f) | 0x70
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** True for a syntactically valid UUID; used to answer 404 rather than let PostgreSQL reject a bad id. */
export function isUuid(value: string): boolean {
  return UUID.test(value)
}
