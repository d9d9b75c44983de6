/**
 * Multiple Systems Estimation (MSE): how many people there may be in total, including those no source has
 * seen, from how the sources overlap. Log-linear (Poisson) models over the 2^K − 1 observed cells of the
 * overlap table, fitted by iteratively reweighted least squares; the unseen cell is the model's prediction
 * for "in no list" (exp of the intercept). Independence and two-way list interactions; the model is chosen by
 * AIC (BIC shown beside it); intervals are profile-likelihood intervals for the total (Cormack 1992), from the
 * multinomial likelihood of the completed table.
 *
 * The estimate rests on assumptions the data cannot check (closed population, no matching errors, the
 * highest-order interaction absent, homogeneous catchability within cells), which is why the page says so
 * and shows how the estimate moves between models.
 */

export type OverlapTable = {
  /** List names, in bit order: bit k of a cell's key is "seen by list k". */
  lists: readonly string[]
  /** People seen by exactly the lists in the key; key 0 (seen by none) is never observed. */
  counts: ReadonlyMap<number, number>
}

export type LogLinearModel = {
  /** Pairs of list indexes with a two-way interaction term. */
  interactions: readonly (readonly [number, number])[]
}

export type ModelFit = {
  name: string
  interactions: readonly (readonly [number, number])[]
  parameters: number
  degreesOfFreedom: number
  deviance: number
  logLikelihood: number
  aic: number
  bic: number
  /** Estimated people seen by no list; null when the model cannot give a finite estimate. */
  hidden: number | null
  total: number | null
  interval: { lower: number; upper: number | null } | null
  problem: string | null
}

export type MseResult =
  | { ok: false; observed: number; lists: readonly string[]; problem: string }
  | {
      ok: true
      observed: number
      lists: readonly string[]
      /** Lists that had nobody and were left out of the models. */
      droppedLists: readonly string[]
      fits: ModelFit[]
      chosenByAic: ModelFit
      chosenByBic: ModelFit
      cautions: string[]
    }

// ── Numerical pieces ────────────────────────────────────────────────────────────────────────────────────────

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** log Γ(x) for x > 0 (Lanczos, g = 7): accurate to about 15 digits, enough for likelihood differences. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let a = LANCZOS[0]
  const t = z + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i)
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Solves A x = b for a symmetric positive (semi-)definite A by Cholesky, with a tiny ridge if it is singular. */
function solveSpd(a: number[][], b: number[]): number[] | null {
  const n = b.length
  for (const ridge of [0, 1e-10, 1e-8, 1e-6]) {
    const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0))
    let ok = true
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = a[i][j] + (i === j ? ridge * (a[i][i] || 1) : 0)
        for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k]
        if (i === j) {
          if (!(sum > 1e-300)) {
            ok = false
            break
          }
          l[i][i] = Math.sqrt(sum)
        } else l[i][j] = sum / l[j][j]
      }
    }
    if (!ok) continue
    const y = new Array<number>(n).fill(0)
    for (let i = 0; i < n; i++) {
      let sum = b[i]
      for (let k = 0; k < i; k++) sum -= l[i][k] * y[k]
      y[i] = sum / l[i][i]
    }
    const x = new Array<number>(n).fill(0)
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i]
      for (let k = i + 1; k < n; k++) sum -= l[k][i] * x[k]
      x[i] = sum / l[i][i]
    }
    return x
  }
  return null
}

export type PoissonFit = {
  beta: number[]
  mu: number[]
  converged: boolean
  iterations: number
  logLikelihood: number
  deviance: number
}

