import { sql } from 'kysely'
import { refreshUrgencyForPerson } from '#src/modules/referrals/index.ts'
import { raiseSharedIdentifierPrompts } from '#src/modules/intelligence/index.ts'
import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { findCurrentUser } from '#src/platform/auth/users.repository.ts'
import { addCalendarDays, londonDate } from '#src/shared/dates.ts'
import { createPersonService } from '#src/modules/people/index.ts'
import { createScreeningRules, createScreeningService } from '#src/modules/screening/index.ts'
import { CONSENT_POINTS } from '#src/modules/screening/index.ts'
import { createNrmService, type NrmEventKind } from './nrm.service.ts'

type Candidate = {
  referral_id: string
  person_id: string
  assigned_to: string
  age: number | null
  date_of_birth: string | null
  received_on: string
}
type Step = { kind: NrmEventKind; daysAgo: number; outcome?: string; by?: string; notes?: string }

/**
 * One person for each NRM stage a team meets, so My work, the person's NRM page and the figures have something real on
 * first start. `age`: who the stage needs; `consent`: an adult's answer (a refusal routes them to the Duty to Notify).
 */
const STAGES: {
  stage: string
  age: 'adult' | 'child' | 'turning-18'
  consent?: 'given' | 'refused'
  submittedDaysAgo?: number
  steps?: Step[]
  dtnDaysAgo?: number
  types: string[]
  purpose: string
}[] = [
  {
    stage: 'awaiting reasonable grounds',
    age: 'adult',
    consent: 'given',
    submittedDaysAgo: 2,
    types: ['LABOUR'],
    purpose: 'Worked seven days a week at a hand car wash for food and a mattress; wages kept to pay a travel debt',
  },
  {
    stage: 'reasonable grounds overdue',
    age: 'child',
    submittedDaysAgo: 20,
    types: ['CRIMINAL'],
    purpose: 'Made to hold and sell drugs for a line in another town',
  },
  {
    stage: 'recovery period',
    age: 'adult',
    consent: 'given',
    submittedDaysAgo: 30,
    steps: [{ kind: 'reasonable-grounds', daysAgo: 24, outcome: 'positive', by: 'SCA' }],
    types: ['SEXUAL'],
    purpose:
      'Moved between rented flats and advertised for sex online; her passport was kept by the man who brought her',
  },
  {
    stage: 'reconsideration awaited',
    age: 'adult',
    consent: 'given',
    submittedDaysAgo: 60,
    steps: [
      { kind: 'reasonable-grounds', daysAgo: 54, outcome: 'negative', by: 'SCA' },
      {
        kind: 'reconsideration-requested',
        daysAgo: 40,
        by: 'first-responder',
        notes: 'New evidence: the employer’s ledger of “debts” found at the address',
      },
    ],
    types: ['LABOUR'],
    purpose: 'Worked at a recycling yard under threat of being reported to the authorities',
  },
  {
    stage: 'negative decision to consider',
    age: 'adult',
    consent: 'given',
    submittedDaysAgo: 20,
    steps: [
      {
        kind: 'reasonable-grounds',
        daysAgo: 12,
        outcome: 'negative',
        by: 'SCA',
        notes: 'The decision letter says the account lacked detail about control',
      },
    ],
    types: ['DOMESTIC_SERVITUDE'],
    purpose: 'Cared for a family’s children and house without pay, not allowed out alone',
  },
  {
    stage: 'positive conclusive grounds, move-on',
    age: 'adult',
    consent: 'given',
    submittedDaysAgo: 120,
    steps: [
      { kind: 'reasonable-grounds', daysAgo: 113, outcome: 'positive', by: 'SCA' },
      { kind: 'conclusive-grounds', daysAgo: 20, outcome: 'positive', by: 'SCA' },
    ],
    types: ['LABOUR'],
    purpose: 'Packed salad in a factory through a gangmaster who took most of the wages and the bank card',
  },
  {
    stage: 'negative conclusive grounds',
    age: 'adult',
    consent: 'given',
    submittedDaysAgo: 300,
    steps: [
      { kind: 'reasonable-grounds', daysAgo: 292, outcome: 'positive', by: 'SCA' },
      { kind: 'conclusive-grounds', daysAgo: 100, outcome: 'negative', by: 'SCA' },
    ],
    types: ['LABOUR'],
    purpose: 'Worked on a building site for cash, living in a caravan on site',
  },
  {
    stage: 'withdrawn',
    age: 'adult',
    consent: 'given',
    submittedDaysAgo: 90,
    steps: [
      { kind: 'reasonable-grounds', daysAgo: 84, outcome: 'positive', by: 'SCA' },
      {
        kind: 'withdrawn',
        daysAgo: 50,
        notes: 'They asked to leave the NRM and return home; the support provider confirmed',
      },
    ],
    types: ['SEXUAL'],
    purpose: 'Worked in a massage parlour to repay a debt to the woman who arranged her visa',
  },
  {
    stage: 'turning 18',
    age: 'turning-18',
    submittedDaysAgo: 200,
    steps: [{ kind: 'reasonable-grounds', daysAgo: 193, outcome: 'positive', by: 'LA_PILOT' }],
    types: ['CRIMINAL'],
    purpose: 'Cuckooed flat used to sell drugs; made to stay there and answer the door',
  },
  {
    stage: 'reconsidered and overturned',
    age: 'adult',
    consent: 'given',
    submittedDaysAgo: 150,
    steps: [
      { kind: 'reasonable-grounds', daysAgo: 143, outcome: 'negative', by: 'SCA' },
      { kind: 'reconsideration-requested', daysAgo: 130, by: 'support-provider' },
      { kind: 'reconsideration-decided', daysAgo: 100, outcome: 'overturned', by: 'SCA' },
      { kind: 'reasonable-grounds', daysAgo: 99, outcome: 'positive', by: 'SCA' },
    ],
    types: ['LABOUR'],
    purpose: 'Worked in a nail bar for a “boss” who held his identity documents',
  },
  {
    stage: 'Duty to Notify sent',
    age: 'adult',
    consent: 'refused',
    dtnDaysAgo: 15,
    types: ['LABOUR'],
    purpose: 'Picked vegetables for a labour provider who charged for transport and housing beyond his wages',
  },
  {
    stage: 'Duty to Notify to send',
    age: 'adult',
    consent: 'refused',
    types: ['SEXUAL'],
    purpose: 'Told to meet men at hotels booked by a man who kept the money',
  },
]

