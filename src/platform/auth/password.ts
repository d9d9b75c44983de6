import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

const KEY_LENGTH = 32

/** scrypt with its parameters stored beside the hash, so the cost can rise later without breaking old hashes. */
export async function hashPassword(password: string, logCost = 15): Promise<string> {
  const salt = randomBytes(16)
  const N = 2 ** logCost
  const key = await scryptAsync(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r: 8, p: 1, maxmem: 256 * N * 8 })
  return `scrypt$${logCost}$8$1$${salt.toString('base64')}$${key.toString('base64')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logCost, r, p, salt, key] = stored.split('$')
  if (scheme !== 'scrypt' || !key) return false
  const N = 2 ** Number(logCost)
  const expected = Buffer.from(key, 'base64')
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r),
  })
  return timingSafeEqual(actual, expected)
}

// Verifying against this when an email is unknown keeps a failed sign-in's timing the same either way. One per
// cost: a hash made at another cost (another app in the same process) would verify faster or slower than a user's.
const dummyHashes = new Map<number, Promise<string>>()
export function dummyPasswordHash(logCost: number): Promise<string> {
  let hash = dummyHashes.get(logCost)
  if (!hash) dummyHashes.set(logCost, (hash = hashPassword(randomBytes(12).toString('base64'), logCost)))
  return hash
}

const WORDS = [
  'amber',
  'anchor',
  'beacon',
  'birch',
  'cobalt',
  'comet',
  'copper',
  'delta',
  'ember',
  'falcon',
  'fern',
  'garnet',
  'harbour',
  'heron',
  'indigo',
  'juniper',
  'kestrel',
  'lagoon',
  'lantern',
  'maple',
  'meadow',
  'nimbus',
  'orchid',
  'otter',
  'pebble',
  'quartz',
  'raven',
  'river',
  'saffron',
  'signal',
  'spruce',
  'thistle',
  'tundra',
  'umber',
  'velvet',
  'willow',
  'yarrow',
  'zephyr',
]

/** A generated passphrase of four words and two digits: long, and easy to read out over a phone. */
export function generatePassword(): string {
  const bytes = randomBytes(6)
  const words = Array.from({ length: 4 }, (_, i) => WORDS[bytes[i] % WORDS.length])
  return `${words.join('-')}-${(bytes[4] % 90) + 10}`
}
