/**
 * npm run bench:matching -- FILE [FILE2] [--use-ssn] [--threshold 0.5]
 *
 * Scores one labelled CSV (deduplication) or two (linkage) with Lantern's person matcher, trained without
 * labels, and prints one JSON line: pairwise precision, recall and F1 at the default threshold (p ≥ 0.5, as
 * Splink reports), the pair counts and the run time. A clerical labels file (unique_id_l, unique_id_r,
 * clerical_match_score) is scored pair by pair against its data file, as Splink's evaluation tutorial does.
 */
import { readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import {
  comparePeople,
  connectedComponents,
  countTruePairs,
  matchBatch,
  metrics,
  newPairComparison,
  PersonIndex,
  preparePerson,
  type PersonInput,
  type PreparedPerson,
} from '#src/modules/matching/engine/index.ts'

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
  if (!dateOfBirth && row.by) dateOfBirth = { year: Number(row.by) || null, month: Number(row.bm) || null, day: Number(row.bd) || null }
  return {
    id,
    givenName: joined(pick(row, 'given_name', 'first_name', 'fname_c1'), pick(row, 'fname_c2')),
    familyName: joined(pick(row, 'surname', 'lname_c1'), pick(row, 'lname_c2')),
    dateOfBirth,
    sex: pick(row, 'gender', 'sex') || null,
    postcode: pick(row, 'postcode') || null,
    streetNumber: pick(row, 'street_number') || null,
    addressLines: [pick(row, 'address_1'), pick(row, 'address_2')],
    town: pick(row, 'suburb', 'city') || null,
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

function main(): void {
  const args = process.argv.slice(2)
  const useSsn = args.includes('--use-ssn')
  const thresholdAt = args.indexOf('--threshold')
  const threshold = thresholdAt >= 0 ? Number(args[thresholdAt + 1]) : 0.5
  const files = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--threshold')
  if (files.length < 1 || files.length > 2) {
    console.error('usage: npm run bench:matching -- FILE [FILE2] [--use-ssn] [--threshold 0.5]')
    process.exit(2)
  }
  const started = performance.now()
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
    dataTables = dataFiles.map((f, i) => (others.length > 0 ? tables[files.indexOf(others[i])] : parseCsv(readFileSync(f, 'utf8'))))
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
  const people: PreparedPerson[] = inputs.map(preparePerson)
  const linkSplit = linkage ? dataTables[0].length : undefined
  const batch = matchBatch(people, { linkSplit })

  const result: Record<string, unknown> = {
    bench: 'matching',
    files: labels ? [...dataFiles, files[labelsAt]].map((f) => basename(f)) : files.map((f) => basename(f)),
    mode: labels ? 'labelled-pairs' : linkage ? 'link' : 'dedupe',
    useSsn,
    records: people.length,
    threshold,
  }

  if (labels) {
    // Score each labelled pair directly, with the model trained on the whole data file.
    const index = new PersonIndex({ model: batch.model })
    for (const p of people) index.add(p)
    const pair = newPairComparison()
    let tp = 0
    let predicted = 0
    let truePairs = 0
    for (const l of labels) {
      const a = index.get(l.unique_id_l)
      const b = index.get(l.unique_id_r)
      if (!a || !b) throw new Error(`labelled pair ${l.unique_id_l}/${l.unique_id_r} not in the data file`)
      comparePeople(a, b, pair)
      const match = batch.model.score(pair, index.termFrequencies).probability >= threshold
      const truth = Number(l.clerical_match_score) >= 0.5
      if (truth) truePairs++
      if (match) predicted++
      if (match && truth) tp++
    }
    Object.assign(result, round(metrics(tp, predicted, truePairs)), { labelledPairs: labels.length })
  } else {
    let tp = 0
    let predicted = 0
    let foundTrue = 0
    for (let k = 0; k < batch.left.length; k++) {
      const same = clusters[batch.left[k]] === clusters[batch.right[k]]
      if (same) foundTrue++
      if (batch.probability[k] >= threshold) {
        predicted++
        if (same) tp++
      }
    }
    const truePairs = countTruePairs(clusters, linkSplit)
    Object.assign(result, round(metrics(tp, predicted, truePairs)))
    result.candidatePairs = batch.left.length
    result.blockingRecall = Math.round((foundTrue / truePairs) * 10000) / 10000
    // The same decisions after joining accepted pairs into people (connected components), as a review
    // queue would present them.
    const component = connectedComponents(people.length, batch.left, batch.right, (k) => batch.probability[k] >= threshold)
    const byComponent = new Map<number, number[]>()
    component.forEach((c, i) => byComponent.set(c, [...(byComponent.get(c) ?? []), i]))
    let ctp = 0
    let cpred = 0
    for (const members of byComponent.values()) {
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const i = members[x]
          const j = members[y]
          if (linkSplit !== undefined && i < linkSplit === j < linkSplit) continue
          cpred++
          if (clusters[i] === clusters[j]) ctp++
        }
      }
    }
    const clustered = round(metrics(ctp, cpred, truePairs))
    result.clustered = { precision: clustered.precision, recall: clustered.recall, f1: clustered.f1 }
  }
  if (batch.training) {
    result.training = {
      lambda: Number(batch.model.parameters.lambda.toPrecision(4)),
      expectedMatches: Math.round(batch.training.expectedMatches),
      emIterations: batch.training.iterations,
      randomPairs: batch.training.randomPairs,
    }
  }
  result.seconds = Math.round(performance.now() - started) / 1000
  console.log(JSON.stringify(result))
}

function round<T extends object>(m: T): T {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number.isInteger(v) ? v : Math.round(v * 10000) / 10000])) as T
}

main()
