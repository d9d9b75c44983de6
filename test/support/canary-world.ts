import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { apiToken, createUser, currentUserOf, PageClient, type Role, type TestContext } from './test-app.ts'

/**
 * The canary world (issue 13): a small, synthetic force in which every protected place holds a unique marker
 * string, and a viewer for every role plus the awkward insiders (an investigator who works the victim as a
 * suspect, a partner of another agency, an investigator outside the restricted job). Built through the service
 * layer and the API (which calls the same services); raw SQL only where no service exists (a partner user's
 * agency, as the other tests do). Every viewer has a signed-in browser and an API token.
 */

/** What a marker protects; the sweep knows, per kind, who may see it. */
export type MarkerKind = 'victim-side' | 'immigration' | 'restricted-job' | 'disclosure' | 'partner-withheld'

export type Marker = { kind: MarkerKind; purpose: string; text: string; searchable: boolean }

export type ViewerName =
  | 'admin'
  | 'supervisor'
  | 'victimOfficer'
  | 'jobOfficer'
  | 'jobMember'
  | 'suspectSide'
  | 'outsider'
  | 'pcso'
  | 'isa'
  | 'support'
  | 'analyst'
  | 'partnerA'
  | 'partnerB'
  | 'auditor'
  | 'operator'

export type Viewer = {
  name: ViewerName
  role: Role
  id: string
  email: string
  token: string
  pages: PageClient
  user: CurrentUser
  permissions: ReadonlySet<string>
}

export type CanaryWorld = {
  markers: Marker[]
  viewers: Map<ViewerName, Viewer>
  ids: {
    victim: string
    suspect: string
    hiddenPerson: string
    occupant: string
    witness: string
    controlWitness: string
    safehouse: string
    cuckooed: string
    dealLine: string
    phone: string
    victimReferral: string
    jobReferral: string
    suspectReferral: string
    restrictedCase: string
    restrictedReference: string
    suspectCase: string
    operationId: string
    riskId: string
    needId: string
    actionId: string
    disclosureId: string
    agencyA: string
    agencyB: string
    agreementId: string
    meetingId: string
    screeningId: string | null
    screeningGroupId: string
    promptIds: string[]
    taskId: string
    supportServiceId: string
    supportReferralId: string
    situationId: string
    business: string
    hiddenBusiness: string
  }
}

const rand = () => randomBytes(4).toString('hex').toUpperCase()
const letters = () =>
  Array.from(randomBytes(6))
    .map((b) => 'bcdfghjklmnpqrstvwxz'[b % 20])
    .join('')
const digits = (n: number) =>
  Array.from(randomBytes(n))
    .map((b) => String(b % 10))
    .join('')
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

