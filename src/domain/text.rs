//! Text hygiene shared by every string property: NFC normalisation, trimming, control
//! characters and length in characters.

use unicode_normalization::UnicodeNormalization;

use super::error::ErrorCode;

/// Why a piece of text was refused, with a sentence a member understands.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: ErrorCode,
    pub message: String,
}

impl Problem {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

/// Whether newlines (and tabs) are allowed: only in the bio and the address fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Single,
    Multi,
}

/// Normalises to NFC, unifies line breaks, trims, and refuses control characters and
/// the bidirectional overrides that can make a name display as something else.
pub fn clean(raw: &str, lines: Lines) -> Result<String, Problem> {
    let unified = raw.replace("\r\n", "\n");
    let normalized: String = unified.nfc().collect();
    let trimmed = normalized.trim();
    if let Some(bad) = trimmed.chars().find(|c| !allowed(*c, lines)) {
        let what = if bad == '\n' { "line breaks are" } else { "control characters are" };
        return Err(Problem::new(
            ErrorCode::ControlCharacters,
            format!("{what} not allowed here (found U+{:04X})", bad as u32),
        ));
    }
    Ok(trimmed.to_string())
}

/// Like [`clean`], then checks the length in Unicode characters.
pub fn clean_bounded(raw: &str, lines: Lines, max_chars: usize) -> Result<String, Problem> {
    let text = clean(raw, lines)?;
    check_length(&text, max_chars)?;
    Ok(text)
}

pub fn check_length(text: &str, max_chars: usize) -> Result<(), Problem> {
    let count = text.chars().count();
    if count > max_chars {
        return Err(Problem::new(
            ErrorCode::TooLong,
            format!("must be at most {max_chars} characters (it has {count})"),
        ));
    }
    Ok(())
}

/// Whether `c` may appear in a text property that has (or has no) lines.
pub fn allowed(c: char, lines: Lines) -> bool {
    if matches!(c, '\n' | '\t') {
        return lines == Lines::Multi;
    }
    !c.is_control() && !is_bidi_control(c)
}

/// The embeddings, overrides and isolates, which can make text display as something else.
/// The directional marks (LRM, RLM, ALM) only nudge neutral characters, and right-to-left
/// text needs them, so they are allowed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_normalizes_to_nfc() {
        let decomposed = "  Jose\u{0301}  ";
        assert_eq!(clean(decomposed, Lines::Single).as_deref(), Ok("Jos\u{e9}"));
    }

    #[test]
    fn refuses_control_characters_but_allows_newlines_where_multiline() {
        assert_eq!(clean("a\u{0007}b", Lines::Multi).map_err(|p| p.code), Err(ErrorCode::ControlCharacters));
        assert_eq!(clean("a\nb", Lines::Single).map_err(|p| p.code), Err(ErrorCode::ControlCharacters));
        assert_eq!(clean("a\r\nb", Lines::Multi).as_deref(), Ok("a\nb"));
    }

    #[test]
    fn refuses_bidi_overrides_and_isolates_but_keeps_directional_marks() {
        for hidden in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert!(clean(&format!("evil{hidden}gnp.exe"), Lines::Single).is_err(), "{hidden:?}");
        }
        for mark in ['\u{200E}', '\u{200F}', '\u{061C}'] {
            let hebrew = format!("שלום{mark} 123");
            assert_eq!(clean(&hebrew, Lines::Single).as_deref(), Ok(hebrew.as_str()), "{mark:?}");
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(clean_bounded("ééééé", Lines::Single, 5).is_ok());
        assert_eq!(clean_bounded("éééééé", Lines::Single, 5).map_err(|p| p.code), Err(ErrorCode::TooLong));
    }
}
