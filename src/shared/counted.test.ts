import { describe, expect, it } from 'vitest'
import { counted, usedIn } from './counted.ts'

describe('counted and usedIn', () => {
  it('says one or many as a person would', () => {
    expect(counted(1, 'referral')).toBe('1 referral')
    expect(counted(0, 'referral')).toBe('0 referrals')
    expect(counted(3, 'live job')).toBe('3 live jobs')
    expect(counted(2, 'person', 'people')).toBe('2 people')
  })

  it('names only the records that use a place, and says so when none does', () => {
    expect(usedIn({ referrals: 2, cases: 1 })).toBe('in 2 referrals and 1 live job')
    expect(usedIn({ referrals: 1, cases: 0 })).toBe('in 1 referral')
    expect(usedIn({ referrals: 0, cases: 2 })).toBe('in 2 live jobs')
    expect(usedIn({ referrals: 0, cases: 0 })).toBe('not yet on a referral or live job')
  })
})
