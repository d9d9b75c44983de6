import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { createReferralService } from '#src/modules/referrals/index.ts'
import { NewReferralInput, type GradingInput } from '#src/modules/referrals/index.ts'
import { reportToReferral } from '#src/modules/public/index.ts'

const HOUR = 3_600_000

/**
 * Risk-led triage on first start (issue 14, section 3): a few urgent referrals recorded the way they would
 * arrive (a helpline referral about a girl who looked about 16, still happening; a public report of an injured
 * man; a partner's referral of a woman with no safe place tonight), each through the referral service so the
 * urgency flag is derived as it would be, and THRIVE gradings by the triaging sergeant, so the queue shows urgent
 * work first with its reasons and the referral pages show a grading. Every name, place and story is invented.
 */
export async function loadDemoTriage(
  db: Db,
  options: { recorderEmail: string; graderEmail: string; now?: Date },
): Promise<{ urgent: string[]; graded: string[] }> {
  const now = options.now ?? new Date()
  const byEmail = async (email: string) =>
    (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst())?.id ?? null
  const [recorder, grader] = [await byEmail(options.recorderEmail), await byEmail(options.graderEmail)]
  const referrals = createReferralService(db, { triageSlaHours: 72 })
  const recorderActor = { ...SYSTEM_ACTOR, userId: recorder }
  const graderActor = { ...SYSTEM_ACTOR, userId: grader }
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR).toISOString()

  const girl = await referrals.create(
    NewReferralInput.parse({
      receivedAt: at(5),
      source: 'helpline',
      referringOrganisation: 'Modern Slavery & Exploitation Helpline',
      referrerName: 'Helpline advisor',
      referrerContact: '0113 496 0777',
      summary:
        'A neighbour called the helpline about a girl who looked about 16 serving customers at the nail bar on Market Place after midnight. ' +
        'A man in a grey van drops her off and collects her, and holds her phone. The caller saw her there again last night: it is still happening.',
      people: [
        {
          names: ['Girl at the nail bar (name not known)'],
          approximateAge: 16,
          gender: 'female',
          role: 'potential-victim',
        },
        { names: ['Driver of the grey van'], approximateAge: 35, gender: 'male', role: 'suspected-exploiter' },
      ],
      locations: [{ addressLine1: '3 Market Place', town: 'Riverton', premisesType: 'nail-bar' }],
      exploitationTypes: ['labour', 'sexual'],
      indicators: ['ongoing'],
    }),
    recorderActor,
  )

  // A public report, made as the public "report a concern" pages make it (no one signed in).
  const report = reportToReferral(
    {
      what: {
        what: 'A man working at the hand car wash had a bandage on his arm that was bleeding through. He said the boss hit him when he asked for his wages.',
      },
      where: { place: 'Hand car wash behind the retail park, Station Road', town: 'Northgate', postcode: '' },
      when: { when: 'today', ongoing: 'yes', details: 'This morning, about 9am' },
      people: {
        description: 'Man, about 30, thin, no gloves or boots',
        signs: ['injuries', 'frightened', 'living-at-work'],
        seemed: 'Frightened and in pain',
      },
      contact: { name: '', phone: '', email: '' },
    },
    { language: 'en', languageName: 'English', receivedAt: new Date(at(20)) },
  )
  const injured = await referrals.create(NewReferralInput.parse(report), SYSTEM_ACTOR)

  const noSafePlace = await referrals.create(
    NewReferralInput.parse({
      receivedAt: at(30),
      source: 'partner-agency',
      referringOrganisation: 'Housing association',
      referrerName: 'Tenancy officer',
      summary:
        'A woman came to the housing office saying she had left the house where she cleaned and cooked for a family for two years without pay. She says the family threatened to report her to immigration if she left.',
      people: [
        { names: ['Woman at the housing office'], approximateAge: 34, gender: 'female', role: 'potential-victim' },
      ],
      exploitationTypes: ['domestic-servitude'],
      indicators: ['no-safe-place', 'threats'],
    }),
    recorderActor,
  )

  const grade = (overrides: Partial<GradingInput>): GradingInput => ({
    threat: 'high',
    threatRationale: 'The suspected exploiter controls where the potential victim goes.',
    harm: 'high',
    harmRationale: 'Exploitation is happening now.',
    risk: 'high',
    riskRationale: 'Likely to continue tonight without action.',
    investigation: 'medium',
    investigationRationale: 'Premises and vehicle known; enquiries with the referrer needed.',
    vulnerability: 'high',
    vulnerabilityRationale: 'Isolated, no phone of her own.',
    engagement: 'medium',
    engagementRationale: 'Has not yet spoken to police; an ISA may help.',
    ...overrides,
  })
  await referrals.grade(
    girl.id,
    grade({
      vulnerabilityRationale: 'Possibly a child (looked about 16); no phone of her own; works at night.',
      engagementRationale: 'Not yet spoken to; a female officer and an interpreter may help.',
    }),
    graderActor,
  )
  await referrals.grade(
    noSafePlace.id,
    grade({
      threat: 'medium',
      threatRationale: 'Threats to report her to immigration if she left.',
      harm: 'medium',
      harmRationale: 'Two years unpaid domestic work; no physical injury reported.',
      risk: 'high',
      riskRationale: 'No safe place tonight: she may go back to the family.',
      engagement: 'high',
      engagementRationale: 'She came forward herself and wants help.',
      vulnerability: 'high',
      vulnerabilityRationale: 'No money, no documents, no safe place tonight.',
    }),
    graderActor,
  )

  // An older referral still waiting, graded low: not everything graded is urgent.
  const waiting = await db
    .selectFrom('referrals')
    .select('id')
    .where('status', 'in', ['new', 'in-triage'])
    .where('urgent', '=', false)
    .orderBy('received_at')
    .limit(1)
    .executeTakeFirst()
  const graded = [girl.id, noSafePlace.id]
  if (waiting) {
    await referrals.grade(
      waiting.id,
      grade({
        threat: 'low',
        threatRationale: 'No threats reported.',
        harm: 'low',
        harmRationale: 'No harm reported; concern is about pay and hours.',
        risk: 'medium',
        riskRationale: 'Could be labour exploitation; needs a visit with the Fair Work Agency.',
        investigation: 'medium',
        investigationRationale: 'Employer and premises known.',
        vulnerability: 'low',
        vulnerabilityRationale: 'Adult, speaks English, has his own documents.',
        engagement: 'high',
        engagementRationale: 'Willing to speak to officers.',
      }),
      graderActor,
    )
    graded.push(waiting.id)
  }
  return { urgent: [girl.id, injured.id, noSafePlace.id], graded }
}
