/**
 * node --import tsx bench/cpu-profile.ts FILE.cpuprofile [TOP] [--per N] — where a CPU profile's time went.
 *
 * Reads a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' on
 * bench:http or bench:load) and prints self time summed by function (name and file:line) and by file or package,
 * then the inclusive (total) time of the functions that matter most to a request: each of the project's own
 * functions with everything it called. `--per N` also divides each figure by N (the requests or saves the
 * profiled run served) to give milliseconds per request. Idle time (`(idle)`) is left out of the shares.
 */
import { readFileSync } from 'node:fs'

type Node = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const args = process.argv.slice(2)
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a))
if (!file) {
  console.error('usage: bench/cpu-profile.ts FILE.cpuprofile [TOP] [--per N]')
  process.exit(2)
}
const top = Number(args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')) ?? 40)
const perIndex = args.indexOf('--per')
const per = perIndex >= 0 ? Number(args[perIndex + 1]) : 0
// --from-ms N / --to-ms N: only the samples taken that long after the profile started (e.g. the measured load,
// not the start-up and warm-up before it; bench/page-profile.ts prints the window).
const option = (name: string) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : undefined)
const fromMs = option('--from-ms') ?? 0
const toMs = option('--to-ms') ?? Infinity

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

// Only the samples in the window: a sample's delta is zeroed outside it.
let elapsed = 0
profile.timeDeltas = profile.timeDeltas.map((dt) => {
  elapsed += dt / 1000
  return elapsed >= fromMs && elapsed < toMs ? dt : 0
})

// Self time per node: each sample's delta belongs to the node sampled.
const self = new Map<number, number>()
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000))

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'nm:')
    .replace(/^.*?\/src\//, 'src/')
const where = (n: Node) => `${shortUrl(n.callFrame.url) || '(native)'}:${n.callFrame.lineNumber + 1}`
const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}`
const packageOf = (n: Node) => {
  const url = shortUrl(n.callFrame.url)
  if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)'
  if (url.startsWith('nm:')) {
    const parts = url.slice(3).split('/')
    return `nm:${parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`
  }
  if (url.startsWith('node:')) return url
  return url
}

const idle = [...self]
  .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
  .reduce((a, [, t]) => a + t, 0)
const total = [...self.values()].reduce((a, b) => a + b, 0)
const busy = total - idle

function tally(key: (n: Node) => string): [string, number][] {
  const sums = new Map<string, number>()
  for (const [id, t] of self) {
    const n = byId.get(id)!
    if (n.callFrame.functionName === '(idle)') continue
    sums.set(key(n), (sums.get(key(n)) ?? 0) + t)
  }
  return [...sums].sort((a, b) => b[1] - a[1])
}

// Inclusive time per function label: a sample counts once for every distinct label on its stack.
const inclusive = new Map<string, number>()
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000
  if (byId.get(id)!.callFrame.functionName === '(idle)') return
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const l = label(byId.get(at)!)
    if (seen.has(l)) continue
    seen.add(l)
    inclusive.set(l, (inclusive.get(l) ?? 0) + dt)
  }
})

const fmt = (ms: number) =>
  `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%${per ? `  ${(ms / per).toFixed(3).padStart(7)} ms/req` : ''}`
console.log(
  `${file}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy${per ? `, ${per} requests: ${(busy / per).toFixed(2)} ms CPU each` : ''}`,
)
console.log(`\nSelf time by function (top ${top}):`)
for (const [name, t] of tally(label).slice(0, top)) console.log(`${fmt(t)}  ${name}`)
console.log(`\nSelf time by file or package (top ${top}):`)
for (const [name, t] of tally(packageOf).slice(0, top)) console.log(`${fmt(t)}  ${name}`)
console.log(`\nInclusive time of the project's own functions (top ${top}):`)
for (const [name, t] of [...inclusive]
  .filter(([l]) => / src\//.test(l))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  console.log(`${fmt(t)}  ${name}`)
