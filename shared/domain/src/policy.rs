//! The permission matrix of PRD section 3.2, row by row, and the decision every use case asks
//! for before it reads or writes.
//!
//! A cell says what a role may do with a feature: `Yes` (anywhere its scope reaches), `No`,
//! `Own` (only its own tenant's or its own items), `Request` (may ask; someone else grants),
//! `Scoped` (only within scopes granted to it), `Optional` (off unless the tenant turns it on).

use serde::{Deserialize, Serialize};

use crate::identity::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Cell {
    Yes,
    No,
    Own,
    Request,
    Scoped,
    Optional,
}

macro_rules! permissions {
    ($( $group:literal { $( $variant:ident = $label:literal : [$sa:ident, $st:ident, $pa:ident, $ps:ident, $cl:ident] ),+ $(,)? } )+) => {
        /// Every row of the matrix (also rows whose modules come later).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Permission {
            $( $( $variant, )+ )+
        }

        /// (group, row label, permission, cells for Super Admin, Staff, Partner, Partner Staff, Client)
        pub const MATRIX: &[(&str, &str, Permission, [Cell; 5])] = &[
            $( $( ($group, $label, Permission::$variant, [Cell::$sa, Cell::$st, Cell::$pa, Cell::$ps, Cell::$cl]), )+ )+
        ];
    };
}

permissions! {
    "Tenant Management" {
        ViewAllTenants = "View all tenants": [Yes, No, No, No, No],
        ManageSystemSettings = "Manage system settings": [Yes, No, No, No, No],
    }
    "User Management" {
        ManageStaff = "Manage staff": [Yes, No, No, No, No],
        ManagePartners = "Manage partners": [Yes, Yes, No, No, No],
        ManagePartnerClients = "Manage partner's clients": [Yes, Yes, Yes, Yes, No],
    }
    "Branding" {
        ConfigureBranding = "Configure branding": [Yes, No, Yes, No, No],
        CustomDomainSetup = "Custom domain setup": [Yes, No, Request, No, No],
    }
    "Tickets" {
        SubmitTickets = "Submit tickets": [Yes, Yes, Yes, Yes, Yes],
        ViewOwnTickets = "View own tickets": [Yes, Yes, Yes, Yes, Yes],
        ViewQueuePosition = "View queue position": [Yes, Yes, Yes, Yes, Yes],
        ManageAllTickets = "Manage all tickets": [Yes, Yes, No, No, No],
        ManageTenantTickets = "Manage tenant tickets": [Yes, Yes, Yes, Yes, No],
    }
    "Invoicing" {
        CreateInvoices = "Create invoices": [Yes, Yes, Yes, No, No],
        ViewOwnInvoices = "View own invoices": [Yes, No, Yes, No, Yes],
        ConfigurePaymentTerms = "Configure payment terms": [Yes, No, No, No, No],
    }
    "Contracts" {
        CreateContracts = "Create contracts/proposals": [Yes, Yes, Yes, No, No],
        SignContracts = "Sign contracts": [Yes, Yes, Yes, Yes, Yes],
    }
    "Knowledge Base" {
        ManageKbSystem = "Manage KB (system)": [Yes, Yes, No, No, No],
        ManageKbTenant = "Manage KB (own tenant)": [Yes, Yes, Yes, No, No],
        ViewKb = "View KB": [Yes, Yes, Yes, Yes, Yes],
    }
    "Forms" {
        EditForms = "Create/edit forms": [Yes, Yes, No, No, No],
        SubmitForms = "Submit forms": [Yes, Yes, Yes, Yes, Yes],
        ViewSubmissions = "View submissions": [Yes, Yes, Own, No, No],
    }
    "Communication" {
        LiveChatAgent = "Live chat (agent)": [Yes, Yes, Yes, Yes, No],
        LiveChatClient = "Live chat (client)": [No, No, No, No, Yes],
        DirectMessaging = "Direct messaging": [Yes, Yes, Yes, Yes, Yes],
    }
    "Time Tracking" {
        LogTime = "Log time": [Yes, Yes, No, No, No],
        ViewTimeReports = "View time reports": [Yes, Yes, No, No, No],
    }
    "Reporting" {
        ViewAllReports = "View all reports": [Yes, Yes, No, No, No],
        ViewTenantReports = "View tenant reports": [Yes, Yes, Yes, No, No],
        PartnerVolumeTracking = "Partner volume tracking": [Yes, Yes, Own, No, No],
    }
    "API Access" {
        FullApi = "Full API": [Yes, Scoped, No, No, No],
        TenantScopedApi = "Tenant-scoped API": [Yes, Yes, Yes, No, No],
        ReadOnlyApi = "Read-only API": [Yes, Yes, Yes, Yes, Optional],
    }
}

