import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BATCH_SIZE } from '#src/modules/imports/imports.service.ts'
import { parseCsv, sniffImportFile } from '#src/modules/imports/imports.file.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

/**
 * Bulk import of referrals and people: CSV and XLSX, the remembered mapping, the preview's per-cell errors, the
 * background worker (batches, restart pick-up, SKIP LOCKED), the failed-rows report, likely duplicates held for a
 * reviewer, re-importing without duplicates, and the API. Every file here is synthetic and made by the test.
 */
let ctx: TestContext
let dc: PageClient
let token: string
let analystToken: string

const csvOf = (rows: string[][]) =>
  Buffer.from(
    rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') +
      '\r\n',
  )
const HEADERS = ['Client', 'DOB', 'Sex', 'Nationality', 'Mobile', 'Postcode', 'Date received', 'Notes']

/** Upload through the page and return the import id from the redirect. */
async function upload(client: PageClient, source: string, filename: string, data: Buffer, contentType = 'text/csv') {
  await client.get('/imports/new')
  const response = await client.postMultipart(
    '/imports',
    { source, referralSource: 'helpline' },
    { field: 'file', filename, contentType, data },
  )
  expect(response.statusCode, response.body.slice(0, 500)).toBe(303)
  return /\/imports\/([0-9a-f-]{36})\/mapping/.exec(response.headers.location as string)![1]
}

async function finish() {
  await ctx.services.imports.idle()
  await ctx.services.imports.work()
}

