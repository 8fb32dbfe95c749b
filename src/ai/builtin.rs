//! The offline writer: a template writer, not a language model. It builds two to four
//! first-person sentences from the position, company, business area, tags and website,
//! choosing among a few phrasings for each, and says nothing the member did not write.

use crate::domain::ai::{Draft, Facts};
use crate::domain::catalogue::Field;

/// Phrasings per sentence; a draft takes the `variant`-th of each (wrapping).
pub const VARIANTS: usize = 3;

/// How many tags a draft names at most; the directory shows them all anyway.
const MAX_TAGS: usize = 6;

/// Writes a draft from `facts`, which must be enough (`Facts::is_enough`).
pub fn write(facts: &Facts, variant: usize) -> Draft {
    let mut used = Vec::new();
    let mut take = |field: Field| {
        let value = facts.get(field);
        if value.is_some() {
            used.push(field);
        }
        value
    };
    let position = take(Field::Position);
    let company = take(Field::CompanyName);
    let area = take(Field::BusinessArea);
    let website = take(Field::ProfileWebsite);
    let tags = facts.tags();
    if !tags.is_empty() {
        used.push(Field::ProfileTags);
    }
    let sentences: Vec<String> = [
        role(position, company, variant),
        area.map(|area| field_of_work(area, variant)),
        (!tags.is_empty()).then(|| topics(&tags, variant)),
        website.map(|url| more_at(url, variant)),
    ]
    .into_iter()
    .flatten()
    .map(one_full_stop)
    .collect();
    let mut text = sentences.join(" ");
    if sentences.len() < 2 {
        text.push(' ');
        text.push_str(pick(
            ["Say hello when our paths cross.", "Feel free to get in touch.", "Do say hello."],
            variant,
        ));
    }
    used.sort();
    Draft { text, fields_used: used }
}

/// "I work at Acme Co.." becomes "I work at Acme Co.", "… Yahoo!." becomes "… Yahoo!".
fn one_full_stop(sentence: String) -> String {
    let doubled = sentence.ends_with("..") || sentence.ends_with("!.") || sentence.ends_with("?.");
    if doubled { sentence[..sentence.len() - 1].to_string() } else { sentence }
}

