//! Adoption and market figures.

use chrono::NaiveDate;
use entity::{
    company, metric, model, source,
    statistic::{self, Column, Entity},
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::connection::OneConnection;
use super::listing::{
    self, FacetColumn, FacetField, ListSpec, Page, PageRequest, SortField, ValueKind,
};
use super::related::{Needs, Related};
use super::resources::{self, Prepared, Resource};
use super::writes::{self, WriteError};
use crate::domain::{
    kinds::{Method, PeriodPrecision, Qualifier, SubjectType},
    lang::Localized,
    validate::Checks,
};

/// How the statistics list sorts and counts.
pub static LIST: ListSpec<Entity> = ListSpec {
    name: "statistics",
    id: Column::Id,
    default_sort: "id",
    sorts: &[
        SortField {
            name: "id",
            column: Column::Id,
            kind: ValueKind::Uuid,
            nullable: false,
        },
        SortField {
            name: "period_start",
            column: Column::PeriodStart,
            kind: ValueKind::Date,
            nullable: false,
        },
    ],
    facets: &[
        FacetField {
            name: "metric",
            column: FacetColumn::Ref {
                column: Column::MetricId,
                table: "metrics",
                key: "key",
            },
        },
        FacetField {
            name: "subject_type",
            column: FacetColumn::Text(Column::SubjectType),
        },
        FacetField {
            name: "scope_country",
            column: FacetColumn::Text(Column::ScopeCountryCode),
        },
        FacetField {
            name: "method",
            column: FacetColumn::Text(Column::Method),
        },
        FacetField {
            name: "qualifier",
            column: FacetColumn::Text(Column::Qualifier),
        },
        FacetField {
            name: "source",
            column: FacetColumn::Ref {
                column: Column::SourceId,
                table: "sources",
                key: "key",
            },
        },
    ],
};

/// Which statistics to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only those matching this full-text query.
    pub q: Option<crate::domain::search_text::Query>,
    /// Only this metric (key).
    pub metric: Option<String>,
    /// Only about this kind of subject.
    pub subject_type: Option<SubjectType>,
    /// Only about this subject: a model or company slug, or a country code.
    pub subject: Option<String>,
    /// Only measured in this country, region or group.
    pub scope_country: Option<String>,
    /// Only periods that end on or after this day.
    pub period_from: Option<NaiveDate>,
    /// Only periods that start on or before this day.
    pub period_to: Option<NaiveDate>,
    /// Only arrived at this way.
    pub method: Option<Method>,
    /// Only worded this way by their source (exact, approximately, more than, …).
    pub qualifier: Option<Qualifier>,
    /// Only from this source (id or key).
    pub source: Option<String>,
}

/// A page of statistics, with the records they refer to.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &DatabaseConnection,
    filter: Filter,
    page: &PageRequest<Entity>,
) -> Result<(Page<statistic::Model>, Related), DbErr> {
    let db = &OneConnection::take(db).await?;
    let mut select = Entity::find();
    if let Some(query) = &filter.q {
        select = select.filter(super::search::matches(
            db.get_database_backend(),
            "statistics",
            query,
        ));
    }
    if let Some(key) = filter.metric {
        select = select.filter(
            Column::MetricId.in_subquery(super::id_where::<metric::Entity>(
                metric::Column::Id,
                metric::Column::Key,
                &key,
            )),
        );
    }
    if let Some(kind) = filter.subject_type {
        select = select.filter(Column::SubjectType.eq(kind.as_str()));
    }
    if let Some(subject) = filter.subject {
        let by_model = Column::SubjectModelId.in_subquery(super::id_where::<model::Entity>(
            model::Column::Id,
            model::Column::Slug,
            &subject,
        ));
        let by_company = Column::SubjectCompanyId.in_subquery(super::id_where::<company::Entity>(
            company::Column::Id,
            company::Column::Slug,
            &subject,
        ));
        let by_country = Column::SubjectCountryCode.eq(super::normalize_code(&subject));
        select = select.filter(match filter.subject_type {
            Some(SubjectType::Model) => Condition::all().add(by_model),
            Some(SubjectType::Company) => Condition::all().add(by_company),
            Some(SubjectType::Country) => Condition::all().add(by_country),
            None => Condition::any()
                .add(by_model)
                .add(by_company)
                .add(by_country),
        });
    }
    if let Some(scope) = filter.scope_country {
        select = select.filter(Column::ScopeCountryCode.eq(super::normalize_code(&scope)));
    }
    if let Some(from) = filter.period_from {
        let end = Expr::expr(sea_orm::sea_query::Func::coalesce([
            Expr::col(Column::PeriodEnd),
            Expr::col(Column::PeriodStart),
        ]));
        select = select.filter(end.gte(from));
    }
    if let Some(to) = filter.period_to {
        select = select.filter(Column::PeriodStart.lte(to));
    }
    if let Some(method) = filter.method {
        select = select.filter(Column::Method.eq(method.as_str()));
    }
    if let Some(qualifier) = filter.qualifier {
        select = select.filter(Column::Qualifier.eq(qualifier.as_str()));
    }
    if let Some(source) = filter.source {
        select = select.filter(match Uuid::parse_str(&source) {
            Ok(id) => Column::SourceId.eq(id),
            Err(_) => Column::SourceId.in_subquery(super::id_where::<source::Entity>(
                source::Column::Id,
                source::Column::Key,
                &source,
            )),
        });
    }
    let page = listing::fetch(db, select, page).await?;
    let related = Related::load(db, needs(&page.items)).await?;
    Ok((page, related))
}

