import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApiUser, buildReferral, type BuiltUser } from './support/builders.ts'
import { createTestContext, PageClient, type TestContext } from './support/test-app.ts'

/**
 * "Others who may be targeted" that knows roles (issue 16, section 4): a suspected exploiter is never listed as
 * at risk or "not safeguarded" (he is the link), one prompt per shared identifier, the chart tells victims,
 * suspects, places, objects and businesses apart, and the reasons are in words a DC uses.
 */
let ctx: TestContext
let officer: BuiltUser & { token: string }
let pages: PageClient
let victim: string
let suspect: string
let worker: string

const CAR_WASH = {
  addressLine1: '3 Station Road',
  town: 'Bradford',
  postcode: 'BD3 9AA',
  description: 'Sparkle hand car wash',
  premisesType: 'car-wash',
}

async function api(method: 'GET' | 'POST', url: string, payload?: object) {
  return ctx.app.inject({ method, url, headers: { authorization: `Bearer ${officer.token}` }, payload })
}

async function link(personId: string, what: 'phone' | 'place', value: string | object, relation: string) {
  const response =
    what === 'phone'
      ? await api('POST', `/api/v1/people/${personId}/objects`, { kind: 'phone', value, relation, source: 'test' })
      : await api('POST', `/api/v1/people/${personId}/locations`, { place: value, relation, source: 'test' })
  expect(response.statusCode, response.body).toBe(201)
}

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await buildApiUser(ctx, 'supervisor')
  pages = new PageClient(ctx.app)
  await pages.signIn(officer.email)
  const referral = await buildReferral(ctx, officer, {
    people: [
      { names: ['Vasile Moldovan'], role: 'potential-victim' },
      { names: ['Gary Platt'], role: 'suspected-exploiter' },
    ],
  })
  ;[victim, suspect] = referral.people.map((p) => p.personId)
  worker = (await buildReferral(ctx, officer, { people: [{ names: ['Mihai Rusu'], role: 'potential-victim' }] }))
    .people[0].personId
  // The victim and the suspect share a phone; the suspect and another worker work at the same car wash.
  await link(victim, 'phone', '07700 900123', 'uses')
  await link(suspect, 'phone', '07700 900123', 'uses')
  await link(suspect, 'place', CAR_WASH, 'works-at')
  await link(worker, 'place', CAR_WASH, 'works-at')
})

afterAll(async () => {
  await ctx.close()
})

describe('a suspected exploiter is never at risk', () => {
  it('is not among others who may be targeted: he is the link, with the reasons in words', async () => {
    const response = await api('GET', `/api/v1/people/${victim}/others`)
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json() as {
      items: { personId: string; strength: string; why: string[] }[]
      linkedSuspects: { personId: string; why: string[] }[]
    }
    expect(body.items.map((i) => i.personId)).toEqual([worker])
    expect(body.items[0].why[0]).toBe(
      'works for the same employer (3 Station Road, Bradford, BD3 9AA, Sparkle hand car wash) as Gary Platt (a suspected exploiter) (only the two of them are linked to it), who uses the same phone (07700 900123) as Vasile Moldovan (only the two of them are linked to it)',
    )
    expect(body.items[0].strength).toBe('Strong')
    expect(body.linkedSuspects.map((i) => i.personId)).toEqual([suspect])
    expect(body.linkedSuspects[0].why).toEqual([
      'uses the same phone (07700 900123) as Vasile Moldovan (only the two of them are linked to it)',
    ])

    const page = await pages.get(`/people/${victim}/others`)
    expect(page.statusCode).toBe(200)
    const [atRisk, links] = page.body.split('Suspected exploiters linked')
    expect(atRisk).toContain('Mihai Rusu')
    expect(atRisk).not.toContain('Gary Platt</a></td>')
    expect(links).toContain('Gary Platt</a> (suspected exploiter) uses the same phone')
  })

  it('is never counted among those linked or "not safeguarded" in a prompt, and is shown as the link', async () => {
    const response = await api('GET', '/api/v1/safeguarding-prompts')
    const items = response.json().items as {
      person: { id: string }
      identifier: { kind: string }
      people: { id: string; safeguarded: boolean | null }[]
      suspects: { id: string }[]
      summary: { linked: number; notSafeguarded: number }
      headline: string
    }[]
    expect(items.length).toBeGreaterThan(0)
    for (const item of items) expect(item.people.map((p) => p.id)).not.toContain(suspect)
    const employer = items.find((i) => i.identifier.kind === 'employer')!
    expect(employer.person.id).toBe(worker)
    expect(employer.summary).toMatchObject({ linked: 0, notSafeguarded: 0 })
    expect(employer.suspects.map((s) => s.id)).toEqual([suspect])
    expect(employer.headline).toBe(
      '0 other people are linked to this employer; a suspected exploiter is linked to it too',
    )
  })

  it('shows the estimate of unknown others at the premises in the prompt', async () => {
    const place = await ctx.db
      .selectFrom('locations')
      .select('id')
      .where('postcode', '=', 'BD3 9AA')
      .executeTakeFirstOrThrow()
    await ctx.services.places.recordUnknownOthers(
      place.id,
      { count: 8, note: 'about 8 men sleeping on site', on: '2026-12-01' },
      officer.current,
      officer.actor,
    )
    const items = (await api('GET', '/api/v1/safeguarding-prompts')).json().items as {
      identifier: { kind: string }
      unknownOthers: { count: number; note: string } | null
      headline: string
      id: string
    }[]
    const employer = items.find((i) => i.identifier.kind === 'employer')!
    expect(employer.unknownOthers).toEqual({ count: 8, note: 'about 8 men sleeping on site' })
    expect(employer.headline).toContain('about 8 more people are there, not yet identified')
    const page = await pages.get(`/safeguarding-prompts/${employer.id}`)
    expect(page.body).toContain('about 8 men sleeping on site')
    expect(page.body).toContain('Suspected exploiters linked to it')
  })

  it('raises nothing when only suspects share an identifier', async () => {
    const second = (
      await buildReferral(ctx, officer, { people: [{ names: ['Dean Platt'], role: 'suspected-exploiter' }] })
    ).people[0].personId
    await link(suspect, 'phone', '07700 900999', 'uses')
    await link(second, 'phone', '07700 900999', 'uses')
    const prompts = await ctx.db
      .selectFrom('safeguarding_prompts')
      .select('id')
      .where('person_id', '=', second)
      .execute()
    expect(prompts).toHaveLength(0)
  })
})

