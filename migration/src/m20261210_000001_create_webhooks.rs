//! Webhooks: the endpoints subscribers register, the deliveries made to them from the
//! change log, and every attempt at one.
//!
//! - `webhook_endpoints`: a subscriber's URL, the event types it wants, and its signing
//!   secrets (the current one, and the one it replaced while both sign). `after_event` is
//!   the data version when it was registered: it hears of events after that one.
//! - `webhook_deliveries`: one per event and endpoint (unique), made by the dispatcher as it
//!   reads the log; `payload` is the body exactly as signed and sent. `due_at_ms` (Unix
//!   milliseconds, so both backends compare integers) is when the next attempt is due, null
//!   once it succeeded or was given up; `lease_until_ms` and `lease` are a worker's claim.
//! - `webhook_attempts`: each request made, with its outcome.
//! - `webhook_cursor`: one row, the id of the last event the dispatcher read. It moves in
//!   the transaction that makes that event's deliveries.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20251129_000001_create_reference_tables::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoints::Table)
                    .col(pk_uuid(WebhookEndpoints::Id))
                    .col(uuid(WebhookEndpoints::Owner))
                    .col(text(WebhookEndpoints::Url))
                    .col(text(WebhookEndpoints::Description))
                    .col(json(WebhookEndpoints::Events))
                    .col(string(WebhookEndpoints::Secret))
                    .col(string_null(WebhookEndpoints::PreviousSecret))
                    .col(timestamp_with_time_zone_null(
                        WebhookEndpoints::PreviousSecretUntil,
                    ))
                    .col(big_integer(WebhookEndpoints::AfterEvent))
                    .col(timestamp_with_time_zone_null(WebhookEndpoints::DisabledAt))
                    .col(text_null(WebhookEndpoints::DisabledReason))
                    .col(timestamp_with_time_zone_null(
                        WebhookEndpoints::FailingSince,
                    ))
                    .col(timestamp_with_time_zone(WebhookEndpoints::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookEndpoints::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, "webhook_endpoints", &["owner"]).await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(pk_uuid(WebhookDeliveries::Id))
                    .col(uuid(WebhookDeliveries::EndpointId))
                    .col(string(WebhookDeliveries::MessageId))
                    .col(big_integer_null(WebhookDeliveries::EventId))
                    .col(string(WebhookDeliveries::Kind))
                    .col(text(WebhookDeliveries::Payload))
                    .col(string(WebhookDeliveries::Status))
                    .col(integer(WebhookDeliveries::Attempts))
                    .col(big_integer_null(WebhookDeliveries::DueAtMs))
                    .col(big_integer(WebhookDeliveries::LeaseUntilMs))
                    .col(uuid_null(WebhookDeliveries::Lease))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::LastAttemptAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::EndpointId)
                            .to(WebhookEndpoints::Table, WebhookEndpoints::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_endpoint_id_event_id")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::EndpointId)
                    .col(WebhookDeliveries::EventId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(manager, "webhook_deliveries", &["due_at_ms"]).await?;
        index(manager, "webhook_deliveries", &["endpoint_id", "id"]).await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(pk_uuid(WebhookAttempts::Id))
                    .col(uuid(WebhookAttempts::DeliveryId))
                    .col(timestamp_with_time_zone(WebhookAttempts::At))
                    .col(integer_null(WebhookAttempts::StatusCode))
                    .col(integer(WebhookAttempts::LatencyMs))
                    .col(text_null(WebhookAttempts::ResponseBody))
                    .col(text_null(WebhookAttempts::Error))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookAttempts::Table, WebhookAttempts::DeliveryId)
                            .to(WebhookDeliveries::Table, WebhookDeliveries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "webhook_attempts", &["delivery_id", "id"]).await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookCursor::Table)
                    .col(integer(WebhookCursor::Id).primary_key())
                    .col(big_integer(WebhookCursor::LastEvent))
                    .to_owned(),
            )
            .await?;
        // Events already in the log were announced before any endpoint could hear them.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO webhook_cursor (id, last_event) SELECT 1, counter FROM data_version WHERE id = 1",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "webhook_cursor",
            "webhook_attempts",
            "webhook_deliveries",
            "webhook_endpoints",
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    Owner,
    Url,
    Description,
    Events,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    AfterEvent,
    DisabledAt,
    DisabledReason,
    FailingSince,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    EndpointId,
    MessageId,
    EventId,
    Kind,
    Payload,
    Status,
    Attempts,
    DueAtMs,
    LeaseUntilMs,
    Lease,
    CreatedAt,
    LastAttemptAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    At,
    StatusCode,
    LatencyMs,
    ResponseBody,
    Error,
}

#[derive(DeriveIden)]
enum WebhookCursor {
    Table,
    Id,
    LastEvent,
}
