import { existsSync, readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { join } from 'node:path'
import { loadConfig } from '#src/platform/config/config.ts'
import { openDatabase } from '#src/platform/db/open.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { createServices } from '#src/container.ts'
import { createApp } from '#src/app.ts'
import {
  CheckpointError,
  keyFingerprint,
  publicKeyOf,
  startAuditCheckpoints,
} from '#src/platform/audit/audit-checkpoint.ts'
import { startAuditSealer } from '#src/platform/audit/audit-sealer.ts'
import { startFigureFolding } from '#src/platform/db/figures-fold.ts'
import { formatCredentials, hasAnyUser, isDemoLoaded, loadDemo } from '#src/modules/demo/index.ts'

/** Starts Lantern: config → database (embedded unless DATABASE_URL) → migrations → demo → listen. */
async function main(): Promise<void> {
  const started = Date.now()
  const config = loadConfig()
  const database = await openDatabase(config, 'owner')
  // Said at every start: whatever Lantern made or changed outside its data folder (as root, ADR 0008).
  for (const change of database.changes ?? []) console.log(change)
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    console.log(`\nLantern is stopping (${signal})…`)
    clearInterval(jobPoll)
    await app?.close().catch(() => undefined)
    // A batch in hand finishes (or its transaction is rolled back) before the database stops.
    await services?.imports.idle().catch(() => undefined)
    // Nothing more is audited now: seal what was written, then sign the head as it stands, so a stop leaves no
    // unsealed or unanchored tail.
    await sealer?.close().catch(() => undefined)
    await folding?.close().catch(() => undefined)
    await checkpoints?.close().catch(() => undefined)
    await database.close().catch((error: unknown) => console.error('Could not stop the database cleanly:', error))
    process.exit(0)
  }
  let app: FastifyInstance | undefined
  let jobPoll: NodeJS.Timeout | undefined
  let services: ReturnType<typeof createServices> | undefined
  let checkpoints: ReturnType<typeof startAuditCheckpoints> | undefined
  let sealer: ReturnType<typeof startAuditSealer> | undefined
  let folding: ReturnType<typeof startFigureFolding> | undefined
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))

  try {
    const { applied } = await migrateToLatest(database.db)
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`)
    let demoMessage = ''
    if (database.embedded && config.demo && !(await hasAnyUser(database.db))) {
      console.log('Loading the synthetic demo data…')
      demoMessage = formatCredentials(
        await loadDemo(database.db, { dataDir: config.dataDir, passwordHashCost: config.passwordHashCost }),
      )
    } else if (database.embedded && (await isDemoLoaded(database.db))) {
      const file = join(config.dataDir, 'demo-credentials.txt')
      if (existsSync(file)) demoMessage = readFileSync(file, 'utf8').trimEnd()
    }
    const demo = await isDemoLoaded(database.db)
    services = createServices(database.db, config)
    app = (await createApp({ config, db: database.db, services, isDemo: () => demo })).app
    await app.listen({ host: config.host, port: config.port })
    // Everything the start-up message says is known before it is printed, so whoever reads (or waits for) the
    // "running" line sees the whole message.
    const noUsers = !demoMessage && !(await hasAnyUser(database.db))
    const shownHost = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host
    console.log(
      [
        `\nLantern is running at http://${shownHost}:${config.port} (started in ${Date.now() - started} ms)`,
        database.embedded
          ? `Database: embedded PostgreSQL in ${join(config.dataDir, 'postgres')}`
          : 'Database: the PostgreSQL server in DATABASE_URL',
        `Audit checkpoints: ${config.auditCheckpointDir} (key ${keyFingerprint(publicKeyOf(config.auditCheckpointKey))})`,
        ...(demoMessage ? [`\n${demoMessage}\n`] : []),
        ...(noUsers
          ? ['\nNo users yet. Create one with: npx lantern user create --email you@example.police.uk --role admin\n']
          : []),
      ].join('\n'),
    )
    // Build the person-matching index in the background, so the first reviewer does not wait for it.
    void services.matching.readyWithin(0)
    // Imports left unfinished by the last stop carry on from their last committed batch.
    const workImports = () => services?.imports.kick((error) => app?.log.error({ err: error }, 'import worker stopped'))
    workImports()
    // And now and then: with several instances, a job queued on one that then stopped (or whose worker stopped
    // when the database went away) is picked up by another. Batches are claimed FOR UPDATE SKIP LOCKED, so two
    // workers never take the same batch and a job runs once.
    jobPoll = setInterval(workImports, config.jobPollSeconds * 1000)
    jobPoll.unref()
    // The audit chain's sealer (ADR 0012): links committed audit rows into the chain shortly after they commit,
    // including any a crash left unsealed. One at a time per database, whatever the number of instances.
    sealer = startAuditSealer(database.db, {
      onProblem: (error) => app?.log.error({ err: error }, 'audit sealing failed: will try again'),
    })
    // Figures' deltas folded into their shared rows now and then (migration 0054), so no save updates a row every
    // other save updates too.
    folding = startFigureFolding(database.db, {
      onProblem: (error) => app?.log.error({ err: error }, 'folding figures failed: will try again'),
    })
    // Signed checkpoints of the audit chain's head, outside the database (ADR 0010): in the background, never on
    // a request's path. Only an event id is logged when one is refused, never anything from the rows.
    checkpoints = startAuditCheckpoints(database.db, config, {
      onProblem: (error) =>
        app?.log.error(
          { err: error, eventId: error instanceof CheckpointError ? error.eventId : undefined },
          'audit checkpoint not written: run npx lantern audit verify',
        ),
    })
  } catch (error) {
    // A stop requested while starting closes the database under the start-up steps; that is not a failure.
    if (closing) return
    console.error(error instanceof Error ? error.message : error)
    await app?.close().catch(() => undefined)
    await database.close().catch(() => undefined)
    process.exit(1)
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
