import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { addCalendarDays, londonDate } from '#src/shared/dates.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import * as repo from './safeguarding.repository.ts'

const shift = (days: number) => addCalendarDays(londonDate(), days)

/**
 * Two synthetic safeguarding plans (on potential victims from the synthetic referrals, run by the officers
 * assigned to them); the hub meeting is built later from them (safeguarding.hub.demo.ts), once agreements exist. The demo partner user is placed in children's services,
 * if nobody has placed them yet, so the partner pages have actions to show.
 */
export async function loadDemoSafeguarding(db: Db): Promise<void> {
  const subjects = await db
    .selectFrom('referral_subjects as s')
    .innerJoin('referrals as r', 'r.id', 's.referral_id')
    .select(['s.person_id', 'r.assigned_to'])
    .where('s.role', '=', 'potential-victim')
    .where('r.assigned_to', 'is not', null)
    .orderBy('r.received_at', 'desc')
    .limit(2)
    .execute()
  const childrens = await db
    .selectFrom('agencies')
    .select('id')
    .where('kind', '=', 'childrens-services')
    .executeTakeFirst()
  const victimCare = await db.selectFrom('agencies').select('id').where('kind', '=', 'victim-care').executeTakeFirst()
  if (subjects.length === 0 || !childrens || !victimCare) return
  await db
    .updateTable('users')
    .set({ agency_id: childrens.id })
    .where('email', '=', 'partner@demo.lantern.test')
    .where('agency_id', 'is', null)
    .execute()
  const plans = [
    {
      risk: [
        'Contact from the people who controlled their work',
        'red',
        'The controllers have their phone number and know the town they were moved to',
      ],
      need: ['accommodation', 'Safe house out of area', 'met'],
      actions: [
        ['Arrange a move to safe accommodation out of area', childrens.id, -2],
        ['Return home interview after the missing episode', null, -1],
      ],
    },
    {
      risk: [
        'Debt bondage to the recruiter',
        'amber',
        'Says they still owe for travel and a room; no threats reported since rescue',
      ],
      need: ['legal-advice', 'Advice on the debt and on employment claims', 'unmet'],
      actions: [
        ['Referral to the victim care contract for a support worker', victimCare.id, 5],
        ['Interpreter-led welfare visit', null, 3],
      ],
    },
  ] as const
  await inTransaction(db, async (trx) => {
    for (const [n, s] of subjects.entries()) {
      const spec = plans[n]
      const { plan } = await repo.insertPlan(trx, {
        id: uuidv7(),
        reference: await repo.nextPlanReference(trx, Number(londonDate().slice(0, 4))),
        person_id: s.person_id,
        created_by: s.assigned_to,
      })
      await repo.insertRisk(trx, {
        id: uuidv7(),
        plan_id: plan.id,
        description: spec.risk[0],
        rating: spec.risk[1],
        rationale: spec.risk[2],
        created_by: s.assigned_to,
      })
      await repo.insertNeed(trx, {
        id: uuidv7(),
        plan_id: plan.id,
        kind: spec.need[0],
        detail: spec.need[1],
        status: spec.need[2],
        created_by: s.assigned_to,
      })
      await repo.insertReview(trx, {
        id: uuidv7(),
        plan_id: plan.id,
        due_on: shift(n === 0 ? 2 : 20),
        held_on: null,
        notes: '',
        created_by: s.assigned_to,
      })
      for (const [text, agencyId, due] of spec.actions) {
        await repo.insertAction(trx, {
          id: uuidv7(),
          plan_id: plan.id,
          meeting_id: null,
          meeting_item_id: null,
          text,
          owner: agencyId ? { type: 'agency', id: agencyId } : { type: 'user', id: s.assigned_to! },
          due_on: shift(due),
          created_by: s.assigned_to,
        })
      }
      await appendAuditEvents(trx, SYSTEM_ACTOR, [
        {
          action: 'safeguarding-plan.created',
          subjectType: 'person',
          subjectId: s.person_id,
          details: { planId: plan.id, demo: true },
        },
      ])
    }
  })
}
