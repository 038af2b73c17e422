//! Mail in: the portal's inbound addresses, who wrote a mail (a person or a machine), what a
//! reply keeps of its text, and the one decision of what a received mail does. Mail out: the
//! templates every sent mail is written from, and the addresses mail no longer goes to.

pub mod address;
pub mod auto;
pub mod body;
pub mod inbound;
pub mod suppression;
pub mod template;
pub mod thread;
