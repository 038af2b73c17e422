//! Mail in: the portal's inbound addresses, who wrote a mail (a person or a machine), what a
//! reply keeps of its text, and the one decision of what a received mail does.

pub mod address;
pub mod auto;
pub mod body;
pub mod inbound;
pub mod thread;
