import Graph from 'graphology'
import louvain from 'graphology-communities-louvain'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import {
  OBJECT_KINDS,
  setSharedPlace,
  unknownOthersOfJobs,
  unknownOthersText,
  victimFacetAccess,
} from '#src/modules/people/index.ts'
import * as repo from './intelligence.repository.ts'

export const IntelligenceError = defineDomainError('IntelligenceError', {
  'not-found': 404,
  invalid: 400,
  conflict: 409,
})

export const PROMPT_OUTCOMES = {
  safeguarded: 'Safeguarded',
  'not-relevant': 'Not relevant',
  escalated: 'Escalated',
} as const
export type PromptOutcome = keyof typeof PROMPT_OUTCOMES

export const SHARED_PLACE_KINDS = {
  'police-station': 'Police station',
  'nrm-support-provider': 'NRM support provider (safe house or outreach)',
  hostel: 'Hostel or hotel used as accommodation',
  solicitor: 'Solicitor’s office',
  other: 'Other place many unconnected people use',
} as const
export type SharedPlaceKind = keyof typeof SHARED_PLACE_KINDS

const KIND_LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(OBJECT_KINDS).map(([k, v]) => [k, v.replace(/ \(.*\)$/, '')])),
  address: 'Address',
  employer: 'Employer',
}
export const kindLabel = (kind: string): string => KIND_LABELS[kind] ?? kind

export const RANKING_METHOD =
  'Weighted sum over paths: an identifier shared by n people weighs 1/(n − 1); a one-step path scores its weight, a two-step path half the product of its two weights (personalised PageRank truncated at two steps). Known shared places are excluded.'

export type Window = { from: string | null; to: string | null }

/** One person as a prompt shows them: named, and their safeguarding shown only to those who may see their victim facet. */
export type PromptPerson = { id: string; name: string | null; safeguarded: boolean | null; askWho: string[] }

export type PromptView = {
  id: string
  person: { id: string; name: string | null }
  identifier: { type: 'object' | 'location'; id: string; kind: string; kindLabel: string; display: string | null }
  caseReference: string | null
  otherCountAtRaise: number
  specificity: number
  status: string
  outcome: { outcome: string; label: string; note: string | null; by: string | null; at: Date } | null
  raisedAt: Date
  people: PromptPerson[]
  /** Suspected exploiters on the identifier: the link, never among those who may be targeted. */
  suspects: { id: string; name: string | null }[]
  /** People at the place not yet identified, as estimated on the place ("about 8 men sleeping on site"). */
  unknownOthers: { count: number; note: string | null } | null
  /** The live job it was raised in: people not yet identified across all its places, as its page shows them. */
  jobUnknownOthers: { count: number; places: number; text: string } | null
  summary: { linked: number; notSafeguarded: number; safeguardingProtected: number }
  headline: string
}

function headline(
  kind: string,
  s: PromptView['summary'],
  suspects: number,
  unknownOthers: { count: number } | null,
): string {
  const what = kind === 'employer' ? 'employer' : kindLabel(kind).toLowerCase()
  let text = `${s.linked} other ${s.linked === 1 ? 'person is' : 'people are'} linked to this ${what}`
  if (s.linked > s.safeguardingProtected)
    text += `; ${s.notSafeguarded} ${s.notSafeguarded === 1 ? 'has' : 'have'} not been safeguarded`
  if (s.safeguardingProtected > 0)
    text += ` (whether ${s.safeguardingProtected === 1 ? '1 has' : `${s.safeguardingProtected} have`} been safeguarded is protected)`
  if (unknownOthers)
    text += `; about ${unknownOthers.count} more ${unknownOthers.count === 1 ? 'person is' : 'people are'} there, not yet identified`
  if (suspects > 0)
    text += `; ${suspects === 1 ? 'a suspected exploiter is' : `${suspects} suspected exploiters are`} linked to it too`
  return text
}

/** How strong a shared identifier is, in a DC's words: the fewer people on it, the more it says. */
export function strengthOf(score: number): 'Strong' | 'Moderate' | 'Weak' {
  return score >= 0.5 ? 'Strong' : score >= 0.2 ? 'Moderate' : 'Weak'
}

