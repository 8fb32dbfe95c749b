//! The languages the portal and the mail speak, and how a browser's `Accept-Language`
//! chooses one (RFC 9110 §12.5.4: ranges weighted by `q`, the first of the highest
//! weight wins, `q=0` refuses). The words themselves are in `locales/` (`crate::i18n`).

/// A language Portico ships complete. Adding one: a variant here, its `code` and
/// `native_name`, and `locales/{code}/*.ftl` (docs/PORTAL.md, "Languages").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, strum::EnumIter)]
pub enum Language {
    #[default]
    English,
    German,
    French,
    Spanish,
}

impl Language {
    pub fn all() -> impl Iterator<Item = Language> {
        <Language as strum::IntoEnumIterator>::iter()
    }

    /// The ISO 639-1 code: `lang="…"`, the folder in `locales/`, the stored preference.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::German => "de",
            Language::French => "fr",
            Language::Spanish => "es",
        }
    }

    /// The language's name in itself, as a language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::German => "Deutsch",
            Language::French => "Français",
            Language::Spanish => "Español",
        }
    }

    /// `de`, `DE`, `de-CH`, `de_AT`: German; a language not shipped is `None`.
    pub fn from_code(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Language::all().find(|language| language.code() == primary)
    }

    /// The language an `Accept-Language` header prefers among those shipped: the highest
    /// `q` wins, the earlier range on a tie; `*` stands for any not named; `q=0` refuses.
    /// `None` when it names none of them (or is garbage).
    pub fn negotiate(accept_language: &str) -> Option<Language> {
        let mut best: Option<(u16, Language)> = None;
        let mut refused: Vec<Language> = Vec::new();
        let mut named: Vec<Language> = Vec::new();
        let ranges: Vec<(&str, u16)> =
            accept_language.split(',').filter_map(range_and_weight).take(32).collect();
        for (range, _) in &ranges {
            named.extend(Language::from_code(range));
        }
        for (range, weight) in ranges {
            let candidate = if range == "*" {
                Language::all().find(|l| !named.contains(l))
            } else {
                Language::from_code(range)
            };
            let Some(candidate) = candidate else { continue };
            if weight == 0 {
                refused.push(candidate);
                continue;
            }
            if best.is_none_or(|(best_weight, _)| weight > best_weight) {
                best = Some((weight, candidate));
            }
        }
        best.map(|(_, language)| language).filter(|language| !refused.contains(language))
    }
}

/// `de-CH;q=0.8` → `("de-CH", 800)`: the weight in thousandths, 1000 when not given;
/// `None` for an empty or malformed range.
fn range_and_weight(item: &str) -> Option<(&str, u16)> {
    let mut parts = item.split(';');
    let range = parts.next()?.trim();
    if range.is_empty() || !range.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '*') {
        return None;
    }
    let mut weight = 1000;
    for parameter in parts {
        let (name, value) = parameter.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("q") {
            let value: f64 = value.trim().parse().ok()?;
            if !(0.0..=1.0).contains(&value) {
                return None;
            }
            weight = (value * 1000.0).round() as u16;
        }
    }
    Some((range, weight))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_regions_are_the_language() {
        for language in Language::all() {
            assert_eq!(Language::from_code(language.code()), Some(language));
        }
        assert_eq!(Language::from_code("de-CH"), Some(Language::German));
        assert_eq!(Language::from_code("FR_be"), Some(Language::French));
        assert_eq!(Language::from_code("pt-BR"), None);
        assert_eq!(Language::from_code(""), None);
    }

    #[test]
    fn accept_language_is_weighed_by_q() {
        let negotiate = Language::negotiate;
        assert_eq!(negotiate("de"), Some(Language::German));
        assert_eq!(negotiate("de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"), Some(Language::German));
        assert_eq!(negotiate("en;q=0.5, fr;q=0.9"), Some(Language::French), "the weight, not the order");
        assert_eq!(negotiate("fr, es"), Some(Language::French), "the first on a tie");
        assert_eq!(
            negotiate("pt-BR, es;q=0.4"),
            Some(Language::Spanish),
            "a language not shipped is skipped"
        );
        assert_eq!(negotiate("pt-BR"), None);
        assert_eq!(negotiate("de;q=0, *"), Some(Language::English), "q=0 refuses; * is any other");
        assert_eq!(negotiate("*;q=0.1, es"), Some(Language::Spanish));
        assert_eq!(negotiate("de;q=0"), None);
        assert_eq!(
            negotiate("de;q=2, fr;q=abc, es;q=0.3"),
            Some(Language::Spanish),
            "malformed weights are skipped"
        );
        assert_eq!(negotiate(""), None);
        assert_eq!(negotiate("<script>"), None);
    }
}
