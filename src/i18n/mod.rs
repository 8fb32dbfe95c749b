//! The words of the portal and the mail in each language Portico ships: Fluent message
//! files in `locales/{code}/` (compiled into the binary), looked up through one helper,
//! [`tr!`](crate::tr) (or [`message`]). Message ids are named by page and purpose
//! (`profile-nav-title`, `mail-invitation-subject`).
//!
//! A message a language lacks is a bug: it is logged, recorded ([`misses`], which the tests
//! read), and the English one is shown instead. The unit tests below fail when a language
//! has a message English lacks or lacks one English has, and when the source asks for an
//! id English does not define.
//!
//! Dates and numbers are written for the language too: [`date_time`], [`wait`], and
//! numbers passed as Fluent numbers get the language's digit grouping.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use time::OffsetDateTime;

pub use crate::domain::language::Language;

/// The message files of a language, in the order they are added to its bundle. A new
/// language adds its arm (the compiler asks for it) and its folder in `locales/`.
fn sources(language: Language) -> [(&'static str, &'static str); 2] {
    match language {
        Language::English => [
            ("en/portal.ftl", include_str!("../../locales/en/portal.ftl")),
            ("en/mail.ftl", include_str!("../../locales/en/mail.ftl")),
        ],
        Language::German => [
            ("de/portal.ftl", include_str!("../../locales/de/portal.ftl")),
            ("de/mail.ftl", include_str!("../../locales/de/mail.ftl")),
        ],
        Language::French => [
            ("fr/portal.ftl", include_str!("../../locales/fr/portal.ftl")),
            ("fr/mail.ftl", include_str!("../../locales/fr/mail.ftl")),
        ],
        Language::Spanish => [
            ("es/portal.ftl", include_str!("../../locales/es/portal.ftl")),
            ("es/mail.ftl", include_str!("../../locales/es/mail.ftl")),
        ],
    }
}

/// How a language groups the digits of a number: the separator, and from how many digits
/// on (Spanish leaves four-digit numbers whole).
fn grouping(language: Language) -> (char, usize) {
    match language {
        Language::English => (',', 4),
        Language::German => ('.', 4),
        // A narrow no-break space, as French typography has it.
        Language::French => ('\u{202F}', 4),
        Language::Spanish => ('.', 5),
    }
}

type Bundle = FluentBundle<FluentResource>;

static BUNDLES: LazyLock<HashMap<Language, Bundle>> =
    LazyLock::new(|| Language::all().map(|language| (language, bundle(language))).collect());

fn bundle(language: Language) -> Bundle {
    let id = language.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: the pages are HTML with `lang` set, and
    // the marks would show in plain-text mail.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(match language {
        Language::English => format_number::<0, _>,
        Language::German => format_number::<1, _>,
        Language::French => format_number::<2, _>,
        Language::Spanish => format_number::<3, _>,
    }));
    for (name, text) in sources(language) {
        let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(resource, errors)| {
            tracing::error!(file = name, ?errors, "a message file does not parse");
            resource
        });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(file = name, ?errors, "a message file repeats a message");
        }
    }
    bundle
}

/// Fluent's formatter for the language at `INDEX` of [`Language::all`]: numbers grouped.
fn format_number<const INDEX: usize, M>(value: &FluentValue, _: &M) -> Option<String> {
    let FluentValue::Number(number) = value else { return None };
    let language = Language::all().nth(INDEX)?;
    let whole = number.value.trunc();
    if number.value != whole || whole.abs() >= 1e15 {
        return None;
    }
    Some(group_digits(whole as i64, grouping(language)))
}

fn group_digits(number: i64, (separator, from): (char, usize)) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut grouped = String::new();
    if digits.len() >= from {
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push(separator);
            }
            grouped.push(digit);
        }
    } else {
        grouped = digits;
    }
    if number < 0 { format!("-{grouped}") } else { grouped }
}

static MISSES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Every `language:id` looked up but missing (or failing to format) since the process
/// started, for the tests to fail on.
pub fn misses() -> Vec<String> {
    MISSES.lock().map(|misses| misses.clone()).unwrap_or_default()
}

fn record_miss(language: Language, id: &str, why: &str) {
    let entry = format!("{}:{id}", language.code());
    tracing::warn!(message_id = id, language = language.code(), why, "a translation is missing");
    if let Ok(mut misses) = MISSES.lock()
        && !misses.contains(&entry)
    {
        misses.push(entry);
    }
}

/// A value for a message's variable: text, or a number (grouped, and chosen by plural).
pub type Arg<'a> = FluentValue<'a>;

/// The message `id` in `language`, with its variables; English when the language lacks
/// it (recorded as a miss), the id itself when English lacks it too.
pub fn message(language: Language, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    let args = (!args.is_empty()).then_some(&fluent_args);
    if let Some(text) = format(language, id, args) {
        return text;
    }
    record_miss(language, id, "no such message");
    format(Language::English, id, args).unwrap_or_else(|| id.to_string())
}

/// Whether `language` has the message `id` itself (no fallback).
pub fn has_message(language: Language, id: &str) -> bool {
    BUNDLES.get(&language).is_some_and(|bundle| bundle.has_message(id))
}

fn format(language: Language, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = BUNDLES.get(&language)?;
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
    if !errors.is_empty() {
        record_miss(language, id, &format!("{errors:?}"));
    }
    Some(text)
}

/// `tr!(lang, "profile-title")`, `tr!(lang, "signin-link-sent", email = address)`: the one
/// way to a translated string. A variable is anything Fluent takes (`&str`, `String`,
/// numbers).
#[macro_export]
macro_rules! tr {
    ($language:expr, $id:literal) => {
        $crate::i18n::message($language, $id, &[])
    };
    ($language:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::message(
            $language,
            $id,
            &[$((stringify!($name), $crate::i18n::Arg::from($value))),+],
        )
    };
}

