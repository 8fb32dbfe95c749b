//! Query strings, read strictly: a write accepts only the parameters it names, so a
//! misspelt or unsupported one (`?dryrun=true`, `?validateOnly=1`) is refused with 400
//! instead of being ignored while the write goes ahead.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::envelope::ApiError;

/// The longest parameter name shown back in an error.
const MAX_NAME_CHARS: usize = 64;

/// The decoded `name=value` pairs of the query string.
pub struct QueryParams(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        Ok(QueryParams(url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()))
    }
}

impl QueryParams {
    /// Refuses any parameter not in `accepted` (but for the Nexudus `_shape` and `_depth`,
    /// which every answer takes: see `shape`), and any given twice.
    pub fn accept_only(self, accepted: &[&str]) -> Result<Self, ApiError> {
        for (index, (name, _)) in self.0.iter().enumerate() {
            if name == "_shape" || name == "_depth" {
                continue;
            }
            let shown: String = name.chars().take(MAX_NAME_CHARS).collect();
            if !accepted.contains(&name.as_str()) {
                let message = match accepted {
                    [] => "is not a parameter of this operation, which takes none".to_string(),
                    _ => format!("is not a parameter of this operation; it takes {}", accepted.join(", ")),
                };
                return Err(ApiError::Query { parameter: shown, message });
            }
            if self.0[..index].iter().any(|(earlier, _)| earlier == name) {
                return Err(ApiError::Query { parameter: shown, message: "is given more than once".into() });
            }
        }
        Ok(self)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, value)| value.as_str())
    }

    /// `true` or `false` (any case); absent is `false`.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => {
                Err(ApiError::Query { parameter: name.into(), message: "must be true or false".into() })
            }
        }
    }

    /// A whole number from `min` to `max`; `default` when absent.
    pub fn number(&self, name: &str, min: u64, max: u64, default: u64) -> Result<u64, ApiError> {
        let Some(text) = self.get(name) else { return Ok(default) };
        text.parse::<u64>().ok().filter(|n| (min..=max).contains(n)).ok_or_else(|| ApiError::Query {
            parameter: name.into(),
            message: format!("must be a whole number from {min} to {max}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> QueryParams {
        QueryParams(url::form_urlencoded::parse(query.as_bytes()).into_owned().collect())
    }

    fn refused(result: Result<QueryParams, ApiError>) -> Option<String> {
        match result {
            Err(ApiError::Query { parameter, .. }) => Some(parameter),
            _ => None,
        }
    }

    #[test]
    fn only_named_parameters_pass_once_each() {
        assert!(params("dryRun=true").accept_only(&["dryRun"]).is_ok());
        assert!(params("").accept_only(&[]).is_ok());
        assert!(params("_shape=FullName&_depth=2").accept_only(&[]).is_ok());
        assert_eq!(refused(params("dryrun=true").accept_only(&["dryRun"])), Some("dryrun".into()));
        assert_eq!(
            refused(params("dryRun=true&dryRun=false").accept_only(&["dryRun"])),
            Some("dryRun".into())
        );
        assert_eq!(refused(params("a=1").accept_only(&[])), Some("a".into()));
        match params("a=1").accept_only(&[]) {
            Err(ApiError::Query { message, .. }) => {
                assert!(message.ends_with("which takes none"), "{message}")
            }
            _ => panic!("refused"),
        }
        match params("a=1").accept_only(&["page", "size"]) {
            Err(ApiError::Query { message, .. }) => {
                assert!(message.ends_with("it takes page, size"), "{message}")
            }
            _ => panic!("refused"),
        }
        let long = "n".repeat(500);
        assert_eq!(refused(params(&format!("{long}=1")).accept_only(&[])).map(|p| p.len()), Some(64));
    }

    #[test]
    fn flags_and_numbers_are_checked() {
        assert!(params("dryRun=TRUE").flag("dryRun").expect("flag"));
        assert!(!params("dryRun=false").flag("dryRun").expect("flag"));
        assert!(!params("").flag("dryRun").expect("flag"));
        assert!(params("dryRun=1").flag("dryRun").is_err());
        assert!(params("dryRun=").flag("dryRun").is_err());
        assert_eq!(params("size=100").number("size", 1, 100, 25).expect("n"), 100);
        assert_eq!(params("").number("size", 1, 100, 25).expect("n"), 25);
        assert!(params("size=101").number("size", 1, 100, 25).is_err());
        assert!(params("size=0").number("size", 1, 100, 25).is_err());
        assert!(params("size=-1").number("size", 1, 100, 25).is_err());
        assert_eq!(params("page=1").number("page", 1, 100, 25).expect("n"), 1);
    }
}