/// The cell of the matrix for `role` and `permission`.
pub fn cell(role: Role, permission: Permission) -> Cell {
    MATRIX.iter().find(|(_, _, p, _)| *p == permission).map(|(_, _, _, cells)| cells[role.column()]).unwrap_or(Cell::No)
}

/// Who is acting: a signed-in user or an API key acting for one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user: crate::identity::UserId,
    pub tenant: crate::identity::TenantId,
    pub role: Role,
    /// Organizations a client belongs to (empty for other roles).
    pub orgs: Vec<crate::identity::OrgId>,
    /// Permissions an API key was limited to; `None` for a person (the role decides alone).
    pub scopes: Option<Vec<Permission>>,
    /// Whether the tenant turned on the matrix's optional cells (e.g. read-only API for clients).
    pub optional_enabled: bool,
    /// Limited to the actor's own tenant even for house staff (tenant-scoped and read-only keys).
    #[serde(default)]
    pub tenant_bound: bool,
}

/// What a use case is about to read or write: whose it is.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub tenant: &'a crate::identity::TenantId,
    pub org: Option<&'a crate::identity::OrgId>,
    pub owner: Option<&'a crate::identity::UserId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The actor may not see the resource at all: answer as if it did not exist.
    NotFound,
    /// The actor sees the resource but may not do this to it.
    Forbidden,
}

/// Can `actor` see `resource` at all? House staff see every tenant; partners and partner
/// staff their own tenant; clients their own organizations' items and their own.
pub fn visible(actor: &Actor, resource: &Resource<'_>) -> bool {
    if actor.role.is_house_staff() && !actor.tenant_bound {
        return true;
    }
    if resource.tenant != &actor.tenant {
        return false;
    }
    match actor.role {
        Role::Client => resource.owner == Some(&actor.user) || resource.org.is_some_and(|o| actor.orgs.contains(o)),
        _ => true,
    }
}

/// The decision for `actor` doing `permission` on `resource`: out of sight is `NotFound`
/// (existence is never revealed), in sight but not allowed is `Forbidden`.
pub fn authorize(actor: &Actor, permission: Permission, resource: &Resource<'_>) -> Decision {
    if !visible(actor, resource) {
        return Decision::NotFound;
    }
    if let Some(scopes) = &actor.scopes
        && !scopes.contains(&permission)
    {
        return Decision::Forbidden;
    }
    match cell(actor.role, permission) {
        Cell::Yes | Cell::Own => Decision::Allow,
        // Scoped cells need an explicit grant: an API key's scopes naming the permission.
        Cell::Scoped if actor.scopes.as_ref().is_some_and(|s| s.contains(&permission)) => Decision::Allow,
        Cell::Optional if actor.optional_enabled => Decision::Allow,
        Cell::No | Cell::Request | Cell::Scoped | Cell::Optional => Decision::Forbidden,
    }
}

