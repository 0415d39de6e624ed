//! Publishing fact-checks: a claim's verdict history, the claims that bear on a record,
//! schema.org ClaimReview, and embeddable cards.

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::query::{ItemDoc, ItemQuery, ListQuery, PagingDoc, parse};
use crate::{
    config::Publisher,
    domain::{
        figure::Figure,
        kinds::{SubjectType, Verdict},
        lang::{Lang, Text},
    },
    error::ApiError,
    services::{claims, companies, countries, listing::PageRequest, models, statistics},
    views::claims::Claim,
};

/// A claim's verdict as one change left it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "revision_id": "0193a5b0-7e1f-7c3a-9d2e-1f2a3b4c5d72",
    "at": "2025-11-29T00:00:00Z",
    "actor": "dataset",
    "verdict": "supported",
    "summary": {"en": "OpenAI cut o3's API prices by 80% on 2025-06-10.", "ar": "خفّضت أوبن إيه آي أسعار o3 بنسبة 80% في 10 يونيو 2025."}
}))]
pub struct VerdictChange {
    /// The revision that set it.
    pub revision_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// Who: an API key's id, or `dataset` for the curated dataset.
    pub actor: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Its summary at the time.
    pub summary: Option<Text>,
}

/// A claim's verdict history.
#[derive(Serialize, ToSchema)]
pub struct VerdictHistory {
    /// Newest first.
    pub data: Vec<VerdictChange>,
}

/// List a claim's verdicts over time.
///
/// From the claim's revisions, newest first: each verdict or summary it has had, when,
/// and who set it.
#[utoipa::path(
    tag = "fact-checks",
    params(("id" = String, Path, description = "The claim's id, or its dataset key"), ItemDoc),
    responses((status = 200, description = "The verdict history", body = VerdictHistory))
)]
#[get("/{id}/verdicts")]
pub async fn list_claim_verdicts(
    db: web::Data<DatabaseConnection>,
    id: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    let (claim, _) = find_claim(&db, &id).await?;
    let data = claims::verdicts(db.get_ref(), claim.id)
        .await?
        .into_iter()
        .map(|change| VerdictChange {
            revision_id: change.revision_id,
            at: change.at,
            actor: change.actor,
            verdict: change.verdict,
            summary: change.summary.map(|summary| summary.show(query.lang)),
        })
        .collect();
    super::json(query.lang, &VerdictHistory { data })
}

async fn find_claim(
    db: &DatabaseConnection,
    id: &str,
) -> Result<(entity::claim::Model, claims::Parts), ApiError> {
    claims::find(db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource: "claim",
            id: id.to_owned(),
        })
}

/// Filters of the claims that bear on a record.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RelatedClaimsParams {
    /// A full-text query in Arabic or English (see `/v1/search`), combined with the other filters.
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
    /// Only claims with this verdict.
    #[param(value_type = Option<Verdict>)]
    verdict: Option<String>,
}

async fn related_claims(
    req: &HttpRequest,
    db: &DatabaseConnection,
    query: ListQuery<RelatedClaimsParams>,
    filter: claims::Filter,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&claims::LIST, &query.page)?;
    let filter = claims::Filter {
        q: super::search::query(query.filters.q)?,
        verdict: parse::one_of(
            "verdict",
            query.filters.verdict,
            Verdict::parse,
            Verdict::expected,
        )?,
        ..filter
    };
    let (rows, parts) = claims::list(db, filter, &page).await?;
    super::page(req, query.lang, rows, |row| {
        Ok(Claim::build(row, &parts, query.lang)?)
    })
}

