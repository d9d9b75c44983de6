import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isApiPath } from '#src/platform/http/access.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'
import { agencyOfKind, buildSharingAgreement, dateFields, daysFromToday } from './support/builders.ts'

let ctx: TestContext
let ds: PageClient
let dc: PageClient
let dcToken: string
let childrens: string
let housing: string
let agreementId: string
let supervisorId: string
let oldHousingAgreementId: string
let referral: { id: string; reference: string; people: { personId: string }[] }
let victim: string

async function partnerFor(agency: string) {
  const user = await createUser(ctx, 'partner')
  await ctx.db.updateTable('users').set({ agency_id: agency }).where('id', '=', user.id).execute()
  const client = new PageClient(ctx.app)
  await client.signIn(user.email)
  return { client, user, token: await apiToken(ctx, user.email) }
}

beforeAll(async () => {
  ctx = await createTestContext()
  ds = new PageClient(ctx.app)
  const supervisor = await createUser(ctx, 'supervisor')
  supervisorId = supervisor.id
  await ds.signIn(supervisor.email)
  const officer = await createUser(ctx, 'investigator')
  dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
  dcToken = await apiToken(ctx, officer.email)
  childrens = await agencyOfKind(ctx, 'childrens-services')
  housing = await agencyOfKind(ctx, 'housing')
  referral = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${dcToken}` },
      payload: {
        receivedAt: '2026-09-01',
        source: 'police',
        summary: 'Girl found working in a nail bar at night',
        exploitationTypes: ['labour'],
        people: [
          {
            names: ['Thảo Lindqvist'],
            dateOfBirth: '2010-04-05',
            gender: 'female',
            nationalities: ['VN'],
            role: 'potential-victim',
          },
          { names: ['Oskar Brannigan'], approximateAge: 44, gender: 'male', role: 'suspected-exploiter' },
        ],
        locations: [{ addressLine1: '77 Quarry Hill', postcode: 'LS2 7EW', premisesType: 'nail-bar' }],
      },
    })
  ).json()
  victim = referral.people[0].personId
  // The officer works the victim side: the referral is theirs, so they may see (and share) the victim facet.
  await ctx.db.updateTable('referrals').set({ assigned_to: officer.id }).where('id', '=', referral.id).execute()
  await dc.get(`/people/${victim}`)
  await dc.post(`/people/${victim}/objects`, {
    kind: 'phone',
    value: '07700 123456',
    relation: 'uses',
    source: 'Referral',
  })
  await ctx.db
    .insertInto('person_immigration_status')
    .values({
      person_id: victim,
      status: 'Unlawfully present (synthetic)',
      notes: null,
      recorded_by: null,
      recorded_at: new Date(),
    })
    .execute()
})
afterAll(() => ctx.close())

describe('information-sharing agreements', () => {
  it('records an agreement, with a message for each missing part', async () => {
    await ds.get('/agreements')
    const bad = await ds.post('/agreements', { title: '', purposes: '', ...dateFields('startsOn', '2026-01-01') })
    expect(bad.statusCode).toBe(400)
    for (const message of [
      'Enter the agreement’s title',
      'Select at least one partner agency',
      'Select the lawful basis',
      'Select the categories of data the agreement allows',
      'Review date',
    ])
      expect(bad.body).toContain(message)
    const good = await ds.post('/agreements', {
      title: 'Child safeguarding ISA',
      agencyIds: [childrens],
      purposes: 'Safeguarding children at risk of exploitation',
      lawfulBasis: 'uk-gdpr-safeguarding',
      allowedFields: ['name', 'date-of-birth', 'phone', 'referral-summary', 'nrm-status', 'immigration-status'],
      ...dateFields('startsOn', '2026-01-01'),
      ...dateFields('reviewOn', daysFromToday(200)),
      ...dateFields('endsOn', daysFromToday(365)),
    })
    expect(good.statusCode).toBe(303)
    agreementId = (
      await ctx.db
        .selectFrom('sharing_agreements')
        .select('id')
        .where('title', '=', 'Child safeguarding ISA')
        .executeTakeFirstOrThrow()
    ).id
    oldHousingAgreementId = await buildSharingAgreement(
      ctx,
      { actor: { userId: supervisorId } },
      {
        title: 'Old housing ISA',
        purposes: 'Housing',
        allowedFields: ['name'],
        startsOn: '2024-01-01',
        reviewOn: '2024-06-01',
        endsOn: '2025-01-01',
        agencyIds: [housing],
      },
    )
  })
})

describe('disclosures', () => {
  let disclosureId: string

  it('refuses, writing nothing, to share under an agreement that does not cover the agency, has ended, or does not allow a field', async () => {
    const share = (form: Record<string, string | string[]>) =>
      dc.post(`/people/${victim}/disclosures`, {
        purpose: 'Strategy meeting',
        ...dateFields('expiresOn', daysFromToday(14)),
        ...form,
      })
    await dc.get(`/people/${victim}/disclosures`)
    const notParty = await share({ agencyId: housing, agreementId, fields: ['name'] })
    expect(notParty.statusCode).toBe(400)
    expect(notParty.body).toContain('is not a party to ‘Child safeguarding ISA’')
    const ended = await share({
      agencyId: housing,
      agreementId: oldHousingAgreementId,
      fields: ['name'],
    })
    expect(ended.statusCode).toBe(400)
    expect(ended.body).toContain('‘Old housing ISA’ ended on 1 January 2025: it cannot be used to share')
    const notAllowed = await share({ agencyId: childrens, agreementId, fields: ['name', 'address'] })
    expect(notAllowed.statusCode).toBe(400)
    expect(notAllowed.body).toContain('‘Child safeguarding ISA’ does not allow sharing: Addresses and places')
    expect(notAllowed.body).toContain('>Strategy meeting</textarea>')
    const tooLong = await share({
      agencyId: childrens,
      agreementId,
      fields: ['name'],
      ...dateFields('expiresOn', daysFromToday(400)),
    })
    expect(tooLong.statusCode).toBe(400)
    expect(tooLong.body).toContain('when the agreement ends')
    const cannotSee = await share({ agencyId: childrens, agreementId, fields: ['immigration-status'] })
    expect(cannotSee.statusCode).toBe(403)
    expect(cannotSee.body).toContain('You cannot share immigration status: you cannot see it yourself')
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM disclosures`.execute(ctx.db)).rows[0].n).toBe(0)
    expect(
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'disclosure.%'`.execute(
          ctx.db,
        )
      ).rows[0].n,
    ).toBe(0)
  })

  it('shows every problem with a share at once, each linked to its input, and shares nothing', async () => {
    const bad = await dc.post(`/people/${victim}/disclosures`, { purpose: ' ', 'expiresOn-day': '3' })
    expect(bad.statusCode).toBe(400)
    for (const [href, message] of [
      ['expiresOn-month', 'End date must include a month and year'],
      ['agencyId', 'Select the agency to share with'],
      ['agreementId', 'Select the information-sharing agreement'],
      ['fields', 'Select the fields to share: only what the agency needs'],
      ['purpose', 'Enter why the agency needs this information'],
    ])
      expect(bad.body).toContain(`<a href="#${href}">${message}`)
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM disclosures`.execute(ctx.db)).rows[0].n).toBe(0)
  })

  it('shares the chosen fields and logs an s62 disclosure with the agency, purpose and lawful basis', async () => {
    const made = await dc.post(`/people/${victim}/disclosures`, {
      agencyId: childrens,
      agreementId,
      purpose: 'Strategy meeting on Thursday',
      fields: ['name', 'phone'],
      ...dateFields('expiresOn', daysFromToday(14)),
    })
    expect(made.statusCode).toBe(303)
    disclosureId = (await ctx.db.selectFrom('disclosures').select('id').executeTakeFirstOrThrow()).id
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['category', 'justification', 'details', 'subject_id'])
      .where('action', '=', 'disclosure.made')
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({
      category: 'disclosure',
      justification: 'Strategy meeting on Thursday',
      subject_id: victim,
      details: {
        disclosureId,
        agencyId: childrens,
        agreementId,
        lawfulBasis: 'uk-gdpr-safeguarding',
        fields: ['name', 'phone'],
      },
    })
  })

  it('shows a partner only what was disclosed to their agency, and only while it is live', async () => {
    const partner = await partnerFor(childrens)
    const list = await partner.client.get('/partner')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('Thảo Lindqvist')
    const page = await partner.client.get(`/partner/disclosures/${disclosureId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('07700 123456')
    for (const hidden of [
      '2010',
      'Quarry Hill',
      'LS2 7EW',
      'nail bar',
      'Oskar',
      'Unlawfully present',
      referral.reference,
    ])
      expect(page.body).not.toContain(hidden)
    const viewed = await ctx.db
      .selectFrom('audit_events')
      .select(['category', 'actor_user_id'])
      .where('action', '=', 'disclosure.viewed')
      .executeTakeFirstOrThrow()
    expect(viewed).toEqual({ category: 'consultation', actor_user_id: partner.user.id })

    const stranger = await partnerFor(housing)
    const denied = await stranger.client.get(`/partner/disclosures/${disclosureId}`)
    const missing = await stranger.client.get('/partner/disclosures/01900000-0000-7000-8000-0000000000ff')
    expect(denied.statusCode).toBe(404)
    expect(missing.statusCode).toBe(404)
    expect(denied.body.replace(/name="_csrf" value="[^"]+"/, '').replace(/nonce="[^"]+"/g, '')).toBe(
      missing.body.replace(/name="_csrf" value="[^"]+"/, '').replace(/nonce="[^"]+"/g, ''),
    )
    expect((await stranger.client.get('/partner')).body).not.toContain('Thảo')

    await ctx.db
      .updateTable('disclosures')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', disclosureId)
      .execute()
    expect((await partner.client.get(`/partner/disclosures/${disclosureId}`)).statusCode).toBe(404)
    expect((await partner.client.get('/partner')).body).not.toContain('Thảo')
    await ctx.db
      .updateTable('disclosures')
      .set({ expires_at: new Date(Date.now() + 86_400_000) })
      .where('id', '=', disclosureId)
      .execute()
    expect((await partner.client.get(`/partner/disclosures/${disclosureId}`)).statusCode).toBe(200)

    await dc.get(`/people/${victim}/disclosures`)
    const noReason = await dc.post(`/disclosures/${disclosureId}/revoke`, { personId: victim, reason: '' })
    expect(noReason.statusCode).toBe(303)
    expect((await dc.get(`/people/${victim}/disclosures`)).body).toContain(
      'Not revoked: Enter why the disclosure is being revoked',
    )
    expect(
      (await dc.post(`/disclosures/${disclosureId}/revoke`, { personId: victim, reason: 'Meeting cancelled' }))
        .statusCode,
    ).toBe(303)
    expect((await partner.client.get(`/partner/disclosures/${disclosureId}`)).statusCode).toBe(404)
    const revoked = await ctx.db
      .selectFrom('audit_events')
      .select(['category', 'justification'])
      .where('action', '=', 'disclosure.revoked')
      .executeTakeFirstOrThrow()
    expect(revoked).toEqual({ category: 'alteration', justification: 'Meeting cancelled' })
  })

  it('sends fields that need no approval at once and holds the protected ones until a supervisor approves with a lawful basis', async () => {
    const partner = await partnerFor(childrens)
    await dc.get(`/people/${victim}/disclosures`)
    expect(
      (
        await dc.post(`/people/${victim}/disclosures`, {
          agencyId: childrens,
          agreementId,
          purpose: 'Support planning',
          fields: ['name', 'nrm-status'],
          ...dateFields('expiresOn', daysFromToday(10)),
        })
      ).statusCode,
    ).toBe(303)
    const made = await ctx.db
      .selectFrom('disclosures')
      .select(['id', 'status', 'fields'])
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .execute()
    // The name went at once; the NRM decisions wait, in a disclosure of their own.
    expect(made.map((d) => [d.status, d.fields])).toEqual([
      ['live', ['name']],
      ['awaiting-approval', ['nrm-status']],
    ])
    const pending = made[1]
    expect((await partner.client.get(`/partner/disclosures/${made[0].id}`)).body).toContain('Thảo Lindqvist')
    expect((await partner.client.get(`/partner/disclosures/${pending.id}`)).statusCode).toBe(404)
    expect((await partner.client.get(`/partner/disclosures/${made[0].id}`)).body).not.toContain('NRM')

    await ds.get(`/people/${victim}/disclosures`)
    await ds.post(`/disclosures/${pending.id}/approve`, { personId: victim, protectedBasis: '' })
    expect((await ds.get(`/people/${victim}/disclosures`)).body).toContain('Not approved: Enter the lawful basis')
    expect(
      (
        await ds.post(`/disclosures/${pending.id}/approve`, {
          personId: victim,
          protectedBasis: 'Children Act 1989 s47 enquiry',
        })
      ).statusCode,
    ).toBe(303)
    const shown = await partner.client.get(`/partner/disclosures/${pending.id}`)
    expect(shown.statusCode).toBe(200)
    expect(shown.body).toContain('No NRM referral')
    const approved = await ctx.db
      .selectFrom('audit_events')
      .select(['category', 'justification'])
      .where('action', '=', 'disclosure.approved')
      .executeTakeFirstOrThrow()
    expect(approved).toEqual({ category: 'disclosure', justification: 'Children Act 1989 s47 enquiry' })
  })

  it(
    'lets a partner reach nothing else by any route or id: pages, API, search, exports, guessed URLs',
    { timeout: 240_000 },
    async () => {
      const partner = await partnerFor(childrens)
      const live = new Set(
        (
          await ctx.db
            .selectFrom('disclosures')
            .select('id')
            .where('status', '=', 'live')
            .where('revoked_at', 'is', null)
            .where('agency_id', '=', childrens)
            .execute()
        ).map((d) => d.id),
      )
      const ids = new Set<string>()
      for (const table of [
        'people',
        'referrals',
        'cases',
        'locations',
        'objects',
        'agencies',
        'disclosures',
        'sharing_agreements',
        'users',
        'person_names',
      ] as const) {
        for (const row of await sql<{
          id: string
        }>`SELECT id::text AS id FROM ${sql.table(table)} ORDER BY id DESC LIMIT 8`
          .execute(ctx.db)
          .then((r) => r.rows))
          ids.add(row.id)
      }
      // The partner's own pages (their disclosures, and the safeguarding actions and meetings their agency owns);
      // those check ownership by id themselves, and the secrets check below applies to them too. The team's
      // referral figures and the problem profile are aggregate and suppressed, the same for every agency.
      const allowedPaths = new Set([
        '/partner',
        '/partner/disclosures/:id',
        '/partner/actions',
        '/partner/actions/:id',
        '/partner/meetings/:id',
        '/partner/figures',
        '/partner/exploitation-profile',
        // The partner portal's hub work over the API: what was shared with the agency, and its contributions.
        '/api/v1/partner/hub-items',
        '/api/v1/partner/actions/:id/contributions',
        '/my-work',
        '/',
        '/account',
        '/account/password',
        '/account/two-factor',
        '/account/tokens',
        '/account/tokens/new',
      ])
      // Names and facts the partner was never given: none may appear in any answer.
      const secrets = [
        'Oskar',
        'Brannigan',
        'Quarry Hill',
        'LS2 7EW',
        'Unlawfully present',
        // The summary's words, not "nail bar" alone: that is a kind of place on the problem profile's closed lists.
        'working in a nail bar at night',
        referral.reference,
      ]
      let calls = 0
      // Signing out (here or everywhere) would end the sweep early: the routes a partner is meant to use that end the session.
      // Their own account pages (password, optional two-factor, their own API tokens, which no API route accepts
      // with a partner's permissions) are theirs to use.
      for (const route of ctx.routes.filter(
        (r) => r.access !== 'public' && r.url !== '/sign-out' && r.url !== '/account/sign-out-everywhere',
      )) {
        const params = route.url.match(/:[a-zA-Z]+/g) ?? []
        const urls =
          params.length === 0
            ? [route.url]
            : [...ids].map((id) => route.url.replace(/:[a-zA-Z]+/g, (name) => (name === ':index' ? '0' : id)))
        for (const url of urls) {
          const response = isApiPath(route.url)
            ? await ctx.app.inject({
                method: route.method as 'GET',
                url,
                headers: { authorization: `Bearer ${partner.token}` },
                payload: route.method === 'GET' ? undefined : {},
              })
            : route.method === 'GET'
              ? await partner.client.get(url)
              : await partner.client.post(url, {})
          calls++
          const label = `${route.method} ${url}`
          if (!allowedPaths.has(route.url)) expect([403, 404], label).toContain(response.statusCode)
          else if (route.url === '/partner/disclosures/:id' && !live.has(url.split('/').pop()!))
            expect(response.statusCode, label).toBe(404)
          for (const secret of secrets) expect(response.body, label).not.toContain(secret)
        }
      }
      expect(calls).toBeGreaterThan(500)
    },
  )
})

describe('read audit for a DPO', () => {
  it('answers who has seen a person’s address or immigration status, and why, and what went to an agency this quarter, as pages and CSV', async () => {
    const supervisor = new PageClient(ctx.app)
    await supervisor.signIn((await createUser(ctx, 'supervisor')).email)
    await supervisor.get(`/people/${victim}`)
    await supervisor.post(`/people/${victim}/immigration-status/view`, { purpose: 'Checking eligibility for support' })
    const dpo = new PageClient(ctx.app)
    await dpo.signIn((await createUser(ctx, 'auditor')).email)
    // The DPO finds the person by name or by a referral they are in, never needing a raw id.
    const byName = await dpo.get('/audit/person?q=Thao+Lindqvist&about=address&days=90')
    expect(byName.statusCode).toBe(200)
    expect(byName.body).toContain(`href="/audit/person?personId=${victim}&amp;about=address&amp;days=90"`)
    const byReference = await dpo.get(`/audit/person?q=${referral.reference.toLowerCase()}&about=address&days=90`)
    expect(byReference.body).toContain('Thảo Lindqvist')
    expect(byReference.body).toContain('Oskar Brannigan')
    expect(byReference.body).toContain(`personId=${victim}`)
    const unsent = await dpo.get('/audit/person?personId=nope&q=T')
    expect(unsent.statusCode).toBe(400)
    expect(unsent.body).toContain('<a href="#personId">Enter the person’s Lantern id, from their record')
    expect(unsent.body).toContain('<a href="#q">Enter a name, a date of birth, or a referral or live job reference')
    const phone = await dpo.get('/audit/person?q=07700900123')
    expect(phone.statusCode).toBe(400)
    expect(phone.body).toContain('Search by a name, a date of birth, or a referral or live job reference')
    const address = await dpo.get(`/audit/person?personId=${victim}&about=address&days=90`)
    expect(address.statusCode).toBe(200)
    expect(address.body).toContain('Viewed their record')
    expect(address.body).toContain('Test supervisor')
    const status = await dpo.get(`/audit/person?personId=${victim}&about=immigration-status&days=90&format=csv`)
    expect(status.headers['content-type']).toContain('text/csv')
    const lines = status.body.trim().split('\r\n')
    expect(lines[0]).toBe('When,Who,Role,What,Why,Via')
    expect(
      lines.some((l) => l.includes('Viewed immigration status') && l.includes('Checking eligibility for support')),
    ).toBe(true)
    expect(lines.some((l) => l.includes('Viewed their record'))).toBe(false)

    const quarter = `${new Date().getUTCFullYear()}-Q${Math.floor(new Date().getUTCMonth() / 3) + 1}`
    const csv = await dpo.get(`/audit/disclosures?agencyId=${childrens}&quarter=${quarter}&format=csv`)
    const rows = csv.body.trim().split('\r\n')
    expect(rows[0]).toBe('When,What,Who,Person,Person id,Fields,Purpose,Lawful basis,Agreement')
    // The name shared at once with the NRM decisions asked for, and the earlier share.
    expect(rows.filter((r) => r.includes('Disclosed to a partner')).length).toBe(2)
    expect(
      rows.filter((r) => r.includes('Approved a disclosure') && r.includes('NRM referral and decisions')).length,
    ).toBe(1)
    expect(rows.some((r) => r.includes('Revoked a disclosure') && r.includes('Meeting cancelled'))).toBe(true)
    expect(rows.some((r) => r.includes('Partner viewed the disclosure'))).toBe(true)
    const badQuarter = await dpo.get(`/audit/disclosures?agencyId=${childrens}&quarter=last`)
    expect(badQuarter.statusCode).toBe(400)
    expect(badQuarter.body).toContain('Enter a quarter like 2026-Q4')
    const badBoth = await dpo.get('/audit/disclosures?agencyId=nope&quarter=last')
    expect(badBoth.body).toContain('<a href="#quarter">Enter a quarter like 2026-Q4')
    expect(badBoth.body).toContain('<a href="#agencyId">Select an agency')
    expect((await dc.get(`/audit/person?personId=${victim}`)).statusCode).toBe(403)
    const read = await ctx.db.selectFrom('audit_events').select('details').where('action', '=', 'audit.read').execute()
    expect(read.length).toBeGreaterThanOrEqual(3)
  })
})

describe('a person’s disclosures, seen by someone outside a firewall', () => {
  it('does not tell a user without immigration-status:view (or without sight of the victim facet) that it was shared', async () => {
    await ds.get(`/people/${victim}/disclosures`)
    const made = await ds.post(`/people/${victim}/disclosures`, {
      agencyId: childrens,
      agreementId,
      purpose: 'Housing support referral',
      fields: ['name', 'immigration-status'],
      protectedBasis: 'Safeguarding: support eligibility',
      ...dateFields('expiresOn', daysFromToday(10)),
    })
    expect(made.statusCode).toBe(303)
    // The supervisor (who may see immigration status) is told what was shared.
    const supervisorView = await ds.get(`/people/${victim}/disclosures`)
    expect(supervisorView.body).toContain('Name and other names, Immigration status')

    // The officer works the victim side (so sees the victim facet) but may not see immigration status.
    const officerView = await dc.get(`/people/${victim}/disclosures`)
    expect(officerView.statusCode).toBe(200)
    expect(officerView.body).toContain('Housing support referral')
    expect(officerView.body).toContain('Name and other names, a protected field')
    expect(officerView.body).not.toMatch(/immigration status/i)
    expect(officerView.body).toContain('NRM referral and decisions')

    // Another officer, not working the victim side, may see neither protected field, nor which one was shared.
    const other = new PageClient(ctx.app)
    await other.signIn((await createUser(ctx, 'investigator')).email)
    const otherView = await other.get(`/people/${victim}/disclosures`)
    expect(otherView.statusCode).toBe(200)
    expect(otherView.body).not.toMatch(/immigration status/i)
    expect(otherView.body).not.toContain('NRM referral')
    expect(otherView.body).not.toContain('victim information')
    expect(otherView.body).toContain('Name and other names, a protected field')
  })
})

describe('what a disclosure carries', () => {
  it('carries only the subject’s own places and what was reported about them, never other people’s places or whole summaries', async () => {
    const supervisor = await createUser(ctx, 'supervisor')
    const actor = { userId: supervisor.id }
    const created = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/referrals',
        headers: { authorization: `Bearer ${dcToken}` },
        payload: {
          receivedAt: '2026-09-20',
          source: 'police',
          summary: 'Marta Okonjo-Reyes is kept in a safehouse by Dariusz Whitcombe and made to work at the car wash',
          exploitationTypes: ['labour'],
          people: [
            { names: ['Marta Okonjo-Reyes'], dateOfBirth: '2009-02-11', gender: 'female', role: 'potential-victim' },
            { names: ['Dariusz Whitcombe'], approximateAge: 38, gender: 'male', role: 'suspected-exploiter' },
          ],
          locations: [{ addressLine1: '14 Larch Close', postcode: 'LS6 2QT', premisesType: 'private-house' }],
        },
      })
    ).json() as { id: string; reference: string; people: { personId: string }[] }
    const [marta, dariusz] = created.people.map((p) => p.personId)
    await ctx.services.people.linkPlace(
      marta,
      {
        place: {
          addressLine1: '14 Larch Close',
          addressLine2: null,
          town: 'Leeds',
          postcode: 'LS6 2QT',
          description: null,
          premisesType: 'private-house',
        },
        relation: 'stays-at',
        source: 'Safeguarding',
        validFrom: null,
      },
      actor,
    )
    const carWash = await ctx.services.people.linkPlace(
      marta,
      {
        place: {
          addressLine1: '3 Tannery Yard',
          addressLine2: null,
          town: 'Leeds',
          postcode: null,
          description: null,
          premisesType: 'car-wash',
        },
        relation: 'exploited-at',
        source: 'Referral',
        validFrom: null,
      },
      actor,
    )
    const home = await ctx.services.people.linkPlace(
      dariusz,
      {
        place: {
          addressLine1: 'Flat 9 Gelderd Court',
          addressLine2: null,
          town: 'Leeds',
          postcode: null,
          description: null,
          premisesType: 'private-house',
        },
        relation: 'lives-at',
        source: 'PNC',
        validFrom: null,
      },
      actor,
    )
    // He runs the car wash she is exploited at: one place, linked to them both.
    await ctx.db
      .insertInto('entity_links')
      .values({
        id: '01900000-0000-7000-8000-0000000ca5e1',
        from_type: 'person',
        from_id: dariusz,
        to_type: 'location',
        to_id: carWash,
        relation: 'works-at',
        valid_from: null,
        valid_to: null,
        source: 'Companies House',
        case_id: null,
        referral_id: null,
        created_by: null,
      })
      .execute()
    const isa = await buildSharingAgreement(
      ctx,
      { actor: { userId: supervisorId } },
      {
        title: 'Exploiter disruption ISA',
        purposes: 'Disruption',
        allowedFields: ['name', 'address', 'referral-summary', 'exploitation-types'],
        startsOn: '2026-01-01',
        reviewOn: daysFromToday(100),
        endsOn: daysFromToday(200),
        agencyIds: [childrens],
      },
    )

    await dc.get(`/people/${dariusz}/disclosures`)
    const made = await dc.post(`/people/${dariusz}/disclosures`, {
      agencyId: childrens,
      agreementId: isa,
      purpose: 'Disruption of a suspected exploiter',
      fields: ['name', 'address', 'referral-summary', 'exploitation-types'],
      ...dateFields('expiresOn', daysFromToday(14)),
    })
    expect(made.statusCode).toBe(303)
    const disclosure = (
      await ctx.db.selectFrom('disclosures').select('id').where('person_id', '=', dariusz).executeTakeFirstOrThrow()
    ).id
    const partner = await partnerFor(childrens)
    const page = await partner.client.get(`/partner/disclosures/${disclosure}`)
    expect(page.statusCode).toBe(200)
    // His own places, each with how he is connected to it; what was reported about him, by his role in it.
    for (const own of [
      'Flat 9 Gelderd Court',
      'lives at',
      '3 Tannery Yard',
      'works at',
      'Suspected exploiter',
      '20 September 2026',
      'Labour exploitation',
    ])
      expect(page.body).toContain(own)
    // Not her safehouse (a place of the referral, and hers), not her name; what was reported only redacted to him.
    for (const hers of ['Larch Close', 'LS6 2QT', 'Marta', 'Okonjo', created.reference])
      expect(page.body).not.toContain(hers)
    expect(page.body).toContain(
      '[another person’s name withheld] is kept in a safehouse by Dariusz Whitcombe and made to work at the car wash',
    )

    // Each disclosure records the records it carried, by id, when made and each time the partner reads it.
    for (const action of ['disclosure.made', 'disclosure.viewed']) {
      const row = await ctx.db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', action)
        .where('subject_id', '=', dariusz)
        .executeTakeFirstOrThrow()
      const records = (row.details as { records: { locations: string[]; referrals: string[] } }).records
      expect([...records.locations].sort(), action).toEqual([carWash, home].sort())
      expect(records.referrals, action).toEqual([created.id])
    }

    // The DPO asking who has seen her addresses is told the disclosure (about him) carried one of them.
    const dpo = new PageClient(ctx.app)
    await dpo.signIn((await createUser(ctx, 'auditor')).email)
    const report = await dpo.get(`/audit/person?personId=${marta}&about=address&days=90&format=csv`)
    const lines = report.body.trim().split('\r\n')
    expect(
      lines.some(
        (l) =>
          l.includes('Disclosed to a partner (another person’s record, carrying this place)') &&
          l.includes('Disruption of a suspected exploiter'),
      ),
    ).toBe(true)
    expect(lines.some((l) => l.includes('Partner viewed the disclosure'))).toBe(true)
  })

  it('lists in a victim’s address report a disclosure made before records were kept that carried her referral’s places', async () => {
    // Before each disclosure recorded what it carried, a suspect's "address" carried every place of every referral
    // he was named in. The Quarry Hill nail bar is on the referral naming Thảo and Oskar.
    const oskar = referral.people[1].personId
    await ctx.db.transaction().execute((trx) =>
      appendAuditEvents(trx, { userId: null }, [
        {
          action: 'disclosure.made',
          subjectType: 'person',
          subjectId: oskar,
          justification: 'Legacy address share',
          details: { disclosureId: '01900000-0000-7000-8000-0000000001e9', agencyId: childrens, fields: ['address'] },
        },
      ]),
    )
    const dpo = new PageClient(ctx.app)
    await dpo.signIn((await createUser(ctx, 'auditor')).email)
    const report = await dpo.get(`/audit/person?personId=${victim}&about=address&days=90&format=csv`)
    expect(report.body).toContain('Legacy address share')
  })
})
