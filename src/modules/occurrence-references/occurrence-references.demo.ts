import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { findCurrentUser } from '#src/platform/auth/users.repository.ts'
import { createOccurrenceReferenceService } from './occurrence-references.service.ts'
import type { ReferenceKind } from './occurrence-references.vocabulary.ts'

async function supervisorOf(db: Db): Promise<CurrentUser | null> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('role_id', '=', 'supervisor')
    .orderBy('email')
    .executeTakeFirst()
  return (row && (await findCurrentUser(db, row.id))) ?? null
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')

/**
 * Crime and occurrence references on some demo referrals and live jobs, added through the service (so each is
 * audited like the real thing) by the officer who holds the record: North Yorkshire style crime numbers, CAD logs
 * ("CAD 0412 14/03"), Modern Slavery Helpline references ("MSH-2026-01234") on helpline referrals, and
 * intelligence report references. All synthetic. The referral whose NRM draft names a crime reference gets that
 * crime number, so the draft and the referral agree. Records that already have references are left alone, so
 * running it twice adds nothing. Answers how many references were added.
 */
export async function loadDemoReferences(db: Db): Promise<{ referrals: number; jobs: number; references: number }> {
  const supervisor = await supervisorOf(db)
  if (!supervisor) return { referrals: 0, jobs: 0, references: 0 }
  const service = createOccurrenceReferenceService(db)
  let added = 0
  const add = async (
    owner: { type: 'referral' | 'case'; id: string },
    by: string | null,
    refs: [ReferenceKind, string][],
  ) => {
    const actor = { ...SYSTEM_ACTOR, userId: by ?? supervisor.id }
    for (const [kind, value] of refs) {
      await service.add(owner, { kind, value }, supervisor, actor)
      added += 1
    }
  }
  const unreferenced = sql<boolean>`NOT EXISTS (SELECT 1 FROM occurrence_references o WHERE o.referral_id = r.id)`

  // The NRM draft's crime reference, recorded on its referral.
  const drafted = await sql<{ referral_id: string; assigned_to: string | null; crime: string }>`
    SELECT d.referral_id, r.assigned_to, d.data->'answers'->>'crimeReference' AS crime
    FROM nrm_drafts d JOIN referrals r ON r.id = d.referral_id
    WHERE d.data->'answers'->>'crimeReference' IS NOT NULL AND ${unreferenced}
    ORDER BY d.created_at`.execute(db)
  for (const d of drafted.rows) await add({ type: 'referral', id: d.referral_id }, d.assigned_to, [['crime', d.crime]])

  // Referrals with a potential victim, most recent first: a crime number on most, a CAD log on some, the
  // helpline's reference on those the helpline sent, an intelligence report now and then.
  const { rows: referrals } = await sql<{ id: string; assigned_to: string | null; source: string; received_at: Date }>`
    SELECT r.id, r.assigned_to, r.source, r.received_at FROM referrals r
    WHERE r.status <> 'closed' AND ${unreferenced}
      AND EXISTS (SELECT 1 FROM referral_subjects s WHERE s.referral_id = r.id AND s.role = 'potential-victim')
    ORDER BY r.received_at DESC LIMIT 16`.execute(db)
  let n = 0
  for (const r of referrals) {
    n += 1
    const year = r.received_at.getUTCFullYear()
    const day = `${pad(r.received_at.getUTCDate(), 2)}/${pad(r.received_at.getUTCMonth() + 1, 2)}`
    const refs: [ReferenceKind, string][] = []
    if (r.source === 'helpline') refs.push(['helpline', `MSH-${year}-${pad(1200 + n * 37, 5)}`])
    if (n % 4 !== 0) refs.push(['crime', `NY-${year}-${pad(3100 + n * 131, 6)}`])
    if (n % 2 === 1) refs.push(['cad', `CAD ${pad(100 + n * 53, 4)} ${day}`])
    if (n % 5 === 0) refs.push(['intelligence', `IR/${year}/${pad(700 + n * 17, 6)}`])
    if (refs.length === 0) refs.push(['cad', `CAD ${pad(100 + n * 53, 4)} ${day}`])
    await add({ type: 'referral', id: r.id }, r.assigned_to, refs)
  }

  // Live jobs (restricted ones too: their references are found only by their team), each with its own crime
  // number and the intelligence report that started it.
  const { rows: jobs } = await sql<{ id: string; officer_in_charge: string | null; created_at: Date }>`
    SELECT c.id, c.officer_in_charge, c.created_at FROM cases c
    WHERE NOT EXISTS (SELECT 1 FROM occurrence_references o WHERE o.case_id = c.id)
    ORDER BY c.created_at LIMIT 8`.execute(db)
  let j = 0
  for (const c of jobs) {
    j += 1
    const year = c.created_at.getUTCFullYear()
    const refs: [ReferenceKind, string][] = [['crime', `NY-${year}-${pad(8200 + j * 97, 6)}`]]
    if (j % 2 === 0) refs.push(['intelligence', `IR/${year}/${pad(900 + j * 23, 6)}`])
    await add({ type: 'case', id: c.id }, c.officer_in_charge, refs)
  }
  return { referrals: drafted.rows.length + referrals.length, jobs: jobs.length, references: added }
}
