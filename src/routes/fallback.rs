//! What answers when no route matches: a 405 naming the allowed methods when the path
//! exists, a 404 otherwise; and problem bodies for errors raised outside the handlers.

use std::sync::Arc;

use actix_web::{
    HttpRequest,
    body::{BoxBody, MessageBody},
    dev::ServiceResponse,
    http::header,
    middleware::ErrorHandlerResponse,
    web,
};

use crate::error::{ApiError, PROBLEM_JSON, ProblemDetails, problem_response};

/// Every documented path with the methods it accepts, matched segment by segment: a
/// `{param}` segment takes any non-empty segment, as actix-web's router does, and every
/// other segment must be equal. Finding a request's route here costs no regex, unlike
/// asking actix-web's resource map again.
pub struct RouteTable(Vec<Route>);

/// More segments than any documented path has (a test checks it).
const MAX_SEGMENTS: usize = 8;

struct Route {
    pattern: Arc<str>,
    segments: Vec<Segment>,
    methods: Vec<String>,
}

enum Segment {
    Literal(String),
    Param,
}

impl Route {
    fn new(pattern: &str, methods: Vec<String>) -> Self {
        let segments = pattern
            .split('/')
            .skip(1)
            .map(
                |segment| match segment.starts_with('{') && segment.ends_with('}') {
                    true => Segment::Param,
                    false => Segment::Literal(segment.to_owned()),
                },
            )
            .collect();
        Self {
            pattern: Arc::from(pattern),
            segments,
            methods,
        }
    }

    /// Whether the path split into `parts` (without its leading `/`) matches this route.
    fn matches(&self, parts: &[&str]) -> bool {
        self.segments.len() == parts.len()
            && self
                .segments
                .iter()
                .zip(parts)
                .all(|(segment, part)| match segment {
                    Segment::Literal(literal) => part == literal,
                    Segment::Param => !part.is_empty(),
                })
    }

    fn literals(&self) -> usize {
        self.segments
            .iter()
            .filter(|segment| matches!(segment, Segment::Literal(_)))
            .count()
    }
}

impl RouteTable {
    /// The table of the paths and methods in `openapi`.
    pub fn from_openapi(openapi: &utoipa::openapi::OpenApi) -> Self {
        let mut routes: Vec<Route> = openapi
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<String> = Vec::new();
                let operations = [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ];
                for (method, operation) in operations {
                    if operation.is_some() {
                        methods.push(method.to_owned());
                    }
                    // Every GET answers HEAD too (see `security::head_as_get`).
                    if method == "GET" && operation.is_some() {
                        methods.push("HEAD".to_owned());
                    }
                }
                Route::new(path, methods)
            })
            .collect();
        // Where a literal segment and a parameter could both match, the literal wins.
        routes.sort_by_key(|route| std::cmp::Reverse(route.literals()));
        Self(routes)
    }

    /// The route `path` matches. The path is split once, not once per route; one with
    /// more segments than any route has matches none.
    fn find(&self, path: &str) -> Option<&Route> {
        let path = path.strip_prefix('/')?;
        let mut parts = [""; MAX_SEGMENTS];
        let mut count = 0;
        for part in path.split('/') {
            *parts.get_mut(count)? = part;
            count += 1;
        }
        let parts = &parts[..count];
        self.0.iter().find(|route| route.matches(parts))
    }

    /// The documented pattern `path` matches, such as `/v1/claims/{id}`.
    pub fn pattern(&self, path: &str) -> Option<Arc<str>> {
        self.find(path).map(|route| route.pattern.clone())
    }
}

/// The default service: 405 with `Allow` when the path exists, else 404.
pub async fn not_found(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let path = req.path();
    Err(match routes.find(path) {
        Some(route) => ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            allowed: route.methods.join(", "),
        },
        None => ApiError::NoRoute(path.chars().take(200).collect()),
    })
}

/// Replaces any error response that is not already a problem (actix-web's own, for
/// instance) with a problem body of the same status.
pub fn problem_for_error<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_JSON.as_bytes());
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = res
        .response()
        .error()
        .map(|err| err.to_string())
        .filter(|_| status.is_client_error())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned());
    let problem = ProblemDetails {
        kind: "about:blank".to_owned(),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors: None,
    };
    let (req, old) = res.into_parts();
    let mut builder = actix_web::HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    let response: actix_web::HttpResponse<BoxBody> = problem_response(&mut builder, &problem);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body::<B>(),
    ))
}

#[cfg(test)]
mod tests {
    use actix_web::dev::ResourceDef;

    use super::RouteTable;

    /// The table finds, for any path, the pattern actix-web's router would match.
    #[test]
    fn the_table_matches_paths_as_the_router_does() {
        let spec = crate::startup::openapi();
        let table = RouteTable::from_openapi(&spec);
        let patterns: Vec<&String> = spec.paths.paths.keys().collect();
        assert!(patterns.len() > 40, "{} documented paths", patterns.len());
        let definitions: Vec<(&String, ResourceDef)> = patterns
            .iter()
            .map(|pattern| (*pattern, ResourceDef::new(pattern.as_str())))
            .collect();
        assert!(
            table
                .0
                .iter()
                .all(|route| route.segments.len() < super::MAX_SEGMENTS),
            "a documented path has {} segments or more",
            super::MAX_SEGMENTS
        );
        let mut paths = vec![
            "/".to_owned(),
            String::new(),
            "/v1".to_owned(),
            "/v1/".to_owned(),
            "//v1/claims".to_owned(),
            "/docs/index.html".to_owned(),
        ];
        for pattern in &patterns {
            for value in ["x", "deepseek-r1", "a%2Fb", "%D8%B5", ""] {
                let path: String = pattern
                    .split('/')
                    .map(|segment| match segment.starts_with('{') {
                        true => value,
                        false => segment,
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                paths.push(format!("{path}/"));
                paths.push(format!("{path}/extra"));
                paths.push(path.to_uppercase());
                paths.push(path);
            }
        }
        for path in &paths {
            let by_router: Vec<&str> = definitions
                .iter()
                .filter(|(_, definition)| definition.is_match(path))
                .map(|(pattern, _)| pattern.as_str())
                .collect();
            assert!(by_router.len() <= 1, "{path}: {by_router:?}");
            assert_eq!(
                table.pattern(path).as_deref(),
                by_router.first().copied(),
                "{path}"
            );
        }
    }
}
