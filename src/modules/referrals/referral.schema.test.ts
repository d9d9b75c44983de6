import { describe, expect, it } from 'vitest'
import { zodFieldErrors } from '#src/platform/http/forms.ts'
import { NewReferralInput, StatusChangeInput } from './referral.schema.ts'

const valid = {
  receivedAt: '2026-03-04',
  source: 'helpline',
  summary: 'Men seen sleeping at a car wash.',
  people: [{ names: ['Ion Popescu'], role: 'potential-victim', nationalities: ['RO'], languages: ['ro'] }],
  locations: [{ addressLine1: '12 Mill Lane', postcode: 'ls11 5ab', premisesType: 'car-wash' }],
  exploitationTypes: ['labour', 'labour'],
}

describe('NewReferralInput', () => {
  it('normalises postcodes, fills defaults and removes repeated types', () => {
    const parsed = NewReferralInput.parse(valid)
    expect(parsed.locations[0].postcode).toBe('LS11 5AB')
    expect(parsed.people[0]).toMatchObject({ ageDisputed: false, gender: 'not-known' })
    expect(parsed.exploitationTypes).toEqual(['labour'])
    expect(parsed.countyLines).toBe(false)
  })

  it.each([
    [{ source: 'carrier-pigeon' }, 'source', 'Select where the referral came from'],
    [{ summary: '   ' }, 'summary', 'Enter what happened'],
    [
      { locations: [{ postcode: 'NOT A POSTCODE' }] },
      'locations-0-postcode',
      'Enter a real UK postcode, like SW1A 1AA',
    ],
    [
      { locations: [{ premisesType: 'farm' }] },
      'locations-0-addressLine1',
      'Enter an address, a postcode or a description of the place',
    ],
    [{ people: [{ names: [], role: 'witness' }] }, 'people-0-names', 'Enter the person’s name'],
    [
      { people: [{ names: ['A'], role: 'witness', nationalities: ['Romania'] }] },
      'people-0-nationalities-0',
      'Nationality must be an ISO 3166 country code, like RO',
    ],
    [
      { people: [{ names: ['A'], role: 'witness', dateOfBirth: '2026-02-30' }] },
      'people-0-dateOfBirth',
      'Enter a real date',
    ],
    [{ exploitationTypes: ['fishing'] }, 'exploitationTypes-0', 'Select a known exploitation type'],
  ])('rejects %o with a message on %s', (change, field, message) => {
    const result = NewReferralInput.safeParse({ ...valid, ...change })
    expect(result.success).toBe(false)
    if (!result.success) expect(zodFieldErrors(result.error)[field]).toBe(message)
  })

  it('rejects fields it does not know, so a typo in an API client is not silently dropped', () => {
    expect(NewReferralInput.safeParse({ ...valid, sumary: 'typo' }).success).toBe(false)
  })

  it('requires a reason for every status change', () => {
    const result = StatusChangeInput.safeParse({ status: 'in-triage', reason: '' })
    expect(result.success).toBe(false)
    if (!result.success) expect(zodFieldErrors(result.error).reason).toBe('Enter why you are making this change')
  })
})
