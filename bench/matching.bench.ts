/**
 * npm run bench:matching                      every labelled set under ../shared/data/er/, then a summary table
 * npm run bench:matching -- FILE [FILE2] [--use-ssn] [--threshold 0.5] [--train-on FILE [--m-only]]
 * npm run bench:matching -- --scaled fake-style|rldata-style [--threshold 0.5]   one generated set (scaled-sets.ts)
 *
 * Scores one labelled CSV (deduplication) or two (linkage) with Lantern's person matcher, trained without
 * labels on the records themselves, and prints one JSON line per run with, kept apart:
 * - blocking: the share of true pairs blocking brings forward (pairs it loses count as misses everywhere),
 *   candidate pairs per record and the most any one record brought;
 * - pairwise: precision, recall and F1 at the threshold (p ≥ 0.5, as Splink reports);
 * - clusters: B-cubed precision and recall, pairwise precision and recall within clusters and the share of
 *   clusters holding two or more true people, for the grouping that refuses to chain (clustering.ts) and,
 *   for comparison, for plain connected components;
 * - calibration: expected calibration error over the candidate pairs of the records the model learnt from,
 *   and with the model trained on half the records (unsupervised) scoring pairs within the other half:
 *   predicted against observed match share by probability band.
 * `--train-on FILE` scores with a model trained (unsupervised) on another file: the parameters are not the
 * set's own; with `--m-only` only its m values are kept, and u and λ are estimated on the set scored. A
 * clerical labels file (unique_id_l, unique_id_r, clerical_match_score) is scored pair by pair against its
 * data file, as Splink's evaluation tutorial does. With no file, every set is run (FEBRL with and without
 * soc_sec_id, and each set again with the model trained on another set, whole and m only) and a Markdown
 * table is printed at the end (docs/matching-results.md).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import {
  clusterMetrics,
  comparePeople,
  connectedComponents,
  countTruePairs,
  groupPeople,
  matchBatch,
  metrics,
  newPairComparison,
  PersonIndex,
  preparePerson,
  randomGenerator,
  reliability,
  type BatchResult,
  type MatchModel,
  type PersonInput,
  type PreparedPerson,
} from '#src/modules/matching/engine/index.ts'
import { ROOT } from '#src/platform/paths.ts'
import { fakeStyle, rldataStyle } from './scaled-sets.ts'

type Row = Record<string, string>

function parseCsv(text: string): Row[] {
  const rows: string[][] = []
  let field = ''
  let row: string[] = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"' && field.trim() === '') {
      quoted = true
      field = ''
    } else if (ch === ',') {
      row.push(field)
      field = ''
    } else if (ch === '\r') {
      // Only a line feed ends a row: RLdata500's export carries a stray carriage return inside its lines.
      continue
    } else if (ch === '\n') {
      row.push(field)
      field = ''
      if (row.some((f) => f.trim() !== '')) rows.push(row)
      row = []
    } else field += ch
  }
  row.push(field)
  if (row.some((f) => f.trim() !== '')) rows.push(row)
  // FEBRL writes ", " between fields: trim every field.
  const header = rows[0].map((h) => h.trim())
  return rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, (r[i] ?? '').trim()])))
}

const pick = (row: Row, ...names: string[]): string => {
  for (const n of names) if (row[n]) return row[n]
  return ''
}
const joined = (...parts: string[]) => parts.filter(Boolean).join(' ')

function toPerson(row: Row, id: string, useSsn: boolean): PersonInput {
  let dateOfBirth: PersonInput['dateOfBirth'] = pick(row, 'date_of_birth', 'dob') || null
  if (!dateOfBirth && row.by)
    dateOfBirth = { year: Number(row.by) || null, month: Number(row.bm) || null, day: Number(row.bd) || null }
  return {
    id,
    givenName: joined(pick(row, 'given_name', 'first_name', 'fname_c1', 'forename'), pick(row, 'fname_c2')),
    familyName: joined(pick(row, 'surname', 'last_name', 'lname_c1', 'family_name'), pick(row, 'lname_c2')),
    // A whole name as well, where a file has one (historical census-style sets): an alias, so a record whose
    // split name is missing or mistyped is still compared, and blocked, by its whole name.
    aliases: [pick(row, 'full_name', 'name')].filter((n) => n !== ''),
    dateOfBirth,
    sex: pick(row, 'gender', 'sex') || null,
    postcode: pick(row, 'postcode', 'postcode_fake', 'zip', 'postal_code') || null,
    streetNumber: pick(row, 'street_number') || null,
    addressLines: [pick(row, 'address_1'), pick(row, 'address_2')],
    town: pick(row, 'suburb', 'city', 'town') || null,
    region: pick(row, 'state') || null,
    emails: row.email ? [row.email] : [],
    phones: row.phone ? [row.phone] : [],
    birthPlace: pick(row, 'birth_place') || null,
    documents: useSsn && row.soc_sec_id ? [row.soc_sec_id] : [],
  }
}

function idOf(row: Row, i: number): string {
  return pick(row, 'rec_id', 'unique_id', 'id', 'row') || String(i)
}

function clusterOf(row: Row, id: string): string {
  if (row.cluster !== undefined && row.cluster !== '') return row.cluster
  if (row.identity !== undefined && row.identity !== '') return row.identity
  const febrl = /^rec-(\d+)-/.exec(id)
  if (febrl) return febrl[1]
  throw new Error(`no ground truth for record ${id}: expected rec_id rec-N-…, a cluster column or an identity column`)
}

function isLabels(rows: Row[]): boolean {
  return rows.length > 0 && 'unique_id_l' in rows[0] && 'unique_id_r' in rows[0]
}

/** Splink 4's published pairwise results at p ≥ 0.5 (docs: MATCHING.md §2), by the file they were measured on. */
const SPLINK_F1: Record<string, { precision: number; recall: number; f1: number }> = {
  'febrl3.csv': { precision: 0.9997, recall: 0.9862, f1: 0.9929 },
  'fake_1000.csv': { precision: 0.9993, recall: 0.675, f1: 0.8058 },
  'fake_1000.csv+fake_1000_labels.csv': { precision: 1, recall: 0.7016, f1: 0.8247 },
}