const referralCount = async () =>
  Number(
    (
      await ctx.db
        .selectFrom('referrals')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
const peopleCount = async () =>
  Number(
    (
      await ctx.db
        .selectFrom('people')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

beforeAll(async () => {
  ctx = await createTestContext()
  const user = await createUser(ctx, 'investigator')
  dc = new PageClient(ctx.app)
  await dc.signIn(user.email)
  token = await apiToken(ctx, user.email)
  analystToken = await apiToken(ctx, (await createUser(ctx, 'analyst')).email)
})
afterAll(async () => {
  await ctx.services.imports.idle()
  await ctx.close()
})

describe('reading files', () => {
  it('parses quoted CSV and decides the type from the bytes, not the name', () => {
    expect(parseCsv('a,b\r\n"x, ""y""",2\n"line\nbreak",3')).toEqual([
      ['a', 'b'],
      ['x, "y"', '2'],
      ['line\nbreak', '3'],
    ])
    expect(sniffImportFile(Buffer.from('Name,DOB\nA,1990-01-01\n'))).toBe('csv')
    expect(sniffImportFile(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]))).toBeNull()
  })
})

describe('a CSV import through the pages', () => {
  const rows = [
    HEADERS,
    [
      'Mihai Ionescu',
      '14/03/1991',
      'M',
      'RO',
      '07123 456001',
      'LS11 5AB',
      '01/11/2026',
      'Working at a car wash, no pay',
    ],
    ['Ana Dumitru', '1994-07-02', 'female', 'RO', '', 'LS12 1AA', '', ''],
    ['Bad Date', '31/02/1990', 'F', 'PL', '', '', '', ''],
    ['', '01/01/1980', 'M', '', '', '', '', 'No name given'],
    ['Bad Postcode', '', '', '', '', 'NOT A POSTCODE', '', ''],
    ['Bad Phone', '', '', '', '123', '', '', ''],
  ]
  let importId: string

  it('uploads, guesses a mapping, and remembers the one chosen for the source and headings', async () => {
    importId = await upload(dc, 'Riverton Helpline export', 'helpline.csv', csvOf(rows))
    const mapping = await dc.get(`/imports/${importId}/mapping`)
    expect(mapping.statusCode).toBe(200)
    // "Client" is no heading Lantern knows: it is left unmapped until the user chooses.
    expect(/<select[^>]*id="column-0"[\s\S]*?<\/select>/.exec(mapping.body)![0]).not.toMatch(
      /value="fullName" selected/,
    )
    expect(/<select[^>]*id="column-1"[\s\S]*?<\/select>/.exec(mapping.body)![0]).toMatch(/value="dateOfBirth" selected/)

    const withoutName = await dc.post(`/imports/${importId}/mapping`, { 'column-1': 'dateOfBirth' })
    expect(withoutName.statusCode).toBe(400)
    expect(withoutName.body).toContain('Choose the column that holds the person’s name')
    const twice = await dc.post(`/imports/${importId}/mapping`, { 'column-0': 'fullName', 'column-7': 'fullName' })
    expect(twice.body).toContain('Full name is chosen for both')

    const chosen = {
      'column-0': 'fullName',
      'column-1': 'dateOfBirth',
      'column-2': 'gender',
      'column-3': 'nationality',
      'column-4': 'phone',
      'column-5': 'postcode',
      'column-6': 'receivedAt',
      'column-7': 'summary',
    }
    expect((await dc.post(`/imports/${importId}/mapping`, chosen)).headers.location).toBe(
      `/imports/${importId}/preview`,
    )

    // The same headings from the same source, in another order: the mapping comes back by itself.
    const again = await upload(
      dc,
      'riverton helpline EXPORT',
      'next-week.csv',
      csvOf([[...HEADERS].reverse(), [...rows[1]].reverse()]),
    )
    const remembered = await dc.get(`/imports/${again}/mapping`)
    expect(remembered.body).toContain('These are the choices made last time')
    expect(/<select[^>]*id="column-7"[\s\S]*?<\/select>/.exec(remembered.body)![0]).toMatch(/value="fullName" selected/)
  })

  it('previews every row with a specific message in the cell that is wrong', async () => {
    const preview = await dc.get(`/imports/${importId}/preview`)
    expect(preview.statusCode).toBe(200)
    expect(preview.body).toContain('6 rows: 2 ready to import, 4 with problems')
    expect(preview.body).toContain('Date of birth &quot;31/02/1990&quot; must be a real date, like 27/3/1990')
    expect(preview.body).toContain('Enter the person’s name: the name is empty')
    expect(preview.body).toContain('Postcode &quot;NOT A POSTCODE&quot; is not a real UK postcode')
    expect(preview.body).toMatch(/Phone &quot;123&quot;: /)
    expect(preview.body).toContain('Import 2 rows')
  })

  it('imports in the background with a progress page, counts, and a failed-rows report', async () => {
    const before = await referralCount()
    await dc.get(`/imports/${importId}/preview`)
    const started = await dc.post(`/imports/${importId}/start`, {})
    expect(started.headers.location).toBe(`/imports/${importId}`)
    await finish()
    expect(await referralCount()).toBe(before + 2)

    const progress = await dc.get(`/imports/${importId}/progress`)
    expect(progress.json()).toMatchObject({
      status: 'completed',
      total: 6,
      processed: 6,
      created: 2,
      review: 0,
      failed: 4,
      alreadyImported: 0,
    })
    const page = await dc.get(`/imports/${importId}`)
    expect(page.body).toContain('Import finished')
    expect(page.body).toMatch(/<progress[^>]*max="6"[^>]*value="6"/)
    expect(page.body).not.toContain('http-equiv="refresh"')
    expect(page.body).toContain('/assets/js/import-progress.js')

    const csv = await dc.get(`/imports/${importId}/failed.csv`)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body.split('\r\n')).toEqual([
      'row,message',
      '4,"Date of birth ""31/02/1990"" must be a real date, like 27/3/1990"',
      '5,Enter the person’s name: the name is empty',
      expect.stringMatching(/^6,"Postcode ""NOT A POSTCODE"" is not a real UK postcode/),
      expect.stringMatching(/^7,"Phone ""123"": /),
      '',
    ])

    // The imported person has their phone linked, and the referral names the source.
    const mihai = await ctx.db
      .selectFrom('person_names')
      .select('person_id')
      .where('full_name', '=', 'Mihai Ionescu')
      .executeTakeFirstOrThrow()
    const phone = await ctx.db
      .selectFrom('entity_links')
      .select('to_type')
      .where('from_id', '=', mihai.person_id)
      .where('to_type', '=', 'object')
      .execute()
    expect(phone).toHaveLength(1)

    const actions = (
      await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', importId).execute()
    ).map((a) => a.action)
    expect(actions).toEqual(
      expect.arrayContaining([
        'import.uploaded',
        'import.mapped',
        'import.started',
        'import.batch-processed',
        'import.viewed',
        'import.failures-downloaded',
      ]),
    )
  })

  it('creates nothing new when the same file is imported again', async () => {
    const [referrals, people] = [await referralCount(), await peopleCount()]
    const again = await upload(dc, 'Riverton Helpline export', 'helpline-again.csv', csvOf(rows))
    await dc.get(`/imports/${again}/mapping`)
    await dc.post(`/imports/${again}/mapping`, {
      'column-0': 'fullName',
      'column-1': 'dateOfBirth',
      'column-2': 'gender',
      'column-3': 'nationality',
      'column-4': 'phone',
      'column-5': 'postcode',
      'column-6': 'receivedAt',
      'column-7': 'summary',
    })
    await dc.post(`/imports/${again}/start`, {})
    await finish()
    expect((await dc.get(`/imports/${again}/progress`)).json()).toMatchObject({
      status: 'completed',
      created: 0,
      alreadyImported: 2,
      failed: 4,
    })
    expect([await referralCount(), await peopleCount()]).toEqual([referrals, people])
  })

  it('refuses a file that is not CSV or XLSX, whatever its name', async () => {
    await dc.get('/imports/new')
    const png = await dc.postMultipart(
      '/imports',
      { source: 'Partner', referralSource: 'helpline' },
      {
        field: 'file',
        filename: 'people.csv',
        contentType: 'text/csv',
        data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
      },
    )
    expect(png.statusCode).toBe(400)
    expect(png.body).toContain('The selected file must be a CSV or an Excel workbook (XLSX)')
    const noSource = await dc.postMultipart(
      '/imports',
      { source: '', referralSource: 'helpline' },
      { field: 'file', filename: 'a.csv', contentType: 'text/csv', data: csvOf(rows) },
    )
    expect(noSource.body).toContain('Enter the name of the source')
  })
})

describe('likely duplicates', () => {
  it('holds a likely duplicate for a reviewer instead of creating a person, and attaches the referral when they say it is the same person', async () => {
    const headers = { authorization: `Bearer ${token}` }
    const known = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers,
        payload: { names: ['Elena Vasilescu'], dateOfBirth: '1993-05-21', gender: 'female', nationalities: ['RO'] },
      })
    ).json().id as string
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${known}/objects`,
      headers,
      payload: { kind: 'phone', value: '07123 654321', relation: 'uses', source: 'Helpline report' },
    })
    const people = await peopleCount()

    const file = csvOf([
      ['Name', 'Date of birth', 'Gender', 'Phone'],
      ['Elena Vasilescu', '21/05/1993', 'F', '07123 654321'],
      ['Elena Vasilesku', '21/05/1993', 'F', '07123 654321'],
    ])
    const id = await upload(dc, 'Partner NGO', 'ngo.csv', file)
    expect(
      (
        await dc.post(`/imports/${id}/mapping`, {
          'column-0': 'fullName',
          'column-1': 'dateOfBirth',
          'column-2': 'gender',
          'column-3': 'phone',
        })
      ).statusCode,
    ).toBe(303)
    await dc.post(`/imports/${id}/start`, {})
    await finish()
    expect((await dc.get(`/imports/${id}/progress`)).json()).toMatchObject({
      status: 'completed',
      created: 0,
      review: 2,
    })
    expect(await peopleCount()).toBe(people)

    const page = await dc.get(`/imports/${id}`)
    expect(page.body).toContain('Likely already recorded')
    const rowIds = [...page.body.matchAll(new RegExp(`/imports/${id}/rows/([0-9a-f-]{36})`, 'g'))].map((m) => m[1])
    expect(rowIds).toHaveLength(2)
    const review = await dc.get(`/imports/${id}/rows/${rowIds[0]}`)
    expect(review.statusCode).toBe(200)
    expect(review.body).toContain('Why they may be the same person')
    expect(review.body).toContain(`/people/${known}`)

    expect((await dc.post(`/imports/${id}/rows/${rowIds[0]}`, {})).body).toContain(
      'Select whether this is the same person',
    )
    expect((await dc.post(`/imports/${id}/rows/${rowIds[0]}`, { decision: 'same' })).statusCode).toBe(303)
    const first = await ctx.db
      .selectFrom('import_rows')
      .select(['referral_id', 'person_id', 'status'])
      .where('id', '=', rowIds[0])
      .executeTakeFirstOrThrow()
    expect(first).toMatchObject({ status: 'same-person', person_id: known })
    const subjects = await ctx.db
      .selectFrom('referral_subjects')
      .select('person_id')
      .where('referral_id', '=', first.referral_id!)
      .execute()
    expect(subjects.map((s) => s.person_id)).toEqual([known])
    expect(await peopleCount()).toBe(people)
    // Decided once.
    expect((await dc.post(`/imports/${id}/rows/${rowIds[0]}`, { decision: 'new' })).statusCode).toBe(409)

    expect((await dc.post(`/imports/${id}/rows/${rowIds[1]}`, { decision: 'new' })).statusCode).toBe(303)
    expect(await peopleCount()).toBe(people + 1)
    expect((await dc.get(`/imports/${id}/progress`)).json()).toMatchObject({ created: 2, review: 0 })
    const decided = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', id)
      .where('action', '=', 'import.row-decided')
      .execute()
    expect(decided).toHaveLength(2)
  })
})

describe('the background worker', () => {
  it('picks up an unfinished job after a restart, batch by batch, and skips a job another worker holds', async () => {
    const given = ['Adaeze', 'Bogdan', 'Catalina', 'Dritan', 'Esra', 'Florin']
    const family = ['Abara', 'Balan', 'Cela', 'Dervishi', 'Enache']
    const rows = [['Name', 'DOB']]
    for (let i = 0; i < BATCH_SIZE + 5; i++)
      rows.push([`${given[i % 6]} ${family[Math.floor(i / 6)]}`, `${1 + i}/${1 + (i % 12)}/19${60 + i}`])
    const user = await createUser(ctx, 'support')
    const actor = { userId: user.id }
    const { id } = await ctx.services.imports.upload(
      {
        source: 'Restart test',
        referralSource: 'partner-agency',
        filename: 'restart.csv',
        data: csvOf(rows),
        truncated: false,
      },
      actor,
    )
    await ctx.services.imports.setMapping(id, { Name: 'fullName', DOB: 'dateOfBirth' }, actor)
    await ctx.services.imports.start(id, actor)
    // As a crashed process leaves it: running, nobody working it.
    await ctx.db.updateTable('import_jobs').set({ status: 'running' }).where('id', '=', id).execute()
    // Unfinished: without JavaScript the progress page refreshes itself and offers a refresh link.
    const during = await dc.get(`/imports/${id}`)
    expect(during.body).toContain('<noscript><meta http-equiv="refresh" content="3"></noscript>')
    expect(during.body).toContain('Refresh to see progress')
    expect(during.body).toMatch(/<progress[^>]*max="30"[^>]*value="0"/)

    // Another instance holds the job's row: this one skips it rather than waiting or doubling the work.
    const held = ctx.db.transaction().execute(async (trx) => {
      await trx.selectFrom('import_jobs').select('id').where('id', '=', id).forUpdate().execute()
      await ctx.services.imports.work()
      return (await ctx.db.selectFrom('import_jobs').select('next_row').where('id', '=', id).executeTakeFirstOrThrow())
        .next_row
    })
    expect(await held).toBe(0)

    await ctx.services.imports.work()
    const job = await ctx.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    expect(job).toMatchObject({
      status: 'completed',
      next_row: BATCH_SIZE + 5,
      created_count: BATCH_SIZE + 5,
      failed_count: 0,
    })
    const batches = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id'])
      .where('subject_id', '=', id)
      .where('action', '=', 'import.batch-processed')
      .execute()
    expect(batches).toEqual([
      { action: 'import.batch-processed', actor_user_id: user.id },
      { action: 'import.batch-processed', actor_user_id: user.id },
    ])
  })
})

describe('API', () => {
  it('imports an XLSX file with a mapping in one request and reports status, counts and errors', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Export')
    sheet.addRow(['Forename', 'Surname', 'Birth date', 'Postcode'])
    sheet.addRow(['Tomasz', 'Kowalczyk', new Date(Date.UTC(1988, 8, 9)), 'M1 1AE'])
    sheet.addRow(['Piotr', 'Nowakowski', 'not a date', 'M1 1AE'])
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer())

    const boundary = '----lanternapitest'
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    const body = (fields: Record<string, string>, file: Buffer) =>
      Buffer.concat([
        Buffer.from(
          Object.entries(fields)
            .map(([k, v]) => part(k, v))
            .join(''),
        ),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ])
    const post = (fields: Record<string, string>, auth = token) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: { authorization: `Bearer ${auth}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: body(fields, xlsx),
      })

    const badMapping = await post({
      source: 'Police Scotland export',
      mapping: JSON.stringify({ Forename: 'shoeSize' }),
    })
    expect(badMapping.statusCode).toBe(400)
    expect(badMapping.headers['content-type']).toContain('application/problem+json')
    expect(badMapping.json().errors).toEqual([{ pointer: '/mapping', detail: '"shoeSize" is not a Lantern field' }])
    expect((await post({ source: 'Police Scotland export', mapping: '{not json' })).statusCode).toBe(400)

    const mapping = { Forename: 'givenName', Surname: 'familyName', 'Birth date': 'dateOfBirth', Postcode: 'postcode' }
    const created = await post({
      source: 'Police Scotland export',
      referralSource: 'police',
      mapping: JSON.stringify(mapping),
    })
    expect(created.statusCode, created.body).toBe(202)
    const id = created.json().id as string
    await finish()
    const status = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/imports/${id}`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(status.statusCode).toBe(200)
    expect(status.json()).toMatchObject({
      id,
      status: 'completed',
      totalRows: 2,
      processedRows: 2,
      counts: { created: 1, review: 0, failed: 1, alreadyImported: 0 },
      errors: [{ row: 3, message: 'Date of birth "not a date" must be a real date, like 27/3/1990' }],
    })
    const tomasz = await ctx.db
      .selectFrom('person_names')
      .innerJoin('people', 'people.id', 'person_names.person_id')
      .select(['people.date_of_birth'])
      .where('full_name', '=', 'Tomasz Kowalczyk')
      .executeTakeFirstOrThrow()
    expect(tomasz.date_of_birth).toBe('1988-09-09')

    // The mapping is remembered for the source: the next export needs none.
    const remembered = await post({ source: 'Police Scotland export' })
    expect(remembered.statusCode).toBe(202)
    await finish()
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/imports/${remembered.json().id}`,
          headers: { authorization: `Bearer ${token}` },
        })
      ).json().counts,
    ).toEqual({ created: 0, review: 0, failed: 1, alreadyImported: 1 })

    // An analyst may not import; a missing import is a 404 problem.
    expect((await post({ source: 'X', mapping: JSON.stringify(mapping) }, analystToken)).statusCode).toBe(403)
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/imports/0190a3c1-0000-7000-8000-000000000000',
          headers: { authorization: `Bearer ${token}` },
        })
      ).statusCode,
    ).toBe(404)
    const openapi = (await ctx.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/imports', '/api/v1/imports/{id}']))
  })
})
