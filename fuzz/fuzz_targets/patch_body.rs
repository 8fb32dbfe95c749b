//! Any bytes as a PATCH body: read as one JSON object (or refused with a code), parsed
//! into a typed patch, and its read-only echoes checked against a profile. None of it may
//! panic, and every refusal must name its problem within bounds.

#![no_main]

use libfuzzer_sys::fuzz_target;
use portico::domain::patch::{self, ParseOptions, UnknownFields};

fuzz_target!(|bytes: &[u8]| {
    let Ok(body) = portico::http::extract::parse_object(bytes) else { return };
    let options = ParseOptions { today: time::macros::date!(2026 - 11 - 27), unknown_fields: UnknownFields::Reject };
    let (parsed, errors) = patch::parse(&body, options);
    for error in errors.iter() {
        assert!(error.property.chars().count() <= 65);
        if portico::domain::error::is_secret_property(&error.property) {
            assert!(error.attempted.is_none());
        }
    }
    let profile = portico::domain::profile::Profile::example();
    let _ = portico::domain::read_only::check(&parsed.echoes, &profile, &parsed.patch);
});
