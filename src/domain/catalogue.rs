//! The property catalogue: every property of the profile representation, declared once.
//!
//! An editable property is a [`Field`] and its [`Spec`] (wire name, column, owner, rule,
//! nullability, whether the member directory shows it). The PATCH parser, the store's
//! columns and row decoding, the JSON views, the body limit and the API reference are all
//! derived from here. The read-only properties of the representation, the password
//! properties and the properties only a space's staff may change are listed here too, so
//! this file names every property the API knows.
//!
//! Adding an editable property: a variant of `Field` and its `Spec` in `Field::spec` (the
//! compiler asks for it), and a migration adding the column (DEVELOPERS.md).

use std::sync::LazyLock;

use strum::{EnumCount, EnumIter, IntoEnumIterator};

use super::social::Network;
use super::text::Lines;

/// A property held in a column of its own: one a member changes with the PATCH, or, when its
/// spec says `staff_only`, one the space's staff set (a member may send it back unchanged).
/// The order is the order of the editing representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, EnumCount)]
pub enum Field {
    FullName,
    Salutation,
    NickName,
    Gender,
    DateOfBirth,
    MobilePhone,
    LandLine,
    Address,
    PostCode,
    CityName,
    State,
    CountryId,
    BillingName,
    BillingEmail,
    BillingAddress,
    BillingPostCode,
    BillingCityName,
    BillingState,
    BillingCountryId,
    TaxIdNumber,
    Position,
    CompanyName,
    BusinessArea,
    ProfileSummary,
    ProfileWebsite,
    ProfileIsPublic,
    ProfileTags,
    Twitter,
    Linkedin,
    Github,
    Instagram,
    Facebook,
    Skype,
    Telegram,
    Google,
    Pinterest,
    Flickr,
    Vimeo,
    Tumblr,
    Blogger,
    OnHelpDeskMsg,
    OnNewWallPost,
    OnNewBlogComment,
    OnNewEventComment,
    ReceiveCommunityDigest,
    SignUpToNewsletter,
    IsMember,
    AccessPincode,
    Custom1,
    Custom2,
    Custom3,
    Custom4,
    Custom5,
    Custom6,
    Custom7,
    Custom8,
    Custom9,
    Custom10,
    Custom11,
    Custom12,
    Custom13,
    Custom14,
    Custom15,
    Custom16,
    Custom17,
    Custom18,
    Custom19,
    Custom20,
    Custom21,
    Custom22,
    Custom23,
    Custom24,
    Custom25,
    Custom26,
    Custom27,
    Custom28,
    Custom29,
    Custom30,
}

/// The part of the member's profile page a property is edited in (the Nexudus portal's
/// sections), in the page's order; the password has a section of its own. The properties
/// of `Notifications` are also the user's `NotificationPreferences` in `/login/me`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter)]
pub enum Section {
    Personal,
    Professional,
    Billing,
    Notifications,
    /// What the space's staff set for door and network access; the portal shows it read-only.
    Access,
    /// The location's own questions (`Custom1` … `Custom30`), labelled by its definitions.
    Custom,
}

/// Everything about one editable property, declared once in [`Field::spec`].
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The property's name in the API (the Nexudus name).
    pub property: &'static str,
    /// The column, in the table of the `owner`.
    pub column: &'static str,
    pub owner: Owner,
    /// Where the portal edits it (and, for `Notifications`, where `/login/me` shows it).
    pub section: Section,
    pub nullable: bool,
    /// Shown in the member directory, by the API and on the portal's cards (docs/API.md,
    /// "Member directory").
    pub public: bool,
    /// May be sent to an AI writer to draft the bio from (docs/API.md, "AI profile summary").
    pub ai_source: bool,
    /// Set by the space's staff (the CLI, CSV import); a member's PATCH may only send it back
    /// unchanged (`not_writable` otherwise).
    pub staff_only: bool,
    pub rule: Rule,
    /// What the API reference says of it beyond its rule.
    pub note: Option<&'static str>,
}

impl Spec {
    /// A private, non-nullable property no AI writer reads; the builders below say otherwise.
    const fn new(
        property: &'static str,
        column: &'static str,
        owner: Owner,
        section: Section,
        rule: Rule,
    ) -> Spec {
        Spec {
            property,
            column,
            owner,
            section,
            nullable: false,
            public: false,
            ai_source: false,
            staff_only: false,
            rule,
            note: None,
        }
    }

