import fc from 'fast-check'
import { sql } from 'kysely'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isApiPath, type RouteDeclaration } from '#src/platform/http/access.ts'
import {
  apiToken,
  createTestContext,
  createUser,
  currentUserOf,
  PageClient,
  type Role,
  type TestContext,
} from './support/test-app.ts'

/**
 * Injection and input fuzzing. Every route that takes input (every form and API write, and every GET with
 * its query string) gets random and hostile input from fast-check: SQL and template injection, script tags,
 * very long strings, right-to-left marks, combining characters, lone surrogates, NUL, emoji, wrong JSON types,
 * arrays for scalars, huge numbers. For each answer: never a 5xx; in HTML, nothing sent comes back unescaped
 * and no template expression is evaluated; and across the run nothing changes outside the records the
 * requests were aimed at (a bystander's records and every other pre-existing row stay as they were, and each
 * new audit row names the user who made the request). Seeded, so a failure replays.
 */
const SEED = 20261129
/** Runs per route: a few thousand requests in all, inside the time limit. */
const RUNS = { write: 8, read: 3 }
let ctx: TestContext

type Caller = {
  label: string
  userId: string | null
  permissions: Set<string>
  pages: PageClient
  token: string | null
}
const callers = new Map<string, Caller>()
/** Every user the test signed in as, including those replaced after a form ended their session. */
const fuzzUsers = new Set<string>()
/** Route parameters aimed at the fuzzer's own records; anything not listed is a well-formed id that matches nothing. */
const targets: Record<string, string> = {}
const NIL = '00000000-0000-7000-8000-000000000000'
let bystander: { userId: string; rows: { table: 'referrals' | 'people' | 'cases'; id: string; text: string }[] }
let openapi: {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string }[]
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> }
      }
    >
  >
}
type JsonSchema = {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  anyOf?: JsonSchema[]
  enum?: unknown[]
}

// The markers are unique strings, so seeing one raw in a page can only mean input was reflected unescaped.
const XSS = [
  '<script>alert("lantern-xss")</script>',
  '"><img src=x onerror=alert("lantern-xss")>',
  "'><svg/onload=alert('lantern-xss')>",
  '</textarea><script>alert("lantern-xss")</script>',
]
const RAW_MARKERS = ['<script>alert("lantern-xss")', '<img src=x onerror=', '<svg/onload=', 'href="javascript:alert']
const TEMPLATE = [
  '{{ 1337*1337 }}',
  '{% raw %}{{ 1337*1337 }}{% endraw %}',
  '{% raw %}',
  '{{ range(3) | join("-") }}',
  '${1337*1337}',
  '#{1337*1337}',
  '{{ constructor.constructor("return process")() }}',
  '{% include "layout.njk" %}',
]
const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE people; --",
  "1; DELETE FROM referrals WHERE '1'='1",
  "') OR 1=1 --",
  "%' UNION SELECT password_hash, email FROM users --",
  "\\'; TRUNCATE audit_events; --",
  '$1',
  "O'Brien",
  '%',
  '_',
]
const UNICODE = [
  '\u202Eevil\u202C',
  '\u200F\u200E\u061C',
  'e\u0301\u0301\u0301\u0301',
  'Z\u0334\u0321\u0322\u031B\u034E\u033C',
  '\uD800',
  'a\uDC00b',
  '\u0000',
  'nul\u0000byte',
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  '\uFEFFbom',
  'ﷺ',
  'İı',
  'ß',
  '\r\n\r\nSet-Cookie: lantern=1',
  '../../etc/passwd',
  '\t \n',
]
const SHAPES = [
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '2026-02-30',
  '0000-00-00',
  '99999999999999999999',
  '',
  ' ',
  NIL,
  'not-a-uuid',
]
const LONG = ['A'.repeat(100_000), 'é'.repeat(20_000), '9'.repeat(400), `${'<b>'.repeat(2000)}`]

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...XSS, ...TEMPLATE, ...SQL, ...UNICODE, ...SHAPES) },
  { weight: 1, arbitrary: fc.constantFrom(...LONG) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...XSS, ...TEMPLATE, ...SQL), fc.string({ maxLength: 10 }))
      .map(([a, b]) => `${b}${a}${b}`),
  },
)
/** What a form field can be sent as: a string, or the same field repeated (an array for a scalar). */
const formValue = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 3 }) },
)
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 0.1, -0, 1.5, 0, -1, 2147483648) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom('__proto__', 'constructor', 'names', 'id', '$where', 'toString'),
      hostileString,
      { maxKeys: 2 },
    ),
  },
)