async function userOf(db: Db, id: string): Promise<CurrentUser> {
  const user = await findCurrentUser(db, id)
  if (!user) throw new Error('A demo user is missing')
  return user
}

const parts = (iso: string) => {
  const [year, month, day] = iso.split('-')
  return { year, month: String(Number(month)), day: String(Number(day)) }
}

/**
 * The NRM lifecycle in the demo: people screened, referred and decided at every stage (awaiting a reasonable grounds
 * decision, overdue, in the recovery period, negative and reconsidered, conclusive grounds either way, withdrawn,
 * turning 18) and Duty to Notify for adults who declined, all recorded by the assigned officer through the services,
 * so each step is audited like the real thing. DC Priya Shah's referrals come first, so her My work shows the stages.
 * Decisions are the competent authority's: Lantern records them as the team would from the decision letters.
 */
export async function loadDemoNrmLifecycle(db: Db, options: { firstOfficerEmail?: string } = {}): Promise<number> {
  const first = options.firstOfficerEmail
    ? await db.selectFrom('users').select('id').where('email', '=', options.firstOfficerEmail).executeTakeFirst()
    : undefined
  const { rows } = await sql<Candidate>`
    SELECT rs.referral_id, rs.person_id, r.assigned_to, p.approximate_age AS age, p.date_of_birth::text AS date_of_birth,
      (r.received_at AT TIME ZONE 'Europe/London')::date::text AS received_on
    FROM referral_subjects rs
    JOIN referrals r ON r.id = rs.referral_id
    JOIN people p ON p.id = rs.person_id
    JOIN users u ON u.id = r.assigned_to AND u.role_id IN ('investigator', 'supervisor')
    WHERE rs.role = 'potential-victim' AND r.status IN ('screening', 'opened-as-case', 'in-triage')
      AND p.merged_into IS NULL
      AND NOT EXISTS (SELECT 1 FROM screenings s WHERE s.person_id = rs.person_id)
      AND NOT EXISTS (SELECT 1 FROM nrm_drafts d WHERE d.person_id = rs.person_id)
      AND (SELECT count(*) FROM referral_subjects o WHERE o.person_id = rs.person_id) = 1
    ORDER BY (r.assigned_to = ${first?.id ?? null}::uuid) DESC NULLS LAST, r.received_at DESC
    LIMIT 400`.execute(db)
  const today = londonDate()
  const daysAgo = (n: number) => addCalendarDays(today, -n)
  const ageOf = (c: Candidate) =>
    c.date_of_birth ? Number(today.slice(0, 4)) - Number(c.date_of_birth.slice(0, 4)) : c.age
  const used = new Set<string>()
  const take = (test: (c: Candidate) => boolean) => {
    const found = rows.find((c) => !used.has(c.person_id) && !used.has(c.referral_id) && test(c))
    if (found) used.add(found.person_id).add(found.referral_id)
    return found
  }
  const rules = createScreeningRules()
  const screening = createScreeningService(db, rules)
  const nrm = createNrmService(db, rules)
  const people = createPersonService(db, { ageChanged: refreshUrgencyForPerson, linked: raiseSharedIdentifierPrompts })
  let made = 0

  for (const stage of STAGES) {
    // The referral came in before the person was screened and referred (the day before the NRM referral).
    const screenedDaysAgo = (stage.submittedDaysAgo ?? stage.dtnDaysAgo ?? 5) + 1
    const candidate = take((c) => {
      if (c.received_on > daysAgo(screenedDaysAgo)) return false
      const age = ageOf(c)
      // Turning 18: any person will do, their date of birth is set below.
      return stage.age === 'adult' ? (age ?? 0) >= 21 : stage.age === 'child' ? (age ?? 99) <= 16 : true
    })
    if (!candidate) continue
    const officer = await userOf(db, candidate.assigned_to)
    const actor = { ...SYSTEM_ACTOR, userId: officer.id }
    let dateOfBirth = candidate.date_of_birth
    if (stage.age === 'turning-18') {
      // Referred as a child: turns 18 in about six weeks, so the team must ask whether they consent to stay in the NRM.
      dateOfBirth = addCalendarDays(today, 40 - Math.round(18 * 365.25))
      await people.updateDetails(candidate.person_id, { dateOfBirth, approximateAge: null }, actor)
    }
    const screenedOn = daysAgo(screenedDaysAgo)
    const id = await screening.start(candidate.referral_id, candidate.person_id, actor)
    const dob = dateOfBirth ? parts(dateOfBirth) : null
    await screening.saveSection(id, 'age', {
      dobDay: dob?.day ?? '',
      dobMonth: dob?.month ?? '',
      dobYear: dob?.year ?? '',
      age: dob ? '' : String(candidate.age ?? (stage.age === 'adult' ? 30 : 15)),
      claimedAge: '',
      ageDisputed: 'no',
      assessment: 'not_started',
    })
    await screening.saveSection(id, 'encounter', {
      location: 'England',
      encounteredBy: 'police',
      detention: 'none',
      diplomaticHousehold: 'no',
      safeguardingConcern: 'yes',
    })
    await screening.saveSection(id, 'travel', {
      arranged: 'yes',
      directions: ['within'],
      endedOnArrival: 'no',
      entryRoute: '',
    })
    await screening.saveSection(id, 'exploitation', {
      purpose: stage.purpose,
      types: stage.types,
      countyLines: stage.types.includes('CRIMINAL') ? 'yes' : 'no',
      exploitedAsChild: stage.age === 'adult' ? 'no' : 'yes',
    })
    await screening.saveSection(id, 'indicators', {
      indicators: ['debt'],
      means: ['threats', 'debt_bondage'],
      none: false,
    })
    if (stage.consent) {
      const on = parts(screenedOn)
      await screening.saveSection(id, 'consent', {
        decision: stage.consent,
        ...on,
        explainedBy: officer.displayName,
        interpreterUsed: 'no',
        interpreterLanguage: '',
        points: Object.keys(CONSENT_POINTS),
        understanding:
          stage.consent === 'given'
            ? 'Said in their own words that a referral gets them support and somewhere safe, and that the Home Office decides.'
            : '',
      })
    }
    await screening.saveSection(id, 'offence', {
      suspected: 'no',
      offence: '',
      compelled: '',
      noAlternative: '',
      directConsequence: '',
    })
    await screening.confirm(id, { overrideRoute: null, reason: null }, actor)
    // The synthetic history happened months ago: the screening is dated the day before the referral, as it was done.
    const when = new Date(`${screenedOn}T11:00:00Z`)
    await sql`UPDATE screenings SET created_at = ${when}, confirmed_at = ${when}, updated_at = ${when} WHERE id = ${id}::uuid`.execute(
      db,
    )

    if (stage.submittedDaysAgo !== undefined) {
      // Referrals made before the form was prepared in Lantern: the officer completed them on the Home Office service.
      const { id: nrmId } = await nrm.submit(
        candidate.referral_id,
        candidate.person_id,
        {
          submittedOn: daysAgo(stage.submittedDaysAgo),
          nrmReference: `NRM-${daysAgo(stage.submittedDaysAgo).replaceAll('-', '')}-${String(100 + made)}`,
          firstResponderOrganisation: 'Police',
          competentAuthority: null,
          completedElsewhere: true,
        },
        officer,
        actor,
      )
      for (const step of stage.steps ?? []) {
        await nrm.recordEvent(
          nrmId,
          {
            kind: step.kind,
            occurredOn: daysAgo(step.daysAgo),
            outcome: step.outcome ?? null,
            decidedBy: step.by ?? null,
            notes: step.notes ?? null,
          },
          officer,
          actor,
        )
      }
    }
    if (stage.dtnDaysAgo !== undefined) {
      await nrm.submitDtn(
        candidate.referral_id,
        candidate.person_id,
        {
          submittedOn: daysAgo(stage.dtnDaysAgo),
          reference: `DTN-${daysAgo(stage.dtnDaysAgo).replaceAll('-', '')}`,
          exploitationLocation: 'uk-only',
        },
        actor,
      )
    }
    made++
  }
  return made
}