    const fn nullable(self) -> Spec {
        Spec { nullable: true, ..self }
    }

    const fn public(self) -> Spec {
        Spec { public: true, ..self }
    }

    const fn ai_source(self) -> Spec {
        Spec { ai_source: true, ..self }
    }

    const fn staff_only(self) -> Spec {
        Spec { staff_only: true, ..self }
    }

    const fn note(self, note: &'static str) -> Spec {
        Spec { note: Some(note), ..self }
    }
}

/// Which row a property lives on. A profile's own properties differ per location; the
/// user's are shared by all the user's profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Profile,
    User,
    /// The person's name: kept on the profile and on the user alike.
    ProfileAndUser,
}

/// How a property's value is checked and what it becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Text {
        max: usize,
        lines: Lines,
        required: bool,
    },
    Email,
    Website,
    Phone,
    BirthDate,
    Country,
    Gender,
    Flag,
    Tags,
    TaxId,
    Social(Network),
    /// A custom field: checked against the location's definition of it ([`super::custom`]).
    Custom,
}

impl Rule {
    /// What the API reference says the rule takes (and the codes of its errors).
    pub fn reference(self) -> String {
        match self {
            Rule::Text { max, required: true, .. } => format!("1–{} (`required`, `too_long`)", thousands(max)),
            Rule::Text { max, lines: Lines::Multi, .. } => format!("≤ {}, multi-line", thousands(max)),
            Rule::Text { max, .. } => format!("≤ {}", thousands(max)),
            Rule::Email => "one address a mailer can send to: a dot-atom local part, no display name, a dotted \
                domain (`invalid_email`; empty is `required`)"
                .into(),
            Rule::Website => "`http`/`https`, a dotted host, no credentials; a bare domain gets `https://` \
                (`invalid_url`)"
                .into(),
            Rule::Phone => "digits, spaces, `+ ( ) - . /` (`+` only first), optional extension `ext. 12` / \
                `x12` / `#12`; ≥ 3 digits (`invalid_phone`); ≤ 50 (`too_long`, like every other length)"
                .into(),
            Rule::BirthDate => "`YYYY-MM-DD` with a four-digit year and no sign; a date-time keeps its date \
                (`invalid_date`); 1900-01-01 to today (`date_out_of_range`)"
                .into(),
            Rule::Country => {
                "an `Id` from `/api/public/countries` (`unknown_country`; a string is `wrong_type`)".into()
            }
            Rule::Gender => "`NotSet`, `Male`, `Female`, `Other`, `RatherNotSay`, any case, or the Nexudus codes \
                1–5 as JSON numbers (`invalid_choice`; a code in a string, `\"2\"`, is not a name and is refused \
                like `\"true\"` for a boolean)"
                .into(),
            Rule::Flag => String::new(),
            Rule::Tags => "comma-separated; trimmed; empty entries skipped; each ≤ 50 (`tag_too_long`); \
                duplicates ignoring case dropped (first kept); ≤ 30 (`too_many_tags`); stored as `a, b, c`"
                .into(),
            Rule::TaxId => "≤ 50; letters, digits, spaces, `- . /` (`invalid_tax_id`)".into(),
            Rule::Social(network) => network.reference().into(),
            Rule::Custom => super::custom::REFERENCE.into(),
        }
    }

    /// A valid value as a client would send it (tests, and the API reference's examples).
    pub fn example(self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Rule::Text { max, .. } => Value::from("Example text".chars().take(max).collect::<String>()),
            Rule::Email => Value::from("billing@example.com"),
            Rule::Website => Value::from("https://example.com/about"),
            Rule::Phone => Value::from("+44 20 7946 0000"),
            Rule::BirthDate => Value::from("1990-06-15"),
            Rule::Country => Value::from(250),
            Rule::Gender => Value::from("Female"),
            Rule::Flag => Value::from(true),
            Rule::Tags => Value::from("design, ux"),
            Rule::TaxId => Value::from("GB 123 456 789"),
            Rule::Social(network) => Value::from(network.example()),
            Rule::Custom => Value::from("Example text"),
        }
    }
}

