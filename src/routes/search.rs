//! `/v1/search`: ranked full-text search across claims, models, companies and sources,
//! in Arabic and English.

use actix_web::{HttpRequest, HttpResponse, get, web};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::query::ListQuery;
use crate::{
    domain::{
        cursor::Cursor,
        lang::{Lang, Localized, Text},
        search_text::{self, Query},
    },
    error::ApiError,
    services::{
        freshness::DataVersion,
        listing,
        search::{self, Kind},
        search_cache::{self, PageKey, SearchCache},
    },
};

/// Parses a `q` parameter; a blank or overlong one is a 400 naming it.
pub fn query(q: Option<String>) -> Result<Option<Query>, ApiError> {
    q.map(|q| Query::parse(&q).map_err(|err| ApiError::parameter("q", err.to_string())))
        .transpose()
}

/// One search result.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "type": "claims", "key": "article-c6",
    "title": {"en": "Chinese models have become a tool of political influence, China's \"digital soft power\".", "ar": "…"},
    "snippet": {"en": "… China's \"digital <mark>soft</mark> <mark>power</mark>\".", "ar": "…"},
    "score": 1.2
}))]
pub struct SearchHit {
    /// `claims`, `models`, `companies` or `sources`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The record's key, slug or id: its URL is `/v1/{type}/{key}`.
    pub key: String,
    /// Its title.
    pub title: Text,
    /// A short extract around the match, HTML-escaped, with the matched words in `<mark>`.
    pub snippet: Text,
    /// How well it matches: higher is better, a match in a name or title weighing ten
    /// times one in a description. Scores compare hits within one search; their scale
    /// depends on the database behind the service (PostgreSQL's `ts_rank`, SQLite's
    /// `bm25`).
    pub score: f64,
}

/// A page of search results.
#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    /// Best first.
    pub data: Vec<SearchHit>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Parameters of `GET /v1/search`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// What to look for, in Arabic or English: words match anywhere, "quoted words" as a
    /// phrase. Diacritics, letter variants, attached prefixes and word endings are ignored.
    #[param(
        example = "القوة الناعمة",
        required = true,
        min_length = 1,
        max_length = 500
    )]
    q: Option<String>,
    /// Comma-separated types to search: `claims`, `models`, `companies`, `sources` (all by default).
    #[param(pattern = "^(claims|models|companies|sources)(,(claims|models|companies|sources))*$")]
    types: Option<String>,
}

