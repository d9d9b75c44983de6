/**
 * Given-name equivalents as data: diminutives within a language and the same name across languages
 * (John, Ion, Gjon, Jan, Ivan, Yohannes). Each line is one family of forms; a form may sit in several
 * families (Alex is Alexander or Alexandra), so matching asks "do they share a family", not "same canonical".
 * Kept small and reviewable on purpose: a wrong entry creates false links.
 */
export const GIVEN_NAME_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  english: [
    'robert rob robbie bob bobby bert robt',
    'william will bill billy willie liam wm willm',
    'elizabeth liz lizzie beth betty bette eliza libby elisabeth betsy bessie bess eliz',
    'margaret maggie meg peggy marge madge greta margt',
    'james jim jimmy jamie jas',
    'john jack johnny jon jno',
    'michael mike mick micky mickey mikey',
    'richard rick ricky dick richie rich richd',
    'thomas tom tommy thom thos',
    'anthony tony antony',
    'joseph joe joey jos',
    'charles charlie chas chuck',
    'edward ed eddie ted teddy ned edwd',
    'katherine catherine kathryn kate katie kathy cathy kat kay kitty',
    'christopher chris kit',
    'christine chris chrissy tina christina',
    'daniel dan danny danl',
    'david dave davy',
    'matthew matt matty',
    'nicholas nick nicky nico',
    'samuel sam sammy saml',
    'samantha sam sammy',
    'benjamin ben benny benji benj',
    'alexander alex alec sandy alexr',
    'alexandra alex sandra sandy lexi',
    'patricia pat patty trish tricia',
    'patrick pat paddy',
    'jennifer jen jenny jenna',
    'rebecca becky becca',
    'victoria vicky vicki tori',
    'susan sue susie suzanne susanna susannah sukey',
    'deborah debbie deb debra',
    'andrew andy drew',
    'stephen steven steve stevie',
    'peter pete',
    'jonathan jon jonny',
    'timothy tim timmy',
    'harold harry hal',
    'henry harry hank hal',
    'frederick fred freddie freddy fredk',
    'joshua josh',
    'zachary zach zack',
    'nathan nate nat',
    'nathaniel nate nat',
    'gregory greg',
    'jacob jake',
    'isabella bella izzy isabel',
    'abigail abby abbie',
    'lawrence larry laurie',
    'leonard leo len lenny',
    'raymond ray',
    'ronald ron ronnie',
    'donald don donnie',
    'kenneth ken kenny',
    'gerald gerry jerry',
    'dorothy dot dottie dolly',
    'eleanor ellie nell nora',
    'jessica jess jessie',
    'jacqueline jackie jacqui',
    'pamela pam',
    'sarah sally sadie',
    'mary molly polly mae',
    'ann anne anna annie nancy hannah',
    'alfred alf alfie',
    'arthur art artie',
    'albert al bert bertie',
    'walter walt wally',
    'douglas doug',
    'phillip philip phil pip',
    'terence terry',
    'theodore theo ted teddy',
    'francis frank frankie fran',
    'frances fran frankie fanny',
    'louise lou lulu',
    'lucinda lucy cindy',
    'cynthia cindy',
    'vincent vince vinny',
    'maximilian max',
    'zoe zoey',
    // Older forms and the abbreviations of parish registers and censuses (Geo., Jno., Thos., Wm.).
    'george geo georgie',
    'harriet hattie hatty',
    'ellen nellie nelly',
    'martha patty mattie',
    'esther hetty hester',
    'jane jenny jennie',
    'isaac ike',
    'edmund ned edmd',
  ],
  romanian: [
    'ion ionel ionut nelu',
    'gheorghe ghita gica george',
    'constantin costel costi costica dinu',
    'alexandru sandu sandel alex',
    'vasile vasilica vasi',
    'nicolae nicu nae nicusor',
    'mihai mihaita',
    'stefan fanel fane',
    'dumitru mitica dumi',
    'ioana oana',
    'elena lenuta',
    'maria mariuca mia',
    'florin florinel',
    'gabriel gabi',
    'gabriela gabi',
    'daniela dana',
    'cristian cristi',
    'adrian adi',
    'ecaterina catalina cati',
  ],
  albanian: [
    'gjergj gjergji george',
    'gjon gjoni',
    'mehmet meti',
    'arben beni',
    'besnik besi',
    'fatmir miri',
    'shpetim timi',
    'flutura flutra',
    'luljeta leta',
    'valbona bona',
  ],
  polish: [
    'katarzyna kasia kasienka kaska',
    'malgorzata gosia malgosia',
    'aleksandra ola olenka',
    'agnieszka aga agusia',
    'joanna asia joasia',
    'magdalena magda',
    'krzysztof krzys krzysiek',
    'wojciech wojtek',
    'jan janek jas',
    'piotr piotrek',
    'tomasz tomek',
    'zbigniew zbyszek',
    'stanislaw stas staszek',
    'aleksander olek',
    'jozef jozek',
    'wladyslaw wladek',
    'bartlomiej bartek',
    'grzegorz grzesiek',
    'mateusz mati',
    'lukasz lukaszek',
    'pawel pawelek',
    'dorota dorotka',
    'anna ania anka',
  ],
  vietnamese: [
    // Vietnamese given names have few diminutives; these are the common English names adopted in the UK.
    'minh minnie',
    'thanh tommy',
  ],
  arabic: [
    'mohammed muhammad mohamed mohammad muhammed mohamad mo hamoudi',
    'ahmed ahmad',
    'abdullah abdallah abdulla abdul',
    'abdulrahman abdelrahman abdul rahman',
    'yusuf youssef yousef yusef',
    'ibrahim ebrahim',
    'mustafa mostafa moustafa',
    'hussein husein hossein husain hussain',
    'fatima fatma fatimah',
    'aisha ayesha aysha',
  ],
  eritrean: [
    'yohannes yohanes johannes yonas',
    'tesfay tesfaye',
    'mehari meharie',
    'gebremedhin medhin',
    'haile hailu',
    'mebrahtu mebrat',
    'senait seni',
    'selamawit selam',
  ],
  chinese: ['wei way', 'jun june'],
  // The same name across languages; feeds cross-border spellings (a Romanian Ion who is also a John).
  crossLanguage: [
    'john ion ioan gjon jan ivan juan giovanni johannes yohannes yahya jean jovan',
    'mary maria marie mariam maryam mariya marija',
    'joseph josef jozef iosif yusuf youssef yosef giuseppe jose',
    'michael mihai michal mikhail mikael mikel michele miguel',
    'peter petru piotr pjeter pyotr pietro petros butros pedro',
    'stephen stefan stefano stepan istvan esteban stephan',
    'george gheorghe jerzy georgi gjergj giorgio jorge yuri georgios',
    'alexander alexandru aleksander aleksandr iskander alessandro alejandro',
    'nicholas nicolae mikolaj nikola nikolai nicola nicolas',
    'paul pavel pawel paulo pablo boulos paolo',
    'andrew andrei andrzej andrea andreas andres',
    'james jakub iacob jacob yakub yaqub giacomo',
    'david dawid dawit daud dawood',
    'abraham ibrahim avraham',
    'moses musa moshe',
    'solomon suleiman sulayman suleyman',
    'elizabeth elzbieta elisabeta elisabetta',
    'katherine ecaterina katarzyna katerina ekaterina kateryna caterina',
    'helen elena helena ileana',
    'anna ana anya hanna',
    'daniel danil danylo',
    'thomas tomasz toma tomas',
    'matthew mateusz matei matteo mateo',
    'luke lukasz luca lucas',
    'mark marek marco marcus',
  ],
}

type FamilyIds = readonly number[]

const byForm = new Map<string, number[]>()
let nextFamily = 0
for (const lines of Object.values(GIVEN_NAME_FAMILIES)) {
  for (const line of lines) {
    const id = nextFamily++
    for (const form of line.split(' ')) {
      const ids = byForm.get(form)
      if (ids) ids.push(id)
      else byForm.set(form, [id])
    }
  }
}

const NONE: FamilyIds = []

/** The name families a given-name form belongs to (shared, never mutated). */
export function nameFamilies(form: string): FamilyIds {
  return byForm.get(form) ?? NONE
}

export function shareFamily(a: FamilyIds, b: FamilyIds): boolean {
  if (a.length === 0 || b.length === 0) return false
  for (const x of a) for (const y of b) if (x === y) return true
  return false
}

/** A blocking-friendly stand-in: the first family's id when the form belongs to exactly one family. */
export function familyKey(form: string): string {
  const ids = byForm.get(form)
  return ids && ids.length === 1 ? `#${ids[0]}` : form
}