/// `20 000` for 20000: the reference writes large numbers with a space between thousands.
fn thousands(n: usize) -> String {
    if n < 10_000 { n.to_string() } else { format!("{} {:03}", n / 1000, n % 1000) }
}

/// How a value is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Bool,
    Date,
}

/// A checked value, in the form it is stored.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    Int(i64),
    Bool(bool),
    Date(time::Date),
}

/// One value (or none, where a nullable property is empty) for each field, in the order
/// of [`Field`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Values(Vec<Option<FieldValue>>);

impl Values {
    /// Every field empty.
    pub fn empty() -> Values {
        Values(vec![None; Field::COUNT])
    }

    pub fn get(&self, field: Field) -> Option<&FieldValue> {
        self.0.get(field.index()).and_then(Option::as_ref)
    }

    pub fn set(&mut self, field: Field, value: Option<FieldValue>) {
        if self.0.len() < Field::COUNT {
            self.0.resize(Field::COUNT, None);
        }
        self.0[field.index()] = value;
    }

    pub fn text(&self, field: Field) -> Option<&str> {
        match self.get(field) {
            Some(FieldValue::Text(text)) => Some(text),
            _ => None,
        }
    }

    pub fn int(&self, field: Field) -> Option<i64> {
        match self.get(field) {
            Some(FieldValue::Int(number)) => Some(*number),
            _ => None,
        }
    }

    pub fn flag(&self, field: Field) -> bool {
        matches!(self.get(field), Some(FieldValue::Bool(true)))
    }

    pub fn date(&self, field: Field) -> Option<time::Date> {
        match self.get(field) {
            Some(FieldValue::Date(date)) => Some(*date),
            _ => None,
        }
    }
}

const NOTIFICATION_DEFAULTS: &str =
    "on the user; new users get `true` for the first five and `false` for the newsletter (opt-in)";
const BIO_NOTE: &str = "Markdown, stored as written; its HTML (`ProfileSummaryHtml`) is rendered when it is \
    saved, with quotes and lists nested at most 8 deep (`nested_too_deep`) and at most 128 KiB of HTML \
    (`renders_too_large`)";

const IS_MEMBER_NOTE: &str = "set by the space's staff (`portico member set EMAIL IsMember=false`, CSV import); new profiles \
    get `true`; `IsContact` is its negation; a member may send it back unchanged (`not_writable` otherwise)";
const ACCESS_PINCODE_NOTE: &str = "the door or network PIN the space's staff set (`portico member set EMAIL AccessPincode=…`, \
    CSV import); shown to its member, never in the directory; a member may send it back unchanged \
    (`not_writable` otherwise)";

pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_URL_CHARS: usize = 2000;
pub const MAX_PHONE_CHARS: usize = 50;
pub const MAX_TAX_ID_CHARS: usize = 50;
pub const MAX_TAG_CHARS: usize = 50;
pub const MAX_TAGS: usize = 30;
/// A social link as typed (a handle or an address); its canonical form adds at most the
/// network's address prefix.
pub const MAX_SOCIAL_CHARS: usize = 200;

impl Field {
    pub fn all() -> impl Iterator<Item = Field> {
        Field::iter()
    }

    pub const COUNT: usize = <Field as EnumCount>::COUNT;

    /// Where the field's value sits in a row of values.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The field's entry in the catalogue.
    pub fn spec(self) -> Spec {
        static SPECS: LazyLock<Vec<Spec>> = LazyLock::new(|| Field::iter().map(Field::declaration).collect());
        SPECS[self.index()]
    }