describe('one prompt per shared identifier', () => {
  it('adds the people linked after a prompt was raised to it, instead of raising one per person', async () => {
    const ids: string[] = []
    for (const name of ['Ana One', 'Ana Two', 'Ana Three', 'Ana Four']) {
      const id = (await buildReferral(ctx, officer, { people: [{ names: [name], role: 'potential-victim' }] }))
        .people[0].personId
      await link(id, 'phone', '07700 900555', 'uses')
      ids.push(id)
    }
    const object = await ctx.db
      .selectFrom('objects')
      .select('id')
      .where('display', 'like', '07700 900555%')
      .executeTakeFirstOrThrow()
    const prompts = await ctx.db
      .selectFrom('safeguarding_prompts')
      .select(['person_id', 'added_person_ids'])
      .where('identifier_key', '=', `o:${object.id}`)
      .execute()
    expect(prompts).toHaveLength(1)
    expect(prompts[0].person_id).toBe(ids[1])
    expect(prompts[0].added_person_ids).toEqual([ids[2], ids[3]])
    const added = await ctx.db
      .selectFrom('audit_events')
      .select('subject_id')
      .where('action', '=', 'safeguarding-prompt.person-added')
      .execute()
    expect(added.map((a) => a.subject_id).sort()).toEqual([ids[2], ids[3]].sort())
  })
})

describe('the link chart', () => {
  it('tells victims, suspects, places, objects and businesses apart, with a key', async () => {
    const response = await api('GET', `/api/v1/people/${victim}/network`)
    expect(response.statusCode, response.body).toBe(200)
    const nodes = response.json().nodes as { entityId: string; kind: string; category: string }[]
    const category = (id: string) => nodes.find((n) => n.entityId === id)?.category
    expect(category(victim)).toBe('victim')
    expect(category(worker)).toBe('victim')
    expect(category(suspect)).toBe('suspect')
    expect(nodes.find((n) => n.kind === 'phone')?.category).toBe('object')
    expect(nodes.find((n) => n.kind === 'employer')?.category).toBe('business')
    const page = await pages.get(`/people/${victim}/network`)
    expect(page.body).toContain('A suspected exploiter (red octagon)')
    expect(page.body).toContain('A business or employer (purple hexagon)')
    expect(page.body).toContain('Suspected exploiter</td>')
  })
})

describe('places merged as one', () => {
  it('links the people at either copy of a merged place, typed as different addresses, and separates them when the merge is undone', async () => {
    const [first, second] = (
      await buildReferral(ctx, officer, {
        people: [
          { names: ['Ionut Barbu'], role: 'potential-victim' },
          { names: ['Radu Lupu'], role: 'potential-victim' },
        ],
      })
    ).people.map((p) => p.personId)
    // One house recorded twice: as an address, and (by another officer) as a description without one.
    await link(
      first,
      'place',
      { addressLine1: '8 Foundry Lane', postcode: 'BD4 1ZZ', premisesType: 'private-house' },
      'lives-at',
    )
    await link(
      second,
      'place',
      { description: 'the flat above the chip shop on Foundry Lane', premisesType: 'other' },
      'lives-at',
    )
    const placeOf = async (personId: string) =>
      (
        await ctx.db
          .selectFrom('entity_links')
          .select('to_id')
          .where('from_id', '=', personId)
          .where('to_type', '=', 'location')
          .executeTakeFirstOrThrow()
      ).to_id
    const [house, flat] = [await placeOf(first), await placeOf(second)]
    expect(house).not.toBe(flat)
    const others = async () =>
      ((await api('GET', `/api/v1/people/${first}/others`)).json().items as { personId: string }[]).map(
        (i) => i.personId,
      )
    const chart = async () => {
      const body = (await api('GET', `/api/v1/people/${first}/network`)).json() as {
        nodes: { entityId: string; type?: string; category: string }[]
      }
      return {
        people: body.nodes.filter((n) => ['victim', 'suspect', 'person'].includes(n.category)).map((n) => n.entityId),
        places: body.nodes.filter((n) => n.category === 'place').map((n) => n.entityId),
      }
    }
    expect(await others()).not.toContain(second)

    await ctx.services.places.mergePlace(house, flat, 'The same house (test)', officer.current, officer.actor)
    expect(await others()).toContain(second)
    const merged = await chart()
    expect(merged.people).toEqual(expect.arrayContaining([first, second]))
    // One place on the chart, shown as the place the copy was merged into.
    expect(merged.places).toEqual([house])

    await ctx.services.places.unmergePlace(flat, 'Two different flats after all (test)', officer.current, officer.actor)
    expect(await others()).not.toContain(second)
    expect((await chart()).people).not.toContain(second)
  })
})