interface LabelledSet {
  name: string
  people: PreparedPerson[]
  clusters: string[]
  linkSplit?: number
  labels: Row[] | null
}

function loadSet(files: string[], useSsn: boolean): LabelledSet {
  const tables = files.map((f) => parseCsv(readFileSync(f, 'utf8')))
  // A labels file names its data set; it is evaluated on exactly its labelled pairs.
  let labels: Row[] | null = null
  let dataFiles = files
  let dataTables = tables
  const labelsAt = tables.findIndex(isLabels)
  if (labelsAt >= 0) {
    labels = tables[labelsAt]
    const others = files.filter((_, i) => i !== labelsAt)
    dataFiles = others.length > 0 ? others : [join(dirname(files[labelsAt]), `${labels[0].source_dataset_l}.csv`)]
    dataTables = dataFiles.map((f, i) =>
      others.length > 0 ? tables[files.indexOf(others[i])] : parseCsv(readFileSync(f, 'utf8')),
    )
  }
  const linkage = dataTables.length === 2
  const inputs: PersonInput[] = []
  const clusters: string[] = []
  dataTables.forEach((rows, side) => {
    rows.forEach((row, i) => {
      const raw = idOf(row, i)
      const id = linkage ? `${side}:${raw}` : raw
      inputs.push(toPerson(row, id, useSsn))
      clusters.push(labels ? '' : clusterOf(row, raw))
    })
  })
  const name = (labels ? [...dataFiles, files[labelsAt]] : files).map((f) => basename(f)).join('+')
  return {
    name,
    people: inputs.map(preparePerson),
    clusters,
    linkSplit: linkage ? dataTables[0].length : undefined,
    labels,
  }
}

