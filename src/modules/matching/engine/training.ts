import { COMPARISONS, FIELD, MISSING, comparePeople, newPairComparison } from './comparisons.ts'
import { MatchModel, defaultParameters, type MatchModelParameters } from './match-model.ts'
import type { PreparedPerson } from './person-record.ts'

/** Candidate pairs as parallel arrays of positions in the people array. */
export interface PairList {
  readonly left: Int32Array
  readonly right: Int32Array
}

export interface TrainingOptions {
  /** Random pairs for u (nearly all non-matches). */
  readonly maxRandomPairs?: number
  readonly maxIterations?: number
  readonly seed?: number
  /** Linkage: people[0, split) are one source, the rest the other; only cross pairs exist. */
  readonly linkSplit?: number
  /** Share of all candidate pairs that the list given represents, when it was built from a sample of people. */
  readonly candidateShare?: number
  /**
   * m values learnt elsewhere (how records of one person differ), kept as they are: only u and λ, which
   * describe the records held (how common each value is, how many records each person has), are estimated.
   */
  readonly fixedM?: MatchModelParameters
}

export interface TrainingReport {
  readonly randomPairs: number
  readonly candidatePairs: number
  readonly patterns: number
  readonly iterations: number
  /** Share of candidate pairs EM believes are matches. */
  readonly candidateMatchShare: number
  readonly expectedMatches: number
}

