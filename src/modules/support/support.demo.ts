import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR, type Actor } from '#src/platform/audit/audit-events.ts'
import { findCurrentUserByEmail } from '#src/platform/auth/users.repository.ts'
import { londonDate } from '#src/shared/dates.ts'
import { treatedAsChild } from '#src/shared/child.ts'
import { createSupportService, type ServiceInput } from './support.service.ts'

const shift = (days: number) => {
  const d = new Date(`${londonDate()}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const service = (s: Partial<ServiceInput> & Pick<ServiceInput, 'name' | 'category' | 'offers'>): ServiceInput => ({
  offersCy: '',
  phone: '',
  email: '',
  website: '',
  area: 'Riverton',
  takesAdults: true,
  takesChildren: false,
  womenOnly: false,
  languages: '',
  active: true,
  ...s,
})

/**
 * The demo directory: synthetic local services (example.org addresses, Ofcom drama-range numbers) and the two
 * national lines DOMAIN.md confirms (the Modern Slavery & Exploitation Helpline and the Salvation Army's victim
 * care referral line), so the leaflet shows what a real one would.
 */
const DIRECTORY: ServiceInput[] = [
  service({
    name: 'The Salvation Army: modern slavery victim care',
    category: 'victim-care',
    offers:
      'Safe house accommodation or outreach support, a support worker, help with money, health and legal advice, for adults in the NRM.',
    offersCy:
      'Llety tŷ diogel neu gymorth allgymorth, gweithiwr cymorth, help gydag arian, iechyd a chyngor cyfreithiol, i oedolion yn yr NRM.',
    phone: '0800 808 3733',
    area: 'England and Wales',
    languages: 'Interpreters for any language',
  }),
  service({
    name: 'Modern Slavery & Exploitation Helpline',
    category: 'helpline',
    offers: 'Free, confidential advice 24 hours a day, for victims and anyone worried about someone.',
    offersCy: 'Cyngor am ddim a chyfrinachol 24 awr y dydd, i ddioddefwyr ac unrhyw un sy’n poeni am rywun.',
    phone: '08000 121 700',
    area: 'United Kingdom',
    takesChildren: true,
    languages: 'Interpreters for any language',
  }),
  service({
    name: 'Northgate Law Centre (demo)',
    category: 'legal-advice',
    offers: 'Free legal advice on debts, employment claims and compensation for victims of exploitation.',
    phone: '0113 496 0711',
    email: 'advice@northgate-law.example.org',
    website: 'www.northgate-law.example.org',
    languages: 'Albanian, Romanian',
  }),
  service({
    name: 'Riverton Immigration Advice Service (demo)',
    category: 'immigration-advice',
    offers: 'Regulated immigration advice, including leave for confirmed victims of modern slavery.',
    phone: '0113 496 0722',
    email: 'help@ria.example.org',
  }),
  service({
    name: 'Riverton Council Housing Options (demo)',
    category: 'housing',
    offers: 'Emergency and longer-term housing, and help to move on from a safe house.',
    phone: '0113 496 0733',
    email: 'housing@riverton.example.org',
  }),
  service({
    name: 'Riverton Mental Health Service (demo)',
    category: 'mental-health',
    offers:
      'Assessment and treatment for trauma, anxiety and depression, for adults and young people; self-referral accepted.',
    phone: '0113 496 0744',
    takesChildren: true,
  }),
  service({
    name: 'Haven Counselling for Women (demo)',
    category: 'mental-health',
    offers: 'Free counselling for women who have been sexually exploited, with interpreters.',
    phone: '0113 496 0755',
    womenOnly: true,
    languages: 'Vietnamese, Polish',
  }),
  service({
    name: 'Riverton Drug and Alcohol Service (demo)',
    category: 'substance',
    offers: 'Confidential support to reduce or stop drug and alcohol use.',
    phone: '0113 496 0766',
    takesChildren: true,
  }),
  service({
    name: 'Independent Child Trafficking Guardians (demo)',
    category: 'ictg',
    offers: 'An independent guardian for a child who may have been trafficked.',
    phone: '0113 496 0777',
    takesAdults: false,
    takesChildren: true,
  }),
  service({
    name: 'Riverton Children’s Services MASH (demo)',
    category: 'local-authority',
    offers: 'Child safeguarding referrals and support for children and families.',
    phone: '0113 496 0788',
    takesAdults: false,
    takesChildren: true,
  }),
]

/**
 * The ISA's support work on first start: the directory, and for the victims the demo ISA supports (assigned by
 * the demo DS, support-workers.demo.ts), contacts logged and referrals out: one accepted safe house, one awaiting
 * an answer in time, one stalled past its follow-up date (shown in the ISA's My work), and one declined. The
 * first victim's safeguarding review falls due in the next days (safeguarding.demo.ts), also in My work.
 */
export async function loadDemoSupport(db: Db, options: { isaEmail: string; followUpDays?: number }): Promise<void> {
  const support = createSupportService(db, { followUpDays: options.followUpDays ?? 10 })
  const ids = new Map<string, string>()
  for (const entry of DIRECTORY) ids.set(entry.name, await support.addService(entry, SYSTEM_ACTOR))
  const isa = await findCurrentUserByEmail(db, options.isaEmail)
  if (!isa) return
  const actor: Actor = { ...SYSTEM_ACTOR, userId: isa.id }
  const supported = await db
    .selectFrom('person_support_workers')
    .select('person_id')
    .where('user_id', '=', isa.id)
    .where('ended_at', 'is', null)
    .orderBy('assigned_at')
    .limit(2)
    .execute()
  const [first, second] = supported.map((s) => s.person_id)
  // A victim who is (or may be) a child is referred where children are taken, as the service insists.
  const CHILD_INSTEAD: Record<string, string> = {
    'The Salvation Army: modern slavery victim care': 'Independent Child Trafficking Guardians (demo)',
    'Northgate Law Centre (demo)': 'Riverton Children’s Services MASH (demo)',
    'Riverton Council Housing Options (demo)': 'Riverton Children’s Services MASH (demo)',
  }
  const facts = await db
    .selectFrom('people')
    .select(['id', 'date_of_birth', 'approximate_age', 'age_disputed'])
    .where('id', 'in', supported.length ? supported.map((s) => s.person_id) : ['00000000-0000-7000-8000-000000000000'])
    .execute()
  const child = (personId: string) => facts.some((f) => f.id === personId && treatedAsChild(f))
  const pick = (personId: string) => (name: string) => ({
    serviceId: ids.get(child(personId) ? (CHILD_INSTEAD[name] ?? name) : name)!,
    isVictimCare: !child(personId) && name.startsWith('The Salvation Army'),
  })
  if (first) {
    const id = (name: string) => pick(first)(name).serviceId
    const vccProvision = pick(first)('The Salvation Army: modern slavery victim care').isVictimCare ? 'safe-house' : ''
    await support.recordContact(
      first,
      {
        contactedOn: shift(-14),
        kind: 'in-person',
        safeToContact: 'yes',
        whatDone:
          'First meeting at the police station with an interpreter. Explained the NRM, the victim care contract and what an ISA does.',
        needsRaised: 'Somewhere safe to stay tonight; worried about the debt to the recruiter.',
        entitlements: ['code-information', 'needs-assessment', 'interpreter'],
        nextStep: 'Call the safe house to check they have settled',
        nextStepOn: shift(-12),
      },
      isa,
      actor,
    )
    await support.recordContact(
      first,
      {
        contactedOn: shift(-7),
        kind: 'phone',
        safeToContact: 'no',
        whatDone: 'Welfare call. They said a man from the car wash has been calling this number.',
        needsRaised: 'A new phone',
        entitlements: ['investigation-updates'],
        nextStep: 'Ask the safe house for a new phone and number',
        nextStepOn: shift(-5),
      },
      isa,
      actor,
    )
    await support.recordContact(
      first,
      {
        contactedOn: shift(-2),
        kind: 'in-person',
        safeToContact: 'yes',
        whatDone: 'Visited at the safe house with an interpreter; went with them to the GP registration.',
        needsRaised: '',
        entitlements: ['compensation'],
        nextStep: 'Chase the law centre about the debt advice appointment',
        nextStepOn: shift(3),
      },
      isa,
      actor,
    )
    const vcc = await support.makeReferral(
      first,
      {
        serviceId: id('The Salvation Army: modern slavery victim care'),
        madeOn: shift(-14),
        provision: vccProvision,
        reason: 'Safe house place out of area after the rescue from the car wash',
        followUpOn: shift(-13),
      },
      isa,
      actor,
    )
    await support.updateReferral(
      first,
      vcc,
      {
        status: 'accepted',
        note: 'Place confirmed by the victim care team the same evening',
        outcome: 'Safe house place from the day of referral, out of area',
        followUpOn: null,
      },
      isa,
      actor,
    )
    // Stalled: no answer, and its follow-up date has passed.
    await support.makeReferral(
      first,
      {
        serviceId: id('Northgate Law Centre (demo)'),
        madeOn: shift(-16),
        provision: '',
        reason: 'Advice on the debt the recruiter says they owe, and an employment claim for unpaid wages',
        followUpOn: shift(-6),
      },
      isa,
      actor,
    )
    await support.makeReferral(
      first,
      {
        serviceId: id('Riverton Mental Health Service (demo)'),
        madeOn: shift(-3),
        provision: '',
        reason: 'Assessment for trauma: not sleeping, panic when they see cars like the boss’s',
        followUpOn: null,
      },
      isa,
      actor,
    )
  }
  if (second) {
    const id = (name: string) => pick(second)(name).serviceId
    await support.recordContact(
      second,
      {
        contactedOn: shift(-5),
        kind: 'video',
        safeToContact: 'not-asked',
        whatDone: 'Video call with a Romanian interpreter to go through the support available.',
        needsRaised: 'Wants to go back to college; has no money for travel.',
        entitlements: ['code-information', 'needs-assessment'],
        nextStep: 'Ask housing about moving on from the hostel',
        nextStepOn: shift(2),
      },
      isa,
      actor,
    )
    const housing = await support.makeReferral(
      second,
      {
        serviceId: id('Riverton Council Housing Options (demo)'),
        madeOn: shift(-20),
        provision: '',
        reason: 'Move-on accommodation from the hostel',
        followUpOn: shift(-10),
      },
      isa,
      actor,
    )
    await support.updateReferral(
      second,
      housing,
      {
        status: 'declined',
        note: 'Housing said they are not in priority need yet',
        outcome: 'Declined: not in priority need until their NRM support ends; re-refer then',
        followUpOn: null,
      },
      isa,
      actor,
    )
  }
}
