import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { slugify } from '#src/modules/priorities/priority.service.ts'
import { unknownPriorityTags } from '#src/modules/priorities/index.ts'
import { createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let di: PageClient
beforeAll(async () => {
  ctx = await createTestContext()
  di = new PageClient(ctx.app)
  await di.signIn((await createUser(ctx, 'supervisor')).email)
})
afterAll(() => ctx.close())

describe('strategic priorities', () => {
  it('starts with the team’s three priorities', async () => {
    const page = await di.get('/settings/priorities')
    for (const label of ['Sexual exploitation', 'Exploitation within the travelling community', 'Textile industry'])
      expect(page.body).toContain(label)
  })

  it('lets a supervisor add a priority, which can then be tagged on a referral', async () => {
    await di.get('/settings/priorities')
    const added = await di.post('/settings/priorities', { label: 'Nail bars & beauty' })
    expect(added.statusCode).toBe(303)
    expect((await di.get('/settings/priorities')).body).toContain('Added ‘Nail bars &amp; beauty’')
    const token = (
      await ctx.services.auth.createApiToken((await createUser(ctx, 'investigator')).email, 't', 1, { userId: null })
    ).token
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        receivedAt: '2026-01-05',
        source: 'public-concern',
        summary: 'Workers at a nail bar',
        priorityTags: ['nail-bars-and-beauty'],
      },
    })
    expect(response.statusCode).toBe(201)
  })

  it('refuses an empty or duplicate name with a message, keeping what was typed', async () => {
    await di.get('/settings/priorities')
    const empty = await di.post('/settings/priorities', { label: '  ' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter the name of the strategic priority')
    const duplicate = await di.post('/settings/priorities', { label: 'Textile Industry' })
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.body).toContain('There is already a strategic priority with that name')
    expect(duplicate.body).toContain('value="Textile Industry"')
  })

  it('retires a priority so it can no longer be chosen, without removing it from records', async () => {
    await di.get('/settings/priorities')
    expect((await di.post('/settings/priorities/textile-industry/active', { active: 'no' })).statusCode).toBe(303)
    const rows = await ctx.services.priorities.list(false)
    expect(rows.map((r) => r.id)).not.toContain('textile-industry')
    expect((await ctx.services.priorities.list(true)).find((r) => r.id === 'textile-industry')).toMatchObject({
      active: false,
    })
    expect((await di.post('/settings/priorities/no-such-thing/active', { active: 'no' })).statusCode).toBe(404)
  })

  it('is not open to officers without the settings permission', async () => {
    const dc = new PageClient(ctx.app)
    await dc.signIn((await createUser(ctx, 'investigator')).email)
    expect((await dc.get('/settings/priorities')).statusCode).toBe(403)
  })

  it('names the tags that are not active priorities, in the order given, and none for an empty list', async () => {
    // Runs after textile-industry is retired above: a retired priority can no longer be chosen.
    expect(await unknownPriorityTags(ctx.db, [])).toEqual([])
    expect(await unknownPriorityTags(ctx.db, ['sexual-exploitation'])).toEqual([])
    expect(await unknownPriorityTags(ctx.db, ['no-such-thing', 'sexual-exploitation', 'textile-industry'])).toEqual([
      'no-such-thing',
      'textile-industry',
    ])
  })

  it('makes ids from names', () => {
    expect(slugify('Exploitation within the travelling community')).toBe('exploitation-within-the-travelling-community')
    expect(slugify('Ćevapi & Co.')).toBe('cevapi-and-co')
  })
})

describe('oversize form posts', () => {
  it('refuses a body larger than the limit with a page, not a crash', async () => {
    await di.get('/referrals/new')
    const response = await di.post('/settings/priorities', { label: 'x'.repeat(ctx.config.bodyLimitBytes + 10) })
    expect(response.statusCode).toBe(413)
    expect(response.body).toContain('The request is larger than Lantern accepts.')
  })
})