    /// The catalogue, one entry per field: read once, by [`Field::spec`]. Where an entry is
    /// written changes nothing but the order of the representation.
    fn declaration(self) -> Spec {
        use Field::*;
        use Owner::{Profile, ProfileAndUser, User};
        use Section::{Access, Billing, Notifications, Personal, Professional};
        let text = |max, lines| Rule::Text { max, lines, required: false };
        let (single, multi) = (Lines::Single, Lines::Multi);
        let social = |property, column, network| {
            Spec::new(property, column, Profile, Professional, Rule::Social(network))
                .nullable()
                .public()
                .ai_source()
        };
        let custom =
            |property, column| Spec::new(property, column, Profile, Section::Custom, Rule::Custom).nullable();
        let notification = |property, column| {
            Spec::new(property, column, User, Notifications, Rule::Flag).note(NOTIFICATION_DEFAULTS)
        };
        match self {
            FullName => {
                let rule = Rule::Text { max: 200, lines: single, required: true };
                Spec::new("FullName", "full_name", ProfileAndUser, Personal, rule).public()
            }
            Salutation => {
                Spec::new("Salutation", "salutation", Profile, Personal, text(50, single)).nullable()
            }
            NickName => Spec::new("NickName", "nick_name", Profile, Personal, text(100, single)).nullable(),
            Gender => Spec::new("Gender", "gender", Profile, Personal, Rule::Gender),
            DateOfBirth => {
                Spec::new("DateOfBirth", "date_of_birth", Profile, Personal, Rule::BirthDate).nullable()
            }
            MobilePhone => {
                Spec::new("MobilePhone", "mobile_phone", Profile, Personal, Rule::Phone).nullable()
            }
            LandLine => Spec::new("LandLine", "land_line", Profile, Personal, Rule::Phone).nullable(),
            Address => Spec::new("Address", "address", Profile, Personal, text(500, multi)),
            PostCode => Spec::new("PostCode", "post_code", Profile, Personal, text(30, single)),
            CityName => Spec::new("CityName", "city_name", Profile, Personal, text(100, single)),
            State => Spec::new("State", "state", Profile, Personal, text(100, single)),
            CountryId => Spec::new("CountryId", "country_id", Profile, Personal, Rule::Country),
            BillingName => Spec::new("BillingName", "billing_name", Profile, Billing, text(200, single)),
            BillingEmail => Spec::new("BillingEmail", "billing_email", Profile, Billing, Rule::Email),
            BillingAddress => {
                Spec::new("BillingAddress", "billing_address", Profile, Billing, text(500, multi)).nullable()
            }
            BillingPostCode => {
                Spec::new("BillingPostCode", "billing_post_code", Profile, Billing, text(30, single))
                    .nullable()
            }
            BillingCityName => {
                Spec::new("BillingCityName", "billing_city_name", Profile, Billing, text(100, single))
                    .nullable()
            }
            BillingState => {
                Spec::new("BillingState", "billing_state", Profile, Billing, text(100, single)).nullable()
            }
            BillingCountryId => {
                Spec::new("BillingCountryId", "billing_country_id", Profile, Billing, Rule::Country)
            }
            TaxIdNumber => Spec::new("TaxIDNumber", "tax_id_number", Profile, Billing, Rule::TaxId),
            Position => Spec::new("Position", "position", Profile, Professional, text(200, single))
                .nullable()
                .public()
                .ai_source(),
            CompanyName => Spec::new("CompanyName", "company_name", Profile, Professional, text(200, single))
                .public()
                .ai_source(),
            BusinessArea => {
                Spec::new("BusinessArea", "business_area", Profile, Professional, text(200, single))
                    .nullable()
                    .public()
                    .ai_source()
            }
            ProfileSummary => {
                Spec::new("ProfileSummary", "profile_summary", Profile, Professional, text(20_000, multi))
                    .nullable()
                    .public()
                    .ai_source()
                    .note(BIO_NOTE)
            }
            ProfileWebsite => {
                Spec::new("ProfileWebsite", "profile_website", Profile, Professional, Rule::Website)
                    .nullable()
                    .public()
                    .ai_source()
            }
            ProfileIsPublic => {
                Spec::new("ProfileIsPublic", "profile_is_public", Profile, Professional, Rule::Flag)
            }
            ProfileTags => Spec::new("ProfileTags", "profile_tags", Profile, Professional, Rule::Tags)
                .nullable()
                .public()
                .ai_source(),
            Twitter => social("Twitter", "twitter", Network::Twitter),
            Linkedin => social("Linkedin", "linkedin", Network::Linkedin),
            Github => social("Github", "github", Network::Github),
            Instagram => social("Instagram", "instagram", Network::Instagram),
            Facebook => social("Facebook", "facebook", Network::Facebook),
            Skype => social("Skype", "skype", Network::Skype),
            Telegram => social("Telegram", "telegram", Network::Telegram),
            Google => social("Google", "google", Network::Google),
            Pinterest => social("Pinterest", "pinterest", Network::Pinterest),
            Flickr => social("Flickr", "flickr", Network::Flickr),
            Vimeo => social("Vimeo", "vimeo", Network::Vimeo),
            Tumblr => social("Tumblr", "tumblr", Network::Tumblr),
            Blogger => social("Blogger", "blogger", Network::Blogger),
            OnHelpDeskMsg => notification("OnHelpDeskMsg", "on_help_desk_msg"),
            OnNewWallPost => notification("OnNewWallPost", "on_new_wall_post"),
            OnNewBlogComment => notification("OnNewBlogComment", "on_new_blog_comment"),
            OnNewEventComment => notification("OnNewEventComment", "on_new_event_comment"),
            ReceiveCommunityDigest => notification("ReceiveCommunityDigest", "receive_community_digest"),
            SignUpToNewsletter => notification("SignUpToNewsletter", "sign_up_to_newsletter"),
            IsMember => Spec::new("IsMember", "is_member", Profile, Access, Rule::Flag)
                .staff_only()
                .note(IS_MEMBER_NOTE),
            AccessPincode => Spec::new("AccessPincode", "access_pincode", Profile, Access, text(20, single))
                .nullable()
                .staff_only()
                .note(ACCESS_PINCODE_NOTE),
            Custom1 => custom("Custom1", "custom1"),
            Custom2 => custom("Custom2", "custom2"),
            Custom3 => custom("Custom3", "custom3"),
            Custom4 => custom("Custom4", "custom4"),
            Custom5 => custom("Custom5", "custom5"),
            Custom6 => custom("Custom6", "custom6"),
            Custom7 => custom("Custom7", "custom7"),
            Custom8 => custom("Custom8", "custom8"),
            Custom9 => custom("Custom9", "custom9"),
            Custom10 => custom("Custom10", "custom10"),
            Custom11 => custom("Custom11", "custom11"),
            Custom12 => custom("Custom12", "custom12"),
            Custom13 => custom("Custom13", "custom13"),
            Custom14 => custom("Custom14", "custom14"),
            Custom15 => custom("Custom15", "custom15"),
            Custom16 => custom("Custom16", "custom16"),
            Custom17 => custom("Custom17", "custom17"),
            Custom18 => custom("Custom18", "custom18"),
            Custom19 => custom("Custom19", "custom19"),
            Custom20 => custom("Custom20", "custom20"),
            Custom21 => custom("Custom21", "custom21"),
            Custom22 => custom("Custom22", "custom22"),
            Custom23 => custom("Custom23", "custom23"),
            Custom24 => custom("Custom24", "custom24"),
            Custom25 => custom("Custom25", "custom25"),
            Custom26 => custom("Custom26", "custom26"),
            Custom27 => custom("Custom27", "custom27"),
            Custom28 => custom("Custom28", "custom28"),
            Custom29 => custom("Custom29", "custom29"),
            Custom30 => custom("Custom30", "custom30"),
        }
    }

