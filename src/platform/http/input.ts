import type { FastifyRequest } from 'fastify'

/**
 * PostgreSQL text cannot hold U+0000, so a NUL anywhere in what was sent (a form field, a JSON string, a query
 * parameter, an object key) would fail the insert with a 500. No one types one on purpose; they come from
 * copied binary, fuzzers and attacks. They are removed once, here, before validation, so every module can
 * treat input as storable text.
 */
export async function removeNulCharacters(request: FastifyRequest): Promise<void> {
  if (request.body !== undefined) request.body = clean(request.body, 0)
  if (request.query && typeof request.query === 'object') request.query = clean(request.query, 0)
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = clean(value[i], depth + 1)
    return value
  }
  // Parsed JSON and form fields (the form parser's objects have a prototype of their own); a multipart file,
  // a stream or a date is left alone.
  const candidate = value as { pipe?: unknown; toBuffer?: unknown }
  if (value instanceof Date || typeof candidate.pipe === 'function' || typeof candidate.toBuffer === 'function')
    return value
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    const cleaned = clean(record[key], depth + 1)
    if (key.includes('\u0000')) {
      delete record[key]
      record[key.replaceAll('\u0000', '')] = cleaned
    } else record[key] = cleaned
  }
  return record
}
