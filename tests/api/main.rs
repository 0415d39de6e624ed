//! The API's integration tests: the real server on a random port, a fresh database per
//! test, reqwest as the client. Every test runs on SQLite and on PostgreSQL.

mod helpers;

mod abuse;
mod binary;
mod caching;
mod changes;
mod claims;
mod contract;
mod dataset;
mod docs;
mod errors;
mod events;
mod factchecks;
mod faults;
mod health;
mod history;
mod language;
mod lists;
mod models;
mod openapi;
mod provenance;
mod resources;
mod search;
mod webhooks;
mod writes;
