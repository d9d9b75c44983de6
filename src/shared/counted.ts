/** "1 referral", "2 referrals": a count with its noun, in the words a page uses. */
export function counted(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

/**
 * Where a place or business already recorded is used, for the hint when Lantern offers it: "in 2 referrals and
 * 1 live job", or "not yet on a referral or live job" (a business's premises recorded on their own).
 */
export function usedIn(counts: { referrals: number; cases: number }): string {
  const parts = [
    ...(counts.referrals > 0 ? [counted(counts.referrals, 'referral')] : []),
    ...(counts.cases > 0 ? [counted(counts.cases, 'live job')] : []),
  ]
  return parts.length > 0 ? `in ${parts.join(' and ')}` : 'not yet on a referral or live job'
}
