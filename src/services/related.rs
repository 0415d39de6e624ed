//! Loads the records that a page of rows refers to in at most two statements whatever
//! the page's size (never one query per row): the statistics it cites, then every
//! model, company, country, source and metric in one `UNION ALL`.
//!
//! A reference shows a few fields of the record it names, so only those columns are
//! read: whole rows, with their descriptions and search text, were most of the bytes a
//! list decoded.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{company, country, metric, model, source, statistic};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryResult, Select, Value,
    sea_query::{DynIden, Expr, IntoIden, Query, SelectStatement, UnionType},
};
use uuid::Uuid;

/// The statistics with these ids.
fn statistics_with(ids: Vec<Value>) -> Select<statistic::Entity> {
    statistic::Entity::find().filter(statistic::Column::Id.is_in(ids))
}

/// The `UNION ALL` of one branch per kind of reference, reading the ids (codes, for
/// countries) in each of `groups`: models, companies, countries, sources and metrics, in
/// that order. A kind with none has no branch, unless no kind has any.
fn references(groups: Vec<Vec<Value>>) -> SelectStatement {
    let none = groups.iter().all(Vec::is_empty);
    let [models, companies, countries, sources, metrics]: [Vec<Value>; 5] =
        groups.try_into().unwrap_or_default();
    let branches = [
        (none || !models.is_empty()).then(|| {
            Branch::new(Kind::Model, model::Entity)
                .id(model::Column::Id)
                .column(Field::Slug, model::Column::Slug)
                .column(Field::Name, model::Column::Name)
                .only(model::Column::Id.is_in(models))
        }),
        (!companies.is_empty()).then(|| {
            Branch::new(Kind::Company, company::Entity)
                .id(company::Column::Id)
                .column(Field::Slug, company::Column::Slug)
                .column(Field::NameEn, company::Column::NameEn)
                .column(Field::NameAr, company::Column::NameAr)
                .only(company::Column::Id.is_in(companies))
        }),
        (!countries.is_empty()).then(|| {
            Branch::new(Kind::Country, country::Entity)
                .column(Field::Slug, country::Column::Code)
                .column(Field::NameEn, country::Column::NameEn)
                .column(Field::NameAr, country::Column::NameAr)
                .only(country::Column::Code.is_in(countries))
        }),
        (!sources.is_empty()).then(|| {
            Branch::new(Kind::Source, source::Entity)
                .id(source::Column::Id)
                .column(Field::Slug, source::Column::Key)
                .column(Field::Name, source::Column::Title)
                .column(Field::Publisher, source::Column::Publisher)
                .column(Field::Url, source::Column::Url)
                .column(Field::Published, source::Column::PublishedOn)
                .only(source::Column::Id.is_in(sources))
        }),
        (!metrics.is_empty()).then(|| {
            Branch::new(Kind::Metric, metric::Entity)
                .id(metric::Column::Id)
                .column(Field::Slug, metric::Column::Key)
                .column(Field::NameEn, metric::Column::NameEn)
                .column(Field::NameAr, metric::Column::NameAr)
                .only(metric::Column::Id.is_in(metrics))
        }),
    ];
    let mut branches = branches.into_iter().flatten().map(Branch::build);
    let mut select = branches.next().unwrap_or_default();
    for branch in branches {
        select.union(UnionType::All, branch);
    }
    select
}

/// The fields of a company that a reference to it shows.
#[derive(Clone, Debug)]
pub struct CompanyRow {
    /// Its id.
    pub id: Uuid,
    /// Its slug.
    pub slug: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in Arabic.
    pub name_ar: String,
}

