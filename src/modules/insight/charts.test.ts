import { describe, expect, it } from 'vitest'
import { impactChartSvg } from '#src/modules/outreach/outreach.chart.ts'
import { CHART_TEXT_PX } from '#src/shared/charts.ts'
import { chartSvg, routeLayout, routeMapSvg, ROUTE_LABEL_ROW_PX } from './charts.ts'

/** Every font size an SVG chart sets, in px. */
const fontSizes = (svg: string) => [...svg.matchAll(/font-size:\s*([\d.]+)px/g)].map((m) => Number(m[1]))

describe('charts', () => {
  const charts = {
    'a sideways bar chart with a legend': chartSvg({
      kind: 'bar',
      categories: ['Sexual exploitation', 'Labour exploitation', 'Criminal exploitation (including County Lines)'],
      series: [
        { name: 'Referrals', values: [3, 4, 9] },
        { name: 'Victims', values: [2, 3, 7] },
      ],
      unit: 'Referrals',
    }),
    'a column chart': chartSvg({
      kind: 'column',
      categories: ['Jan', 'Feb', 'Mar'],
      series: [{ name: 'Referrals', values: [1, 0, 5] }],
      unit: 'Referrals',
    }),
    'a line chart': chartSvg({
      kind: 'line',
      categories: Array.from({ length: 30 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
      series: [{ name: 'Referrals', values: Array.from({ length: 30 }, (_, i) => i % 7) }],
      unit: 'Referrals',
    }),
    'the outreach before-and-after chart': impactChartSvg(
      [
        { label: 'Car washes', before: 1, after: 4 },
        { label: 'Nail bars', before: 0, after: 2 },
      ],
      { beforeLabel: '28 days before', afterLabel: '28 days from the event' },
    ),
  }

  it.each(Object.entries(charts))(
    'draws no word in %s smaller than the body text of its table (19px)',
    (_name, svg) => {
      const sizes = fontSizes(svg)
      expect(sizes.length).toBeGreaterThan(0)
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(19)
    },
  )

  it('names each series in a legend when colour tells them apart', () => {
    expect(charts['a sideways bar chart with a legend']).toContain('>Victims<')
    expect(charts['the outreach before-and-after chart']).toContain('>28 days from the event<')
  })
})

describe('the route diagram', () => {
  const names = Array.from({ length: 30 }, (_, i) => `Place number ${i} on the route`)
  const svg = routeMapSvg({
    nodes: names.map((name, i) => ({ name, value: i + 1 })),
    links: names.slice(1).map((name, i) => ({ source: names[i], target: name, value: 1 + (i % 3) })),
  })
  // Each place's label: its anchor (start: to the right of the place, end: to its left) and where it is drawn.
  const labels = [
    ...svg.matchAll(/<text[^>]*text-anchor="(start|end)"[^>]*translate\(([\d.]+) ([\d.]+)\)[^>]*>([^<]*)<\/text>/g),
  ]
    .filter((m) => m[4].startsWith('Place number'))
    .map((m) => ({ side: m[1], x: Number(m[2]), y: Number(m[3]), text: m[4] }))
  const width = Number(/<svg[^>]*width="(\d+)"/.exec(svg)![1])

  it('labels every place, however many there are, each on the outer side of its place', () => {
    expect(labels).toHaveLength(30)
    expect(new Set(labels.map((l) => l.side))).toEqual(new Set(['start', 'end']))
    const right = Math.min(...labels.filter((l) => l.side === 'start').map((l) => l.x))
    const left = Math.max(...labels.filter((l) => l.side === 'end').map((l) => l.x))
    expect(right).toBeGreaterThan(left)
  })

  it('keeps labels on the same side at least a line apart, and inside the picture', () => {
    for (const side of ['start', 'end']) {
      const ys = labels
        .filter((l) => l.side === side)
        .map((l) => l.y)
        .sort((a, b) => a - b)
      for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(CHART_TEXT_PX + 4)
    }
    // Arial is at most about 0.6 of its size wide per character.
    const textWidth = (text: string) => text.length * CHART_TEXT_PX * 0.6
    for (const l of labels)
      if (l.side === 'start') expect(l.x + textWidth(l.text), l.text).toBeLessThanOrEqual(width)
      else expect(l.x - textWidth(l.text), l.text).toBeGreaterThanOrEqual(0)
  })

  it('lays out a few places as well as many', () => {
    for (const n of [1, 2, 3, 7, 40]) {
      const { places } = routeLayout(Array.from({ length: n }, (_, i) => `P${i}`))
      expect(places).toHaveLength(n)
      for (const side of ['left', 'right']) {
        const ys = places.filter((p) => p.side === side).map((p) => p.y)
        for (let i = 1; i < ys.length; i++)
          expect(Math.abs(ys[i] - ys[i - 1])).toBeGreaterThanOrEqual(ROUTE_LABEL_ROW_PX)
      }
    }
  })
})
