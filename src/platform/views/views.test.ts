import nunjucks from 'nunjucks'
import { describe, expect, it } from 'vitest'
import { ROOT } from '#src/platform/paths.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { createNunjucks, navigation } from './views.ts'

describe('the trim filter (replacing Nunjucks’s backtracking one)', () => {
  const env = createNunjucks(ROOT)

  it('trims exactly what the built-in did, including non-breaking and line-separator spaces', () => {
    const builtIn = (s: string) => s.replace(/^\s*|\s*$/g, '')
    for (const text of ['  a b  ', '\n\t<p>x</p>\n  ', '\u00a0\ufeffx\u2028', '', '   ', 'no space']) {
      expect(env.renderString('{{ v | safe | trim }}', { v: text })).toBe(builtIn(text))
    }
  })

  it('keeps markup marked safe as safe, and escapes the rest', () => {
    expect(env.renderString('{{ v | safe | trim }}', { v: '  <b>x</b> ' })).toBe('<b>x</b>')
    expect(env.renderString('{{ v | trim }}', { v: '  <b>x</b> ' })).toBe('&lt;b&gt;x&lt;/b&gt;')
    expect(env.renderString('{{ v | trim }}', { v: new nunjucks.runtime.SafeString(' <i>y</i> ') })).toBe('<i>y</i>')
  })

  it('takes linear time on a long run of whitespace inside a component', () => {
    const text = `<div>${' '.repeat(40_000)}x${' '.repeat(40_000)}y</div>`
    const started = performance.now()
    expect(env.renderString('{{ v | safe | trim }}', { v: text })).toBe(text)
    // The built-in's backtracking takes seconds on this; a single pass takes well under a millisecond.
    expect(performance.now() - started).toBeLessThan(200)
  })
})

describe('the indent filter, set without a split, and relative imports resolved once', () => {
  const env = createNunjucks(ROOT)
  // Nunjucks's own indent, for comparison (lines split and joined).
  const builtIn = (text: string, width: number, first: boolean) =>
    text
      .split('\n')
      .map((line, i) => (i === 0 && !first ? line : `${' '.repeat(width)}${line}`))
      .join('\n')

  it('indents exactly as the built-in did, keeping safe markup safe and escaping the rest', () => {
    for (const text of ['a\nb\n\nc', 'one line', '\n', 'x\n  y\n'])
      for (const [width, first] of [
        [4, false],
        [2, true],
        [6, false],
      ] as const)
        expect(env.renderString(`{{ v | safe | indent(${width}, ${first}) }}`, { v: text })).toBe(
          builtIn(text, width, first),
        )
    expect(env.renderString('{{ v | indent }}', { v: '<b>\nx' })).toBe('&lt;b&gt;\n    x')
    expect(env.renderString('{{ v | indent(2) }}', { v: new nunjucks.runtime.SafeString('<b>\nx') })).toBe('<b>\n  x')
    expect(env.renderString('[{{ v | indent }}]', { v: null })).toBe('[]')
  })

  it('sets plain, dotted and loop variables, and writes up to the frame that holds a name', () => {
    const template = [
      '{% set a = 1 %}{% set o = { b: 1 } %}',
      '{% for x in [1, 2, 3] %}{% set a = a + x %}{{ loop.index }}{% endfor %}',
      '{% macro m(p) %}{% set p = p + 1 %}{{ p }}{% endmacro %}{{ m(5) }}',
      '{% if true %}{% set a = a * 10 %}{% endif %}:{{ a }}',
    ].join('')
    // What unpatched Nunjucks renders for the same template: a `set` in a loop or an `if` writes up to the frame
    // that holds the name (a = 1 + 1 + 2 + 3, then × 10), a macro's argument stays in the macro.
    expect(env.renderString(template, {})).toBe('1236:70')
  })

  it('renders a GOV.UK component that imports by relative path, twice, the same', () => {
    const button = '{% from "govuk/components/button/macro.njk" import govukButton %}{{ govukButton({ text: t }) }}'
    const first = env.renderString(button, { t: 'Save' })
    expect(first).toContain('Save')
    expect(env.renderString(button, { t: 'Save' })).toBe(first)
    expect(env.renderString(button, { t: 'Send' })).toContain('Send')
  })
})

