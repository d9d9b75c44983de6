import type { Db } from '#src/platform/db/database.ts'
import type { CurrentUser, Permission } from '#src/platform/auth/permissions.ts'
import { createSupportWorkerService } from './support-workers.service.ts'

/**
 * The demo ISA supports the victims whose safeguarding plans the demo starts with, assigned by the demo DS as a
 * supervisor would, so the ISA's "My work" and the victims' person pages show it on first start.
 */
export async function loadDemoSupportWorkers(
  db: Db,
  options: { isaEmail: string; supervisorEmail: string },
): Promise<void> {
  const users = await db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.email', 'users.display_name', 'users.role_id', 'roles.name', 'roles.permissions'])
    .where('users.email', 'in', [options.isaEmail, options.supervisorEmail])
    .execute()
  const isa = users.find((u) => u.email === options.isaEmail)
  const supervisor = users.find((u) => u.email === options.supervisorEmail)
  if (!isa || !supervisor) return
  const asSupervisor: CurrentUser = {
    id: supervisor.id,
    email: supervisor.email,
    displayName: supervisor.display_name,
    roleId: supervisor.role_id,
    roleName: supervisor.name,
    permissions: new Set(supervisor.permissions as Permission[]),
  }
  const victims = await db.selectFrom('safeguarding_plans').select('person_id').orderBy('created_at').limit(2).execute()
  const service = createSupportWorkerService(db)
  for (const { person_id } of victims)
    await service.assignSupportWorker(person_id, isa.id, asSupervisor, {
      userId: supervisor.id,
      tokenId: null,
      ip: null,
      requestId: null,
    })
}
