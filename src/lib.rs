//! Mizan: a sourced, bilingual REST API on the AI race between the United States and China.

pub mod allocator;
pub mod cli;
pub mod config;
pub mod contract;
pub mod dataset;
pub mod domain;
pub mod error;
pub mod routes;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod views;