/// List the claims a statistic is evidence for.
#[utoipa::path(
    tag = "fact-checks",
    params(("id" = String, Path, description = "The statistic's id, or its dataset key"), RelatedClaimsParams, PagingDoc),
    responses((status = 200, description = "A page of claims", body = super::ListBody<Claim>))
)]
#[get("/{id}/claims")]
pub async fn list_statistic_claims(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    id: web::Path<String>,
    query: ListQuery<RelatedClaimsParams>,
) -> Result<HttpResponse, ApiError> {
    let stat = statistics::row(db.get_ref(), &id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource: "statistic",
            id: id.to_string(),
        })?;
    let filter = claims::Filter {
        statistic: Some(stat.id),
        ..Default::default()
    };
    related_claims(&req, &db, query, filter).await
}

/// List the claims about a model.
#[utoipa::path(
    tag = "fact-checks",
    params(("slug" = String, Path, description = "The model's slug, or its id"), RelatedClaimsParams, PagingDoc),
    responses((status = 200, description = "A page of claims", body = super::ListBody<Claim>))
)]
#[get("/{slug}/claims")]
pub async fn list_model_claims(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    slug: web::Path<String>,
    query: ListQuery<RelatedClaimsParams>,
) -> Result<HttpResponse, ApiError> {
    let model = models::row(db.get_ref(), &slug)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource: "model",
            id: slug.to_string(),
        })?;
    let filter = claims::Filter {
        subject: Some(model.slug),
        subject_type: Some(SubjectType::Model),
        ..Default::default()
    };
    related_claims(&req, &db, query, filter).await
}

/// List the claims about a company.
#[utoipa::path(
    tag = "fact-checks",
    params(("slug" = String, Path, description = "The company's slug, or its id"), RelatedClaimsParams, PagingDoc),
    responses((status = 200, description = "A page of claims", body = super::ListBody<Claim>))
)]
#[get("/{slug}/claims")]
pub async fn list_company_claims(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    slug: web::Path<String>,
    query: ListQuery<RelatedClaimsParams>,
) -> Result<HttpResponse, ApiError> {
    let company = companies::row(db.get_ref(), &slug)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            resource: "company",
            id: slug.to_string(),
        })?;
    let filter = claims::Filter {
        subject: Some(company.slug),
        subject_type: Some(SubjectType::Company),
        ..Default::default()
    };
    related_claims(&req, &db, query, filter).await
}

/// List the claims about a country, region or group.
#[utoipa::path(
    tag = "fact-checks",
    params(("code" = String, Path, description = "ISO code, a region's or group's slug, or the record's id"), RelatedClaimsParams, PagingDoc),
    responses((status = 200, description = "A page of claims", body = super::ListBody<Claim>))
)]
#[get("/{code}/claims")]
pub async fn list_country_claims(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    code: web::Path<String>,
    query: ListQuery<RelatedClaimsParams>,
) -> Result<HttpResponse, ApiError> {
    let country =
        <countries::Countries as crate::services::resources::Resource>::row(db.get_ref(), &code)
            .await?
            .ok_or_else(|| ApiError::NotFound {
                resource: "country",
                id: code.to_string(),
            })?;
    let filter = claims::Filter {
        subject: Some(country.code),
        subject_type: Some(SubjectType::Country),
        ..Default::default()
    };
    related_claims(&req, &db, query, filter).await
}

/// A schema.org organization or person.
#[derive(Serialize, ToSchema)]
pub struct Agent {
    /// `Organization` or `Person`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// Its website.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Where a claim appeared.
#[derive(Serialize, ToSchema)]
pub struct Appearance {
    /// Always `CreativeWork`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Its URL.
    pub url: String,
    /// Its title, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Who published it.
    pub publisher: Agent,
}

/// The claim a review is of.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedClaim {
    /// Always `Claim`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Who made it.
    pub author: Agent,
    /// When it was made (or, failing that, when its source appeared).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_published: Option<NaiveDate>,
    /// Where it appeared.
    pub appearance: Appearance,
}

/// The rating a review gives.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    /// Always `Rating`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// From 1 (false) to 5 (supported).
    pub rating_value: u8,
    /// 5.
    pub best_rating: u8,
    /// 1.
    pub worst_rating: u8,
    /// The verdict, in the review's language.
    pub alternate_name: &'static str,
}