/// The fields of a model that a reference to it shows.
#[derive(Clone, Debug)]
pub struct ModelRow {
    /// Its id.
    pub id: Uuid,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// The fields of a country that a reference to it shows.
#[derive(Clone, Debug)]
pub struct CountryRow {
    /// Its code.
    pub code: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in Arabic.
    pub name_ar: String,
}

/// The fields of a source that a reference to it shows.
#[derive(Clone, Debug)]
pub struct SourceRow {
    /// Its id.
    pub id: Uuid,
    /// Its dataset key.
    pub key: Option<String>,
    /// Its title, when known.
    pub title: Option<String>,
    /// Who published it.
    pub publisher: String,
    /// Where it is.
    pub url: String,
    /// When it was published.
    pub published_on: Option<NaiveDate>,
}

/// The fields of a metric that a reference to it shows.
#[derive(Clone, Debug)]
pub struct MetricRow {
    /// Its id.
    pub id: Uuid,
    /// Its key.
    pub key: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in Arabic.
    pub name_ar: String,
}

/// The ids of the records a page refers to.
#[derive(Clone, Debug, Default)]
pub struct Needs {
    /// Country codes.
    pub countries: HashSet<String>,
    /// Company ids.
    pub companies: HashSet<Uuid>,
    /// Model ids.
    pub models: HashSet<Uuid>,
    /// Source ids.
    pub sources: HashSet<Uuid>,
    /// Metric ids.
    pub metrics: HashSet<Uuid>,
    /// Statistic ids; their own metrics, subjects and sources are loaded too.
    pub statistics: HashSet<Uuid>,
}

impl Needs {
    /// Adds what a statistic refers to.
    pub fn statistic(&mut self, stat: &statistic::Model) {
        self.metrics.insert(stat.metric_id);
        self.sources.insert(stat.source_id);
        self.models.extend(stat.subject_model_id);
        self.companies.extend(stat.subject_company_id);
        self.countries.extend(stat.subject_country_code.clone());
        self.countries.extend(stat.scope_country_code.clone());
    }
}

/// The records a page refers to, by id.
#[derive(Debug, Default)]
pub struct Related {
    /// Countries by code.
    pub countries: HashMap<String, CountryRow>,
    /// Companies by id.
    pub companies: HashMap<Uuid, CompanyRow>,
    /// Models by id.
    pub models: HashMap<Uuid, ModelRow>,
    /// Sources by id.
    pub sources: HashMap<Uuid, SourceRow>,
    /// Metrics by id.
    pub metrics: HashMap<Uuid, MetricRow>,
    /// Statistics by id.
    pub statistics: HashMap<Uuid, statistic::Model>,
}

impl Related {
    /// Loads everything `needs` names: the statistics first, then every reference in one
    /// statement.
    pub async fn load<C: ConnectionTrait>(db: &C, mut needs: Needs) -> Result<Self, DbErr> {
        let mut related = Self::default();
        if !needs.statistics.is_empty() {
            let ids = needs.statistics.iter().map(|&id| id.into()).collect();
            let rows = super::statements::rows(db, statistics_with, ids).await?;
            for stat in rows {
                needs.statistic(&stat);
                related.statistics.insert(stat.id, stat);
            }
        }
        let wanted = needs.clone();
        related.load_references(db, needs).await?;
        related.fill_from_history(db, wanted).await?;
        Ok(related)
    }

