import { describe, expect, it } from 'vitest'
import { csvCell, csvRows } from './csv.ts'

describe('CSV cells', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=cmd', "'\t=cmd"],
  ])('does not let a spreadsheet run %j as a formula', (value, cell) => {
    expect(csvCell(value)).toBe(cell)
  })

  it('escapes a leading carriage return and quotes the cell, since CSV needs that for a line break', () => {
    expect(csvCell('\r=cmd')).toBe(`"'\r=cmd"`)
  })

  it('quotes a formula that also has a comma or a quote in it, after escaping it', () => {
    expect(csvCell('=HYPERLINK("http://x", "y")')).toBe(`"'=HYPERLINK(""http://x"", ""y"")"`)
  })

  it('leaves ordinary text, numbers and a character inside the text alone', () => {
    expect(csvCell('Ana-Maria')).toBe('Ana-Maria')
    expect(csvCell('a=b')).toBe('a=b')
    expect(csvCell(12)).toBe('12')
  })

  it('writes a negative number as a number, but a negative-looking string as text', () => {
    expect(csvCell(-3)).toBe('-3')
    expect(csvCell('-3')).toBe("'-3")
  })

  it('writes null and undefined as an empty cell', () => {
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
  })

  it('quotes commas, quotes and new lines', () => {
    expect(csvCell('Leeds, West Yorkshire')).toBe('"Leeds, West Yorkshire"')
    expect(csvCell('the "boss"')).toBe('"the ""boss"""')
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"')
  })

  it('joins rows with CRLF and ends with one', () => {
    expect(
      csvRows([
        ['a', 'b'],
        ['=c', null],
      ]),
    ).toBe("a,b\r\n'=c,\r\n")
  })
})
