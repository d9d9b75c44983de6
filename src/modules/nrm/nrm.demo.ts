import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { findCurrentUser } from '#src/platform/auth/users.repository.ts'
import { createScreeningRules, createScreeningService } from '#src/modules/screening/index.ts'
import { createNrmDraftService } from './nrm.drafts.ts'

type Candidate = {
  referral_id: string
  person_id: string
  assigned_to: string
  age: number | null
  date_of_birth: string | null
}

async function userOf(db: Db, id: string): Promise<CurrentUser> {
  const user = await findCurrentUser(db, id)
  if (!user) throw new Error('A demo user is missing')
  return user
}

/**
 * Two NRM drafts so the form page has something to show on first start, made by the assigned officer through the
 * services (so each save is audited like the real thing): a child screened into the NRM whose form is complete,
 * with the local authority contact, and an adult whose form is partly done. Synthetic words and contacts only
 * (example.org addresses, and phone numbers from Ofcom's drama range for Leeds, 0113 496 0000 to 0999).
 */
export async function loadDemoNrmDrafts(db: Db): Promise<{ child: string | null; adult: string | null }> {
  const { rows } = await sql<Candidate>`
    SELECT rs.referral_id, rs.person_id, r.assigned_to, p.approximate_age AS age, p.date_of_birth::text AS date_of_birth
    FROM referral_subjects rs
    JOIN referrals r ON r.id = rs.referral_id
    JOIN people p ON p.id = rs.person_id
    JOIN users u ON u.id = r.assigned_to AND u.role_id = 'investigator'
    WHERE rs.role = 'potential-victim' AND r.status <> 'closed'
      AND cardinality(p.languages) > 0
      AND EXISTS (SELECT 1 FROM referral_locations rl WHERE rl.referral_id = r.id)
      AND NOT EXISTS (SELECT 1 FROM screenings s WHERE s.person_id = rs.person_id)
      AND NOT EXISTS (SELECT 1 FROM nrm_drafts d WHERE d.person_id = rs.person_id)
    ORDER BY r.received_at DESC
    LIMIT 400`.execute(db)
  const ageOf = (c: Candidate) =>
    c.date_of_birth ? new Date().getUTCFullYear() - Number(c.date_of_birth.slice(0, 4)) : c.age
  const child = rows.find((c) => (ageOf(c) ?? 99) <= 16)
  const adult = rows.find((c) => (ageOf(c) ?? 0) >= 21 && c.referral_id !== child?.referral_id)
  const drafts = createNrmDraftService(db)

  if (child) {
    const officer = await userOf(db, child.assigned_to)
    const actor = { ...SYSTEM_ACTOR, userId: officer.id }
    // The child is screened first, as the officer would: the NRM route, no consent needed.
    const screening = createScreeningService(db, createScreeningRules())
    const id = await screening.start(child.referral_id, child.person_id, actor)
    const [y, m, d] = child.date_of_birth ? child.date_of_birth.split('-') : ['', '', '']
    await screening.saveSection(id, 'age', {
      dobDay: d ? String(Number(d)) : '',
      dobMonth: m ? String(Number(m)) : '',
      dobYear: y,
      age: child.date_of_birth ? '' : String(child.age ?? 15),
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
      purpose: 'Made to carry and sell drugs from a flat in another town, paid in food and phone credit',
      types: ['CRIMINAL'],
      countyLines: 'yes',
      exploitedAsChild: 'yes',
    })
    await screening.saveSection(id, 'indicators', {
      indicators: ['debt'],
      means: ['threats', 'debt_bondage'],
      none: false,
    })
    await screening.saveSection(id, 'offence', {
      suspected: 'no',
      offence: '',
      compelled: '',
      noAlternative: '',
      directConsequence: '',
    })
    await screening.confirm(id, { overrideRoute: null, reason: null }, actor)
    const sections: [string, Record<string, string | string[]>][] = [
      [
        'referrer',
        {
          referrerOrganisation: 'Police',
          referrerRole: 'Detective Constable, MSHT team',
          referrerAddress: 'MSHT team, Northgate Police Station, 1 Example Street, NN1 1AA',
          referrerPhone: '0113 496 0789',
          backupContactName: 'DS Sam Okafor',
          backupContactDetails: 'msht.team@example.org, 0113 496 0790',
        },
      ],
      [
        'case',
        {
          cameToAttention:
            'Found by patrol officers in a flat used to deal drugs, during a warrant; he had travelled from home by train that morning.',
        },
      ],
      [
        'victim',
        {
          currentAddress: 'Emergency foster placement (address held by children’s services)',
          currentRegion: 'Yorkshire and the Humber',
          victimSafeToContact: 'no',
        },
      ],
      [
        'language',
        { englishLevel: 'good', interpreterNeeded: 'No', communicationNeeds: 'None known', genderPreference: 'none' },
      ],
      ['dependants', { hasDependants: 'no' }],
      [
        'local-authority',
        {
          laName: 'Leeds City Council children’s social care',
          laContactName: 'Priya Natarajan (MASH social worker)',
          laPhone: '0113 496 0456',
          laEmail: 'mash@example.org',
          laReferredOn: 'On the day of the warrant',
          lookedAfter: 'yes',
          withParentOrGuardian: 'Mother has parental responsibility and knows of the referral',
          missingEpisodes: 'Reported missing three times in the last two months',
        },
      ],
      [
        'narrative',
        {
          placeOfBirth: 'Leeds, United Kingdom',
          familyBackground: 'Lives with his mother and two younger sisters; little contact with his father.',
          education: 'Year 11, excluded from school in the autumn term.',
          exploitationWhen: 'From about the summer holidays until the warrant, about five months.',
          moreThanOneSituation: 'no',
          recruitment:
            'An older boy from the estate offered him money and trainers to “run an errand”, then said he owed a debt after a staged robbery.',
          recruiterRelationship: 'Older boy from the same estate',
          whatHappened: 'Made to carry and sell drugs from a flat in another town, paid in food and phone credit',
          stillInSituation: 'no',
          howLeft: 'Found by police during a warrant.',
          lastContact: 'A message on the line phone the night before the warrant.',
          ongoingRisk: 'yes',
          reportedBefore: 'No: he was told his family would be hurt.',
          whyNow: 'Identified by police during a warrant.',
          accountSource: 'both',
        },
      ],
      ['exploitation', { exploitationSubtypes: ['criminal-county-lines'] }],
      ['locations', { exploitationForceArea: 'North Yorkshire Police' }],
      ['indicators', { otherIndicators: 'Two phones, one a “line” phone; unexplained cash.' }],
      [
        'assessment',
        {
          professionalView:
            'A child moved across force areas to sell drugs under threat and a manufactured debt: criminal exploitation and County Lines.',
          credibilityConcerns: 'None: his account matches what officers found at the flat.',
          interviewSetting: 'Spoken to at the police station with his mother and an appropriate adult present.',
          supportingDocuments:
            'Officer’s statement (held on the crime record); return home interview (held by children’s services)',
        },
      ],
      [
        'police',
        { crimeReference: 'NY-2026-004512', policeForce: 'North Yorkshire Police', willingToCooperate: 'not-yet' },
      ],
      ['support', { supportNeeds: 'Safety planning, return home interviews, education support.' }],
      [
        'decision-letter',
        {
          decisionLetterRecipient: 'local-authority',
          decisionLetterName: 'Leeds City Council children’s social care',
          decisionLetterEmail: 'mash@example.org',
          decisionLetterSafe: 'yes',
        },
      ],
    ]
    let version: number | null = null
    for (const [section, answers] of sections) {
      version = (
        await drafts.save(
          child.referral_id,
          child.person_id,
          { version, answers, section, complete: true },
          officer,
          actor,
        )
      ).version
    }
  }

  if (adult) {
    const officer = await userOf(db, adult.assigned_to)
    const actor = { ...SYSTEM_ACTOR, userId: officer.id }
    const first = await drafts.save(
      adult.referral_id,
      adult.person_id,
      {
        version: null,
        answers: { referrerPhone: '0113 496 0791', referrerRole: 'Detective Constable' },
        section: 'referrer',
        complete: true,
      },
      officer,
      actor,
    )
    await drafts.save(
      adult.referral_id,
      adult.person_id,
      {
        version: first.version,
        answers: {
          placeOfBirth: 'Not yet asked',
          recruitment:
            'Offered a job in a car wash through a social media advert; the “agent” paid for the flight and said she owed the cost.',
          stillInSituation: 'no',
        },
        section: 'narrative',
        complete: false,
      },
      officer,
      actor,
    )
  }
  return { child: child?.person_id ?? null, adult: adult?.person_id ?? null }
}