    /// Names records that are referred to but gone as their last revision showed them.
    /// Live rows cannot refer to a missing record (the foreign keys forbid it); only the
    /// history of a record can, when it is shown again (`services::upgrade`). Costs
    /// nothing while everything referred to is there.
    async fn fill_from_history<C: ConnectionTrait>(
        &mut self,
        db: &C,
        wanted: Needs,
    ) -> Result<(), DbErr> {
        use entity::revision;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let Needs {
            models,
            companies,
            countries,
            sources,
            metrics,
            ..
        } = wanted;
        let last = |resource: &'static str, id: Option<Uuid>, key: Option<String>| async move {
            let mut select =
                revision::Entity::find().filter(revision::Column::Resource.eq(resource));
            select = match (id, key) {
                (Some(id), _) => select.filter(revision::Column::RecordId.eq(id)),
                (None, key) => select.filter(revision::Column::RecordKey.eq(key)),
            };
            let found = select.order_by_desc(revision::Column::Id).one(db).await?;
            Ok::<_, DbErr>(found.and_then(|r| r.after.or(r.before)))
        };
        let text = |picture: &serde_json::Value, names: &[&str]| {
            names.iter().find_map(|name| {
                let mut value = picture;
                for part in name.split('.') {
                    value = &value[part];
                }
                value.as_str().map(str::to_owned)
            })
        };
        let models: Vec<_> = models
            .into_iter()
            .filter(|id| !self.models.contains_key(id))
            .collect();
        for id in models {
            if let Some(p) = last("models", Some(id), None).await?
                && let (Some(slug), Some(name)) = (text(&p, &["slug"]), text(&p, &["name"]))
            {
                self.models.insert(id, ModelRow { id, slug, name });
            }
        }
        let companies: Vec<_> = companies
            .into_iter()
            .filter(|id| !self.companies.contains_key(id))
            .collect();
        for id in companies {
            if let Some(p) = last("companies", Some(id), None).await?
                && let (Some(slug), Some(name_en), Some(name_ar)) = (
                    text(&p, &["slug"]),
                    text(&p, &["name_en", "name.en"]),
                    text(&p, &["name_ar", "name.ar"]),
                )
            {
                self.companies.insert(
                    id,
                    CompanyRow {
                        id,
                        slug,
                        name_en,
                        name_ar,
                    },
                );
            }
        }
        let countries: Vec<_> = countries
            .into_iter()
            .filter(|code| !self.countries.contains_key(code))
            .collect();
        for code in countries {
            if let Some(p) = last("countries", None, Some(code.clone())).await?
                && let (Some(name_en), Some(name_ar)) = (
                    text(&p, &["name_en", "name.en"]),
                    text(&p, &["name_ar", "name.ar"]),
                )
            {
                self.countries.insert(
                    code.clone(),
                    CountryRow {
                        code,
                        name_en,
                        name_ar,
                    },
                );
            }
        }
        let sources: Vec<_> = sources
            .into_iter()
            .filter(|id| !self.sources.contains_key(id))
            .collect();
        for id in sources {
            if let Some(p) = last("sources", Some(id), None).await?
                && let (Some(publisher), Some(url)) = (text(&p, &["publisher"]), text(&p, &["url"]))
            {
                self.sources.insert(
                    id,
                    SourceRow {
                        id,
                        key: text(&p, &["key"]),
                        title: text(&p, &["title"]),
                        publisher,
                        url,
                        published_on: text(&p, &["published_on", "published"])
                            .and_then(|day| day.parse().ok()),
                    },
                );
            }
        }
        let metrics: Vec<_> = metrics
            .into_iter()
            .filter(|id| !self.metrics.contains_key(id))
            .collect();
        for id in metrics {
            if let Some(p) = last("metrics", Some(id), None).await?
                && let (Some(key), Some(name_en), Some(name_ar)) = (
                    text(&p, &["key"]),
                    text(&p, &["name_en", "name.en"]),
                    text(&p, &["name_ar", "name.ar"]),
                )
            {
                self.metrics.insert(
                    id,
                    MetricRow {
                        id,
                        key,
                        name_en,
                        name_ar,
                    },
                );
            }
        }
        Ok(())
    }

    /// Reads the models, companies, countries, sources and metrics `needs` names with a
    /// `UNION ALL` of one branch per kind: one round trip instead of up to five.
    async fn load_references<C: ConnectionTrait>(
        &mut self,
        db: &C,
        needs: Needs,
    ) -> Result<(), DbErr> {
        fn values<T: Into<Value>>(set: HashSet<T>) -> Vec<Value> {
            set.into_iter().map(Into::into).collect()
        }
        let groups = vec![
            values(needs.models),
            values(needs.companies),
            values(needs.countries),
            values(needs.sources),
            values(needs.metrics),
        ];
        if groups.iter().all(Vec::is_empty) {
            return Ok(());
        }
        let statement = super::statements::grouped(db.get_database_backend(), references, groups);
        for row in db.query_all_raw(statement).await? {
            self.add(&row)?;
        }
        Ok(())
    }