/// The statistic with this id or dataset key, alone.
pub async fn row<C: ConnectionTrait>(
    db: &C,
    id_or_key: &str,
) -> Result<Option<statistic::Model>, DbErr> {
    match Uuid::parse_str(id_or_key) {
        Ok(id) => Entity::find_by_id(id).one(db).await,
        Err(_) => {
            Entity::find()
                .filter(Column::Key.eq(id_or_key))
                .one(db)
                .await
        }
    }
}

fn needs(stats: &[statistic::Model]) -> Needs {
    let mut needs = Needs::default();
    for stat in stats {
        needs.statistic(stat);
    }
    needs
}

crate::input! {
    /// A statistic as a request body gives it: the body of `POST`, and what `PATCH` merges into.
    #[schema(example = json!({
        "metric": "monthly_active_users", "subject_type": "company", "subject": "deepseek", "value": 97000000.0,
        "qualifier": "exact", "unit": "people", "period_start": "2025-04-01", "period_end": "2025-04-30",
        "period_precision": "month", "method": "reported",
        "source": "foreign-affairs-chinas-overlooked-ai-strategy-2025"
    }))]
    pub struct StatisticInput {
        /// A stable key to cite it by (optional).
        pub key: Option<String>,
        /// The metric's key.
        pub metric: String,
        /// What kind of subject it is about.
        pub subject_type: SubjectType,
        /// The subject: a model's or company's slug, or a country's code.
        pub subject: String,
        /// Where it was measured (country code or region slug).
        pub scope_country: Option<String>,
        /// The value, when it is one number.
        pub value: Option<f64>,
        /// The low end of a range.
        pub value_low: Option<f64>,
        /// The high end of a range.
        pub value_high: Option<f64>,
        /// How the source words the figure; `exact` when left out. A bound (`more_than`,
        /// `at_least`, `less_than`, `at_most`) qualifies a single `value`, not a range.
        pub qualifier: Option<Qualifier>,
        /// The unit of the value.
        pub unit: String,
        /// The period's first day.
        pub period_start: NaiveDate,
        /// The period's last day; none for a period of one day (or one month or year, at
        /// that precision).
        pub period_end: Option<NaiveDate>,
        /// How finely the source dates the period; `day` when left out. At `month` the period
        /// runs from the 1st of a month to the last day of a month, at `year` from 1 January
        /// to 31 December.
        pub period_precision: Option<PeriodPrecision>,
        /// How it was arrived at.
        pub method: Method,
        /// The source: its id or dataset key.
        pub source: String,
        /// What a reader should know about it.
        pub note: Option<Localized>,
    }
}

/// Who cites a statistic: one used as evidence cannot be deleted.
pub const CITED_BY: &[(&str, &str, &str)] = &[("evidence", "statistic_id", "pieces of evidence")];

/// Statistics through the write path.
pub struct Statistics;

impl Resource for Statistics {
    type Entity = Entity;
    type Model = statistic::Model;
    type Active = statistic::ActiveModel;
    type Input = StatisticInput;
    type View = crate::views::statistics::Statistic;