/** A Poisson GLM with log link, by IRLS. Rows of `x` are cells; `y` their counts (zeros allowed). */
export function fitPoissonGlm(
  x: readonly (readonly number[])[],
  y: readonly number[],
  options: { maxIterations?: number; tolerance?: number; start?: readonly number[] } = {},
): PoissonFit {
  const maxIterations = options.maxIterations ?? 100
  const tolerance = options.tolerance ?? 1e-10
  const n = y.length
  const p = x[0]?.length ?? 0
  // A warm start (the fit at a neighbouring total, in the profile search) saves most of the iterations.
  let eta = options.start
    ? x.map((row) => row.reduce((s, v, k) => s + v * options.start![k], 0))
    : y.map((v) => Math.log(v + 0.5))
  let mu = eta.map((e) => Math.exp(Math.min(e, 700)))
  let beta = options.start ? [...options.start] : new Array<number>(p).fill(0)
  let deviance = Number.POSITIVE_INFINITY
  let converged = false
  let iterations = 0
  for (; iterations < maxIterations; iterations++) {
    const xtwx: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0))
    const xtwz = new Array<number>(p).fill(0)
    for (let i = 0; i < n; i++) {
      const w = mu[i]
      const z = eta[i] + (y[i] - mu[i]) / mu[i]
      const row = x[i]
      for (let a = 0; a < p; a++) {
        if (row[a] === 0) continue
        xtwz[a] += row[a] * w * z
        for (let b = 0; b <= a; b++) xtwx[a][b] += row[a] * w * row[b]
      }
    }
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) xtwx[a][b] = xtwx[b][a]
    const next = solveSpd(xtwx, xtwz)
    if (!next) break
    beta = next
    eta = x.map((row) => row.reduce((s, v, k) => s + v * beta[k], 0))
    mu = eta.map((e) => Math.exp(Math.min(e, 700)))
    const dev = poissonDeviance(y, mu)
    if (Math.abs(dev - deviance) < tolerance * (Math.abs(dev) + 0.1)) {
      deviance = dev
      converged = true
      iterations++
      break
    }
    deviance = dev
  }
  const logLikelihood = y.reduce((s, v, i) => s + (v > 0 ? v * Math.log(mu[i]) : 0) - mu[i] - logGamma(v + 1), 0)
  return { beta, mu, converged, iterations, logLikelihood, deviance }
}

function poissonDeviance(y: readonly number[], mu: readonly number[]): number {
  let d = 0
  for (let i = 0; i < y.length; i++) d += 2 * ((y[i] > 0 ? y[i] * Math.log(y[i] / mu[i]) : 0) - (y[i] - mu[i]))
  return d
}

// ── Models over an overlap table ───────────────────────────────────────────────────────────────────────────

function designRow(mask: number, k: number, interactions: LogLinearModel['interactions']): number[] {
  const row = [1]
  for (let i = 0; i < k; i++) row.push((mask >> i) & 1)
  for (const [a, b] of interactions) row.push(((mask >> a) & 1) * ((mask >> b) & 1))
  return row
}

export function modelName(lists: readonly string[], interactions: LogLinearModel['interactions']): string {
  if (interactions.length === 0) return 'Independence'
  return `Independence + ${interactions.map(([a, b]) => `${lists[a]} × ${lists[b]}`).join(', ')}`
}

/** Every model with up to `maxInteractions` two-way terms that leaves at least one residual degree of freedom or is just identified. */
export function candidateModels(k: number, maxInteractions = 3): LogLinearModel[] {
  const pairs: [number, number][] = []
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) pairs.push([a, b])
  const cells = 2 ** k - 1
  const models: LogLinearModel[] = []
  const choose = (start: number, chosen: [number, number][]) => {
    if (1 + k + chosen.length <= cells) models.push({ interactions: [...chosen] })
    if (chosen.length === maxInteractions) return
    for (let i = start; i < pairs.length; i++) choose(i + 1, [...chosen, pairs[i]])
  }
  choose(0, [])
  return models
}

const Z95_HALF_CHI2 = 3.841458820694124 / 2

/**
 * Profile log-likelihood of the total N under the model: the completed table (N − n people in the unseen
 * cell) is fitted, and the multinomial log-likelihood evaluated at its fitted cell probabilities.
 */
