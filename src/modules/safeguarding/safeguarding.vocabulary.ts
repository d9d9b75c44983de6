/** The words a safeguarding plan is written in. Stored values are the keys; pages show the labels. */

export const RISK_RATINGS = { red: 'Red', amber: 'Amber', green: 'Green' } as const
export type RiskRating = keyof typeof RISK_RATINGS

/** DOMAIN.md 12: what victim care (MSVCC) and children's services provide, plus a guardian for a child. */
export const NEED_KINDS = {
  accommodation: 'Safe accommodation',
  health: 'Health care',
  interpreter: 'Interpreter',
  'legal-advice': 'Legal advice',
  money: 'Money and subsistence',
  'immigration-advice': 'Immigration advice',
  ictg: 'Independent Child Trafficking Guardian',
  other: 'Other',
} as const
export type NeedKind = keyof typeof NEED_KINDS

export const NEED_STATUSES = { unmet: 'Not yet met', met: 'In place', 'not-needed': 'Not needed' } as const
export type NeedStatus = keyof typeof NEED_STATUSES

export const ACTION_STATUSES = { open: 'Open', done: 'Done', cancelled: 'Cancelled' } as const
export type ActionStatus = keyof typeof ACTION_STATUSES

export const AGENDA_KINDS = {
  'new-referral': 'New referral',
  'plan-review': 'Plan due for review',
  'live-job': 'Live job',
} as const

/** Plans whose review falls due this many days after a meeting are on its agenda, as well as overdue ones. */
export const REVIEW_LOOKAHEAD_DAYS = 7

export const items = <T extends Record<string, string>>(vocab: T, selected?: unknown) =>
  Object.entries(vocab).map(([value, text]) => ({
    value,
    text,
    selected: value === selected,
    checked: value === selected,
  }))

/** Why an item is on a hub agenda, beyond being new or due for review. */
export const AGENDA_REASONS = { child: 'a child', 'open-need': 'an open safeguarding need' } as const

/** What a partner agency records against an item shared with it or an action it owns. */
export const CONTRIBUTION_KINDS = {
  check: 'Check made',
  visit: 'Visit',
  outcome: 'Outcome',
  information: 'What we know',
} as const
export type ContributionKind = keyof typeof CONTRIBUTION_KINDS
