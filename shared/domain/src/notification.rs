//! The notification center (PRD 4.10): what each ticket event tells whom, and each person's
//! per-type settings. [`recipients`] is the one rule for who hears of an event; it never sends
//! an internal note to a client, and never notifies people of their own actions.

use serde::{Deserialize, Serialize};

use crate::identity::{Role, UserId};

pub mod preferences;
pub use preferences::{Channel, Decision, Delivery, Preferences, RoleDefaults, Setting};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Your ticket was filed (with its number and place in the queue).
    TicketReceived,
    /// A ticket was filed that you work on: yours when it is assigned to you, else your
    /// rule's or the house's, and a partner's people for their clients' tickets.
    TicketNew,
    /// A public reply on a ticket you filed, work on or watch.
    TicketReply,
    /// An internal note on a ticket you work on or watch (staff side only).
    TicketNote,
    /// Your ticket's status changed.
    TicketStatus,
    /// A ticket was assigned to you.
    TicketAssigned,
    /// A service level is about to be missed, or was.
    SlaAlert,
    /// Your ticket reached the top three of its queue.
    QueueNearFront,
    /// An invoice was sent to you (or voided).
    InvoiceIssued,
    /// An invoice of yours is due soon, overdue, or was charged a late fee.
    InvoiceReminder,
    /// A payment or refund on an invoice you pay (your receipt) or issued.
    InvoicePayment,
    /// An invoice you issued was opened or became overdue.
    InvoiceActivity,
    /// Someone mentioned you in a conversation.
    Mention,
    /// A new message in a direct or group conversation of yours.
    Message,
    /// An announcement for you (when its author sends it as a notification or email).
    Announcement,
    /// A service request came in that you review.
    ServiceRequestNew,
    /// A service request you asked for or review moved, or has a new comment.
    ServiceRequestUpdate,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::TicketReceived,
        Kind::TicketNew,
        Kind::TicketReply,
        Kind::TicketNote,
        Kind::TicketStatus,
        Kind::TicketAssigned,
        Kind::SlaAlert,
        Kind::QueueNearFront,
        Kind::InvoiceIssued,
        Kind::InvoiceReminder,
        Kind::InvoicePayment,
        Kind::InvoiceActivity,
        Kind::Mention,
        Kind::Message,
        Kind::Announcement,
        Kind::ServiceRequestNew,
        Kind::ServiceRequestUpdate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::TicketReceived => "ticket_received",
            Kind::TicketNew => "ticket_new",
            Kind::TicketReply => "ticket_reply",
            Kind::TicketNote => "ticket_note",
            Kind::TicketStatus => "ticket_status",
            Kind::TicketAssigned => "ticket_assigned",
            Kind::SlaAlert => "sla_alert",
            Kind::QueueNearFront => "queue_near_front",
            Kind::InvoiceIssued => "invoice_issued",
            Kind::InvoiceReminder => "invoice_reminder",
            Kind::InvoicePayment => "invoice_payment",
            Kind::InvoiceActivity => "invoice_activity",
            Kind::Mention => "mention",
            Kind::Message => "message",
            Kind::Announcement => "announcement",
            Kind::ServiceRequestNew => "service_request_new",
            Kind::ServiceRequestUpdate => "service_request_update",
        }
    }

    pub fn parse(raw: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// Whether a client can ever receive this kind (clients see no notes, SLAs or assignments).
    pub fn reaches_clients(self) -> bool {
        matches!(
            self,
            Kind::TicketReceived
                | Kind::TicketReply
                | Kind::TicketStatus
                | Kind::QueueNearFront
                | Kind::InvoiceIssued
                | Kind::InvoiceReminder
                | Kind::InvoicePayment
                | Kind::Mention
                | Kind::Message
                | Kind::Announcement
                | Kind::ServiceRequestUpdate
        )
    }
}

/// Who an event concerns, as the event carries it.
#[derive(Debug, Clone, Default)]
pub struct Parties {
    pub requester: Option<UserId>,
    pub assignee: Option<UserId>,
    pub watchers: Vec<UserId>,
    pub actor: Option<UserId>,
    /// Who works a new ticket when nobody is assigned yet: the agents of the assignment rules
    /// it matches, else every active house staff member; and the partner's people for their
    /// tenant's tickets.
    pub workers: Vec<UserId>,
}

/// What happened, as far as notifications care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happened {
    Created,
    Replied { internal: bool, from_client: bool },
    Changed { status: bool, assigned: bool },
    SlaAlarm,
    NearFront,
}

