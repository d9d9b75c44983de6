import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import { z } from 'zod'
import type { Db } from '#src/platform/db/database.ts'
import type { Config } from '#src/platform/config/config.ts'
import { canonicalJson, GENESIS_HASH } from './audit-chain.ts'
import { walkAuditChain, type ChainAnchor } from './audit.repository.ts'

/**
 * Signed checkpoints of the audit chain's head, kept outside the database (ADR 0010). The chain shows a row
 * altered or removed from its middle, but not its newest rows removed, nor the whole log rewritten and
 * re-hashed with Lantern's own function: both leave a chain that links up. A checkpoint records the newest
 * row's id and stored hash (which covers every row before it) and how many rows there were, signed with an
 * Ed25519 key the database never sees; `lantern audit verify` then finds every checkpointed row still there
 * with the same hash and count. One line of JSON per checkpoint, appended, in a folder a DPO can keep.
 */
export const CHECKPOINT_FILE = 'audit-checkpoints.jsonl'
export const PUBLIC_KEY_FILE = 'audit-checkpoint-key.pub'

export class CheckpointError extends Error {
  constructor(
    message: string,
    /** The audit event that no longer matches, when that is why (logged: an id is not personal data). */
    readonly eventId?: string,
  ) {
    super(message)
  }
}

const CheckpointLine = z.strictObject({
  v: z.literal(1),
  at: z.iso.datetime(),
  count: z.number().int().min(0),
  lastId: z.string().regex(/^\d+$/),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  key: z.string(),
  sig: z.string(),
})
export type Checkpoint = z.infer<typeof CheckpointLine>

/** A short, stable name for a public key, printed so a DPO can compare it with the copy they hold. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16)
}

export function publicKeyOf(privateKeyPem: string): KeyObject {
  return createPublicKey(createPrivateKey(privateKeyPem))
}

/** A public key from a file the verifier names (PEM); its own private key's file works too. */
export function readPublicKey(file: string): KeyObject {
  let key: KeyObject
  try {
    key = createPublicKey(readFileSync(file, 'utf8'))
  } catch {
    throw new CheckpointError(`Cannot read an Ed25519 public key (PEM) from ${file}`)
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CheckpointError(`${file} is not an Ed25519 key`)
  return key
}

function signedBytes(checkpoint: Omit<Checkpoint, 'sig'>): Buffer {
  return Buffer.from(canonicalJson(checkpoint))
}

export type CheckpointReading = { file: string; checkpoints: Checkpoint[]; problems: string[] }

/**
 * Every checkpoint in the folder whose signature the key accepts. A line that does not parse or whose
 * signature does not match is a problem for the verifier to report: someone altered it, or it was signed with
 * a key other than the one verifying.
 */
export function readCheckpoints(dir: string, publicKey: KeyObject): CheckpointReading {
  const file = join(dir, CHECKPOINT_FILE)
  const reading: CheckpointReading = { file, checkpoints: [], problems: [] }
  if (!existsSync(file)) return reading
  const fingerprint = keyFingerprint(publicKey)
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (!text.trim()) return
      const n = index + 1
      let parsed: ReturnType<typeof CheckpointLine.safeParse>
      try {
        parsed = CheckpointLine.safeParse(JSON.parse(text))
      } catch {
        return void reading.problems.push(`checkpoint ${n}: not JSON`)
      }
      if (!parsed.success)
        return void reading.problems.push(
          `checkpoint ${n}: not a checkpoint (${parsed.error.issues.map((i) => i.path.join('.') || 'line').join(', ')})`,
        )
      const { sig, ...fields } = parsed.data
      const valid =
        fields.key === fingerprint && verify(null, signedBytes(fields), publicKey, Buffer.from(sig, 'base64'))
      if (!valid)
        return void reading.problems.push(
          `checkpoint ${n}: its signature does not match (altered, or signed with a key other than ${fingerprint})`,
        )
      reading.checkpoints.push(parsed.data)
    })
  return reading
}

export function anchorsOf(checkpoints: Checkpoint[]): ChainAnchor[] {
  return checkpoints.map((c) => ({
    lastId: c.lastId,
    count: c.count,
    headHash: c.headHash,
    label: `the checkpoint of ${c.at}`,
  }))
}

/** The checkpoint furthest along the chain. */
export function latestCheckpoint(checkpoints: Checkpoint[]): Checkpoint | undefined {
  return checkpoints.reduce<Checkpoint | undefined>(
    (latest, c) => (!latest || BigInt(c.lastId) > BigInt(latest.lastId) ? c : latest),
    undefined,
  )
}