describe('withOptions (a select over a long list)', () => {
  const env = createNunjucks(ROOT)
  const countries = [
    { value: 'AL', text: 'Albania' },
    { value: 'VN', text: 'Vietnam' },
    { value: 'X&', text: 'Côte <d’Ivoire> "quoted"' },
  ]
  const first = [{ value: '', text: 'Not known' }]
  const select = '{% from "govuk/components/select/macro.njk" import govukSelect %}'
  const fast = (selected: string, extra = '') =>
    env.renderString(
      `${select}{{ govukSelect({ id: "n", name: "n", label: { text: "Nationality" }${extra}, items: [] }) | withOptions(countries, selected, first) }}`,
      { countries, selected, first },
    )
  // What GOV.UK's own select makes of the same items, one by one.
  const govuk = (selected: string, extra = '') =>
    env.renderString(
      `${select}{{ govukSelect({ id: "n", name: "n", label: { text: "Nationality" }${extra}, items: items }) }}`,
      {
        items: [...first, ...countries].map((o) => ({ ...o, selected: o.value !== '' && o.value === selected })),
      },
    )
  const tight = (html: string) => html.replace(/>\s+</g, '><').trim()

  it('makes the same markup as GOV.UK’s select given every item, escaped alike', () => {
    for (const selected of ['VN', 'X&', '', 'nowhere']) expect(tight(fast(selected))).toBe(tight(govuk(selected)))
    const errored = ', errorMessage: { text: "Select a nationality" }, hint: { text: "As on their passport" }'
    expect(tight(fast('AL', errored))).toBe(tight(govuk('AL', errored)))
  })

  it('marks only the chosen option selected, after the fixed first items, and never the empty one', () => {
    const vietnam = fast('VN')
    expect(vietnam).toMatch(/<option value="VN" selected>Vietnam<\/option>/)
    expect(vietnam).not.toMatch(/value="AL" selected/)
    expect(vietnam.indexOf('Not known')).toBeLessThan(vietnam.indexOf('Albania'))
    expect(fast('')).not.toContain('selected')
    // The options built once for the list are not changed by a request that selected one of them.
    expect(fast('AL')).not.toMatch(/value="VN" selected/)
  })

  it('trusts only a rendered select: plain text is escaped, so it has no select to fill and is refused', () => {
    expect(() => env.renderString('{{ "<select></select>" | withOptions(countries, "AL") }}', { countries })).toThrow(
      /follows a govukSelect/,
    )
  })
})

describe('imports kept after the first render', () => {
  createNunjucks(ROOT) // turns the import cache on, as the app does
  const files: Record<string, string> = {
    'lib.njk': '{% set loaded = counted() %}{% macro hi(name) %}Hi {{ name }}{% endmacro %}',
    'page.njk': '{% from "lib.njk" import hi %}{{ hi(name) }}',
    'with-context.njk': '{% from "shout.njk" import shout with context %}{{ shout() }}',
    'shout.njk': '{% set loaded = counted() %}{% macro shout() %}{{ name | upper }}{% endmacro %}',
  }
  const loader = { getSource: (name: string) => ({ src: files[name], path: name, noCache: false }) }
  const env = new nunjucks.Environment(loader as unknown as nunjucks.ILoader, { autoescape: true })
  let runs = 0
  env.addGlobal('counted', () => ++runs)

  it('runs an imported file once, and its macros still use each render’s arguments', () => {
    runs = 0
    expect(['Ana', 'Ion', 'Maria'].map((name) => env.render('page.njk', { name }))).toEqual([
      'Hi Ana',
      'Hi Ion',
      'Hi Maria',
    ])
    expect(runs).toBe(1)
  })

  it('runs an import with context on every render, since it reads the page', () => {
    runs = 0
    expect(env.render('with-context.njk', { name: 'ana' })).toBe('ANA')
    expect(env.render('with-context.njk', { name: 'ion' })).toBe('ION')
    expect(runs).toBe(2)
  })

  it('renders GOV.UK components as before, each with its own parameters', () => {
    const app = createNunjucks(ROOT)
    const input = (extra: string) =>
      app.renderString(
        `{% from "govuk/components/input/macro.njk" import govukInput %}{{ govukInput({ id: "a", name: "a", label: { text: "Name" }${extra} }) }}`,
        {},
      )
    const plain = input('')
    const errored = input(', errorMessage: { text: "Enter a name" }')
    expect(errored).toContain('Enter a name')
    expect(errored).toContain('govuk-input--error')
    expect(input('')).toBe(plain)
    expect(plain).not.toContain('govuk-input--error')
  })
})

