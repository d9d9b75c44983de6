import type { Db } from '#src/platform/db/database.ts'
import { findCurrentUserByEmail } from '#src/platform/auth/users.repository.ts'
import { createSupportWorkerService } from './support-workers.service.ts'

/**
 * The demo ISA supports the victims whose safeguarding plans the demo starts with, assigned by the demo DS as a
 * supervisor would, so the ISA's "My work" and the victims' person pages show it on first start.
 */
export async function loadDemoSupportWorkers(
  db: Db,
  options: { isaEmail: string; supervisorEmail: string },
): Promise<void> {
  const [isa, supervisor] = await Promise.all([
    findCurrentUserByEmail(db, options.isaEmail),
    findCurrentUserByEmail(db, options.supervisorEmail),
  ])
  if (!isa || !supervisor) return
  const victims = await db.selectFrom('safeguarding_plans').select('person_id').orderBy('created_at').limit(2).execute()
  const service = createSupportWorkerService(db)
  for (const { person_id } of victims)
    await service.assignSupportWorker(person_id, isa.id, supervisor, {
      userId: supervisor.id,
      tokenId: null,
      ip: null,
      requestId: null,
    })
}