/// Search claims, models, companies and sources.
///
/// Ranked by relevance (a match in a name or title outranks one in a description), ties
/// by recency. A query in either language searches both languages' text. Paginated with
/// `limit` and `cursor`, up to the best 1,000 results; `sort`, `count` and `facets` are
/// not available here.
///
/// Each instance keeps the pages it renders until any record changes, so a search
/// repeated while nothing changed is answered without querying again.
#[utoipa::path(
    tag = "search",
    params(SearchParams, ("limit" = Option<u32>, Query, minimum = 1, maximum = 200, description = "Results per page, 1 to 200 (default 50)"),
        ("cursor" = Option<String>, Query, description = "The previous page's `next_cursor`"),
        ("lang" = Option<String>, Query, pattern = "^(en|ar)$", description = "`en` or `ar`: titles and snippets in that language")),
    responses((status = 200, description = "A page of results", body = SearchResults))
)]
#[get("/search")]
pub async fn search_records(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<SearchCache>,
    data_version: web::Data<DataVersion>,
    params: ListQuery<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    for (name, value) in [
        ("sort", &params.page.sort),
        ("count", &params.page.count),
        ("facets", &params.page.facets),
    ] {
        if value.is_some() {
            return Err(ApiError::parameter(
                name,
                "is not available on search results, which are ranked",
            ));
        }
    }
    let q = params
        .filters
        .q
        .ok_or_else(|| ApiError::parameter("q", "is required"))?;
    let query = Query::parse(&q).map_err(|err| ApiError::parameter("q", err.to_string()))?;
    let kinds = match params.filters.types.as_deref() {
        None => Kind::ALL.to_vec(),
        Some(raw) => raw
            .split(',')
            .map(|name| Kind::parse(name.trim()))
            .collect::<Option<Vec<_>>>()
            .filter(|kinds| !kinds.is_empty())
            .ok_or_else(|| {
                ApiError::parameter(
                    "types",
                    "each must be one of claims, models, companies, sources",
                )
            })?,
    };
    let limit = listing::parse_limit(params.page.limit.as_deref())? as usize;
    // A cursor is bound to the query and types it was made for.
    let names: Vec<&str> = kinds.iter().map(|k| k.table()).collect();
    let digest = super::caching::short_digest(&[
        format!("{:?}", query.terms).as_bytes(),
        names.join(",").as_bytes(),
    ]);
    let offset = match params.page.cursor.as_deref() {
        None => 0,
        Some(raw) if !Cursor::is_shaped(raw) => {
            return Err(ApiError::parameter(
                "cursor",
                "must be a `next_cursor` as a page gave it: base64url, 1 to 1024 characters",
            ));
        }
        Some(raw) => Cursor::decode(raw, "search", &digest)
            .ok()
            .and_then(|cursor| cursor.value.as_u64())
            .ok_or_else(|| {
                ApiError::invalid(
                    "cursor",
                    "not a cursor of this search; start again without it",
                )
            })? as usize,
    };
    let lang: Option<Lang> = params.lang;
    let render = async {
        // One more than the page shows, to know whether another follows; never deeper
        // than MAX_RESULTS.
        let wanted = offset
            .saturating_add(limit + 1)
            .min(search::MAX_RESULTS as usize);
        let hits = search::search(
            db.get_ref(),
            &query,
            &kinds,
            offset as u64,
            wanted.saturating_sub(offset) as u64,
        )
        .await?;
        let next_cursor = (hits.len() > limit).then(|| {
            Cursor {
                list: "search".into(),
                sort: digest.clone(),
                value: ((offset + limit) as u64).into(),
                id: uuid::Uuid::nil(),
            }
            .encode()
        });
        // One cutter for the page: a word in several hits is stemmed once.
        let mut snippets = search_text::Snippets::new(&query);
        let data = hits
            .into_iter()
            .take(limit)
            .map(|hit| {
                // Only the language the page shows: with `lang`, the other is never written.
                let mut cut = |language: Lang, text: fn(&Localized) -> &str| match lang {
                    Some(shown) if shown != language => String::new(),
                    _ => snippets.cut(hit.texts.iter().map(text), 30),
                };
                SearchHit {
                    kind: hit.kind.table(),
                    key: hit.key,
                    snippet: Text::new(
                        cut(Lang::En, |t| t.en.as_str()),
                        cut(Lang::Ar, |t| t.ar.as_str()),
                        lang,
                    ),
                    title: hit.title.show(lang),
                    score: (hit.score * 1e6).round() / 1e6,
                }
            })
            .collect();
        let body = SearchResults { data, next_cursor };
        Ok(search_cache::Page {
            body: super::json_bytes(&body)?,
            next_cursor: body.next_cursor,
        })
    };
    // Kept under the data version read before the search reads anything: the page is at
    // least as new as the version it is kept under.
    let version = data_version.current(db.get_ref()).await?;
    let key = PageKey::new(version, &query, &kinds, offset as u64, limit as u64, lang);
    let page = cache.page(key, render).await?;
    let mut response = super::json_response(lang, page.body.clone());
    if let Some(cursor) = &page.next_cursor
        && let Ok(value) = actix_web::http::header::HeaderValue::from_str(&format!(
            "<{}>; rel=\"next\"",
            super::next_page_url(&req, cursor)
        ))
    {
        response
            .headers_mut()
            .insert(actix_web::http::header::LINK, value);
    }
    Ok(response)
}
