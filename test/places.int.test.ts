import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildApiUser,
  buildLiveJob,
  buildPerson,
  buildReferral,
  buildUser,
  signedInPages,
  type BuiltUser,
} from './support/builders.ts'
import { createTestContext, PageClient, type TestContext } from './support/test-app.ts'

/**
 * Places and businesses as shared records (issue 16, section 3): one address is one place however many referrals
 * record it, recording a place offers the ones already known, a business is found by part of its name, and a
 * place or business recorded twice is merged, reversibly.
 */
let ctx: TestContext
let officer: BuiltUser & { token: string }
let supervisor: BuiltUser & { token: string }
let officerPages: PageClient
let supervisorPages: PageClient

const MILL_ROAD = {
  addressLine1: '12 Mill Road',
  town: 'Northampton',
  postcode: 'NN2 6AB',
  premisesType: 'private-house' as const,
}

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await buildApiUser(ctx, 'investigator')
  supervisor = await buildApiUser(ctx, 'supervisor')
  officerPages = new PageClient(ctx.app)
  await officerPages.signIn(officer.email)
  supervisorPages = new PageClient(ctx.app)
  await supervisorPages.signIn(supervisor.email)
})

afterAll(async () => {
  await ctx.close()
})

async function placesAt(postcode: string) {
  return ctx.db.selectFrom('locations').select(['id', 'address_line_1']).where('postcode', '=', postcode).execute()
}

