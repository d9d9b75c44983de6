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

/**
 * The route diagram of the problem profile: places (countries, and named UK places) as points on a circle, each leg
 * of the journeys as an arrow whose width grows with the number of situations. Drawn from the data alone: no map
 * tiles from the internet, and the same figures are in the routes table beside it.
 */
export function routeMapSvg(graph: {
  nodes: { name: string; value: number }[]
  links: { source: string; target: string; value: number }[]
}): string {
  const width = 720
  const height = 620
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    const most = Math.max(1, ...graph.links.map((l) => l.value))
    const biggest = Math.max(1, ...graph.nodes.map((n) => n.value))
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: 'Arial, sans-serif', fontSize: CHART_TEXT_PX, color: '#0b0c0c' },
      series: [
        {
          type: 'graph',
          layout: 'circular',
          circular: { rotateLabel: false },
          left: 150,
          right: 150,
          top: 60,
          bottom: 60,
          symbolSize: (value: number) => 14 + 26 * Math.sqrt(value / biggest),
          itemStyle: { color: COLOURS[0] },
          label: {
            show: true,
            position: 'right',
            fontSize: CHART_TEXT_PX,
            formatter: (p: { name: string }) => shorten(p.name, 24),
          },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 12,
          edgeLabel: { show: true, fontSize: CHART_TEXT_PX, formatter: (p: { value: number }) => String(p.value) },
          data: graph.nodes.map((n) => ({ name: n.name, value: n.value })),
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
