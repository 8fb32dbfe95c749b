//! `_shape=A,B.C` on a JSON read, as Nexudus documents it: the answer keeps only the named
//! dot paths (through lists too); names are matched ignoring case, and a path that names
//! nothing is ignored. `_depth` is accepted and changes nothing (Portico's answers are
//! always whole to their depth).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Map, Value};

/// The most paths one `_shape` may name, and the longest answer it reshapes: more is
/// answered unshaped rather than spending time on it.
const MAX_PATHS: usize = 100;
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// The middleware: reshapes a successful JSON answer to a GET that asked for it.
pub async fn shape(request: Request, next: Next) -> Response {
    let paths = (request.method() == Method::GET).then(|| paths_of(request.uri().query())).flatten();
    let response = next.run(request).await;
    let Some(paths) = paths else { return response };
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if response.status() != StatusCode::OK || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let shaped = keep(&value, &paths).unwrap_or(Value::Null);
    let body = serde_json::to_vec(&shaped).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// The dot paths of the query's `_shape`, or `None` when it names none.
fn paths_of(query: Option<&str>) -> Option<Vec<Vec<String>>> {
    let query = query?;
    let shape = url::form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "_shape")?.1;
    let paths: Vec<Vec<String>> = shape
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take(MAX_PATHS)
        .map(|p| p.split('.').map(str::to_string).collect())
        .collect();
    (!paths.is_empty()).then_some(paths)
}

/// What `value` keeps of `paths`: objects keep the named members, lists apply the paths to
/// each item, and a path that ends keeps the whole value. `None` where the paths go on
/// below a plain value: they name nothing there.
pub fn keep(value: &Value, paths: &[Vec<String>]) -> Option<Value> {
    if paths.iter().any(Vec::is_empty) {
        return Some(value.clone());
    }
    match value {
        Value::Array(items) => {
            Some(Value::Array(items.iter().filter_map(|item| keep(item, paths)).collect()))
        }
        Value::Object(members) => {
            let mut kept = Map::new();
            for (name, member) in members {
                let below: Vec<Vec<String>> = paths
                    .iter()
                    .filter(|path| path[0].eq_ignore_ascii_case(name))
                    .map(|path| path[1..].to_vec())
                    .collect();
                if !below.is_empty()
                    && let Some(member) = keep(member, &below)
                {
                    kept.insert(name.clone(), member);
                }
            }
            Some(Value::Object(kept))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shaped(value: Value, shape: &str) -> Value {
        let paths = paths_of(Some(&format!("_shape={shape}"))).expect("paths");
        keep(&value, &paths).unwrap_or(Value::Null)
    }

    #[test]
    fn paths_keep_members_through_objects_and_lists() {
        let record =
            json!({"FullName": "Ann", "Email": "a@x", "Country": {"Id": 1, "Name": "UK"}, "Tags": ["a"]});
        assert_eq!(shaped(record.clone(), "FullName"), json!({"FullName": "Ann"}));
        assert_eq!(
            shaped(record.clone(), "fullname,Country.Name"),
            json!({"FullName": "Ann", "Country": {"Name": "UK"}})
        );
        assert_eq!(shaped(record.clone(), "Country"), json!({"Country": {"Id": 1, "Name": "UK"}}));
        assert_eq!(shaped(record.clone(), "Nothing,Email.Deeper"), json!({}));
        let list = json!({"Countries": [{"Name": "UK", "TwoDigitsCode": "GB", "Id": 1}], "Total": 1});
        assert_eq!(
            shaped(list, "Countries.Name,Countries.TwoDigitsCode"),
            json!({"Countries": [{"Name": "UK", "TwoDigitsCode": "GB"}]})
        );
        assert_eq!(shaped(json!([{"Id": 1, "X": 2}]), "Id"), json!([{"Id": 1}]));
    }

    #[test]
    fn an_empty_or_absent_shape_shapes_nothing() {
        assert!(paths_of(Some("_shape=")).is_none());
        assert!(paths_of(Some("_shape=,,")).is_none());
        assert!(paths_of(Some("_depth=3")).is_none());
        assert!(paths_of(None).is_none());
        let many: Vec<String> = (0..500).map(|i| format!("P{i}")).collect();
        let paths = paths_of(Some(&format!("_shape={}", many.join(",")))).expect("paths");
        assert_eq!(paths.len(), MAX_PATHS);
    }
}
