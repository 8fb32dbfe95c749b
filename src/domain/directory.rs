//! The member directory's rules: which profiles and properties it shows, and what a search
//! asks for.
//!
//! A search is parsed here into plain words, so no store ever sees the query syntax of its
//! full-text engine: `"`, `*`, `NEAR`, `-` and the like are separators, not operators.
//! Results are paged through a window of at most [`RESULT_WINDOW`] profiles: a search ranks
//! at most that many matches and the total counts at most that many, which keeps the cost
//! of a search the same at a hundred members and at a million (docs/API.md).

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

use super::catalogue::{Field, MAX_TAG_CHARS, Rule};

/// The most profiles a search ranks, and the most a listing pages through.
pub const RESULT_WINDOW: u64 = 1000;
pub const DEFAULT_PAGE_SIZE: u64 = 25;
pub const MAX_PAGE_SIZE: u64 = 100;
/// The longest `query`, in characters: a name and a few words, with room to spare.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words beyond this many are ignored: each narrows the match further anyway.
pub const MAX_QUERY_WORDS: usize = 8;

/// How a directory list is ordered (Nexudus' `order`): `1` by name, `2` newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirectoryOrder {
    #[default]
    Name,
    Newest,
}

/// One directory request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryQuery {
    /// The words to find, lower-cased; each must appear as a whole word.
    pub words: Vec<String>,
    /// The query as typed, trimmed and lower-cased: an exact name match ranks first.
    pub exact_name: Option<String>,
    /// One tag, as [`tag_key`] normalises it.
    pub tag: Option<String>,
    pub order: DirectoryOrder,
    pub page: u64,
    pub size: u64,
}

impl DirectoryQuery {
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.size
    }
}

/// The raw parameters, as the request carried them.
#[derive(Debug, Default, Clone)]
pub struct DirectoryParams<'a> {
    pub query: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub page: Option<&'a str>,
    pub size: Option<&'a str>,
    pub order: Option<&'a str>,
}

/// A parameter the directory cannot take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterProblem {
    pub parameter: &'static str,
    pub message: String,
}

/// Checks the parameters; the first problem names its parameter.
pub fn parse(params: &DirectoryParams<'_>) -> Result<DirectoryQuery, ParameterProblem> {
    let mut errors = Vec::new();
    let query = params.query.map(str::trim).unwrap_or_default();
    if query.chars().count() > MAX_QUERY_CHARS {
        errors.push(problem("query", format!("must be at most {MAX_QUERY_CHARS} characters")));
    }
    let tag = params.tag.map(tag_key).filter(|t| !t.is_empty());
    if tag.as_ref().is_some_and(|t| t.chars().count() > MAX_TAG_CHARS || t.chars().any(char::is_control)) {
        errors.push(problem(
            "tag",
            format!("must be at most {MAX_TAG_CHARS} characters, without control characters"),
        ));
    }
    let order = match params.order.map(str::trim) {
        None | Some("" | "1") => DirectoryOrder::Name,
        Some("2") => DirectoryOrder::Newest,
        Some(_) => {
            errors.push(problem("order", "must be 1 (by name) or 2 (newest first)".to_string()));
            DirectoryOrder::Name
        }
    };
    let page = number(params.page, "page", 1, u64::MAX, 1, &mut errors);
    let size = number(params.size, "size", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, &mut errors);
    if errors.is_empty() && (page - 1).saturating_mul(size) >= RESULT_WINDOW {
        errors.push(problem(
            "page",
            format!("only the first {RESULT_WINDOW} results can be paged through; narrow the search"),
        ));
    }
    if let Some(first) = errors.into_iter().next() {
        return Err(first);
    }
    let words = words(query);
    let exact_name = (!words.is_empty()).then(|| name_key(query));
    Ok(DirectoryQuery { words, exact_name, tag, order, page, size })
}

/// The words of a query: runs of letters and digits, lower-cased, at most
/// [`MAX_QUERY_WORDS`]. Everything else separates words.
pub fn words(query: &str) -> Vec<String> {
    tokens(query).take(MAX_QUERY_WORDS).collect()
}

/// The longest word a search can find, in characters: longer runs (a pasted hash, a URL
/// without spaces) are neither indexed nor searched, so an index entry stays small.
pub const MAX_WORD_CHARS: usize = 64;

