//! What a language model answers is text from a third party: before a member sees it, it is
//! stripped of HTML and control characters, normalised and cut to a sane length. The result
//! is Markdown that the PATCH accepts as a `ProfileSummary` (the same character rule).

use unicode_normalization::UnicodeNormalization;

use crate::domain::text::{self, Lines};

/// A summary longer than this is cut, at the end of a sentence when one is near.
pub const MAX_DRAFT_CHARS: usize = 1500;

/// The cleaned answer, or `None` when nothing is left of it (or it will not come clean).
pub fn clean(answer: &str) -> Option<String> {
    let text = without_html(answer)?;
    let text: String =
        text.replace("\r\n", "\n").chars().filter(|c| text::allowed(*c, Lines::Multi)).nfc().collect();
    let text = text.trim();
    (!text.is_empty()).then(|| shorten(text))
}

/// Removes every tag (and the content of `script`/`style`), keeping the text. Entities that
/// decode to markup are decoded and stripped again, until nothing changes; an answer that
/// is still changing after many rounds (entities nested on purpose) is refused.
fn without_html(text: &str) -> Option<String> {
    let mut current = text.to_string();
    for _ in 0..MAX_ROUNDS {
        let stripped = decode(&ammonia::Builder::empty().clean(&current).to_string());
        if stripped == current {
            return Some(current);
        }
        current = stripped;
    }
    None
}

/// Each round removes a layer of tags or of entities; no honest answer has this many.
const MAX_ROUNDS: usize = 8;

/// The entities the HTML serialiser writes in text.
fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_DRAFT_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX_DRAFT_CHARS - 1).collect();
    let sentence_end = head.rfind(['.', '!', '?']).filter(|at| *at >= head.len() / 2);
    match sentence_end {
        Some(at) => head[..=at].to_string(),
        None => {
            let word_end = head.rfind(char::is_whitespace).unwrap_or(head.len());
            format!("{}…", head[..word_end].trim_end())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_stripped_and_its_text_kept() {
        let answer = "<p>I design <b>products</b>.</p><script>alert(1)</script><img src=x onerror=alert(1)>";
        assert_eq!(clean(answer).as_deref(), Some("I design products."));
    }

    #[test]
    fn escaped_markup_does_not_come_back_as_markup() {
        let cleaned = clean("Hi &lt;script&gt;alert(1)&lt;/script&gt; there").expect("text");
        assert!(!cleaned.contains('<') && !cleaned.contains("script>"), "{cleaned}");
        assert!(cleaned.starts_with("Hi") && cleaned.ends_with("there"), "{cleaned}");
    }

    #[test]
    fn markup_hidden_under_layers_of_entities_never_comes_out() {
        let two = clean("&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; text").expect("text");
        assert_eq!(two, "bold text");
        let many = format!("{}lt;img src=x onerror=alert(1){}gt; hi", "&amp;".repeat(20), "&amp;".repeat(20));
        let cleaned = clean(&many).expect("text");
        assert!(!cleaned.contains('<') && !cleaned.contains("onerror"), "{cleaned}");
        let nested = |levels: usize| {
            format!("&{}lt;img src=x onerror=alert(1)&{}gt; hi", "amp;".repeat(levels), "amp;".repeat(levels))
        };
        assert_eq!(clean(&nested(3)).as_deref(), Some("hi"), "a few layers come clean");
        assert_eq!(clean(&nested(MAX_ROUNDS * 2)), None, "refused rather than returned with a tag in it");
    }

    #[test]
    fn markdown_and_plain_symbols_survive() {
        let answer = "I build **tools** for R&D teams.\n\n- fast > slow\n- \"quoted\"";
        assert_eq!(clean(answer).as_deref(), Some(answer));
    }

    #[test]
    fn control_characters_go_and_line_ends_are_unified() {
        assert_eq!(clean("a\u{7}b\r\nc\u{202e}\td\n").as_deref(), Some("ab\nc\td"));
        assert_eq!(clean("cafe\u{301}").as_deref(), Some("caf\u{e9}"), "NFC");
        assert_eq!(clean("  <br> \u{0} "), None, "nothing left");
    }

    #[test]
    fn a_long_answer_is_cut_at_a_sentence_or_a_word() {
        let sentences = "This is one sentence. ".repeat(200);
        let cut = clean(&sentences).expect("text");
        assert!(cut.chars().count() <= MAX_DRAFT_CHARS && cut.ends_with("sentence."), "{cut}");
        assert!(cut.chars().count() > MAX_DRAFT_CHARS - 30);
        let words = "word ".repeat(600);
        let cut = clean(&words).expect("text");
        assert!(cut.chars().count() <= MAX_DRAFT_CHARS && cut.ends_with("word…"), "{cut}");
        let exact = "é".repeat(MAX_DRAFT_CHARS);
        assert_eq!(clean(&exact).as_deref(), Some(exact.as_str()), "at the limit nothing is cut");
        let early_stop = format!("Hi. {}", "word ".repeat(600));
        let cut = clean(&early_stop).expect("text");
        assert!(
            cut.ends_with("word…") && cut.chars().count() > MAX_DRAFT_CHARS - 10,
            "not cut back to the first sentence"
        );
        let one_word = "x".repeat(MAX_DRAFT_CHARS + 10);
        assert_eq!(
            clean(&one_word).expect("text").chars().count(),
            MAX_DRAFT_CHARS,
            "no space: cut at the limit"
        );
    }
}