/// `(person, kind)` for everyone who should hear of `what`, without the person who did it
/// (except a filing's confirmation) and without duplicates. Internal notes go to the staff side only (assignee and watchers, who
/// are always staff, partners or partner staff), never to the requester.
pub fn recipients(what: &Happened, p: &Parties) -> Vec<(UserId, Kind)> {
    let mut out: Vec<(UserId, Kind)> = Vec::new();
    // The one exception to "not your own actions": the confirmation of a filed ticket, with
    // its number and place in the queue (the mail people keep).
    if let (Happened::Created, Some(r)) = (what, &p.requester) {
        out.push((r.clone(), Kind::TicketReceived));
    }
    let mut add = |u: &Option<UserId>, k: Kind| {
        if let Some(u) = u
            && Some(u) != p.actor.as_ref()
            && !out.iter().any(|(x, _)| x == u)
        {
            out.push((u.clone(), k));
        }
    };
    let staff_side = |add: &mut dyn FnMut(&Option<UserId>, Kind), k: Kind| {
        add(&p.assignee, k);
        for w in &p.watchers {
            add(&Some(w.clone()), k);
        }
    };
    match what {
        Happened::Created => {
            // The people who work it: its assignee when it has one (and the partner's people,
            // who are among the workers either way), else every worker.
            if p.assignee.is_some() {
                add(&p.assignee, Kind::TicketNew);
            }
            for w in &p.workers {
                add(&Some(w.clone()), Kind::TicketNew);
            }
        }
        Happened::Replied { internal: true, .. } => staff_side(&mut add, Kind::TicketNote),
        Happened::Replied { internal: false, from_client: true } => staff_side(&mut add, Kind::TicketReply),
        Happened::Replied { internal: false, from_client: false } => {
            add(&p.requester, Kind::TicketReply);
            staff_side(&mut add, Kind::TicketReply);
        }
        Happened::Changed { status, assigned } => {
            if *assigned {
                add(&p.assignee, Kind::TicketAssigned);
            }
            if *status {
                add(&p.requester, Kind::TicketStatus);
            }
        }
        Happened::SlaAlarm => staff_side(&mut add, Kind::SlaAlert),
        Happened::NearFront => add(&p.requester, Kind::QueueNearFront),
    }
    out
}

/// Whether `role` may receive `kind` at all (the last guard before anything is written).
pub fn may_receive(role: Role, kind: Kind) -> bool {
    role != Role::Client || kind.reaches_clients()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> UserId {
        UserId::new(ulid::Ulid::new())
    }

    #[test]
    fn who_hears_of_what() {
        let (client, agent, watcher) = (id(), id(), id());
        let p = Parties {
            requester: Some(client.clone()),
            assignee: Some(agent.clone()),
            watchers: vec![watcher.clone(), agent.clone()],
            actor: Some(agent.clone()),
            workers: vec![],
        };
        // Staff answer: the client and the other watcher hear of it; not the author.
        let r = recipients(&Happened::Replied { internal: false, from_client: false }, &p);
        assert_eq!(r, vec![(client.clone(), Kind::TicketReply), (watcher.clone(), Kind::TicketReply)]);
        // A note never reaches the requester.
        let r = recipients(&Happened::Replied { internal: true, from_client: false }, &p);
        assert_eq!(r, vec![(watcher.clone(), Kind::TicketNote)]);
        // The client answers: the staff side hears of it.
        let from_client = Parties { actor: Some(client.clone()), ..p.clone() };
        let r = recipients(&Happened::Replied { internal: false, from_client: true }, &from_client);
        assert_eq!(r, vec![(agent.clone(), Kind::TicketReply), (watcher.clone(), Kind::TicketReply)]);
        // Assigned by someone else: the assignee; a status change: the requester.
        let by_lead = Parties { actor: Some(watcher.clone()), ..p.clone() };
        let r = recipients(&Happened::Changed { status: true, assigned: true }, &by_lead);
        assert_eq!(r, vec![(agent.clone(), Kind::TicketAssigned), (client.clone(), Kind::TicketStatus)]);
        // Filed: the confirmation, and the people who work it (the assignee when there is one).
        let filed = Parties { actor: Some(client.clone()), ..p.clone() };
        assert_eq!(
            recipients(&Happened::Created, &filed),
            vec![(client.clone(), Kind::TicketReceived), (agent.clone(), Kind::TicketNew)],
        );
        let (lead, partner) = (id(), id());
        let unassigned = Parties { assignee: None, workers: vec![lead.clone(), partner.clone()], ..filed.clone() };
        assert_eq!(
            recipients(&Happened::Created, &unassigned),
            vec![(client.clone(), Kind::TicketReceived), (lead, Kind::TicketNew), (partner, Kind::TicketNew)],
        );
        let system = Parties { actor: None, ..p };
        assert_eq!(
            recipients(&Happened::Created, &system),
            vec![(client.clone(), Kind::TicketReceived), (agent.clone(), Kind::TicketNew)]
        );
        assert_eq!(recipients(&Happened::NearFront, &system), vec![(client, Kind::QueueNearFront)]);
        assert_eq!(recipients(&Happened::SlaAlarm, &system).len(), 2);
    }

    #[test]
    fn clients_never_get_staff_kinds() {
        for k in [Kind::TicketNote, Kind::SlaAlert, Kind::TicketAssigned, Kind::TicketNew] {
            assert!(!may_receive(Role::Client, k));
            assert!(may_receive(Role::PartnerStaff, k));
        }
        assert!(may_receive(Role::Client, Kind::TicketReply));
        assert!(Setting::platform_default(Kind::TicketReply).email);
        assert!(!Setting::platform_default(Kind::QueueNearFront).email);
        assert_eq!(Kind::parse("sla_alert"), Some(Kind::SlaAlert));
        assert_eq!(Kind::parse("nope"), None);
    }
}