/// The words of a text, as searches compare them: NFC, runs of letters and digits,
/// lower-cased, each at most [`MAX_WORD_CHARS`] long.
pub fn tokens(text: &str) -> impl Iterator<Item = String> {
    let normalised: String = text.nfc().collect();
    let words: Vec<String> = normalised
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && word.chars().count() <= MAX_WORD_CHARS)
        .map(str::to_lowercase)
        .collect();
    words.into_iter()
}

/// How a tag is compared: trimmed, NFC, lower-cased (as the PATCH de-duplicates tags).
pub fn tag_key(tag: &str) -> String {
    tag.trim().nfc().collect::<String>().to_lowercase()
}

fn number(
    text: Option<&str>,
    name: &'static str,
    min: u64,
    max: u64,
    default: u64,
    errors: &mut Vec<ParameterProblem>,
) -> u64 {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return default;
    };
    match text.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            let range = if max == u64::MAX { format!("at least {min}") } else { format!("{min} to {max}") };
            errors.push(problem(name, format!("must be a whole number, {range}")));
            default
        }
    }
}

fn problem(parameter: &'static str, message: String) -> ParameterProblem {
    ParameterProblem { parameter, message }
}

/// The properties a search looks in (docs/API.md, "Member directory").
pub const SEARCHED: [Field; 6] = [
    Field::FullName,
    Field::CompanyName,
    Field::Position,
    Field::BusinessArea,
    Field::ProfileTags,
    Field::ProfileSummary,
];

/// Whether a write of these fields changes what the directory shows, finds or lists.
pub fn indexes_any(mut fields: impl Iterator<Item = Field>) -> bool {
    fields.any(|field| field == Field::ProfileIsPublic || SEARCHED.contains(&field))
}

/// How the directory orders names: NFC, lower-cased.
pub fn name_key(full_name: &str) -> String {
    full_name.trim().nfc().collect::<String>().to_lowercase()
}

/// How much a word found in each searched property counts toward a search's relevance:
/// the name over tags over company and position over business area; a word found only in
/// the bio makes a profile match but adds nothing.
pub const WEIGHTS: [(Field, u32); 6] = [
    (Field::FullName, 10),
    (Field::ProfileTags, 5),
    (Field::CompanyName, 4),
    (Field::Position, 4),
    (Field::BusinessArea, 3),
    (Field::ProfileSummary, 0),
];

/// Every word of a profile's searched properties with the weight of the best property
/// that has it: what a store indexes, and what relevance is computed from.
pub fn word_weights<'a>(text_of: impl Fn(Field) -> Option<&'a str>) -> BTreeMap<String, u32> {
    let mut weights = BTreeMap::new();
    for (field, weight) in WEIGHTS {
        for word in text_of(field).map(tokens).into_iter().flatten() {
            let best = weights.entry(word).or_insert(weight);
            *best = (*best).max(weight);
        }
    }
    weights
}

/// A profile a search found, as ranking needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchCandidate {
    pub profile_id: i64,
    /// The name as [`name_key`] compares it.
    pub name_key: String,
    /// For each word of the query, the weight ([`WEIGHTS`]) of the best property that has it.
    pub relevance: u32,
}

/// The short properties of a profile a search found, read to rank it (the bio counts only
/// toward matching, so it is not read).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchedProfile {
    pub profile_id: i64,
    pub full_name: String,
    pub company_name: Option<String>,
    pub position: Option<String>,
    pub business_area: Option<String>,
    pub tags: Option<String>,
}

impl SearchedProfile {
    /// The candidate this profile is for a search of `words`.
    pub fn candidate(&self, words: &[String]) -> SearchCandidate {
        let weights = word_weights(|field| match field {
            Field::FullName => Some(self.full_name.as_str()),
            Field::ProfileTags => self.tags.as_deref(),
            Field::CompanyName => self.company_name.as_deref(),
            Field::Position => self.position.as_deref(),
            Field::BusinessArea => self.business_area.as_deref(),
            _ => None,
        });
        SearchCandidate {
            profile_id: self.profile_id,
            name_key: name_key(&self.full_name),
            relevance: words.iter().map(|word| weights.get(word).copied().unwrap_or(0)).sum(),
        }
    }
}