/**
 * Signs the chain's present head and appends it to the folder. Only the rows since the latest checkpoint are
 * walked (their links and hashes checked), from that checkpoint's head, after checking the row it names still
 * has the hash it signed: so the cost is the new rows, and Lantern never signs a log that has been rewritten
 * or cut short since it last signed. `ifChanged` skips the write when no row has been added.
 */
export async function writeAuditCheckpoint(
  db: Db,
  options: { dir: string; privateKeyPem: string; ifChanged?: boolean },
): Promise<Checkpoint | null> {
  const privateKey = createPrivateKey(options.privateKeyPem)
  const publicKey = createPublicKey(privateKey)
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  mkdirSync(options.dir, { recursive: true })
  const publicFile = join(options.dir, PUBLIC_KEY_FILE)
  if (existsSync(publicFile) && readFileSync(publicFile, 'utf8') !== publicPem) {
    throw new CheckpointError(
      `${options.dir} holds checkpoints signed with another key: give this key a folder of its own (AUDIT_CHECKPOINT_DIR), and keep the old one with its key`,
    )
  }
  const base = latestCheckpoint(readCheckpoints(options.dir, publicKey).checkpoints)
  // One snapshot for the check, the walk and the head, so rows committed meanwhile cannot slip between them.
  const head = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      if (base && base.count > 0) {
        const row = await sql<{
          hash: string
        }>`SELECT hash FROM audit_events WHERE id = ${base.lastId}::bigint`.execute(trx)
        if (row.rows[0]?.hash !== base.headHash) {
          throw new CheckpointError(
            `The audit log no longer matches its last checkpoint (${base.at}): event ${base.lastId} ${row.rows.length ? 'no longer has the hash signed' : 'is missing'}. Nothing was signed; run "npx lantern audit verify".`,
            base.lastId,
          )
        }
      }
      const from = base
        ? { afterId: base.lastId, prevHash: base.count > 0 ? base.headHash : GENESIS_HASH, checked: base.count }
        : { afterId: '0', prevHash: GENESIS_HASH, checked: 0 }
      const walked = await walkAuditChain(trx, from)
      if (!walked.ok) {
        throw new CheckpointError(
          `The audit chain is broken at event ${walked.firstBreak.id}: ${walked.firstBreak.reason}. Nothing was signed; run "npx lantern audit verify".`,
          walked.firstBreak.id,
        )
      }
      return walked.head
    })
  if (options.ifChanged && base && base.lastId === head.afterId) return null
  const fields = {
    v: 1 as const,
    at: new Date().toISOString(),
    count: head.checked,
    lastId: head.afterId,
    headHash: head.checked > 0 ? head.prevHash : GENESIS_HASH,
    key: keyFingerprint(publicKey),
  }
  const checkpoint: Checkpoint = { ...fields, sig: sign(null, signedBytes(fields), privateKey).toString('base64') }
  if (!existsSync(publicFile)) writeFileSync(publicFile, publicPem, { mode: 0o644 })
  // One write of one line, appended: a reader never sees half a checkpoint, and instances sharing the folder
  // do not overwrite each other.
  appendFileSync(join(options.dir, CHECKPOINT_FILE), JSON.stringify(checkpoint) + '\n', { mode: 0o644 })
  return checkpoint
}

/**
 * The server's checkpoints: one soon after start, one every AUDIT_CHECKPOINT_MINUTES when rows were added, and
 * one at a clean stop. All off the request path; one at a time. A refusal (the log no longer matches) or a
 * folder that cannot be written is reported through onProblem, and tried again next time.
 */
export function startAuditCheckpoints(
  db: Db,
  config: Pick<Config, 'auditCheckpointDir' | 'auditCheckpointKey' | 'auditCheckpointMinutes'>,
  options: { onProblem: (error: unknown) => void; intervalMs?: number; onChecked?: () => void },
): { close: () => Promise<void> } {
  let running: Promise<void> = Promise.resolve()
  const checkpoint = (ifChanged: boolean) => {
    running = running
      .then(() =>
        writeAuditCheckpoint(db, {
          dir: config.auditCheckpointDir,
          privateKeyPem: config.auditCheckpointKey,
          ifChanged,
        }).then(() => undefined, options.onProblem),
      )
      // Each look at the chain, written or not: lets a test wait for the timer's turns instead of for time.
      .then(() => options.onChecked?.())
    return running
  }
  void checkpoint(true)
  const timer = setInterval(() => void checkpoint(true), options.intervalMs ?? config.auditCheckpointMinutes * 60_000)
  timer.unref()
  return {
    close: async () => {
      clearInterval(timer)
      await checkpoint(true)
    },
  }
}