/// A work a review cites: a piece of the claim's evidence.
#[derive(Serialize, ToSchema)]
pub struct Citation {
    /// Always `CreativeWork`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// What it shows, in the review's language: a figure worded as its source words it
    /// ("Derivative models: more than 500 — …"), or a source's title and publisher.
    pub name: String,
    /// Where to read it.
    pub url: String,
}

/// A schema.org ClaimReview, as search engines and fact-check aggregators read it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "@context": "https://schema.org", "@type": "ClaimReview",
    "url": "https://api.example.org/v1/claims/article-c16",
    "claimReviewed": "OpenAI cut the prices of o3 by 80%.", "datePublished": "2025-11-29", "inLanguage": "en",
    "author": {"@type": "Organization", "name": "Mizan", "url": "https://mizan.example.org"},
    "reviewRating": {"@type": "Rating", "ratingValue": 5, "bestRating": 5, "worstRating": 1, "alternateName": "Supported"},
    "reviewBody": "On 2025-06-10 OpenAI cut the API price of o3 by 80%.",
    "citation": [{"@type": "CreativeWork", "name": "Price change: -80% — we dropped the price of o3 by 80%!!", "url": "https://twitter.com/sama/status/1932434606558462459"}],
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Organization", "name": "aurestv.net (unsigned article)"},
        "appearance": {"@type": "CreativeWork", "url": "https://aurestv.net/2025/11/%d9%85%d9%86-%d8%a7%d9%84%d8%a3%d9%82%d9%88%d9%89%d8%9f-%d8%a7%d9%84%d8%b0%d9%83%d8%a7%d8%a1-%d8%a7%d9%84%d8%a7%d8%b5%d8%b7%d9%86%d8%a7%d8%b9%d9%8a-%d8%a7%d9%84%d8%b5%d9%8a%d9%86%d9%8a-%d8%a3%d9%85/?amp=1", "publisher": {"@type": "Organization", "name": "aurestv.net"}}}
}))]
pub struct ClaimReview {
    /// `https://schema.org`.
    #[serde(rename = "@context")]
    pub context: &'static str,
    /// Always `ClaimReview`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The review's URL.
    pub url: String,
    /// The claim, in the review's language.
    pub claim_reviewed: String,
    /// When the review was last changed.
    pub date_published: NaiveDate,
    /// The review's language.
    pub in_language: &'static str,
    /// Who publishes the review.
    pub author: Agent,
    /// The verdict.
    pub review_rating: Rating,
    /// The verdict's summary, in the review's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_body: Option<String>,
    /// The evidence the verdict rests on, each figure worded as its source words it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citation: Vec<Citation>,
    /// The claim reviewed.
    pub item_reviewed: ReviewedClaim,
}

