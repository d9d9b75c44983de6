import type { z } from 'zod'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { addCalendarDays, londonDate } from '#src/shared/dates.ts'
import { NewReferralInput, referralPeople } from '#src/modules/referrals/index.ts'
import { NewPersonInput } from '#src/modules/people/index.ts'
import { apiToken, createUser, currentUserOf, PageClient, type Role, type TestContext } from './test-app.ts'

/**
 * Test data built through the services, as the app itself would write it (with its audit rows, its urgency, its
 * people and places in their owner's tables), never by raw SQL that could drift from what the services write. Each
 * builder takes only what a test cares about and fills the rest with plain, valid defaults; the input is parsed by
 * the module's own schema, so a builder cannot make what the service would refuse.
 */

/** A user of a role, with what tests need to act as them: their id, email, audit actor and the user the pipeline sees. */
export type BuiltUser = { id: string; email: string; actor: Actor; current: CurrentUser }

export async function buildUser(
  ctx: TestContext,
  role: Role,
  options: { email?: string; mfa?: boolean; agencyId?: string } = {},
): Promise<BuiltUser> {
  const { id, email } = await createUser(
    ctx,
    role,
    options.email,
    options.mfa === undefined ? {} : { mfa: options.mfa },
  )
  // A partner user's agency is set by an administrator outside Lantern's services: written as a fixture.
  if (options.agencyId)
    await ctx.db.updateTable('users').set({ agency_id: options.agencyId }).where('id', '=', id).execute()
  return { id, email, actor: { userId: id }, current: await currentUserOf(ctx, id) }
}

/** The same user with an API token, for a test that calls the API as them. */
export async function buildApiUser(
  ctx: TestContext,
  role: Role,
  options: { email?: string } = {},
): Promise<BuiltUser & { token: string }> {
  const user = await buildUser(ctx, role, options)
  return { ...user, token: await apiToken(ctx, user.email) }
}

/**
 * A page client signed in as the user, as a browser would be; with `at`, it has opened that page, so it holds the
 * page's form token for a post that follows.
 */
export async function signedInPages(
  ctx: TestContext,
  user: Pick<BuiltUser, 'email'>,
  options: { at?: string } = {},
): Promise<PageClient> {
  const pages = new PageClient(ctx.app)
  await pages.signIn(user.email)
  if (options.at) await pages.get(options.at)
  return pages
}

/** An ISO date this many days from today in London (negative for the past). */
export const daysFromToday = (days: number): string => addCalendarDays(londonDate(), days)

/** A date as the GOV.UK date input posts it: `<prefix>-day`, `-month` and `-year`, without leading zeros. */
export const dateFields = (prefix: string, iso: string): Record<string, string> => ({
  [`${prefix}-day`]: String(Number(iso.slice(8, 10))),
  [`${prefix}-month`]: String(Number(iso.slice(5, 7))),
  [`${prefix}-year`]: iso.slice(0, 4),
})

/** A partner agency's id by its kind (every database has one of each kind from the migrations). */
export async function agencyOfKind(ctx: TestContext, kind: string): Promise<string> {
  return (await ctx.db.selectFrom('agencies').select('id').where('kind', '=', kind).executeTakeFirstOrThrow()).id
}

/**
 * An information-sharing agreement recorded by `by` through the disclosure service, with the agencies given:
 * current (started 100 days ago, for review in 100 days, ending in 300) unless told otherwise.
 */
export async function buildSharingAgreement(
  ctx: TestContext,
  by: Pick<BuiltUser, 'actor'>,
  fields: { agencyIds: string[] } & Partial<{
    title: string
    purposes: string
    lawfulBasis: string
    allowedFields: string[]
    startsOn: string
    reviewOn: string
    endsOn: string
  }>,
): Promise<string> {
  return ctx.services.disclosures.recordAgreement(
    {
      title: 'Test information-sharing agreement',
      purposes: 'Safeguarding people at risk of exploitation.',
      lawfulBasis: 'uk-gdpr-safeguarding',
      allowedFields: ['name', 'date-of-birth', 'referral-summary', 'exploitation-types'],
      startsOn: daysFromToday(-100),
      reviewOn: daysFromToday(100),
      endsOn: daysFromToday(300),
      ...fields,
    },
    by.actor,
  )
}

/** What a test may say about a referral: the API's own shape (NewReferralInput), every field optional. */
export type ReferralFields = Partial<z.input<typeof NewReferralInput>>

export type BuiltReferral = { id: string; reference: string; people: { personId: string; role: string }[] }

/** A referral recorded by `by` through the referral service: a plain labour referral unless told otherwise. */
export async function buildReferral(
  ctx: TestContext,
  by: Pick<BuiltUser, 'actor'>,
  fields: ReferralFields = {},
): Promise<BuiltReferral> {
  const input = NewReferralInput.parse({
    receivedAt: '2026-06-01',
    source: 'police',
    summary: 'Workers seen sleeping at a car wash',
    exploitationTypes: ['labour'],
    ...fields,
  })
  const { id, reference } = await ctx.services.referrals.create(input, by.actor)
  const people = (await referralPeople(ctx.db, id)).map((p) => ({ personId: p.person_id, role: p.role }))
  return { id, reference, people }
}

/** What a test may say about a person recorded on their own. */
export type PersonFields = Partial<z.input<typeof NewPersonInput>>

/** A person recorded on their own (not through a referral) through the people service; returns their id. */
export async function buildPerson(
  ctx: TestContext,
  by: Pick<BuiltUser, 'actor'>,
  fields: PersonFields = {},
): Promise<string> {
  return ctx.services.people.create(NewPersonInput.parse({ names: ['Alex Example'], ...fields }), by.actor)
}

export type BuiltLiveJob = { id: string; reference: string; referralId: string }

/**
 * A live job opened by `by` (who must be allowed to: the referral's assignee or a supervisor when it names a
 * potential victim) through the case service, from the referral given or from a new one built with `referral`.
 */
export async function buildLiveJob(
  ctx: TestContext,
  by: Pick<BuiltUser, 'actor' | 'current'>,
  options: {
    referralId?: string
    referral?: ReferralFields
    title?: string
    kind?: 'investigation' | 'county-lines'
  } = {},
): Promise<BuiltLiveJob> {
  const referralId = options.referralId ?? (await buildReferral(ctx, by, options.referral)).id
  const { id, reference } = await ctx.services.cases.openFromReferral(
    referralId,
    { title: options.title ?? 'Operation Example', kind: options.kind ?? 'investigation' },
    by.current,
    by.actor,
  )
  return { id, reference, referralId }
}