fn pick<const N: usize>(choices: [&'static str; N], variant: usize) -> &'static str {
    choices[variant % N]
}

fn role(position: Option<&str>, company: Option<&str>, variant: usize) -> Option<String> {
    Some(match (position, company) {
        (Some(position), Some(company)) => match variant % VARIANTS {
            0 => format!("I work as {position} at {company}."),
            1 => format!("At {company}, my role is {position}."),
            _ => format!("My role at {company} is {position}."),
        },
        (Some(position), None) => match variant % VARIANTS {
            0 => format!("I work as {position}."),
            1 => format!("My role: {position}."),
            _ => format!("By profession: {position}."),
        },
        (None, Some(company)) => match variant % VARIANTS {
            0 => format!("I work at {company}."),
            1 => format!("You will find me at {company}."),
            _ => format!("{company} is where I work."),
        },
        (None, None) => return None,
    })
}

fn field_of_work(area: &str, variant: usize) -> String {
    match variant % VARIANTS {
        0 => format!("My field is {area}."),
        1 => format!("I work in {area}."),
        _ => format!("My business area is {area}."),
    }
}

fn topics(tags: &[&str], variant: usize) -> String {
    let list = spoken_list(&tags[..tags.len().min(MAX_TAGS)]);
    match variant % VARIANTS {
        0 => format!("My work covers {list}."),
        1 => format!("Ask me about {list}."),
        _ => format!("Topics I work with: {list}."),
    }
}

fn more_at(url: &str, variant: usize) -> String {
    match variant % VARIANTS {
        0 => format!("More about my work: <{url}>."),
        1 => format!("You can find more at <{url}>."),
        _ => format!("See <{url}> for more."),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn spoken_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::FieldValue;
    use crate::domain::profile::Profile;

    fn facts(texts: &[(Field, &str)]) -> Facts {
        let mut profile = Profile::example();
        for field in crate::domain::ai::draftable_fields() {
            profile.values.set(field, None);
        }
        for (field, text) in texts {
            profile.values.set(*field, Some(FieldValue::Text((*text).into())));
        }
        Facts::of(&profile)
    }

    #[test]
    fn a_rich_profile_gets_every_fact_and_nothing_else() {
        let rich = facts(&[
            (Field::Position, "Product Designer"),
            (Field::CompanyName, "Acme Design Co."),
            (Field::BusinessArea, "Fintech"),
            (Field::ProfileTags, "UX, research, prototyping"),
            (Field::ProfileWebsite, "https://acme.example/"),
            (Field::Github, "https://github.com/jane"),
            (Field::ProfileSummary, "An old bio"),
        ]);
        for variant in 0..VARIANTS {
            let draft = write(&rich, variant);
            for fact in [
                "Product Designer",
                "Acme Design Co.",
                "Fintech",
                "UX, research and prototyping",
                "https://acme.example/",
            ] {
                assert!(draft.text.contains(fact), "variant {variant} lacks {fact}: {}", draft.text);
            }
            assert!(!draft.text.contains("github") && !draft.text.contains("old bio"), "{}", draft.text);
            assert_eq!(
                draft.fields_used,
                [
                    Field::Position,
                    Field::CompanyName,
                    Field::BusinessArea,
                    Field::ProfileWebsite,
                    Field::ProfileTags
                ]
            );
            assert!(!draft.text.contains("Feel free") && !draft.text.contains("hello"), "{}", draft.text);
        }
        let texts: std::collections::BTreeSet<String> = (0..VARIANTS).map(|v| write(&rich, v).text).collect();
        assert_eq!(texts.len(), VARIANTS, "each variant is phrased differently");
    }

    #[test]
    fn a_sparse_profile_gets_two_sentences_from_its_two_facts() {
        let sparse = facts(&[(Field::Position, "Architect"), (Field::CompanyName, "Studio Nine")]);
        for variant in 0..VARIANTS {
            let draft = write(&sparse, variant);
            assert!(draft.text.contains("Architect") && draft.text.contains("Studio Nine"), "{}", draft.text);
            assert_eq!(draft.text.matches('.').count(), 2, "two sentences: {}", draft.text);
            assert_eq!(draft.fields_used, [Field::Position, Field::CompanyName]);
        }
        let area_only =
            facts(&[(Field::BusinessArea, "Law"), (Field::ProfileWebsite, "https://law.example")]);
        let draft = write(&area_only, 1);
        assert_eq!(draft.text, "I work in Law. You can find more at <https://law.example>.");
        assert_eq!(draft.fields_used, [Field::BusinessArea, Field::ProfileWebsite]);
    }

    #[test]
    fn the_phrasings_name_each_fact_once() {
        let all = facts(&[(Field::Position, "P1"), (Field::CompanyName, "C1"), (Field::BusinessArea, "A1")]);
        for variant in 0..VARIANTS {
            let text = write(&all, variant).text;
            for fact in ["P1", "C1", "A1"] {
                assert_eq!(text.matches(fact).count(), 1, "{text}");
            }
            assert!(text.matches('.').count() >= 2, "two sentences at least: {text}");
        }
        let company_only = facts(&[(Field::CompanyName, "C1"), (Field::ProfileTags, "t1")]);
        for variant in 0..VARIANTS {
            let text = write(&company_only, variant).text;
            assert!(text.contains("C1") && text.contains("t1"), "{text}");
        }
        let position_only = facts(&[(Field::Position, "P1"), (Field::ProfileTags, "t1")]);
        for variant in 0..VARIANTS {
            let text = write(&position_only, variant).text;
            assert!(text.contains("P1") && text.contains("t1"), "{text}");
        }
    }

    #[test]
    fn a_fact_ending_in_a_full_stop_ends_its_sentence_once() {
        let dotted = facts(&[(Field::Position, "Partner"), (Field::CompanyName, "Acme Design Co.")]);
        let text = write(&dotted, 0).text;
        assert!(text.starts_with("I work as Partner at Acme Design Co. "), "{text}");
        assert!(!text.contains(".."), "{text}");
        let exclaimed = facts(&[(Field::BusinessArea, "Yahoo!"), (Field::CompanyName, "Acme")]);
        assert_eq!(write(&exclaimed, 0).text, "I work at Acme. My field is Yahoo!");
        assert_eq!(one_full_stop("Plain.".into()), "Plain.");
    }

    #[test]
    fn each_sentence_has_as_many_phrasings_as_variants_and_wraps_around() {
        let sentences: [&dyn Fn(usize) -> String; 6] = [
            &|v| role(Some("P"), Some("C"), v).unwrap_or_default(),
            &|v| role(Some("P"), None, v).unwrap_or_default(),
            &|v| role(None, Some("C"), v).unwrap_or_default(),
            &|v| field_of_work("A", v),
            &|v| topics(&["t"], v),
            &|v| more_at("https://w.example", v),
        ];
        for (index, sentence) in sentences.iter().enumerate() {
            let phrasings: std::collections::BTreeSet<String> = (0..VARIANTS).map(sentence).collect();
            assert_eq!(phrasings.len(), VARIANTS, "sentence {index}: {phrasings:?}");
            assert_eq!(sentence(VARIANTS + 1), sentence(1), "sentence {index} wraps around");
        }
        assert_eq!(role(None, None, 0), None);
    }

    #[test]
    fn long_tag_lists_are_cut_to_six() {
        let many = facts(&[(Field::Position, "P"), (Field::ProfileTags, "a1, b2, c3, d4, e5, f6, g7, h8")]);
        let text = write(&many, 0).text;
        assert!(text.contains("a1, b2, c3, d4, e5 and f6"), "{text}");
        assert!(!text.contains("g7"), "{text}");
        assert_eq!(spoken_list(&["x"]), "x");
        assert_eq!(spoken_list(&["x", "y"]), "x and y");
        assert_eq!(spoken_list(&[]), "");
    }
}