/// ClaimReviews, for crawlers and aggregators.
#[derive(Serialize, ToSchema)]
pub struct ClaimReviewList {
    /// A page of reviews.
    pub data: Vec<ClaimReview>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// The ClaimReview of `claim` in `lang`; `None` for a verdict that is not a rating of truth.
pub fn review(claim: &Claim, lang: Lang, publisher: &Publisher) -> Option<ClaimReview> {
    let verdict = claim.verdict;
    let rating = verdict.rating()?;
    let key = claim.key.clone().unwrap_or_else(|| claim.id.to_string());
    let claimant_is_person = claim.claimant.role.is_some() || claim.claimant.company.is_some();
    Some(ClaimReview {
        context: "https://schema.org",
        kind: "ClaimReview",
        url: format!("{}/v1/claims/{key}", publisher.public_url),
        claim_reviewed: pick(&claim.text, lang).to_owned(),
        date_published: claim.updated_at.date_naive(),
        in_language: lang.tag(),
        author: Agent {
            kind: "Organization",
            name: publisher.name.clone(),
            url: Some(publisher.url.clone()),
        },
        review_rating: Rating {
            kind: "Rating",
            rating_value: rating,
            best_rating: 5,
            worst_rating: 1,
            alternate_name: verdict.label(lang),
        },
        review_body: claim
            .verdict_summary
            .as_ref()
            .map(|summary| pick(summary, lang).to_owned()),
        citation: claim
            .evidence
            .iter()
            .filter_map(|item| evidence_label(item, lang))
            .map(|(name, url)| Citation {
                kind: "CreativeWork",
                name,
                url,
            })
            .collect(),
        item_reviewed: ReviewedClaim {
            kind: "Claim",
            author: Agent {
                kind: if claimant_is_person {
                    "Person"
                } else {
                    "Organization"
                },
                name: pick(&claim.claimant.name, lang).to_owned(),
                url: None,
            },
            date_published: claim.stated.or(claim.source.published),
            appearance: Appearance {
                kind: "CreativeWork",
                url: claim.source.url.clone(),
                headline: claim.source.title.clone(),
                publisher: Agent {
                    kind: "Organization",
                    name: claim.source.publisher.clone(),
                    url: None,
                },
            },
        },
    })
}

fn pick(text: &Text, lang: Lang) -> &str {
    text.get(lang)
}

/// Get a claim's ClaimReview.
///
/// schema.org ClaimReview as `application/ld+json`, in the language chosen by `lang` or
/// `Accept-Language` (English by default). Unreviewed claims and opinions have none: 404.
#[utoipa::path(
    tag = "fact-checks",
    params(("id" = String, Path, description = "The claim's id, or its dataset key"), ItemDoc),
    responses((status = 200, description = "The ClaimReview", body = ClaimReview, content_type = "application/ld+json"))
)]
#[get("/{id}/claimreview")]
pub async fn find_claim_review(
    db: web::Data<DatabaseConnection>,
    publisher: web::Data<Publisher>,
    id: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    let (claim, parts) = find_claim(&db, &id).await?;
    let lang = query.lang.unwrap_or(Lang::En);
    let claim = Claim::build(claim, &parts, Some(lang))?;
    let review = review(&claim, lang, &publisher)
        .ok_or_else(|| ApiError::NoReview(claim.verdict.as_str().to_owned()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/ld+json")
        .insert_header((header::CONTENT_LANGUAGE, lang.tag()))
        .insert_header((header::VARY, "Accept-Language"))
        .json(review))
}

/// Parameters of `GET /v1/claimreviews`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListClaimReviewsParams {
    /// A full-text query in Arabic or English (see `/v1/search`).
    #[param(min_length = 1, max_length = 500)]
    q: Option<String>,
}

