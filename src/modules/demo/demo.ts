import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { generatePassword, hashPassword } from '#src/platform/auth/password.ts'
import { formatSecret, newTotpSecret } from '#src/platform/auth/totp.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { createRandom, generateReferrals, insertSynthetic } from './synthetic.ts'
import { createPartnerService } from '#src/modules/partners/index.ts'
import { createCaseService, loadDemoOperations } from '#src/modules/cases/index.ts'
import { loadDemoPublicReports } from '#src/modules/public/index.ts'
import { createReferralService } from '#src/modules/referrals/index.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { findCurrentUser } from '#src/platform/auth/users.repository.ts'
import { loadDemoOutreach } from '#src/modules/outreach/index.ts'
import { loadDemoHub, loadDemoSafeguarding } from '#src/modules/safeguarding/index.ts'
import { loadDemoIntelligence } from '#src/modules/intelligence/index.ts'
import { loadDemoMatching } from '#src/modules/matching/index.ts'
import { loadDemoSupportWorkers } from '#src/modules/people/index.ts'
import { loadDemoTriage } from './triage.demo.ts'
import { loadDemoSharedPlaces } from './places.demo.ts'
import { loadDemoLiveJobWork } from './live-job-work.demo.ts'
import { loadDemoNrmDrafts } from '#src/modules/nrm/index.ts'
import { loadDemoWarrantDay } from '#src/modules/screening/index.ts'
import { loadDemoReferences } from '#src/modules/occurrence-references/index.ts'
import { loadDemoNrmLifecycle } from '#src/modules/nrm/index.ts'
import { loadDemoDisclosures } from '#src/modules/disclosures/index.ts'
import { loadDemoSupport } from '#src/modules/support/index.ts'
import { loadDemoVictimContext } from '#src/modules/victim-context/index.ts'

/** The demo team: one user per role, as a force's MSHT team and its partners would have. */
export const DEMO_USERS = [
  { email: 'di@demo.lantern.test', name: 'DI Jo Hartley', role: 'supervisor' },
  { email: 'ds@demo.lantern.test', name: 'DS Sam Okafor', role: 'supervisor' },
  { email: 'dc1@demo.lantern.test', name: 'DC Priya Shah', role: 'investigator' },
  { email: 'dc2@demo.lantern.test', name: 'DC Tom Barker', role: 'investigator' },
  { email: 'dc3@demo.lantern.test', name: 'DC Aisha Rahman', role: 'investigator' },
  { email: 'dc4@demo.lantern.test', name: 'DC Lewis Grant', role: 'investigator' },
  { email: 'dc5@demo.lantern.test', name: 'DC Megan Lloyd', role: 'investigator' },
  { email: 'pcso@demo.lantern.test', name: 'PCSO Dan Morris', role: 'pcso' },
  { email: 'isa@demo.lantern.test', name: 'Kate Summers (ISA)', role: 'support' },
  { email: 'analyst@demo.lantern.test', name: 'Ravi Mehta (analyst)', role: 'analyst' },
  { email: 'partner@demo.lantern.test', name: 'Claire Dunn (children’s services)', role: 'partner' },
  { email: 'dpo@demo.lantern.test', name: 'Helen Ward (DPO)', role: 'auditor' },
  { email: 'admin@demo.lantern.test', name: 'Lantern administrator', role: 'admin' },
] as const

/** `mfaSecret`: every demo user's two-factor key, so a newcomer can sign in at once (see formatCredentials). */
export type DemoCredentials = {
  password: string
  mfaSecret?: string
  users: readonly { email: string; role: string }[]
}

export async function isDemoLoaded(db: Db): Promise<boolean> {
  const row = await db.selectFrom('app_meta').select('key').where('key', '=', 'demo').executeTakeFirst()
  return row !== undefined
}

export async function hasAnyUser(db: Db): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst()
  return row !== undefined
}

/**
 * Loads the synthetic demo: the team's users (all with one generated password) and about 200 referrals
 * over the last 18 months. The password is written to the data folder so it can be printed at every start.
 */