describe('one place is one record', () => {
  it('five referrals at "12 Mill Road, NN2 6AB", typed five ways, make one place with five referrals on it', async () => {
    const typings = ['12 Mill Road', '12 MILL ROAD', '12, Mill Road', '12 mill road', '12 Mill Road']
    const postcodes = ['NN2 6AB', 'nn2 6ab', 'NN26AB', 'NN2 6AB', 'nn26ab']
    const references: string[] = []
    for (let i = 0; i < 5; i++) {
      const referral = await buildReferral(ctx, officer, {
        locations: [{ ...MILL_ROAD, addressLine1: typings[i], postcode: postcodes[i] }],
        people: [{ names: [`Worker ${i}`], role: 'potential-victim', gender: 'male' }],
      })
      references.push(referral.reference)
    }
    const places = await placesAt('NN2 6AB')
    expect(places).toHaveLength(1)
    const links = await ctx.db
      .selectFrom('referral_locations')
      .select('referral_id')
      .where('location_id', '=', places[0].id)
      .execute()
    expect(links).toHaveLength(5)

    // The place's page lists every referral that records it.
    const page = await officerPages.get(`/places/${places[0].id}`)
    expect(page.statusCode).toBe(200)
    for (const reference of references) expect(page.body).toContain(reference)
  })

  it('the same address twice in one referral is one place on it', async () => {
    const referral = await buildReferral(ctx, officer, {
      locations: [
        { ...MILL_ROAD, addressLine1: '3 Quarry Lane', postcode: 'NN3 1AA' },
        { ...MILL_ROAD, addressLine1: '3 quarry lane', postcode: 'NN3 1AA' },
      ],
    })
    const rows = await ctx.db
      .selectFrom('referral_locations')
      .select('location_id')
      .where('referral_id', '=', referral.id)
      .execute()
    expect(rows).toHaveLength(1)
  })

  it('recording a place on a person offers the places at that postcode, and the one chosen is linked, not copied', async () => {
    const personId = (
      await buildReferral(ctx, officer, { people: [{ names: ['Ion Popescu'], role: 'potential-victim' }] })
    ).people[0].personId
    await officerPages.get(`/people/${personId}`)
    const form = {
      addressLine1: '12 Mill Rd',
      town: '',
      postcode: 'NN2 6AB',
      premisesType: 'private-house',
      placeRelation: 'lives-at',
      placeSource: 'victim account',
    }
    const offered = await officerPages.post(`/people/${personId}/places`, form)
    expect(offered.statusCode).toBe(200)
    expect(offered.body).toContain('Is it one of the places already recorded at this postcode?')
    expect(offered.body).toContain('12 Mill Road')
    const [mill] = await placesAt('NN2 6AB')

    // A choice that is not one of the places offered is refused with the error summary.
    const bad = await officerPages.post(`/people/${personId}/places`, {
      ...form,
      placeChoice: '01900000-0000-7000-8000-000000000000',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')

    const chosen = await officerPages.post(`/people/${personId}/places`, { ...form, placeChoice: mill.id })
    expect(chosen.statusCode).toBe(303)
    expect(await placesAt('NN2 6AB')).toHaveLength(1)
    const link = await ctx.db
      .selectFrom('entity_links')
      .select('to_id')
      .where('from_id', '=', personId)
      .where('to_type', '=', 'location')
      .executeTakeFirstOrThrow()
    expect(link.to_id).toBe(mill.id)

    // "A different place" records a new one.
    const other = await officerPages.post(`/people/${personId}/places`, {
      ...form,
      addressLine1: 'Flat 2, 12 Mill Road',
      placeChoice: 'new',
    })
    expect(other.statusCode).toBe(303)
    expect(await placesAt('NN2 6AB')).toHaveLength(2)
  })

  it('the API links an address already recorded instead of copying it', async () => {
    const personId = (
      await buildReferral(ctx, officer, { people: [{ names: ['Api Person'], role: 'potential-victim' }] })
    ).people[0].personId
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${personId}/locations`,
      headers: { authorization: `Bearer ${officer.token}` },
      payload: { place: { ...MILL_ROAD, addressLine1: '12 mill road' }, relation: 'works-at', source: 'test' },
    })
    expect(response.statusCode, response.body).toBe(201)
    const mill = (await placesAt('NN2 6AB')).find((p) => p.address_line_1 === '12 Mill Road')!
    expect(response.json().locationId).toBe(mill.id)
  })

  it('a referral sent to the API says which place an address is, or that it is a different one, and a hidden or unknown place is refused', async () => {
    const [mill] = (await placesAt('NN2 6AB')).filter((p) => p.address_line_1 === '12 Mill Road')
    const post = (locations: object[]) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/referrals',
        headers: { authorization: `Bearer ${officer.token}` },
        payload: { receivedAt: '2026-06-02', source: 'police', summary: 'Seen at the house', locations },
      })
    const same = await post([{ ...MILL_ROAD, addressLine1: 'Rear of 12 Mill Rd', samePlaceAs: mill.id }])
    expect(same.statusCode).toBe(201)
    const separate = await post([{ ...MILL_ROAD, addressLine1: '12 MILL ROAD', separatePlace: true }])
    expect(separate.statusCode).toBe(201)
    const placesOf = async (id: string) =>
      (await ctx.db.selectFrom('referral_locations').select('location_id').where('referral_id', '=', id).execute()).map(
        (r) => r.location_id,
      )
    expect(await placesOf(same.json().id)).toEqual([mill.id])
    expect(await placesOf(separate.json().id)).not.toContain(mill.id)
    const unknown = await post([{ ...MILL_ROAD, samePlaceAs: '00000000-0000-7000-8000-000000000000' }])
    expect(unknown.statusCode).toBe(400)
    expect(unknown.headers['content-type']).toContain('application/problem+json')
  })

  it('records an estimate of people at the premises not yet identified, and refuses a count that is not a number', async () => {
    const [mill] = (await placesAt('NN2 6AB')).filter((p) => p.address_line_1 === '12 Mill Road')
    await officerPages.get(`/places/${mill.id}`)
    const bad = await officerPages.post(`/places/${mill.id}/unknown-others`, { unknownCount: 'about eight' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter how many people, as a whole number from 1 to 10,000')
    const saved = await officerPages.post(`/places/${mill.id}/unknown-others`, {
      unknownCount: '8',
      unknownNote: 'about 8 men sleeping on site',
    })
    expect(saved.statusCode).toBe(303)
    const page = await officerPages.get(`/places/${mill.id}`)
    expect(page.body).toContain('About 8 people not yet identified')
    expect(page.body).toContain('about 8 men sleeping on site')
  })

  it('merges a place recorded twice into the other and undoes it, with a reason each way', async () => {
    const a = await buildReferral(ctx, officer, {
      locations: [{ ...MILL_ROAD, addressLine1: 'Unit 4, Riverside Estate', postcode: 'NN5 7QP' }],
    })
    const b = await buildReferral(ctx, officer, {
      locations: [{ ...MILL_ROAD, addressLine1: 'Riverside Ind Est unit 4', postcode: 'NN5 7QP' }],
    })
    const [first, second] = await Promise.all(
      [a, b].map((r) =>
        ctx.db
          .selectFrom('referral_locations')
          .select('location_id')
          .where('referral_id', '=', r.id)
          .executeTakeFirstOrThrow(),
      ),
    )
    const page = await supervisorPages.get(`/places/${first.location_id}`)
    expect(page.body).toContain('Merge a copy of this place')
    // Someone whose role does not review duplicates cannot merge.
    const pcso = await buildUser(ctx, 'pcso')
    const pcsoPages = new PageClient(ctx.app)
    await pcsoPages.signIn(pcso.email)
    await pcsoPages.get(`/places/${first.location_id}`)
    const refused = await pcsoPages.post(`/places/${first.location_id}/merge`, {
      mergedId: second.location_id,
      reason: 'same unit',
    })
    expect(refused.statusCode).toBe(403)
    const noReason = await supervisorPages.post(`/places/${first.location_id}/merge`, {
      mergedId: second.location_id,
      reason: '',
    })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Say why they are the same')
    const merged = await supervisorPages.post(`/places/${first.location_id}/merge`, {
      mergedId: second.location_id,
      reason: 'Same unit, typed differently by two referrers',
    })
    expect(merged.statusCode).toBe(303)
    const survivor = await supervisorPages.get(`/places/${first.location_id}`)
    expect(survivor.body).toContain(a.reference)
    expect(survivor.body).toContain(b.reference)
    const copy = await supervisorPages.get(`/places/${second.location_id}`)
    expect(copy.body).toContain('merged into')

    const undone = await supervisorPages.post(`/places/${second.location_id}/unmerge`, {
      reason: 'Different units after all',
    })
    expect(undone.statusCode).toBe(303)
    const row = await ctx.db
      .selectFrom('locations')
      .select('merged_into')
      .where('id', '=', second.location_id)
      .executeTakeFirstOrThrow()
    expect(row.merged_into).toBeNull()
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', 'in', [first.location_id, second.location_id])
      .where('action', 'in', ['place.merged', 'place.unmerged'])
      .execute()
    expect(audit.map((r) => r.action).sort()).toEqual(['place.merged', 'place.unmerged'])
  })
})

describe('businesses', () => {
  let sparkle: string

  it('records a business, and "Sparkle" finds "Sparkle hand car wash"', async () => {
    await officerPages.get('/businesses')
    const missing = await officerPages.post('/businesses', { businessName: '', businessKind: '' })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Enter the business’s name')
    const created = await officerPages.post('/businesses', {
      businessName: 'Sparkle hand car wash',
      businessKind: 'car-wash',
    })
    expect(created.statusCode).toBe(303)
    sparkle = String(created.headers.location).split('/').pop()!
    const found = await officerPages.get('/businesses?q=Sparkle')
    expect(found.body).toContain(`<a class="govuk-link" href="/businesses/${sparkle}">Sparkle hand car wash</a>`)
    const notFound = await officerPages.get('/businesses?q=Nailz')
    expect(notFound.body).not.toContain(`href="/businesses/${sparkle}"`)
    expect(notFound.body).toContain('No business matches ‘Nailz’')
  })

  it('recording it again offers the one already recorded instead of a copy', async () => {
    const offered = await officerPages.post('/businesses', {
      businessName: 'Sparkle Car Wash',
      businessKind: 'car-wash',
    })
    expect(offered.statusCode).toBe(200)
    expect(offered.body).toContain('Is it one of the businesses already recorded?')
    const chosen = await officerPages.post('/businesses', {
      businessName: 'Sparkle Car Wash',
      businessKind: 'car-wash',
      businessChoice: sparkle,
    })
    expect(chosen.headers.location).toBe(`/businesses/${sparkle}`)
    const count = await ctx.db.selectFrom('businesses').select('id').execute()
    expect(count).toHaveLength(1)
  })

  it('has premises (the place already recorded) and is linked across referrals and live jobs by reference', async () => {
    await officerPages.get(`/businesses/${sparkle}`)
    const premises = await officerPages.post(`/businesses/${sparkle}/premises`, {
      addressLine1: '12 Mill Road',
      postcode: 'NN2 6AB',
      premisesType: 'car-wash',
    })
    expect(premises.statusCode).toBe(303)
    expect((await placesAt('NN2 6AB')).filter((p) => p.address_line_1 === '12 Mill Road')).toHaveLength(1)
    const referral = await buildReferral(ctx, officer)
    const job = await buildLiveJob(ctx, supervisor)
    const badRef = await officerPages.post(`/businesses/${sparkle}/links`, {
      reference: 'REF-1999-9',
      relation: 'named',
    })
    expect(badRef.statusCode).toBe(400)
    expect(badRef.body).toContain('Enter the reference of a referral or live job')
    for (const reference of [referral.reference, job.reference]) {
      const linked = await officerPages.post(`/businesses/${sparkle}/links`, { reference, relation: 'employer' })
      expect(linked.statusCode).toBe(303)
    }
    const page = await officerPages.get(`/businesses/${sparkle}`)
    expect(page.body).toContain('12 Mill Road')
    expect(page.body).toContain(referral.reference)
    expect(page.body).toContain(job.reference)
    // The place shows the business at it.
    const [mill] = (await placesAt('NN2 6AB')).filter((p) => p.address_line_1 === '12 Mill Road')
    expect((await officerPages.get(`/places/${mill.id}`)).body).toContain('Sparkle hand car wash')
  })

  it('merges a business recorded twice and undoes it', async () => {
    const copy = await officerPages.post('/businesses', {
      businessName: 'Sparkle Hand Carwash',
      businessKind: 'car-wash',
      businessChoice: 'new',
    })
    const copyId = String(copy.headers.location).split('/').pop()!
    await supervisorPages.get(`/businesses/${sparkle}`)
    const merged = await supervisorPages.post(`/businesses/${sparkle}/merge`, {
      mergedId: copyId,
      reason: 'Same car wash',
    })
    expect(merged.statusCode).toBe(303)
    expect((await supervisorPages.get('/businesses?q=Sparkle')).body).not.toContain(`/businesses/${copyId}"`)
    expect((await supervisorPages.get(`/businesses/${copyId}`)).body).toContain('merged into')
    const undone = await supervisorPages.post(`/businesses/${copyId}/unmerge`, { reason: 'Two different sites' })
    expect(undone.statusCode).toBe(303)
    expect((await supervisorPages.get('/businesses?q=Sparkle')).body).toContain(`/businesses/${copyId}"`)
  })

  it('a business known only inside a restricted live job is not found by those outside it', async () => {
    const job = await buildLiveJob(ctx, supervisor, { title: 'Operation Quiet' })
    await ctx.services.cases.update(job.id, { restricted: true }, supervisor.current, supervisor.actor)
    const created = await supervisorPages.post('/businesses', {
      businessName: 'Hidden Nails',
      businessKind: 'nail-bar',
      businessChoice: 'new',
    })
    const hiddenId = String(created.headers.location).split('/').pop()!
    await supervisorPages.get(`/businesses/${hiddenId}`)
    await supervisorPages.post(`/businesses/${hiddenId}/links`, { reference: job.reference, relation: 'named' })
    const outsider = await buildUser(ctx, 'investigator')
    const pages = new PageClient(ctx.app)
    await pages.signIn(outsider.email)
    expect((await pages.get(`/businesses/${hiddenId}`)).statusCode).toBe(404)
    expect((await pages.get('/businesses?q=Hidden')).body).not.toContain('Hidden Nails')
  })
})

describe('businesses linked where the work happens', () => {
  it('a referral, a live job and a person each link a business found by name, or record one after the check question', async () => {
    const found = await ctx.services.places.createBusiness(
      { name: 'Glitter hand car wash', kind: 'car-wash', notes: null, confirmedNew: true },
      officer.current,
      officer.actor,
    )
    const glitter = 'id' in found ? found.id : ''
    const referral = await buildReferral(ctx, officer)
    const job = await buildLiveJob(ctx, supervisor)
    const person = await buildPerson(ctx, officer, { names: ['Dritan Example'] })
    const targets = [
      { base: `/referrals/${referral.id}`, pages: officerPages },
      { base: `/cases/${job.id}`, pages: supervisorPages },
      { base: `/people/${person}`, pages: officerPages },
    ]
    for (const { base, pages } of targets) {
      const record = await pages.get(base)
      expect(record.body).toContain(`href="${base}/businesses/link"`)
      const form = await pages.get(`${base}/businesses/link`)
      // A person's form asks from the person's side, as their page lists the link afterwards.
      if (base.startsWith('/people/')) {
        expect(form.body).toContain('Works or worked here')
        expect(form.body).not.toContain('Employer of a victim')
      } else expect(form.body).toContain('Employer of a victim')
      // Nothing typed: the error summary, nothing linked.
      const empty = await pages.post(`${base}/businesses/link`, { businessName: '', relation: '' })
      expect(empty.statusCode).toBe(400)
      expect(empty.body).toContain('There is a problem')
      expect(empty.body).toContain('Enter the business’s name')
      expect(empty.body).toContain('Select how the business is connected')
      // "Glitter" finds "Glitter hand car wash": asked whether it is that one, with what was typed kept.
      const asked = await pages.post(`${base}/businesses/link`, { businessName: 'Glitter', relation: 'employer' })
      expect(asked.statusCode).toBe(200)
      expect(asked.body).toContain('Is it one of the businesses already recorded?')
      expect(asked.body).toContain('Glitter hand car wash (Car wash)')
      expect(asked.body).toContain('value="Glitter"')
      // Not answered: asked again, with an error.
      const unanswered = await pages.post(`${base}/businesses/link`, {
        businessName: 'Glitter',
        relation: 'employer',
        searched: 'Glitter',
      })
      expect(unanswered.statusCode).toBe(400)
      expect(unanswered.body).toContain('Select the business, or say it is a different one')
      const linked = await pages.post(`${base}/businesses/link`, {
        businessName: 'Glitter',
        relation: 'employer',
        searched: 'Glitter',
        businessChoice: glitter,
      })
      expect(linked.statusCode).toBe(303)
      expect(linked.headers.location).toBe(`${base}#businesses`)
      const after = await pages.get(base)
      expect(after.body).toContain(`<a class="govuk-link" href="/businesses/${glitter}">Glitter hand car wash</a>`)
    }
    const business = await officerPages.get(`/businesses/${glitter}`)
    expect(business.body).toContain(referral.reference)
    expect(business.body).toContain(job.reference)
    expect(business.body).toContain('Dritan Example')
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'business.linked')
      .where('subject_id', '=', glitter)
      .execute()
    expect(audit.map((a) => Object.keys(a.details as object).sort()[0]).sort()).toEqual([
      'caseId',
      'personId',
      'referralId',
    ])

    // A business no one has recorded: asked its kind (kept on error), then recorded once and linked.
    const base = `/referrals/${referral.id}`
    const fresh = await officerPages.post(`${base}/businesses/link`, {
      businessName: 'Zephyr Packing',
      relation: 'exploitation-site',
    })
    expect(fresh.body).toContain('No business with a name like ‘Zephyr Packing’ is recorded yet')
    const noKind = await officerPages.post(`${base}/businesses/link`, {
      businessName: 'Zephyr Packing',
      relation: 'exploitation-site',
      searched: 'Zephyr Packing',
      businessChoice: 'new',
      businessKind: '',
    })
    expect(noKind.statusCode).toBe(400)
    expect(noKind.body).toContain('Select what kind of business it is')
    expect(noKind.body).toContain('value="Zephyr Packing"')
    const recorded = await officerPages.post(`${base}/businesses/link`, {
      businessName: 'Zephyr Packing',
      relation: 'exploitation-site',
      searched: 'Zephyr Packing',
      businessChoice: 'new',
      businessKind: 'food-processing',
    })
    expect(recorded.statusCode).toBe(303)
    const zephyr = await ctx.db.selectFrom('businesses').select('id').where('name', '=', 'Zephyr Packing').execute()
    expect(zephyr).toHaveLength(1)
    expect((await officerPages.get(base)).body).toContain('Zephyr Packing</a> (where exploitation happened)')
  })

  it('a restricted live job outsiders cannot see cannot be linked by them, the same as a job that does not exist', async () => {
    const job = await buildLiveJob(ctx, supervisor, { title: 'Operation Lattice' })
    await ctx.services.cases.update(job.id, { restricted: true }, supervisor.current, supervisor.actor)
    const outsider = await buildUser(ctx, 'investigator')
    const pages = new PageClient(ctx.app)
    await pages.signIn(outsider.email)
    expect((await pages.get(`/cases/${job.id}/businesses/link`)).statusCode).toBe(404)
    await pages.get('/businesses')
    const post = await pages.post(`/cases/${job.id}/businesses/link`, { businessName: 'Anything', relation: 'named' })
    expect(post.statusCode).toBe(404)
    const links = await ctx.db.selectFrom('business_links').select('id').where('case_id', '=', job.id).execute()
    expect(links).toHaveLength(0)
  })
})

describe('hidden restricted links stay off the place and business API', () => {
  it('a restricted live job at a place and named with a business, and its people, are seen by its team and by nobody else', async () => {
    // A place and a business everyone may see: a referral records both.
    const seen = await buildReferral(ctx, officer, {
      locations: [{ addressLine1: 'Unit 9, Harbour Works', postcode: 'NN5 7QD', premisesType: 'factory-textile' }],
    })
    const placeId = (
      await ctx.db
        .selectFrom('referral_locations')
        .select('location_id')
        .where('referral_id', '=', seen.id)
        .executeTakeFirstOrThrow()
    ).location_id
    const business = (await ctx.services.places.createBusiness(
      { name: 'Harbour Works Packing', kind: 'textile-factory', notes: null, confirmedNew: true },
      officer.current,
      officer.actor,
    )) as { id: string }
    await ctx.services.places.linkByReference(
      business.id,
      { reference: seen.reference, relation: 'employer' },
      officer.current,
      officer.actor,
    )
    // A restricted job worked by its own officer: the same place, cuckooed, with an occupant only the job knows,
    // and the business named in it and linked to that occupant.
    const team = await buildApiUser(ctx, 'investigator')
    const job = await buildLiveJob(ctx, team, { title: 'Operation Kestrel Quay' })
    await ctx.services.cases.update(job.id, { restricted: true }, supervisor.current, supervisor.actor)
    await ctx.services.cases.addCuckooedAddress(
      job.id,
      {
        addressLine1: 'Unit 9, Harbour Works',
        town: null,
        postcode: 'NN5 7QD',
        occupantName: 'Perpetua Quillfeather',
        vulnerability: 'Learning disability',
      },
      team.current,
      team.actor,
    )
    const occupant = (
      await ctx.db
        .selectFrom('case_people')
        .select('person_id')
        .where('case_id', '=', job.id)
        .where('role', '=', 'potential-victim')
        .execute()
    ).map((p) => p.person_id)
    expect(occupant).toHaveLength(1)
    await ctx.services.places.linkByReference(
      business.id,
      { reference: job.reference, relation: 'exploitation-site' },
      team.current,
      team.actor,
    )
    const linked = await ctx.services.places.linkTo(
      { type: 'person', id: occupant[0] },
      { name: 'Harbour Works Packing', relation: 'employer', choice: business.id, kind: null },
      team.current,
      team.actor,
    )
    expect(linked).toEqual({ linked: { id: business.id, created: false } })
    // The place is still one record: the job linked the referral's place, not a copy.
    expect(
      (await ctx.db.selectFrom('case_locations').select('location_id').where('case_id', '=', job.id).execute()).map(
        (l) => l.location_id,
      ),
    ).toContain(placeId)

    const get = (url: string, token: string) =>
      ctx.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
    const outsider = await buildApiUser(ctx, 'investigator')
    const hidden = [job.reference, 'Kestrel Quay', 'Perpetua', 'Quillfeather', occupant[0], 'Learning disability']

    const place = await get(`/api/v1/places/${placeId}`, outsider.token)
    expect(place.statusCode).toBe(200)
    expect(place.json()).toMatchObject({ referrals: [{ reference: seen.reference }], cases: [], links: [] })
    // Nothing the restricted job recorded: not even that it marked the place cuckooed.
    expect(place.json().cuckooed).toBe(false)
    for (const text of hidden) expect(place.body).not.toContain(text)

    const firm = await get(`/api/v1/businesses/${business.id}`, outsider.token)
    expect(firm.statusCode).toBe(200)
    expect(firm.json()).toMatchObject({ referrals: [{ reference: seen.reference }], cases: [], people: [] })
    for (const text of hidden) expect(firm.body).not.toContain(text)

    // The job's team sees all of it, through the same routes.
    const teamPlace = (await get(`/api/v1/places/${placeId}`, team.token)).json()
    expect(teamPlace.cases).toEqual([{ id: job.id, reference: job.reference, title: 'Operation Kestrel Quay' }])
    expect(teamPlace.cuckooed).toBe(true)
    expect(teamPlace.links).toContainEqual(
      expect.objectContaining({ otherId: occupant[0], name: 'Perpetua Quillfeather', relation: 'occupant' }),
    )
    const teamFirm = (await get(`/api/v1/businesses/${business.id}`, team.token)).json()
    expect(teamFirm.cases).toEqual([
      { id: job.id, reference: job.reference, title: 'Operation Kestrel Quay', relation: 'exploitation-site' },
    ])
    expect(teamFirm.people).toEqual([{ id: occupant[0], name: 'Perpetua Quillfeather', relation: 'employer' }])
    // A supervisor sees every restricted job.
    expect((await get(`/api/v1/businesses/${business.id}`, supervisor.token)).json().cases).toHaveLength(1)

    // A neighbour recorded outside the job, who lives at the place: his page lists the place, and says it is
    // cuckooed only to those who may see the job that found it.
    const neighbour = await buildPerson(ctx, officer, { names: ['Dunstan Mearsley'] })
    await ctx.services.people.linkPlace(
      neighbour,
      {
        place: {
          addressLine1: 'Unit 9, Harbour Works',
          addressLine2: null,
          town: null,
          postcode: 'NN5 7QD',
          description: null,
          premisesType: 'factory-textile',
        },
        relation: 'lives-at',
        source: 'Council tax record',
        validFrom: null,
        existingPlaceId: placeId,
        user: officer.current,
      },
      officer.actor,
    )
    const personPage = async (user: BuiltUser) => (await signedInPages(ctx, user)).get(`/people/${neighbour}`)
    const outsiderPage = await personPage(await buildUser(ctx, 'investigator'))
    expect(outsiderPage.statusCode).toBe(200)
    expect(outsiderPage.body).toContain('Unit 9, Harbour Works')
    expect(outsiderPage.body).not.toContain('(cuckooed)')
    expect((await personPage(team)).body).toContain('Unit 9, Harbour Works, NN5 7QD (cuckooed)')
  })
})

describe('a live job asks "Is this the same place?"', () => {
  it('offers the places recorded elsewhere at the postcode of a cuckooed address: yes links it, no records a new one, no answer is an error that keeps what was typed', async () => {
    const seen = await buildReferral(ctx, officer, {
      locations: [{ addressLine1: '7 Canal Street', postcode: 'NN3 8TT', premisesType: 'private-house' }],
    })
    const canal = (
      await ctx.db
        .selectFrom('referral_locations')
        .select('location_id')
        .where('referral_id', '=', seen.id)
        .executeTakeFirstOrThrow()
    ).location_id
    const job = await buildLiveJob(ctx, supervisor, { title: 'Operation Towpath', kind: 'county-lines' })
    const url = `/cases/${job.id}`
    const onJob = async () =>
      (await ctx.db.selectFrom('case_locations').select('location_id').where('case_id', '=', job.id).execute()).map(
        (l) => l.location_id,
      )
    await supervisorPages.get(url)
    const typed = {
      addressLine1: 'Flat 1, 7 Canal Street',
      town: '',
      cuckooPostcode: 'nn3 8tt',
      occupantName: 'Wilf Harrow',
      vulnerability: 'Alcohol dependency',
    }
    const asked = await supervisorPages.post(`${url}/cuckooed-addresses`, typed)
    expect(asked.statusCode).toBe(200)
    expect(asked.body).toContain('Is this the same place?')
    expect(asked.body).toContain(`value="${canal}"`)
    expect(asked.body).toContain('Yes, 7 Canal Street, NN3 8TT')
    expect(asked.body).toContain('No, it is a different place')
    expect(asked.body).toContain('value="Flat 1, 7 Canal Street"')
    const checked = /name="checked" value="([^"]+)"/.exec(asked.body)![1]
    expect(await placesAt('NN3 8TT')).toHaveLength(1)

    // No answer: the error summary, and what was typed kept.
    const unanswered = await supervisorPages.post(`${url}/cuckooed-addresses`, { ...typed, checked })
    expect(unanswered.statusCode).toBe(400)
    expect(unanswered.body).toContain('<a href="#samePlace">Select whether this is the same place</a>')
    expect(unanswered.body).toContain('value="Wilf Harrow"')
    expect(unanswered.body).toContain('value="Flat 1, 7 Canal Street"')
    // A place that was not offered is refused the same way.
    const guessed = await supervisorPages.post(`${url}/cuckooed-addresses`, {
      ...typed,
      checked,
      samePlace: '01900000-0000-7000-8000-000000000000',
    })
    expect(guessed.statusCode).toBe(400)
    expect(guessed.body).toContain('<a href="#samePlace">Select whether this is the same place</a>')
    expect(await onJob()).not.toContain(canal)

    // Yes: the place already recorded is linked to the job and marked cuckooed; no copy.
    const yes = await supervisorPages.post(`${url}/cuckooed-addresses`, { ...typed, checked, samePlace: canal })
    expect(yes.statusCode).toBe(303)
    expect(await placesAt('NN3 8TT')).toHaveLength(1)
    expect(await onJob()).toContain(canal)
    expect(
      (await ctx.db.selectFrom('locations').select('cuckooed').where('id', '=', canal).executeTakeFirstOrThrow())
        .cuckooed,
    ).toBe(true)

    // The same address again is on the job now: nothing to ask, the job's place is used.
    await supervisorPages.get(url)
    const again = await supervisorPages.post(`${url}/cuckooed-addresses`, {
      ...typed,
      addressLine1: '7 Canal Street',
      occupantName: 'Rosa Harrow',
    })
    expect(again.statusCode).toBe(303)
    expect(await placesAt('NN3 8TT')).toHaveLength(1)

    // A place on the job is not offered again: a new address at the postcode is recorded as it is typed.
    // On another job, where 7 Canal Street is not yet: no, a different place, recorded as a new one.
    const job2 = await buildLiveJob(ctx, supervisor, { title: 'Operation Lock Keeper', kind: 'county-lines' })
    await supervisorPages.get(`/cases/${job2.id}`)
    const other = { ...typed, addressLine1: 'Flat 2, 9 Canal Street', occupantName: 'Ivor Pike' }
    const askedAgain = await supervisorPages.post(`/cases/${job2.id}/cuckooed-addresses`, other)
    expect(askedAgain.body).toContain('Is this the same place?')
    expect(askedAgain.body).toContain(`value="${canal}"`)
    const no = await supervisorPages.post(`/cases/${job2.id}/cuckooed-addresses`, {
      ...other,
      checked: /name="checked" value="([^"]+)"/.exec(askedAgain.body)![1],
      samePlace: 'new',
    })
    expect(no.statusCode).toBe(303)
    const places = await placesAt('NN3 8TT')
    expect(places.map((p) => p.address_line_1).sort()).toEqual(['7 Canal Street', 'Flat 2, 9 Canal Street'])
    const flat2 = places.find((p) => p.address_line_1 === 'Flat 2, 9 Canal Street')!.id
    expect(
      (await ctx.db.selectFrom('case_locations').select('location_id').where('case_id', '=', job2.id).execute()).map(
        (l) => l.location_id,
      ),
    ).toEqual([flat2])
    // Each answer is audited with the change it made, in its transaction.
    const audits = await ctx.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'case.updated')
      .where('subject_id', 'in', [job.id, job2.id])
      .execute()
    expect(audits.map((a) => (a.details as { locationId?: string }).locationId)).toEqual(
      expect.arrayContaining([canal, flat2]),
    )
  })

  it('shows the total of its places’ estimates of people not yet identified on the job, its API and the prompts raised in it', async () => {
    const job = await buildLiveJob(ctx, supervisor, { title: 'Operation Lock Gate', kind: 'county-lines' })
    const cuckoo = (addressLine1: string, occupantName: string) =>
      ctx.services.cases.addCuckooedAddress(
        job.id,
        { addressLine1, town: null, postcode: 'NN3 9UU', occupantName, vulnerability: 'Learning disability' },
        supervisor.current,
        supervisor.actor,
      )
    await cuckoo('3 Wharf Lane', 'Dora Pike')
    await cuckoo('5 Wharf Lane', 'Ezra Pike')
    // A second occupant at the first address: a prompt raised in the job about the others there.
    await cuckoo('3 Wharf Lane', 'Fern Pike')
    const [three, five] = await ctx.db
      .selectFrom('locations')
      .select('id')
      .where('postcode', '=', 'NN3 9UU')
      .orderBy('address_line_1')
      .execute()
    const get = (path: string) =>
      ctx.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${supervisor.token}` } })
    expect((await get(`/api/v1/cases/${job.id}`)).json().unknownOthers).toBeNull()

    for (const [id, count] of [
      [three.id, 5],
      [five.id, 3],
    ] as const)
      await ctx.services.places.recordUnknownOthers(
        id,
        { count, note: null, on: null },
        supervisor.current,
        supervisor.actor,
      )
    const api = (await get(`/api/v1/cases/${job.id}`)).json()
    expect(api.unknownOthers).toEqual({ count: 8, places: 2, text: 'About 8 people not yet identified at 2 places' })
    expect(api.places).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: three.id, unknownOthers: 5 }),
        expect.objectContaining({ id: five.id, unknownOthers: 3 }),
      ]),
    )
    expect((await supervisorPages.get(`/cases/${job.id}`)).body).toContain(
      'About 8 people not yet identified at 2 places',
    )
    const prompt = await ctx.db
      .selectFrom('safeguarding_prompts')
      .select('id')
      .where('case_id', '=', job.id)
      .executeTakeFirstOrThrow()
    expect((await get(`/api/v1/safeguarding-prompts/${prompt.id}`)).json().jobUnknownOthers).toEqual({
      count: 8,
      places: 2,
      text: 'About 8 people not yet identified at 2 places',
    })
    expect((await supervisorPages.get(`/safeguarding-prompts/${prompt.id}`)).body).toContain(
      `On live job ${job.reference}: about 8 people not yet identified at 2 places`,
    )

    // A place merged into another on the job counts once, as the one it was merged into.
    await ctx.services.places.mergePlace(three.id, five.id, 'The same building', supervisor.current, supervisor.actor)
    expect((await get(`/api/v1/cases/${job.id}`)).json().unknownOthers).toMatchObject({ count: 5, places: 1 })
  })
})
