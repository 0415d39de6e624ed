//! The entities under their table names.

pub use super::api_key::Entity as ApiKeys;
pub use super::claim::Entity as Claims;
pub use super::claim_subject::Entity as ClaimSubjects;
pub use super::claim_topic::Entity as ClaimTopics;
pub use super::company::Entity as Companies;
pub use super::country::Entity as Countries;
pub use super::event::Entity as Events;
pub use super::evidence::Entity as Evidence;
pub use super::idempotency_key::Entity as IdempotencyKeys;
pub use super::metric::Entity as Metrics;
pub use super::model::Entity as Models;
pub use super::revision::Entity as Revisions;
pub use super::source::Entity as Sources;
pub use super::statistic::Entity as Statistics;
