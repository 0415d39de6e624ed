//! Rendered search pages, kept per data version.
//!
//! A search costs the database work in proportion to the records that match, not to the
//! page it returns: "export controls" over 100,000 claims ranks about 1,250 records to
//! show 50. When a fact-check goes viral, the same search arrives many times a second, and
//! while the data version has not moved every one of them would get the same bytes.
//!
//! So a rendered page is kept under the data version it was read at, with the normalized
//! query, the types, the page's place and the language. A change to any record moves the
//! version, so a kept page is never served for data newer than it shows, the same promise
//! the weak `ETag`s make (see `routes::caching`). Requests for a page that is being
//! rendered wait for it rather than rendering it again, so a burst of one search costs
//! one query.
//!
//! Pages are weighed by their size, and the least useful go first once the configured
//! bytes are used; a page not asked for in ten minutes goes too. Each instance keeps its
//! own pages: nothing in them is state another instance needs.

use std::{future::Future, sync::Arc, time::Duration};

use actix_web::web::Bytes;
use moka::future::Cache;
use prometheus::{IntCounterVec, Opts, Registry};

use super::search::Kind;
use crate::{
    domain::{lang::Lang, search_text::Query},
    error::ApiError,
};

/// How long a page no one asks for is kept.
const IDLE: Duration = Duration::from_secs(600);

/// What a page is kept under.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// The data version the page was read at.
    pub version: i64,
    /// The normalized query, as PostgreSQL reads it (equal for queries that search the same).
    pub query: String,
    /// The types searched, one bit each.
    pub kinds: u8,
    /// Hits before the page.
    pub offset: u64,
    /// Hits on the page.
    pub limit: u64,
    /// The language asked for, if one was.
    pub lang: Option<Lang>,
}

impl PageKey {
    /// The key of the page `offset..offset + limit` of `query` over `kinds`, in `lang`,
    /// at data version `version`.
    pub fn new(
        version: i64,
        query: &Query,
        kinds: &[Kind],
        offset: u64,
        limit: u64,
        lang: Option<Lang>,
    ) -> Self {
        let kinds = Kind::ALL
            .iter()
            .enumerate()
            .filter(|(_, kind)| kinds.contains(kind))
            .fold(0, |bits, (place, _)| bits | 1 << place);
        Self {
            version,
            query: query.tsquery(),
            kinds,
            offset,
            limit,
            lang,
        }
    }
}

/// A rendered page of search results.
#[derive(Debug)]
pub struct Page {
    /// The JSON body.
    pub body: Bytes,
    /// The cursor of the next page, for the `Link` header.
    pub next_cursor: Option<String>,
}

/// The kept pages, with counts of how often a request found its page kept.
#[derive(Clone)]
pub struct SearchCache {
    pages: Option<Cache<PageKey, Arc<Page>>>,
    lookups: IntCounterVec,
}

impl SearchCache {
    /// A cache holding up to `max_bytes` of pages (none at 0), counting its lookups in
    /// `registry` as `mizan_search_cache_lookups_total`.
    pub fn new(max_bytes: u64, registry: &Registry) -> anyhow::Result<Self> {
        let lookups = IntCounterVec::new(
            Opts::new(
                "search_cache_lookups_total",
                "Search pages asked for, by whether they were rendered for the request (miss) \
                 or already kept or being rendered for another (hit)",
            ),
            &["result"],
        )?;
        registry.register(Box::new(lookups.clone()))?;
        let pages = (max_bytes > 0).then(|| {
            Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|key: &PageKey, page: &Arc<Page>| {
                    let bytes = key.query.len()
                        + page.body.len()
                        + page.next_cursor.as_ref().map_or(0, String::len)
                        + size_of::<PageKey>()
                        + size_of::<Page>();
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .time_to_idle(IDLE)
                .build()
        });
        Ok(Self { pages, lookups })
    }

    /// The page under `key`: the kept one, or the one `render` makes, which is then kept.
    /// While one request renders a page, others asking for it wait for that one. A failed
    /// render keeps nothing, and each request that waited for it gets its error.
    pub async fn page<F>(&self, key: PageKey, render: F) -> Result<Arc<Page>, ApiError>
    where
        F: Future<Output = Result<Page, ApiError>>,
    {
        let Some(pages) = &self.pages else {
            self.lookups.with_label_values(&["miss"]).inc();
            return render.await.map(Arc::new);
        };
        let entry = pages
            .entry(key)
            .or_try_insert_with(async { render.await.map(Arc::new) })
            .await
            .map_err(unshared)?;
        let result = if entry.is_fresh() { "miss" } else { "hit" };
        self.lookups.with_label_values(&[result]).inc();
        Ok(entry.into_value())
    }
}

/// The error of a render that several requests waited for, for one of them.
fn unshared(err: Arc<ApiError>) -> ApiError {
    Arc::try_unwrap(err).unwrap_or_else(|shared| match *shared {
        ApiError::Unavailable => ApiError::Unavailable,
        ApiError::Timeout => ApiError::Timeout,
        ref other => ApiError::Unexpected(anyhow::anyhow!("{other:#}")),
    })
}