/// List every ClaimReview.
///
/// One per claim whose verdict is a rating of truth, in the chosen language (English by
/// default), paginated like every list.
#[utoipa::path(
    tag = "fact-checks",
    params(ListClaimReviewsParams, PagingDoc),
    responses((status = 200, description = "A page of ClaimReviews", body = ClaimReviewList))
)]
#[get("/claimreviews")]
pub async fn list_claim_reviews(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    publisher: web::Data<Publisher>,
    query: ListQuery<ListClaimReviewsParams>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(&claims::LIST, &query.page)?;
    let filter = claims::Filter {
        q: super::search::query(query.filters.q)?,
        reviewed: true,
        ..Default::default()
    };
    let lang = query.lang.unwrap_or(Lang::En);
    let (rows, parts) = claims::list(db.get_ref(), filter, &page).await?;
    let data = rows
        .items
        .into_iter()
        .map(|row| Claim::build(row, &parts, Some(lang)))
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .filter_map(|claim| review(claim, lang, &publisher))
        .collect();
    let link = rows
        .next_cursor
        .as_deref()
        .map(|cursor| format!("<{}>; rel=\"next\"", super::next_page_url(&req, cursor)));
    let mut response = super::json(
        Some(lang),
        &ClaimReviewList {
            data,
            next_cursor: rows.next_cursor,
        },
    )?;
    if let Some(value) = link.and_then(|link| header::HeaderValue::from_str(&link).ok()) {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// Get a claim's embeddable card.
///
/// A self-contained HTML fragment to paste into an article: the claim, who made it and
/// when, the verdict, its summary, the evidence as links, and the ClaimReview JSON-LD.
/// `lang=ar` lays it out right to left. It loads nothing: no scripts, fonts or styles
/// from elsewhere.
#[utoipa::path(
    tag = "fact-checks",
    params(("id" = String, Path, description = "The claim's id, or its dataset key"), ItemDoc),
    responses((status = 200, description = "The card", body = String, content_type = "text/html"))
)]
#[get("/{id}/card")]
pub async fn find_claim_card(
    db: web::Data<DatabaseConnection>,
    publisher: web::Data<Publisher>,
    id: web::Path<String>,
    query: ItemQuery,
) -> Result<HttpResponse, ApiError> {
    let (claim, parts) = find_claim(&db, &id).await?;
    let lang = query.lang.unwrap_or(Lang::En);
    let claim = Claim::build(claim, &parts, Some(lang))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_LANGUAGE, lang.tag()))
        .insert_header((header::VARY, "Accept-Language"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        ))
        .body(card(&claim, lang, &publisher)))
}

/// The card's HTML.
pub fn card(claim: &Claim, lang: Lang, publisher: &Publisher) -> String {
    let verdict = claim.verdict;
    let (dir, align, font) = match lang {
        Lang::Ar => (
            "rtl",
            "right",
            "'Noto Naskh Arabic','Noto Sans Arabic','Amiri','Geeza Pro','Segoe UI',Tahoma,'Arial',sans-serif",
        ),
        Lang::En => (
            "ltr",
            "left",
            "-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif",
        ),
    };
    let color = match verdict {
        Verdict::Supported => "#1a7f37",
        Verdict::PartlySupported => "#9a6700",
        Verdict::Disputed => "#8250df",
        Verdict::Unsupported => "#bc4c00",
        Verdict::False => "#cf222e",
        Verdict::Opinion | Verdict::Unreviewed => "#57606a",
    };
    let (said, on, evidence_heading, by) = match lang {
        Lang::Ar => ("قال", "في", "الأدلة", "تحقّق"),
        Lang::En => ("Said by", "on", "Evidence", "Fact-check by"),
    };
    let mut meta = format!("{said} {}", escape(pick(&claim.claimant.name, lang)));
    if let Some(day) = claim.stated {
        meta.push_str(&format!(
            " {on} <time datetime=\"{day}\">{}</time>",
            long_date(day, lang)
        ));
    }
    let mut html = format!(
        "<article class=\"mizan-card\" lang=\"{tag}\" dir=\"{dir}\" data-verdict=\"{verdict}\" style=\"box-sizing:border-box;max-width:40rem;margin:1rem 0;padding:1rem 1.25rem;border:1px solid #d0d7de;border-{start}:6px solid {color};border-radius:8px;background:#ffffff;color:#1f2328;font-family:{font};font-size:16px;line-height:{line};text-align:{align};direction:{dir};unicode-bidi:isolate\">",
        tag = lang.tag(),
        start = align,
        line = if lang == Lang::Ar { "1.9" } else { "1.5" },
    );
    html.push_str(&format!(
        "<p class=\"mizan-verdict\" style=\"margin:0 0 .5rem\"><span style=\"display:inline-block;padding:.1rem .6rem;border-radius:999px;background:{color};color:#ffffff;font-weight:700;font-size:.875rem\">{}</span></p>",
        escape(verdict.label(lang))
    ));
    html.push_str(&format!(
        "<blockquote class=\"mizan-claim\" style=\"margin:0 0 .5rem;padding:0;font-size:1.15rem;font-weight:600\">{}</blockquote>",
        escape(pick(&claim.text, lang))
    ));
    html.push_str(&format!("<p class=\"mizan-meta\" style=\"margin:0 0 .75rem;color:#57606a;font-size:.875rem\">{meta}</p>"));
    if let Some(summary) = &claim.verdict_summary {
        html.push_str(&format!(
            "<p class=\"mizan-summary\" style=\"margin:0 0 .75rem\">{}</p>",
            escape(pick(summary, lang))
        ));
    }
    if !claim.evidence.is_empty() {
        html.push_str(&format!(
            "<p style=\"margin:0 0 .25rem;font-weight:700;font-size:.875rem\">{evidence_heading}</p><ul class=\"mizan-evidence\" style=\"margin:0 0 .75rem;padding-inline-start:1.25rem\">"
        ));
        for item in &claim.evidence {
            let Some((label, url)) = evidence_label(item, lang) else {
                continue;
            };
            html.push_str(&format!(
                "<li><a href=\"{}\" rel=\"noopener nofollow\" style=\"color:#0969da\"><bdi>{}</bdi></a></li>",
                escape(&url),
                escape(&label)
            ));
        }
        html.push_str("</ul>");
    }
    let key = claim.key.clone().unwrap_or_else(|| claim.id.to_string());
    html.push_str(&format!(
        "<p class=\"mizan-publisher\" style=\"margin:0;color:#57606a;font-size:.8rem\">{by} <a href=\"{}\" rel=\"noopener\" style=\"color:#57606a\">{}</a> · <a href=\"{}/v1/claims/{}\" rel=\"noopener\" style=\"color:#57606a\">{}</a></p>",
        escape(&publisher.url),
        escape(&publisher.name),
        escape(&publisher.public_url),
        escape(&key),
        escape(&key),
    ));
    if let Some(review) = review(claim, lang, publisher) {
        // Inside <script>, markup characters are written as JSON escapes so no text can end
        // or open an element.
        let json = serde_json::to_string(&review)
            .unwrap_or_default()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026");
        html.push_str(&format!(
            "<script type=\"application/ld+json\">{json}</script>"
        ));
    }
    html.push_str("</article>");
    html
}

