//! The help center: each tenant's public knowledge base under its own brand, at its host's
//! `/help` and on a `help.` host of its domain (`help.acme-agency.test` serves what
//! `acme-agency.test` is). Server-rendered HTML, fast and complete without JavaScript:
//! canonical addresses, Open Graph tags, a sitemap, small inline CSS in the tenant's colours.
//! Only public, live articles are ever shown (the reader is signed out as far as this knows);
//! the help center of a tenant never shows another's.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kt_app::kb::{self as kb, categories};
use kt_app::{AppError, AppState};
use kt_domain::kb::{Category, PublicEntry, Reader};
use kt_domain::tenancy::Tenant;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/help", get(home))
        .route("/help/", get(home))
        .route("/help/categories/{slug}", get(category))
        .route("/help/articles/{slug}", get(article))
        .route("/help/sitemap.xml", get(sitemap))
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The tenant the request's host names (a `help.` host names its parent's).
async fn tenant_of(app: &AppState, headers: &HeaderMap) -> Result<(Tenant, String), AppError> {
    let raw = headers.get(header::HOST).and_then(|v| v.to_str().ok()).ok_or(AppError::NotFound)?;
    let host = kt_app::identity::tenancy::normalize_host(raw);
    let tenant = match kt_app::identity::tenancy::resolve_host(app, &host).await {
        Ok(t) => t,
        Err(AppError::NotFound) => match host.strip_prefix("help.") {
            Some(parent) => kt_app::identity::tenancy::resolve_host(app, parent).await?,
            None => return Err(AppError::NotFound),
        },
        Err(e) => return Err(e),
    };
    // A suspended portal's help center is closed with it.
    if tenant.status != kt_domain::tenancy::TenantStatus::Active {
        return Err(AppError::NotFound);
    }
    // The port a local host listens on stays in its addresses.
    let host = raw.trim().trim_end_matches('.').to_lowercase();
    let scheme = if host.contains("localhost") || host.starts_with("127.") { "http" } else { "https" };
    Ok((tenant, format!("{scheme}://{host}")))
}

/// A page in the tenant's brand.
struct Page<'a> {
    tenant: &'a Tenant,
    origin: &'a str,
    title: String,
    description: String,
    /// Its path (`/help/articles/x`): the canonical address is the origin's.
    path: String,
    og_type: &'static str,
    main: String,
}

