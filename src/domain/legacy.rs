//! The legacy profile write of server-rendered Nexudus themes, `POST /en/profile`: a body of
//! nested objects (`{"Coworker": {…}, "User": {…}, "Country": {"Id": 826}, …}`) made into the
//! flat body the PATCH takes, so both are one use case with one set of rules and errors.

use serde_json::{Map, Value};

use super::catalogue::{Field, Owner, Rule, Section};
use super::error::{ErrorCode, FieldError, FieldErrors};

/// Top-level members a theme sends that change nothing here (`CreateUser` and `recaptcha`
/// belong to sign-up; the time zone and invoicing location are the staff's).
const IGNORED_TOP_LEVEL: [&str; 4] = ["CreateUser", "recaptcha", "SimpleTimeZone", "InvoicingBusiness"];

/// The flat body, the members ignored (for `Portico-Ignored`), and what is wrong with the
/// nesting itself (a member's own value is checked later, by the PATCH's parser).
#[derive(Debug, Default)]
pub struct Flattened {
    pub body: Map<String, Value>,
    pub ignored: Vec<String>,
    pub errors: FieldErrors,
}

pub fn flatten(legacy: &Map<String, Value>) -> Flattened {
    let mut out = Flattened::default();
    let flag = |name: &str| legacy.get(name).and_then(Value::as_bool);
    // A theme that sends `UpdateSocialNetworks: false` means its social inputs were not
    // part of the form: what it echoes for them must not overwrite the stored links.
    let keep_social = flag("UpdateSocialNetworks") != Some(false);
    let keep_billing = flag("UpdateBillingDetails") != Some(false);
    for (name, value) in legacy {
        match name.as_str() {
            // Taken below, in a fixed order.
            "Coworker" | "User" | "Country" | "BillingCountry" => {}
            "base64avatar" | "base64banner" => {
                if value.as_str().is_some_and(|s| !s.trim().is_empty()) {
                    let message = "is not taken by this write: upload photos with PUT /api/public/coworker/profile/avatar or /banner";
                    out.errors.push(FieldError::new(name, ErrorCode::NotWritable, message));
                }
            }
            "UpdateSocialNetworks" | "UpdateBillingDetails" => out.ignored.push(name.clone()),
            _ if IGNORED_TOP_LEVEL.contains(&name.as_str()) => out.ignored.push(name.clone()),
            // The password properties and `SignUpToNewsletter` sit at the top level.
            _ => out.put(name, value),
        }
    }
    // Each object speaks for what its row owns: `User` for the notification preferences,
    // `Coworker` for the profile's own properties, both for the name (which must agree).
    for (object, owner_wins) in [("Coworker", Owner::Profile), ("User", Owner::User)] {
        let members = match legacy.get(object) {
            Some(Value::Object(members)) => members,
            None | Some(Value::Null) => continue,
            Some(_) => {
                out.errors.push(FieldError::new(object, ErrorCode::WrongType, "must be an object"));
                continue;
            }
        };
        for (member, value) in members {
            let field = Field::from_property(member);
            let skipped = field.is_some_and(|field| {
                (!keep_social && is_social(field)) || (!keep_billing && field.section() == Section::Billing)
            });
            match field.map(|f| f.spec().owner) {
                _ if skipped => out.ignored.push(format!("{object}.{member}")),
                Some(owner) if owner == owner_wins => {
                    out.body.insert(member.clone(), value.clone());
                }
                Some(Owner::Profile | Owner::User) if out.body.contains_key(member) => {}
                _ => out.put(member, value),
            }
        }
    }
    // The form's country selects win over a stale `CountryId` echoed in `Coworker`.
    for name in ["Country", "BillingCountry"] {
        match legacy.get(name).map(reference_id) {
            Some(Ok(Some(id))) => {
                out.body.insert(format!("{name}Id"), Value::from(id));
            }
            Some(Err(message)) => out.errors.push(FieldError::new(name, ErrorCode::WrongType, message)),
            Some(Ok(None)) | None => {}
        }
    }
    out
}