    /// Where the portal edits the property (its declaration says).
    pub fn section(self) -> Section {
        self.spec().section
    }

    pub fn property(self) -> &'static str {
        self.spec().property
    }

    pub fn from_property(name: &str) -> Option<Field> {
        Field::iter().find(|f| f.property() == name)
    }

    pub fn kind(self) -> Kind {
        match self.spec().rule {
            Rule::Flag => Kind::Bool,
            Rule::Country => Kind::Int,
            Rule::BirthDate => Kind::Date,
            _ => Kind::Text,
        }
    }

    /// Whether the field is stored on the profile row (and read from it).
    pub fn on_profile(self) -> bool {
        matches!(self.spec().owner, Owner::Profile | Owner::ProfileAndUser)
    }

    /// Whether changing the field writes the user row.
    pub fn on_user(self) -> bool {
        matches!(self.spec().owner, Owner::User | Owner::ProfileAndUser)
    }

    /// The longest stored value, in characters.
    pub fn max_chars(self) -> usize {
        match self.spec().rule {
            Rule::Text { max, .. } => max,
            Rule::Email => MAX_EMAIL_CHARS,
            Rule::Website => MAX_URL_CHARS,
            Rule::Phone => MAX_PHONE_CHARS,
            Rule::TaxId => MAX_TAX_ID_CHARS,
            Rule::Tags => MAX_TAGS * (MAX_TAG_CHARS + 2),
            Rule::Social(_) => MAX_SOCIAL_CHARS + 40,
            Rule::BirthDate => 10,
            Rule::Gender => 12,
            Rule::Country => 20,
            Rule::Flag => 5,
            Rule::Custom => super::custom::MAX_LONG_TEXT_CHARS,
        }
    }

    /// The slot (1 to 30) of a custom field (`Custom7` is 7); `None` for every other field.
    pub fn custom_slot(self) -> Option<u8> {
        let offset = self.index().checked_sub(Field::Custom1.index())?;
        u8::try_from(offset + 1).ok()
    }

    /// The custom field of a slot (1 to 30).
    pub fn custom(slot: u8) -> Option<Field> {
        let slot = usize::from(slot).checked_sub(1).filter(|s| *s < super::custom::SLOTS)?;
        Field::iter().nth(Field::Custom1.index() + slot)
    }
}