    /// Files one row of the references' `UNION ALL` under its kind. Columns are read by
    /// position ([`Field::ALL`] is the select list's order): by name, each value cost a
    /// hashed lookup of its column.
    fn add(&mut self, row: &QueryResult) -> Result<(), DbErr> {
        let text = |field: Field| row.try_get_by_index::<Option<String>>(field.position());
        let required = |field: Field| {
            text(field)?.ok_or_else(|| DbErr::Type(format!("a reference has no {}", field.alias())))
        };
        let id = || {
            row.try_get_by_index::<Option<Uuid>>(Field::Id.position())?
                .ok_or_else(|| DbErr::Type("a reference has no id".to_owned()))
        };
        let kind: i32 = row.try_get_by_index(Field::Kind.position())?;
        match Kind::from_code(kind) {
            Some(Kind::Model) => {
                let id = id()?;
                let (slug, name) = (required(Field::Slug)?, required(Field::Name)?);
                self.models.insert(id, ModelRow { id, slug, name });
            }
            Some(Kind::Company) => {
                let id = id()?;
                let row = CompanyRow {
                    id,
                    slug: required(Field::Slug)?,
                    name_en: required(Field::NameEn)?,
                    name_ar: required(Field::NameAr)?,
                };
                self.companies.insert(id, row);
            }
            Some(Kind::Country) => {
                let code = required(Field::Slug)?;
                let row = CountryRow {
                    code: code.clone(),
                    name_en: required(Field::NameEn)?,
                    name_ar: required(Field::NameAr)?,
                };
                self.countries.insert(code, row);
            }
            Some(Kind::Source) => {
                let id = id()?;
                let row = SourceRow {
                    id,
                    key: text(Field::Slug)?,
                    title: text(Field::Name)?,
                    publisher: required(Field::Publisher)?,
                    url: required(Field::Url)?,
                    published_on: row.try_get_by_index(Field::Published.position())?,
                };
                self.sources.insert(id, row);
            }
            Some(Kind::Metric) => {
                let id = id()?;
                let row = MetricRow {
                    id,
                    key: required(Field::Slug)?,
                    name_en: required(Field::NameEn)?,
                    name_ar: required(Field::NameAr)?,
                };
                self.metrics.insert(id, row);
            }
            None => return Err(DbErr::Type(format!("unknown reference kind {kind}"))),
        }
        Ok(())
    }
}

/// The kinds of record a reference names, as the references' `UNION ALL` tags its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Model = 1,
    Company = 2,
    Country = 3,
    Source = 4,
    Metric = 5,
}

impl Kind {
    const ALL: [Self; 5] = [
        Self::Model,
        Self::Company,
        Self::Country,
        Self::Source,
        Self::Metric,
    ];

    fn from_code(code: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| *kind as i32 == code)
    }
}

/// The columns every branch of the references' `UNION ALL` has, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Kind,
    Id,
    /// A slug, key or code.
    Slug,
    /// A model's name or a source's title.
    Name,
    NameEn,
    NameAr,
    Publisher,
    Url,
    Published,
}

impl Field {
    const ALL: [Self; 9] = [
        Self::Kind,
        Self::Id,
        Self::Slug,
        Self::Name,
        Self::NameEn,
        Self::NameAr,
        Self::Publisher,
        Self::Url,
        Self::Published,
    ];

    /// Its place in every branch's select list.
    fn position(self) -> usize {
        self as usize
    }