/** A plausible value for a property by its schema, so some requests get past validation to the SQL beneath. */
function plausible(schema: JsonSchema | undefined, name: string): fc.Arbitrary<unknown> {
  if (!schema) return hostileString
  if (schema.enum?.length) return fc.constantFrom(...schema.enum)
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map((s) => plausible(s, name)))
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  if (type === 'array') return fc.array(plausible(schema.items, name), { maxLength: 3 })
  if (type === 'object') return jsonObject(schema)
  if (type === 'integer' || type === 'number')
    return fc.oneof(fc.integer({ min: 0, max: 120 }), fc.constantFrom(1e308, -1))
  if (type === 'boolean') return fc.boolean()
  if (/date/i.test(name) || /At$/.test(name)) return fc.constantFrom('2026-03-03', '2026-02-30', '1900-01-01')
  if (/id$/i.test(name)) return fc.constantFrom(...Object.values(targets), NIL)
  return hostileString
}

function jsonObject(schema: JsonSchema | undefined): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema?.properties ?? {})
  const record: Record<string, fc.Arbitrary<unknown>> = {}
  for (const [name, prop] of props)
    record[name] = fc.oneof({ weight: 2, arbitrary: plausible(prop, name) }, { weight: 2, arbitrary: jsonValue })
  return fc.record(record, { requiredKeys: [] })
}

const GENERIC_FIELDS = [
  'q',
  'name',
  'note',
  'reason',
  'summary',
  'status',
  'page',
  'sort',
  'returnTo',
  'lang',
  'format',
  'days',
]

