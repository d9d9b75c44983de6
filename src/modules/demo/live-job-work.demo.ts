import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { findCurrentUser } from '#src/platform/auth/users.repository.ts'
import { createCaseService } from '#src/modules/cases/index.ts'

/**
 * A County Lines job worked as a team works one (issue 16, section 5): the officer in charge's decisions, one
 * countersigned by the DS and one awaiting review, arrest, custody, bail and CPS dates, the exhibit and handset
 * log and an intelligence report by reference. Every name, number and reference is invented.
 */
export async function loadDemoLiveJobWork(db: Db, options: { supervisorEmail: string }): Promise<void> {
  const job = await db
    .selectFrom('cases')
    .select(['id', 'officer_in_charge'])
    .where('restricted', '=', false)
    .where('kind', '=', 'county-lines')
    .where('officer_in_charge', 'is not', null)
    .orderBy('created_at')
    .executeTakeFirst()
  if (!job) return
  // The countersigning supervisor is never the decision's author: the DS, unless the DS is the officer in charge
  // (as in a smaller demo), then another supervisor.
  const ds = await db
    .selectFrom('users')
    .select('users.id')
    .where('users.role_id', '=', 'supervisor')
    .where('users.id', '!=', job.officer_in_charge!)
    .orderBy(sql`users.email = ${options.supervisorEmail}`, 'desc')
    .orderBy('users.email')
    .executeTakeFirst()
  if (!ds) return
  const [oic, supervisor] = await Promise.all([findCurrentUser(db, job.officer_in_charge!), findCurrentUser(db, ds.id)])
  if (!oic || !supervisor) return
  const asOic = { ...SYSTEM_ACTOR, userId: oic.id }
  const asDs = { ...SYSTEM_ACTOR, userId: supervisor.id }
  const cases = createCaseService(db)
  const person = (await cases.view(job.id, oic, asOic)).people[0]?.person_id ?? null
  await cases.addDecision(
    job.id,
    {
      decidedOn: '2026-11-02',
      decision: 'Apply for a section 23 drugs warrant at the cuckooed address',
      rationale: 'Two sightings of the line’s runners entering, and the occupant’s vulnerability (synthetic)',
    },
    oic,
    asOic,
  )
  await cases.addDecision(
    job.id,
    {
      decidedOn: '2026-11-20',
      decision: 'Treat the 15-year-old found at the address as a victim first: NRM referral, no charge',
      rationale: 'Section 45 defence likely; he was moved across county lines by the line holder (synthetic)',
    },
    oic,
    asOic,
  )
  const first = (await cases.view(job.id, supervisor, asDs)).decisions.find((d) => d.recorded_by === oic.id)
  if (first)
    await cases.countersignDecision(
      job.id,
      first.id,
      { comment: 'Agreed: necessary and proportionate' },
      supervisor,
      asDs,
    )
  const dates: [string, string, string | null, string | null][] = [
    ['arrest', '2026-11-19', null, 'Arrested at the address on warrant'],
    ['custody-in', '2026-11-19', null, null],
    ['bail', '2026-11-20', '2027-01-15', 'Bail with conditions not to enter Northampton'],
    ['cps-advice', '2026-11-28', null, 'Early advice file on the line holder'],
  ]
  for (const [kind, occurredOn, dueOn, note] of dates)
    await cases.addStageDate(job.id, { kind, occurredOn, dueOn, personId: person, note }, oic, asOic)
  await cases.addExhibit(
    job.id,
    {
      kind: 'handset',
      reference: 'PS/1',
      description: 'Deal-line handset, black Nokia',
      seizedOn: '2026-11-19',
      seizedFrom: person,
      storage: 'Sent to digital forensics for download',
      phone: '07700 900461',
    },
    oic,
    asOic,
  )
  await cases.addExhibit(
    job.id,
    {
      kind: 'exhibit',
      reference: 'PS/2',
      description: '42 wraps of suspected crack cocaine',
      seizedOn: '2026-11-19',
      seizedFrom: null,
      storage: 'Property store bag M204611',
      phone: null,
    },
    oic,
    asOic,
  )
  await cases.linkIntelligenceReport(
    job.id,
    { reference: 'NN-INT-2026-0412', note: 'Line holder’s new handset and the address he uses' },
    oic,
    asOic,
  )
}
