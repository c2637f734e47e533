//! The applicant's name beside the owner of record (the assessor's roll):
//! names normalised for case, accents, punctuation, initials, "LAST FIRST"
//! order, couples ("SMITH JOHN & MARY") and "ET AL", with trusts, estates,
//! companies and governments noted. The comparison informs a reviewer; it
//! never decides on its own.

use serde::{Deserialize, Serialize};

/// How the applicant's name compares with the roll's.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NameMatch {
    /// The roll has no name for the parcel (no row, or "CURRENT OWNER").
    #[default]
    NoRecord,
    /// No name on the roll is the applicant's.
    NoMatch,
    /// Part agrees: the same surname, an initial for a name, one letter off.
    Partial,
    /// A name on the roll is the applicant's, in whatever order and case.
    Match,
}

impl NameMatch {
    pub fn as_str(self) -> &'static str {
        match self {
            NameMatch::NoRecord => "no_record",
            NameMatch::NoMatch => "no_match",
            NameMatch::Partial => "partial",
            NameMatch::Match => "match",
        }
    }
}

/// What a reviewer should know about the roll's names besides the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OwnerNote {
    /// A trust holds title (a land trust, or a person's trust): the deed or
    /// the trust's papers say who may act for it.
    Trust,
    /// An estate ("ESTATE OF", "HEIRS OF"): an executor may apply.
    Estate,
    /// A company (LLC, INC, CORP ...).
    Company,
    /// A government (the city, the county, a housing authority).
    Government,
    /// "ET AL": more owners than the roll names.
    OthersNotNamed,
    /// Mail goes "in care of" someone who may not be an owner.
    InCareOf,
}

/// The comparison of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerComparison {
    pub verdict: NameMatch,
    /// The roll's name the verdict rests on (for staff only), if any.
    pub closest: Option<String>,
    pub notes: Vec<OwnerNote>,
}

/// Words that name no person: titles, suffixes, "ET AL", trust and estate
/// words (noted, then dropped).
const NOT_NAMES: &[&str] = &[
    "MR",
    "MRS",
    "MS",
    "MISS",
    "DR",
    "JR",
    "SR",
    "II",
    "III",
    "IV",
    "ET",
    "AL",
    "ETAL",
    "UX",
    "ETUX",
    "VIR",
    "ETVIR",
    "THE",
    "OF",
    "TR",
    "TRS",
    "TRUSTEE",
    "TRUSTEES",
    "TRUST",
    "TRST",
    "LIVING",
    "REVOCABLE",
    "REV",
    "DECLARATION",
    "DECL",
    "DTD",
    "DATED",
    "FAMILY",
    "LAND",
    "NO",
    "NUMBER",
    "UTD",
    "UAD",
    "ESTATE",
    "EST",
    "HEIRS",
    "DECEASED",
    "DEC",
    "EXECUTOR",
    "EXEC",
    "ADMINISTRATOR",
    "ADMR",
    "LIFE",
    "TENANT",
    "TENANTS",
    "JT",
    "TEN",
    "JTWROS",
    "TIC",
    "HUSBAND",
    "WIFE",
    "AND",
];
/// Words that make a name a company's.
const COMPANY: &[&str] = &[
    "LLC",
    "L.L.C",
    "INC",
    "INCORPORATED",
    "CORP",
    "CORPORATION",
    "CO",
    "COMPANY",
    "LP",
    "LLP",
    "LTD",
    "BANK",
    "PARTNERS",
    "PARTNERSHIP",
    "HOLDINGS",
    "PROPERTIES",
    "INVESTMENTS",
    "REALTY",
    "ASSOCIATES",
    "ASSN",
    "ASSOCIATION",
    "CHURCH",
    "MINISTRIES",
    "FOUNDATION",
    "GROUP",
    "ENTERPRISES",
    "DEVELOPMENT",
    "MANAGEMENT",
    "NATIONAL",
    "MORTGAGE",
];
/// Names that are a government's.
const GOVERNMENT: &[&str] = &[
    "CITY OF CHICAGO",
    "COUNTY OF COOK",
    "COOK COUNTY",
    "CHICAGO HOUSING AUTHORITY",
    "CHICAGO PARK DISTRICT",
    "BOARD OF EDUCATION",
    "STATE OF ILLINOIS",
    "CITY OF",
    "VILLAGE OF",
    "LAND BANK",
];
/// Placeholders assessor rolls print where they have no name.
const PLACEHOLDERS: &[&str] = &[
    "CURRENT OWNER",
    "CURRENT TAXPAYER",
    "TAXPAYER OF",
    "OWNER OF RECORD",
    "OCCUPANT",
    "UNKNOWN",
    "NONE",
];