/// Read-only properties of the editing representation: sent back unchanged they are
/// accepted, changed they are refused (`read_only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter)]
pub enum ReadOnly {
    Id,
    UniqueId,
    Email,
    CoworkerType,
    ProfileTagsList,
    CountryName,
    BillingCountryName,
    CreatedOn,
    UpdatedOn,
    IsContact,
    Active,
    HomeSpaceId,
    InvoicingBusinessId,
    InvoicingSpaceName,
    GuessedFirstName,
    GuessedLastName,
}

impl ReadOnly {
    pub fn property(self) -> &'static str {
        match self {
            ReadOnly::Id => "Id",
            ReadOnly::UniqueId => "UniqueId",
            ReadOnly::Email => "Email",
            ReadOnly::CoworkerType => "CoworkerType",
            ReadOnly::ProfileTagsList => "ProfileTagsList",
            ReadOnly::CountryName => "CountryName",
            ReadOnly::BillingCountryName => "BillingCountryName",
            ReadOnly::CreatedOn => "CreatedOn",
            ReadOnly::UpdatedOn => "UpdatedOn",
            ReadOnly::IsContact => "IsContact",
            ReadOnly::Active => "Active",
            ReadOnly::HomeSpaceId => "HomeSpaceId",
            ReadOnly::InvoicingBusinessId => "InvoicingBusinessId",
            ReadOnly::InvoicingSpaceName => "InvoicingSpaceName",
            ReadOnly::GuessedFirstName => "GuessedFirstName",
            ReadOnly::GuessedLastName => "GuessedLastName",
        }
    }

    /// The properties of the Nexudus customer record that are derived from the profile, its
    /// user and its location, in the order the representation shows them (after the fields).
    pub fn record() -> impl Iterator<Item = ReadOnly> {
        ReadOnly::iter().skip_while(|r| *r != ReadOnly::IsContact)
    }

    /// How a property of [`ReadOnly::record`] is stored in JSON.
    pub fn kind(self) -> Kind {
        match self {
            ReadOnly::IsContact | ReadOnly::Active => Kind::Bool,
            ReadOnly::Id | ReadOnly::CoworkerType | ReadOnly::HomeSpaceId | ReadOnly::InvoicingBusinessId => {
                Kind::Int
            }
            _ => Kind::Text,
        }
    }

    pub fn all() -> impl Iterator<Item = ReadOnly> {
        ReadOnly::iter()
    }

    pub fn from_property(name: &str) -> Option<ReadOnly> {
        ReadOnly::iter().find(|r| r.property() == name)
    }
}

/// The password properties of a PATCH (docs/API.md, "Changing the password"), each under its name and aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter)]
pub enum Credential {
    Current,
    New,
    Repeat,
}

impl Credential {
    pub fn property(self) -> &'static str {
        self.names()[0]
    }

    /// The property name first, then the aliases accepted for it.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Credential::Current => &["OldPassword", "CurrentPassword"],
            Credential::New => &["NewPassword"],
            Credential::Repeat => &["RepeatNewPassword", "ConfirmPassword", "NewPasswordConfirm"],
        }
    }

    pub fn all() -> impl Iterator<Item = Credential> {
        Credential::iter()
    }

    pub fn from_property(name: &str) -> Option<Credential> {
        Credential::iter().find(|c| c.names().contains(&name))
    }
}

