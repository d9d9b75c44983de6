import type { Db } from '#src/platform/db/database.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { findCurrentUserByEmail } from '#src/platform/auth/users.repository.ts'
import { addCalendarDays, londonDate } from '#src/shared/dates.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import * as repo from './safeguarding.repository.ts'
import { createSafeguardingService } from './safeguarding.service.ts'

/**
 * This week's hub meeting, worked both ways, so the chair's, the partner's and the supervisor's pages have rows on
 * first start: held under the partnership's agreement (its statement heads the minutes), with team members,
 * named partner practitioners and apologies; an action given to children's services with what they need to act
 * (what was reported, redacted to the child); a second share whose NRM decisions wait in the supervisor's approvals
 * queue; and what children's services recorded (a visit, an outcome), which the team sees on the child's page.
 * Made through the services, so each step is audited like the real thing.
 */
export async function loadDemoHub(
  db: Db,
  options: { officerEmail: string; supervisorEmail: string; partnerEmail: string },
): Promise<void> {
  const [officer, supervisor, partner] = [
    await findCurrentUserByEmail(db, options.officerEmail),
    await findCurrentUserByEmail(db, options.supervisorEmail),
    await findCurrentUserByEmail(db, options.partnerEmail),
  ]
  const agencies = await db.selectFrom('agencies').select(['id', 'kind']).execute()
  const childrens = agencies.find((a) => a.kind === 'childrens-services')
  const victimCare = agencies.find((a) => a.kind === 'victim-care')
  if (!officer || !supervisor || !childrens) return
  const today = londonDate()
  const agreement = await db
    .selectFrom('sharing_agreements as a')
    .innerJoin('sharing_agreement_parties as p', 'p.agreement_id', 'a.id')
    .select('a.id')
    .where('p.agency_id', '=', childrens.id)
    .where('a.starts_on', '<=', today)
    .where('a.ends_on', '>=', today)
    .orderBy('a.created_at')
    .executeTakeFirst()
  const hub = createSafeguardingService(db)
  const meetingId = await hub.createMeeting(
    {
      title: 'Riverton safeguarding hub (demo)',
      heldOn: addCalendarDays(today, 2),
      referralDays: 14,
      agreementId: agreement?.id ?? null,
    },
    SYSTEM_ACTOR,
  )
  const staff = await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', 'in', ['di@demo.lantern.test', 'dc1@demo.lantern.test', 'dc2@demo.lantern.test'])
    .execute()
  await hub.setAttendance(
    meetingId,
    {
      userIds: staff.filter((u) => u.email !== 'dc2@demo.lantern.test').map((u) => u.id),
      apologyUserIds: staff.filter((u) => u.email === 'dc2@demo.lantern.test').map((u) => u.id),
      agencyIds: [childrens.id, ...(victimCare ? [victimCare.id] : [])],
    },
    SYSTEM_ACTOR,
  )
  await hub.addNamedAttendee(
    meetingId,
    { name: 'Jo Whitfield', role: 'Social worker', agencyId: childrens.id, apologies: false },
    SYSTEM_ACTOR,
  )
  await hub.addNamedAttendee(
    meetingId,
    { name: 'Dr Amira Shah', role: 'Designated nurse for safeguarding', agencyId: null, apologies: true },
    SYSTEM_ACTOR,
  )
  if (!agreement) return

  // The agenda's victims, children first: the items the partners are told about.
  const items = await repo.meetingItems(db, meetingId)
  const candidates: { itemId: string; personId: string }[] = []
  for (const item of items) {
    const person = (await repo.itemPeople(db, item.id)).find(
      (p) => p.role === 'potential-victim' || p.role === 'victim',
    )
    if (person && !candidates.some((c) => c.personId === person.person_id))
      candidates.push({ itemId: item.id, personId: person.person_id })
  }
  const supervisorActor = { ...SYSTEM_ACTOR, userId: supervisor.id }
  const officerActor = { ...SYSTEM_ACTOR, userId: officer.id }
  const [first, second] = candidates
  let shared: { id: string; actionId: string | null } | null = null
  if (first) {
    shared = await hub.shareForItem(
      meetingId,
      first.itemId,
      {
        personId: first.personId,
        agencyId: childrens.id,
        fields: ['name', 'date-of-birth', 'referral-summary', 'exploitation-types'],
        release: [],
        purpose: '',
        protectedBasis: null,
        actionText: 'Return home interview, and a strategy discussion with the police before the hub',
        actionDueOn: addCalendarDays(today, 5),
      },
      supervisor,
      supervisorActor,
    )
  }
  if (second) {
    // The officer asks for the NRM decisions too: the name and age go at once, the decisions wait for the DS.
    const input = {
      personId: second.personId,
      agencyId: childrens.id,
      fields: ['name', 'date-of-birth', 'nrm-status'],
      release: [],
      purpose: 'Support planning: the social worker needs to know where the NRM referral has got to',
      protectedBasis: null,
      actionText: null,
      actionDueOn: null,
    }
    await hub
      .shareForItem(meetingId, second.itemId, input, officer, officerActor)
      .catch(() =>
        hub.shareForItem(meetingId, second.itemId, input, supervisor, supervisorActor).catch(() => undefined),
      )
  }
  // Whatever was asked for above, the queue shows a request waiting for approval.
  const waiting = await db
    .selectFrom('disclosures')
    .select('id')
    .where('status', '=', 'awaiting-approval')
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (!waiting && first) {
    await db
      .insertInto('disclosures')
      .values({
        id: uuidv7(),
        person_id: first.personId,
        agency_id: childrens.id,
        agreement_id: agreement.id,
        purpose: 'Support planning: where the NRM referral has got to',
        fields: ['nrm-status'],
        expires_at: new Date(`${addCalendarDays(today, 28)}T23:59:59Z`),
        status: 'awaiting-approval',
        protected_basis: null,
        approved_by: null,
        approved_at: null,
        created_by: officer.id,
        meeting_item_id: first.itemId,
      })
      .execute()
  }
  // What children's services recorded against the item shared with them and their action.
  if (partner && shared) {
    const partnerActor = { ...SYSTEM_ACTOR, userId: partner.id }
    await hub.partnerContribute(
      meetingId,
      {
        target: `disclosure:${shared.id}`,
        kind: 'visit',
        text: 'Home visit yesterday: at home with mum, attending school three days a week. No new missing episodes.',
      },
      partner,
      partnerActor,
    )
    if (shared.actionId)
      await hub.partnerContribute(
        meetingId,
        {
          target: `action:${shared.actionId}`,
          kind: 'check',
          text: 'Checked our records: an older sibling was open to the exploitation team last year. Strategy discussion booked.',
        },
        partner,
        partnerActor,
      )
  }
}
