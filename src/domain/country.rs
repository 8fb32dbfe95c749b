//! The ISO 3166-1 country list, from the `keshvar` crate. A country's `Id` is its
//! ISO 3166-1 numeric code.

use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    pub id: i64,
    pub name: String,
    pub two_digits_code: String,
    /// A BCP 47 tag: the first official language of the country and its code, e.g. `en-GB`.
    pub culture: String,
}

static COUNTRIES: LazyLock<BTreeMap<i64, Country>> = LazyLock::new(|| {
    keshvar::CountryIterator::new()
        .filter_map(|c| {
            let id = c.number().parse::<i64>().ok()?;
            let alpha2 = c.alpha2().to_string();
            let name = c.translations().get("en").copied().unwrap_or(c.iso_short_name()).to_string();
            let language = c
                .maybe_official_language_list()
                .and_then(|l| l.first().copied())
                .or_else(|| c.maybe_spoken_language_list().and_then(|l| l.first().copied()))
                .unwrap_or("en");
            let culture = format!("{language}-{alpha2}");
            Some((id, Country { id, name, two_digits_code: alpha2, culture }))
        })
        .collect()
});

/// Every country, ordered by English name.
pub fn all() -> Vec<&'static Country> {
    let mut list: Vec<&Country> = COUNTRIES.values().collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}

/// Every country's `Id` and name in the language `code` (`de`; English where the list has
/// no name in it), ordered by that name as a reader of it expects (`Österreich` among the
/// O's).
pub fn all_in(code: &str) -> Vec<(i64, String)> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut list: Vec<(String, i64, String)> = keshvar::CountryIterator::new()
        .filter_map(|c| {
            let id = c.number().parse::<i64>().ok()?;
            let translations = c.translations();
            let name =
                translations.get(code).or(translations.get("en")).copied().unwrap_or(c.iso_short_name());
            let key = name.nfd().filter(|ch| !is_combining_mark(*ch)).collect::<String>().to_lowercase();
            Some((key, id, name.to_string()))
        })
        .collect();
    list.sort();
    list.into_iter().map(|(_, id, name)| (id, name)).collect()
}

pub fn by_id(id: i64) -> Option<&'static Country> {
    COUNTRIES.get(&id)
}

/// Looks a country up by its two-letter code, ignoring case.
pub fn by_code(alpha2: &str) -> Option<&'static Country> {
    COUNTRIES.values().find(|c| c.two_digits_code.eq_ignore_ascii_case(alpha2))
}

pub fn name_of(id: i64) -> Option<&'static str> {
    by_id(id).map(|c| c.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_the_full_iso_list_with_numeric_ids() {
        assert_eq!(COUNTRIES.len(), 249);
        let gb = by_code("gb").expect("GB");
        assert_eq!((gb.id, gb.name.as_str(), gb.culture.as_str()), (826, "United Kingdom", "en-GB"));
        assert_eq!(by_id(276).map(|c| c.culture.as_str()), Some("de-DE"));
        assert!(by_id(0).is_none());
    }
}
