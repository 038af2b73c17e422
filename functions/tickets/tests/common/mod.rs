//! The tickets API in-process on the shared seeded world ([`kt_test_support`]), with the paths
//! and the filing these tests use.
#![allow(dead_code, unused_imports)]

pub mod mail;

use axum::http::StatusCode;
pub use kt_test_support::{ACME, Browser, HOUSE, OLGA_PASSWORD, People, Reply, World, people};
use serde_json::{Value, json};

pub async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router()).await
}

pub trait Tickets {
    fn tickets(&self) -> String;
    fn ticket(&self, id: &str) -> String;
    async fn file(&self, who: &Browser, subject: &str, priority: &str) -> Value;
}

impl Tickets for World {
    fn tickets(&self) -> String {
        format!("/api/v1/tenants/{}/tickets", self.acme_id)
    }

    fn ticket(&self, id: &str) -> String {
        format!("{}/{id}", self.tickets())
    }

    async fn file(&self, who: &Browser, subject: &str, priority: &str) -> Value {
        let body = json!({"subject": subject, "description": "It **broke**.", "priority": priority, "category": "technical_support"});
        let r = self.post(&self.tickets(), who, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }
}
