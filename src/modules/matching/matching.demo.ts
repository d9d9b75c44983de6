import type { Db } from '#src/platform/db/database.ts'
import { refreshUrgencyForPerson } from '#src/modules/referrals/index.ts'
import { raiseSharedIdentifierPrompts } from '#src/modules/intelligence/index.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { createPersonService } from '#src/modules/people/index.ts'

/**
 * A likely duplicate for the demo (synthetic): one woman recorded twice, by a Helpline report and by a
 * partner agency, with her name spelled two ways and the same phone and date of birth. A newcomer opening
 * either record sees the other under "Possible matches".
 */
export async function loadDemoMatching(db: Db): Promise<void> {
  const people = createPersonService(db, { ageChanged: refreshUrgencyForPerson, linked: raiseSharedIdentifierPrompts })
  const base = {
    dateOfBirth: '1996-02-11',
    approximateAge: null,
    ageDisputed: false,
    gender: 'female' as const,
    nationalities: ['RO'],
    languages: [],
  }
  const first = await people.create({ ...base, names: ['Ioana Popescu'] }, SYSTEM_ACTOR)
  const second = await people.create({ ...base, names: ['Ioana Popesku', 'Ioana P.'] }, SYSTEM_ACTOR)
  for (const [id, source] of [
    [first, 'Helpline report'],
    [second, 'partner agency referral'],
  ] as const) {
    await people.linkObject(
      id,
      { kind: 'phone', value: '07123 987654', relation: 'uses', validFrom: null, source },
      SYSTEM_ACTOR,
    )
  }
}
