//! The OpenAPI 3.1 description of the API, generated from the code: the operations from the
//! handlers' `#[utoipa::path]` annotations, the profile's schemas from the property
//! catalogue, the error codes from `ErrorCode`. Served at `/openapi.json`, with a reference
//! page at `/docs` whose assets are inside the binary.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Response as Described, ResponseBuilder};
use utoipa::openapi::{KnownFormat, RefOr};
use utoipa::{IntoResponses, Modify, OpenApi, PartialSchema, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use crate::domain::ErrorCode;
use crate::domain::catalogue::{Credential, Field, Kind, ReadOnly, Rule};
use crate::web::SharedState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portico",
        description = "Member profiles for coworking spaces; follows the Nexudus member-portal API. \
                       The prose reference is docs/API.md."
    ),
    paths(
        super::session::issue_token,
        super::session::revoke_token,
        super::session::me,
        super::session::user_me,
        super::nexudus::token,
        super::nexudus::one_time_token,
        super::nexudus::exchange,
        super::nexudus::start_password_reset,
        super::nexudus::complete_password_reset,
        super::nexudus::send_otp,
        super::profile::get_profile,
        super::profile::patch_profile,
        super::profile::legacy_write,
        super::profile::draft_summary,
        super::account::request_reset,
        super::account::confirm_reset,
        super::account::request_email_change,
        super::account::confirm_email_change,
        super::account::revert_email_change,
        super::two_factor::status,
        super::two_factor::begin,
        super::two_factor::confirm,
        super::two_factor::disable,
        super::staff::list,
        super::staff::add,
        super::staff::read,
        super::staff::update,
        super::staff::erase,
        super::staff::suspend,
        super::staff::reactivate,
        super::staff::export,
        super::staff::resend_invitation,
        super::staff::require_new_password,
        super::staff::reset_two_factor,
        super::staff::audit,
        super::profile::list_profiles,
        super::profile::switch_profile,
        super::history::history,
        super::history::export,
        super::countries::list_countries,
        super::location::current_business,
        super::media::upload,
        super::media::remove,
        super::media::serve,
        super::media::serve_logo,
        super::location::configuration,
        super::directory::related_profiles,
        super::directory::list_published,
        super::directory::published_card,
        super::ops::healthz,
        super::ops::readyz,
    ),
    components(schemas(ProfilePatchBody, ProfileRepresentation, Envelope, FieldErrorView, AnyObject)),
    modifiers(&BearerScheme, &EmptyNexudusUnauthorized),
)]
struct ApiDoc;

/// The document, built once.
pub static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| ApiDoc::openapi().to_json().unwrap_or_else(|_| "{}".to_string()));

pub fn router() -> Router<SharedState> {
    let docs: Router<SharedState> = SwaggerUi::new("/docs").config(docs_config()).into();
    Router::new().route("/openapi.json", get(document)).merge(docs)
}

fn docs_config() -> utoipa_swagger_ui::Config<'static> {
    utoipa_swagger_ui::Config::from("/openapi.json").try_it_out_enabled(false)
}

async fn document() -> Response {
    let headers = [(axum::http::header::CONTENT_TYPE, "application/json")];
    (headers, DOCUMENT.as_str()).into_response()
}

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("The access_token of POST /api/token"))
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        let basic = HttpBuilder::new()
            .scheme(HttpAuthScheme::Basic)
            .description(Some("The member's e-mail and password, on every request (Nexudus clients)"))
            .build();
        components.add_security_scheme("basic", SecurityScheme::Http(basic));
    }
}

/// The edge strips the body of a 401 on `/en/…` paths (Nexudus clients rely on it), so the
/// document says so there.
struct EmptyNexudusUnauthorized;

impl Modify for EmptyNexudusUnauthorized {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/en/") {
                continue;
            }
            let operations =
                [&mut item.get, &mut item.post, &mut item.patch, &mut item.put, &mut item.delete];
            for operation in operations.into_iter().flatten() {
                if let Some(unauthorized) = operation.responses.responses.get_mut("401") {
                    let empty = ResponseBuilder::new()
                        .description("No valid credentials; the body is empty, as Nexudus answers")
                        .build();
                    *unauthorized = RefOr::T(empty);
                }
            }
        }
    }
}

fn of_type(kind: Type, nullable: bool) -> SchemaType {
    if nullable { SchemaType::from_iter([kind, Type::Null]) } else { SchemaType::Type(kind) }
}