/** Small, seedable PRNG (mulberry32), so training and the synthetic data are reproducible. */
export function randomGenerator(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function emptyCounts(): Float64Array[] {
  return COMPARISONS.map((c) => new Float64Array(c.levels.length))
}

/** u from random pairs, as Splink's estimate_u_using_random_sampling: nearly every random pair is two people. */
export function estimateU(
  people: readonly PreparedPerson[],
  options: TrainingOptions = {},
  isCandidate?: (i: number, j: number) => boolean,
): { u: Float64Array[]; pairs: number; patterns: Pattern[]; outside: OutsideSample } {
  const n = people.length
  const split = options.linkSplit
  const total = split === undefined ? (n * (n - 1)) / 2 : split * (n - split)
  const pairs = Math.min(options.maxRandomPairs ?? 300_000, total)
  const random = randomGenerator(options.seed ?? 7)
  const counts = emptyCounts()
  const pair = newPairComparison()
  const byKey = new Map<string, Pattern>()
  const outsideByKey = new Map<string, Pattern>()
  let outsidePairs = 0
  for (let k = 0; k < pairs; k++) {
    let i: number
    let j: number
    if (split === undefined) {
      i = Math.floor(random() * n)
      j = Math.floor(random() * (n - 1))
      if (j >= i) j++
    } else {
      i = Math.floor(random() * split)
      j = split + Math.floor(random() * (n - split))
    }
    comparePeople(people[i], people[j], pair)
    for (let c = 0; c < counts.length; c++) if (pair.levels[c] !== MISSING) counts[c][pair.levels[c]]++
    const key = pair.levels.join(',')
    const hit = byKey.get(key)
    if (hit) hit.count++
    else byKey.set(key, { levels: Int8Array.from(pair.levels), count: 1 })
    if (isCandidate && !isCandidate(i, j)) {
      outsidePairs++
      const out = outsideByKey.get(key)
      if (out) out.count++
      else outsideByKey.set(key, { levels: Int8Array.from(pair.levels), count: 1 })
    }
  }
  const outside = isCandidate ? { patterns: [...outsideByKey.values()], pairs: outsidePairs } : null
  return { u: smoothedU(counts), pairs, patterns: [...byKey.values()], outside }
}

/**
 * The random pairs that blocking did not bring forward: a sample of the pairs outside the candidates, so the
 * matches blocking loses are counted in λ too (null when the candidates were found for a sample of people
 * only, and whether a random pair is a candidate is not known).
 */
type OutsideSample = { readonly patterns: readonly Pattern[]; readonly pairs: number } | null

// One pseudo-pair spread by the starting u keeps never-seen levels (a swapped date) finite; and a level
// seen fewer than half a time among the random pairs is taken to be that rare, no rarer: not seeing it in
// 300,000 pairs says its u is under about 1 in 100,000, not that it is 1 in 10^10 (which gave a swapped day
// and month 28 bits, enough to outweigh two different names).
function smoothedU(counts: readonly Float64Array[]): Float64Array[] {
  return counts.map((row, c) => {
    const seen = row.reduce((s, x) => s + x, 0)
    const floor = seen > 0 ? 0.5 / seen : 0
    const u = Float64Array.from(row, (x, l) => Math.max(floor, (x + COMPARISONS[c].levels[l].u) / (seen + 1)))
    const total = u.reduce((s, x) => s + x, 0)
    return u.map((x) => x / total)
  })
}

/** Whether the pair's given and family names both agree exactly (the date's m then depends on it). */
function namesAgree(levels: Int8Array): boolean {
  return levels[FIELD.givenName] === 0 && levels[FIELD.familyName] === 0
}

/** m and u, with the date's m among matches whose names both agree where training found it differs. */
interface Fitted {
  readonly m: readonly Float64Array[]
  readonly dateWhenNamesAgree: Float64Array | null
}

function mOf(fitted: Fitted, levels: Int8Array, c: number): Float64Array {
  return c === FIELD.dateOfBirth && fitted.dateWhenNamesAgree !== null && namesAgree(levels)
    ? fitted.dateWhenNamesAgree
    : fitted.m[c]
}

/**
 * u again, from the same random pairs, each counted by its chance of being two different people under the
 * current m, u and λ. A random pair is nearly always two people, but where people have several records each
 * (λ of 1 in 250 rather than 1 in a million) the few matches among random pairs inflate the u of agreeing
 * levels, and agreement then counts for less than it should: the probabilities shown come out too low.
 */
function decontaminatedU(
  random: readonly Pattern[],
  fitted: Fitted,
  u: readonly Float64Array[],
  lambda: number,
): Float64Array[] {
  const counts = emptyCounts()
  const prior = Math.log(lambda / (1 - lambda))
  const weights = new Float64Array(COMPARISONS.length)
  for (const p of random) {
    let ratio = prior
    for (let c = 0; c < p.levels.length; c++) {
      weights[c] = p.levels[c] === MISSING ? 0 : Math.log(mOf(fitted, p.levels, c)[p.levels[c]] / u[c][p.levels[c]])
      ratio += weights[c]
    }
    // Leave one out: whether a random pair is one person is judged, for each comparison's count, by the other
    // comparisons only. Judged by all, a level whose weight is already too high (a starting m no session
    // could check) makes its own random pairs look like matches, they are taken out of its u, its weight
    // rises further, and so on: a swapped date between two different names ended up counting as proof.
    for (let c = 0; c < p.levels.length; c++) {
      const l = p.levels[c]
      if (l === MISSING) continue
      const others = ratio - weights[c]
      counts[c][l] += p.count / (1 + Math.exp(others))
    }
  }
  return smoothedU(counts)
}

interface Pattern {
  levels: Int8Array
  count: number
}

function patternsOf(people: readonly PreparedPerson[], candidates: PairList): Pattern[] {
  const byKey = new Map<string, Pattern>()
  const pair = newPairComparison()
  for (let k = 0; k < candidates.left.length; k++) {
    comparePeople(people[candidates.left[k]], people[candidates.right[k]], pair)
    const key = pair.levels.join(',')
    const hit = byKey.get(key)
    if (hit) hit.count++
    else byKey.set(key, { levels: Int8Array.from(pair.levels), count: 1 })
  }
  return [...byKey.values()]
}

interface SessionResult {
  m: Float64Array[]
  /** Posterior-weighted number of matches among the session's pairs. */
  matches: number
  pairs: number
  /** Among matches, share with both values present, per comparison. */
  presence: Float64Array
  /** Share of the session's pairs with both values present, per comparison. */
  observed: Float64Array
  iterations: number
}

/**
 * One EM session over the candidate pairs that passed a training rule. u stays fixed at the random-sample
 * estimate; comparisons the rule conditioned on are left out, since every pair agrees on them by
 * construction (Splink's rule that a blocking column cannot be estimated in its own session).
 */
function emSession(
  patterns: readonly Pattern[],
  excluded: ReadonlySet<number>,
  u: readonly Float64Array[],
  maxIterations: number,
): SessionResult {
  let m = COMPARISONS.map((c) => Float64Array.from(c.levels, (l) => l.m))
  // Start by assuming matches are the minority: on national data most same-birthday or same-name pairs are
  // strangers, and starting at 0.5 lets EM settle on "same town" instead of "same person".
  let share = 0.1
  let pairs = 0
  const observed = new Float64Array(COMPARISONS.length)
  for (const p of patterns) {
    pairs += p.count
    for (let c = 0; c < p.levels.length; c++) if (p.levels[c] !== MISSING) observed[c] += p.count
  }
  for (let c = 0; c < observed.length; c++) observed[c] /= Math.max(1, pairs)
  let matches = 0
  const presence = new Float64Array(COMPARISONS.length)
  let iterations = 0
  for (; iterations < maxIterations; iterations++) {
    const counts = emptyCounts()
    presence.fill(0)
    matches = 0
    for (const p of patterns) {
      let lm = Math.log(share)
      let lu = Math.log(1 - share)
      for (let c = 0; c < p.levels.length; c++) {
        const l = p.levels[c]
        if (l === MISSING || excluded.has(c)) continue
        lm += Math.log(m[c][l])
        lu += Math.log(u[c][l])
      }
      const weight = p.count / (1 + Math.exp(lu - lm))
      matches += weight
      for (let c = 0; c < p.levels.length; c++) {
        const l = p.levels[c]
        if (l === MISSING) continue
        counts[c][l] += weight
        presence[c] += weight
      }
    }
    // A light pull towards the starting values keeps rare levels away from 0 and 1.
    const next = counts.map((row, c) => {
      const seen = row.reduce((sum, x) => sum + x, 0)
      return Float64Array.from(row, (x, l) => (x + COMPARISONS[c].levels[l].m * 0.5) / (seen + 0.5))
    })
    const nextShare = Math.min(0.999, Math.max(1e-6, matches / Math.max(1, pairs)))
    let change = Math.abs(nextShare - share)
    for (let c = 0; c < m.length; c++)
      if (!excluded.has(c))
        for (let l = 0; l < m[c].length; l++) change = Math.max(change, Math.abs(next[c][l] - m[c][l]))
    m = next
    share = nextShare
    if (change < 1e-7) break
  }
  for (let c = 0; c < presence.length; c++) presence[c] = matches > 0 ? presence[c] / matches : 0
  return { m, matches, pairs, presence, observed, iterations }
}

/** Low-cardinality comparisons: agreeing on them says little about who is who. */
const WEAK = new Set<number>([FIELD.sex, FIELD.region])

/**
 * Whether a session can estimate comparison c at all: EM tells matches from non-matches by the *other*
 * comparisons, so when the rule leaves nothing else to go on (a file of names and dates only, in the
 * same-name session, has only the date), the mixture is not identifiable and its m for c is noise.
 */
function identifies(session: SessionResult, excluded: ReadonlySet<number>, c: number): boolean {
  if (excluded.has(c)) return false
  for (let d = 0; d < session.observed.length; d++)
    if (d !== c && !excluded.has(d) && !WEAK.has(d) && session.observed[d] >= 0.5) return true
  return false
}

/**
 * Expected number of matches among *all* pairs, as EM over the whole pair space would have it: every pair
 * blocking did not bring forward is taken to be two people, and each candidate pair is a match with the
 * posterior its comparisons give under the prior λ, so λ must equal the expected matches over all pairs. The
 * fixed point λ = Σ posterior(λ) / total is found by bisection (the ratio Σ posterior(λ) / (λ · total) only
 * falls as λ grows).
 *
 * Not the match share of a mixture over the candidates alone: candidates were chosen for agreeing on names
 * (the blocking keys), so two different people among them agree on a name far more often than u, taken from
 * random pairs, says; a mixture over them credits that agreement to matches, and on a names-and-dates file
 * with many namesakes put λ eighteen times too high, every probability shown with it.
 */
function expectedMatchesOverAllPairs(
  patterns: readonly Pattern[],
  fitted: Fitted,
  u: readonly Float64Array[],
  candidatePairs: number,
  totalPairs: number,
  outside: OutsideSample = null,
): number {
  let counted = 0
  for (const p of patterns) counted += p.count
  if (counted === 0 || totalPairs <= 0) return 0
  const scale = candidatePairs / counted
  const ratio = (p: Pattern) => {
    let r = 0
    for (let c = 0; c < p.levels.length; c++)
      if (p.levels[c] !== MISSING) r += Math.log(mOf(fitted, p.levels, c)[p.levels[c]] / u[c][p.levels[c]])
    return r
  }
  const ratios = patterns.map(ratio)
  // Pairs outside the candidates stand for themselves through the random pairs that fell outside them.
  const outsidePatterns = outside && outside.pairs > 0 ? outside.patterns : []
  const outsideRatios = outsidePatterns.map(ratio)
  const outsideScale = outside && outside.pairs > 0 ? Math.max(0, totalPairs - candidatePairs) / outside.pairs : 0
  const expected = (lambda: number) => {
    const prior = Math.log(lambda / (1 - lambda))
    let sum = 0
    patterns.forEach((p, i) => (sum += p.count / (1 + Math.exp(-(prior + ratios[i])))))
    let beyond = 0
    outsidePatterns.forEach((p, i) => (beyond += p.count / (1 + Math.exp(-(prior + outsideRatios[i])))))
    return sum * scale + beyond * outsideScale
  }
  let low = Math.log(LAMBDA_MIN)
  let high = Math.log(LAMBDA_MAX)
  if (expected(Math.exp(low)) < Math.exp(low) * totalPairs) return LAMBDA_MIN * totalPairs
  if (expected(Math.exp(high)) >= Math.exp(high) * totalPairs) return LAMBDA_MAX * totalPairs
  for (let k = 0; k < 100; k++) {
    const mid = (low + high) / 2
    if (expected(Math.exp(mid)) >= Math.exp(mid) * totalPairs) low = mid
    else high = mid
  }
  return Math.exp(low) * totalPairs
}

const LAMBDA_MIN = 1e-12
const LAMBDA_MAX = 0.5

/** Training rules: pairs with the same date of birth, and pairs with the same given and family name. */
const SAME_DATE = new Set<number>([FIELD.dateOfBirth])
// Sex goes with the name rule: a given name nearly fixes it, so same-name non-matches agree on it too.
const SAME_NAME = new Set<number>([FIELD.givenName, FIELD.familyName, FIELD.sex])
const MIN_SESSION_PAIRS = 30
const M_FLOOR = 0.001

/** m by EM sessions under a given u, then λ. `candidatePairs` is the number of candidate pairs the patterns stand for. */
function fitM(
  patterns: readonly Pattern[],
  u: readonly Float64Array[],
  maxIterations: number,
  candidatePairs: number,
  totalPairs: number,
  fixedM: MatchModelParameters | undefined,
  outside: OutsideSample,
  sameNameDates: () => { histogram: Float64Array; scale: number } | null,
) {
  if (fixedM) {
    const m = fixedM.comparisons.map((c) => Float64Array.from(c.levels, (l) => l.m))
    const dateWhenNamesAgree = fixedM.dateWhenNamesAgree
      ? Float64Array.from(fixedM.dateWhenNamesAgree, (l) => l.m)
      : null
    const fitted = { m, dateWhenNamesAgree }
    const expectedMatches = expectedMatchesOverAllPairs(patterns, fitted, u, candidatePairs, totalPairs, outside)
    const lambda = Math.min(LAMBDA_MAX, Math.max(LAMBDA_MIN, expectedMatches / Math.max(1, totalPairs)))
    return { ...fitted, lambda, expectedMatches, dateSession: null, nameSession: null, wholeSession: null }
  }
  const byDate = patterns.filter((p) => p.levels[FIELD.dateOfBirth] === 0)
  const byName = patterns.filter((p) => p.levels[FIELD.givenName] === 0 && p.levels[FIELD.familyName] === 0)
  const count = (list: readonly Pattern[]) => list.reduce((sum, p) => sum + p.count, 0)
  const dateSession = count(byDate) >= MIN_SESSION_PAIRS ? emSession(byDate, SAME_DATE, u, maxIterations) : null
  const nameSession = count(byName) >= MIN_SESSION_PAIRS ? emSession(byName, SAME_NAME, u, maxIterations) : null
  // Without either rule (no dates and no names in common), fall back to one session over every candidate.
  const wholeSession = !dateSession && !nameSession ? emSession(patterns, new Set(), u, maxIterations) : null

  const sessionEstimates = COMPARISONS.map((_, c) => {
    const estimates: Float64Array[] = []
    if (dateSession && identifies(dateSession, SAME_DATE, c)) estimates.push(dateSession.m[c])
    if (nameSession && identifies(nameSession, SAME_NAME, c)) estimates.push(nameSession.m[c])
    if (wholeSession) estimates.push(wholeSession.m[c])
    return estimates
  })

  // A comparison no session could identify keeps its starting values: a global EM over every candidate
  // settles on "similar name" rather than "same person" when true pairs are few among the candidates.
  const m = COMPARISONS.map((spec, c) => {
    const estimates = sessionEstimates[c]
    if (estimates.length === 0) return Float64Array.from(spec.levels, (l) => l.m)
    // A floor on m: a level never seen among the training matches (a contradicting phone) is rare evidence
    // against, not proof; real referrals carry errors the training set may not.
    const mean = Float64Array.from(spec.levels, (_, l) =>
      Math.max(M_FLOOR, estimates.reduce((sum, e) => sum + e[l], 0) / estimates.length),
    )
    const total = mean.reduce((sum, x) => sum + x, 0)
    return mean.map((x) => x / total)
  })

  // The date where no session could estimate it (a file of names and dates): from pairs with the same given
  // and family name, whose dates, among two different people, are as random pairs' are (dateWhenNamesAgree).
  const sameName = sessionEstimates[FIELD.dateOfBirth].length === 0 ? sameNameDates() : null
  const estimate = sameName ? dateWhenNamesAgree(sameName.histogram, u[FIELD.dateOfBirth]) : null
  let fitted: Fitted = { m, dateWhenNamesAgree: estimate?.m ?? null }

  // λ: with m and u settled, the one remaining unknown, from the matches expected over all pairs (blocked
  // pairs that are not matches still disagree somewhere, so their posterior stays low).
  let expectedMatches = expectedMatchesOverAllPairs(patterns, fitted, u, candidatePairs, totalPairs, outside)
  if (sameName && estimate) {
    // How many matches have both names right is known too: the same-name matches among all matches. The
    // names' m, learnt from pairs born the same day, describe matches whose date is right, and their product
    // is not that share when a copy's slips fall in the names or the date, seldom both (a copy with its date
    // right has its slip in a name). The date's m when names agree carries the difference, so the pair's
    // m for "both names right, date at level l" is the share times the date's m. A few rounds with λ, which
    // depends on it (more matches expected, a smaller share: the rounds settle).
    //
    // And the date of the other matches, those with a name not quite right, is no longer the starting guess:
    // the matches born the same day (the same-birthday session counts them) are those with both names right
    // and the date right, plus those with a name wrong and the date right. How many matches have a slip in
    // both a name and the date no session can say (neither rule brings them forward, and λ counts them only
    // through the m being estimated, which fed on itself when tried: every match it added made a wrong date
    // look likelier among matches, which added more); they are taken to be rare, one pseudo-match spread by
    // the starting values, as for the date when names agree.
    const names = m[FIELD.givenName][0] * m[FIELD.familyName][0]
    const sameNameMatches = estimate.matches * sameName.scale
    let counted = 0
    for (const p of patterns) counted += p.count
    const sameDayMatches = dateSession && counted > 0 ? (dateSession.matches * candidatePairs) / counted : null
    const start = COMPARISONS[FIELD.dateOfBirth].levels.map((l) => l.m)
    for (let round = 0; round < 3 && expectedMatches > 0; round++) {
      const share = Math.min(1, sameNameMatches / expectedMatches)
      // Never more than all matches: the pair's m for both names right stays at most 1.
      const factor = share / names
      const rows = m.slice()
      if (sameDayMatches !== null) {
        const nameWrong = Math.max(0, sameDayMatches - sameNameMatches * estimate.m[0])
        const row = Float64Array.from(start, (x, l) =>
          Math.max(M_FLOOR, (l === 0 ? nameWrong : x / (1 - start[0])) / (nameWrong + 1)),
        )
        const total = row.reduce((sum, x) => sum + x, 0)
        rows[FIELD.dateOfBirth] = row.map((x) => x / total)
      }
      fitted = { m: rows, dateWhenNamesAgree: estimate.m.map((x) => x * factor) }
      expectedMatches = expectedMatchesOverAllPairs(patterns, fitted, u, candidatePairs, totalPairs, outside)
    }
  }
  const lambda = Math.min(LAMBDA_MAX, Math.max(LAMBDA_MIN, expectedMatches / Math.max(1, totalPairs)))
  return { ...fitted, lambda, expectedMatches, dateSession, nameSession, wholeSession }
}

/** Fewest matches among the same-name pairs for dateWhenNamesAgree to estimate anything from. */
const MIN_SAME_NAME_MATCHES = 10
/** Same-name pairs compared at most; beyond this they are sampled. */
const MAX_SAME_NAME_PAIRS = 100_000

/**
 * The date's m among matches whose given and family names both agree, from the levels of every pair of
 * records sharing both names (a histogram by date level). With nothing else to compare, a two-class mixture
 * over these pairs cannot be identified from the date alone (any share of matches fits), so one assumption
 * pins it: the date levels that count against a match ("within five years", "further apart") hold as many
 * matches as the starting m says, and no more. Everything else in them is two namesakes, whose dates are as
 * random pairs' are; that fixes how many namesakes there are, and what they leave in the other levels,
 * above what u predicts, is the matches. Those levels are summed together, so namesakes born close together
 * (names go in and out of fashion) move weight from one to the other without changing the count. Returns
 * null when the pairs hold too few matches to say.
 */
export function dateWhenNamesAgree(
  histogram: Float64Array,
  u: Float64Array,
): { m: Float64Array; matches: number } | null {
  const levels = COMPARISONS[FIELD.dateOfBirth].levels
  let pairs = 0
  let against = 0
  let uAgainst = 0
  let mAgainst = 0
  levels.forEach((l, i) => {
    pairs += histogram[i]
    if (l.agreement !== 'disagree') return
    against += histogram[i]
    uAgainst += u[i]
    mAgainst += l.m
  })
  if (pairs === 0 || uAgainst <= mAgainst) return null
  // against = strangers·uAgainst + (pairs − strangers)·mAgainst
  const strangers = Math.min(pairs, Math.max(0, (against - pairs * mAgainst) / (uAgainst - mAgainst)))
  const matches = pairs - strangers
  if (matches < MIN_SAME_NAME_MATCHES) return null
  // One pseudo-match spread by the starting m keeps a level the sample happens to miss from reading as never.
  const m = Float64Array.from(levels, (l, i) => {
    const excess = l.agreement === 'disagree' ? matches * l.m : Math.max(0, histogram[i] - strangers * u[i])
    return Math.max(M_FLOOR, (excess + l.m) / (matches + 1))
  })
  const total = m.reduce((sum, x) => sum + x, 0)
  return { m: m.map((x) => x / total), matches }
}

/**
 * Date levels of pairs of records that share both names exactly, counted from the records themselves, not
 * from the candidates: blocking brings namesakes forward partly by their birth year, so among candidates
 * namesakes born near each other would be over-represented, and read as matches.
 */
function sameNameDateHistogram(people: readonly PreparedPerson[], linkSplit: number | undefined, seed: number) {
  const groups = new Map<string, number[]>()
  people.forEach((p, i) => {
    const keys = new Set<string>()
    for (const n of p.names) if (n.givenJoined && n.family) keys.add(`${n.givenJoined}|${n.family}`)
    for (const k of keys) {
      const g = groups.get(k)
      if (g) g.push(i)
      else groups.set(k, [i])
    }
  })
  const lists = [...groups.values()].filter((g) => g.length > 1)
  const sizes = lists.map((g) => (g.length * (g.length - 1)) / 2)
  const total = sizes.reduce((sum, x) => sum + x, 0)
  const histogram = new Float64Array(COMPARISONS[FIELD.dateOfBirth].levels.length)
  const pair = newPairComparison()
  const seen = new Set<number>()
  const n = people.length
  const add = (i: number, j: number) => {
    if (i === j) return
    if (linkSplit !== undefined && i < linkSplit === j < linkSplit) return
    const key = i < j ? i * n + j : j * n + i
    if (seen.has(key)) return
    seen.add(key)
    comparePeople(people[i], people[j], pair)
    const level = pair.levels[FIELD.dateOfBirth]
    if (level !== MISSING && namesAgree(pair.levels)) histogram[level]++
  }
  if (total <= MAX_SAME_NAME_PAIRS) {
    for (const g of lists) for (let a = 0; a < g.length; a++) for (let b = a + 1; b < g.length; b++) add(g[a], g[b])
  } else {
    // Sampled in proportion to each group's pairs, so a common name counts as often as it occurs.
    const random = randomGenerator(seed)
    const cumulative = new Float64Array(sizes.length)
    sizes.reduce((sum, x, k) => (cumulative[k] = sum + x), 0)
    for (let k = 0; k < MAX_SAME_NAME_PAIRS; k++) {
      const r = random() * total
      let low = 0
      let high = cumulative.length - 1
      while (low < high) {
        const mid = (low + high) >> 1
        if (cumulative[mid] > r) high = mid
        else low = mid + 1
      }
      const g = lists[low]
      const a = Math.floor(random() * g.length)
      let b = Math.floor(random() * (g.length - 1))
      if (b >= a) b++
      add(g[a], g[b])
    }
  }
  const counted = histogram.reduce((sum, x) => sum + x, 0)
  // scale: how many same-name pairs each one counted stands for (more than one when they were sampled).
  return counted >= MIN_SESSION_PAIRS ? { histogram, scale: Math.max(1, total / Math.max(1, seen.size)) } : null
}

/**
 * Unsupervised training, as Splink does it: u from random sampling; m by expectation–maximisation in two
 * sessions over the blocked candidates — pairs born the same day (estimates the name and other m values) and
 * pairs with the same name (estimates the date-of-birth m and the others again, averaged); λ as the share of
 * matches expected over all pairs (expectedMatchesOverAllPairs). No labels are read.
 */
export function trainModel(
  people: readonly PreparedPerson[],
  candidates: PairList,
  options: TrainingOptions = {},
): { model: MatchModel; report: TrainingReport } {
  const start = defaultParameters()
  // Whether a random pair is a candidate is known only when the candidates are every record's (no sample).
  const everyone = (options.candidateShare ?? 1) === 1
  const n = people.length
  const listed = new Set<number>()
  if (everyone)
    for (let k = 0; k < candidates.left.length; k++) {
      const a = candidates.left[k]
      const b = candidates.right[k]
      listed.add(a < b ? a * n + b : b * n + a)
    }
  const {
    u: uRandom,
    pairs: randomPairs,
    patterns: random,
    outside,
  } = estimateU(people, options, everyone ? (i, j) => listed.has(i < j ? i * n + j : j * n + i) : undefined)
  const patterns = patternsOf(people, candidates)
  const maxIterations = options.maxIterations ?? 200
  const totalPairs = options.linkSplit === undefined ? (n * (n - 1)) / 2 : options.linkSplit * (n - options.linkSplit)
  const scale = 1 / (options.candidateShare ?? 1)
  let u = uRandom
  let histogram: { histogram: Float64Array; scale: number } | null | undefined
  const sameNameDates = () =>
    histogram === undefined
      ? (histogram = sameNameDateHistogram(people, options.linkSplit, options.seed ?? 7))
      : histogram
  const fitOnce = () =>
    fitM(patterns, u, maxIterations, candidates.left.length * scale, totalPairs, options.fixedM, outside, sameNameDates)
  let fit = fitOnce()
  // Two more rounds with u taken from the random pairs that are not matches (see decontaminatedU).
  for (let round = 0; round < 2; round++) {
    u = decontaminatedU(random, fit, u, fit.lambda)
    fit = fitOnce()
  }
  const { m, lambda, expectedMatches, dateSession, nameSession, wholeSession, dateWhenNamesAgree: dateNames } = fit
  const parameters: MatchModelParameters = {
    version: 1,
    lambda,
    tfMinimumU: start.tfMinimumU,
    comparisons: COMPARISONS.map((c, i) => ({
      field: c.field,
      levels: c.levels.map((l, j) => ({ code: l.code, m: m[i][j], u: u[i][j] })),
    })),
    ...(dateNames
      ? {
          dateWhenNamesAgree: COMPARISONS[FIELD.dateOfBirth].levels.map((l, j) => ({ code: l.code, m: dateNames[j] })),
        }
      : {}),
    trainedAt: new Date().toISOString(),
    notes: options.fixedM
      ? `unsupervised: u from ${randomPairs} random pairs and λ from these records; m kept from a model trained elsewhere`
      : `unsupervised: u from ${randomPairs} random pairs; m by EM over ${dateSession?.pairs ?? 0} same-birthday and ${nameSession?.pairs ?? 0} same-name candidate pairs`,
  }
  return {
    model: new MatchModel(parameters),
    report: {
      randomPairs,
      candidatePairs: candidates.left.length,
      patterns: patterns.length,
      iterations: Math.max(dateSession?.iterations ?? 0, nameSession?.iterations ?? 0, wholeSession?.iterations ?? 0),
      candidateMatchShare: expectedMatches / scale / Math.max(1, candidates.left.length),
      expectedMatches,
    },
  }
}
