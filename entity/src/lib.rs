//! sea-orm entities for Mizan's tables: declarative only, no logic and no serde.

pub mod api_key;
pub mod claim;
pub mod claim_subject;
pub mod claim_topic;
pub mod company;
pub mod country;
pub mod event;
pub mod evidence;
pub mod idempotency_key;
pub mod metric;
pub mod model;
pub mod prelude;
pub mod revision;
pub mod source;
pub mod statistic;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_endpoint;