impl Flattened {
    /// Puts one property in the flat body; sent twice (in `Coworker` and `User`) with
    /// different values, it is refused.
    fn put(&mut self, property: &str, value: &Value) {
        match self.body.get(property) {
            Some(earlier) if earlier != value => self.errors.push(FieldError::new(
                property,
                ErrorCode::DuplicateField,
                "was sent twice with different values (in Coworker and User)",
            )),
            Some(_) => {}
            None => {
                self.body.insert(property.to_string(), value.clone());
            }
        }
    }
}

fn is_social(field: Field) -> bool {
    matches!(field.spec().rule, Rule::Social(_))
}

/// `{"Id": 826}` (or `null`, or `{"Id": null}`: no change).
fn reference_id(value: &Value) -> Result<Option<i64>, &'static str> {
    let wrong = || "must be an object with the Id of a country";
    match value {
        Value::Null => Ok(None),
        Value::Object(members) => match members.get("Id") {
            None | Some(Value::Null) => Ok(None),
            Some(id) => id.as_i64().map(Some).ok_or_else(wrong),
        },
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flat(body: Value) -> Flattened {
        flatten(body.as_object().expect("object"))
    }

    fn codes(errors: &FieldErrors) -> Vec<(String, &'static str)> {
        errors.iter().map(|e| (e.property.clone(), e.code.as_str())).collect()
    }

    #[test]
    fn nested_objects_become_the_flat_patch() {
        let out = flat(json!({
            "Coworker": {"FullName": "Ann", "Twitter": "@ann", "BillingName": "Ann Ltd"},
            "User": {"FullName": "Ann", "OnNewWallPost": false},
            "Country": {"Id": 826}, "BillingCountry": {"Id": 250},
            "NewPassword": "x", "SignUpToNewsletter": true, "recaptcha": "t", "base64avatar": ""
        }));
        assert!(out.errors.is_empty(), "{:?}", codes(&out.errors));
        let keys: Vec<&str> = out.body.keys().map(String::as_str).collect();
        for key in [
            "FullName",
            "Twitter",
            "BillingName",
            "OnNewWallPost",
            "CountryId",
            "BillingCountryId",
            "NewPassword",
            "SignUpToNewsletter",
        ] {
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }
        assert_eq!(out.body["CountryId"], 826);
        assert_eq!(out.ignored, vec!["recaptcha".to_string()]);
    }

    #[test]
    fn the_update_flags_leave_their_sections_alone() {
        let out = flat(json!({
            "Coworker": {"Twitter": "@x", "Github": "x", "BillingEmail": "b@example.com", "NickName": "A"},
            "UpdateSocialNetworks": false, "UpdateBillingDetails": false
        }));
        assert_eq!(out.body.keys().collect::<Vec<_>>(), vec!["NickName"]);
        assert!(out.ignored.contains(&"Coworker.Twitter".to_string()));
        assert!(out.ignored.contains(&"Coworker.BillingEmail".to_string()));
        let kept = flat(json!({"Coworker": {"Twitter": "@x"}, "UpdateSocialNetworks": true}));
        assert!(kept.body.contains_key("Twitter"));
    }

    #[test]
    fn bad_nesting_and_disagreeing_twins_are_named() {
        let out = flat(json!({
            "Coworker": {"FullName": "Ann", "CountryId": 826},
            "User": {"FullName": "Bob"},
            "Country": {"Id": 250},
            "BillingCountry": "France",
            "base64avatar": "iVBORw0KGgo="
        }));
        let mut found = codes(&out.errors);
        found.sort();
        assert_eq!(
            found,
            vec![
                ("BillingCountry".into(), "wrong_type"),
                ("FullName".into(), "duplicate_field"),
                ("base64avatar".into(), "not_writable"),
            ]
        );
        assert_eq!(out.body["CountryId"], 250, "the form's select wins over the echoed CountryId");
        let owners = flat(json!({
            "Coworker": {"OnNewWallPost": true, "NickName": "A"},
            "User": {"OnNewWallPost": false, "NickName": "B"}
        }));
        assert!(owners.errors.is_empty());
        assert_eq!(
            (owners.body["OnNewWallPost"].clone(), owners.body["NickName"].clone()),
            (json!(false), json!("A"))
        );
        assert_eq!(codes(&flat(json!({"Coworker": [1]})).errors), vec![("Coworker".into(), "wrong_type")]);
        assert!(flat(json!({"Country": {"Id": null}, "Coworker": null})).body.is_empty());
    }
}