/// A name in capitals, accents folded, punctuation turned to spaces (but
/// apostrophes dropped: O'BRIEN is OBRIEN), spaces collapsed.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = fold(c);
        if c == '\'' || c == '\u{2019}' || c == '`' {
            continue;
        }
        if c.is_alphanumeric() || c == '&' || c == '#' {
            out.extend(c.to_uppercase());
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Latin letters with accents as their plain letter.
fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'O',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ç' => 'c',
        'Ç' => 'C',
        'ł' => 'l',
        'Ł' => 'L',
        'ś' | 'š' => 's',
        'Ś' | 'Š' => 'S',
        'ż' | 'ź' | 'ž' => 'z',
        'Ż' | 'Ź' | 'Ž' => 'Z',
        'ć' | 'č' => 'c',
        'Ć' | 'Č' => 'C',
        'ń' => 'n',
        'Ń' => 'N',
        'ę' | 'ě' => 'e',
        'Ę' | 'Ě' => 'E',
        'ą' => 'a',
        'Ą' => 'A',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        other => other,
    }
}

/// One person a name holds: the tokens of their name, in no order.
type Person = Vec<String>;

/// What a roll's name holds: its people, and what it notes.
struct Reading {
    people: Vec<Person>,
    notes: Vec<OwnerNote>,
}

fn has_phrase(words: &[&str], phrase: &str) -> bool {
    let p: Vec<&str> = phrase.split(' ').collect();
    words.windows(p.len()).any(|w| w == p.as_slice())
}

