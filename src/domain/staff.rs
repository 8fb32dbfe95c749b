//! The space's staff: who may do what to which location's members. Plain rules, read by
//! the admin API, the staff pages and the CLI alike.

/// What a staff user or an integration key may do at one location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Front desk: find, read, edit, add and invite, suspend and reactivate.
    Desk,
    /// Everything the desk does, and erase, export, reset two-step sign-in, read the audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Desk => "desk",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_lowercase().as_str() {
            "desk" => Some(Role::Desk),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// Something staff do to a member, each allowed from a least role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    Read,
    Edit,
    Add,
    Suspend,
    Invite,
    RequireNewPassword,
    ResetTwoFactor,
    Export,
    Erase,
    ReadAudit,
    ReadOutbox,
    /// Suspending, erasing or otherwise acting on the person of another staff member.
    ActOnStaff,
}

impl StaffAction {
    pub fn least_role(self) -> Role {
        match self {
            StaffAction::Read
            | StaffAction::Edit
            | StaffAction::Add
            | StaffAction::Suspend
            | StaffAction::Invite
            | StaffAction::RequireNewPassword => Role::Desk,
            StaffAction::ResetTwoFactor
            | StaffAction::Export
            | StaffAction::Erase
            | StaffAction::ReadAudit
            | StaffAction::ReadOutbox
            | StaffAction::ActOnStaff => Role::Admin,
        }
    }
}

/// A role at one location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub location_id: i64,
    pub role: Role,
}

/// Who acts as staff: a signed-in staff user, or an integration's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User { user_id: i64 },
    Key { key_id: i64, name: String },
}

/// A staff member (or key) with their grants, as one request sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub actor: Actor,
    pub grants: Vec<Grant>,
}

impl Staff {
    /// May `action` be done to what belongs to `location_id`?
    pub fn may(&self, action: StaffAction, location_id: i64) -> bool {
        self.role_at(location_id).is_some_and(|role| role >= action.least_role())
    }

    pub fn role_at(&self, location_id: i64) -> Option<Role> {
        self.grants.iter().find(|g| g.location_id == location_id).map(|g| g.role)
    }

    /// May `action` be done to a member all of whose profiles are at `locations`? What
    /// changes the person (suspension, erasure, their sign-in) reaches every location they
    /// belong to, so staff need the role at each.
    pub fn may_for_all(&self, action: StaffAction, locations: &[i64]) -> bool {
        !locations.is_empty() && locations.iter().all(|&id| self.may(action, id))
    }

    /// The locations where `action` is allowed.
    pub fn locations_for(&self, action: StaffAction) -> Vec<i64> {
        self.grants.iter().filter(|g| g.role >= action.least_role()).map(|g| g.location_id).collect()
    }

    pub fn user_id(&self) -> Option<i64> {
        match self.actor {
            Actor::User { user_id } => Some(user_id),
            Actor::Key { .. } => None,
        }
    }

    pub fn key_name(&self) -> Option<&str> {
        match &self.actor {
            Actor::Key { name, .. } => Some(name),
            Actor::User { .. } => None,
        }
    }
}

/// What a member list is sorted by (then by profile id, so pages never overlap).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MemberOrder {
    #[default]
    FullName,
    Email,
    CompanyName,
    CreatedOn,
    UpdatedOn,
    Id,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(grants: &[(i64, Role)]) -> Staff {
        Staff {
            actor: Actor::User { user_id: 1 },
            grants: grants.iter().map(|&(location_id, role)| Grant { location_id, role }).collect(),
        }
    }

    #[test]
    fn the_desk_edits_and_suspends_but_never_erases_or_exports() {
        let desk = staff(&[(1, Role::Desk)]);
        for action in [
            StaffAction::Read,
            StaffAction::Edit,
            StaffAction::Add,
            StaffAction::Suspend,
            StaffAction::Invite,
        ] {
            assert!(desk.may(action, 1), "{action:?}");
            assert!(!desk.may(action, 2), "{action:?} elsewhere");
        }
        for action in
            [StaffAction::Erase, StaffAction::Export, StaffAction::ResetTwoFactor, StaffAction::ReadAudit]
        {
            assert!(!desk.may(action, 1), "{action:?}");
        }
        let admin = staff(&[(1, Role::Admin)]);
        assert!(admin.may(StaffAction::Erase, 1));
        assert!(!admin.may(StaffAction::Read, 2));
    }

    #[test]
    fn a_person_at_several_locations_needs_the_role_at_each() {
        let two = staff(&[(1, Role::Admin), (2, Role::Desk)]);
        assert!(two.may_for_all(StaffAction::Suspend, &[1, 2]));
        assert!(!two.may_for_all(StaffAction::Erase, &[1, 2]));
        assert!(two.may_for_all(StaffAction::Erase, &[1]));
        assert!(!two.may_for_all(StaffAction::Read, &[1, 3]));
        assert!(!two.may_for_all(StaffAction::Read, &[]));
        assert_eq!(two.locations_for(StaffAction::Erase), vec![1]);
        assert_eq!(two.locations_for(StaffAction::Read), vec![1, 2]);
    }

    #[test]
    fn roles_read_as_typed() {
        assert_eq!(Role::parse(" Admin "), Some(Role::Admin));
        assert_eq!(Role::parse("desk"), Some(Role::Desk));
        assert_eq!(Role::parse("owner"), None);
        assert_eq!(Role::Desk.as_str(), "desk");
    }
}