describe('the main menu', () => {
  const everything = {
    id: 'u',
    email: 'u@example.test',
    displayName: 'U',
    roleId: 'r',
    roleName: 'Everything',
    permissions: new Set([
      'referral:view',
      'referral:create',
      'case:view',
      'search:use',
      'partner-portal:use',
      'safeguarding-action:update-own',
      'audit:view',
      'settings:manage',
    ]),
  } as unknown as CurrentUser
  const current = (path: string) =>
    navigation(everything, path)
      .filter((i) => i.active)
      .map((i) => i.text)

  it.each([
    ['/referrals', 'Triage queue'],
    ['/referrals/0190a0b2-0000-7000-8000-000000000000', 'Triage queue'],
    ['/referrals/new', 'Record a referral'],
    ['/referrals/drafts/0190a0b2-0000-7000-8000-000000000000/people', 'Record a referral'],
    ['/partner', 'Shared with your agency'],
    ['/partner/figures', 'Referral figures'],
    ['/partner/exploitation-profile', 'How people are exploited'],
    ['/partner/actions', 'Actions'],
    ['/audit/log', 'Audit reports'],
    ['/audit/access-granted', 'Audit reports'],
    ['/operations', 'Operations'],
    ['/operations/0190a0b2-0000-7000-8000-000000000000', 'Operations'],
    ['/cases/0190a0b2-0000-7000-8000-000000000000', 'Live jobs'],
  ])('marks exactly one section on %s: %s', (path, section) => {
    expect(current(path)).toEqual([section])
  })

  it('marks nothing on a page outside every section', () => {
    expect(current('/account')).toEqual([])
  })
})

describe('the shared date field', () => {
  const env = createNunjucks(ROOT)
  const render = (call: string, values: object, errors: object) =>
    env.renderString(`{% from "macros/date-field.njk" import dateField %}{{ ${call} }}`, { values, errors })
  const marked = (html: string) =>
    [...html.matchAll(/<input\s+class="([^"]*)"[^>]*name="(\w+)-(day|month|year)"/g)]
      .filter((m) => m[1].includes('govuk-input--error'))
      .map((m) => m[3])

  it('shows the values typed, the message, and marks only the box the problem is about', () => {
    const html = render(
      'dateField("dueOn", "Due date", values, errors)',
      { 'dueOn-day': '3', 'dueOn-year': '2026' },
      { 'dueOn-month': 'Due date must include a month' },
    )
    expect(html).toContain('Due date must include a month')
    expect(html).toMatch(/name="dueOn-day"[^>]*value="3"/)
    expect(marked(html)).toEqual(['month'])
    expect(html).not.toContain('govuk-hint')
  })

  it('marks all three boxes for a whole-date problem where asked, and shows a hint', () => {
    const html = render(
      'dateField("from", "Linked from", values, errors, hint = "For example, 1 3 2025", wholeDate = true)',
      {},
      { 'from-day': 'Linked from must be a real date' },
    )
    expect(marked(html)).toEqual(['day', 'month', 'year'])
    expect(html).toContain('For example, 1 3 2025')
  })

  it('marks nothing when there is no problem', () => {
    expect(marked(render('dateField("on", "Date", values, errors, wholeDate = true)', {}, {}))).toEqual([])
  })
})