/// A statistic's value as a reader of `lang` reads it, worded as its source words it.
fn figure(stat: &crate::views::statistics::Statistic, lang: Lang) -> String {
    Figure {
        value: stat.value,
        low: stat.value_low,
        high: stat.value_high,
        qualifier: stat.qualifier,
        unit: &stat.unit,
    }
    .text(lang)
}

/// What a piece of evidence says, in `lang`, and where to read it: a statistic as
/// `metric: figure — source title`, a source as `title — publisher`.
fn evidence_label(item: &crate::views::claims::Evidence, lang: Lang) -> Option<(String, String)> {
    match (&item.statistic, &item.source) {
        (Some(stat), _) => Some((
            format!(
                "{}: {} — {}",
                pick(&stat.metric.name, lang),
                figure(stat, lang),
                stat.source
                    .title
                    .as_deref()
                    .unwrap_or(&stat.source.publisher)
            ),
            stat.source.url.clone(),
        )),
        (None, Some(source)) => Some((
            match &source.title {
                Some(title) => format!("{title} — {}", source.publisher),
                None => source.publisher.clone(),
            },
            source.url.clone(),
        )),
        (None, None) => None,
    }
}

fn long_date(day: NaiveDate, lang: Lang) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const AR: [&str; 12] = [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ];
    let month = day.month0() as usize;
    match lang {
        Lang::En => format!("{} {} {}", day.day(), EN[month], day.year()),
        Lang::Ar => format!("{} {} {}", day.day(), AR[month], day.year()),
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let day = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        assert_eq!(long_date(day, Lang::En), "31 January 2025");
        assert_eq!(long_date(day, Lang::Ar), "31 يناير 2025");
    }
}
