/**
 * ISO 3166-1 alpha-2 codes grouped by the UN M49 sub-regions and regions, used to generalise citizenship in
 * the anonymised export (a country is too identifying in a small release; its sub-region or region is not).
 * Sub-Saharan Africa is split as M49 intermediate regions are (Eastern, Middle, Southern, Western Africa);
 * Latin America and the Caribbean is kept whole.
 */
const SUB_REGIONS: Record<string, { region: string; codes: string }> = {
  'Northern Africa': { region: 'Africa', codes: 'DZ EG LY MA SD TN EH' },
  'Eastern Africa': { region: 'Africa', codes: 'BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TZ UG ZM ZW IO TF' },
  'Middle Africa': { region: 'Africa', codes: 'AO CM CF TD CG CD GQ GA ST' },
  'Southern Africa': { region: 'Africa', codes: 'BW SZ LS NA ZA' },
  'Western Africa': { region: 'Africa', codes: 'BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG' },
  'Latin America and the Caribbean': {
    region: 'Americas',
    codes:
      'AI AG AR AW BS BB BZ BO BQ BR VG KY CL CO CR CU CW DM DO EC SV FK GF GD GP GT GY HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF VC SX SR TT TC UY VE VI GS BV',
  },
  'Northern America': { region: 'Americas', codes: 'BM CA GL PM US UM' },
  'Central Asia': { region: 'Asia', codes: 'KZ KG TJ TM UZ' },
  'Eastern Asia': { region: 'Asia', codes: 'CN HK MO KP JP MN KR TW' },
  'South-eastern Asia': { region: 'Asia', codes: 'BN KH ID LA MY MM PH SG TH TL VN' },
  'Southern Asia': { region: 'Asia', codes: 'AF BD BT IN IR MV NP PK LK' },
  'Western Asia': { region: 'Asia', codes: 'AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE' },
  'Eastern Europe': { region: 'Europe', codes: 'BY BG CZ HU PL MD RO RU SK UA' },
  'Northern Europe': { region: 'Europe', codes: 'AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB' },
  'Southern Europe': { region: 'Europe', codes: 'AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK' },
  'Western Europe': { region: 'Europe', codes: 'AT BE FR DE LI LU MC NL CH' },
  Oceania: {
    region: 'Oceania',
    codes: 'AS AU CX CC CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV VU WF',
  },
}

const byCode = new Map<string, { subRegion: string; region: string }>()
for (const [subRegion, { region, codes }] of Object.entries(SUB_REGIONS))
  for (const code of codes.split(' ')) byCode.set(code, { subRegion, region })

export function subRegionOf(code: string): string {
  return byCode.get(code.toUpperCase())?.subRegion ?? 'Unknown'
}

export function regionOf(code: string): string {
  return byCode.get(code.toUpperCase())?.region ?? 'Unknown'
}