const r4 = (x: number) => Math.round(x * 10000) / 10000

/**
 * Calibration on records the model never saw: train (unsupervised) on a random half of the records, score
 * the candidate pairs within the other half, and compare the mean predicted probability with the observed
 * share of true pairs, band by band. Expected calibration error weighs each band by its pairs.
 */
function calibration(set: LabelledSet, fixedThreshold: number | undefined) {
  if (set.labels || set.linkSplit !== undefined) return null
  const random = randomGenerator(17)
  const trainOn: PreparedPerson[] = []
  const heldBack: PreparedPerson[] = []
  const heldClusters: string[] = []
  set.people.forEach((p, i) => {
    if (random() < 0.5) trainOn.push(p)
    else {
      heldBack.push(p)
      heldClusters.push(set.clusters[i])
    }
  })
  // The threshold too is learnt on the training half (from its own probabilities) and carried to the other.
  const { model } = matchBatch(trainOn)
  const threshold = fixedThreshold ?? model.threshold
  const held = matchBatch(heldBack, { model })
  const same = (k: number) => heldClusters[held.left[k]] === heldClusters[held.right[k]]
  let accepted = 0
  let acceptedTrue = 0
  let found = 0
  for (let k = 0; k < held.left.length; k++) {
    if (same(k)) found++
    if (held.probability[k] < threshold) continue
    accepted++
    if (same(k)) acceptedTrue++
  }
  const truePairs = countTruePairs(heldClusters)
  const table = reliability(held.probability, same)
  return {
    heldBackRecords: heldBack.length,
    expectedCalibrationError: r4(table.expectedCalibrationError),
    threshold: r4(threshold),
    precisionAtThreshold: r4(accepted === 0 ? 1 : acceptedTrue / accepted),
    recallAtThreshold: r4(truePairs === 0 ? 1 : acceptedTrue / truePairs),
    blockingRecall: r4(truePairs === 0 ? 1 : found / truePairs),
    bands: table.bands.map((r) => ({
      band: `${r.from}-${r.to}`,
      pairs: r.pairs,
      predicted: r4(r.predicted),
      observed: r4(r.observed),
    })),
  }
}

function clusterFigures(clusterOf: ArrayLike<number>, set: LabelledSet) {
  const m = clusterMetrics(clusterOf, set.clusters, set.linkSplit)
  return {
    bcubedPrecision: r4(m.bcubedPrecision),
    bcubedRecall: r4(m.bcubedRecall),
    pairPrecision: r4(m.pairPrecision),
    pairRecall: r4(m.pairRecall),
    clusters: m.clusters,
    mixedShare: r4(m.mixedShare),
  }
}

