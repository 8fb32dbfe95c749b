//! Custom fields: the questions a location asks its members beyond the catalogue's
//! properties (an emergency contact, dietary needs, "how did you hear of us"), held in the
//! Nexudus slots `Custom1` … `Custom30`. The location's definitions say what each slot is;
//! a value is checked against its definition and stored as text.

use serde_json::Value;
use time::Date;
use time::macros::format_description;

use super::catalogue::{Field, Values};
use super::error::{ErrorCode, FieldError, FieldErrors};
use super::patch::{Change, Editor, FieldValue, ParsedPatch};
use super::text::{self, Lines, Problem};

/// How many custom fields a location may define (the Nexudus slots).
pub const SLOTS: usize = 30;
pub const MAX_TEXT_CHARS: usize = 200;
pub const MAX_LONG_TEXT_CHARS: usize = 1000;
pub const MAX_LABEL_CHARS: usize = 100;
pub const MAX_CHOICES: usize = 50;
pub const MAX_CHOICE_CHARS: usize = 100;

/// What the API reference says of `Custom1` … `Custom30`.
pub const REFERENCE: &str = "as the location defines it (`GET /api/public/configuration`, `CustomFields`): \
    text ≤ 200, long text ≤ 1 000 (multi-line), a number (`invalid_number`), yes/no (`true`/`false`, \
    `yes`/`no`), a date `YYYY-MM-DD` (`invalid_date`) or one of its choices (`invalid_choice`), a \
    required one not empty (`required`); answered as a string (`\"true\"`, `\"12.5\"`, `\"2027-01-31\"`); \
    a slot the location does not define, or a staff-only one, is `not_writable` unless sent back unchanged";

/// What kind of answer a custom field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum CustomKind {
    Text,
    LongText,
    Number,
    YesNo,
    Date,
    Choice,
}

impl CustomKind {
    /// The name the CLI takes, the database keeps and `/api/public/configuration` answers.
    pub fn as_str(self) -> &'static str {
        match self {
            CustomKind::Text => "text",
            CustomKind::LongText => "long-text",
            CustomKind::Number => "number",
            CustomKind::YesNo => "yes-no",
            CustomKind::Date => "date",
            CustomKind::Choice => "choice",
        }
    }

    pub fn from_name(name: &str) -> Option<CustomKind> {
        <CustomKind as strum::IntoEnumIterator>::iter().find(|k| k.as_str().eq_ignore_ascii_case(name.trim()))
    }

    pub fn names() -> String {
        <CustomKind as strum::IntoEnumIterator>::iter().map(CustomKind::as_str).collect::<Vec<_>>().join(", ")
    }
}

/// One custom field as the location's staff defined it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomField {
    /// 1 to 30: the field is `Custom{slot}` in the API.
    pub slot: u8,
    pub label: String,
    pub kind: CustomKind,
    /// The answers a `Choice` takes, in the order shown; empty for the other kinds.
    pub choices: Vec<String>,
    /// An answer, once given, cannot be cleared.
    pub required: bool,
    /// A member may answer it; otherwise only the staff set it and the member sees it.
    pub member_editable: bool,
    /// Shown on the member's directory card when the profile is public.
    pub in_directory: bool,
}

impl CustomField {
    pub fn field(&self) -> Field {
        Field::custom(self.slot).expect("a definition's slot is 1 to 30")
    }

