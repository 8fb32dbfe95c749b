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

/// A property a member may change with the PATCH. The order is the order of the editing
/// representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, EnumCount)]
pub enum Field {
    FullName,
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
    OnHelpDeskMsg,
    OnNewWallPost,
    OnNewBlogComment,
    OnNewEventComment,
    ReceiveCommunityDigest,
    SignUpToNewsletter,
}

/// The part of the member's profile page a property is edited in (the Nexudus portal's
/// sections), in the page's order; the password has a section of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter)]
pub enum Section {
    Personal,
    Professional,
    Billing,
    Notifications,
}

/// Everything about one editable property.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The contract's property name.
    pub property: &'static str,
    /// The column, in the table of the `owner`.
    pub column: &'static str,
    pub owner: Owner,
    pub nullable: bool,
    /// Shown in the member directory (contract section 7).
    pub public: bool,
    pub rule: Rule,
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
    Text { max: usize, lines: Lines, required: bool },
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

    /// The catalogue, one entry per field: read once, by [`Field::spec`].
    fn declaration(self) -> Spec {
        use Field::*;
        use Owner::{Profile, ProfileAndUser, User};
        let text = |max, lines| Rule::Text { max, lines, required: false };
        let spec = |property, column, owner, nullable, public, rule| Spec {
            property,
            column,
            owner,
            nullable,
            public,
            rule,
        };
        let single = Lines::Single;
        let multi = Lines::Multi;
        match self {
            FullName => spec(
                "FullName",
                "full_name",
                ProfileAndUser,
                false,
                true,
                Rule::Text { max: 200, lines: single, required: true },
            ),
            NickName => spec("NickName", "nick_name", Profile, true, false, text(100, single)),
            Gender => spec("Gender", "gender", Profile, false, false, Rule::Gender),
            DateOfBirth => spec("DateOfBirth", "date_of_birth", Profile, true, false, Rule::BirthDate),
            MobilePhone => spec("MobilePhone", "mobile_phone", Profile, true, false, Rule::Phone),
            LandLine => spec("LandLine", "land_line", Profile, true, false, Rule::Phone),
            Address => spec("Address", "address", Profile, false, false, text(500, multi)),
            PostCode => spec("PostCode", "post_code", Profile, false, false, text(30, single)),
            CityName => spec("CityName", "city_name", Profile, false, false, text(100, single)),
            State => spec("State", "state", Profile, false, false, text(100, single)),
            CountryId => spec("CountryId", "country_id", Profile, false, false, Rule::Country),
            BillingName => spec("BillingName", "billing_name", Profile, false, false, text(200, single)),
            BillingEmail => spec("BillingEmail", "billing_email", Profile, false, false, Rule::Email),
            BillingAddress => {
                spec("BillingAddress", "billing_address", Profile, true, false, text(500, multi))
            }
            BillingPostCode => {
                spec("BillingPostCode", "billing_post_code", Profile, true, false, text(30, single))
            }
            BillingCityName => {
                spec("BillingCityName", "billing_city_name", Profile, true, false, text(100, single))
            }
            BillingState => spec("BillingState", "billing_state", Profile, true, false, text(100, single)),
            BillingCountryId => {
                spec("BillingCountryId", "billing_country_id", Profile, false, false, Rule::Country)
            }
            TaxIdNumber => spec("TaxIDNumber", "tax_id_number", Profile, false, false, Rule::TaxId),
            Position => spec("Position", "position", Profile, true, true, text(200, single)),
            CompanyName => spec("CompanyName", "company_name", Profile, false, true, text(200, single)),
            BusinessArea => spec("BusinessArea", "business_area", Profile, true, true, text(200, single)),
            ProfileSummary => {
                spec("ProfileSummary", "profile_summary", Profile, true, true, text(20_000, multi))
            }
            ProfileWebsite => spec("ProfileWebsite", "profile_website", Profile, true, true, Rule::Website),
            ProfileIsPublic => {
                spec("ProfileIsPublic", "profile_is_public", Profile, false, false, Rule::Flag)
            }
            ProfileTags => spec("ProfileTags", "profile_tags", Profile, true, true, Rule::Tags),
            Twitter => spec("Twitter", "twitter", Profile, true, true, Rule::Social(Network::Twitter)),
            Linkedin => spec("Linkedin", "linkedin", Profile, true, true, Rule::Social(Network::Linkedin)),
            Github => spec("Github", "github", Profile, true, true, Rule::Social(Network::Github)),
            Instagram => {
                spec("Instagram", "instagram", Profile, true, true, Rule::Social(Network::Instagram))
            }
            Facebook => spec("Facebook", "facebook", Profile, true, true, Rule::Social(Network::Facebook)),
            Skype => spec("Skype", "skype", Profile, true, true, Rule::Social(Network::Skype)),
            Telegram => spec("Telegram", "telegram", Profile, true, true, Rule::Social(Network::Telegram)),
            OnHelpDeskMsg => spec("OnHelpDeskMsg", "on_help_desk_msg", User, false, false, Rule::Flag),
            OnNewWallPost => spec("OnNewWallPost", "on_new_wall_post", User, false, false, Rule::Flag),
            OnNewBlogComment => {
                spec("OnNewBlogComment", "on_new_blog_comment", User, false, false, Rule::Flag)
            }
            OnNewEventComment => {
                spec("OnNewEventComment", "on_new_event_comment", User, false, false, Rule::Flag)
            }
            ReceiveCommunityDigest => {
                spec("ReceiveCommunityDigest", "receive_community_digest", User, false, false, Rule::Flag)
            }
            SignUpToNewsletter => {
                spec("SignUpToNewsletter", "sign_up_to_newsletter", User, false, false, Rule::Flag)
            }
        }
    }

    /// The contract's property name.
    /// Where the portal edits the property: the catalogue's order groups them.
    pub fn section(self) -> Section {
        if self <= Field::CountryId {
            Section::Personal
        } else if self <= Field::TaxIdNumber {
            Section::Billing
        } else if self <= Field::Telegram {
            Section::Professional
        } else {
            Section::Notifications
        }
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
        }
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
        }
    }

    pub fn all() -> impl Iterator<Item = ReadOnly> {
        ReadOnly::iter()
    }

    pub fn from_property(name: &str) -> Option<ReadOnly> {
        ReadOnly::iter().find(|r| r.property() == name)
    }
}