export async function buildCanaryWorld(ctx: TestContext): Promise<CanaryWorld> {
  const markers: Marker[] = []
  const mark = (kind: MarkerKind, purpose: string, searchable = true) => {
    const text = `CANARY-${purpose}-${rand()}`
    markers.push({ kind, purpose, text, searchable })
    return text
  }
  const plant = (kind: MarkerKind, purpose: string, text: string, searchable = true) => {
    markers.push({ kind, purpose, text, searchable })
    return text
  }

  // Viewers: one per role, and the insiders the policy must tell apart.
  const viewers = new Map<ViewerName, Viewer>()
  const plan: [ViewerName, Role][] = [
    ['admin', 'admin'],
    ['supervisor', 'supervisor'],
    ['victimOfficer', 'investigator'],
    ['jobOfficer', 'investigator'],
    ['jobMember', 'investigator'],
    ['suspectSide', 'investigator'],
    ['outsider', 'investigator'],
    ['pcso', 'pcso'],
    ['isa', 'support'],
    ['support', 'support'],
    ['analyst', 'analyst'],
    ['partnerA', 'partner'],
    ['partnerB', 'partner'],
    ['auditor', 'auditor'],
    ['operator', 'operator'],
  ]
  const agencyOf = async (kind: string) =>
    (await ctx.db.selectFrom('agencies').select('id').where('kind', '=', kind).executeTakeFirstOrThrow()).id
  const agencyA = await agencyOf('childrens-services')
  const agencyB = await agencyOf('housing')
  for (const [name, role] of plan) {
    const u = await createUser(ctx, role, `canary-${name.toLowerCase()}-${rand().toLowerCase()}@test.lantern`)
    // No service gives a partner user their agency (an administrator's page does it with a form); as other tests.
    if (name === 'partnerA' || name === 'partnerB')
      await ctx.db
        .updateTable('users')
        .set({ agency_id: name === 'partnerA' ? agencyA : agencyB })
        .where('id', '=', u.id)
        .execute()
    const pages = new PageClient(ctx.app)
    await pages.signIn(u.email)
    const user = await currentUserOf(ctx, u.id)
    viewers.set(name, {
      name,
      role,
      ...u,
      token: await apiToken(ctx, u.email),
      pages,
      user,
      permissions: user.permissions,
    })
  }
  const v = (name: ViewerName) => viewers.get(name)!
  const actor = (name: ViewerName): Actor => ({ userId: v(name).id, tokenId: null, ip: null, requestId: null })
  const api = async (name: ViewerName, method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) => {
    const response = await ctx.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${v(name).token}` },
      payload,
    })
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300)
    return response.json()
  }

  // 1. The victim's referral: recorded (and so worked) by the victim officer. Its summary is about the victim.
  const victimName = `Canaryvictim ${letters()}`
  const suspectName = `Canarysuspect ${letters()}`
  const safehouse = mark('partner-withheld', 'SAFEHOUSE')
  // What was reported goes to a partner only redacted to its subject: the victim's other name in it is withheld.
  const refSummary = mark('partner-withheld', 'REFSUMMARY')
  const victimReferral = await api('victimOfficer', 'POST', '/api/v1/referrals', {
    receivedAt: '2026-11-20',
    source: 'police',
    summary: `${refSummary} worked nights at a car wash, passport held by the boss`,
    exploitationTypes: ['labour'],
    people: [
      {
        names: [victimName, refSummary],
        approximateAge: 24,
        gender: 'male',
        nationalities: ['AL'],
        role: 'potential-victim',
      },
      { names: [suspectName], approximateAge: 45, gender: 'male', role: 'suspected-exploiter' },
    ],
  })
  const victim = victimReferral.people[0].personId as string
  const suspect = victimReferral.people[1].personId as string
  // A business named in the victim's referral: visible to everyone who may see the referral.
  const business = await ctx.services.places.createBusiness(
    { name: 'Canary hand car wash', kind: 'car-wash', notes: null, confirmedNew: true },
    v('victimOfficer').user,
    actor('victimOfficer'),
  )
  if (!('id' in business)) throw new Error('the business was not recorded')
  await ctx.services.places.linkByReference(
    business.id,
    { reference: victimReferral.reference as string, relation: 'employer' },
    v('victimOfficer').user,
    actor('victimOfficer'),
  )
  const safehouseId = await ctx.services.people.linkPlace(
    victim,
    {
      place: {
        addressLine1: `${safehouse} Close`,
        addressLine2: null,
        town: 'Leeds',
        postcode: null,
        description: null,
        premisesType: 'private-house',
      },
      relation: 'lives-at',
      source: 'Referral',
      validFrom: null,
    },
    actor('victimOfficer'),
  )
  const phone = `07700${digits(6)}`
  await ctx.services.people.linkObject(
    victim,
    { kind: 'phone', value: phone, relation: 'uses', source: 'Referral', validFrom: null },
    actor('victimOfficer'),
  )
  const phoneId = (
    await ctx.db
      .selectFrom('objects')
      .select('id')
      .where('kind', '=', 'phone')
      .where('value', 'like', `%${phone.slice(1)}%`)
      .executeTakeFirstOrThrow()
  ).id

  // 2. The victim side: a safeguarding plan with a risk, a need, an action (owned by the ISA) and a review; an ISA assigned by a supervisor.
  const officer = v('victimOfficer').user
  await ctx.services.supportWorkers.assignSupportWorker(victim, v('isa').id, v('supervisor').user, actor('supervisor'))
  await ctx.services.safeguarding.start(victim, officer, actor('victimOfficer'))
  const riskId = await ctx.services.safeguarding.addRisk(
    victim,
    { description: mark('victim-side', 'VRISK'), rating: 'red', rationale: mark('victim-side', 'VRATIONALE') },
    officer,
    actor('victimOfficer'),
  )
  const needId = await ctx.services.safeguarding.addNeed(
    victim,
    { kind: 'accommodation', detail: mark('victim-side', 'VNEED'), status: 'unmet' },
    officer,
    actor('victimOfficer'),
  )
  const actionId = await ctx.services.safeguarding.addAction(
    victim,
    { text: mark('victim-side', 'VACTION'), owner: { type: 'user', id: v('isa').id }, dueOn: inDays(10) },
    officer,
    actor('victimOfficer'),
  )
  await ctx.services.safeguarding.addReview(
    victim,
    { dueOn: inDays(20), heldOn: null, notes: mark('victim-side', 'VREVIEW') },
    officer,
    actor('victimOfficer'),
  )

  // 2b. The ISA's support work on the victim: a contact logged and a referral out (stalled, so it is in My work),
  // each with what was done and asked for marked. The service directory itself is not personal data.
  const isaUser = v('isa').user
  const supportServiceId = await ctx.services.support.addService(
    {
      name: 'Canary Law Centre',
      category: 'legal-advice',
      offers: 'Free legal advice',
      offersCy: '',
      phone: '0113 496 0999',
      email: '',
      website: '',
      area: 'Leeds',
      takesAdults: true,
      takesChildren: true,
      womenOnly: false,
      languages: '',
      active: true,
    },
    actor('isa'),
  )
  await ctx.services.support.recordContact(
    victim,
    {
      contactedOn: inDays(-1),
      kind: 'in-person',
      safeToContact: 'no',
      whatDone: mark('victim-side', 'VCONTACT'),
      needsRaised: mark('victim-side', 'VCONTACTNEEDS'),
      entitlements: ['code-information'],
      nextStep: mark('victim-side', 'VNEXTSTEP'),
      nextStepOn: inDays(3),
    },
    isaUser,
    actor('isa'),
  )
  const supportReferralId = await ctx.services.support.makeReferral(
    victim,
    {
      serviceId: supportServiceId,
      madeOn: inDays(-20),
      provision: '',
      reason: mark('victim-side', 'VREFOUT'),
      followUpOn: inDays(-5),
    },
    isaUser,
    actor('isa'),
  )

  // 3. Immigration status and notes (no one sees them on a GET: a supervisor states a purpose with a POST).
  await ctx.services.people.recordImmigrationStatus(
    victim,
    { status: mark('immigration', 'IMMSTATUS'), notes: mark('immigration', 'IMMNOTES') },
    actor('supervisor'),
  )

  // 4. A non-restricted job where the victim is worked as a suspect, by an investigator with no victim-side duty.
  const suspectReferral = await api('suspectSide', 'POST', '/api/v1/referrals', {
    receivedAt: '2026-11-22',
    source: 'police',
    summary: 'Shoplifting ring using young men',
    people: [{ names: [`Canarywitness ${letters()}`], approximateAge: 60, gender: 'female', role: 'witness' }],
  })
  const suspectCase = await ctx.services.cases.openFromReferral(
    suspectReferral.id,
    { title: 'Shoplifting ring', kind: 'investigation' },
    v('suspectSide').user,
    actor('suspectSide'),
  )
  await ctx.services.cases.addPerson(
    suspectCase.id,
    { personId: victim, newName: null, role: 'suspect' },
    v('suspectSide').user,
    actor('suspectSide'),
  )

  // 5. The restricted live job, and everything recorded only inside it.
  const jobReferral = await api('jobOfficer', 'POST', '/api/v1/referrals', {
    receivedAt: '2026-11-25',
    source: 'police',
    summary: 'Neighbours report a flat with many visitors',
    people: [{ names: [`Canaryneighbour ${letters()}`], approximateAge: 50, gender: 'female', role: 'witness' }],
  })
  const witness = jobReferral.people[0].personId as string
  const job = v('jobOfficer').user
  const restricted = await ctx.services.cases.openFromReferral(
    jobReferral.id,
    { title: mark('restricted-job', 'RJTITLE'), kind: 'county-lines' },
    job,
    actor('jobOfficer'),
  )
  plant('restricted-job', 'RJREFERENCE', restricted.reference)
  await ctx.services.cases.update(
    restricted.id,
    { restricted: true, reason: 'Covert phase' },
    v('supervisor').user,
    actor('supervisor'),
  )
  await ctx.services.cases.addMember(
    restricted.id,
    { userId: v('jobMember').id, duty: 'suspect' },
    job,
    actor('jobOfficer'),
  )
  // Its crime number, recorded only on the job: searched for by every viewer, found only by its team.
  const crimeNumber = plant('restricted-job', 'RJCRIME', `WY-2026-${digits(6)}`)
  await ctx.services.references.add(
    { type: 'case', id: restricted.id },
    { kind: 'crime', value: crimeNumber },
    job,
    actor('jobOfficer'),
  )
  const hiddenName = plant('restricted-job', 'RJPERSON', `Canaryrunner ${letters()}`)
  const hiddenPerson = await ctx.services.cases.addPerson(
    restricted.id,
    { personId: null, newName: hiddenName, role: 'suspect' },
    job,
    actor('jobOfficer'),
  )
  const dealLine = plant('restricted-job', 'RJDEALLINE', `07${digits(9)}`)
  await ctx.services.cases.addDealLine(
    restricted.id,
    {
      number: dealLine,
      lineName: mark('restricted-job', 'RJLINENAME'),
      area: 'Holbeck',
      activeFrom: null,
      activeTo: null,
      personId: hiddenPerson,
      relation: 'runs',
    },
    job,
    actor('jobOfficer'),
  )
  const dealLineId = (
    await ctx.db
      .selectFrom('objects')
      .select('id')
      .where('kind', '=', 'deal-line')
      .where('value', 'like', `%${dealLine.slice(1)}%`)
      .executeTakeFirstOrThrow()
  ).id
  const occupantName = plant('restricted-job', 'RJOCCUPANT', `Canaryoccupant ${letters()}`)
  await ctx.services.cases.addCuckooedAddress(
    restricted.id,
    {
      addressLine1: `${mark('restricted-job', 'RJADDRESS')} Row`,
      town: 'Leeds',
      postcode: null,
      occupantName,
      vulnerability: mark('restricted-job', 'RJVULN'),
    },
    job,
    actor('jobOfficer'),
  )
  const cuckooed = (
    await ctx.db
      .selectFrom('case_locations')
      .select('location_id')
      .where('case_id', '=', restricted.id)
      .executeTakeFirstOrThrow()
  ).location_id
  const occupant = (
    await ctx.db
      .selectFrom('person_names')
      .select('person_id')
      .where('full_name', '=', occupantName)
      .executeTakeFirstOrThrow()
  ).person_id
  await ctx.services.cases.addEvent(
    restricted.id,
    {
      kind: 'premises-visit',
      occurredAt: new Date('2026-11-28T21:30:00Z'),
      summary: mark('restricted-job', 'RJEVENT'),
      personIds: [hiddenPerson, occupant],
      locationId: cuckooed,
    },
    job,
    actor('jobOfficer'),
  )
  await ctx.services.cases.addTask(
    restricted.id,
    { title: mark('restricted-job', 'RJTASK'), ownerId: v('jobMember').id, dueOn: inDays(5) },
    job,
    actor('jobOfficer'),
  )
  const taskId = (
    await ctx.db.selectFrom('case_tasks').select('id').where('case_id', '=', restricted.id).executeTakeFirstOrThrow()
  ).id
  await ctx.services.cases.addDecision(
    restricted.id,
    {
      decidedOn: '2026-11-29',
      decision: mark('restricted-job', 'RJDECISION'),
      rationale: mark('restricted-job', 'RJRATIONALE'),
    },
    v('supervisor').user,
    actor('supervisor'),
  )
  // A business named only inside the job, and an estimate of unknown others at its cuckooed address: both hidden.
  const hiddenBusiness = await ctx.services.places.createBusiness(
    { name: mark('restricted-job', 'RJBUSINESS'), kind: 'nail-bar', notes: null, confirmedNew: true },
    job,
    actor('jobOfficer'),
  )
  if (!('id' in hiddenBusiness)) throw new Error('the hidden business was not recorded')
  await ctx.services.places.linkByReference(
    hiddenBusiness.id,
    { reference: restricted.reference, relation: 'named' },
    job,
    actor('jobOfficer'),
  )
  await ctx.services.places.recordUnknownOthers(
    cuckooed,
    { count: 6, note: mark('restricted-job', 'RJUNKNOWN'), on: '2026-11-28' },
    job,
    actor('jobOfficer'),
  )
  // The hidden runner also uses the victim's phone, inside the job: the phone stays visible, the runner does not.
  await ctx.services.people.linkObject(
    hiddenPerson,
    { kind: 'phone', value: phone, relation: 'uses', source: 'live job', caseId: restricted.id, validFrom: null },
    actor('jobOfficer'),
  )

  // The suspect shares that phone openly; and a control pair (the two witnesses) shares another phone with no one
  // hidden: an outsider must see the suspect's link to the victim scored exactly as the control pair's.
  await ctx.services.people.linkObject(
    suspect,
    { kind: 'phone', value: phone, relation: 'uses', source: 'Referral', validFrom: null },
    actor('victimOfficer'),
  )
  const controlPhone = `07700${digits(6)}`
  await ctx.services.people.linkObject(
    witness,
    { kind: 'phone', value: controlPhone, relation: 'uses', source: 'Referral', validFrom: null },
    actor('jobOfficer'),
  )
  const controlWitness = suspectReferral.people[0].personId as string
  await ctx.services.people.linkObject(
    controlWitness,
    { kind: 'phone', value: controlPhone, relation: 'uses', source: 'Referral', validFrom: null },
    actor('suspectSide'),
  )

  // 6. A disclosure about the suspect to agency A (name, address and what was reported about him), not to agency B.
  const agreementId = await ctx.services.disclosures.recordAgreement(
    {
      title: 'Canary ISA',
      purposes: 'Safeguarding',
      lawfulBasis: 'uk-gdpr-safeguarding',
      agencyIds: [agencyA],
      allowedFields: ['name', 'address', 'phone', 'referral-summary', 'exploitation-types'],
      startsOn: '2026-01-01',
      reviewOn: inDays(200),
      endsOn: inDays(365),
    },
    actor('supervisor'),
  )
  const disclosed = await ctx.services.disclosures.disclose(
    suspect,
    {
      agencyId: agencyA,
      agreementId,
      purpose: mark('disclosure', 'DISCPURPOSE'),
      fields: ['name', 'address', 'phone', 'referral-summary', 'exploitation-types'],
      expiresOn: inDays(30),
    },
    officer,
    actor('victimOfficer'),
  )

  // 7. A hub meeting (its agenda reads recent referrals and plans due), and the shared-identifier prompts raised above.
  const meetingId = await ctx.services.safeguarding.createMeeting(
    { title: 'Canary hub', heldOn: inDays(1), referralDays: 30 },
    actor('supervisor'),
  )
  const promptIds = (await ctx.db.selectFrom('safeguarding_prompts').select('id').execute()).map((r) => r.id)

  // 8. A screening of the victim, started by their officer (its pages are victim side).
  const started = await v('victimOfficer').pages.get(`/referrals/${victimReferral.id}/people/${victim}/nrm`)
  void started
  const screeningStart = await v('victimOfficer').pages.post(
    `/referrals/${victimReferral.id}/people/${victim}/screenings`,
    {},
  )
  const screeningId = /\/screenings\/([0-9a-f-]{36})\//.exec(String(screeningStart.headers.location ?? ''))?.[1] ?? null

  // 9. The victim met again and screened from their person page (a screening group), with what they were made to
  // do typed into the group's shared facts: victim side, like the screening itself.
  const encounter = await ctx.services.screeningGroups.start(
    {
      caseId: null,
      encounteredOn: '2026-11-30',
      summary: 'Met again at the car wash',
      personIds: [victim],
      newPeople: [],
    },
    officer,
    actor('victimOfficer'),
  )
  await ctx.services.screeningGroups.saveShared(
    encounter.groupId,
    {
      premises: { premisesType: 'car-wash', addressLine1: '', postcode: '', description: 'Car wash on the ring road' },
      encounter: {
        location: 'England',
        encounteredBy: 'police',
        detention: 'none',
        diplomaticHousehold: 'no',
        safeguardingConcern: 'yes',
      },
      exploitation: {
        purpose: mark('victim-side', 'VGROUPPURPOSE'),
        types: ['LABOUR'],
        countyLines: 'no',
        exploitedAsChild: '',
      },
      indicators: {
        indicators: ['lives-at-work'],
        means: [],
        otherMeans: mark('victim-side', 'VGROUPMEANS'),
        none: false,
      },
      employer: { name: '', details: '' },
    },
    officer,
    actor('victimOfficer'),
  )

  // 10. How the victim was exploited (issue 15): structured context, its journey and a perpetrator, all victim side.
  // A marker in every free-text field, and in the journey's town: the problem profile counts towns, and must name
  // none that fewer than the threshold share, so a town typed for one victim never reaches those without the duty.
  const situationId = await ctx.services.victimContext.record(
    victim,
    victimReferral.id,
    {
      recruitmentMethods: ['job-offer'],
      recruitmentPlatforms: ['social-media'],
      vulnerabilities: ['language'],
      controlMethods: ['documents-withheld'],
      labourSectors: ['car-wash'],
      sexualTypes: [],
      criminalTypes: [],
      recruitmentPlace: mark('victim-side', 'VCRECRUITPLACE'),
      recruitmentCountry: 'AL',
      recruitmentDetail: mark('victim-side', 'VCRECRUIT'),
      vulnerabilityDetail: mark('victim-side', 'VCVULN'),
      controlDetail: mark('victim-side', 'VCCONTROL'),
    },
    officer,
    actor('victimOfficer'),
  )
  await ctx.services.victimContext.addJourneyEvent(
    victim,
    situationId,
    {
      stage: 'exploitation',
      occurredOn: '2026-10-01',
      place: mark('victim-side', 'VCTOWN'),
      country: 'GB',
      notes: mark('victim-side', 'VCJOURNEY'),
    },
    officer,
    actor('victimOfficer'),
  )
  await ctx.services.victimContext.addPerpetrator(
    victim,
    situationId,
    { personId: null, description: mark('victim-side', 'VCPERP'), roles: ['controller'] },
    officer,
    actor('victimOfficer'),
  )

  // An operation holding the restricted job beside an open one: its page lists only the jobs a viewer may see.
  const operationId = await ctx.services.cases.createOperation(
    { name: `Canary operation ${letters()}`, description: null, code: 'CANARY' },
    actor('supervisor'),
  )
  await ctx.services.cases.setOperation(restricted.id, operationId, job, actor('jobOfficer'))
  await ctx.services.cases.setOperation(suspectCase.id, operationId, v('suspectSide').user, actor('suspectSide'))

  return {
    markers,
    viewers,
    ids: {
      operationId,
      victim,
      suspect,
      hiddenPerson,
      occupant,
      witness,
      controlWitness,
      safehouse: safehouseId,
      cuckooed,
      dealLine: dealLineId,
      phone: phoneId,
      victimReferral: victimReferral.id,
      jobReferral: jobReferral.id,
      suspectReferral: suspectReferral.id,
      restrictedCase: restricted.id,
      restrictedReference: restricted.reference,
      suspectCase: suspectCase.id,
      riskId,
      needId,
      actionId,
      disclosureId: disclosed.id,
      agencyA,
      agencyB,
      agreementId,
      meetingId,
      screeningId,
      screeningGroupId: encounter.groupId,
      promptIds,
      taskId,
      supportServiceId,
      supportReferralId,
      situationId,
      business: business.id,
      hiddenBusiness: hiddenBusiness.id,
    },
  }
}
