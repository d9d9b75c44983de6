import * as echarts from 'echarts'
import { CHART_TEXT_PX } from '#src/shared/charts.ts'
import type { ChartSpec } from './statistics.service.ts'

// GOV.UK colours that stay distinguishable with common colour-vision deficiencies. The figures are in the
// table beside every chart, so colour never carries meaning alone.
const COLOURS = ['#1d70b8', '#d4351c', '#505a5f', '#00703c', '#f47738']

function shorten(label: string, max: number): string {
  return label.length > max ? label.slice(0, max - 1) + '…' : label
}

/**
 * A table's chart as an SVG document, drawn on the server and served as an image from its own route (inline,
 * its <style> element would break the strict CSP). Bars run sideways when there are many or long labels.
 */
export function chartSvg(spec: ChartSpec): string {
  const sideways = spec.kind === 'bar'
  const width = 720
  const height = sideways ? Math.max(240, 80 + spec.categories.length * (spec.series.length > 1 ? 46 : 34)) : 400
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    const categoryAxis = {
      type: 'category' as const,
      data: spec.categories.map((c) => shorten(c, sideways ? 28 : 20)),
      inverse: sideways,
      axisLabel: sideways
        ? { fontSize: CHART_TEXT_PX }
        : {
            fontSize: CHART_TEXT_PX,
            interval: spec.kind === 'line' ? 'auto' : 0,
            rotate: spec.categories.length > 4 ? 40 : 0,
          },
    }
    const valueAxis = {
      type: 'value' as const,
      minInterval: 1,
      name: spec.unit,
      nameLocation: 'middle' as const,
      nameGap: sideways ? 34 : 56,
      axisLabel: { fontSize: CHART_TEXT_PX },
      nameTextStyle: { fontSize: CHART_TEXT_PX },
    }
    const many = spec.categories.length > 40
    chart.setOption({
      animation: false,
      color: COLOURS,
      textStyle: { fontFamily: 'Arial, sans-serif', fontSize: CHART_TEXT_PX, color: '#0b0c0c' },
      legend: spec.series.length > 1 ? { top: 0, textStyle: { fontSize: CHART_TEXT_PX } } : undefined,
      grid: sideways
        ? { left: 310, right: 70, top: spec.series.length > 1 ? 44 : 14, bottom: 56 }
        : { left: 80, right: 24, top: spec.series.length > 1 ? 48 : 24, bottom: spec.categories.length > 4 ? 150 : 64 },
      xAxis: sideways ? valueAxis : categoryAxis,
      yAxis: sideways ? categoryAxis : valueAxis,
      series: spec.series.map((s) => ({
        name: s.name,
        type: spec.kind === 'line' ? 'line' : 'bar',
        data: s.values,
        showSymbol: spec.kind === 'line' && !many,
        label: {
          show: spec.kind !== 'line' && spec.categories.length <= 20,
          position: sideways ? 'right' : 'top',
          fontSize: CHART_TEXT_PX,
        },
      })),
    })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

/** Where each place of the route diagram sits, and which side of it its label goes. */
export type RouteNodePlace = { name: string; x: number; y: number; side: 'left' | 'right' }

/** Vertical room for one label of the route diagram: its text plus a gap. */
export const ROUTE_LABEL_ROW_PX = CHART_TEXT_PX + 12

/**
 * The route diagram's layout, made here rather than by the chart library's circle (which put every label to the right
 * of its place, so with many places they ran into each other): the places go round an ellipse in order, half down its
 * right side and half down its left, at evenly spaced heights at least a label's height apart, each label on the
 * outer side. Labels on one side never share a line, and the two sides' labels point away from each other. The
 * diagram grows taller with the number of places.
 */
export function routeLayout(names: readonly string[]): { width: number; height: number; places: RouteNodePlace[] } {
  const width = 1000
  const perSide = Math.ceil(names.length / 2)
  const span = Math.max(400, (perSide - 1) * ROUTE_LABEL_ROW_PX * 1.25)
  const height = Math.round(span + 140)
  const cx = width / 2
  const cy = height / 2
  const rx = 160
  const places = names.map((name, i): RouteNodePlace => {
    const right = i < perSide
    const k = right ? i : i - perSide
    const count = right ? perSide : names.length - perSide
    // Right side top to bottom, then left side bottom to top: round the ellipse clockwise, so neighbours stay near.
    const t = count === 1 ? 0.5 : k / (count - 1)
    const y = cy - span / 2 + (right ? t : 1 - t) * span
    const dy = (y - cy) / (span / 2 + 40)
    const dx = rx * Math.sqrt(Math.max(0, 1 - dy * dy))
    return { name, x: Math.round(right ? cx + dx : cx - dx), y: Math.round(y), side: right ? 'right' : 'left' }
  })
  return { width, height, places }
}

/**
 * The route diagram of the problem profile: places (countries, and named UK places) as points on a circle, each leg
 * of the journeys as an arrow whose width grows with the number of situations. Drawn from the data alone: no map
 * tiles from the internet, and the same figures are in the routes table beside it.
 */
export function routeMapSvg(graph: {
  nodes: { name: string; value: number }[]
  links: { source: string; target: string; value: number }[]
}): string {
  const { width, height, places } = routeLayout(graph.nodes.map((n) => n.name))
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    const most = Math.max(1, ...graph.links.map((l) => l.value))
    const biggest = Math.max(1, ...graph.nodes.map((n) => n.value))
    const at = new Map(places.map((p) => [p.name, p]))
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: 'Arial, sans-serif', fontSize: CHART_TEXT_PX, color: '#0b0c0c' },
      series: [
        {
          type: 'graph',
          layout: 'none',
          // Room for the labels beside the places; the layout's coordinates are fitted inside, in proportion.
          left: 290,
          right: 290,
          top: 40,
          bottom: 40,
          // Sizes are capped below a label row, so neighbouring places never touch.
          symbolSize: (value: number) => 10 + 10 * Math.sqrt(value / biggest),
          itemStyle: { color: COLOURS[0] },
          label: { show: true, fontSize: CHART_TEXT_PX, formatter: (p: { name: string }) => shorten(p.name, 24) },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 12,
          // With many legs their counts would crowd the middle: the table beside the diagram has every figure.
          edgeLabel: {
            show: graph.links.length <= 12,
            fontSize: CHART_TEXT_PX,
            formatter: (p: { value: number }) => String(p.value),
          },
          data: graph.nodes.map((n) => {
            const p = at.get(n.name)!
            return { name: n.name, value: n.value, x: p.x, y: p.y, label: { position: p.side } }
          }),
          links: graph.links.map((l) => ({
            source: l.source,
            target: l.target,
            value: l.value,
            lineStyle: { width: 1.5 + 6 * (l.value / most), color: COLOURS[2], curveness: 0.15, opacity: 0.9 },
          })),
        },
      ],
    })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