/// Whether the role may do `permission` at all (ignoring which resource): for menus and for
/// actions that create something new in the actor's own scope.
pub fn may(actor: &Actor, permission: Permission) -> bool {
    let resource = Resource { tenant: &actor.tenant, org: actor.orgs.first(), owner: Some(&actor.user) };
    authorize(actor, permission, &resource) == Decision::Allow
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{OrgId, TenantId, UserId};

    /// PRD section 3.2, copied verbatim: the matrix above must say exactly this.
    const PRD_MATRIX: &str = r#"
| Feature | Super Admin | Staff | Partner | Partner Staff | Client |
|---------|:-----------:|:-----:|:-------:|:-------------:|:------:|
| **Tenant Management** |
| View all tenants | ✓ | — | — | — | — |
| Manage system settings | ✓ | — | — | — | — |
| **User Management** |
| Manage staff | ✓ | — | — | — | — |
| Manage partners | ✓ | ✓ | — | — | — |
| Manage partner's clients | ✓ | ✓ | ✓ | ✓ | — |
| **Branding** |
| Configure branding | ✓ | — | ✓ | — | — |
| Custom domain setup | ✓ | — | Request | — | — |
| **Tickets** |
| Submit tickets | ✓ | ✓ | ✓ | ✓ | ✓ |
| View own tickets | ✓ | ✓ | ✓ | ✓ | ✓ |
| View queue position | ✓ | ✓ | ✓ | ✓ | ✓ |
| Manage all tickets | ✓ | ✓ | — | — | — |
| Manage tenant tickets | ✓ | ✓ | ✓ | ✓ | — |
| **Invoicing** |
| Create invoices | ✓ | ✓ | ✓ | — | — |
| View own invoices | ✓ | — | ✓ | — | ✓ |
| Configure payment terms | ✓ | — | — | — | — |
| **Contracts** |
| Create contracts/proposals | ✓ | ✓ | ✓ | — | — |
| Sign contracts | ✓ | ✓ | ✓ | ✓ | ✓ |
| **Knowledge Base** |
| Manage KB (system) | ✓ | ✓ | — | — | — |
| Manage KB (own tenant) | ✓ | ✓ | ✓ | — | — |
| View KB | ✓ | ✓ | ✓ | ✓ | ✓ |
| **Forms** |
| Create/edit forms | ✓ | ✓ | — | — | — |
| Submit forms | ✓ | ✓ | ✓ | ✓ | ✓ |
| View submissions | ✓ | ✓ | ✓ (own) | — | — |
| **Communication** |
| Live chat (agent) | ✓ | ✓ | ✓ | ✓ | — |
| Live chat (client) | — | — | — | — | ✓ |
| Direct messaging | ✓ | ✓ | ✓ | ✓ | ✓ |
| **Time Tracking** |
| Log time | ✓ | ✓ | — | — | — |
| View time reports | ✓ | ✓ | — | — | — |
| **Reporting** |
| View all reports | ✓ | ✓ | — | — | — |
| View tenant reports | ✓ | ✓ | ✓ | — | — |
| Partner volume tracking | ✓ | ✓ | ✓ (own) | — | — |
| **API Access** |
| Full API | ✓ | Scoped | — | — | — |
| Tenant-scoped API | ✓ | ✓ | ✓ | — | — |
| Read-only API | ✓ | ✓ | ✓ | ✓ | Optional |
"#;

    fn parse_cell(text: &str) -> Cell {
        match text {
            "✓" => Cell::Yes,
            "—" => Cell::No,
            "✓ (own)" => Cell::Own,
            "Request" => Cell::Request,
            "Scoped" => Cell::Scoped,
            "Optional" => Cell::Optional,
            other => panic!("unknown cell {other:?}"),
        }
    }

    #[test]
    fn every_cell_matches_the_prd() {
        let mut group = "";
        let mut rows = Vec::new();
        for line in PRD_MATRIX.lines().map(str::trim).filter(|l| l.starts_with('|')).skip(2) {
            let cols: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            if let Some(g) = cols[0].strip_prefix("**").and_then(|g| g.strip_suffix("**")) {
                group = g;
                continue;
            }
            let cells: Vec<Cell> = cols[1..].iter().map(|c| parse_cell(c)).collect();
            rows.push((group, cols[0], cells));
        }
        assert_eq!(rows.len(), MATRIX.len(), "one matrix row per PRD row");
        for ((group, label, cells), (m_group, m_label, _, m_cells)) in rows.iter().zip(MATRIX) {
            assert_eq!((*group, *label), (*m_group, *m_label));
            assert_eq!(cells.as_slice(), m_cells.as_slice(), "row {label:?}");
        }
    }

    fn actor(role: Role, tenant: &TenantId, orgs: Vec<OrgId>) -> Actor {
        Actor {
            user: UserId::new(ulid::Ulid::new()),
            tenant: tenant.clone(),
            role,
            orgs,
            scopes: None,
            optional_enabled: false,
            tenant_bound: false,
        }
    }

    #[test]
    fn isolation_comes_before_permission() {
        let (house, acme, other) =
            (TenantId::new(ulid::Ulid::new()), TenantId::new(ulid::Ulid::new()), TenantId::new(ulid::Ulid::new()));
        let (org_a, org_b) = (OrgId::new(ulid::Ulid::new()), OrgId::new(ulid::Ulid::new()));
        let in_acme = Resource { tenant: &acme, org: Some(&org_a), owner: None };
        let in_other_org = Resource { tenant: &acme, org: Some(&org_b), owner: None };

        assert_eq!(
            authorize(&actor(Role::Staff, &house, vec![]), Permission::ManageAllTickets, &in_acme),
            Decision::Allow
        );
        assert_eq!(
            authorize(&actor(Role::Partner, &acme, vec![]), Permission::ManageTenantTickets, &in_acme),
            Decision::Allow
        );
        assert_eq!(
            authorize(&actor(Role::Partner, &other, vec![]), Permission::ManageTenantTickets, &in_acme),
            Decision::NotFound
        );
        assert_eq!(
            authorize(&actor(Role::Partner, &acme, vec![]), Permission::ManageAllTickets, &in_acme),
            Decision::Forbidden
        );
        let client = actor(Role::Client, &acme, vec![org_a.clone()]);
        assert_eq!(authorize(&client, Permission::ViewOwnTickets, &in_acme), Decision::Allow);
        assert_eq!(authorize(&client, Permission::ViewOwnTickets, &in_other_org), Decision::NotFound);
        assert_eq!(authorize(&client, Permission::ManageTenantTickets, &in_acme), Decision::Forbidden);
        let own = Resource { tenant: &acme, org: None, owner: Some(&client.user) };
        assert_eq!(authorize(&client, Permission::ViewOwnInvoices, &own), Decision::Allow);
    }

    #[test]
    fn special_cells() {
        let acme = TenantId::new(ulid::Ulid::new());
        let mut client = actor(Role::Client, &acme, vec![]);
        assert!(!may(&client, Permission::ReadOnlyApi), "optional is off by default");
        client.optional_enabled = true;
        assert!(may(&client, Permission::ReadOnlyApi));
        assert!(!may(&actor(Role::Partner, &acme, vec![]), Permission::CustomDomainSetup), "partners request domains");
        let mut staff = actor(Role::Staff, &acme, vec![]);
        assert!(!may(&staff, Permission::FullApi), "scoped needs a grant");
        staff.scopes = Some(vec![Permission::FullApi]);
        assert!(may(&staff, Permission::FullApi));
        // A key's scopes also narrow what the role could otherwise do.
        assert!(!may(&staff, Permission::ManageAllTickets));
    }

    #[test]
    fn every_role_has_a_cell_for_every_permission() {
        for (_, _, permission, _) in MATRIX {
            for role in Role::ALL {
                let _ = cell(role, *permission);
            }
        }
        assert_eq!(MATRIX.len(), 34);
    }
}
