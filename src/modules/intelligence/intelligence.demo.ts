import type { Db } from '#src/platform/db/database.ts'
import { refreshUrgencyForPerson } from '#src/modules/referrals/index.ts'
import { raiseSharedIdentifierPrompts } from './prompts.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { createPersonService } from '#src/modules/people/index.ts'
import { createIntelligenceService } from './intelligence.service.ts'

/**
 * Synthetic shared identifiers among the demo's people, written through the ordinary person service so the
 * prompts are raised as they would be in use: a phone two people share, a house in multiple occupation three
 * share, a car wash two work at, and a police station (a known shared place) that raises nothing. Every
 * number and address is invented.
 */
export async function loadDemoIntelligence(db: Db): Promise<void> {
  const people = await db
    .selectFrom('referral_subjects as s')
    .innerJoin('referrals as r', 'r.id', 's.referral_id')
    .select(['s.person_id', 'r.assigned_to'])
    .where('s.role', '=', 'potential-victim')
    .orderBy('r.received_at', 'asc')
    .limit(9)
    .execute()
  if (people.length < 9) return
  const officer = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'dc1@demo.lantern.test')
    .executeTakeFirst()
  const actor = { ...SYSTEM_ACTOR, userId: officer?.id ?? null }
  const service = createPersonService(db, { ageChanged: refreshUrgencyForPerson, linked: raiseSharedIdentifierPrompts })
  const intel = createIntelligenceService(db)
  const [a, b, c, d, e, f, g, h, i] = people.map((p) => p.person_id)
  const house = {
    addressLine1: '14 Mill Lane',
    addressLine2: null,
    town: 'Leeds',
    postcode: 'LS11 5AB',
    description: null,
    premisesType: 'private-house' as const,
  }
  const carWash = {
    addressLine1: '3 Station Road',
    addressLine2: null,
    town: 'Bradford',
    postcode: 'BD3 9AA',
    description: 'Sparkle hand car wash',
    premisesType: 'car-wash' as const,
  }
  const station = {
    addressLine1: 'Elland Road Police Station',
    addressLine2: null,
    town: 'Leeds',
    postcode: 'LS11 0BN',
    description: null,
    premisesType: 'other' as const,
  }

  const stationId = await service.linkPlace(
    h,
    { place: station, relation: 'visits', source: 'custody record (synthetic)', validFrom: null },
    actor,
  )
  await intel.setSharedPlace(stationId, { shared: true, kind: 'police-station' }, actor)
  await service.linkPlace(
    i,
    { place: station, relation: 'visits', source: 'custody record (synthetic)', validFrom: null },
    actor,
  )

  await service.linkObject(
    a,
    {
      kind: 'phone',
      value: '07400 123451',
      relation: 'uses',
      validFrom: null,
      source: 'phone seized on arrest (synthetic)',
    },
    actor,
  )
  await service.linkObject(
    b,
    { kind: 'phone', value: '07400 123451', relation: 'uses', validFrom: null, source: 'helpline call (synthetic)' },
    actor,
  )
  for (const person of [c, d, e])
    await service.linkPlace(
      person,
      { place: house, relation: 'lives-at', source: 'premises visit (synthetic)', validFrom: null },
      actor,
    )
  for (const person of [f, g])
    await service.linkPlace(
      person,
      { place: carWash, relation: 'works-at', source: 'labour inspection (synthetic)', validFrom: null },
      actor,
    )
  await service.linkObject(
    g,
    { kind: 'vehicle', value: 'YX19 KLM', relation: 'drives', validFrom: null, source: 'ANPR (synthetic)' },
    actor,
  )
  await service.linkObject(
    c,
    {
      kind: 'vehicle',
      value: 'YX19 KLM',
      relation: 'registered-keeper',
      validFrom: null,
      source: 'DVLA check (synthetic)',
    },
    actor,
  )
}