    fn alias(self) -> &'static str {
        match self {
            Self::Kind => "ref_kind",
            Self::Id => "ref_id",
            Self::Slug => "ref_slug",
            Self::Name => "ref_name",
            Self::NameEn => "ref_name_en",
            Self::NameAr => "ref_name_ar",
            Self::Publisher => "ref_publisher",
            Self::Url => "ref_url",
            Self::Published => "ref_published",
        }
    }

    /// A NULL of this column's type, for branches without it: PostgreSQL needs the types
    /// of a `UNION`'s branches to agree, and resolves an untyped NULL as text.
    fn null(self) -> Expr {
        Expr::cust(match self {
            Self::Kind => "CAST(NULL AS integer)",
            Self::Id => "CAST(NULL AS uuid)",
            Self::Published => "CAST(NULL AS date)",
            _ => "CAST(NULL AS text)",
        })
    }
}

/// One branch of the references' `UNION ALL`: one table's rows, in the shared columns.
struct Branch {
    kind: Kind,
    table: DynIden,
    columns: Vec<(Field, Expr)>,
    filter: Option<Expr>,
}

impl Branch {
    fn new(kind: Kind, table: impl IntoIden) -> Self {
        Self {
            kind,
            table: table.into_iden(),
            columns: Vec::new(),
            filter: None,
        }
    }

    fn id(self, column: impl IntoIden) -> Self {
        self.column(Field::Id, column)
    }

    /// Fills `field` from the table's `column`.
    fn column(mut self, field: Field, column: impl IntoIden) -> Self {
        let column = Expr::col((self.table.clone(), column.into_iden()));
        self.columns.push((field, column));
        self
    }

    fn only(mut self, filter: Expr) -> Self {
        self.filter = Some(filter);
        self
    }

    fn build(self) -> SelectStatement {
        let mut select = Query::select();
        select.from(self.table.clone());
        for field in Field::ALL {
            let value = match field {
                Field::Kind => Expr::cust((self.kind as i32).to_string()),
                field => self
                    .columns
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map_or_else(|| field.null(), |(_, value)| value.clone()),
            };
            select.expr_as(value, field.alias());
        }
        if let Some(filter) = self.filter {
            select.and_where(filter);
        }
        select
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::DatabaseBackend;

    use super::*;

    #[test]
    fn each_field_is_read_from_its_place_in_the_select_list() {
        let select = Branch::new(Kind::Country, country::Entity)
            .column(Field::Slug, country::Column::Code)
            .build();
        let sql = DatabaseBackend::Postgres.build(&select).to_string();
        let mut places: Vec<(usize, Field)> = Field::ALL
            .iter()
            .map(|field| (sql.find(&format!("\"{}\"", field.alias())).unwrap(), *field))
            .collect();
        places.sort_by_key(|(at, _)| *at);
        for (position, (_, field)) in places.into_iter().enumerate() {
            assert_eq!(field.position(), position, "{field:?} in {sql}");
        }
    }

    /// The references' statement, its text kept, reads what the statement built anew reads,
    /// however the ids fall among the kinds: layouts with as many ids in all are different
    /// shapes.
    #[test]
    fn kept_references_statements_are_the_ones_built_anew() {
        let ids =
            |count: usize| -> Vec<Value> { (0..count).map(|_| Uuid::new_v4().into()).collect() };
        let codes =
            |count: usize| -> Vec<Value> { (0..count).map(|i| format!("C{i}").into()).collect() };
        for backend in [DatabaseBackend::Postgres, DatabaseBackend::Sqlite] {
            for layout in [
                [1, 0, 0, 0, 0],
                [0, 1, 0, 0, 0],
                [0, 0, 1, 0, 0],
                [2, 1, 1, 1, 1],
            ] {
                let groups = || {
                    vec![
                        ids(layout[0]),
                        ids(layout[1]),
                        codes(layout[2]),
                        ids(layout[3]),
                        ids(layout[4]),
                    ]
                };
                for _ in 0..2 {
                    let groups = groups();
                    let built = backend.build(&references(groups.clone()));
                    let kept = crate::services::statements::grouped(backend, references, groups);
                    assert_eq!(kept, built, "{backend:?}, {layout:?}");
                }
            }
        }
    }
}