/// How one catalogue property looks on the wire: its type, format and limits.
fn field_schema(field: Field, in_patch: bool) -> ObjectBuilder {
    let spec = field.spec();
    let nullable = spec.nullable;
    let known = |format| Some(SchemaFormat::KnownFormat(format));
    if spec.rule == Rule::Gender {
        return if in_patch {
            ObjectBuilder::new().schema_type(SchemaType::AnyValue).description(Some(
                "NotSet, Male, Female, Other or RatherNotSay (any case), or the Nexudus code 1–5",
            ))
        } else {
            ObjectBuilder::new()
                .schema_type(of_type(Type::String, false))
                .enum_values(Some(crate::domain::profile::Gender::ALL.map(|g| g.as_str())))
        };
    }
    if spec.rule == Rule::Custom {
        let defined = "The answer to the location's custom field of this slot, if it defines one \
            (GET /api/public/configuration, CustomFields)";
        return if in_patch {
            ObjectBuilder::new().schema_type(SchemaType::AnyValue).description(Some(format!(
                "{defined}: text, a number, true/false or a YYYY-MM-DD date as its kind takes"
            )))
        } else {
            ObjectBuilder::new()
                .schema_type(of_type(Type::String, true))
                .description(Some(format!("{defined}, as text")))
        };
    }
    match field.kind() {
        Kind::Bool => ObjectBuilder::new().schema_type(of_type(Type::Boolean, nullable)),
        Kind::Int => ObjectBuilder::new()
            .schema_type(of_type(Type::Integer, nullable))
            .description((spec.rule == Rule::Country).then_some("An Id of GET /api/public/countries")),
        Kind::Date => {
            ObjectBuilder::new().schema_type(of_type(Type::String, nullable)).format(known(KnownFormat::Date))
        }
        Kind::Text => {
            let text = ObjectBuilder::new()
                .schema_type(of_type(Type::String, nullable))
                .max_length(Some(field.max_chars()));
            match spec.rule {
                Rule::Email => text.format(known(KnownFormat::Email)),
                _ => text,
            }
        }
    }
}

/// The PATCH body: every catalogue property, the password properties (with their aliases)
/// and the read-only ones, which may be sent back unchanged.
pub struct ProfilePatchBody;

impl PartialSchema for ProfilePatchBody {
    fn schema() -> RefOr<Schema> {
        let mut object = ObjectBuilder::new()
            .description(Some(
                "Only the properties sent change; null clears a nullable property. Unknown properties are refused.",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        for field in Field::all() {
            let schema = field_schema(field, true);
            let schema = if field.spec().staff_only {
                schema.description(Some(
                    "Set by the space's staff: accepted only with the value the profile has",
                ))
            } else {
                schema
            };
            object = object.property(field.property(), schema);
        }
        for credential in Credential::all() {
            for name in credential.names() {
                let password = ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
                    .write_only(Some(true));
                object = object.property(*name, password);
            }
        }
        for read_only in ReadOnly::all() {
            let echo = ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .read_only(Some(true))
                .description(Some("Read-only: accepted only with the value the profile has"));
            object = object.property(read_only.property(), echo);
        }
        RefOr::T(Schema::Object(object.build()))
    }
}

impl ToSchema for ProfilePatchBody {
    fn name() -> std::borrow::Cow<'static, str> {
        "ProfilePatch".into()
    }
}

/// The editing representation (`GET /en/profile?_resource=Coworker`).
pub struct ProfileRepresentation;

impl PartialSchema for ProfileRepresentation {
    fn schema() -> RefOr<Schema> {
        let integer = || ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer));
        let string = || ObjectBuilder::new().schema_type(SchemaType::Type(Type::String));
        let time = || string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)));
        let mut object = ObjectBuilder::new()
            .property("Id", integer())
            .property("UniqueId", string())
            .property("Email", string())
            .property("CoworkerType", integer());
        for field in Field::all() {
            object = object.property(field.property(), field_schema(field, false)).required(field.property());
            match field {
                Field::CountryId => object = object.property("CountryName", string()),
                Field::BillingCountryId => object = object.property("BillingCountryName", string()),
                Field::ProfileTags => {
                    object = object.property("ProfileTagsList", ArrayBuilder::new().items(string()))
                }
                _ => {}
            }
        }
        for record in ReadOnly::record() {
            let kind = match record.kind() {
                Kind::Bool => Type::Boolean,
                Kind::Int => Type::Integer,
                Kind::Text | Kind::Date => Type::String,
            };
            object = object.property(
                record.property(),
                ObjectBuilder::new().schema_type(SchemaType::Type(kind)).read_only(Some(true)),
            );
        }
        for photo in ["AvatarUrl", "BannerUrl"] {
            object = object.property(photo, string().format(Some(SchemaFormat::Custom("uri".into()))));
        }
        let object = object.property("CreatedOn", time()).property("UpdatedOn", time());
        RefOr::T(Schema::Object(object.build()))
    }
}