    pub fn property(&self) -> &'static str {
        self.field().property()
    }

    /// Checks a definition before it is stored: a label, and choices exactly for a choice.
    pub fn check(&self) -> Result<(), String> {
        if Field::custom(self.slot).is_none() {
            return Err(format!("the slot must be 1 to {SLOTS}"));
        }
        let label =
            text::clean(&self.label, Lines::Single).map_err(|p| format!("the label: {}", p.message))?;
        if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
            return Err(format!("the label must be 1 to {MAX_LABEL_CHARS} characters"));
        }
        match (self.kind, self.choices.len()) {
            (CustomKind::Choice, 0) => Err("a choice needs its choices (--choices \"A, B, C\")".into()),
            (CustomKind::Choice, n) if n > MAX_CHOICES => Err(format!("at most {MAX_CHOICES} choices")),
            (CustomKind::Choice, _) => self.check_choices(),
            (_, 0) => Ok(()),
            _ => Err("only a field of the kind choice takes choices".into()),
        }
    }

    fn check_choices(&self) -> Result<(), String> {
        for (index, choice) in self.choices.iter().enumerate() {
            let cleaned =
                text::clean(choice, Lines::Single).map_err(|p| format!("a choice: {}", p.message))?;
            if cleaned.is_empty() || cleaned.chars().count() > MAX_CHOICE_CHARS {
                return Err(format!("each choice must be 1 to {MAX_CHOICE_CHARS} characters"));
            }
            if self.choices[..index].iter().any(|c| c.eq_ignore_ascii_case(choice)) {
                return Err(format!("the choice {choice:?} is given twice"));
            }
        }
        Ok(())
    }

    /// Checks one answer: `None` clears it.
    pub fn parse(&self, value: &Value) -> Result<Option<String>, Problem> {
        let text = match value {
            Value::Null => None,
            Value::String(s) => Some(s.as_str()),
            Value::Bool(b) if self.kind == CustomKind::YesNo => return Ok(Some(b.to_string())),
            Value::Number(n) if self.kind == CustomKind::Number => return number(&n.to_string()).map(Some),
            _ => return Err(Problem::new(ErrorCode::WrongType, self.expected())),
        };
        let lines = if self.kind == CustomKind::LongText { Lines::Multi } else { Lines::Single };
        let cleaned = match text {
            Some(raw) => text::clean(raw, lines)?,
            None => String::new(),
        };
        if cleaned.is_empty() {
            return if self.required {
                Err(Problem::new(ErrorCode::Required, "is required and cannot be cleared"))
            } else {
                Ok(None)
            };
        }
        let value = match self.kind {
            CustomKind::Text => text::check_length(&cleaned, MAX_TEXT_CHARS).map(|_| cleaned)?,
            CustomKind::LongText => text::check_length(&cleaned, MAX_LONG_TEXT_CHARS).map(|_| cleaned)?,
            CustomKind::Number => number(&cleaned)?,
            CustomKind::YesNo => yes_no(&cleaned)?,
            CustomKind::Date => date(&cleaned)?,
            CustomKind::Choice => self.choice(&cleaned)?,
        };
        Ok(Some(value))
    }

    fn expected(&self) -> String {
        match self.kind {
            CustomKind::Number => "must be a number".into(),
            CustomKind::YesNo => "must be true or false".into(),
            _ => "must be a string".into(),
        }
    }

    fn choice(&self, answer: &str) -> Result<String, Problem> {
        self.choices.iter().find(|c| c.eq_ignore_ascii_case(answer)).cloned().ok_or_else(|| {
            Problem::new(ErrorCode::InvalidChoice, format!("must be one of: {}", self.choices.join(", ")))
        })
    }
}

/// A number as it is stored: the shortest decimal that reads back as the same value
/// (`12.50` is `12.5`, `1e3` is `1000`).
fn number(text: &str) -> Result<String, Problem> {
    let invalid = || Problem::new(ErrorCode::InvalidNumber, "must be a number, such as 12 or 12.5");
    let digits = text.trim();
    // Only decimal notation a person types: no `inf`, `NaN`, hexadecimal or `+`.
    if !digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | 'e' | 'E')) || digits.len() > 40
    {
        return Err(invalid());
    }
    let value: f64 = digits.parse().map_err(|_| invalid())?;
    if !value.is_finite() {
        return Err(invalid());
    }
    Ok(if value == 0.0 { "0".to_string() } else { value.to_string() })
}

fn yes_no(text: &str) -> Result<String, Problem> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" => Ok("true".into()),
        "false" | "no" => Ok("false".into()),
        _ => Err(Problem::new(ErrorCode::WrongType, "must be true or false")),
    }
}