export async function loadDemo(
  db: Db,
  options: { dataDir: string; referrals?: number; seed?: number; passwordHashCost?: number },
): Promise<DemoCredentials> {
  const password = generatePassword()
  const passwordHash = await hashPassword(password, options.passwordHashCost ?? 15)
  // Two-factor sign-in is required, so the demo team is set up already, all with one printed key.
  const mfaSecret = newTotpSecret()
  const users = DEMO_USERS.map((u) => ({ ...u, id: uuidv7() }))
  const random = createRandom(options.seed ?? 20_260_301)
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('users')
      .values(
        users.map((u) => ({
          id: u.id,
          email: u.email,
          display_name: u.name,
          role_id: u.role,
          password_hash: passwordHash,
          mfa_secret: mfaSecret,
          mfa_enrolled_at: new Date(),
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute()
    const data = generateReferrals(options.referrals ?? 200, {
      random,
      users: users.map((u) => ({
        id: u.id,
        canWork: u.role === 'investigator' || u.role === 'supervisor',
        canRecord: ['investigator', 'supervisor', 'pcso', 'support'].includes(u.role),
      })),
      days: 540,
      firstNumber: 1,
    })
    await insertSynthetic(trx, data)
    await trx
      .insertInto('app_meta')
      .values({
        key: 'demo',
        value: JSON.stringify({ loadedAt: new Date().toISOString(), referrals: data.referrals.length }),
      })
      .execute()
    await appendAuditEvents(trx, SYSTEM_ACTOR, [
      {
        action: 'demo.loaded',
        subjectType: 'system',
        details: { referrals: data.referrals.length, users: users.length },
      },
    ])
  })
  await openDemoCases(db)
  await demoAccessChanges(db)
  await loadDemoTriage(db, { recorderEmail: 'dc1@demo.lantern.test', graderEmail: 'ds@demo.lantern.test' })
  const operations = await loadDemoOperations(db, { createdBy: users.find((u) => u.role === 'supervisor')?.id ?? null })
  await loadDemoOutreach(db, { createdBy: users.find((u) => u.role === 'pcso')?.id ?? null, operations })
  await loadDemoPublicReports(db)
  await loadDemoSafeguarding(db)
  await loadDemoSupportWorkers(db, { isaEmail: 'isa@demo.lantern.test', supervisorEmail: 'ds@demo.lantern.test' })
  await loadDemoSupport(db, { isaEmail: 'isa@demo.lantern.test' })
  await loadDemoMatching(db)
  await loadDemoIntelligence(db)
  await loadDemoNrmDrafts(db)
  await loadDemoReferences(db)
  await loadDemoWarrantDay(db)
  await loadDemoNrmLifecycle(db, { firstOfficerEmail: 'dc1@demo.lantern.test' })
  await loadDemoDisclosures(db, { officerEmail: 'dc1@demo.lantern.test', supervisorEmail: 'ds@demo.lantern.test' })
  await loadDemoHub(db, {
    officerEmail: 'dc1@demo.lantern.test',
    supervisorEmail: 'ds@demo.lantern.test',
    partnerEmail: 'partner@demo.lantern.test',
  })
  await loadDemoVictimContext(db)
  await loadDemoSharedPlaces(db, { supervisorEmail: 'ds@demo.lantern.test' })
  await loadDemoLiveJobWork(db, { supervisorEmail: 'ds@demo.lantern.test' })
  const credentials = { password, mfaSecret, users: users.map((u) => ({ email: u.email, role: u.role })) }
  writeFileSync(join(options.dataDir, 'demo-credentials.txt'), formatCredentials(credentials) + '\n', { mode: 0o600 })
  return credentials
}

/** Referrals the synthetic history opened as cases become live jobs, run by the officer they were assigned to. */
async function openDemoCases(db: Db): Promise<void> {
  const cases = createCaseService(db)
  const opened = await db
    .selectFrom('referrals')
    .select(['id', 'assigned_to', 'county_lines', 'reference'])
    .where('status', '=', 'opened-as-case')
    .orderBy('received_at', 'desc')
    .limit(40)
    .execute()
  const partners = createPartnerService(db)
  const agencies = await partners.list()
  const cceTeam = agencies.find((a) => a.kind === 'police-team')
  const childrensServices = agencies.find((a) => a.kind === 'childrens-services')
  // Synthetic contacts (example.org addresses, drama-safe numbers) so the directory and live jobs have people to call.
  const cceContact = cceTeam
    ? await partners.addContact(
        cceTeam.id,
        {
          name: 'DS Robin Ashworth',
          jobTitle: 'CCE/CSE team supervisor',
          phone: '0113 496 0123',
          email: 'cce.team@example.org',
        },
        SYSTEM_ACTOR,
      )
    : null
  if (childrensServices)
    await partners.addContact(
      childrensServices.id,
      { name: 'Priya Natarajan', jobTitle: 'MASH social worker', phone: '0113 496 0456', email: 'mash@example.org' },
      SYSTEM_ACTOR,
    )
  for (const referral of opened) {
    const actor = { ...SYSTEM_ACTOR, userId: referral.assigned_to }
    // The demo loads as its supervisors would set it up: the assigned officer opens the job with the duty given.
    const officer = {
      id: referral.assigned_to ?? '',
      email: '',
      displayName: '',
      roleId: 'supervisor',
      roleName: '',
      permissions: new Set(['case:supervise', 'team:supervise'] as const),
    }
    const { id } = await cases.openFromReferral(
      referral.id,
      {
        title: `${referral.county_lines ? 'County Lines' : 'Investigation'} from ${referral.reference}`,
        kind: referral.county_lines ? 'county-lines' : 'investigation',
      },
      officer,
      actor,
    )
    if (referral.county_lines && cceTeam && referral.assigned_to) {
      await cases.involveAgency(
        id,
        { agencyId: cceTeam.id, contactId: cceContact, involvement: 'Strategy meeting and return home interviews' },
        officer,
        actor,
      )
    }
  }
}

/** A demo user as the request pipeline sees them, so the demo works through the services under the same rules. */
async function demoUser(db: Db, id: string): Promise<CurrentUser> {
  const user = await findCurrentUser(db, id)
  if (!user) throw new Error(`The demo user ${id} is missing`)
  return user
}

/**
 * A few access changes made the way the team would make them, through the services (so each is audited like the
 * real thing and the DPO's "Access granted" report has rows from the first start): a supervisor hands a referral
 * with a potential victim to another detective; officers in charge put detectives and the PCSO on their jobs'
 * teams and take one off again, saying why; a supervisor changes a job's officer in charge and adds a known
 * potential victim to a job.
 */
async function demoAccessChanges(db: Db): Promise<void> {
  const cases = createCaseService(db)
  const referrals = createReferralService(db, { triageSlaHours: 72 })
  const byEmail = async (email: string) =>
    (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst())?.id ?? null
  const [di, pcso] = [await byEmail('di@demo.lantern.test'), await byEmail('pcso@demo.lantern.test')]
  const detectives = (
    await Promise.all(['dc1', 'dc2', 'dc3', 'dc4', 'dc5'].map((dc) => byEmail(`${dc}@demo.lantern.test`)))
  ).filter((id): id is string => id !== null)
  if (!di || detectives.length < 3) return
  const supervisor = await demoUser(db, di)
  const supervisorActor = { ...SYSTEM_ACTOR, userId: di }
  const other = (not: string | null, offset = 0) => detectives.filter((d) => d !== not)[offset] ?? detectives[0]

  // A referral with a potential victim, still being worked, handed over by a supervisor.
  const handOver = await db
    .selectFrom('referrals')
    .select(['referrals.id', 'referrals.assigned_to'])
    .where('referrals.status', 'not in', ['closed', 'opened-as-case'])
    .where('referrals.assigned_to', 'in', detectives)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('referral_subjects')
          .select('referral_subjects.person_id')
          .whereRef('referral_subjects.referral_id', '=', 'referrals.id')
          .where('referral_subjects.role', '=', 'potential-victim'),
      ),
    )
    .orderBy('referrals.received_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (handOver) {
    await referrals.assign(
      handOver.id,
      {
        assigneeId: other(handOver.assigned_to),
        note: 'Handed over while the assigned officer is on leave: screening is due this week',
      },
      supervisor,
      supervisorActor,
    )
  }

  const jobs = await db
    .selectFrom('cases')
    .select(['id', 'officer_in_charge'])
    .where('officer_in_charge', 'is not', null)
    .where('restricted', '=', false)
    .orderBy('created_at')
    .limit(4)
    .execute()
  const [first, second, third, fourth] = jobs
  if (first?.officer_in_charge) {
    const oic = await demoUser(db, first.officer_in_charge)
    const actor = { ...SYSTEM_ACTOR, userId: oic.id }
    await cases.addMember(first.id, { userId: other(oic.id), duty: 'victim' }, oic, actor)
    if (pcso) await cases.addMember(first.id, { userId: pcso, duty: 'suspect' }, oic, actor)
    // A known potential victim from another referral joins the job: a supervisor's decision.
    const known = await db
      .selectFrom('referral_subjects')
      .select('person_id')
      .where('role', '=', 'potential-victim')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('case_people')
              .select('case_people.person_id')
              .whereRef('case_people.person_id', '=', 'referral_subjects.person_id'),
          ),
        ),
      )
      .orderBy('person_id')
      .limit(1)
      .executeTakeFirst()
    if (known)
      await cases.addPerson(
        first.id,
        { personId: known.person_id, newName: null, role: 'potential-victim' },
        supervisor,
        supervisorActor,
      )
  }
  if (second?.officer_in_charge) {
    const oic = await demoUser(db, second.officer_in_charge)
    const actor = { ...SYSTEM_ACTOR, userId: oic.id }
    const member = other(oic.id, 1)
    await cases.addMember(second.id, { userId: member, duty: 'victim' }, oic, actor)
    await cases.removeMember(
      second.id,
      { userId: member, reason: 'Moved to the County Lines job in Blackpool' },
      oic,
      actor,
    )
  }
  if (third?.officer_in_charge) {
    await cases.update(
      third.id,
      { officerInChargeId: other(third.officer_in_charge, 2), reason: 'The officer in charge is on a six-week course' },
      supervisor,
      supervisorActor,
    )
  }
  // A restricted live job: it exists only for its team (the officer in charge, one DC on the victims' side) and
  // the supervisors; every other DC, the PCSO and the analyst get "page not found", as for a job that never was.
  if (fourth?.officer_in_charge) {
    await cases.update(
      fourth.id,
      { restricted: true, reason: 'Covert phase: a suspect has a relative in the force' },
      supervisor,
      supervisorActor,
    )
    const oic = await demoUser(db, fourth.officer_in_charge)
    await cases.addMember(fourth.id, { userId: other(oic.id, 3), duty: 'victim' }, oic, {
      ...SYSTEM_ACTOR,
      userId: oic.id,
    })
  }

  // County Lines work as the team records it: the deal line and who runs it, the tasks, and the events (an
  // arrest with its time, a visit known only by its day). Numbers are from Ofcom's drama range.
  const lines = await db
    .selectFrom('cases')
    .select(['id', 'officer_in_charge'])
    .where('kind', '=', 'county-lines')
    .where('restricted', '=', false)
    .where('officer_in_charge', 'is not', null)
    .orderBy('created_at')
    .limit(3)
    .execute()
  const LINE_NAMES = ['Bando', 'Jay line', 'Tiny line']
  for (const [i, line] of lines.entries()) {
    const oic = await demoUser(db, line.officer_in_charge!)
    const actor = { ...SYSTEM_ACTOR, userId: oic.id }
    const runner = await db
      .selectFrom('case_people')
      .select('person_id')
      .where('case_id', '=', line.id)
      .orderBy('person_id')
      .executeTakeFirst()
    await cases.addDealLine(
      line.id,
      {
        number: `07700 900${String(100 + i * 7).padStart(3, '0')}`,
        lineName: LINE_NAMES[i],
        area: ['Riverton town centre', 'Eastfield estate', 'Harbour Road'][i],
        activeFrom: null,
        activeTo: null,
        personId: runner?.person_id ?? null,
        relation: 'works',
      },
      oic,
      actor,
    )
    // A cuckooed address on the first two lines: the flat taken over, and its occupant with their vulnerability.
    if (i < 2) {
      await cases.addCuckooedAddress(
        line.id,
        {
          addressLine1: ['Flat 4, Canal View', '12 Mill Lane'][i],
          town: 'Riverton',
          postcode: null,
          occupantName: ['Gary Holt', 'Maureen Pike'][i],
          vulnerability: [
            'Heroin user; the line’s runners moved in after giving him credit',
            'Learning disability; lives alone since her mother died',
          ][i],
        },
        oic,
        actor,
      )
    }
    await cases.addTask(
      line.id,
      {
        title: [
          'Download the seized handset',
          'Safe and well visit to the cuckooed address',
          'Request the line’s call data',
        ][i],
        ownerId: oic.id,
        dueOn: null,
      },
      oic,
      actor,
    )
    const day = new Date(Date.now() - (10 + i * 9) * 86_400_000)
    await cases.addEvent(
      line.id,
      {
        kind: 'arrest',
        occurredAt: new Date(day.getTime() + 6 * 3_600_000),
        timeKnown: true,
        summary: 'Arrested on the line’s handset at the address',
        personIds: runner ? [runner.person_id] : [],
        locationId: null,
      },
      oic,
      actor,
    )
    await cases.addEvent(
      line.id,
      {
        kind: 'premises-visit',
        occurredAt: new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - 2)),
        timeKnown: false,
        summary: 'Visited the address with the neighbourhood team',
        personIds: [],
        locationId: null,
      },
      oic,
      actor,
    )
  }
}

export function formatCredentials(credentials: DemoCredentials): string {
  const lines = credentials.users.map((u) => `  ${u.email.padEnd(28)} ${u.role}`)
  const mfa = credentials.mfaSecret
    ? [
        `Every demo user has the two-factor key: ${formatSecret(credentials.mfaSecret)}`,
        `  Add it to an authenticator app (time based), or print the current code with: npx lantern totp --secret ${credentials.mfaSecret}`,
      ]
    : []
  return [
    `Demo sign-in (synthetic data). Every demo user has the password: ${credentials.password}`,
    ...mfa,
    ...lines,
  ].join('\n')
}

export async function demoReferralCount(db: Db): Promise<number> {
  const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM referrals`.execute(db)
  return row.rows[0].n
}
