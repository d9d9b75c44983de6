// The link chart's network view: progressive enhancement only. Without JavaScript the page's tables carry the
// same people, identifiers and communities. Data comes from the page's JSON endpoint (data-url), never inline.
import cytoscape from '/assets/cytoscape/cytoscape.esm.min.mjs'

// Cytoscape adds a <style> element to <head> unless an element with this id exists. A strict CSP blocks inline
// styles, so the one rule it would add (position: relative) is in application.scss and this stands in for it.
const CYTOSCAPE_STYLESHEET_ID = '__________cytoscape_stylesheet'

// GOV.UK colours, distinguishable from one another; communities past the tenth reuse them.
const COMMUNITY_COLOURS = ['#1d70b8', '#00703c', '#d4351c', '#4c2c92', '#f47738', '#28a197', '#d53880', '#85994b', '#912b88', '#b58840']
const SHAPES = { person: 'ellipse', phone: 'round-rectangle', 'deal-line': 'round-rectangle', vehicle: 'rectangle', address: 'diamond', employer: 'hexagon', 'bank-account': 'triangle', email: 'tag', 'online-account': 'tag' }
// What a node is decides its colour (and, for people, its shape): victims, suspects, places, objects and
// businesses each look different, as the key under the chart says. Communities are in the tables.
const CATEGORY_COLOURS = { victim: '#1d70b8', suspect: '#d4351c', person: '#505a5f', place: '#00703c', object: '#f47738', business: '#4c2c92' }
const CATEGORY_SHAPES = { victim: 'ellipse', suspect: 'octagon', person: 'ellipse' }

// The smallest focus target round a node (WCAG 2.5.8 asks for 24 px), and the gap the ring keeps from it.
const MIN_TARGET = 24
const RING_GAP = 8

/**
 * The keyboard's way into the chart: a link laid over each node, in the chart's list, one tab stop for the
 * whole chart (the arrow keys, Home and End move between nodes; Enter opens the node's page). The links follow
 * the nodes as the chart is panned, zoomed or a node dragged; the pointer passes through them to the chart.
 */
function focusableNodes(list, cy, showLabel, hideLabel) {
  const entries = cy.nodes().map((node) => {
    const item = document.createElement('li')
    const link = document.createElement('a')
    link.className = 'lantern-link-chart__node'
    link.href = node.data('href')
    link.tabIndex = -1
    const name = document.createElement('span')
    name.className = 'govuk-visually-hidden'
    name.textContent = node.data('seed') === 1 ? `${node.data('label')} (the person this chart is about)` : node.data('label')
    link.append(name)
    item.append(link)
    list.append(item)
    link.addEventListener('focus', () => {
      for (const entry of entries) entry.link.tabIndex = entry.link === link ? 0 : -1
      node.addClass('focused')
      showLabel(node)
    })
    link.addEventListener('blur', () => {
      node.removeClass('focused')
      hideLabel()
    })
    return { node, link }
  })
  if (!entries.length) return
  entries[0].link.tabIndex = 0
  list.addEventListener('keydown', (event) => {
    const at = entries.findIndex((entry) => entry.link === document.activeElement)
    if (at < 0) return
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: entries.length - 1 }[event.key]
    if (to === undefined) return
    event.preventDefault()
    entries[(to + entries.length) % entries.length].link.focus()
  })
  const place = () => {
    for (const { node, link } of entries) {
      const { x, y } = node.renderedPosition()
      const size = Math.max(node.renderedOuterWidth(), MIN_TARGET) + RING_GAP
      link.style.left = `${x - size / 2}px`
      link.style.top = `${y - size / 2}px`
      link.style.width = `${size}px`
      link.style.height = `${size}px`
    }
  }
  place()
  cy.on('render', place)
}

async function draw(root) {
  const response = await fetch(root.dataset.url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
  if (!response.ok) return
  const data = await response.json()
  if (!document.getElementById(CYTOSCAPE_STYLESHEET_ID)) {
    const placeholder = document.createElement('meta')
    placeholder.id = CYTOSCAPE_STYLESHEET_ID
    document.head.append(placeholder)
  }
  root.hidden = false
  const container = root.querySelector('.lantern-link-chart__canvas')
  const colour = (community) => (community ? COMMUNITY_COLOURS[(community - 1) % COMMUNITY_COLOURS.length] : '#505a5f')
  const cy = cytoscape({
    container,
    elements: [
      ...data.nodes.map((n) => ({
        data: { id: n.id, label: n.kind === 'person' ? n.label : `${n.kindLabel}: ${n.label}`, colour: CATEGORY_COLOURS[n.category] ?? colour(n.community), shape: CATEGORY_SHAPES[n.category] ?? SHAPES[n.kind] ?? 'ellipse', href: n.kind === 'person' ? `/people/${n.entityId}` : n.type === 'object' ? `/objects/${n.entityId}` : `/places/${n.entityId}`, seed: n.steps === 0 ? 1 : 0 },
      })),
      ...data.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target } })),
    ],
    style: [
      { selector: 'node', style: { 'background-color': 'data(colour)', shape: 'data(shape)', label: 'data(label)', 'font-size': 16, 'text-wrap': 'ellipsis', 'text-max-width': 160, color: '#0b0c0c', width: 22, height: 22 } },
      { selector: 'node[seed = 1]', style: { width: 34, height: 34, 'border-width': 4, 'border-color': '#0b0c0c' } },
      { selector: 'node.focused', style: { 'font-weight': 'bold' } },
      { selector: 'edge', style: { width: 1.5, 'line-color': '#b1b4b6', 'curve-style': 'straight' } },
    ],
    layout: { name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 12000 },
  })
  // A label cut short in the chart is given in full under it while the pointer is on the node or the node has
  // the keyboard's focus (the tables below hold every label too).
  const full = root.querySelector('.lantern-link-chart__full-label')
  const showLabel = (node) => { full.textContent = node.data('label') }
  const hideLabel = () => { full.textContent = '' }
  cy.on('mouseover', 'node', (event) => showLabel(event.target))
  // The pointer leaving a node gives the label back to the node with the keyboard's focus, if one has it.
  cy.on('mouseout', 'node', () => { const focused = cy.nodes('.focused'); if (focused.length) showLabel(focused[0]); else hideLabel() })
  // Opening a node's page from the chart.
  cy.on('tap', 'node', (event) => window.location.assign(event.target.data('href')))
  focusableNodes(root.querySelector('.lantern-link-chart__nodes'), cy, showLabel, hideLabel)
  root.dataset.rendered = 'true'
}

const root = document.querySelector('[data-module="lantern-link-chart"]')
if (root) draw(root).catch(() => { root.hidden = true })