/// Orders a search's candidates: an exact match of the whole query with the name first,
/// then by relevance, then by name; ties by id, so pages never overlap.
pub fn rank(candidates: Vec<SearchCandidate>, query: &DirectoryQuery) -> Vec<i64> {
    let mut keyed: Vec<(bool, std::cmp::Reverse<u32>, String, i64)> = candidates
        .into_iter()
        .map(|candidate| {
            let inexact = query.exact_name.as_deref() != Some(candidate.name_key.as_str());
            (inexact, std::cmp::Reverse(candidate.relevance), candidate.name_key, candidate.profile_id)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, _, id)| id).collect()
}

/// The properties a directory card shows: those the catalogue marks public.
pub fn card_fields() -> impl Iterator<Item = Field> {
    Field::all().filter(|field| field.spec().public)
}

/// The properties a directory list shows: the card's, without the social links (the
/// Nexudus directory keeps them for the single view; docs/API.md, "Member directory").
pub fn list_fields() -> impl Iterator<Item = Field> {
    card_fields().filter(|field| !matches!(field.spec().rule, Rule::Social(_)))
}

/// One page of the directory: the profiles' ids in order, and how many match (at most
/// [`RESULT_WINDOW`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryHits {
    pub profile_ids: Vec<i64>,
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> DirectoryParams<'_> {
        DirectoryParams { query: Some(query), ..DirectoryParams::default() }
    }

    #[test]
    fn query_syntax_is_only_separators() {
        assert_eq!(words(r#"  "Ada" NEAR(lovelace*) -x  "#), vec!["ada", "near", "lovelace", "x"]);
        assert_eq!(words("\"*-^:()"), Vec::<String>::new());
        assert_eq!(words("Zoë 🚀 مرحبا"), vec!["zoë", "مرحبا"]);
        assert_eq!(words(&"a ".repeat(50)).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn paging_is_checked_and_windowed() {
        let ok = parse(&DirectoryParams { page: Some("40"), size: Some("25"), ..Default::default() });
        assert_eq!(ok.map(|q| q.offset()), Ok(975));
        for (page, size) in [("41", "25"), ("0", "25"), ("x", "25"), ("1", "101"), ("1", "0"), ("-1", "5")] {
            let parsed = parse(&DirectoryParams { page: Some(page), size: Some(size), ..Default::default() });
            assert!(parsed.is_err(), "page {page} size {size}");
        }
        assert_eq!(parse(&DirectoryParams::default()).map(|q| (q.page, q.size)), Ok((1, DEFAULT_PAGE_SIZE)));
    }

    #[test]
    fn a_long_query_is_refused_by_name() {
        let problem = parse(&params(&"x".repeat(MAX_QUERY_CHARS + 1))).expect_err("too long");
        assert_eq!(problem.parameter, "query");
        assert!(parse(&params(&"x".repeat(MAX_QUERY_CHARS))).is_ok());
    }

    #[test]
    fn an_exact_name_is_kept_only_with_words() {
        assert_eq!(parse(&params(" Ada Lovelace ")).map(|q| q.exact_name), Ok(Some("ada lovelace".into())));
        assert_eq!(parse(&params("\"")).map(|q| q.exact_name), Ok(None));
    }

    #[test]
    fn an_exact_name_ranks_first_then_relevance_then_name() {
        let candidate = |id, name: &str, company: Option<&str>, tags: Option<&str>| SearchedProfile {
            profile_id: id,
            full_name: name.into(),
            company_name: company.map(Into::into),
            tags: tags.map(Into::into),
            ..SearchedProfile::default()
        };
        let profiles = [
            candidate(1, "Ada Lovelace-Byron", None, None),
            candidate(2, "ADA LOVELACE", None, None),
            candidate(3, "Grace Hopper", Some("Ada Lovelace Ltd"), None),
            candidate(4, "Bea Byron", None, Some("ada, lovelace")),
            candidate(5, "Bea Byron", None, Some("ada, lovelace")),
            candidate(6, "Cy Ada", None, Some("lovelace")),
        ];
        let query = |text: &str| parse(&params(text)).expect("query");
        let ranked = |text: &str| {
            let query = query(text);
            rank(profiles.iter().map(|profile| profile.candidate(&query.words)).collect(), &query)
        };
        assert_eq!(ranked("Ada Lovelace"), vec![2, 1, 6, 4, 5, 3]);
        assert_eq!(ranked("Ada Lovelace-Byron"), vec![1, 2, 4, 5, 6, 3]);
        let found = candidate(7, "Ann", Some("Acme"), Some("design, ann"));
        assert_eq!(found.candidate(&words("ann acme design unknown")).relevance, 10 + 4 + 5);
        assert_eq!(found.candidate(&words("ann ann")).relevance, 20);
    }

    #[test]
    fn each_word_weighs_as_the_best_property_that_has_it() {
        let weights = word_weights(|field| match field {
            Field::FullName => Some("Ada Lovelace"),
            Field::ProfileTags => Some("Maths, engines"),
            Field::Position => Some("Engines lead"),
            Field::ProfileSummary => Some("I wrote the first program for Ada's engine"),
            _ => None,
        });
        assert_eq!(weights.get("ada"), Some(&10));
        assert_eq!(weights.get("engines"), Some(&5));
        assert_eq!(weights.get("lead"), Some(&4));
        assert_eq!(weights.get("program"), Some(&0));
        assert_eq!(weights.get("s"), Some(&0));
        assert_eq!(weights.len(), 13);
    }

    #[test]
    fn every_short_property_of_a_found_profile_weighs_in() {
        let profile = SearchedProfile {
            profile_id: 9,
            full_name: "Grace Hopper".into(),
            company_name: Some("Univac".into()),
            position: Some("Admiral".into()),
            business_area: Some("Compilers".into()),
            tags: Some("navy".into()),
        };
        let relevance = |query: &str| profile.candidate(&words(query)).relevance;
        assert_eq!(
            [
                relevance("grace"),
                relevance("navy"),
                relevance("univac"),
                relevance("admiral"),
                relevance("compilers")
            ],
            [10, 5, 4, 4, 3]
        );
        assert_eq!(profile.candidate(&[]).name_key, "grace hopper");
    }

    #[test]
    fn only_visibility_and_searched_properties_touch_the_directory() {
        assert!(!indexes_any([Field::NickName, Field::MobilePhone].into_iter()));
        assert!(!indexes_any(std::iter::empty()));
        assert!(indexes_any([Field::ProfileIsPublic].into_iter()));
        assert!(indexes_any([Field::NickName, Field::ProfileSummary].into_iter()));
    }

    #[test]
    fn a_bad_number_says_its_range() {
        let page = parse(&DirectoryParams { page: Some("0"), ..Default::default() }).expect_err("page 0");
        assert_eq!((page.parameter, page.message.as_str()), ("page", "must be a whole number, at least 1"));
        let size = parse(&DirectoryParams { size: Some("101"), ..Default::default() }).expect_err("size");
        assert_eq!((size.parameter, size.message.as_str()), ("size", "must be a whole number, 1 to 100"));
    }

    #[test]
    fn a_word_longer_than_the_limit_is_not_a_word() {
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        let fitting = "y".repeat(MAX_WORD_CHARS);
        assert_eq!(tokens(&format!("{long} {fitting} ok")).collect::<Vec<_>>(), vec![fitting, "ok".into()]);
    }

    #[test]
    fn a_tag_that_no_profile_can_have_is_refused_by_name() {
        for tag in ["a\u{0}b", &"t".repeat(MAX_TAG_CHARS + 1)] {
            let problem = parse(&DirectoryParams { tag: Some(tag), ..Default::default() }).expect_err(tag);
            assert_eq!(problem.parameter, "tag");
        }
        assert!(
            parse(&DirectoryParams { tag: Some(&"t".repeat(MAX_TAG_CHARS)), ..Default::default() }).is_ok()
        );
    }

    #[test]
    fn tags_compare_without_case_or_spaces() {
        assert_eq!(tag_key("  UX Design "), "ux design");
        assert_eq!(
            parse(&DirectoryParams { tag: Some("  "), ..Default::default() }).map(|q| q.tag),
            Ok(None)
        );
    }

    #[test]
    fn the_directory_never_shows_a_private_property() {
        let shown: Vec<&str> = card_fields().map(Field::property).collect();
        for private in
            ["Email", "MobilePhone", "LandLine", "Address", "BillingName", "DateOfBirth", "OnNewWallPost"]
        {
            assert!(!shown.contains(&private), "{private}");
        }
        assert!(shown.contains(&"Github") && !list_fields().any(|f| f == Field::Github));
        assert!(list_fields().any(|f| f == Field::ProfileSummary));
    }
}
