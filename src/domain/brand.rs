//! A location's brand: the name its pages and mail carry, its logo and its accent colour
//! (docs/PORTAL.md, "The space's brand"). The accent is a checked `#rrggbb` and nothing
//! else, and only one readable on the page: links are drawn in it and buttons carry white
//! text on it.

use std::fmt;

use super::language::Language;
use super::profile::Location;
use super::text::{self, Lines};

/// What pages and mail say when no location is known (or it has no brand of its own).
pub const DEFAULT_NAME: &str = "Portico";
/// The longest display name.
pub const MAX_DISPLAY_NAME: usize = 100;
/// The least contrast an accent must have with every background its text is drawn on
/// (WCAG 2.2 AA, 1.4.3: normal text).
pub const MIN_CONTRAST: f64 = 4.5;
/// The backgrounds an accent's text is drawn on: white (cards, white button text) and the
/// page's own wash (`--wash` in portal.css), the lighter of which is the harder test.
pub const BACKGROUNDS: [Rgb; 2] = [Rgb([0xff, 0xff, 0xff]), Rgb([0xf3, 0xf5, 0xf8])];

/// A colour as three bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// `#rrggbb`, in lower case.
    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// WCAG's relative luminance: 0 for black, 1 for white.
    pub fn luminance(self) -> f64 {
        let linear = |byte: u8| {
            let c = f64::from(byte) / 255.0;
            if c <= 0.040_45 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        let [r, g, b] = self.0;
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// WCAG's contrast ratio of two colours, from 1 (the same) to 21 (black on white).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

/// A location's accent colour: `#rrggbb`, readable as links on the page and behind white
/// button text. Only this type's text ever reaches a page's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accent(Rgb);

impl Accent {
    /// Reads `#rrggbb` (either case) and checks its contrast; the refusal says why, with
    /// the ratio measured.
    pub fn parse(text: &str) -> Result<Accent, String> {
        let rgb = parse_hex(text.trim()).ok_or_else(|| {
            format!("the accent must be a colour written #rrggbb, like #0b5cad (got {:?})", shorten(text))
        })?;
        let (background, ratio) = BACKGROUNDS
            .iter()
            .map(|background| (*background, rgb.contrast(*background)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((BACKGROUNDS[0], rgb.contrast(BACKGROUNDS[0])));
        if ratio < MIN_CONTRAST {
            return Err(format!(
                "the accent {} is too light to read: links in it on the page's background ({}) and white \
                 text on its buttons would have a contrast of {}:1, and at least {MIN_CONTRAST}:1 is needed \
                 (WCAG AA); choose a darker shade",
                rgb.hex(),
                background.hex(),
                ratio_text(ratio),
            ));
        }
        Ok(Accent(rgb))
    }

    /// `#rrggbb`, in lower case.
    pub fn hex(self) -> String {
        self.0.hex()
    }

    pub fn rgb(self) -> Rgb {
        self.0
    }
}

impl fmt::Display for Accent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// A ratio as people read it, cut (never rounded up) to two decimals: a refused 4.499
/// never reads as 4.50.
fn ratio_text(ratio: f64) -> String {
    format!("{:.2}", (ratio * 100.0).floor() / 100.0)
}

fn parse_hex(text: &str) -> Option<Rgb> {
    let digits = text.strip_prefix('#')?;
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |at: usize| u8::from_str_radix(&digits[at..at + 2], 16).ok();
    Some(Rgb([byte(0)?, byte(2)?, byte(4)?]))
}

fn shorten(text: &str) -> String {
    text.chars().take(20).collect()
}

/// The name a location shows instead of its own: cleaned like any one-line text; empty
/// means none (the location's name is shown).
pub fn display_name(text: &str) -> Result<Option<String>, String> {
    let name = text::clean_bounded(text, Lines::Single, MAX_DISPLAY_NAME)
        .map_err(|problem| format!("the display name {}", problem.message))?;
    Ok((!name.is_empty()).then_some(name))
}

/// Where a location's logo is served, below the public address. It never changes; the
/// answer's entity tag tells a new logo from the old.
pub fn logo_path(location_id: i64) -> String {
    format!("/media/locations/{location_id}/logo")
}

/// What a page or a message shows of its location: the name, the logo's address and the
/// accent, when the location has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    pub location_id: Option<i64>,
    pub name: String,
    pub logo_path: Option<String>,
    pub accent: Option<Accent>,
    /// The location's default language: what its pages and mail speak to someone who chose
    /// none and whose browser names none Portico has.
    pub language: Language,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            location_id: None,
            name: DEFAULT_NAME.into(),
            logo_path: None,
            accent: None,
            language: Language::default(),
        }
    }
}

impl Brand {
    /// The location's brand: its display name, else its name.
    pub fn of(location: &Location) -> Brand {
        Brand {
            location_id: Some(location.id),
            name: location.display_name.clone().unwrap_or_else(|| location.name.clone()),
            logo_path: location.logo_tag.as_ref().map(|_| logo_path(location.id)),
            accent: location.accent,
            language: location.language,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        let (black, white) = (Rgb([0, 0, 0]), Rgb([255, 255, 255]));
        assert!((black.contrast(white) - 21.0).abs() < 1e-9);
        assert!((white.contrast(white) - 1.0).abs() < 1e-9);
        // WebAIM's checker: #767676 on white is 4.54:1, #777777 4.47:1.
        assert_eq!(ratio_text(Rgb([0x76, 0x76, 0x76]).contrast(white)), "4.54");
        assert_eq!(ratio_text(Rgb([0x77, 0x77, 0x77]).contrast(white)), "4.47");
        assert_eq!(ratio_text(4.4999), "4.49", "never rounded up into a pass");
    }

    #[test]
    fn a_readable_accent_is_kept_in_lower_case() {
        let accent = Accent::parse(" #0B5CAD ").expect("readable");
        assert_eq!(accent.hex(), "#0b5cad");
        assert_eq!(Accent::parse("#000000").expect("black").to_string(), "#000000");
    }

    #[test]
    fn an_unreadable_accent_is_refused_with_its_measured_ratio() {
        let refusal = Accent::parse("#f2a900").expect_err("amber on white is unreadable");
        assert!(refusal.contains("#f2a900") && refusal.contains("4.5:1"), "{refusal}");
        let measured = ratio_text(Rgb([0xf2, 0xa9, 0x00]).contrast(BACKGROUNDS[1]));
        assert!(refusal.contains(&format!("{measured}:1")), "{refusal}");
        // Readable on white (4.54:1) but not on the page's wash: the harder test decides.
        let grey = Accent::parse("#767676").expect_err("too light on the wash");
        assert!(grey.contains("#f3f5f8"), "{grey}");
    }

    #[test]
    fn only_hash_and_six_hex_digits_are_a_colour() {
        for text in
            ["0b5cad", "#0b5cad;", "#0b5", "#0b5cad0", "red", "#0b5cad\"><script>", "var(--x)", "#0b5cäd", ""]
        {
            let refusal = Accent::parse(text).expect_err(text);
            assert!(refusal.contains("#rrggbb"), "{text}: {refusal}");
        }
    }

    #[test]
    fn a_display_name_is_one_clean_line_and_empty_means_none() {
        assert_eq!(
            display_name("  Canal Street Works ").expect("name").as_deref(),
            Some("Canal Street Works")
        );
        assert_eq!(display_name("   ").expect("empty"), None);
        assert!(display_name("Two\nlines").is_err());
        assert!(display_name(&"x".repeat(MAX_DISPLAY_NAME + 1)).is_err());
        assert!(display_name(&"x".repeat(MAX_DISPLAY_NAME)).is_ok());
    }
}
