import { describe, expect, it } from 'vitest'
import { NewReferralInput } from './referral.schema.ts'
import { draftToInput, readExploitation, readLocation, readPerson, readReceived } from './referral.draft.ts'

describe('referral question pages', () => {
  it('keeps what the user typed even when it is wrong, with a message per field', () => {
    const { draft, errors } = readPerson({
      fullName: '',
      'dateOfBirth-day': '31',
      'dateOfBirth-month': '2',
      'dateOfBirth-year': '2010',
      approximateAge: 'about 30',
      languages: 'Romainian, English',
      role: '',
    })
    expect(draft.approximateAge).toBe('about 30')
    expect(draft.languages).toBe('Romainian, English')
    expect(errors).toMatchObject({
      fullName: 'Enter the person’s name, or a description if you do not know it',
      'dateOfBirth-day': 'Date of birth must be a real date',
      approximateAge: 'Approximate age must be a whole number, like 25',
      languages: expect.stringContaining('‘Romainian’'),
      role: 'Select the person’s role in this referral',
      ageDisputed: 'Select yes if the person’s age is disputed',
    })
    expect(errors.languages).not.toContain('‘English’')
  })

  it('asks for a time in the 24-hour clock and a source', () => {
    const { errors } = readReceived({
      'receivedDate-day': '4',
      'receivedDate-month': '3',
      'receivedDate-year': '2026',
      receivedTime: '2pm',
    })
    expect(errors).toEqual({
      receivedTime: 'Enter a time in the 24-hour clock, like 14:30',
      source: 'Select where the referral came from',
    })
  })

  it('needs somewhere to identify a place', () => {
    expect(readLocation({ premisesType: 'farm' }).errors).toEqual({
      addressLine1: 'Enter an address, a postcode or a description of the place',
    })
  })

  it('refuses strategic priorities that are not on the list', () => {
    expect(
      readExploitation({ exploitationTypes: 'labour', countyLines: 'no', priorityTags: 'made-up' }, [
        'textile-industry',
      ]).errors,
    ).toEqual({ priorityTags: 'Select strategic priorities from the list' })
  })

  it('turns a finished draft into input the service accepts, with the time in London', () => {
    const input = NewReferralInput.parse(
      draftToInput({
        received: {
          day: '15',
          month: '7',
          year: '2026',
          time: '9:30',
          source: 'police',
          referringOrganisation: '',
          referrerName: 'PC Lee',
          referrerContact: '',
        },
        whatHappened: { summary: 'Found at a cannabis grow.' },
        people: [
          {
            fullName: 'Minh Nguyen',
            otherNames: 'NGUYEN Minh, Nguyễn Minh',
            dobDay: '3',
            dobMonth: '9',
            dobYear: '2009',
            approximateAge: '',
            ageDisputed: 'yes',
            gender: 'male',
            nationality: 'VN',
            secondNationality: '',
            languages: 'Vietnamese',
            role: 'potential-victim',
          },
        ],
        locations: [
          {
            addressLine1: '',
            addressLine2: '',
            town: '',
            postcode: 'bd3 9xy',
            description: 'Boarded-up house',
            premisesType: 'cannabis-grow',
          },
        ],
        exploitation: { types: ['criminal'], countyLines: 'no', priorityTags: [] },
      }),
    )
    expect(input.receivedAt).toBe('2026-07-15T08:30:00.000Z')
    expect(input.people[0]).toMatchObject({
      names: ['Minh Nguyen', 'NGUYEN Minh', 'Nguyễn Minh'],
      dateOfBirth: '2009-09-03',
      ageDisputed: true,
      nationalities: ['VN'],
      languages: ['vi'],
    })
    expect(input.locations[0].postcode).toBe('BD3 9XY')
    expect(input.referrerName).toBe('PC Lee')
    expect(input.referringOrganisation).toBeNull()
  })
})