impl ToSchema for ProfileRepresentation {
    fn name() -> std::borrow::Cow<'static, str> {
        "Profile".into()
    }
}

/// The ActionConfirmation envelope of every write and every error.
pub struct Envelope;

impl PartialSchema for Envelope {
    fn schema() -> RefOr<Schema> {
        let errors =
            ArrayBuilder::new().items(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("FieldError")));
        let object = ObjectBuilder::new()
            .property("WasSuccessful", ObjectBuilder::new().schema_type(SchemaType::Type(Type::Boolean)))
            .property(
                "Value",
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .description(Some("The profile, when asked for; else null")),
            )
            .property("Status", ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)))
            .property("Message", ObjectBuilder::new().schema_type(of_type(Type::String, true)))
            .property("Errors", errors.schema_type(of_type(Type::Array, true)))
            .property(
                "RefreshToken",
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .description(Some("After a password change: this session's new refresh token")),
            )
            .required("WasSuccessful")
            .required("Status");
        RefOr::T(Schema::Object(object.build()))
    }
}

impl ToSchema for Envelope {
    fn name() -> std::borrow::Cow<'static, str> {
        "ActionConfirmation".into()
    }
}

/// One problem of a refused request.
pub struct FieldErrorView;

impl PartialSchema for FieldErrorView {
    fn schema() -> RefOr<Schema> {
        let string = || ObjectBuilder::new().schema_type(SchemaType::Type(Type::String));
        let codes: Vec<&str> = ErrorCode::all().map(ErrorCode::as_str).chain(["invalid_parameter"]).collect();
        let object = ObjectBuilder::new()
            .property("PropertyName", string())
            .property("Message", string())
            .property("Code", string().enum_values(Some(codes)))
            .property(
                "AttemptedValue",
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .description(Some("What was sent (secrets never)")),
            )
            .required("PropertyName")
            .required("Message")
            .required("Code");
        RefOr::T(Schema::Object(object.build()))
    }
}

impl ToSchema for FieldErrorView {
    fn name() -> std::borrow::Cow<'static, str> {
        "FieldError".into()
    }
}

/// What any signed-in operation may answer besides its own outcomes.
pub struct SignedInErrors;

impl IntoResponses for SignedInErrors {
    fn responses() -> BTreeMap<String, RefOr<Described>> {
        [
            ("401", "No valid bearer token"),
            ("429", "Too many requests; see Retry-After"),
            ("503", "The database or the hashing queue is busy; see Retry-After"),
        ]
        .into_iter()
        .map(|(status, description)| (status.to_string(), RefOr::T(envelope_response(description))))
        .collect()
    }
}

/// What any staff operation may answer besides its success (docs/API.md, "Staff").
pub struct StaffErrors;

impl IntoResponses for StaffErrors {
    fn responses() -> BTreeMap<String, RefOr<Described>> {
        [
            ("400", "A parameter or a property is not valid; each is named"),
            ("401", "No valid bearer token or key"),
            ("403", "Not staff, staff without two-step sign-in, or a role short of the action"),
            ("404", "No such member at your locations"),
            ("409", "Another change got there first"),
            ("412", "The record changed since it was read (If-Match)"),
            ("429", "Too many requests; see Retry-After"),
            ("503", "The database or the hashing queue is busy; see Retry-After"),
        ]
        .into_iter()
        .map(|(status, description)| (status.to_string(), RefOr::T(envelope_response(description))))
        .collect()
    }
}

/// The answers of any operation that reads a JSON body.
pub struct BodyErrors;

impl IntoResponses for BodyErrors {
    fn responses() -> BTreeMap<String, RefOr<Described>> {
        [("413", "The body is too large"), ("415", "The body is not JSON")]
            .into_iter()
            .map(|(status, description)| (status.to_string(), RefOr::T(envelope_response(description))))
            .collect()
    }
}

/// What any operation without a token may also answer.
pub struct PublicErrors;

impl IntoResponses for PublicErrors {
    fn responses() -> BTreeMap<String, RefOr<Described>> {
        [("503", "The database or the hashing queue is busy; see Retry-After")]
            .into_iter()
            .map(|(status, description)| (status.to_string(), RefOr::T(envelope_response(description))))
            .collect()
    }
}

fn envelope_response(description: &str) -> Described {
    let envelope = RefOr::Ref(utoipa::openapi::Ref::from_schema_name(Envelope::name()));
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(envelope)).build())
        .build()
}