/// Properties of the Nexudus customer record that only the space's staff may change.
pub const STAFF_ONLY: &[&str] = &[
    "APIAccess",
    "Archived",
    "Balance",
    "Businesses",
    "CanMakeBookings",
    "CancellationDate",
    "CardNumber",
    "CheckedIn",
    "Credit",
    "Credits",
    "DiscountCode",
    "DoNotProcessInvoicesAutomatically",
    "GeneralTermsAccepted",
    "IsAdmin",
    "IsPaidForCustomer",
    "MustResetPassword",
    "NextTariffId",
    "Password",
    "PasswordHash",
    "PrintingCredit",
    "ReferenceNumber",
    "RegistrationDate",
    "TariffId",
    "UserRoles",
    "Validated",
];

/// Properties of the Nexudus customer record that Portico neither holds nor guards: an
/// echoed Nexudus object carries them, so a PATCH accepts and ignores them (and names them
/// in the `Portico-Ignored` header) instead of refusing the whole save.
pub const TOLERATED: &[&str] = &[
    "AbsoluteCancellationDate",
    "AddressForInvoice",
    "AgeInDays",
    "AvatarUrl",
    "BannerUrl",
    "CityForInvoice",
    "CreateUser",
    "DeleteAvatar",
    "DeleteBanner",
    "EmailForInvoice",
    "FullNameForInvoice",
    "GuessedFirstNameForInvoice",
    "GuessedLastNameForInvoice",
    "HasBanner",
    "HasContactDetails",
    "IdString",
    "IsNew",
    "IsNull",
    "PostCodeForInvoice",
    "ProfileTagsSpaces",
    "ProfileUrl",
    "RefererGuid",
    "SimpleTimeZoneId",
    "StateForInvoice",
    "SystemId",
    "ToStringText",
    "UpdateBillingDetails",
    "UpdateSocialNetworks",
    "UpdatedBy",
    "Url",
    "UtcCancellationDate",
    "UtcDateOfBirth",
    "UtcNextInvoice",
    "UtcRegistrationDate",
];

/// Every property name a client may send: editable, read-only and password properties
/// (not the staff-only ones), for "did you mean …?" suggestions.
pub fn writable_or_known_names() -> impl Iterator<Item = &'static str> {
    Field::iter()
        .map(Field::property)
        .chain(Credential::iter().map(Credential::property))
        .chain(ReadOnly::iter().map(ReadOnly::property))
}

/// An upper bound of the size of the editing representation in JSON: every text at its
/// longest, in the widest UTF-8 (four bytes a character; the escapes JSON needs for the
/// characters a value may hold are shorter), plus the read-only and derived properties.
pub fn largest_representation_bytes() -> usize {
    const FIXED_PART: usize = 4 * 1024;
    let fields: usize = Field::iter().map(|f| f.property().len() + 6 + f.max_chars() * 4).sum();
    let tags_list = MAX_TAGS * (MAX_TAG_CHARS * 4 + 3);
    fields + tags_list + FIXED_PART
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_known_once() {
        let mut names: Vec<&str> = writable_or_known_names()
            .chain(Credential::iter().flat_map(|c| c.names().iter().copied()))
            .chain(STAFF_ONLY.iter().copied())
            .chain(TOLERATED.iter().copied())
            .collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before - names.len(), Credential::iter().count(), "only the credential names repeat");
        for field in Field::iter() {
            assert_eq!(Field::from_property(field.property()), Some(field));
        }
    }

    #[test]
    fn every_column_is_a_plain_identifier() {
        for field in Field::iter() {
            let column = field.spec().column;
            let plain = column.starts_with(|c: char| c.is_ascii_lowercase())
                && column.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            assert!(plain, "{column}");
        }
    }

    #[test]
    fn custom_fields_are_the_slots_one_to_thirty() {
        assert_eq!(Field::custom(1), Some(Field::Custom1));
        assert_eq!(Field::custom(30), Some(Field::Custom30));
        assert_eq!((Field::custom(0), Field::custom(31)), (None, None));
        for slot in 1..=30 {
            let field = Field::custom(slot).expect("a slot");
            assert_eq!(field.custom_slot(), Some(slot));
            assert_eq!(field.property(), format!("Custom{slot}"));
        }
        assert_eq!(Field::AccessPincode.custom_slot(), None);
        assert_eq!(Field::FullName.custom_slot(), None);
    }

    #[test]
    fn the_largest_representation_is_bounded_by_its_longest_texts() {
        let bytes = largest_representation_bytes();
        assert!(bytes > 20_000 * 4, "the summary alone may take 80 000 bytes");
        assert!(bytes < 256 * 1024, "{bytes}");
    }
}

