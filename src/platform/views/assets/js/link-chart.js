// The link chart's network view: progressive enhancement only. Without JavaScript the page's tables carry the
// same people, identifiers and communities. Data comes from the page's JSON endpoint (data-url), never inline.
import cytoscape from '/assets/cytoscape/cytoscape.esm.min.mjs'

// Cytoscape adds a <style> element to <head> unless an element with this id exists. A strict CSP blocks inline
// styles, so the one rule it would add (position: relative) is in application.scss and this stands in for it.
const CYTOSCAPE_STYLESHEET_ID = '__________cytoscape_stylesheet'

// GOV.UK colours, distinguishable from one another; communities past the tenth reuse them.
const COMMUNITY_COLOURS = ['#1d70b8', '#00703c', '#d4351c', '#4c2c92', '#f47738', '#28a197', '#d53880', '#85994b', '#912b88', '#b58840']
const SHAPES = { person: 'ellipse', phone: 'round-rectangle', 'deal-line': 'round-rectangle', vehicle: 'rectangle', address: 'diamond', employer: 'hexagon', 'bank-account': 'triangle', email: 'tag', 'online-account': 'tag' }

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
        data: { id: n.id, label: n.kind === 'person' ? n.label : `${n.kindLabel}: ${n.label}`, colour: colour(n.community), shape: SHAPES[n.kind] ?? 'ellipse', href: n.kind === 'person' ? `/people/${n.entityId}` : n.type === 'object' ? `/objects/${n.entityId}` : `/places/${n.entityId}`, seed: n.steps === 0 ? 1 : 0 },
      })),
      ...data.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target } })),
    ],
    style: [
      { selector: 'node', style: { 'background-color': 'data(colour)', shape: 'data(shape)', label: 'data(label)', 'font-size': 16, 'text-wrap': 'ellipsis', 'text-max-width': 160, color: '#0b0c0c', width: 22, height: 22 } },
      { selector: 'node[seed = 1]', style: { width: 34, height: 34, 'border-width': 4, 'border-color': '#0b0c0c' } },
      { selector: 'edge', style: { width: 1.5, 'line-color': '#b1b4b6', 'curve-style': 'straight' } },
    ],
    layout: { name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 12000 },
  })
  // A label cut short in the chart is given in full under it when the pointer is on the node (the tables
  // below hold every label too, for the keyboard and screen readers).
  const full = root.querySelector('.lantern-link-chart__full-label')
  cy.on('mouseover', 'node', (event) => { full.textContent = event.target.data('label') })
  cy.on('mouseout', 'node', () => { full.textContent = '' })
  // Opening a node's page from the chart; keyboard users have the same links in the tables.
  cy.on('tap', 'node', (event) => window.location.assign(event.target.data('href')))
  root.dataset.rendered = 'true'
}

const root = document.querySelector('[data-module="lantern-link-chart"]')
if (root) draw(root).catch(() => { root.hidden = true })
