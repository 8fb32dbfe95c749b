//! What the audit log records: security-relevant events, never a password.

use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    SignIn,
    SignInFailed,
    LockedOut,
    PasswordChanged,
    PasswordChangeFailed,
    SessionRevoked,
    SessionsRevoked,
    RefreshTokenReused,
    PasswordSetByOperator,
    PasswordReset,
    InvitationAccepted,
    EmailChangeRequested,
    EmailChanged,
    EmailChangeReverted,
    PasswordResetRequired,
    TwoFactorEnrolmentStarted,
    TwoFactorEnabled,
    TwoFactorDisabled,
    TwoFactorResetByOperator,
    MemberSuspended,
    MemberReactivated,
    MemberErased,
    MemberAdded,
    MemberEdited,
    MemberExported,
    InvitationSent,
    StaffGranted,
    StaffRevoked,
    StaffKeyCreated,
    StaffKeyRemoved,
    /// A member's message to another relayed through the directory (never its words).
    ContactRelayed,
}

impl AuditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::SignIn => "sign_in",
            AuditKind::SignInFailed => "sign_in_failed",
            AuditKind::LockedOut => "locked_out",
            AuditKind::PasswordChanged => "password_changed",
            AuditKind::PasswordChangeFailed => "password_change_failed",
            AuditKind::SessionRevoked => "session_revoked",
            AuditKind::SessionsRevoked => "sessions_revoked",
            AuditKind::RefreshTokenReused => "refresh_token_reused",
            AuditKind::PasswordSetByOperator => "password_set_by_operator",
            AuditKind::PasswordReset => "password_reset",
            AuditKind::InvitationAccepted => "invitation_accepted",
            AuditKind::EmailChangeRequested => "email_change_requested",
            AuditKind::EmailChanged => "email_changed",
            AuditKind::EmailChangeReverted => "email_change_reverted",
            AuditKind::PasswordResetRequired => "password_reset_required",
            AuditKind::TwoFactorEnrolmentStarted => "two_factor_enrolment_started",
            AuditKind::TwoFactorEnabled => "two_factor_enabled",
            AuditKind::TwoFactorDisabled => "two_factor_disabled",
            AuditKind::TwoFactorResetByOperator => "two_factor_reset_by_operator",
            AuditKind::MemberSuspended => "member_suspended",
            AuditKind::MemberReactivated => "member_reactivated",
            AuditKind::MemberErased => "member_erased",
            AuditKind::MemberAdded => "member_added",
            AuditKind::MemberEdited => "member_edited",
            AuditKind::MemberExported => "member_exported",
            AuditKind::InvitationSent => "invitation_sent",
            AuditKind::StaffGranted => "staff_granted",
            AuditKind::StaffRevoked => "staff_revoked",
            AuditKind::StaffKeyCreated => "staff_key_created",
            AuditKind::StaffKeyRemoved => "staff_key_removed",
            AuditKind::ContactRelayed => "contact_relayed",
        }
    }
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub at: OffsetDateTime,
    pub kind: AuditKind,
    pub user_id: Option<i64>,
    /// The e-mail key when the address belongs to a member, otherwise its digest
    /// (`fields::email_digest`): what was typed as a user name is never stored in clear.
    pub email_key: Option<String>,
    pub source: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<String>,
    /// Who did it when it was not the user themselves: a staff user, or an integration key
    /// by name; the location whose staff acted.
    pub actor: Option<AuditActor>,
}

/// The staff side of an event: who acted, and at which location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditActor {
    pub user_id: Option<i64>,
    pub key_name: Option<String>,
    pub location_id: Option<i64>,
}

impl AuditEvent {
    /// The lockout that this failure started, recorded beside it.
    pub fn locked_out(&self) -> AuditEvent {
        AuditEvent { kind: AuditKind::LockedOut, detail: None, ..self.clone() }
    }
}

/// An event as read back from the log (the kind as stored text).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub at: OffsetDateTime,
    pub event: String,
    pub user_id: Option<i64>,
    pub source: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<String>,
    pub actor: Option<AuditActor>,
}