/// The API reference's table of properties (docs/API.md, "Properties and rules"): one row
/// per property, properties whose type, nullability and rule read alike sharing a row.
pub fn reference_table() -> String {
    let mut rows: Vec<(Vec<&str>, String, &str, String)> = Vec::new();
    for field in Field::iter() {
        let spec = field.spec();
        let kind = match field.kind() {
            Kind::Int => "number",
            Kind::Bool => "boolean",
            Kind::Text | Kind::Date => "string",
        };
        let kind = if spec.nullable { format!("{kind} \\| null") } else { kind.to_string() };
        let nullable = if spec.nullable { "yes" } else { "no" };
        let rule = match (spec.rule.reference(), spec.note) {
            (rule, None) => rule,
            (rule, Some(note)) if rule.is_empty() => note.to_string(),
            (rule, Some(note)) => format!("{note}; {rule}"),
        };
        match rows.iter_mut().find(|row| row.1 == kind && row.2 == nullable && row.3 == rule) {
            Some(row) => row.0.push(spec.property),
            None => rows.push((vec![spec.property], kind, nullable, rule)),
        }
    }
    let mut table =
        String::from("| Property | Type | Null clears | Rule (error code) |\n|---|---|---|---|\n");
    for (properties, kind, nullable, rule) in rows {
        let names: Vec<String> = properties.iter().map(|p| format!("`{p}`")).collect();
        table.push_str(&format!("| {} | {kind} | {nullable} | {rule} |\n", names.join(", ")));
    }
    table
}

/// The API reference's table is the catalogue's; after a change to the catalogue,
/// `PORTICO_WRITE_DOCS=1 cargo test --lib reference` writes it again.
#[cfg(test)]
mod reference {
    use super::*;

    const START: &str = "<!-- The property table is generated from src/domain/catalogue.rs: \
        PORTICO_WRITE_DOCS=1 cargo test --lib reference -->\n";
    const END: &str = "<!-- end of the generated property table -->";

    #[test]
    fn the_api_reference_lists_every_property_as_the_catalogue_declares_it() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/API.md");
        let reference = std::fs::read_to_string(path).expect("docs/API.md");
        let start = reference.find(START).expect("the table's opening marker") + START.len();
        let end = reference.find(END).expect("the table's closing marker");
        let generated = reference_table();
        if std::env::var_os("PORTICO_WRITE_DOCS").is_some() {
            let written = format!("{}{generated}{}", &reference[..start], &reference[end..]);
            std::fs::write(path, written).expect("docs/API.md written");
            return;
        }
        assert!(
            reference[start..end] == generated,
            "docs/API.md's property table differs from the catalogue: run PORTICO_WRITE_DOCS=1 cargo test --lib reference"
        );
    }

    #[test]
    fn rows_merge_only_alike_properties_and_keep_catalogue_order() {
        let table = reference_table();
        let line = |property: &str| {
            table.lines().position(|l| l.contains(&format!("`{property}`"))).expect(property)
        };
        assert_eq!(line("MobilePhone"), line("LandLine"), "alike, one row");
        assert_eq!(line("CountryId"), line("BillingCountryId"), "alike though apart in the catalogue");
        assert!(line("FullName") < line("NickName") && line("NickName") < line("Telegram"));
        assert_ne!(line("Position"), line("CompanyName"), "one is nullable, the other not");
        for field in Field::iter() {
            assert_eq!(table.matches(&format!("`{}`", field.property())).count(), 1, "{field:?} once");
        }
    }
}
