import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { findCurrentUser } from '#src/platform/auth/users.repository.ts'
import { londonDate } from '#src/shared/dates.ts'
import { victimSideAccess } from '#src/modules/people/index.ts'
import { createReferralService } from '#src/modules/referrals/index.ts'
import { createScreeningRules, createScreeningService } from './screening.service.ts'
import { createScreeningGroupService } from './screening-groups.service.ts'

async function userOf(db: Db, id: string): Promise<CurrentUser> {
  const user = await findCurrentUser(db, id)
  if (!user) throw new Error('A demo user is missing')
  return user
}

/**
 * One warrant-day group on a live job, made through the services by the job's officer in charge: three people met
 * together at a car wash (one already on the job, two first met there and described), the shared facts entered
 * once, and the boy's screening confirmed (NRM with child safeguarding) while the two adults' wait to be checked.
 * Synthetic words only. Returns the group's id, or null when the demo has no open live job led by an investigator.
 */
export async function loadDemoWarrantDay(db: Db): Promise<{ groupId: string } | null> {
  const { rows: jobs } = await sql<{ id: string; officer_in_charge: string }>`
    SELECT c.id, c.officer_in_charge FROM cases c JOIN users u ON u.id = c.officer_in_charge AND u.role_id = 'investigator'
    WHERE c.status = 'open' AND NOT c.restricted AND c.kind = 'investigation'
      AND NOT EXISTS (SELECT 1 FROM screening_groups g WHERE g.case_id = c.id)
    ORDER BY c.created_at LIMIT 1`.execute(db)
  const job = jobs[0]
  if (!job) return null
  const officer = await userOf(db, job.officer_in_charge)
  const actor = { ...SYSTEM_ACTOR, userId: officer.id }
  const referrals = createReferralService(db, { triageSlaHours: 24 })
  const screening = createScreeningService(db, createScreeningRules())
  const groups = createScreeningGroupService(db, { referrals, screening })

  // Someone already on the job whose victim side the officer works, met again on the warrant.
  const onJob = await db
    .selectFrom('case_people')
    .select('person_id')
    .distinct()
    .where('case_id', '=', job.id)
    .where('role', 'in', ['potential-victim', 'victim'])
    .execute()
  const known: string[] = []
  for (const { person_id } of onJob) {
    if (known.length === 1) break
    if ((await victimSideAccess(db, officer, person_id)).canEdit) known.push(person_id)
  }
  const described = [
    { description: 'Unknown boy about 14', approximateAge: 14, gender: 'male' },
    { description: 'Woman found in the caravan, about 30', approximateAge: 30, gender: 'female' },
    { description: 'Man sleeping in the store room, about 40', approximateAge: 40, gender: 'male' },
  ].slice(0, 3 - known.length)
  const started = await groups.start(
    {
      caseId: job.id,
      encounteredOn: londonDate(),
      summary:
        'Warrant at a hand car wash: three people found living on site in a caravan and a store room. The owner collects their wages.',
      personIds: known,
      newPeople: described,
    },
    officer,
    actor,
  )
  await groups.saveShared(
    started.groupId,
    {
      premises: {
        premisesType: 'car-wash',
        addressLine1: 'Unit 4, Canal Wharf',
        postcode: '',
        description: 'Hand car wash with a caravan behind the jet-wash bays',
      },
      encounter: {
        location: 'England',
        encounteredBy: 'police',
        detention: 'none',
        diplomaticHousehold: 'no',
        safeguardingConcern: 'yes',
      },
      exploitation: {
        purpose: 'Washing cars twelve hours a day for food and a bed, wages kept by the owner',
        types: ['LABOUR'],
        countyLines: 'no',
        exploitedAsChild: '',
      },
      indicators: {
        indicators: ['lives-at-work', 'little-pay', 'debt', 'no-documents'],
        means: ['debt_bondage', 'withheld_wages'],
        otherMeans: 'told the police would deport them',
        none: false,
      },
      employer: {
        name: 'Canal Wharf Valeting (owner not yet identified)',
        details: 'A man in a black van collects the cash at the end of each day.',
      },
    },
    officer,
    actor,
  )
  // The boy's screening checked and confirmed for him: a child, so no consent is asked.
  const boy = await db
    .selectFrom('screenings')
    .innerJoin('person_names', 'person_names.person_id', 'screenings.person_id')
    .select('screenings.id')
    .where('screenings.group_id', '=', started.groupId)
    .where('person_names.full_name', '=', 'Unknown boy about 14')
    .executeTakeFirst()
  if (boy) {
    const row = await screening.get(boy.id)
    await screening.saveSection(boy.id, 'age', {
      dobDay: '',
      dobMonth: '',
      dobYear: '',
      age: '14',
      claimedAge: '',
      ageDisputed: 'yes',
      assessment: 'not_started',
    })
    for (const section of ['encounter', 'indicators'] as const)
      await screening.saveSection(boy.id, section, row.answers[section]!)
    await screening.saveSection(boy.id, 'exploitation', { ...row.answers.exploitation!, exploitedAsChild: 'yes' })
    await screening.saveSection(boy.id, 'travel', {
      arranged: 'unknown',
      directions: [],
      endedOnArrival: '',
      entryRoute: '',
    })
    await screening.saveSection(boy.id, 'offence', {
      suspected: 'no',
      offence: '',
      compelled: '',
      noAlternative: '',
      directConsequence: '',
    })
    await screening.confirm(boy.id, { overrideRoute: null, reason: null }, actor)
  }
  return { groupId: started.groupId }
}