    const RESOURCE: &'static str = "statistics";
    const SINGULAR: &'static str = "statistic";
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)] = CITED_BY;

    crate::resource_basics!(statistic::Model, |model| model
        .key
        .clone()
        .unwrap_or_else(|| model.id.to_string()));

    fn index(model: &mut statistic::Model) {
        model.search_title = super::search::document(&[model.key.as_deref()]);
        model.search_body = super::search::document(&[
            model.note_en.as_deref(),
            model.note_ar.as_deref(),
            Some(&model.unit),
        ]);
    }

    async fn row<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<statistic::Model>, DbErr> {
        row(db, key).await
    }

    async fn validate<C: ConnectionTrait>(
        db: &C,
        input: StatisticInput,
        existing: Option<&statistic::Model>,
        checks: &mut Checks,
    ) -> Result<Prepared<statistic::Model>, DbErr> {
        if let Some(key) = &input.key {
            writes::unique_slug::<Entity, _>(
                db,
                checks,
                (Column::Id, Column::Key),
                key,
                existing.map(|e| e.id),
                "key",
                "statistic",
            )
            .await?;
        }
        match (input.value, input.value_low, input.value_high) {
            (Some(value), None, None) if value.is_finite() => {}
            (None, Some(low), Some(high)) if low.is_finite() && high.is_finite() => {
                if low > high {
                    checks.fail("value_low", "cannot exceed value_high");
                }
            }
            _ => checks.fail(
                "value",
                "give either `value`, or both `value_low` and `value_high`, as finite numbers",
            ),
        }
        let qualifier = input.qualifier.unwrap_or(Qualifier::Exact);
        if qualifier.is_bound() && input.value.is_none() {
            checks.fail(
                "qualifier",
                format!("`{qualifier}` bounds a single `value`; a range is already two bounds"),
            );
        }
        checks.line("unit", &input.unit);
        if input.period_end.is_some_and(|end| end < input.period_start) {
            checks.fail("period_end", "cannot be before period_start");
        }
        let precision = input.period_precision.unwrap_or(PeriodPrecision::Day);
        if let Some((field, message)) = precision.fault(input.period_start, input.period_end) {
            checks.fail(field, message);
        }
        if let Some(note) = &input.note {
            checks.localized("note", note, true);
        }
        let metric_id = writes::resolve::<metric::Entity, _>(
            db,
            checks,
            "metric",
            (metric::Column::Id, metric::Column::Key),
            &input.metric,
            "metric",
        )
        .await?;
        let source_id = writes::resolve::<source::Entity, _>(
            db,
            checks,
            "source",
            (source::Column::Id, source::Column::Key),
            &input.source,
            "source",
        )
        .await?;
        let (mut model_id, mut company_id, mut country) = (None, None, None);
        match input.subject_type {
            SubjectType::Model => {
                model_id = writes::resolve::<model::Entity, _>(
                    db,
                    checks,
                    "subject",
                    (model::Column::Id, model::Column::Slug),
                    &input.subject,
                    "model",
                )
                .await?
            }
            SubjectType::Company => {
                company_id = writes::resolve::<company::Entity, _>(
                    db,
                    checks,
                    "subject",
                    (company::Column::Id, company::Column::Slug),
                    &input.subject,
                    "company",
                )
                .await?
            }
            SubjectType::Country => {
                country = Some(writes::check_country(db, checks, "subject", &input.subject).await?)
            }
        }
        let scope = match &input.scope_country {
            Some(code) => Some(writes::check_country(db, checks, "scope_country", code).await?),
            None => None,
        };
        Ok(Prepared::row(statistic::Model {
            id: existing.map_or_else(Uuid::now_v7, |e| e.id),
            key: input.key,
            metric_id: metric_id.unwrap_or_default(),
            subject_type: input.subject_type.as_str().to_owned(),
            subject_model_id: model_id,
            subject_company_id: company_id,
            subject_country_code: country,
            scope_country_code: scope,
            value: input.value,
            value_low: input.value_low,
            value_high: input.value_high,
            qualifier: qualifier.as_str().to_owned(),
            unit: input.unit,
            period_start: input.period_start,
            period_end: input.period_end,
            period_precision: precision.as_str().to_owned(),
            method: input.method.as_str().to_owned(),
            source_id: source_id.unwrap_or_default(),
            note_en: input.note.as_ref().map(|n| n.en.clone()),
            note_ar: input.note.map(|n| n.ar),
            search_title: String::new(),
            search_body: String::new(),
            version: existing.map_or(1, |e| e.version),
            created_at: existing.map_or_else(chrono::Utc::now, |e| e.created_at),
            updated_at: existing.map_or_else(chrono::Utc::now, |e| e.updated_at),
        }))
    }

    async fn view<C: ConnectionTrait>(
        db: &C,
        model: statistic::Model,
        lang: Option<crate::domain::lang::Lang>,
    ) -> Result<Self::View, WriteError> {
        let related = Related::load(db, needs(std::slice::from_ref(&model))).await?;
        Ok(crate::views::statistics::Statistic::build(
            model, &related, lang,
        )?)
    }

    fn input_of(shown: &serde_json::Value) -> serde_json::Value {
        let mut input = resources::fields(
            shown,
            &[
                "key",
                "value",
                "value_low",
                "value_high",
                "qualifier",
                "unit",
                "method",
                "note",
            ],
        );
        input.insert("metric".into(), resources::reference(shown, "metric"));
        input.insert("subject_type".into(), shown["subject"]["type"].clone());
        input.insert("subject".into(), shown["subject"]["key"].clone());
        input.insert("scope_country".into(), resources::reference(shown, "scope"));
        input.insert("source".into(), resources::reference(shown, "source"));
        input.insert("period_start".into(), shown["period"]["start"].clone());
        input.insert("period_end".into(), shown["period"]["end"].clone());
        input.insert(
            "period_precision".into(),
            shown["period"]["precision"].clone(),
        );
        serde_json::Value::Object(input)
    }
}