function evaluate(
  set: LabelledSet,
  options: {
    threshold?: number
    useSsn: boolean
    model?: MatchModel
    fixedM?: MatchModel
    trainedOn?: string
    calibrate?: boolean
  },
): Record<string, unknown> {
  const started = performance.now()
  const { people, clusters, linkSplit, labels } = set
  const batch: BatchResult = matchBatch(people, { linkSplit, model: options.model, fixedM: options.fixedM?.parameters })
  // The default threshold is the model's own: set where it was trained, from its probabilities over the
  // candidate pairs of the records it learnt from, for an expected precision of 0.99 (thresholds.ts). A model
  // brought from another set keeps the threshold it chose there.
  const threshold = options.threshold ?? batch.model.threshold
  const result: Record<string, unknown> = {
    bench: 'matching',
    set: set.name,
    mode: labels ? 'labelled-pairs' : linkSplit !== undefined ? 'link' : 'dedupe',
    useSsn: options.useSsn,
    trainedOn: options.trainedOn ?? 'itself',
    records: people.length,
    threshold: r4(threshold),
  }
  if (labels) {
    // Score each labelled pair directly, with the model trained on the whole data file.
    const index = new PersonIndex({ model: batch.model })
    for (const p of people) index.add(p)
    const pair = newPairComparison()
    let tp = 0
    let predicted = 0
    let truePairs = 0
    let tpHalf = 0
    let predictedHalf = 0
    for (const l of labels) {
      const a = index.get(l.unique_id_l)
      const b = index.get(l.unique_id_r)
      if (!a || !b) throw new Error(`labelled pair ${l.unique_id_l}/${l.unique_id_r} not in the data file`)
      comparePeople(a, b, pair)
      const probability = batch.model.score(pair, index.termFrequencies).probability
      const match = probability >= threshold
      const truth = Number(l.clerical_match_score) >= 0.5
      if (truth) truePairs++
      if (match) predicted++
      if (match && truth) tp++
      if (probability >= 0.5) {
        predictedHalf++
        if (truth) tpHalf++
      }
    }
    result.pairwise = round(metrics(tp, predicted, truePairs))
    result.pairwiseAtHalf = round(metrics(tpHalf, predictedHalf, truePairs))
    result.labelledPairs = labels.length
  } else {
    let tp = 0
    let predicted = 0
    let foundTrue = 0
    let tpHalf = 0
    let predictedHalf = 0
    for (let k = 0; k < batch.left.length; k++) {
      const same = clusters[batch.left[k]] === clusters[batch.right[k]]
      if (same) foundTrue++
      if (batch.probability[k] >= threshold) {
        predicted++
        if (same) tp++
      }
      if (batch.probability[k] >= 0.5) {
        predictedHalf++
        if (same) tpHalf++
      }
    }
    const truePairs = countTruePairs(clusters, linkSplit)
    const queried = linkSplit ?? people.length
    result.blocking = {
      recall: r4(truePairs === 0 ? 1 : foundTrue / truePairs),
      candidatePairs: batch.left.length,
      pairsPerRecord: Math.round((batch.left.length / queried) * 100) / 100,
      maxPerRecord: batch.maxCandidatesPerRecord,
    }
    result.pairwise = round(metrics(tp, predicted, truePairs))
    result.pairwiseAtHalf = round(metrics(tpHalf, predictedHalf, truePairs))
    // Calibration where the model was trained: every candidate pair of the records it learnt from.
    result.inSampleCalibrationError = r4(
      reliability(batch.probability, (k) => clusters[batch.left[k]] === clusters[batch.right[k]])
        .expectedCalibrationError,
    )
    result.clusters = clusterFigures(groupPeople(batch, { threshold }), set)
    result.connectedComponents = clusterFigures(
      connectedComponents(people.length, batch.left, batch.right, (k) => batch.probability[k] >= threshold),
      set,
    )
  }
  if (batch.training) {
    result.training = {
      lambda: Number(batch.model.parameters.lambda.toPrecision(4)),
      expectedMatches: Math.round(batch.training.expectedMatches),
      emIterations: batch.training.iterations,
      randomPairs: batch.training.randomPairs,
    }
  }
  if (options.calibrate !== false) {
    const c = calibration(set, options.threshold)
    if (c) result.calibration = c
  }
  const splink = SPLINK_F1[set.name]
  if (splink && !options.useSsn) result.splink = splink
  result.seconds = Math.round(performance.now() - started) / 1000
  return result
}

function argsOf(argv: string[]) {
  const valueOf = (name: string) => {
    const at = argv.indexOf(name)
    return at >= 0 ? argv[at + 1] : undefined
  }
  const valued = new Set(['--threshold', '--train-on', '--scaled'])
  return {
    useSsn: argv.includes('--use-ssn'),
    threshold: valueOf('--threshold') === undefined ? undefined : Number(valueOf('--threshold')),
    trainOn: valueOf('--train-on'),
    mOnly: argv.includes('--m-only'),
    scaled: valueOf('--scaled'),
    files: argv.filter((a, i) => !a.startsWith('--') && !valued.has(argv[i - 1])),
  }
}