/// Reads one name as the roll gives it, or as the applicant wrote it.
fn read(name: &str) -> Reading {
    let text = normalise(name);
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let mut notes = Vec::new();
    let mut note = |n: OwnerNote| {
        if !notes.contains(&n) {
            notes.push(n);
        }
    };
    if PLACEHOLDERS.iter().any(|p| has_phrase(&words, p)) || words.is_empty() {
        return Reading {
            people: Vec::new(),
            notes,
        };
    }
    // "C/O" (in care of) or "ATTN" and what follows name whom the mail
    // goes to, who may be no owner.
    let cut = words
        .windows(2)
        .position(|w| w == ["C", "O"])
        .or_else(|| words.iter().position(|w| *w == "ATTN"))
        .or_else(|| words.windows(3).position(|w| w == ["IN", "CARE", "OF"]));
    let words: Vec<&str> = match cut {
        Some(at) => {
            note(OwnerNote::InCareOf);
            words[..at].to_vec()
        }
        None => words,
    };
    if GOVERNMENT.iter().any(|g| has_phrase(&words, g)) {
        note(OwnerNote::Government);
        return Reading {
            people: Vec::new(),
            notes,
        };
    }
    if words
        .iter()
        .any(|w| *w == "TRUST" || *w == "TR" || *w == "TRUSTEE" || *w == "TRUSTEES" || *w == "TRST")
    {
        note(OwnerNote::Trust);
    }
    if has_phrase(&words, "ESTATE OF")
        || has_phrase(&words, "EST OF")
        || words.contains(&"HEIRS")
        || words.contains(&"DECEASED")
    {
        note(OwnerNote::Estate);
    }
    if has_phrase(&words, "ET AL") || words.contains(&"ETAL") {
        note(OwnerNote::OthersNotNamed);
    }
    if words.iter().any(|w| COMPANY.contains(w)) {
        note(OwnerNote::Company);
        return Reading {
            people: Vec::new(),
            notes,
        };
    }
    // People: split at "&", "AND", "+". A part with one name alone shares
    // the surname of the first whole name ("SMITH JOHN & MARY", "JOHN &
    // MARY SMITH"), which comes first on rolls ("LAST FIRST") or last.
    let mut parts: Vec<Vec<&str>> = vec![Vec::new()];
    for w in &words {
        if matches!(*w, "&" | "AND" | "+") {
            parts.push(Vec::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(w);
        }
    }
    let persons: Vec<Person> = parts
        .iter()
        .map(|part| {
            part.iter()
                .filter(|w| {
                    !NOT_NAMES.contains(w) && !w.chars().all(|c| c.is_ascii_digit() || c == '#')
                })
                .map(|w| (*w).to_owned())
                .collect::<Person>()
        })
        .filter(|p| !p.is_empty())
        .collect();
    let whole = |p: &Person| p.iter().filter(|t| t.len() > 1).count() >= 2;
    let head = persons.iter().find(|p| whole(p)).cloned();
    let mut people = Vec::new();
    for person in persons {
        match &head {
            Some(head) if !whole(&person) => {
                for surname in [head.first(), head.last()].into_iter().flatten() {
                    let mut p = person.clone();
                    if !p.contains(surname) {
                        p.push(surname.clone());
                    }
                    people.push(p);
                }
            }
            _ => people.push(person),
        }
    }
    Reading { people, notes }
}

/// Two tokens one letter apart (a typo, a dropped letter), both long.
fn one_letter_off(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().max(b.len()) < 4 || a.len().min(b.len()) < 3 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if short.len() == long.len() {
        return short
            .iter()
            .zip(long.iter())
            .filter(|(x, y)| x != y)
            .count()
            == 1;
    }
    // One letter more in `long`.
    let mut i = 0;
    while i < short.len() && short[i] == long[i] {
        i += 1;
    }
    short[i..] == long[i + 1..]
}

/// How two people's names agree. The applicant writes "First Last" (or
/// "Last, First": `surname_first`), so a single name in common counts only
/// when it is the applicant's surname: a shared given name alone is no
/// match.
fn compare_people(applicant: &Person, owner: &Person, surname_first: bool) -> NameMatch {
    let surname = if surname_first {
        applicant.first()
    } else {
        applicant.last()
    };
    let mut surname_found = false;
    let mut free: Vec<Option<&String>> = owner.iter().map(Some).collect();
    let (mut exact, mut loose) = (0usize, 0usize);
    let mut unpaired_applicant_names = 0usize;
    // Whole names first, then initials and near misses.
    let mut rest = Vec::new();
    for t in applicant {
        if let Some(slot) = free
            .iter_mut()
            .find(|s| s.is_some_and(|o| o == t && t.len() > 1))
        {
            *slot = None;
            exact += 1;
            surname_found |= Some(t) == surname;
        } else {
            rest.push(t);
        }
    }
    for t in rest {
        let found = free.iter_mut().find(|s| {
            s.is_some_and(|o| {
                let initial = |a: &str, b: &str| a.len() == 1 && b.starts_with(a);
                initial(t, o) || initial(o, t) || (t == o) || one_letter_off(t, o)
            })
        });
        match found {
            Some(slot) => {
                *slot = None;
                loose += 1;
            }
            None if t.len() > 1 => unpaired_applicant_names += 1,
            None => {}
        }
    }
    let unpaired_owner_names = free.iter().flatten().filter(|o| o.len() > 1).count();
    if exact >= 2 && (unpaired_applicant_names == 0 || unpaired_owner_names == 0) {
        NameMatch::Match
    } else if exact >= 1 && exact + loose >= 2 || surname_found {
        NameMatch::Partial
    } else {
        NameMatch::NoMatch
    }
}

/// Compares the applicant's name with every name the roll gives for the
/// parcel (`owners` empty: no record).
pub fn compare(applicant: &str, owners: &[String]) -> OwnerComparison {
    let mut notes: Vec<OwnerNote> = Vec::new();
    // "Smith, John" puts the surname first; "John Smith, Jr." does not.
    let surname_first = applicant.split_once(',').is_some_and(|(_, after)| {
        normalise(after)
            .split(' ')
            .any(|w| !w.is_empty() && !NOT_NAMES.contains(&w))
    });
    let applicant = read(applicant);
    let mut best: Option<(NameMatch, &String)> = None;
    let mut any_person = false;
    for owner in owners {
        let reading = read(owner);
        for n in reading.notes {
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
        for o in &reading.people {
            any_person = true;
            for a in &applicant.people {
                let m = compare_people(a, o, surname_first);
                if best.is_none_or(|(b, _)| m > b) {
                    best = Some((m, owner));
                }
            }
        }
    }
    notes.sort();
    let entity = notes.iter().any(|n| {
        matches!(
            n,
            OwnerNote::Company | OwnerNote::Government | OwnerNote::Trust | OwnerNote::Estate
        )
    });
    let (verdict, closest) = match best {
        Some((m, name)) if m > NameMatch::NoMatch => (m, Some(name.clone())),
        _ if !any_person && !entity => (NameMatch::NoRecord, None),
        _ => (NameMatch::NoMatch, None),
    };
    OwnerComparison {
        verdict,
        closest,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(applicant: &str, roll: &[&str]) -> NameMatch {
        compare(
            applicant,
            &roll.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        )
        .verdict
    }

    fn notes(roll: &[&str]) -> Vec<OwnerNote> {
        compare(
            "Someone Else",
            &roll.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        )
        .notes
    }

    #[test]
    fn names_are_normalised_for_case_accents_and_punctuation() {
        assert_eq!(normalise("José  Núñez-García"), "JOSE NUNEZ GARCIA");
        assert_eq!(normalise("O'Brien, Patrick J."), "OBRIEN PATRICK J");
        assert_eq!(normalise("  łukasz   Wróbel "), "LUKASZ WROBEL");
    }

    /// The patterns assessor rolls hold, each beside what an applicant
    /// writes on the form.
    #[test]
    fn the_roll_s_patterns_beside_what_applicants_write() {
        use NameMatch::*;
        let cases: &[(&str, &[&str], NameMatch)] = &[
            // "LAST FIRST", in capitals.
            ("John Smith", &["SMITH JOHN"], Match),
            ("john smith", &["SMITH, JOHN"], Match),
            // A middle initial on one side only.
            ("John Q. Smith", &["SMITH JOHN"], Match),
            ("John Smith", &["SMITH JOHN Q"], Match),
            ("John Smith", &["SMITH JOHN PATRICK"], Match),
            // Accents the roll drops.
            ("José Núñez", &["NUNEZ JOSE"], Match),
            // Couples, the second person's surname shared.
            ("Mary Smith", &["SMITH JOHN & MARY"], Match),
            ("Mary Smith", &["JOHN & MARY SMITH"], Match),
            ("John Smith", &["SMITH JOHN AND MARY"], Match),
            ("Maria Lopez", &["GARCIA JOSE & LOPEZ MARIA"], Match),
            // ET AL, suffixes and titles.
            ("Robert Jones", &["JONES ROBERT ET AL"], Match),
            ("Robert Jones Jr.", &["JONES ROBERT JR"], Match),
            ("Dr. Robert Jones", &["JONES ROBERT"], Match),
            // A second name column (the taxpayer) agrees.
            (
                "Ann Lee",
                &["CHICAGO TITLE LAND TRUST CO", "LEE ANN"],
                Match,
            ),
            // A person's trust.
            ("Linda Brown", &["LINDA BROWN TRUST"], Match),
            ("Linda Brown", &["BROWN LINDA TR"], Match),
            (
                "Linda Brown",
                &["LINDA BROWN DECLARATION OF TRUST DTD 3/4/05"],
                Match,
            ),
            // Apostrophes and hyphens.
            ("Patrick O'Brien", &["OBRIEN PATRICK"], Match),
            ("Ana García-López", &["GARCIA LOPEZ ANA"], Match),
            // Partial: an initial for a given name, the surname alone, a typo.
            ("J. Smith", &["SMITH JOHN"], Partial),
            ("John Smith", &["SMITH J"], Partial),
            ("Mary Smith", &["SMITH JOHN"], Partial),
            ("Jon Smith", &["SMITH JOHN"], Partial),
            ("John Smyth", &["SMITH JOHN"], Partial),
            ("Ana Garcia", &["GARCIA LOPEZ ANA MARIA"], Match),
            // No match.
            ("Mary Johnson", &["SMITH JOHN"], NoMatch),
            // A given name alone in common is no match; a surname is.
            ("Mary Johnson", &["SMITH JOHN & MARY"], NoMatch),
            ("Smith, Mary", &["SMITH JOHN"], Partial),
            ("Smith, John", &["SMITH JOHN"], Match),
            // A comma before a suffix is no "Last, First".
            ("John Smith, Jr.", &["DOE JOHN"], NoMatch),
            ("John Smith, Jr.", &["SMITH MARY"], Partial),
            ("John Smith, Jr.", &["SMITH JOHN JR"], Match),
            ("Lee Ann", &["PARK DAVID"], NoMatch),
            // Companies and governments hold no person.
            ("John Smith", &["123 MADISON LLC"], NoMatch),
            ("John Smith", &["CITY OF CHICAGO"], NoMatch),
            (
                "John Smith",
                &["CHICAGO TITLE LAND TRUST CO TR #8002"],
                NoMatch,
            ),
            // No record: no row, or a placeholder.
            ("John Smith", &[], NoRecord),
            ("John Smith", &["CURRENT OWNER"], NoRecord),
            ("John Smith", &["TAXPAYER OF 4012 W MADISON"], NoRecord),
            ("John Smith", &[""], NoRecord),
        ];
        let mut wrong = Vec::new();
        for (applicant, roll, want) in cases {
            let got = verdict(applicant, roll);
            if got != *want {
                wrong.push(format!("{applicant:?} vs {roll:?}: {got:?}, not {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn trusts_estates_companies_and_governments_are_noted() {
        use OwnerNote::*;
        assert_eq!(notes(&["LINDA BROWN TRUST"]), vec![Trust]);
        assert_eq!(
            notes(&["CHICAGO TITLE LAND TRUST CO TR #8002"]),
            vec![Trust, Company]
        );
        assert_eq!(notes(&["ESTATE OF JAMES WHITE"]), vec![Estate]);
        assert_eq!(notes(&["HEIRS OF JAMES WHITE"]), vec![Estate]);
        assert_eq!(notes(&["123 MADISON LLC"]), vec![Company]);
        assert_eq!(notes(&["CITY OF CHICAGO"]), vec![Government]);
        assert_eq!(notes(&["JONES ROBERT ET AL"]), vec![OthersNotNamed]);
        assert_eq!(
            notes(&["SMITH JOHN C/O ACME PROPERTY MGMT"]),
            vec![InCareOf]
        );
        assert_eq!(notes(&["SMITH JOHN"]), vec![]);
        // An estate still names its person: an heir applying matches.
        assert_eq!(
            verdict("James White", &["ESTATE OF JAMES WHITE"]),
            NameMatch::Match
        );
    }

    #[test]
    fn the_closest_name_is_the_one_the_verdict_rests_on() {
        let roll = vec!["PARK DAVID".to_owned(), "SMITH JOHN & MARY".to_owned()];
        let c = compare("Mary Smith", &roll);
        assert_eq!(c.verdict, NameMatch::Match);
        assert_eq!(c.closest.as_deref(), Some("SMITH JOHN & MARY"));
        assert_eq!(compare("Mary Johnson", &roll).closest, None);
    }

    #[test]
    fn one_letter_off_is_a_typo_in_a_long_name_only() {
        assert!(one_letter_off("SMITH", "SMYTH"));
        assert!(one_letter_off("JOHN", "JON"));
        assert!(!one_letter_off("LEE", "LEA"));
        assert!(!one_letter_off("SMITH", "SMYTHE"));
        assert!(one_letter_off("GARCIA", "GARCIAS"));
    }
}
