import { describe, expect, it } from 'vitest'
import { labelled } from './labelled.ts'

describe('a closed list of words', () => {
  const COLOURS = labelled([
    { value: 'red', text: 'Red' },
    { value: 'dark-blue', text: 'Dark blue' },
  ])

  it('gives the stored values in order, and the label of each', () => {
    expect(COLOURS.values).toEqual(['red', 'dark-blue'])
    expect(COLOURS.label('dark-blue')).toBe('Dark blue')
  })

  it('reads a value from an older list as itself, and says it is not in the list', () => {
    expect(COLOURS.label('green')).toBe('green')
    expect(COLOURS.has('green')).toBe(false)
    expect(COLOURS.has('red')).toBe(true)
  })
})
