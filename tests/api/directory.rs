//! The member directory over HTTP: who is shown, what is shown, hostile bios and queries,
//! ranking and paging, and that a search never sees a half-applied change.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::{Value, json};

use crate::common::{Backend, TestApp, error_codes};

const LIST: &str = "/api/public/coworkers/published";

/// A signed-in member at `location` (the first location if `None`) with this profile.
async fn member_with(app: &TestApp, email: &str, location: Option<&str>, body: Value) -> (String, i64) {
    app.add_member(email, location).await;
    let token = app.sign_in(email, crate::common::PASSWORD).await;
    app.patch_ok(&token, &body).await;
    let id = app.profile(&token).await["Id"].as_i64().expect("id");
    (token, id)
}

async fn list(app: &TestApp, token: &str, query: &str) -> (StatusCode, Value) {
    app.get(token, &format!("{LIST}{query}")).await
}

fn ids(page: &Value) -> Vec<i64> {
    page["Records"].as_array().expect("records").iter().map(|r| r["Id"].as_i64().expect("id")).collect()
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

const PRIVATE_VALUES: [&str; 6] = [
    "+44 20 7946 0999",
    "1 Secret Lane",
    "Billing Person",
    "billing@example.com",
    "1980-02-03",
    "ann@example.com",
];

async fn only_public_profiles_and_properties_at_the_callers_location(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_location("Main Street").await;
    app.add_location("Dock Road").await;
    let (viewer, _) =
        member_with(&app, "viewer@example.com", Some("Main Street"), json!({"NickName": "V"})).await;
    let full = json!({"FullName": "Ann Public", "ProfileIsPublic": true, "Position": "Designer",
        "CompanyName": "Acme", "BusinessArea": "Design", "ProfileSummary": "Hello **there**",
        "ProfileWebsite": "https://ann.example", "ProfileTags": "UX, Research", "Github": "ann",
        "MobilePhone": PRIVATE_VALUES[0], "Address": PRIVATE_VALUES[1], "BillingName": PRIVATE_VALUES[2],
        "BillingEmail": PRIVATE_VALUES[3], "DateOfBirth": PRIVATE_VALUES[4]});
    let (_, ann) = member_with(&app, "ann@example.com", Some("Main Street"), full).await;
    let (_, bob) =
        member_with(&app, "bob@example.com", Some("Main Street"), json!({"FullName": "Bob Private"})).await;
    let elsewhere = json!({"FullName": "Cy Elsewhere", "ProfileIsPublic": true});
    let (_, cy) = member_with(&app, "cy@example.com", Some("Dock Road"), elsewhere).await;

    let (status, page) = list(&app, &viewer, "").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(ids(&page), vec![ann]);
    let record = &page["Records"][0];
    let mut keys: Vec<&str> = record.as_object().expect("record").keys().map(String::as_str).collect();
    let mut expected = [
        "Id",
        "UniqueId",
        "FullName",
        "Position",
        "CompanyName",
        "BusinessArea",
        "ProfileSummary",
        "ProfileSummaryHtml",
        "ProfileWebsite",
        "ProfileTagsList",
        "GuessedFirstName",
        "GuessedLastName",
        "InvoicingSpaceName",
        "AvatarUrl",
    ];
    keys.sort_unstable();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(record["ProfileSummaryHtml"], "<p>Hello <strong>there</strong></p>\n");
    assert_eq!(record["ProfileTagsList"], json!(["UX", "Research"]));
    assert_eq!((page["TotalItems"].as_u64(), page["TotalPages"].as_u64()), (Some(1), Some(1)));

    let (status, card) = app.get(&viewer, &format!("{LIST}/{ann}")).await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["Coworker"]["Github"], "https://github.com/ann");
    for private in PRIVATE_VALUES {
        assert!(!page.to_string().contains(private) && !card.to_string().contains(private), "{private}");
    }
    for hidden in [bob.to_string(), cy.to_string(), "x1".into(), "99999".into()] {
        let (status, body) = app.get(&viewer, &format!("{LIST}/{hidden}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{hidden}: {body}");
    }
    for query in ["?query=bob", "?query=elsewhere", "?query=secret", "?query=billing"] {
        assert!(ids(&list(&app, &viewer, query).await.1).is_empty(), "{query}");
    }
    let (status, _) = app.client.get(app.url(LIST)).send().await.map(|r| (r.status(), ())).expect("GET");
    assert_eq!(status, StatusCode::UNAUTHORIZED, "members only");
}

/// Hostile bios: the rendered HTML is parsed and must hold nothing that runs or fetches.
const BIO_ATTACKS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\u{0000}script:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![pixel](https://tracker.example/p.gif)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"width: expression(alert(1))\">css</p>",
    "<style>body{display:none}</style>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<form action=\"https://evil.example\"><input name=p></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<a href=\"&#106;avascript:alert(1)\">entity</a>",
    "[entity](&#106;avascript:alert(1))",
    "<details open ontoggle=alert(1)>",
    "\u{202E}<b onmouseover=alert(1)>rtl</b>",
    "<!-- <script>alert(1)</script> -->",
    "<base href=\"https://evil.example/\"><meta http-equiv=refresh content=0>",
    "[x](//evil.example/path)",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
];

fn assert_inert(html: &str) {
    let document = Html::parse_fragment(html);
    let everything = Selector::parse("*").expect("selector");
    for element in document.select(&everything) {
        let name = element.value().name();
        assert!(
            !matches!(
                name,
                "script"
                    | "style"
                    | "iframe"
                    | "object"
                    | "embed"
                    | "svg"
                    | "math"
                    | "img"
                    | "form"
                    | "input"
                    | "link"
                    | "meta"
                    | "base"
                    | "details"
            ),
            "<{name}> in {html}"
        );
        for (attribute, value) in element.value().attrs() {
            assert!(!attribute.starts_with("on") && attribute != "style", "{attribute} in {html}");
            if matches!(attribute, "href" | "src") {
                let lower = value.trim().to_ascii_lowercase();
                assert!(
                    lower.starts_with("http://")
                        || lower.starts_with("https://")
                        || lower.starts_with("mailto:"),
                    "{attribute}={value} in {html}"
                );
            }
        }
        if name == "a" {
            let rel = element.value().attr("rel").unwrap_or_default();
            assert!(rel.contains("nofollow") && rel.contains("noopener"), "rel={rel} in {html}");
        }
    }
}

async fn hostile_bios_render_to_inert_html(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (viewer, _) = member_with(&app, "viewer@example.com", None, json!({"NickName": "V"})).await;
    let (author, id) = member_with(&app, "author@example.com", None, json!({"ProfileIsPublic": true})).await;
    let mut accepted = Vec::new();
    for attack in BIO_ATTACKS {
        let (status, _) = app.patch(&author, &json!({"ProfileSummary": attack})).await;
        if status == StatusCode::BAD_REQUEST {
            continue; // refused as text (a control character): nothing to render
        }
        accepted.push(*attack);
        let (status, card) = app.get(&viewer, &format!("{LIST}/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(card["Coworker"]["ProfileSummary"], *attack, "the Markdown is returned as typed");
        assert_inert(card["Coworker"]["ProfileSummaryHtml"].as_str().expect("html"));
    }
    assert!(accepted.len() + 2 >= BIO_ATTACKS.len(), "only the control characters are refused");
    let everything = accepted.join("\n\n");
    app.patch_ok(&author, &json!({"ProfileSummary": everything})).await;
    let (_, page) = list(&app, &viewer, "").await;
    assert_inert(page["Records"][0]["ProfileSummaryHtml"].as_str().expect("html"));

    for website in ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"] {
        let (status, body) = app.patch(&author, &json!({"ProfileWebsite": website})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{website}: {body}");
        assert_eq!(error_codes(&body)[0].0, "ProfileWebsite");
    }
    app.patch_ok(&author, &json!({"ProfileWebsite": "https://x.example/\"><script>'"})).await;
    let (_, card) = app.get(&viewer, &format!("{LIST}/{id}")).await;
    let website = card["Coworker"]["ProfileWebsite"].as_str().expect("website");
    assert!(!website.contains(['"', '<', '>']), "stored percent-encoded: {website}");
    let tags = "<script>alert(1)</script>, <img src=x onerror=alert(1)>";
    app.patch_ok(&author, &json!({"ProfileTags": tags})).await;
    let response =
        app.client.get(app.url(&format!("{LIST}/{id}"))).bearer_auth(&viewer).send().await.expect("GET");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["x-content-type-options"], "nosniff", "never sniffed as HTML");
    let card: Value = response.json().await.expect("json");
    assert_eq!(
        card["Coworker"]["ProfileTagsList"],
        json!(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
    );
}

async fn images_show_only_from_hosts_the_operator_allows(backend: Backend) {
    let mut settings = crate::common::test_settings();
    settings.directory_image_hosts = vec!["cdn.example".into()];
    let app = TestApp::spawn_with(backend, settings).await;
    let (viewer, _) = member_with(&app, "viewer@example.com", None, json!({"NickName": "V"})).await;
    let bio = "![logo](https://cdn.example/logo.png) ![pixel](https://tracker.example/p.gif)";
    let (_, id) =
        member_with(&app, "a@example.com", None, json!({"ProfileIsPublic": true, "ProfileSummary": bio}))
            .await;
    let (_, card) = app.get(&viewer, &format!("{LIST}/{id}")).await;
    let html = card["Coworker"]["ProfileSummaryHtml"].as_str().expect("html");
    assert!(html.contains(r#"<img src="https://cdn.example/logo.png" alt="logo">"#), "{html}");
    assert!(!html.contains("tracker.example"), "{html}");
}

async fn search_ranks_an_exact_name_first_and_pages_without_overlap(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (viewer, _) = member_with(&app, "viewer@example.com", None, json!({"NickName": "V"})).await;
    let people = [
        ("a", json!({"FullName": "Rust Guild Admin", "ProfileSummary": "Ada Lovelace fan club"})),
        ("b", json!({"FullName": "Ada Lovelace", "Position": "Analyst"})),
        ("c", json!({"FullName": "Ada Lovelace-King", "CompanyName": "Ada Lovelace Ltd"})),
        ("d", json!({"FullName": "Dee Smith", "ProfileTags": "ada, lovelace"})),
        ("e", json!({"FullName": "Eve Adams", "BusinessArea": "Lovelace studies"})),
    ];
    let mut by_key = std::collections::HashMap::new();
    for (key, mut body) in people {
        body["ProfileIsPublic"] = json!(true);
        let (_, id) = member_with(&app, &format!("{key}@example.com"), None, body).await;
        by_key.insert(key, id);
    }
    let (status, page) = list(&app, &viewer, "?query=Ada%20Lovelace").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(ids(&page)[0], by_key["b"], "the exact name first: {page}");
    assert_eq!(page["TotalItems"], 4, "Eve has no word starting with ada: {page}");
    let mut seen = Vec::new();
    for number in 1..=2 {
        let (_, page) = list(&app, &viewer, &format!("?query=ada+lovelace&size=3&page={number}")).await;
        assert_eq!(page["CurrentPage"], number);
        assert_eq!(
            (page["HasPreviousPage"] == true, page["HasNextPage"] == true),
            (number == 2, number == 1)
        );
        assert_eq!(page["TotalPages"], 2);
        seen.extend(ids(&page));
    }
    seen.sort_unstable();
    let mut expected = vec![by_key["a"], by_key["b"], by_key["c"], by_key["d"]];
    expected.sort_unstable();
    assert_eq!(seen, expected, "every match once across the pages");

    let (_, tagged) = list(&app, &viewer, "?tag=LOVELACE").await;
    assert_eq!(ids(&tagged), vec![by_key["d"]]);
    let (_, alphabetical) = list(&app, &viewer, "?size=2").await;
    assert_eq!(alphabetical["Records"][0]["FullName"], "Ada Lovelace");
    assert_eq!(
        (alphabetical["TotalItems"].as_u64(), alphabetical["TotalPages"].as_u64()),
        (Some(5), Some(3))
    );

    let dee = app.sign_in("d@example.com", crate::common::PASSWORD).await;
    app.patch_ok(&dee, &json!({"Position": "Zeppelinist"})).await;
    assert_eq!(ids(&list(&app, &viewer, "?query=zeppelinist").await.1), vec![by_key["d"]], "seen at once");
}

async fn hostile_queries_answer_ok_or_a_clean_400(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (viewer, _) = member_with(&app, "viewer@example.com", None, json!({"NickName": "V"})).await;
    member_with(&app, "a@example.com", None, json!({"ProfileIsPublic": true, "FullName": "Quinn Near"}))
        .await;
    let long = "x".repeat(10 * 1024);
    let queries = [
        "\"",
        "\"\"",
        "\"unbalanced",
        "*",
        "a*",
        "* OR *",
        "NEAR(a b)",
        "quinn NEAR near",
        "-quinn",
        "quinn -",
        "AND",
        "OR NOT",
        "^quinn",
        "col:quinn",
        "full_name:quinn",
        "(",
        ")",
        "{a b}",
        "'",
        "'; drop table profiles; --",
        "\\",
        "%",
        "_",
        "🚀",
        "👩‍💻 quinn",
        "مرحبا",
        "\u{202E}nniuq",
        "\u{0000}",
        "quinn\u{0000}near",
        &long,
        "a & b | !c",
        "quinn:*",
        "<script>",
        "\u{FEFF}quinn",
        "²",
        "\u{093F}",
        "\u{0301}",
        "q\u{0301}uinn",
        "ǅ",
        "\u{E000}",
        "x\u{200D}y",
    ];
    for query in queries {
        for parameter in ["query", "tag"] {
            let (status, body) = list(&app, &viewer, &format!("?{parameter}={}", encoded(query))).await;
            assert!(
                status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
                "{parameter}={query:?}: {status}"
            );
            if status == StatusCode::BAD_REQUEST {
                assert_eq!(
                    error_codes(&body),
                    vec![(parameter.to_string(), "invalid_parameter".to_string())]
                );
            }
        }
    }
    let (status, body) = list(&app, &viewer, &format!("?query={long}")).await;
    assert_eq!((status, error_codes(&body)[0].0.as_str()), (StatusCode::BAD_REQUEST, "query"));
    for (query, parameter) in [
        ("?size=101", "size"),
        ("?size=0", "size"),
        ("?page=0", "page"),
        ("?page=x", "page"),
        ("?page=41&size=25", "page"),
        ("?page=99999999999999999999", "page"),
    ] {
        let (status, body) = list(&app, &viewer, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(error_codes(&body)[0].0, parameter, "{query}");
    }
    let (_, found) = list(&app, &viewer, "?query=%22quinn%22%20NEAR").await;
    assert_eq!(found["TotalItems"], 1, "quotes and operators are only separators: {found}");
}

/// One member flips between two consistent states (name and tag change together) while
/// others search: no answer may mix them.
async fn a_search_never_sees_a_half_applied_change(backend: Backend) {
    let app = Arc::new(TestApp::spawn(backend).await);
    let (viewer, _) = member_with(&app, "viewer@example.com", None, json!({"NickName": "V"})).await;
    let alpha = json!({"FullName": "Alpha Person", "ProfileTags": "alpha", "ProfileIsPublic": true});
    let beta = json!({"FullName": "Beta Person", "ProfileTags": "beta", "ProfileIsPublic": false});
    let (writer, _) = member_with(&app, "flip@example.com", None, alpha.clone()).await;
    let done = Arc::new(AtomicBool::new(false));
    let flipping = {
        let (app, done) = (Arc::clone(&app), Arc::clone(&done));
        tokio::spawn(async move {
            for round in 0..30 {
                app.patch_ok(&writer, if round % 2 == 0 { &beta } else { &alpha }).await;
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let mut searches = Vec::new();
    for _ in 0..4 {
        let (app, viewer, done) = (Arc::clone(&app), viewer.clone(), Arc::clone(&done));
        searches.push(tokio::spawn(async move {
            let mut answers = 0;
            while !done.load(Ordering::SeqCst) {
                for query in ["?query=person", "?tag=alpha", "?tag=beta", ""] {
                    let (status, page) = list(&app, &viewer, query).await;
                    assert_eq!(status, StatusCode::OK);
                    for record in page["Records"].as_array().expect("records") {
                        assert_eq!(
                            record["FullName"], "Alpha Person",
                            "only the public state shows: {record}"
                        );
                        assert_eq!(record["ProfileTagsList"], json!(["alpha"]), "{record}");
                    }
                    assert!(query != "?tag=beta" || page["TotalItems"] == 0, "{page}");
                    answers += 1;
                }
            }
            answers
        }));
    }
    flipping.await.expect("writer");
    for search in searches {
        assert!(search.await.expect("searcher") > 0);
    }
}

async fn related_profiles_share_tags_and_the_list_orders_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let public =
        |name: &str, tags: &str| json!({"FullName": name, "ProfileIsPublic": true, "ProfileTags": tags});
    let (token, ann) =
        member_with(&app, "ann@example.com", None, public("Ann", "design, ux, research")).await;
    let (_, bea) = member_with(&app, "bea@example.com", None, public("Bea", "ux")).await;
    let (_, cal) = member_with(&app, "cal@example.com", None, public("Cal", "UX, Research")).await;
    let (_, _dan) = member_with(&app, "dan@example.com", None, public("Dan", "gardening")).await;
    let hidden = json!({"FullName": "Eve", "ProfileIsPublic": false, "ProfileTags": "ux, research, design"});
    let (_, eve) = member_with(&app, "eve@example.com", None, hidden).await;

    let (status, related) = app.get(&token, &format!("{LIST}/{ann}/related")).await;
    assert_eq!(status, StatusCode::OK, "{related}");
    let related_ids: Vec<i64> = related["RelatedProfiles"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["Id"].as_i64().expect("id"))
        .collect();
    assert_eq!(
        related_ids,
        vec![cal, bea],
        "the most shared tags first; never itself, the untagged or the private"
    );
    assert_eq!(related["RelatedProfiles"][0]["ProfileTagsList"], json!(["UX", "Research"]));
    assert_eq!(related["RelatedProfiles"][0]["FullName"], "Cal");
    assert_eq!(related["Threads"], json!([]));
    assert_eq!(app.get(&token, &format!("{LIST}/{eve}/related")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&token, &format!("{LIST}/nope/related")).await.0, StatusCode::NOT_FOUND);

    let (_, by_name) = list(&app, &token, "?order=1").await;
    let (_, newest) = list(&app, &token, "?order=2").await;
    let mut reversed = ids(&newest);
    reversed.reverse();
    assert_eq!(ids(&by_name).len(), 4);
    assert_eq!(ids(&newest)[0], ids(&by_name)[3], "Dan joined last");
    assert_eq!(reversed[0], ann);
    let (_, searched) = list(&app, &token, "?query=ux&order=2").await;
    assert_eq!(ids(&searched), vec![cal, bea, ann], "a search in newest-first order");
    let (status, body) = list(&app, &token, "?order=3").await;
    assert_eq!(
        (status, error_codes(&body)),
        (StatusCode::BAD_REQUEST, vec![("order".into(), "invalid_parameter".into())])
    );
}

crate::every_store!(
    only_public_profiles_and_properties_at_the_callers_location,
    hostile_bios_render_to_inert_html,
    images_show_only_from_hosts_the_operator_allows,
    search_ranks_an_exact_name_first_and_pages_without_overlap,
    hostile_queries_answer_ok_or_a_clean_400,
    a_search_never_sees_a_half_applied_change,
    related_profiles_share_tags_and_the_list_orders_newest_first,
);
