import { describe, expect, it } from 'vitest'
import { prepareAddress } from './addresses.ts'
import { preparePhone, preparePostcode } from './contact-points.ts'

describe('phones', () => {
  it.each([
    ['07123 456789', '+447123456789'],
    ['+44 7123 456789', '+447123456789'],
    ['+44 (0)7123 456789', '+447123456789'],
    ['0044 7123 456 789', '+447123456789'],
    ['(0161) 496 0123', '+441614960123'],
    ['+40 721 234 567', '+40721234567'],
    ['+84 912 345 678', '+84912345678'],
  ])('normalises %s to E.164', (input, e164) => {
    expect(preparePhone(input)).toEqual({ value: e164, tail: e164.slice(-7) })
  })

  it('keeps the digits of a number it cannot place, and ignores scraps', () => {
    expect(preparePhone('7123 4567')?.tail).toBe('71234567'.slice(-7))
    expect(preparePhone('12345')).toBeNull()
  })
})

describe('postcodes', () => {
  it('splits a UK postcode into unit, sector, district and area however it was typed', () => {
    for (const typed of ['sw1a 1aa', 'SW1A1AA', ' Sw1A  1aA ']) {
      expect(preparePostcode(typed)).toEqual({ value: 'SW1A 1AA', sector: 'SW1A 1', district: 'SW1', area: 'SW' })
    }
    expect(preparePostcode('M14 5TP')).toMatchObject({ sector: 'M14 5', district: 'M14', area: 'M' })
  })

  it('keeps a foreign postcode as text without a hierarchy', () => {
    expect(preparePostcode('4011')).toEqual({ value: '4011', sector: null, district: null, area: null })
    expect(preparePostcode('')).toBeNull()
  })
})

describe('addresses', () => {
  it('takes the house number from the first line and abbreviates street words', () => {
    expect(prepareAddress({ lines: ['12a Station Road', 'Flat 2'] })).toMatchObject({
      number: '12a',
      street: 'stationrdflat2',
    })
    expect(prepareAddress({ streetNumber: '7', lines: ['Wallaby Place'] })).toMatchObject({
      number: '7',
      street: 'wallabypl',
    })
    expect(prepareAddress({ lines: [] })).toBeNull()
  })
})