type Result = Record<string, unknown>
const get = (r: Result, path: string): number | undefined => {
  let v: unknown = r
  for (const p of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined
  return typeof v === 'number' ? v : undefined
}
const cell = (x: number | undefined, digits = 4) => (x === undefined ? '–' : x.toFixed(digits))

function markdown(results: Result[]): string {
  const lines = [
    '| set | trained on | blocking recall | pairs / record (max) | threshold | precision | recall | F1 | precision at 0.5 | F1 at 0.5 | Splink F1 at 0.5 | B³ precision | B³ recall | mixed clusters | CC B³ precision | ECE | held-back ECE | held-back threshold | held-back precision | held-back recall |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const r of results) {
    const name = `${r.set as string}${r.useSsn ? ' (with soc_sec_id)' : ''}`
    const perRecord = get(r, 'blocking.pairsPerRecord')
    lines.push(
      `| ${name} | ${r.trainedOn as string} | ${cell(get(r, 'blocking.recall'))} | ${perRecord === undefined ? '–' : `${perRecord.toFixed(2)} (${get(r, 'blocking.maxPerRecord')})`} | ${cell(get(r, 'threshold'), 3)} | ${cell(get(r, 'pairwise.precision'))} | ${cell(get(r, 'pairwise.recall'))} | ${cell(get(r, 'pairwise.f1'))} | ${cell(get(r, 'pairwiseAtHalf.precision'))} | ${cell(get(r, 'pairwiseAtHalf.f1'))} | ${cell(get(r, 'splink.f1'))} | ${cell(get(r, 'clusters.bcubedPrecision'))} | ${cell(get(r, 'clusters.bcubedRecall'))} | ${cell(get(r, 'clusters.mixedShare'), 3)} | ${cell(get(r, 'connectedComponents.bcubedPrecision'))} | ${cell(get(r, 'inSampleCalibrationError'))} | ${cell(get(r, 'calibration.expectedCalibrationError'))} | ${cell(get(r, 'calibration.threshold'), 3)} | ${cell(get(r, 'calibration.precisionAtThreshold'))} | ${cell(get(r, 'calibration.recallAtThreshold'))} |`,
    )
  }
  return lines.join('\n')
}

const erDir = () => process.env.LANTERN_ER_DATA ?? join(ROOT, '..', 'shared', 'data', 'er')

/** The generated sets of scaled-sets.ts, by the name `--scaled` takes, each from the small file it is drawn from. */
const SCALED = {
  'rldata-style': { file: /rldata500/i, make: (rows: Row[]) => rldataStyle(rows, 10_000) },
  'fake-style': { file: /fake_1000\.csv$/i, make: (rows: Row[]) => fakeStyle(rows, 20_000) },
} as const

function scaledSet(kind: keyof typeof SCALED, files: string[]): LabelledSet | null {
  const source = files.find((f) => SCALED[kind].file.test(basename(f)))
  if (!source) return null
  const generated = SCALED[kind].make(parseCsv(readFileSync(source, 'utf8')))
  return {
    name: generated.name,
    people: generated.inputs.map(preparePerson),
    clusters: generated.clusters,
    labels: null,
  }
}

function runAll(threshold: number | undefined): void {
  const dir = erDir()
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => join(dir, f))
  const sets: { files: string[]; useSsn: boolean }[] = []
  for (const file of files) {
    sets.push({ files: [file], useSsn: false })
    if (/febrl/i.test(basename(file))) sets.push({ files: [file], useSsn: true })
  }
  const results: Result[] = []
  const emit = (r: Result) => {
    results.push(r)
    console.log(JSON.stringify(r))
  }
  const loaded = sets.map((s) => ({ ...s, set: loadSet(s.files, s.useSsn) }))
  const dataSets = loaded.filter((s) => !s.set.labels)
  for (const s of loaded) emit(evaluate(s.set, { threshold, useSsn: s.useSsn }))
  // The same kind of set twenty times the size, generated from the small file's values (scaled-sets.ts):
  // RLdata's kind, and people with several records each, as fake_1000 and fake_20000.
  for (const kind of Object.keys(SCALED) as (keyof typeof SCALED)[]) {
    const generated = scaledSet(kind, files)
    if (generated) emit(evaluate(generated, { threshold, useSsn: false }))
  }
  // Generalisation: each set scored once more with parameters learnt (without labels) on another set.
  for (const s of loaded) {
    const others = dataSets.filter((o) => o.set.name !== s.set.name.split('+')[0] && o.useSsn === s.useSsn)
    if (others.length === 0) continue
    const other = others[(dataSets.indexOf(s) + 1 + others.length) % others.length]
    const { model } = matchBatch(other.set.people, { linkSplit: other.set.linkSplit })
    emit(evaluate(s.set, { threshold, useSsn: s.useSsn, model, trainedOn: other.set.name, calibrate: false }))
    // The same, keeping only m from the other set: u and λ describe the records held and are re-estimated.
    emit(
      evaluate(s.set, {
        threshold,
        useSsn: s.useSsn,
        fixedM: model,
        trainedOn: `${other.set.name} (m only)`,
        calibrate: false,
      }),
    )
  }
  console.log('')
  const table = markdown(results)
  console.log(table)
  if (process.env.LANTERN_BENCH_NO_DOCS !== '1') writeResults(table, dir)
}

