/**
 * Invented names for the demo's screens. Surnames are built from made-up syllables so that no
 * generated person can be mistaken for a real one; first names are ordinary given names.
 */

export const GIRLS_NAMES: readonly string[] = [
  'Amara', 'Bella', 'Cleo', 'Daisy', 'Eden', 'Freya', 'Grace', 'Hana', 'Isla', 'Jade',
  'Kira', 'Lena', 'Maya', 'Nia', 'Orla', 'Poppy', 'Rosa', 'Sana', 'Tilly', 'Zara',
];

export const BOYS_NAMES: readonly string[] = [
  'Aiden', 'Bilal', 'Caleb', 'Dev', 'Ezra', 'Finn', 'Gabe', 'Hugo', 'Idris', 'Jude',
  'Kai', 'Leo', 'Milo', 'Noah', 'Omar', 'Reuben', 'Sami', 'Theo', 'Yusuf', 'Zac',
];

export const ADULT_NAMES: readonly string[] = [
  'Alex', 'Bea', 'Cara', 'Dan', 'Elin', 'Femi', 'Gita', 'Hal', 'Ines', 'Jon',
  'Kemi', 'Lou', 'Mo', 'Nell', 'Owen', 'Priya', 'Rhys', 'Sian', 'Tom', 'Vi',
];

const SURNAME_HEADS: readonly string[] = [
  'Ashby', 'Brack', 'Carrow', 'Dunmere', 'Elsby', 'Fenwold', 'Garrow', 'Holm', 'Inkley', 'Jessop',
  'Kettle', 'Lowder', 'Marrow', 'Nettle', 'Orrin', 'Pelly', 'Quarry', 'Rook', 'Selby', 'Thorne',
];

const SURNAME_TAILS: readonly string[] = ['', 'wick', 'field', 'ton', 'ley', 'more', 'dale', 'croft'];

/** All invented surnames: heads alone or joined to a tail ("Brackwick", "Nettlecroft"). */
export const SURNAMES: readonly string[] = SURNAME_HEADS.flatMap((head) =>
  SURNAME_TAILS.map((tail) => (tail === '' ? head : head.replace(/y$/, 'i') + tail)),
);

/** The invented council whose children the generator makes up. */
export const COUNCIL_NAME = 'Northbridge';
export const CHILD_ID_PREFIX = 'NB';