/// A JSON object whose shape docs/API.md describes.
pub struct AnyObject;

impl PartialSchema for AnyObject {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::Object(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Object)).build()))
    }
}

impl ToSchema for AnyObject {
    fn name() -> std::borrow::Cow<'static, str> {
        "Object".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn document() -> Value {
        serde_json::from_str(&DOCUMENT).expect("the document is JSON")
    }

    #[test]
    fn the_patch_schema_is_the_catalogue() {
        let document = document();
        let patch = &document["components"]["schemas"]["ProfilePatch"];
        assert_eq!(patch["additionalProperties"], false, "unknown properties are refused");
        for field in Field::all() {
            let property = &patch["properties"][field.property()];
            assert!(property.is_object(), "{} is described", field.property());
            let types = property["type"].as_array().map(Vec::len).unwrap_or(1);
            if field.spec().rule == Rule::Custom {
                assert!(
                    property.get("type").is_none(),
                    "{}: any JSON value its kind takes",
                    field.property()
                );
            } else if field.spec().rule != Rule::Gender {
                assert_eq!(
                    types == 2,
                    field.spec().nullable,
                    "{}: null only where it clears",
                    field.property()
                );
            }
            if field.kind() == Kind::Text && !matches!(field.spec().rule, Rule::Gender | Rule::Custom) {
                assert_eq!(property["maxLength"], field.max_chars(), "{}", field.property());
            }
        }
        for name in Credential::all().flat_map(|c| c.names().iter()) {
            assert_eq!(patch["properties"][name]["writeOnly"], true, "{name}");
        }
        assert_eq!(patch["properties"]["UpdatedOn"]["readOnly"], true);
        assert_eq!(patch["properties"]["DateOfBirth"]["type"], serde_json::json!(["string", "null"]));
        let profile = &document["components"]["schemas"]["Profile"]["properties"];
        assert!(Field::all().all(|f| profile[f.property()].is_object()));
        assert!(
            ReadOnly::all().all(|r| profile[r.property()].is_object()),
            "every read-only property is shown"
        );
    }

    #[test]
    fn every_error_code_is_in_the_document_and_the_reference() {
        let document = document();
        let listed = &document["components"]["schemas"]["FieldError"]["properties"]["Code"]["enum"];
        let reference = include_str!("../../docs/API.md");
        let table = reference.split("### Error codes").nth(1).expect("the code list");
        let mut documented: Vec<&str> = table.split('`').skip(1).step_by(2).collect();
        let mut codes: Vec<&str> =
            listed.as_array().expect("codes").iter().filter_map(Value::as_str).collect();
        documented.sort_unstable();
        codes.sort_unstable();
        assert_eq!(documented, codes, "docs/API.md lists exactly the codes the API can answer with");
        assert_eq!(codes.len(), ErrorCode::all().count() + 1);
    }

    #[test]
    fn every_operation_but_the_public_ones_needs_the_bearer_token() {
        let document = document();
        let public = [
            "/api/token",
            "/api/token/revoke",
            "/api/public/countries",
            "/api/public/businesses/current",
            "/api/public/configuration",
            "/media/coworkers/{unique_id}/{kind}",
            "/media/locations/{location_id}/logo",
            "/healthz",
            "/readyz",
            "/api/public/account/password-reset",
            "/api/public/account/password-reset/confirm",
            "/api/public/account/email-change/confirm",
            "/api/public/account/email-change/revert",
            "/api/sys/users/token",
            "/api/sys/users/exchange",
            "/api/sys/users/startPasswordReset",
            "/api/sys/users/completePasswordReset",
            "/api/sys/users/sendOtp",
        ];
        for (path, operations) in document["paths"].as_object().expect("paths") {
            for (method, operation) in operations.as_object().expect("operations") {
                let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
                assert_eq!(secured, !public.contains(&path.as_str()), "{method} {path}");
            }
        }
        assert_eq!(document["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    }

    #[test]
    fn a_401_on_nexudus_paths_has_no_body_and_elsewhere_the_envelope() {
        let document = document();
        let mut nexudus = 0;
        for (path, operations) in document["paths"].as_object().expect("paths") {
            for (method, operation) in operations.as_object().expect("operations") {
                let Some(unauthorized) = operation["responses"].get("401") else { continue };
                let has_body = unauthorized.get("content").is_some();
                assert_eq!(has_body, !path.starts_with("/en/"), "{method} {path}");
                nexudus += usize::from(path.starts_with("/en/"));
            }
        }
        assert!(nexudus >= 5, "the /en/ operations answer 401 too");
    }
}
