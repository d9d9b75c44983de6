import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { findCurrentUserByEmail } from '#src/platform/auth/users.repository.ts'
import { addReferralPlace, refreshUrgencyForPerson } from '#src/modules/referrals/index.ts'
import { linkCaseLocation } from '#src/modules/cases/index.ts'
import { raiseSharedIdentifierPrompts } from '#src/modules/intelligence/index.ts'
import { createPersonService, createPlaceService } from '#src/modules/people/index.ts'
import { createPlace, linkBusiness, linkRecords, placeFor } from '#src/modules/people/index.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import type { PremisesType } from '#src/modules/people/index.ts'

/**
 * Places and businesses as shared records on the demo (issue 16, section 3): one house in multiple occupation
 * named by five referrals (one place, five links, one safeguarding prompt, "about 8 men sleeping on site"), a car
 * wash, a nail bar and a textile factory each named across referrals and live jobs, and a place and a business
 * recorded twice and merged. Every name and address is invented.
 */
export async function loadDemoSharedPlaces(db: Db, options: { supervisorEmail: string }): Promise<void> {
  const user = await findCurrentUserByEmail(db, options.supervisorEmail)
  if (!user) return
  const actor = { ...SYSTEM_ACTOR, userId: user.id }
  const referrals = await db
    .selectFrom('referrals as r')
    .innerJoin('referral_subjects as s', 's.referral_id', 'r.id')
    .select(['r.id', 's.person_id'])
    .where('s.role', '=', 'potential-victim')
    .where(sql<boolean>`'labour' = ANY(r.exploitation_types)`)
    .orderBy('r.received_at', 'desc')
    .orderBy('r.id')
    .limit(40)
    .execute()
    // One victim per referral: five referrals, not five people of one referral.
    .then((rows) => rows.filter((r, n) => rows.findIndex((o) => o.id === r.id) === n).slice(0, 12))
  if (referrals.length < 12) return
  const people = createPersonService(db, { ageChanged: refreshUrgencyForPerson, linked: raiseSharedIdentifierPrompts })
  const places = createPlaceService(db)

  // One house, five referrals: the victims named in each lived there. One place, one prompt.
  const mill = {
    addressLine1: '12 Mill Road',
    addressLine2: null,
    town: 'Northampton',
    postcode: 'NN2 6AB',
    description: null,
    premisesType: 'private-house' as PremisesType,
  }
  const millId = (await placeFor(db, mill, user, createPlace)).id
  for (const r of referrals.slice(0, 5)) {
    await addReferralPlace(db, r.id, millId)
    await people.linkPlace(
      r.person_id,
      { place: mill, relation: 'lives-at', source: 'victim account (synthetic)', validFrom: null, user },
      actor,
    )
  }
  await places.recordUnknownOthers(
    millId,
    { count: 8, note: 'about 8 men sleeping on site, mattresses in every room', on: null },
    user,
    actor,
  )
  // The same house typed differently by a sixth referrer, then merged into the first as a duplicate.
  const copyId = await createPlace(db, { ...mill, addressLine1: '12 Mill Rd (rear)' })
  await addReferralPlace(db, referrals[5].id, copyId)
  await places.mergePlace(millId, copyId, 'The same house: the referrer typed the road short (synthetic)', user, actor)

  const jobs = await db
    .selectFrom('cases')
    .select(['id'])
    .where('restricted', '=', false)
    .orderBy('created_at')
    .limit(2)
    .execute()
  const businesses: {
    name: string
    kind: string
    premises: typeof mill
    referrals: number[]
    job: number | null
  }[] = [
    {
      name: 'Sparkle hand car wash',
      kind: 'car-wash',
      premises: { ...mill, addressLine1: 'Unit 2, Weedon Road', postcode: 'NN5 5BG', premisesType: 'car-wash' },
      referrals: [0, 6, 7],
      job: 0,
    },
    {
      name: 'Golden Nails',
      kind: 'nail-bar',
      premises: { ...mill, addressLine1: '45 Abington Street', postcode: 'NN1 2AW', premisesType: 'nail-bar' },
      referrals: [8, 9],
      job: null,
    },
    {
      name: 'Northgate Textiles',
      kind: 'textile-factory',
      premises: { ...mill, addressLine1: 'Northgate Mill', postcode: 'NN1 3EE', premisesType: 'factory-textile' },
      referrals: [10, 11, 2],
      job: 1,
    },
  ]
  let sparkleId: string | null = null
  const jobPlaces: string[] = []
  for (const b of businesses) {
    const created = await places.createBusiness(
      { name: b.name, kind: b.kind, notes: null, confirmedNew: true },
      user,
      actor,
    )
    if (!('id' in created)) continue
    sparkleId ??= created.id
    const premisesId = await places.addPremises(created.id, { locationId: null, place: b.premises }, user, actor)
    if (b.job === 0) jobPlaces.push(premisesId)
    for (const n of b.referrals) {
      await linkBusiness(db, {
        businessId: created.id,
        referralId: referrals[n].id,
        relation: 'employer',
        by: user.id,
      })
      await linkBusiness(db, {
        businessId: created.id,
        personId: referrals[n].person_id,
        relation: 'employer',
        by: user.id,
      })
    }
    const job = b.job === null ? undefined : jobs[b.job]
    if (job)
      await linkBusiness(db, { businessId: created.id, caseId: job.id, relation: 'exploitation-site', by: user.id })
  }
  // The first live job works the house and the car wash: about 8 men at one and 3 more at the other, not yet
  // identified, shown on the job as "About 11 people not yet identified at 2 places".
  if (jobs[0] && jobPlaces[0]) {
    await places.recordUnknownOthers(
      jobPlaces[0],
      { count: 3, note: 'three more workers seen through the shutter, not spoken to', on: null },
      user,
      actor,
    )
    for (const id of [millId, jobPlaces[0]]) await linkCaseLocation(db, jobs[0].id, id)
    // Two of the job's people seen working at the car wash: the second raises a prompt in the job, which says
    // how many are not yet identified across the job's places.
    const seenThere = await db
      .selectFrom('case_people')
      .select('person_id')
      .distinct()
      .where('case_id', '=', jobs[0].id)
      .orderBy('person_id')
      .limit(2)
      .execute()
    for (const { person_id: personId } of seenThere)
      await inTransaction(db, async (trx) => {
        const linkId = await linkRecords(trx, {
          from_type: 'person',
          from_id: personId,
          to_type: 'location',
          to_id: jobPlaces[0]!,
          relation: 'works-at',
          valid_from: null,
          valid_to: null,
          source: 'live job',
          case_id: jobs[0]!.id,
          referral_id: null,
          created_by: user.id,
        })
        await raiseSharedIdentifierPrompts(
          trx,
          { linkId, personId, toType: 'location', toId: jobPlaces[0]!, relation: 'works-at', caseId: jobs[0]!.id },
          actor,
        )
      })
  }
  // A business recorded twice, merged into the first (the merge can be undone from the copy's page).
  if (sparkleId) {
    const copy = await places.createBusiness(
      { name: 'Sparkle Car Wash Ltd', kind: 'car-wash', notes: null, confirmedNew: true },
      user,
      actor,
    )
    if ('id' in copy) {
      await linkBusiness(db, { businessId: copy.id, referralId: referrals[3].id, relation: 'named', by: user.id })
      await places.mergeBusiness(
        sparkleId,
        copy.id,
        'The same car wash under its company name (synthetic)',
        user,
        actor,
      )
    }
  }
}