/// The password properties of a PATCH (contract 3.6), each under its name and aliases.
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
    "AccessPincode",
    "Active",
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
    "HomeSpaceId",
    "InvoicingBusinessId",
    "IsAdmin",
    "IsContact",
    "IsMember",
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

/// The custom fields of the Nexudus customer record (`Custom1` … `Custom30`), staff-only.
pub fn is_custom_field(name: &str) -> bool {
    name.strip_prefix("Custom").and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (1..=30).contains(&n))
}

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
            assert!(column.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{column}");
        }
    }

    #[test]
    fn custom_fields_are_one_to_thirty() {
        assert!(is_custom_field("Custom1") && is_custom_field("Custom30"));
        assert!(!is_custom_field("Custom0") && !is_custom_field("Custom31") && !is_custom_field("Customer"));
    }

    #[test]
    fn the_largest_representation_is_bounded_by_its_longest_texts() {
        let bytes = largest_representation_bytes();
        assert!(bytes > 20_000 * 4, "the summary alone may take 80 000 bytes");
        assert!(bytes < 128 * 1024, "{bytes}");
    }
}

/// The API reference lists the properties by hand; this keeps it honest.
#[cfg(test)]
mod reference {
    use super::*;

    /// `(property, null clears)` of every row of docs/API.md's property table.
    fn documented() -> Vec<(String, bool)> {
        let reference = include_str!("../../docs/API.md");
        let table = reference.split("### Properties and rules").nth(1).expect("the property table");
        let mut properties = Vec::new();
        for line in table.lines().skip_while(|l| !l.starts_with("| `")).take_while(|l| l.starts_with('|')) {
            let line = line.replace("\\|", "or");
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let nullable = cells.get(3).is_some_and(|c| *c == "yes");
            for name in cells[1].split('`').skip(1).step_by(2) {
                properties.push((name.to_string(), nullable));
            }
        }
        properties
    }

    #[test]
    fn the_api_reference_lists_every_property_as_the_catalogue_declares_it() {
        let mut documented = documented();
        documented.sort();
        let mut declared: Vec<(String, bool)> =
            Field::iter().map(|f| (f.property().to_string(), f.spec().nullable)).collect();
        declared.sort();
        assert_eq!(documented, declared);
    }
}