/// A moment as the language writes it, in UTC: `6 December 2026, 22:20 UTC`.
pub fn date_time(language: Language, at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let time = format!("{:02}:{:02}", at.hour(), at.minute());
    message(
        language,
        "date-time",
        &[
            ("day", Arg::from(at.day().to_string())),
            ("month", Arg::from(month(language, at.month()))),
            ("year", Arg::from(at.year().to_string())),
            ("time", Arg::from(time)),
        ],
    )
}

fn month(language: Language, month: time::Month) -> String {
    let id = match month {
        time::Month::January => "month-1",
        time::Month::February => "month-2",
        time::Month::March => "month-3",
        time::Month::April => "month-4",
        time::Month::May => "month-5",
        time::Month::June => "month-6",
        time::Month::July => "month-7",
        time::Month::August => "month-8",
        time::Month::September => "month-9",
        time::Month::October => "month-10",
        time::Month::November => "month-11",
        time::Month::December => "month-12",
    };
    message(language, id, &[])
}

/// A wait in words: `40 seconds`, `15 minutes` (rounded up), `3 hours` from two hours on.
pub fn wait(language: Language, wait: Duration) -> String {
    let seconds = wait.as_secs().max(1);
    let (id, count) = if seconds < 60 {
        ("wait-seconds", seconds)
    } else if seconds < 2 * 3600 {
        ("wait-minutes", seconds.div_ceil(60))
    } else {
        ("wait-hours", seconds.div_ceil(3600))
    };
    message(language, id, &[("count", Arg::from(count))])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The ids a message file defines: each line that starts a message (`id = …`).
    fn ids(text: &str) -> BTreeSet<String> {
        text.lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim().to_string()))
            .collect()
    }

    #[test]
    fn every_language_has_exactly_the_messages_of_english() {
        for language in Language::all() {
            for ((name, text), (_, english)) in sources(language).into_iter().zip(sources(Language::English))
            {
                let resource = FluentResource::try_new(text.to_string());
                assert!(resource.is_ok(), "{name} does not parse: {:?}", resource.err().map(|e| e.1));
                let (have, want) = (ids(text), ids(english));
                let missing: Vec<_> = want.difference(&have).collect();
                let extra: Vec<_> = have.difference(&want).collect();
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "{name}: missing {missing:?}, not in English {extra:?}"
                );
                for id in &have {
                    assert!(BUNDLES[&language].has_message(id), "{name}: {id} is a message");
                }
            }
        }
    }

    /// Every `tr!(…, "id"` in the source names a message English defines.
    #[test]
    fn every_id_the_source_asks_for_exists() {
        let mut files = Vec::new();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut folders = vec![src];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).expect("a folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n/mod.rs") {
                    files.push(path);
                }
            }
        }
        let mut unknown = Vec::new();
        let mut asked = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file");
            for (at, _) in text.match_indices("tr!(") {
                let rest = &text[at..];
                let Some(start) = rest.find('"') else { continue };
                let id: String = rest[start + 1..].chars().take_while(|c| *c != '"').collect();
                if id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !id.is_empty()
                {
                    asked += 1;
                    if !BUNDLES[&Language::English].has_message(&id) {
                        unknown.push(format!("{}: {id}", file.display()));
                    }
                }
            }
        }
        assert!(asked > 100, "the source was read ({asked} ids)");
        assert!(unknown.is_empty(), "ids without an English message:\n{}", unknown.join("\n"));
    }

    #[test]
    fn a_missing_message_falls_back_to_english_and_is_recorded() {
        assert_eq!(message(Language::German, "test-no-such-message", &[]), "test-no-such-message");
        assert!(misses().contains(&"de:test-no-such-message".to_string()));
        assert_eq!(tr!(Language::German, "month-3"), "März");
    }

    #[test]
    fn numbers_dates_and_waits_are_written_for_the_language() {
        assert_eq!(group_digits(1234567, grouping(Language::English)), "1,234,567");
        assert_eq!(group_digits(1234, grouping(Language::German)), "1.234");
        assert_eq!(group_digits(1234, grouping(Language::Spanish)), "1234");
        assert_eq!(group_digits(12345, grouping(Language::Spanish)), "12.345");
        assert_eq!(group_digits(-999, grouping(Language::English)), "-999");
        assert_eq!(
            message(Language::French, "wait-minutes", &[("count", Arg::from(1500))]),
            "1\u{202F}500 minutes"
        );
        let at = time::macros::datetime!(2026-12-06 22:05:09 UTC);
        assert_eq!(date_time(Language::English, at), "6 December 2026, 22:05 UTC");
        assert_eq!(date_time(Language::German, at), "6. Dezember 2026, 22:05 UTC");
        assert_eq!(date_time(Language::French, at), "6 décembre 2026 à 22:05 UTC");
        assert_eq!(date_time(Language::Spanish, at), "6 de diciembre de 2026, 22:05 UTC");
        assert_eq!(wait(Language::English, Duration::from_secs(890)), "15 minutes");
        assert_eq!(wait(Language::English, Duration::from_secs(61)), "2 minutes");
        assert_eq!(wait(Language::English, Duration::from_secs(1)), "1 second");
        assert_eq!(wait(Language::German, Duration::from_secs(60)), "1 Minute");
        assert_eq!(wait(Language::Spanish, Duration::from_secs(20 * 3600)), "20 horas");
        assert_eq!(wait(Language::French, Duration::from_secs(30)), "30 secondes");
    }
}