function profileLogLikelihood(
  n: number,
  observedRows: number[][],
  observedY: number[],
  zeroRow: number[],
  total: number,
  warm: { beta?: number[] },
): number {
  const missing = total - n
  const fit = fitPoissonGlm([zeroRow, ...observedRows], [missing, ...observedY], { start: warm.beta, tolerance: 1e-9 })
  if (fit.converged) warm.beta = fit.beta
  const y = [missing, ...observedY]
  let l = logGamma(total + 1) - logGamma(missing + 1)
  for (let i = 0; i < y.length; i++) if (y[i] > 0) l += y[i] * Math.log(fit.mu[i] / total)
  return l
}

function profileInterval(
  n: number,
  observedRows: number[][],
  observedY: number[],
  zeroRow: number[],
  pointHidden: number,
): { lower: number; upper: number | null } {
  const warm: { beta?: number[] } = {}
  const ll = (total: number) => profileLogLikelihood(n, observedRows, observedY, zeroRow, total, warm)
  // The maximum sits near the point estimate; refine it by golden-section search on a bracket around it.
  let lo = n
  let hi = n + Math.max(pointHidden * 3, 10)
  const phi = (Math.sqrt(5) - 1) / 2
  let a = hi - phi * (hi - lo)
  let b = lo + phi * (hi - lo)
  let fa = ll(a)
  let fb = ll(b)
  // A hundredth of a person is far finer than any figure shown.
  const precision = 0.01
  for (let i = 0; i < 80 && hi - lo > precision; i++) {
    if (fa > fb) {
      hi = b
      b = a
      fb = fa
      a = hi - phi * (hi - lo)
      fa = ll(a)
    } else {
      lo = a
      a = b
      fa = fb
      b = lo + phi * (hi - lo)
      fb = ll(b)
    }
  }
  const best = (lo + hi) / 2
  const target = ll(best) - Z95_HALF_CHI2
  const bisect = (inside: number, outside: number) => {
    for (let i = 0; i < 100 && Math.abs(outside - inside) > precision; i++) {
      const mid = (inside + outside) / 2
      if (ll(mid) >= target) inside = mid
      else outside = mid
    }
    return (inside + outside) / 2
  }
  const lower = ll(n) >= target ? n : bisect(best, n)
  let far = best + Math.max(best - n, 1)
  const cap = n * 1e4 + 1e4
  while (far < cap && ll(far) >= target) far = n + (far - n) * 2
  const upper = far >= cap ? null : bisect(best, far)
  return { lower, upper }
}

export const MSE_MIN_PEOPLE = 20