/** Field names from the page's own forms (the GET at the same address, or the page above it). */
async function formFields(caller: Caller, url: string): Promise<string[]> {
  const names = new Set<string>()
  for (const candidate of [url, url.replace(/\/[^/]+$/, '')]) {
    if (!candidate) continue
    const page = await caller.pages.get(candidate)
    if (page.statusCode !== 200 || !String(page.headers['content-type']).includes('text/html')) continue
    for (const m of page.body.matchAll(/<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"/g))
      if (m[1] !== '_csrf') names.add(m[1].replace(/&#39;|&quot;/g, ''))
    if (names.size) break
  }
  return [...names]
}

function concrete(url: string): string {
  return url.replace(/:([a-zA-Z]+)/g, (_, name: string) => targets[name] ?? NIL)
}

/** Route parameters by the path segment before them: /people/:id is the target person, and so on. */
function paramsFor(route: RouteDeclaration): string {
  const segments = route.url.split('/')
  return segments
    .map((segment, i) => {
      if (!segment.startsWith(':')) return segment
      const name = segment.slice(1)
      const parent = segments[i - 1]
      if (name === 'index') return '0'
      if (name === 'kind') return 'risks'
      if (name === 'group') return 'stylesheets'
      if (name === 'file') return 'application.css'
      if (name === 'otherId') return targets.otherPerson
      const byParent: Record<string, string | undefined> = {
        people: targets.person,
        referrals: targets.referral,
        cases: targets.case,
        screenings: targets.screening,
        drafts: targets.draft,
        places: targets.location,
        locations: targets.location,
        objects: targets.object,
        partners: targets.agency,
        agencies: targets.agency,
        'hub-meetings': targets.meeting,
        events: targets.outreachEvent,
      }
      if (name === 'personId') return targets.person
      if (name === 'referralId') return targets.referral
      return byParent[parent] ?? concrete(segment)
    })
    .join('/')
}

function callerFor(route: RouteDeclaration): Caller | undefined {
  if (route.access === 'public') return callers.get('public')
  const order = ['supervisor', 'investigator', 'admin', 'support', 'analyst', 'auditor', 'partner', 'operator', 'pcso']
  for (const label of [...order, ...callers.keys()]) {
    const caller = callers.get(label)
    if (caller && caller.userId && (route.access === 'signed-in' || caller.permissions.has(route.access))) return caller
  }
  return undefined
}

type Snapshot = Map<string, Map<string, string>>
// insight_version and insight_live_version are counters every figure-changing write bumps, and the deltas
// tables (migration 0054) their pending changes: they change by design, and hold no record.
const UNTRACKED = new Set([
  'sessions',
  'kysely_migration',
  'kysely_migration_lock',
  'insight_version',
  'insight_live_version',
  'insight_version_changes',
  'insight_summary_deltas',
  'name_word_count_deltas',
])
async function snapshot(): Promise<Snapshot> {
  const tables = await sql<{
    name: string
  }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`.execute(ctx.db)
  const result: Snapshot = new Map()
  for (const { name } of tables.rows) {
    if (UNTRACKED.has(name)) continue
    const rows = await sql<{
      h: string
      t: string
    }>`SELECT md5(x::text) AS h, x::text AS t FROM ${sql.table(name)} x`.execute(ctx.db)
    result.set(name, new Map(rows.rows.map((r) => [r.h, r.t])))
  }
  return result
}

function check(response: LightMyRequestResponse, sent: string, label: string): void {
  expect(response.statusCode, `${label}: ${response.body.slice(0, 300)}`).toBeLessThan(500)
  if (!String(response.headers['content-type'] ?? '').includes('text/html')) return
  for (const marker of RAW_MARKERS)
    if (sent.includes(marker))
      expect(response.body.includes(marker), `${label}: reflected unescaped ${marker}`).toBe(false)
  // A template expression sent as data must come back as text, never as its value.
  if (sent.includes('1337*1337'))
    expect(response.body.includes('1787569'), `${label}: a template expression was evaluated`).toBe(false)
  if (sent.includes('range(3)'))
    expect(response.body.includes('0-1-2'), `${label}: a template expression was evaluated`).toBe(false)
}

async function signedIn(role: string): Promise<Caller> {
  const user = await createUser(ctx, role as Role)
  const pages = new PageClient(ctx.app)
  await pages.signIn(user.email)
  fuzzUsers.add(user.id)
  const row = await ctx.db.selectFrom('roles').select('permissions').where('id', '=', role).executeTakeFirstOrThrow()
  return {
    label: role,
    userId: user.id,
    permissions: new Set(row.permissions),
    pages,
    token: await apiToken(ctx, user.email),
  }
}

async function keepSignedIn(caller: Caller): Promise<Caller> {
  if (!caller.userId) return caller
  const live = await sql<{
    n: number
  }>`SELECT count(*)::int AS n FROM sessions WHERE user_id = ${caller.userId} AND revoked_at IS NULL AND expires_at > now()`.execute(
    ctx.db,
  )
  if (live.rows[0].n > 0) return caller
  const fresh = await signedIn(caller.label)
  callers.set(caller.label, fresh)
  return fresh
}

beforeAll(async () => {
  ctx = await createTestContext({
    env: { PUBLIC_REPORT_RATE_LIMIT_PER_MINUTE: '1000000', SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000000' },
  })
  const anonymous = new PageClient(ctx.app)
  await anonymous.get('/report')
  callers.set('public', { label: 'public', userId: null, permissions: new Set(), pages: anonymous, token: null })
  for (const role of await ctx.db.selectFrom('roles').select('id').orderBy('id').execute())
    callers.set(role.id, await signedIn(role.id))
  const supervisor = callers.get('supervisor')!
  const api = (method: 'POST', url: string, payload: object, token = supervisor.token!) =>
    ctx.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload })
  const referral = (summary: string, name: string, token?: string) =>
    api(
      'POST',
      '/api/v1/referrals',
      {
        receivedAt: '2026-03-03',
        source: 'police',
        summary,
        people: [
          { names: [name], approximateAge: 24, gender: 'female', nationalities: ['RO'], role: 'potential-victim' },
        ],
      },
      token,
    ).then((r) => r.json())

  // The fuzzer's own records, which the requests aim at.
  const mine = await referral('Car wash workers sleeping on site', 'Elena Popescu')
  targets.referral = mine.id
  targets.person = mine.people[0].personId
  targets.otherPerson = (await referral('Same car wash, second worker', 'Elena Popescu')).people[0].personId
  targets.case = (
    await ctx.services.cases.openFromReferral(
      mine.id,
      { title: 'Operation Fuzz', kind: 'investigation' },
      await currentUserOf(ctx, supervisor.userId!),
      { userId: supervisor.userId },
    )
  ).id
  const location = await api('POST', '/api/v1/locations', { text: '1 Fuzz Street, Leeds', postcode: 'LS1 1AA' })
  if (location.statusCode === 201) targets.location = location.json().id
  const object = await api('POST', `/api/v1/people/${targets.person}/objects`, {
    kind: 'phone',
    value: '07700 900456',
    relation: 'uses',
    source: 'fuzz set-up',
    validFrom: null,
  })
  if (object.statusCode === 201) targets.object = object.json().objectId
  await supervisor.pages.get('/referrals/new')
  const draft = await supervisor.pages.post('/referrals/new', {})
  targets.draft = /drafts\/([0-9a-f-]{36})\//.exec(draft.headers.location ?? '')?.[1] ?? NIL
  await supervisor.pages.get(`/referrals/${targets.referral}/people/${targets.person}/nrm`)
  const screening = await supervisor.pages.post(
    `/referrals/${targets.referral}/people/${targets.person}/screenings`,
    {},
  )
  targets.screening = /screenings\/([0-9a-f-]{36})/.exec(screening.headers.location ?? '')?.[1] ?? NIL
  targets.agency = (await ctx.db.selectFrom('agencies').select('id').orderBy('id').executeTakeFirstOrThrow()).id
  await supervisor.pages.get('/hub-meetings')
  const meeting = await supervisor.pages.post('/hub-meetings', {
    title: 'Fuzz hub',
    'heldOn-day': '3',
    'heldOn-month': '3',
    'heldOn-year': '2026',
    referralDays: '14',
  })
  targets.meeting = /hub-meetings\/([0-9a-f-]{36})/.exec(meeting.headers.location ?? '')?.[1] ?? NIL
  targets.id = NIL
  await anonymous.post('/report/start', {})

  // A bystander: another officer's referral, person and live job, which no request names.
  const other = await createUser(ctx, 'investigator')
  const theirs = await referral('Nail bar, another team’s job', 'Oskar Brannigan', await apiToken(ctx, other.email))
  const theirCase = await ctx.services.cases.openFromReferral(
    theirs.id,
    { title: 'Operation Bystander', kind: 'investigation' },
    await currentUserOf(ctx, other.id),
    { userId: other.id },
  )
  const rowText = async (table: 'referrals' | 'people' | 'cases', id: string) => ({
    table,
    id,
    text: (await sql<{ t: string }>`SELECT x::text AS t FROM ${sql.table(table)} x WHERE id = ${id}`.execute(ctx.db))
      .rows[0].t,
  })
  bystander = {
    userId: other.id,
    rows: [
      await rowText('referrals', theirs.id),
      await rowText('people', theirs.people[0].personId),
      await rowText('cases', theirCase.id),
    ],
  }
  openapi = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
}, 120_000)
afterAll(() => ctx.close())

describe('injection and input fuzzing', () => {
  it(
    'survives hostile input on every form, API write and query string: no 5xx, nothing reflected raw, nothing changed elsewhere',
    { timeout: 480_000 },
    async () => {
      const started = Date.now()
      const before = await snapshot()
      const auditBefore = (
        await sql<{ id: string }>`SELECT coalesce(max(id::text), '') AS id FROM audit_events`.execute(ctx.db)
      ).rows[0].id
      let requests = 0
      const timings: [string, number][] = []
      let routesFuzzed = 0
      // Sign-out would end the caller's session; it takes no input anyway.
      const routes = ctx.routes.filter((r) => r.url !== '/sign-out' && !r.url.startsWith('/assets/'))
      for (const route of routes) {
        const routeStarted = Date.now()
        const chosen = callerFor(route)
        if (!chosen) continue
        let caller = await keepSignedIn(chosen)
        const actorsSeen = new Set<string | null>([caller.userId])
        const url = paramsFor(route)
        const api = isApiPath(route.url)
        const write = route.method !== 'GET'
        const label = `${caller.label} ${route.method} ${route.url}`
        routesFuzzed++
        const auditMark = (
          await sql<{ id: string }>`SELECT coalesce(max(id::text), '') AS id FROM audit_events`.execute(ctx.db)
        ).rows[0].id
        if (api) {
          const operation = openapi.paths[route.url.replace(/:([a-zA-Z]+)/g, '{$1}')]?.[route.method.toLowerCase()]
          const query = (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)
          const body = write
            ? fc.oneof(
                {
                  weight: 8,
                  arbitrary: jsonObject(
                    operation?.requestBody?.content?.['application/json']?.schema,
                  ) as fc.Arbitrary<unknown>,
                },
                {
                  weight: 1,
                  arbitrary: fc.oneof(
                    fc.array(jsonValue, { maxLength: 3 }),
                    hostileString,
                    fc.constant(null),
                    fc.integer(),
                  ),
                },
              )
            : fc.constant(undefined)
          const queryArb = fc.dictionary(
            fc.constantFrom(...query, ...GENERIC_FIELDS),
            hostileString.map((s) => s.slice(0, 4000)),
            { maxKeys: 3 },
          )
          await fc.assert(
            fc.asyncProperty(fc.tuple(body, queryArb), async (input) => {
              const [payload, params] = input as [unknown, Record<string, string>]
              const qs = new URLSearchParams(params).toString()
              const response = await ctx.app.inject({
                method: route.method as 'POST',
                url: qs ? `${url}?${qs}` : url,
                headers: { authorization: `Bearer ${caller!.token}`, 'content-type': 'application/json' },
                payload: write ? JSON.stringify(payload ?? null) : undefined,
              })
              requests++
              check(response, JSON.stringify(input), label)
            }),
            { seed: SEED, numRuns: write ? RUNS.write : RUNS.read, endOnFailure: true },
          )
        } else {
          const fields = [
            ...new Set([
              ...(await formFields(caller, url)),
              ...GENERIC_FIELDS.slice(0, write ? 3 : GENERIC_FIELDS.length),
            ]),
          ]
          const values = fc.dictionary(
            fc.constantFrom(...fields),
            write ? formValue : hostileString.map((s) => s.slice(0, 4000)),
            { minKeys: 1, maxKeys: Math.min(fields.length, 8) },
          )
          await fc.assert(
            fc.asyncProperty(values, async (input) => {
              const form = input as Record<string, string | string[]>
              let response: LightMyRequestResponse
              if (write) {
                const current = await keepSignedIn(caller!)
                // A form that ends the session (sign out everywhere) leaves the next request to a new user of the same
                // role, whose creation the test itself audits (with no actor).
                if (current !== caller) actorsSeen.add(current.userId).add(null)
                caller = current
                response = await caller.pages.post(url, form)
              } else {
                const qs = new URLSearchParams(
                  Object.entries(form).flatMap(([k, v]) =>
                    (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]),
                  ),
                ).toString()
                response = await caller!.pages.get(`${url}?${qs}`)
              }
              requests++
              check(response, JSON.stringify(input), label)
            }),
            { seed: SEED, numRuns: write ? RUNS.write : RUNS.read, endOnFailure: true },
          )
        }
        // Every audit row the requests caused names the user who sent them (or no one, on a public page).
        const actors = await sql<{
          actor: string | null
        }>`SELECT DISTINCT actor_user_id::text AS actor FROM audit_events WHERE id::text > ${auditMark}`.execute(ctx.db)
        for (const { actor } of actors.rows)
          expect(actorsSeen.has(actor), `${label}: audit row for someone else (${actor})`).toBe(true)
        timings.push([label, Date.now() - routeStarted])
        if (process.env.FUZZ_PROGRESS && routesFuzzed % 20 === 0)
          console.log(`${routesFuzzed} routes, ${requests} requests, ${((Date.now() - started) / 1000).toFixed(0)} s`)
      }

      const seconds = (Date.now() - started) / 1000
      console.log(
        `fuzzing: ${requests} requests over ${routesFuzzed} routes in ${seconds.toFixed(1)} s (seed ${SEED}); slowest: ${timings
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([l, ms]) => `${l} ${ms} ms`)
          .join(', ')}`,
      )
      // Nothing outside the targets changed: every pre-existing row is unchanged, unless it is one of the
      // records the requests named (or hangs off one), or belongs to a user who sent them (their token's last use).
      const after = await snapshot()
      const allowed = [...Object.values(targets).filter((id) => id !== NIL), ...fuzzUsers]
      const changed: string[] = []
      for (const [table, rows] of before) {
        const now = after.get(table) ?? new Map<string, string>()
        for (const [hash, text] of rows)
          if (!now.has(hash) && !allowed.some((id) => text.includes(id)))
            changed.push(`${table}: ${text.slice(0, 200)}`)
      }
      expect(changed).toEqual([])
      // The bystander's records, explicitly: still there, and nothing new hangs off them that the fuzzer made.
      for (const { table, id, text } of bystander.rows) {
        const row = await sql<{ t: string }>`SELECT x::text AS t FROM ${sql.table(table)} x WHERE id = ${id}`.execute(
          ctx.db,
        )
        expect(row.rows[0]?.t, `bystander ${table} ${id}`).toBe(text)
      }
      const touching = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_events WHERE id::text > ${auditBefore} AND subject_id::text IN (${sql.join(bystander.rows.map((r) => r.id))})`.execute(
        ctx.db,
      )
      expect(touching.rows[0].n).toBe(0)
      expect(routesFuzzed).toBeGreaterThan(100)
      expect(requests).toBeGreaterThan(1000)
      // Under 90 s on an idle two-core machine; the bound leaves room for a busy one.
      expect(seconds).toBeLessThan(360)
    },
  )
})