fn page(p: Page<'_>) -> Response {
    let b = &p.tenant.branding;
    let name = esc(&b.portal_name);
    let url = format!("{}{}", p.origin, p.path);
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title} · {name} help</title><meta name="description" content="{description}">
<link rel="canonical" href="{url}">
<meta property="og:type" content="{og_type}"><meta property="og:title" content="{title}"><meta property="og:description" content="{description}"><meta property="og:url" content="{url}"><meta property="og:site_name" content="{name}">
<meta name="theme-color" content="{primary}">
<style>
:root{{--brand:{primary}}}*{{box-sizing:border-box}}body{{margin:0;font:1rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#fff}}
header{{background:var(--brand);color:#fff;padding:.75rem 1rem}}header a{{color:#fff;text-decoration:none;font-weight:600}}
main{{max-width:46rem;margin:0 auto;padding:1rem}}a{{color:#1d4ed8}}h1{{font-size:1.6rem;line-height:1.25}}h2{{font-size:1.2rem}}
ul.list{{list-style:none;padding:0}}ul.list li{{padding:.6rem 0;border-bottom:1px solid #e5e7eb}}ul.list a{{display:inline-block;min-height:24px}}
.muted{{color:#4b5563;font-size:.95rem}}nav.crumbs{{font-size:.95rem;margin:.5rem 0}}
.kb-video{{margin:1rem 0;padding:1rem;border:1px solid #e5e7eb;border-radius:.5rem}}.kb-video iframe{{width:100%;aspect-ratio:16/9;border:0}}
img{{max-width:100%;height:auto}}pre{{overflow-x:auto;background:#f3f4f6;padding:.75rem}}footer{{max-width:46rem;margin:2rem auto;padding:1rem;color:#4b5563;font-size:.9rem}}
</style></head>
<body><header><a href="/help">{name} help center</a></header>
<main id="main">{main}</main>
<footer>{name}</footer>
<script>document.addEventListener("click",function(e){{var a=e.target.closest&&e.target.closest(".kb-video__play");if(!a)return;var f=a.parentNode,s=f.getAttribute("data-embed");if(!s)return;e.preventDefault();var i=document.createElement("iframe");i.src=s;i.title="Video";i.allow="fullscreen";i.loading="lazy";f.replaceChild(i,a);}});</script>
</body></html>"#,
        title = esc(&p.title),
        description = esc(&p.description),
        og_type = p.og_type,
        primary = esc(b.primary.as_str()),
        main = p.main,
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=60"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'self'; img-src 'self' https: data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-src https://www.youtube-nocookie.com https://player.vimeo.com https://www.loom.com"),
        ],
        html,
    )
        .into_response()
}

fn missing(tenant: Option<&Tenant>, origin: &str) -> Response {
    let mut r = match tenant {
        Some(t) => page(Page {
            tenant: t,
            origin,
            title: "Not found".into(),
            description: String::new(),
            path: "/help".into(),
            og_type: "website",
            main: "<h1>This page is not here</h1><p><a href=\"/help\">Back to the help center</a></p>".into(),
        }),
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    };
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}

/// Every public, live article of the tenant, newest first, from the help center's own index
/// (one small entry per public article: a page or two whatever the size of the KB).
async fn public_articles(app: &AppState, tenant: &Tenant) -> Result<Vec<PublicEntry>, AppError> {
    let now = app.clock.now();
    let all = kt_store::kb::public_entries(app.store.as_ref(), &tenant.id).await?;
    Ok(all.into_iter().filter(|e| e.live(now)).collect())
}

fn article_list<'a>(articles: impl IntoIterator<Item = &'a PublicEntry>) -> String {
    let items: String = articles
        .into_iter()
        .map(|a| {
            let summary = if a.summary.is_empty() {
                String::new()
            } else {
                format!("<br><span class=\"muted\">{}</span>", esc(&a.summary))
            };
            format!("<li><a href=\"/help/articles/{}\">{}</a>{summary}</li>", esc(&a.slug), esc(&a.title))
        })
        .collect();
    if items.is_empty() {
        "<p class=\"muted\">Nothing here yet.</p>".into()
    } else {
        format!("<ul class=\"list\">{items}</ul>")
    }
}

async fn home(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let Ok((tenant, origin)) = tenant_of(&app, &headers).await else { return missing(None, "") };
    let (Ok(cats), Ok(articles)) =
        (categories::read(&app, Reader::Anonymous, &tenant).await, public_articles(&app, &tenant).await)
    else {
        return (StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment").into_response();
    };
    // Categories with something public in them (or under them), top level first.
    let used = |c: &Category| articles.iter().any(|a| a.category.as_deref() == Some(c.id.as_str()));
    let shown: String = cats
        .iter()
        .map(|c| &c.value)
        .filter(|c| used(c) || cats.iter().any(|x| x.value.parent.as_deref() == Some(c.id.as_str()) && used(&x.value)))
        .map(|c| {
            let indent = "&nbsp;&nbsp;".repeat(usize::from(c.depth.saturating_sub(1)));
            format!("<li>{indent}<a href=\"/help/categories/{}\">{}</a></li>", esc(&c.slug), esc(&c.name))
        })
        .collect();
    let name = &tenant.branding.portal_name;
    let mut main = format!("<h1>How can we help?</h1><p class=\"muted\">Answers from {}.</p>", esc(name));
    if !shown.is_empty() {
        main.push_str(&format!("<h2>Categories</h2><ul class=\"list\">{shown}</ul>"));
    }
    main.push_str(&format!("<h2>Articles</h2>{}", article_list(articles.iter().take(20))));
    page(Page {
        tenant: &tenant,
        origin: &origin,
        title: "Help center".into(),
        description: format!("Answers and guides from {name}."),
        path: "/help".into(),
        og_type: "website",
        main,
    })
}

async fn category(State(app): State<AppState>, headers: HeaderMap, Path(slug): Path<String>) -> Response {
    let Ok((tenant, origin)) = tenant_of(&app, &headers).await else { return missing(None, "") };
    let Ok(cats) = categories::read(&app, Reader::Anonymous, &tenant).await else {
        return (StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment").into_response();
    };
    let Some(c) = cats.iter().map(|c| &c.value).find(|c| c.slug == slug) else {
        return missing(Some(&tenant), &origin);
    };
    let Ok(all) = public_articles(&app, &tenant).await else {
        return (StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment").into_response();
    };
    let public = |id: &str| all.iter().any(|a| a.category.as_deref() == Some(id));
    // A category shows when something public is in it or under it.
    let shows = |id: &str| -> bool {
        let mut out = vec![id.to_owned()];
        let mut i = 0;
        while i < out.len() {
            let parent = out[i].clone();
            out.extend(
                cats.iter().filter(|x| x.value.parent.as_deref() == Some(parent.as_str())).map(|x| x.value.id.clone()),
            );
            i += 1;
        }
        out.iter().any(|id| public(id))
    };
    if !shows(&c.id) {
        return missing(Some(&tenant), &origin);
    }
    let articles = all.iter().filter(|a| a.category.as_deref() == Some(c.id.as_str()));
    let subs: String = cats
        .iter()
        .map(|x| &x.value)
        .filter(|x| x.parent.as_deref() == Some(c.id.as_str()) && shows(&x.id))
        .map(|x| format!("<li><a href=\"/help/categories/{}\">{}</a></li>", esc(&x.slug), esc(&x.name)))
        .collect();
    let mut main = format!("<nav class=\"crumbs\"><a href=\"/help\">Help center</a></nav><h1>{}</h1>", esc(&c.name));
    if !c.description.is_empty() {
        main.push_str(&format!("<p class=\"muted\">{}</p>", esc(&c.description)));
    }
    if !subs.is_empty() {
        main.push_str(&format!("<ul class=\"list\">{subs}</ul>"));
    }
    main.push_str(&article_list(articles));
    page(Page {
        tenant: &tenant,
        origin: &origin,
        title: c.name.clone(),
        description: if c.description.is_empty() {
            format!("Articles about {}.", c.name)
        } else {
            c.description.clone()
        },
        path: format!("/help/categories/{}", c.slug),
        og_type: "website",
        main,
    })
}

/// Whether a request is a person's read (not a crawler's, a prefetch or a HEAD).
fn read_by_person(method: &axum::http::Method, headers: &HeaderMap) -> bool {
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_lowercase();
    let prefetch = headers.get("sec-purpose").or_else(|| headers.get("purpose")).is_some();
    method == axum::http::Method::GET
        && !prefetch
        && !["bot", "crawl", "spider", "slurp", "preview"].iter().any(|b| agent.contains(b))
}

async fn article(
    State(app): State<AppState>,
    method: axum::http::Method,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    let Ok((tenant, origin)) = tenant_of(&app, &headers).await else { return missing(None, "") };
    let a = match kb::by_slug(&app, Reader::Anonymous, &tenant, &slug).await {
        Ok(a) => a.value,
        Err(_) => return missing(Some(&tenant), &origin),
    };
    if read_by_person(&method, &headers)
        && let Err(e) = kt_app::kb::readers::viewed(&app, Reader::Anonymous, &tenant, &a.id).await
    {
        tracing::warn!(error = %e, "a help-center view was not counted");
    }
    let crumbs = match &a.content.category {
        Some(id) => categories::read(&app, Reader::Anonymous, &tenant)
            .await
            .ok()
            .and_then(|cats| cats.into_iter().find(|c| &c.value.id == id))
            .map(|c| format!(" › <a href=\"/help/categories/{}\">{}</a>", esc(&c.value.slug), esc(&c.value.name)))
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut related = String::new();
    for id in &a.content.related {
        if let Ok(r) = kb::get(&app, Reader::Anonymous, &tenant, id).await {
            related.push_str(&format!(
                "<li><a href=\"/help/articles/{}\">{}</a></li>",
                esc(&r.value.slug),
                esc(&r.value.content.title)
            ));
        }
    }
    let mut main = format!(
        "<nav class=\"crumbs\"><a href=\"/help\">Help center</a>{crumbs}</nav><article><h1>{}</h1><p class=\"muted\">Updated {}</p>{}</article>",
        esc(&a.content.title),
        a.updated_at.date(),
        kt_app::kb::embeds::render(&a.content.body)
    );
    if !related.is_empty() {
        main.push_str(&format!("<h2>Related articles</h2><ul class=\"list\">{related}</ul>"));
    }
    let description = if a.content.summary.is_empty() { a.content.title.clone() } else { a.content.summary.clone() };
    page(Page {
        tenant: &tenant,
        origin: &origin,
        title: a.content.title.clone(),
        description,
        path: format!("/help/articles/{}", a.slug),
        og_type: "article",
        main,
    })
}

async fn sitemap(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let Ok((tenant, origin)) = tenant_of(&app, &headers).await else { return missing(None, "") };
    let (Ok(cats), Ok(articles)) =
        (categories::read(&app, Reader::Anonymous, &tenant).await, public_articles(&app, &tenant).await)
    else {
        return (StatusCode::SERVICE_UNAVAILABLE, "Try again in a moment").into_response();
    };
    let mut urls = vec![format!("<url><loc>{origin}/help</loc></url>")];
    for c in cats.iter().filter(|c| articles.iter().any(|a| a.category.as_deref() == Some(c.value.id.as_str()))) {
        urls.push(format!("<url><loc>{origin}/help/categories/{}</loc></url>", esc(&c.value.slug)));
    }
    for a in &articles {
        urls.push(format!(
            "<url><loc>{origin}/help/articles/{}</loc><lastmod>{}</lastmod></url>",
            esc(&a.slug),
            a.updated_at.date()
        ));
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{}</urlset>\n",
        urls.join("")
    );
    ([(header::CONTENT_TYPE, "application/xml"), (header::CACHE_CONTROL, "public, max-age=300")], xml).into_response()
}
