import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { findCurrentUserByEmail } from '#src/platform/auth/users.repository.ts'
import { addCalendarDays, londonDate } from '#src/shared/dates.ts'
import { createDisclosureService } from './disclosure.service.ts'

/**
 * Information sharing as the team runs it, so the partner's view, the DS's approvals and the DPO's disclosure report
 * have rows on first start: the local safeguarding partnership's agreement with children's services (the demo
 * partner's agency) and the victim care provider; disclosures of the minimum to children's services made by a DC;
 * one with the NRM decisions approved by a supervisor with its lawful basis; one waiting for that approval; and one
 * revoked. Made through the disclosure service, so each is audited exactly like the real thing.
 */
export async function loadDemoDisclosures(
  db: Db,
  options: { officerEmail: string; supervisorEmail: string },
): Promise<number> {
  const [officer, supervisor] = [
    await findCurrentUserByEmail(db, options.officerEmail),
    await findCurrentUserByEmail(db, options.supervisorEmail),
  ]
  const childrens = await db
    .selectFrom('agencies')
    .select('id')
    .where('kind', '=', 'childrens-services')
    .executeTakeFirst()
  const victimCare = await db.selectFrom('agencies').select('id').where('kind', '=', 'victim-care').executeTakeFirst()
  if (!officer || !supervisor || !childrens) return 0
  const disclosures = createDisclosureService(db)
  const today = londonDate()
  const agreementId = await disclosures.recordAgreement(
    {
      title: 'Riverton Safeguarding Partnership: exploitation information-sharing agreement',
      purposes:
        'Safeguarding children and adults at risk of exploitation: strategy meetings, the multi-agency hub, return home interviews and support after a referral to the NRM.',
      lawfulBasis: 'uk-gdpr-safeguarding',
      agencyIds: [childrens.id, ...(victimCare ? [victimCare.id] : [])],
      allowedFields: [
        'name',
        'date-of-birth',
        'gender',
        'nationality',
        'languages',
        'address',
        'phone',
        'referral-summary',
        'exploitation-types',
        'nrm-status',
      ],
      startsOn: addCalendarDays(today, -400),
      reviewOn: addCalendarDays(today, 60),
      endsOn: addCalendarDays(today, 330),
    },
    { ...SYSTEM_ACTOR, userId: supervisor.id },
  )
  // Children in the referrals the officer records or works: children's services need to know of each one.
  const children = await db
    .selectFrom('referral_subjects as s')
    .innerJoin('referrals as r', 'r.id', 's.referral_id')
    .innerJoin('people as p', 'p.id', 's.person_id')
    .select(['s.person_id', (eb) => eb('r.assigned_to', '=', officer.id).as('mine')])
    .where('s.role', '=', 'potential-victim')
    .where('p.merged_into', 'is', null)
    .where((eb) =>
      eb.or([eb('p.approximate_age', '<', 18), eb('p.date_of_birth', '>', addCalendarDays(today, -18 * 365))]),
    )
    .orderBy((eb) => eb('r.assigned_to', '=', officer.id), 'desc')
    .orderBy('r.received_at', 'desc')
    .limit(4)
    .execute()
  const officerActor = { ...SYSTEM_ACTOR, userId: officer.id }
  const supervisorActor = { ...SYSTEM_ACTOR, userId: supervisor.id }
  const expiresOn = addCalendarDays(today, 90)
  const made: string[] = []
  const shares = [
    {
      by: officer,
      actor: officerActor,
      fields: ['name', 'date-of-birth', 'address', 'referral-summary', 'exploitation-types'],
      purpose:
        'Strategy meeting under section 47: the police and children’s services plan the child’s safety together.',
    },
    {
      by: supervisor,
      actor: supervisorActor,
      fields: ['name', 'date-of-birth', 'languages', 'nrm-status'],
      purpose: 'The local authority is the child’s corporate parent and must plan support around the NRM decisions.',
      basis: 'Children Act 1989 s47 enquiry; the child’s safety depends on the support the NRM decision brings.',
    },
    {
      by: officer,
      actor: officerActor,
      fields: ['name', 'date-of-birth', 'nrm-status'],
      purpose: 'Return home interview planning: the social worker asked where the NRM referral has got to.',
    },
    {
      by: officer,
      actor: officerActor,
      fields: ['name', 'phone'],
      purpose: 'The social worker needs a number to arrange a visit.',
      revoke:
        'The child’s phone was seized and the number is now used by the exploiters: the social worker must not call it.',
    },
  ]
  for (const [i, child] of children.entries()) {
    const share = shares[i]
    if (!share) break
    // Only someone who sees a child's victim information may ask to share it (the service refuses anyone else).
    if (share.by === officer && share.fields.includes('nrm-status') && !child.mine) continue
    const { id } = await disclosures.disclose(
      child.person_id,
      {
        agencyId: childrens.id,
        agreementId,
        purpose: share.purpose,
        fields: share.fields,
        expiresOn,
        protectedBasis: share.basis ?? null,
      },
      share.by,
      share.actor,
    )
    if (share.revoke) await disclosures.revoke(id, share.revoke, supervisorActor)
    made.push(id)
  }
  return made.length
}