/**
 * The table goes into docs/matching-results.md between its markers, so the figures in the docs are always
 * those of the last full run and never typed by hand.
 */
function writeResults(table: string, dir: string): void {
  const file = join(ROOT, 'docs', 'matching-results.md')
  const start = '<!-- bench:matching:start -->'
  const end = '<!-- bench:matching:end -->'
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return
  }
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) return
  const stamp = `Generated by \`npm run bench:matching\` over ${readdirSync(dir).filter((f) => f.endsWith('.csv')).length} files in \`${basename(dir)}/\` (Node ${process.version}, one run).`
  writeFileSync(file, `${text.slice(0, from + start.length)}\n\n${stamp}\n\n${table}\n\n${text.slice(to)}`)
  console.log(`\nwritten to ${file}`)
}

function main(): void {
  const { useSsn, threshold, trainOn, mOnly, scaled, files } = argsOf(process.argv.slice(2))
  if (scaled !== undefined) {
    if (!(scaled in SCALED)) {
      console.error(`--scaled takes one of: ${Object.keys(SCALED).join(', ')}`)
      process.exit(2)
    }
    const dir = erDir()
    const set = scaledSet(
      scaled as keyof typeof SCALED,
      readdirSync(dir).map((f) => join(dir, f)),
    )
    if (!set) throw new Error(`no source file for ${scaled} in ${dir}`)
    const result = evaluate(set, { threshold, useSsn: false })
    console.log(JSON.stringify(result))
    console.log('')
    console.log(markdown([result]))
    return
  }
  if (files.length === 0) return runAll(threshold)
  if (files.length > 2) {
    console.error(
      'usage: npm run bench:matching -- [FILE [FILE2]] [--use-ssn] [--threshold 0.5] [--train-on FILE [--m-only]]',
    )
    process.exit(2)
  }
  const set = loadSet(files, useSsn)
  let model: MatchModel | undefined
  if (trainOn) {
    const other = loadSet([trainOn], useSsn)
    model = matchBatch(other.people, { linkSplit: other.linkSplit }).model
  }
  const result = evaluate(set, {
    threshold,
    useSsn,
    model: mOnly ? undefined : model,
    fixedM: mOnly ? model : undefined,
    trainedOn: trainOn ? `${basename(trainOn)}${mOnly ? ' (m only)' : ''}` : undefined,
  })
  console.log(JSON.stringify(result))
  console.log('')
  console.log(markdown([result]))
}

function round<T extends object>(m: T): T {
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, Number.isInteger(v) ? v : Math.round(v * 10000) / 10000]),
  ) as T
}

main()