/** Fits every candidate model to the overlap table and chooses by AIC. */
export function estimateHiddenTotal(
  table: OverlapTable,
  options: { maxInteractions?: number; intervalsFor?: number } = {},
): MseResult {
  const observed = [...table.counts.values()].reduce((a, b) => a + b, 0)
  // Lists with nobody carry no information and make the model unidentifiable: leave them out, and say so.
  const perList = table.lists.map((_, k) =>
    [...table.counts].reduce((s, [mask, count]) => s + ((mask >> k) & 1 ? count : 0), 0),
  )
  const kept = table.lists.map((_, k) => k).filter((k) => perList[k] > 0)
  const droppedLists = table.lists.filter((_, k) => perList[k] === 0)
  const lists = kept.map((k) => table.lists[k])
  if (kept.length < 2)
    return {
      ok: false,
      observed,
      lists: table.lists,
      problem:
        'An estimate needs people recorded by at least two sources. Fewer than two sources have anyone in this period.',
    }
  if (observed < MSE_MIN_PEOPLE)
    return {
      ok: false,
      observed,
      lists: table.lists,
      problem: `An estimate needs at least ${MSE_MIN_PEOPLE} distinct people across the sources; this period has ${observed}. Any figure from so few would be noise.`,
    }
  const counts = new Map<number, number>()
  for (const [mask, count] of table.counts) {
    let m = 0
    kept.forEach((k, i) => {
      if ((mask >> k) & 1) m |= 1 << i
    })
    if (m) counts.set(m, (counts.get(m) ?? 0) + count)
  }
  const overlapping = [...counts].filter(([mask]) => mask & (mask - 1)).reduce((s, [, c]) => s + c, 0)
  if (overlapping === 0)
    return {
      ok: false,
      observed,
      lists: table.lists,
      problem:
        'No one appears in more than one source, so the sources tell us nothing about each other and any estimate would be unbounded.',
    }

  const k = kept.length
  const masks = Array.from({ length: 2 ** k - 1 }, (_, i) => i + 1)
  const y = masks.map((m) => counts.get(m) ?? 0)
  const fits: ModelFit[] = []
  // Five sources have 175 models with up to three interactions; up to two (55) keeps the page quick and still
  // shows how the estimate moves with the kind of dependence allowed.
  for (const model of candidateModels(k, options.maxInteractions ?? (k >= 5 ? 2 : 3))) {
    const rows = masks.map((m) => designRow(m, k, model.interactions))
    const fit = fitPoissonGlm(rows, y)
    const parameters = rows[0].length
    const hidden = Math.exp(fit.beta[0])
    let problem: string | null = null
    if (!fit.converged) problem = 'The model did not converge.'
    else if (!Number.isFinite(hidden) || hidden > 1e4 * observed + 1e4)
      problem = 'The model gives no finite estimate (a needed overlap is empty).'
    else if (fit.beta.some((b) => Math.abs(b) > 25))
      problem = 'The model is on the edge of the data (an overlap it relies on is empty); its estimate is not reliable.'
    fits.push({
      name: modelName(lists, model.interactions),
      interactions: model.interactions,
      parameters,
      degreesOfFreedom: masks.length - parameters,
      deviance: fit.deviance,
      logLikelihood: fit.logLikelihood,
      aic: 2 * parameters - 2 * fit.logLikelihood,
      bic: Math.log(observed) * parameters - 2 * fit.logLikelihood,
      hidden: problem ? null : hidden,
      total: problem ? null : observed + hidden,
      interval: null,
      problem,
    })
  }
  const usable = fits.filter((f) => f.problem === null)
  if (usable.length === 0)
    return {
      ok: false,
      observed,
      lists: table.lists,
      problem: 'None of the models gives a finite estimate from these overlaps; more matched records are needed.',
    }
  usable.sort((a, b) => a.aic - b.aic)
  const chosenByAic = usable[0]
  const chosenByBic = usable.reduce((a, b) => (b.bic < a.bic ? b : a))
  // Intervals cost a few dozen fits each: compute them for the models a reader will compare.
  const withInterval = new Set([
    chosenByAic,
    chosenByBic,
    ...usable.filter((f) => f.interactions.length === 0),
    ...usable.slice(0, options.intervalsFor ?? 8),
  ])
  for (const fit of withInterval) {
    const rows = masks.map((m) => designRow(m, k, fit.interactions))
    const zero = designRow(0, k, fit.interactions)
    fit.interval = profileInterval(observed, rows, y, zero, fit.hidden ?? 0)
  }
  const shown = [...withInterval].sort((a, b) => a.aic - b.aic)

  const cautions: string[] = []
  const smallCells = y.filter((v) => v < 5).length
  if (smallCells > 0)
    cautions.push(
      `${smallCells} of the ${y.length} overlap cells have fewer than 5 people; small cells make the estimate unstable.`,
    )
  if (k === 2)
    cautions.push(
      'With only two sources the only possible model assumes the sources are independent; dependence between them cannot be checked or allowed for.',
    )
  if (
    chosenByAic.interval &&
    (chosenByAic.interval.upper === null || chosenByAic.interval.upper > 3 * Math.max(chosenByAic.total ?? 0, 1))
  )
    cautions.push('The interval is very wide: the data barely constrain the hidden number.')
  const close = usable.filter((f) => f.aic - chosenByAic.aic < 2 && f.total !== null)
  const totals = close.map((f) => f.total as number)
  if (totals.length > 1 && Math.max(...totals) > 1.25 * Math.min(...totals))
    cautions.push(
      'Models that fit almost equally well give estimates more than 25% apart: read the range, not the single figure.',
    )
  if (droppedLists.length) cautions.push(`Left out because no one was recorded by them: ${droppedLists.join(', ')}.`)
  return { ok: true, observed, lists, droppedLists, fits: shown, chosenByAic, chosenByBic, cautions }
}