/** What two people sharing this identifier means, as a DC would say it: "uses the same phone (07700 900123)". */
export function sharedWords(item: { kind: string; display: string }): string {
  const what = item.display ? ` (${item.display})` : ''
  switch (item.kind) {
    case 'employer':
      return `works for the same employer${what}`
    case 'address':
      return `is linked to the same address${what}`
    case 'phone':
      return `uses the same phone${what}`
    case 'deal-line':
      return `is on the same deal line${what}`
    case 'vehicle':
      return `is linked to the same vehicle${what}`
    case 'bank-account':
      return `uses the same bank account${what}`
    default:
      return `shares the same ${kindLabel(item.kind).toLowerCase()}${what}`
  }
}

const onIt = (people: number) =>
  people <= 2 ? 'only the two of them are linked to it' : `${people} people are linked to it`

const jobEstimate = (e: { count: number; places: number } | undefined) =>
  e ? { ...e, text: unknownOthersText(e) } : null

export function createIntelligenceService(db: Db) {
  const hidden = (user: CurrentUser) => repo.hiddenCaseIds(db, user)

  /** Prompts as this viewer may see them: people on restricted-case links they cannot see are left out, and a person's safeguarding is shown only under the victim-facet policy. */
  async function present(rows: repo.PromptRow[], user: CurrentUser, hiddenCases: string[]): Promise<PromptView[]> {
    const people = await repo.promptPeople(db, rows, hiddenCases)
    const suspects = await repo.suspectsAmong(
      db,
      people.map((x) => x.person_id),
      hiddenCases,
    )
    // Prompts are shown only in jobs the viewer may see (see loadPrompt and the queue's own filter).
    const jobs = await unknownOthersOfJobs(
      db,
      rows.flatMap((p) => (p.case_id && !hiddenCases.includes(p.case_id) ? [p.case_id] : [])),
    )
    const access = new Map<string, Promise<{ visible: boolean; askWho: string[] }>>()
    const facet = (id: string) => {
      if (!access.has(id)) access.set(id, victimFacetAccess(db, user, id))
      return access.get(id)!
    }
    return Promise.all(
      rows.map(async (p) => {
        const all = people.filter((x) => x.prompt_id === p.id && x.visible)
        const mine = all.filter((x) => !suspects.has(x.person_id))
        const shown: PromptPerson[] = await Promise.all(
          mine.map(async (x) => {
            const a = await facet(x.person_id)
            return {
              id: x.person_id,
              name: x.name,
              safeguarded: a.visible ? x.safeguarded : null,
              askWho: a.visible ? [] : a.askWho,
            }
          }),
        )
        const summary = {
          linked: shown.length,
          notSafeguarded: shown.filter((x) => x.safeguarded === false).length,
          safeguardingProtected: shown.filter((x) => x.safeguarded === null).length,
        }
        return {
          id: p.id,
          person: { id: p.person_id, name: p.person_name },
          identifier: {
            type: p.identifier_type,
            id: p.identifier_id,
            kind: p.identifier_kind,
            kindLabel: kindLabel(p.identifier_kind),
            display: p.identifier_display,
          },
          caseReference: p.case_reference,
          otherCountAtRaise: p.other_count,
          specificity: p.specificity,
          status: p.status,
          outcome: p.outcome
            ? {
                outcome: p.outcome,
                label: PROMPT_OUTCOMES[p.outcome as PromptOutcome] ?? p.outcome,
                note: p.outcome_note,
                by: p.outcome_by_name,
                at: p.outcome_at!,
              }
            : null,
          raisedAt: p.created_at,
          people: shown,
          suspects: all.filter((x) => suspects.has(x.person_id)).map((x) => ({ id: x.person_id, name: x.name })),
          unknownOthers: p.unknown_others ? { count: p.unknown_others, note: p.unknown_others_note } : null,
          jobUnknownOthers: jobEstimate(p.case_id ? jobs.get(p.case_id) : undefined),
          summary,
          headline: headline(
            p.identifier_kind,
            summary,
            all.filter((x) => suspects.has(x.person_id)).length,
            p.unknown_others ? { count: p.unknown_others } : null,
          ),
        }
      }),
    )
  }

  async function loadPrompt(
    id: string,
    user: CurrentUser,
    hiddenCases: string[],
    forUpdate: { trx: Parameters<typeof repo.findPrompt>[0] } | null = null,
  ) {
    const row = await repo.findPrompt(forUpdate?.trx ?? db, id, { forUpdate: forUpdate !== null })
    // A prompt raised in a restricted live job exists only for those who may see the job.
    if (!row || (row.case_id && hiddenCases.includes(row.case_id)))
      throw new IntelligenceError('not-found', 'Safeguarding prompt not found')
    return row
  }

  async function loadPerson(id: string) {
    if (!(await repo.personExists(db, id))) throw new IntelligenceError('not-found', 'Person not found')
  }

  /** The ranked two-step expansion, grouped per person with the shared items that justify each. */
  async function expand(personId: string, user: CurrentUser, window: Window, limit: number) {
    const hiddenCases = await hidden(user)
    const paths = await repo.twoStepPaths(db, personId, { ...window, hiddenCases, limit })
    const keys = [...new Set(paths.flatMap((p) => (p.ikey2 ? [p.ikey1, p.ikey2] : [p.ikey1])))]
    const ids = [...new Set([personId, ...paths.flatMap((p) => (p.via ? [p.target, p.via] : [p.target]))])]
    const [identifiers, names] = await Promise.all([
      repo.describeIdentifiers(db, keys, hiddenCases),
      repo.personNames(db, ids),
    ])
    const describe = (key: string) => {
      const i = identifiers.get(key)
      return {
        key,
        type: i?.type ?? 'object',
        id: i?.id ?? key.slice(2),
        kind: i?.kind ?? 'address',
        kindLabel: kindLabel(i?.kind ?? 'address'),
        display: i?.display ?? '',
        people: i?.people ?? 0,
      }
    }
    const byTarget = new Map<
      string,
      {
        personId: string
        name: string | null
        score: number
        steps: 1 | 2
        paths: {
          via: { id: string; name: string | null } | null
          first: ReturnType<typeof describe>
          second: ReturnType<typeof describe> | null
          score: number
        }[]
      }
    >()
    for (const p of paths) {
      let item = byTarget.get(p.target)
      if (!item)
        byTarget.set(
          p.target,
          (item = { personId: p.target, name: names.get(p.target) ?? null, score: p.total, steps: 2, paths: [] }),
        )
      if (!p.via) item.steps = 1
      item.paths.push({
        via: p.via ? { id: p.via, name: names.get(p.via) ?? null } : null,
        first: describe(p.ikey1),
        second: p.ikey2 ? describe(p.ikey2) : null,
        score: p.score,
      })
    }
    const all = [...byTarget.values()]
    const suspects = await repo.suspectsAmong(
      db,
      [...new Set([...all.map((i) => i.personId), ...paths.flatMap((p) => (p.via ? [p.via] : []))])],
      hiddenCases,
    )
    const seedName = names.get(personId) ?? 'this person'
    // Why a person is listed, in a DC's words: which address, phone, employer or vehicle, through whom, how strong.
    const explain = (item: (typeof all)[number]) =>
      item.paths.slice(0, 5).map((p) => {
        const via = p.via
          ? `${p.via.name ?? 'an unnamed person'}${suspects.has(p.via.id) ? ' (a suspected exploiter)' : ''}`
          : null
        return p.second && via
          ? `${sharedWords(p.second)} as ${via} (${onIt(p.second.people)}), who ${sharedWords(p.first)} as ${seedName} (${onIt(p.first.people)})`
          : `${sharedWords(p.first)} as ${seedName} (${onIt(p.first.people)})`
      })
    const described = all.map((i) => ({
      ...i,
      role: suspects.has(i.personId) ? ('suspect' as const) : ('other' as const),
      strength: strengthOf(i.score),
      why: explain(i),
      paths: i.paths.map((p) => ({
        ...p,
        via: p.via ? { ...p.via, suspect: suspects.has(p.via.id) } : null,
      })),
    }))
    return {
      hiddenCases,
      // A suspected exploiter is never someone who may be targeted: he is listed as the link instead.
      items: described.filter((i) => i.role !== 'suspect'),
      linkedSuspects: described.filter((i) => i.role === 'suspect'),
      suspects,
      identifiers,
      names,
      describe,
    }
  }

  return {
    /** The review queue: open prompts first, most specific first. The listing is audited (identifiers only). */
    async queue(
      user: CurrentUser,
      actor: Actor,
      options: { status: 'open' | 'closed' | 'all'; page: number; pageSize?: number },
    ) {
      const pageSize = options.pageSize ?? 25
      const hiddenCases = await hidden(user)
      const { rows, total } = await repo.listPrompts(db, {
        status: options.status,
        hiddenCases,
        limit: pageSize,
        offset: (options.page - 1) * pageSize,
      })
      const items = await present(rows, user, hiddenCases)
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'safeguarding-prompt.listed',
            subjectType: 'safeguarding-prompt',
            details: { status: options.status, page: options.page, promptIds: rows.map((r) => r.id) },
          },
        ]),
      )
      return { items, total, page: options.page, pageSize }
    },

    async prompt(id: string, user: CurrentUser, actor: Actor): Promise<PromptView> {
      const hiddenCases = await hidden(user)
      const row = await loadPrompt(id, user, hiddenCases)
      const [view] = await present([row], user, hiddenCases)
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'safeguarding-prompt.viewed',
            subjectType: 'safeguarding-prompt',
            subjectId: id,
            details: { personId: row.person_id },
          },
        ]),
      )
      return view
    },

    /** Records what was done about a prompt; a prompt has one outcome, with who, when and why. */
    async recordOutcome(
      id: string,
      input: { outcome: string; note: string | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      if (!Object.hasOwn(PROMPT_OUTCOMES, input.outcome))
        throw new IntelligenceError('invalid', 'Select what was done about this prompt', 'outcome')
      const note = input.note?.trim() || null
      if (note && note.length > 2000)
        throw new IntelligenceError('invalid', 'Note must be 2,000 characters or fewer', 'note')
      // Closing a prompt without safeguarding anyone needs a reason someone can check later.
      if (!note && input.outcome !== 'safeguarded')
        throw new IntelligenceError(
          'invalid',
          input.outcome === 'escalated' ? 'Say who it was escalated to and why' : 'Say why it is not relevant',
          'note',
        )
      const hiddenCases = await hidden(user)
      await inTransaction(db, async (trx) => {
        const row = await loadPrompt(id, user, hiddenCases, { trx })
        if (row.status !== 'open')
          throw new IntelligenceError(
            'conflict',
            `This prompt already has an outcome: ${PROMPT_OUTCOMES[row.outcome as PromptOutcome] ?? row.outcome}`,
            'outcome',
          )
        await repo.closePrompt(trx, id, { outcome: input.outcome, note, by: actor.userId })
        await appendAuditEvents(trx, actor, [
          {
            action: 'safeguarding-prompt.outcome-recorded',
            subjectType: 'safeguarding-prompt',
            subjectId: id,
            justification: note,
            details: { outcome: input.outcome, personId: row.person_id },
          },
        ])
      })
    },

    /** Others who may be targeted: people within two steps through shared identifiers, ranked, with why. Audited. */
    async others(personId: string, user: CurrentUser, actor: Actor, window: Window, limit = 50) {
      await loadPerson(personId)
      const { items, linkedSuspects, names } = await expand(personId, user, window, limit)
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'intelligence.others-viewed',
            subjectType: 'person',
            subjectId: personId,
            details: { from: window.from, to: window.to, results: items.length },
          },
        ]),
      )
      return {
        person: { id: personId, name: names.get(personId) ?? null },
        window,
        method: RANKING_METHOD,
        items,
        linkedSuspects,
      }
    },

    /**
     * The link chart around a person: them, the people the two-step expansion ranks highest (and those they are
     * reached through), and the identifiers that join them. Communities: Louvain on the person–identifier graph,
     * each edge weighted by its identifier's specificity, so a shared flat or phone pulls people together and a
     * widely shared address barely does (communities of co-located people).
     */
    async network(personId: string, user: CurrentUser, actor: Actor, window: Window, limit = 30) {
      await loadPerson(personId)
      const expanded = await expand(personId, user, window, limit)
      const { hiddenCases, names } = expanded
      // The chart shows suspects too, drawn as suspects: they are the links between the people at risk.
      const items = [...expanded.items, ...expanded.linkedSuspects]
      const people = new Set([
        personId,
        ...items.map((i) => i.personId),
        ...items.flatMap((i) => i.paths.flatMap((p) => (p.via ? [p.via.id] : []))),
      ])
      const missing = [...people].filter((id) => !names.has(id))
      const extraNames = await repo.personNames(db, missing)
      const keys = new Set(
        items.flatMap((i) => i.paths.flatMap((p) => (p.second ? [p.first.key, p.second.key] : [p.first.key]))),
      )
      const links = (await repo.identifierLinks(db, [...people], { ...window, hiddenCases })).filter((l) =>
        keys.has(l.ikey),
      )
      const identifiers = await repo.describeIdentifiers(db, [...keys], hiddenCases)
      const graph = new Graph({ type: 'undirected', multi: false })
      for (const id of people) graph.addNode(`p:${id}`)
      for (const key of keys) graph.addNode(`i:${key}`)
      for (const l of links) {
        const weight = 1 / Math.max((identifiers.get(l.ikey)?.people ?? 2) - 1, 1)
        if (!graph.hasEdge(`p:${l.person_id}`, `i:${l.ikey}`))
          graph.addEdge(`p:${l.person_id}`, `i:${l.ikey}`, { weight })
      }
      // A fixed seed: the same graph gives the same communities on every view.
      let state = 42
      const rng = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
      const raw = graph.size > 0 ? louvain(graph, { getEdgeWeight: 'weight', rng }) : {}
      // Number communities by size (largest first); a community with one person in it is not a cluster.
      const members = new Map<number, number>()
      for (const id of people)
        if (raw[`p:${id}`] !== undefined) members.set(raw[`p:${id}`], (members.get(raw[`p:${id}`]) ?? 0) + 1)
      const order = [...members.entries()]
        .filter(([, n]) => n > 1)
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .map(([c]) => c)
      const communityOf = (node: string): number | null => {
        const c = raw[node]
        const n = c === undefined ? -1 : order.indexOf(c)
        return n < 0 ? null : n + 1
      }
      const score = new Map(items.map((i) => [i.personId, i]))
      const [suspects, victims] = await Promise.all([
        repo.suspectsAmong(db, [...people], hiddenCases),
        repo.victimsAmong(db, [...people], hiddenCases),
      ])
      const roleOf = (id: string): 'suspect' | 'victim' | 'person' =>
        suspects.has(id) ? 'suspect' : victims.has(id) ? 'victim' : 'person'
      const ROLE_LABELS = { suspect: 'Suspected exploiter', victim: 'Victim or potential victim', person: 'Person' }
      const nodes = [
        ...[...people].map((id) => ({
          id: `p:${id}`,
          type: 'person' as const,
          entityId: id,
          label: names.get(id) ?? extraNames.get(id) ?? 'Unnamed person',
          kind: 'person',
          kindLabel: id === personId ? 'This person' : ROLE_LABELS[roleOf(id)],
          // What the chart colours and shapes: victim, suspect, person, place, object or business.
          category: roleOf(id),
          community: communityOf(`p:${id}`),
          steps: id === personId ? 0 : (score.get(id)?.steps ?? 2),
          score: score.get(id)?.score ?? null,
        })),
        ...[...keys].map((key) => {
          const i = identifiers.get(key)
          return {
            id: `i:${key}`,
            type: i?.type ?? ('location' as const),
            entityId: i?.id ?? key.slice(2),
            label: i?.display ?? '',
            kind: i?.kind ?? 'address',
            kindLabel: kindLabel(i?.kind ?? 'address'),
            category: (i?.kind === 'employer'
              ? 'business'
              : (i?.type ?? 'location') === 'object'
                ? 'object'
                : 'place') as 'business' | 'object' | 'place',
            community: communityOf(`i:${key}`),
            steps: null,
            score: null,
            people: i?.people ?? 0,
          }
        }),
      ]
      const edges = links.map((l) => ({
        id: `e:${l.person_id}:${l.ikey}:${l.relation}`,
        source: `p:${l.person_id}`,
        target: `i:${l.ikey}`,
        relation: l.relation,
      }))
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'intelligence.network-viewed',
            subjectType: 'person',
            subjectId: personId,
            details: { from: window.from, to: window.to, people: people.size },
          },
        ]),
      )
      return {
        person: { id: personId, name: names.get(personId) ?? null },
        window,
        nodes,
        edges,
        communities: order.length,
      }
    },

    /** Marks or unmarks a known shared place: it then raises no prompts and carries no weight in link analysis. */
    async setSharedPlace(
      locationId: string,
      input: { shared: boolean; kind: string | null },
      actor: Actor,
    ): Promise<void> {
      if (input.shared && (!input.kind || !Object.hasOwn(SHARED_PLACE_KINDS, input.kind)))
        throw new IntelligenceError('invalid', 'Select what kind of shared place it is', 'kind')
      await inTransaction(db, async (trx) => {
        const place = await repo.findPlace(trx, locationId)
        if (!place) throw new IntelligenceError('not-found', 'Place not found')
        await setSharedPlace(trx, locationId, input.shared, input.shared ? input.kind : null)
        await appendAuditEvents(trx, actor, [
          {
            action: 'place.shared-place-changed',
            subjectType: 'location',
            subjectId: locationId,
            details: { shared: input.shared, kind: input.shared ? input.kind : null },
          },
        ])
      })
    },

    async sharedPlace(locationId: string) {
      return repo.findPlace(db, locationId)
    },
  }
}

export type IntelligenceService = ReturnType<typeof createIntelligenceService>