fn date(text: &str) -> Result<String, Problem> {
    let form = format_description!("[year]-[month]-[day]");
    let four_digit_year = text.len() == 10 && text.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    Date::parse(text, form)
        .ok()
        .filter(|_| four_digit_year)
        .map(|d| d.to_string())
        .ok_or_else(|| Problem::new(ErrorCode::InvalidDate, "is not a date: use the form 2027-01-31"))
}

/// Turns the custom fields a body sent into changes, checked against the location's
/// definitions and the stored profile: a member may answer the fields defined for them; a
/// slot not defined, or one only the staff set, may only come back as it is stored (an
/// echoed representation carries all thirty).
pub fn resolve(
    parsed: &mut ParsedPatch,
    definitions: &[CustomField],
    stored: &Values,
    editor: Editor,
) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (field, value) in std::mem::take(&mut parsed.custom) {
        let name = field.property();
        let definition = definitions.iter().find(|d| d.field() == field);
        let writable = definition.is_some_and(|d| d.member_editable || editor == Editor::Staff);
        let change = match definition {
            Some(definition) => definition.parse(&value),
            None => Ok(match &value {
                Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
                Value::Null | Value::String(_) => None,
                other => Some(other.to_string()),
            }),
        };
        match (change, writable) {
            (Ok(change), true) => {
                let change = change.map_or(Change::Null, |text| Change::Value(FieldValue::Text(text)));
                parsed.patch.set(field, change);
            }
            (Err(problem), true) => {
                errors.push(FieldError::new(name, problem.code, problem.message).with_attempted(&value))
            }
            (Ok(change), false) if change.as_deref() == stored.text(field) => {}
            (_, false) => {
                let message = match definition {
                    Some(_) => "can only be changed by the space's staff",
                    None => "is not one of this location's custom fields",
                };
                errors.push(FieldError::new(name, ErrorCode::NotWritable, message).with_attempted(&value));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn defined(kind: CustomKind) -> CustomField {
        CustomField {
            slot: 3,
            label: "Question".into(),
            kind,
            choices: if kind == CustomKind::Choice { vec!["Tea".into(), "Coffee".into()] } else { vec![] },
            required: false,
            member_editable: true,
            in_directory: false,
        }
    }

    fn answer(kind: CustomKind, value: Value) -> Result<Option<String>, ErrorCode> {
        defined(kind).parse(&value).map_err(|p| p.code)
    }

    #[test]
    fn each_kind_takes_its_answers_and_stores_them_as_text() {
        use CustomKind::*;
        assert_eq!(answer(Text, json!("  Ada  ")), Ok(Some("Ada".into())));
        assert_eq!(answer(Text, json!("a\nb")), Err(ErrorCode::ControlCharacters));
        assert_eq!(answer(Text, json!("x".repeat(MAX_TEXT_CHARS + 1))), Err(ErrorCode::TooLong));
        assert_eq!(
            answer(Text, json!("x".repeat(MAX_TEXT_CHARS))).map(|v| v.map(|s| s.len())),
            Ok(Some(200))
        );
        assert_eq!(answer(LongText, json!("a\nb")), Ok(Some("a\nb".into())));
        assert_eq!(answer(LongText, json!("x".repeat(MAX_LONG_TEXT_CHARS + 1))), Err(ErrorCode::TooLong));
        assert_eq!(answer(Number, json!(12.50)), Ok(Some("12.5".into())));
        assert_eq!(answer(Number, json!("1e3")), Ok(Some("1000".into())));
        assert_eq!(answer(Number, json!("-0")), Ok(Some("0".into())));
        assert_eq!(answer(Number, json!("-7")), Ok(Some("-7".into())));
        for bad in ["twelve", "inf", "NaN", "0x10", "1e999", "+1"] {
            assert_eq!(answer(Number, json!(bad)), Err(ErrorCode::InvalidNumber), "{bad}");
        }
        assert_eq!(answer(Number, json!(true)), Err(ErrorCode::WrongType));
        assert_eq!(answer(YesNo, json!(true)), Ok(Some("true".into())));
        assert_eq!(answer(YesNo, json!("No")), Ok(Some("false".into())));
        assert_eq!(answer(YesNo, json!("maybe")), Err(ErrorCode::WrongType));
        assert_eq!(answer(YesNo, json!(1)), Err(ErrorCode::WrongType));
        assert_eq!(answer(Date, json!("2027-01-31")), Ok(Some("2027-01-31".into())));
        for bad in ["2027-02-30", "31/01/2027", "+2027-01-31", "27-01-31"] {
            assert_eq!(answer(Date, json!(bad)), Err(ErrorCode::InvalidDate), "{bad}");
        }
        assert_eq!(answer(Choice, json!("coffee")), Ok(Some("Coffee".into())));
        assert_eq!(answer(Choice, json!("Juice")), Err(ErrorCode::InvalidChoice));
        assert_eq!(answer(Text, json!(5)), Err(ErrorCode::WrongType));
    }

    #[test]
    fn empty_clears_unless_required() {
        assert_eq!(answer(CustomKind::Text, json!(null)), Ok(None));
        assert_eq!(answer(CustomKind::Number, json!(" ")), Ok(None));
        let required = CustomField { required: true, ..defined(CustomKind::Text) };
        assert_eq!(required.parse(&json!("")).map_err(|p| p.code), Err(ErrorCode::Required));
        assert_eq!(required.parse(&json!(null)).map_err(|p| p.code), Err(ErrorCode::Required));
    }

    #[test]
    fn a_definition_needs_a_label_and_choices_only_for_a_choice() {
        assert!(defined(CustomKind::Choice).check().is_ok());
        assert!(defined(CustomKind::Text).check().is_ok());
        let no_label = CustomField { label: " ".into(), ..defined(CustomKind::Text) };
        assert!(no_label.check().is_err());
        let long_label = CustomField { label: "x".repeat(MAX_LABEL_CHARS + 1), ..defined(CustomKind::Text) };
        assert!(long_label.check().is_err());
        let no_choices = CustomField { choices: vec![], ..defined(CustomKind::Choice) };
        assert!(no_choices.check().is_err());
        let stray_choices = CustomField { choices: vec!["A".into()], ..defined(CustomKind::Text) };
        assert!(stray_choices.check().is_err());
        let twice = CustomField { choices: vec!["A".into(), "a".into()], ..defined(CustomKind::Choice) };
        assert!(twice.check().is_err());
        let empty_choice =
            CustomField { choices: vec!["A".into(), " ".into()], ..defined(CustomKind::Choice) };
        assert!(empty_choice.check().is_err());
        let too_many = CustomField {
            choices: (0..=MAX_CHOICES).map(|n| n.to_string()).collect(),
            ..defined(CustomKind::Choice)
        };
        assert!(too_many.check().is_err());
        let bad_slot = CustomField { slot: 31, ..defined(CustomKind::Text) };
        assert!(bad_slot.check().is_err());
    }

    #[test]
    fn limits_are_inclusive_and_names_are_the_apis() {
        assert_eq!(CustomKind::names(), "text, long-text, number, yes-no, date, choice");
        assert_eq!(defined(CustomKind::Text).property(), "Custom3");
        let labelled = |label: String| CustomField { label, ..defined(CustomKind::Text) }.check();
        assert!(labelled("x".repeat(MAX_LABEL_CHARS)).is_ok(), "a label of the most characters");
        let choices = |choices: Vec<String>| CustomField { choices, ..defined(CustomKind::Choice) }.check();
        assert!(choices((0..MAX_CHOICES).map(|n| n.to_string()).collect()).is_ok(), "the most choices");
        assert!(choices(vec!["x".repeat(MAX_CHOICE_CHARS)]).is_ok(), "a choice of the most characters");
        assert!(choices(vec!["x".repeat(MAX_CHOICE_CHARS + 1)]).is_err());
        let forty = format!("1{}", "0".repeat(39));
        assert_eq!(answer(CustomKind::Number, json!(forty)).map(|v| v.map(|n| n.len())), Ok(Some(40)));
        assert_eq!(answer(CustomKind::Number, json!(format!("{forty}0"))), Err(ErrorCode::InvalidNumber));
        assert_eq!(answer(CustomKind::YesNo, json!("YES")), Ok(Some("true".into())));
        assert_eq!(answer(CustomKind::YesNo, json!("true")), Ok(Some("true".into())));
        for year in ["12027-01-31", "+027-01-31", "-027-01-31"] {
            assert_eq!(answer(CustomKind::Date, json!(year)), Err(ErrorCode::InvalidDate), "{year}");
        }
        let wrong_type = |kind, value: Value| defined(kind).parse(&value).map_err(|p| p.message);
        assert_eq!(wrong_type(CustomKind::Number, json!(true)), Err("must be a number".to_string()));
        assert_eq!(wrong_type(CustomKind::YesNo, json!(1)), Err("must be true or false".to_string()));
        assert_eq!(wrong_type(CustomKind::Text, json!(1)), Err("must be a string".to_string()));
    }

    #[test]
    fn kinds_are_named_for_the_cli() {
        for kind in <CustomKind as strum::IntoEnumIterator>::iter() {
            assert_eq!(CustomKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(CustomKind::from_name(" Yes-No "), Some(CustomKind::YesNo));
        assert_eq!(CustomKind::from_name("bool"), None);
    }

    fn resolved(
        body: Value,
        definitions: &[CustomField],
        editor: Editor,
    ) -> (ParsedPatch, Vec<(String, &'static str)>) {
        let options = super::super::patch::ParseOptions {
            today: time::macros::date!(2026 - 12 - 06),
            unknown_fields: super::super::patch::UnknownFields::Reject,
            editor,
        };
        let (mut parsed, errors) = super::super::patch::parse(body.as_object().expect("object"), options);
        assert!(errors.is_empty(), "{errors}");
        let mut stored = Values::empty();
        stored.set(Field::Custom4, Some(FieldValue::Text("B12".into())));
        let errors = resolve(&mut parsed, definitions, &stored, editor);
        let codes = errors.iter().map(|e| (e.property.clone(), e.code.as_str())).collect();
        (parsed, codes)
    }

    #[test]
    fn members_answer_their_fields_and_send_the_rest_back_unchanged() {
        let staff_set = CustomField { slot: 4, member_editable: false, ..defined(CustomKind::Text) };
        let definitions = [defined(CustomKind::Number), staff_set];
        let body = json!({"Custom3": "4", "Custom4": "B12", "Custom9": null, "Custom10": ""});
        let (parsed, errors) = resolved(body, &definitions, Editor::Member);
        assert_eq!(errors, vec![]);
        assert_eq!(parsed.patch.get(Field::Custom3), &Change::Value(FieldValue::Text("4".into())));
        assert_eq!(parsed.patch.get(Field::Custom4), &Change::Absent, "sent back unchanged");
        assert_eq!(parsed.patch.get(Field::Custom9), &Change::Absent, "undefined and empty: an echo");

        let body = json!({"Custom4": "C7", "Custom9": "hello", "Custom3": "x"});
        let (parsed, mut errors) = resolved(body, &definitions, Editor::Member);
        errors.sort();
        assert_eq!(
            errors,
            vec![
                ("Custom3".to_string(), "invalid_number"),
                ("Custom4".to_string(), "not_writable"),
                ("Custom9".to_string(), "not_writable")
            ]
        );
        assert!(parsed.patch.is_empty());
    }

    #[test]
    fn staff_set_any_defined_field_but_never_an_undefined_one() {
        let staff_set = CustomField { slot: 4, member_editable: false, ..defined(CustomKind::Text) };
        let (parsed, errors) =
            resolved(json!({"Custom4": "C7"}), std::slice::from_ref(&staff_set), Editor::Staff);
        assert_eq!(errors, vec![]);
        assert_eq!(parsed.patch.get(Field::Custom4), &Change::Value(FieldValue::Text("C7".into())));
        let (_, errors) = resolved(json!({"Custom5": "x"}), &[staff_set], Editor::Staff);
        assert_eq!(errors, vec![("Custom5".to_string(), "not_writable")]);
    }
}
