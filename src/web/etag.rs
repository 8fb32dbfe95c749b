//! Entity tags of the editing representation and `If-Match` preconditions: `"{profile}-{
//! profile version}-{user version}"`, covering both rows the representation shows.

use crate::domain::profile::Version;

pub fn of(profile_id: i64, version: Version) -> String {
    format!("\"{profile_id}-{}-{}\"", version.profile, version.user)
}

/// An `If-Match` that names no tag this profile could have: the precondition fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignTag;

/// What an `If-Match` header asks of the profile: `Ok(None)` when nothing (no header, or
/// `*`), `Ok(Some(version))` for its tag, `Err(ForeignTag)` when it names no tag this
/// profile could have.
pub fn expected_version(tags: Option<&[String]>, profile_id: i64) -> Result<Option<Version>, ForeignTag> {
    let Some(tags) = tags else { return Ok(None) };
    if tags.iter().any(|t| t == "*") {
        return Ok(None);
    }
    tags.iter().find_map(|tag| parse(tag, profile_id)).map(Some).ok_or(ForeignTag)
}

fn parse(tag: &str, profile_id: i64) -> Option<Version> {
    let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
    let mut parts = inner.split('-').map(str::parse::<i64>);
    let (id, profile, user) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    (id == profile_id && parts.next().is_none()).then_some(Version { profile, user })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_name_the_profile_and_both_versions() {
        let version = Version { profile: 3, user: 7 };
        assert_eq!(of(12, version), "\"12-3-7\"");
        assert_eq!(parse(&of(12, version), 12), Some(version));
        assert_eq!(parse(&of(12, version), 13), None);
        assert_eq!(parse("W/\"12-3-7\"", 12), None);
        assert_eq!(parse("\"12-3-7-1\"", 12), None);
        assert_eq!(expected_version(Some(&["\"x\"".into()]), 12), Err(ForeignTag));
        assert_eq!(expected_version(Some(&["*".into()]), 12), Ok(None));
        assert_eq!(expected_version(None, 12), Ok(None));
        assert_eq!(expected_version(Some(&["\"1-1-1\"".into(), of(12, version)]), 12), Ok(Some(version)));
    }
}
