//! The catalog of what statistics measure.

use entity::metric::{self, Column, Entity};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};

/// How the metrics list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "metrics",
    id: Column::Id,
    default_sort: "key",
    sorts: &[
        SortField {
            name: "key",
            column: Column::Key,
            kind: ValueKind::Text,
            nullable: false,
        },
        SortField {
            name: "name",
            column: Column::NameEn,
            kind: ValueKind::Text,
            nullable: false,
        },
    ],
    facets: &[FacetField {
        name: "unit",
        column: FacetColumn::Text(Column::Unit),
    }],
};

/// Which metrics to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only those matching this full-text query.
    pub q: Option<crate::domain::search_text::Query>,
    /// Only this unit.
    pub unit: Option<String>,
}

/// A page of metrics.
#[tracing::instrument(skip_all)]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<Page<metric::Model>, DbErr> {
    let mut select = Entity::find();
    if let Some(query) = &filter.q {
        select = select.filter(super::search::matches(
            db.get_database_backend(),
            "metrics",
            query,
        ));
    }
    if let Some(unit) = filter.unit {
        select = select.filter(Column::Unit.eq(unit));
    }
    listing::fetch(db, select, page).await
}

/// The metric with `key`.
#[tracing::instrument(skip_all, fields(metric.key = %key))]
pub async fn find<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<metric::Model>, DbErr> {
    Entity::find().filter(Column::Key.eq(key)).one(db).await
}

crate::input! {
    /// A metric, as the curated dataset gives it.
    #[schema(example = json!({"key": "trust_in_ai", "name": {"en": "Trust in AI", "ar": "الثقة في الذكاء الاصطناعي"},
        "unit": "percent", "description": {"en": "Share of respondents who say they trust AI.", "ar": "نسبة المشاركين الذين يقولون إنهم يثقون في الذكاء الاصطناعي."}}))]
    pub struct MetricInput {
        /// Its key: snake_case words.
        pub key: String,
        /// Its name.
        pub name: crate::domain::lang::Localized,
        /// The unit its values are in.
        pub unit: String,
        /// What it measures, and how.
        pub description: crate::domain::lang::Localized,
    }
}

/// Who cites a metric: one cited anywhere cannot be deleted.
pub const CITED_BY: &[(&str, &str, &str)] = &[("statistics", "metric_id", "statistics")];

/// Metrics through the write path.
pub struct Metrics;

impl super::resources::Resource for Metrics {
    type Entity = Entity;
    type Model = metric::Model;
    type Active = metric::ActiveModel;
    type Input = MetricInput;
    type View = crate::views::metrics::Metric;

    const RESOURCE: &'static str = "metrics";
    const SINGULAR: &'static str = "metric";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = CITED_BY;

    crate::resource_basics!(metric::Model, |model| model.key.clone());

    fn index(model: &mut metric::Model) {
        model.search_title = super::search::document(&[
            Some(&model.name_en),
            Some(&model.name_ar),
            Some(&model.key),
        ]);
        model.search_body = super::search::document(&[
            Some(&model.description_en),
            Some(&model.description_ar),
            Some(&model.unit),
        ]);
    }

    async fn row<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<metric::Model>, DbErr> {
        match uuid::Uuid::parse_str(key) {
            Ok(id) => Entity::find_by_id(id).one(db).await,
            Err(_) => find(db, key).await,
        }
    }

    async fn validate<C: ConnectionTrait>(
        db: &C,
        input: MetricInput,
        existing: Option<&metric::Model>,
        checks: &mut crate::domain::validate::Checks,
    ) -> Result<super::resources::Prepared<metric::Model>, DbErr> {
        let key_ok = !input.key.is_empty()
            && input.key.len() <= 100
            && input.key.split('_').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if !key_ok {
            checks.fail(
                "key",
                "must be lowercase letters and digits in underscore-separated words (e.g. `trust_in_ai`)",
            );
        }
        checks.localized("name", &input.name, false);
        checks.line("unit", &input.unit);
        checks.localized("description", &input.description, true);
        super::writes::ensure_unique::<Entity, _>(
            db,
            checks,
            (Column::Id, Column::Key),
            &input.key,
            existing.map(|e| e.id),
            "key",
            "metric",
        )
        .await?;
        Ok(super::resources::Prepared::row(metric::Model {
            id: existing.map_or_else(uuid::Uuid::now_v7, |e| e.id),
            key: input.key,
            name_en: input.name.en,
            name_ar: input.name.ar,
            unit: input.unit,
            description_en: input.description.en,
            description_ar: input.description.ar,
            search_title: String::new(),
            search_body: String::new(),
            version: existing.map_or(1, |e| e.version),
            created_at: existing.map_or_else(chrono::Utc::now, |e| e.created_at),
            updated_at: existing.map_or_else(chrono::Utc::now, |e| e.updated_at),
        }))
    }

    async fn view<C: ConnectionTrait>(
        _db: &C,
        model: metric::Model,
        _lang: Option<crate::domain::lang::Lang>,
    ) -> Result<Self::View, super::writes::WriteError> {
        Ok(crate::views::metrics::Metric::build(model, _lang))
    }

    fn input_of(shown: &serde_json::Value) -> serde_json::Value {
        serde_json::Value::Object(super::resources::fields(
            shown,
            &["key", "name", "unit", "description"],
        ))
    }
}
