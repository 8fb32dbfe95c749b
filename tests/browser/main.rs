//! The member portal in a real headless Chromium (Debian's `chromium` and `chromium-driver`,
//! which `.ci/run` installs), driven over WebDriver with fantoccini: sign-in, every section
//! saved and seen again after a reload, an error by its field, a password change that signs
//! out a second browser, a hostile bio that never runs, axe-core on every page, and
//! screenshots at desktop and phone widths into docs/screenshots/ (the README's), taken of a
//! branded location and of realistic members made as `portico seed` makes them (with
//! portraits). The hostile member's pages are checked the same way, but their screenshots go
//! to the build's own directory, never next to the README's.
//!
//! A missing browser, chromedriver or axe-core (`PORTICO_AXE_JS`) fails the test: `.ci/run`
//! installs them. On a machine without them, `PORTICO_SKIP_BROWSER=1` says so on purpose,
//! and the test then prints what it did not check.

#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use common::{Backend, PASSWORD, TestApp};
use portico::service::operator::BrandChange;

const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);

/// One chromedriver for the test, stopped when dropped.
struct Driver {
    process: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// The driver and browser, or why there are none.
async fn driver() -> Result<(Driver, PathBuf), String> {
    let chromedriver = find_program(&["chromedriver"]).ok_or("chromedriver is not installed")?;
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"])
        .ok_or("chromium is not installed")?;
    let port =
        TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
    let process = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let driver = Driver { process, url: format!("http://127.0.0.1:{port}") };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Ok((driver, chromium));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("chromedriver did not start".into())
}

async fn browser(driver: &Driver, chromium: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({"binary": chromium, "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
            "--disable-gpu", "--window-size=1280,900", "--lang=en-GB"]}),
    );
    ClientBuilder::rustls()
        .expect("tls")
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

fn axe_source() -> Option<String> {
    let path = std::env::var_os("PORTICO_AXE_JS")?;
    std::fs::read_to_string(path).ok()
}

fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
}

/// Where the screenshots of hostile test data go: the build's scratch directory, which no
/// document links to.
fn unpublished_screenshots() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("unpublished-screenshots")
}

/// A location's logo: a mark (an arch in a rounded square) beside three bars, on white.
fn logo_png() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(480, 160, |x, y| {
        let (x, y) = (x as i32, y as i32);
        let in_square = (20..140).contains(&x) && (20..140).contains(&y);
        let in_arch = (55..105).contains(&x)
            && (60..140).contains(&y)
            && ((x - 80).pow(2) + (y - 85).pow(2) < 625 || y >= 85);
        let in_bar = (170..460).contains(&x)
            && [(45, 65), (75, 95), (105, 125)].iter().any(|(top, bottom)| (*top..*bottom).contains(&y))
            && !(x > 380 && y >= 105);
        image::Rgb(if in_square && !in_arch {
            [15, 110, 99]
        } else if in_bar {
            [27, 31, 36]
        } else {
            [255, 255, 255]
        })
    });
    let mut png = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut png, image::ImageFormat::Png).expect("png");
    png.into_inner()
}

struct Session<'a> {
    client: Client,
    app: &'a TestApp,
    axe: Option<String>,
}

impl Session<'_> {
    async fn open(&self, path: &str) {
        self.client.goto(&self.app.url(path)).await.expect("goto");
    }

    async fn fill(&self, id: &str, text: &str) {
        let input = self.client.find(Locator::Id(id)).await.expect(id);
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    async fn value(&self, id: &str) -> String {
        let input = self.client.find(Locator::Id(id)).await.expect(id);
        input.prop("value").await.expect("value").unwrap_or_default()
    }

    /// Submits a form and waits for the answer to replace it: a new page, or (for the
    /// profile's sections, which the script saves in place) a new section.
    async fn submit(&self, form_action: &str) {
        let form = format!("form[action='{form_action}']");
        let old_page = self.client.find(Locator::Css(&form)).await.expect("the form");
        let selector = format!("{form} button[type=submit]");
        self.client.find(Locator::Css(&selector)).await.expect(&selector).click().await.expect("click");
        for _ in 0..200 {
            if old_page.tag_name().await.is_err() {
                self.client.wait().for_element(Locator::Css("main")).await.expect("the answer");
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("submitting {form_action} loaded no page");
    }

    async fn sign_in(&self, email: &str, password: &str) {
        self.open("/signin").await;
        self.fill("f-Email", email).await;
        self.fill("f-Password", password).await;
        self.submit("/signin").await;
    }

    /// axe-core's serious and critical violations on the current page.
    async fn accessibility_problems(&self) -> Vec<String> {
        let Some(axe) = &self.axe else { return Vec::new() };
        self.client.execute(axe, vec![]).await.expect("load axe");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document).then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))
                     .concat(r.passes.length > 10 ? [] : ['axe checked almost nothing'])));",
                vec![],
            )
            .await
            .expect("axe.run");
        result
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect())
            .unwrap_or_default()
    }

    /// Checks the page (axe-core, no member's script ran) and takes its screenshots for the
    /// README's folder: only pages of realistic data.
    async fn check_page(&self, name: &str) {
        self.check_page_into(name, &screenshots()).await;
    }

    /// The same checks of a page showing hostile test data; its screenshots are kept out of
    /// the README's folder.
    async fn check_hostile_page(&self, name: &str) {
        self.check_page_into(name, &unpublished_screenshots()).await;
    }

    async fn check_page_into(&self, name: &str, folder: &Path) {
        let problems = self.accessibility_problems().await;
        assert!(problems.is_empty(), "{name}: {problems:?}");
        let xss: Value = self.client.execute("return window.__xss || null;", vec![]).await.expect("probe");
        assert_eq!(xss, Value::Null, "{name}: a member's script ran");
        for (label, (width, height)) in [("desktop", DESKTOP), ("phone", PHONE)] {
            self.client.set_window_size(width, height).await.expect("resize");
            let png = self.client.screenshot().await.expect("screenshot");
            std::fs::create_dir_all(folder).expect("the screenshots' folder");
            std::fs::write(folder.join(format!("{name}-{label}.png")), png).expect("write screenshot");
        }
        self.client.set_window_size(DESKTOP.0, DESKTOP.1).await.expect("resize");
    }
}

/// Serves one page on another origin (another port), as a site the member visits would.
async fn attacker_page(html: &str) -> String {
    let html = html.to_string();
    let router =
        axum::Router::new().route("/", axum::routing::get(move || async move { axum::response::Html(html) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}/")
}

#[tokio::test]
async fn a_member_uses_the_portal_in_a_real_browser() {
    if std::env::var("PORTICO_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!(
            "NOT CHECKED (PORTICO_SKIP_BROWSER=1): the portal in a real browser, its accessibility, the screenshots"
        );
        return;
    }
    let (driver, chromium) = driver().await.unwrap_or_else(|reason| {
        panic!("{reason} (.ci/run installs Chromium and chromedriver; PORTICO_SKIP_BROWSER=1 skips this on purpose)")
    });
    let axe = axe_source();
    assert!(axe.is_some(), "PORTICO_AXE_JS must name axe-core's axe.min.js (.ci/run installs it)");
    let app = TestApp::spawn(Backend::Sqlite).await;
    // A branded location: its name, logo and accent on every page; members may write to
    // each other from the directory.
    app.add_location("Canal Street").await;
    let brand = BrandChange {
        display_name: Some("Canal Street Works".into()),
        accent: Some("#0f6e63".into()),
        logo: Some(logo_png()),
        contact_relay: Some(true),
        ..BrandChange::default()
    };
    portico::service::operator::set_brand(&app.state, "Canal Street", brand).await.expect("the brand");
    app.add_member("ada@example.com", None).await;
    let token = app.sign_in("ada@example.com", PASSWORD).await;
    app.patch_ok(&token, &json!({"FullName": "Ada Lovelace", "CompanyName": "Analytical Engines"})).await;
    // A second member whose hostile profile the directory shows once it is public (after the
    // README's pictures are taken).
    app.add_member("mallory@example.com", None).await;
    let mallory = app.sign_in("mallory@example.com", PASSWORD).await;
    let hostile = "Hi <script>window.__xss = 1</script> <img src=x onerror=\"window.__xss = 2\"> [x](javascript:window.__xss=3)";
    app.patch_ok(&mallory, &json!({"FullName": "Mallory <b onmouseover=\"window.__xss=4\">Bold</b>", "ProfileSummary": hostile, "ProfileTags": "security, <svg onload=\"window.__xss=5\">"})).await;
    let mallory_id = app.profile(&mallory).await["Id"].as_i64().expect("id");
    // Realistic members, as `portico seed --photos` makes them, and two more: one with a
    // photo, one with initials.
    portico::service::seed::seed(&app.state, "Canal Street", 14, 7).await.expect("seeded");
    portico::service::seed::add_photos(&app.state, "Canal Street", 7).await.expect("portraits");
    for (email, name, colour) in [
        ("grace@example.com", "Grace Hopper", Some([40, 110, 170])),
        ("alan@example.com", "Alan Turing", None),
    ] {
        app.add_member(email, None).await;
        let token = app.sign_in(email, PASSWORD).await;
        app.patch_ok(
            &token,
            &json!({"FullName": name, "ProfileIsPublic": true, "Position": "Engineer", "CompanyName": "Bletchley Labs", "ProfileTags": "software, research"}),
        )
        .await;
        if let Some(colour) = colour {
            let picture = image::RgbImage::from_fn(480, 480, |x, y| {
                let inside = (x as i32 - 240).pow(2) + (y as i32 - 200).pow(2) < 110 * 110;
                image::Rgb(if inside { [235, 200, 170] } else { colour })
            });
            let mut png = std::io::Cursor::new(Vec::new());
            picture.write_to(&mut png, image::ImageFormat::Png).expect("png");
            let id = app.profile(&token).await["Id"].as_i64().expect("id");
            let profile = app.state.store.profile(id).await.expect("profile");
            let kind = portico::domain::photo::PhotoKind::Avatar;
            let turn = portico::service::photo::upload_turn(&app.state).await.expect("turn");
            portico::service::photo::upload(&app.state, turn, &profile, kind, png.into_inner())
                .await
                .expect("photo");
        }
    }

    // The location's own questions: two the member answers, one the staff set.
    use portico::service::custom_fields::NewCustomField;
    let question = |label: &str, kind: &str| NewCustomField {
        label: label.into(),
        kind: kind.into(),
        choices: Vec::new(),
        required: false,
        staff_only: false,
        in_directory: false,
    };
    let questions = [
        NewCustomField { required: true, ..question("Emergency contact", "text") },
        NewCustomField {
            choices: vec!["Vegetarian".into(), "Vegan".into(), "No preference".into()],
            in_directory: true,
            ..question("Lunch", "choice")
        },
        question("Member since", "date"),
        NewCustomField { staff_only: true, ..question("Locker", "text") },
    ];
    for new in questions {
        let location = &app.state.store.locations().await.expect("locations")[0].name;
        portico::service::operator::define_custom_field(&app.state, location, new).await.expect("defined");
    }
    let locker = vec![("Custom4".to_string(), "L-12".to_string())];
    portico::service::operator::set_properties(&app.state, "ada@example.com", None, &locker)
        .await
        .expect("set");

    // The README's pictures of the directory and a profile: a seeded member's own view.
    let seeded_rows = portico::service::operator::find_members(
        &app.state,
        Some("@s7.seed.example"),
        Some("Canal Street"),
        50,
    )
    .await
    .expect("the seeded members");
    let mut seeded_public = Vec::new();
    for row in &seeded_rows {
        let profile = app.state.store.profile(row.profile_id).await.expect("profile");
        if profile.values.flag(portico::domain::catalogue::Field::ProfileIsPublic) {
            seeded_public.push((row.email.clone(), row.profile_id));
        }
    }
    assert!(seeded_public.len() >= 3, "most seeded members are public: {seeded_public:?}");
    let seeded = Session { client: browser(&driver, &chromium).await, app: &app, axe: axe.clone() };
    seeded.sign_in(&seeded_public[0].0, portico::service::seed::SEED_PASSWORD).await;
    seeded.check_page("profile").await;
    seeded.open("/directory").await;
    let faces = seeded.client.find_all(Locator::Css("ul.cards img.face")).await.expect("faces");
    assert!(faces.len() >= 10, "a grid of people: {}", faces.len());
    seeded.check_page("directory").await;
    seeded.open(&format!("/directory/{}", seeded_public[1].1)).await;
    seeded.client.find(Locator::Css("#contact textarea")).await.expect("the contact form");
    seeded.check_page("member-card").await;
    seeded.client.close().await.expect("close");

    let me = Session { client: browser(&driver, &chromium).await, app: &app, axe: axe.clone() };
    me.open("/signin").await;
    let brand =
        me.client.find(Locator::Css("header .brand")).await.expect("the brand").text().await.expect("text");
    assert_eq!(brand.trim(), "Canal Street Works");
    me.check_page("signin").await;
    // The pages behind the mailed links, in the same style and held to the same checks.
    me.open("/forgot").await;
    me.check_page("forgot").await;
    me.open("/reset?token=plk_not_a_real_link").await;
    me.check_page("reset").await;
    me.sign_in("ada@example.com", PASSWORD).await;
    let landed = me.client.current_url().await.expect("url");
    let refusals: Vec<String> =
        common::captured_logs().lines().filter(|l| l.contains("refused")).map(str::to_string).collect();
    assert!(landed.path().starts_with("/profile"), "{landed}: {refusals:?}");
    me.check_page("profile-first-sign-in").await;

    // Each section, saved and seen again after a reload.
    me.fill("f-NickName", "Countess").await;
    me.client.execute("window.__stayed = true;", vec![]).await.expect("mark the page");
    me.submit("/profile/personal").await;
    let stayed: Value = me.client.execute("return window.__stayed === true;", vec![]).await.expect("probe");
    assert_eq!(stayed, json!(true), "the script saved the section without loading a page");
    let saved = me.client.find(Locator::Css("#personal .saved")).await.expect("the section says it saved");
    assert_eq!(saved.text().await.expect("text"), "Saved.");
    me.fill("f-Position", "Analyst").await;
    // The tag editor: three tags typed, the middle one removed with its button.
    for tag in ["maths", "poetry", "engines"] {
        me.fill("f-ProfileTags-add", &format!("{tag}\u{E007}")).await;
    }
    let remove = me.client.find(Locator::Css("button[aria-label='Remove tag poetry']")).await.expect("chip");
    remove.click().await.expect("remove");
    me.client.find(Locator::Id("f-ProfileIsPublic")).await.expect("switch").click().await.expect("tick");
    me.submit("/profile/professional").await;
    me.fill("f-BillingName", "Ada King").await;
    me.client
        .find(Locator::Id("f-BillingCountryId"))
        .await
        .expect("picker")
        .select_by_value("250")
        .await
        .expect("France");
    me.submit("/profile/billing").await;
    me.client.find(Locator::Id("f-SignUpToNewsletter")).await.expect("box").click().await.expect("tick");
    me.submit("/profile/notifications").await;
    me.fill("f-Custom1", "Charles Babbage, +44 20 7946 0001").await;
    me.client
        .find(Locator::Id("f-Custom2"))
        .await
        .expect("the choice")
        .select_by_value("Vegan")
        .await
        .expect("Vegan");
    // A date picker types in the browser's locale; the value it submits is ISO whatever it shows.
    me.client
        .execute("document.getElementById('f-Custom3').value = '2026-03-15';", vec![])
        .await
        .expect("date");
    me.submit("/profile/more").await;
    let locker = me.client.find(Locator::Id("f-Custom4")).await.expect("the staff's answer, read-only");
    assert!(locker.text().await.expect("text").contains("L-12"));
    me.client.execute("document.getElementById('more').scrollIntoView();", vec![]).await.expect("scroll");
    me.check_page("profile-custom-fields").await;
    me.client.refresh().await.expect("reload");
    assert_eq!(me.value("f-NickName").await, "Countess");
    assert_eq!(me.value("f-Position").await, "Analyst");
    assert_eq!(me.value("f-ProfileTags").await, "maths, engines");
    let chips: Value = me
        .client
        .execute(
            "return [...document.querySelectorAll('.chips li')].map(li => li.firstChild.textContent.trim());",
            vec![],
        )
        .await
        .expect("chips");
    assert_eq!(chips, json!(["maths", "engines"]));
    assert_eq!(me.value("f-BillingName").await, "Ada King");
    assert_eq!(me.value("f-BillingCountryId").await, "250");
    let stored = app.profile(&token).await;
    assert_eq!(
        (stored["ProfileIsPublic"].as_bool(), stored["SignUpToNewsletter"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(
        (stored["Custom1"].as_str(), stored["Custom2"].as_str(), stored["Custom3"].as_str()),
        (Some("Charles Babbage, +44 20 7946 0001"), Some("Vegan"), Some("2026-03-15"))
    );
    assert_eq!(me.value("f-Custom2").await, "Vegan");

    // A change made elsewhere meanwhile: the save is refused in place, the typing kept, and
    // the member offered a reload, which shows the other change.
    app.patch_ok(&token, &json!({"NickName": "Changed elsewhere"})).await;
    me.fill("f-NickName", "Typed here").await;
    me.client
        .find(Locator::Css("#personal button[type=submit]"))
        .await
        .expect("save")
        .click()
        .await
        .expect("click");
    let conflict =
        me.client.wait().for_element(Locator::Css("#personal .conflict")).await.expect("the conflict note");
    assert!(conflict.text().await.expect("text").contains("changed elsewhere"));
    assert_eq!(me.value("f-NickName").await, "Typed here");
    me.client
        .find(Locator::Css("#personal .conflict button"))
        .await
        .expect("reload")
        .click()
        .await
        .expect("reload");
    me.client.wait().for_element(Locator::Css("#personal:not(:has(.conflict))")).await.expect("reloaded");
    assert_eq!(me.value("f-NickName").await, "Changed elsewhere");
    me.fill("f-NickName", "Countess").await;
    me.submit("/profile/personal").await;

    // A live check as the member leaves the field, before any save.
    me.fill("f-ProfileWebsite", "not a web address").await;
    me.fill("f-Position", "Analyst").await;
    let live = me.client.find(Locator::Id("f-ProfileWebsite-live")).await.expect("live check");
    assert!(!live.text().await.expect("text").is_empty(), "the browser's own message is shown");
    me.fill("f-ProfileWebsite", "").await;

    // A bad e-mail: its error next to the field, the focus on the summary, nothing lost.
    me.fill("f-BillingEmail", "not-an-email").await;
    me.submit("/profile/billing").await;
    let error = me.client.find(Locator::Id("f-BillingEmail-error")).await.expect("the error by its field");
    assert!(!error.text().await.expect("text").is_empty());
    assert_eq!(me.value("f-BillingEmail").await, "not-an-email");
    let focused: Value =
        me.client.execute("return document.activeElement.className;", vec![]).await.expect("focus");
    assert_eq!(focused, json!("summary"), "focus moves to the error summary");
    me.check_page("profile-error").await;

    // The bio's preview renders Markdown and never runs what a member typed.
    me.fill(
        "f-ProfileSummary",
        "I write programs for the **Analytical Engine**: tables of Bernoulli numbers, and music one day.",
    )
    .await;
    me.client
        .find(Locator::Css("button.secondary"))
        .await
        .expect("preview button")
        .click()
        .await
        .expect("preview");
    me.client.wait().for_element(Locator::Css("#bio-preview strong")).await.expect("rendered preview");
    me.check_page("profile-preview").await;
    // The next preview is waited for by its content: the old one goes first.
    me.client
        .execute("document.getElementById('bio-preview').replaceChildren();", vec![])
        .await
        .expect("clear");
    me.fill(
        "f-ProfileSummary",
        "**Bold** claim <script>window.__xss = 6</script><img src=x onerror=\"window.__xss = 7\">",
    )
    .await;
    me.client
        .find(Locator::Css("button.secondary"))
        .await
        .expect("preview button")
        .click()
        .await
        .expect("preview");
    let preview =
        me.client.wait().for_element(Locator::Css("#bio-preview strong")).await.expect("rendered preview");
    assert_eq!(preview.text().await.expect("text"), "Bold");
    let active: Value = me
        .client
        .execute("return document.querySelectorAll('#bio-preview script, #bio-preview img').length;", vec![])
        .await
        .expect("count");
    assert_eq!(active, json!(0));
    me.check_hostile_page("profile-preview-hostile").await;
    me.fill("f-ProfileSummary", "").await;

    // Draft with AI (the builtin writer): the draft replaces the summary in place, for review.
    me.client.execute("window.__stayed = 'draft';", vec![]).await.expect("mark the page");
    me.client
        .find(Locator::Css("button[formaction='/profile/draft']"))
        .await
        .expect("the draft button")
        .click()
        .await
        .expect("draft");
    let note =
        me.client.wait().for_element(Locator::Css("#professional p.saved")).await.expect("the draft's note");
    assert!(
        note.text().await.expect("text").contains("written from: Position"),
        "the note names its sources"
    );
    let stayed: Value =
        me.client.execute("return window.__stayed === 'draft';", vec![]).await.expect("probe");
    assert_eq!(stayed, json!(true), "the script drafted without loading a page");
    let draft = me.value("f-ProfileSummary").await;
    assert!(draft.contains("Analyst") && draft.contains("maths and engines"), "{draft}");
    me.check_page("profile-draft").await;
    assert!(app.profile(&token).await["ProfileSummary"].is_null(), "nothing saved by drafting");

    // Writing to a member from their card: sent, and the card says so.
    let grace_id =
        app.profile(&app.sign_in("grace@example.com", PASSWORD).await).await["Id"].as_i64().expect("id");
    me.open(&format!("/directory/{grace_id}")).await;
    me.fill("f-Message", "Hello Grace, could we talk about compilers over coffee on Thursday?").await;
    me.submit(&format!("/directory/{grace_id}/contact")).await;
    let sent =
        me.client.find(Locator::Css("#contact .saved")).await.expect("sent").text().await.expect("text");
    assert_eq!(sent, "Your message was sent.");
    me.check_page("member-card-sent").await;

    // The directory and a hostile member's card once Mallory is public: shown, never run;
    // a hostile message to them is sent as text.
    app.patch_ok(&mallory, &json!({"ProfileIsPublic": true})).await;
    me.open("/directory?query=mallory").await;
    me.check_hostile_page("directory-hostile").await;
    me.open(&format!("/directory/{mallory_id}")).await;
    if let Ok(bold) = me.client.find(Locator::Css("h1")).await {
        let _ = bold.click().await;
    }
    me.fill("f-Message", "<script>window.__xss = 8</script><img src=x onerror=\"window.__xss = 9\">").await;
    me.submit(&format!("/directory/{mallory_id}/contact")).await;
    me.check_hostile_page("member-card-hostile").await;

    // A form on another origin, posted in this signed-in browser: refused, nothing changed.
    let target = app.url("/profile/personal");
    let attacker = attacker_page(&format!(
        "<form id=f method=post action='{target}'><input name=NickName value=Hacked></form>\
         <script>document.getElementById('f').submit()</script>"
    ))
    .await;
    me.client.goto(&attacker).await.expect("the attacker's page");
    me.client.wait().for_url(&url::Url::parse(&target).expect("url")).await.expect("the post arrives");
    let body = me.client.find(Locator::Css("body")).await.expect("body").text().await.expect("text");
    assert!(body.contains("could not be accepted"), "{body}");
    me.check_page("refused").await;
    assert_eq!(app.profile(&token).await["NickName"], "Countess", "nothing changed");

    // A password change signs out a second browser.
    let other = Session { client: browser(&driver, &chromium).await, app: &app, axe: None };
    other.sign_in("ada@example.com", PASSWORD).await;
    assert!(other.client.current_url().await.expect("url").path().starts_with("/profile"));
    me.open("/profile").await;
    let new = "a much longer Passphrase 2026";
    common::remember_password(new);
    me.fill("f-OldPassword", PASSWORD).await;
    me.fill("f-NewPassword", new).await;
    me.fill("f-RepeatNewPassword", new).await;
    me.submit("/profile/credentials").await;
    let saved = me.client.find(Locator::Css("#credentials .saved")).await.expect("confirmation");
    assert!(saved.text().await.expect("text").contains("other devices were signed out"));
    other.open("/profile").await;
    assert_eq!(
        other.client.current_url().await.expect("url").path(),
        "/signin",
        "the other browser is signed out"
    );
    other.client.close().await.expect("close");

    // Two-step sign-in: set up from the QR code's secret, confirmed with a code, the recovery
    // codes shown once; then signing in asks for a code after the password.
    use portico::clock::Clock;
    me.open("/profile/two-factor").await;
    me.check_page("two-step-off").await;
    me.fill("f-Password", new).await;
    me.submit("/profile/two-factor/start").await;
    me.client.find(Locator::Css(".qr svg")).await.expect("the QR code, drawn inline");
    let secret_text =
        me.client.find(Locator::Id("secret")).await.expect("secret").text().await.expect("text");
    let secret = totp_rs::Secret::Encoded(secret_text.trim().to_string()).to_bytes().expect("base32");
    me.check_page("two-step-setup").await;
    let code_now = |offset: u64| {
        let now = app.clock.now().unix_timestamp() as u64;
        portico::domain::two_factor::code_at(
            &secret,
            now + offset * portico::domain::two_factor::STEP_SECONDS,
        )
    };
    me.fill("f-Code", &code_now(0)).await;
    me.submit("/profile/two-factor/confirm").await;
    let codes = me.client.find_all(Locator::Css("#recovery-codes li")).await.expect("codes");
    assert_eq!(codes.len(), 10);
    me.check_page("two-step-recovery-codes").await;
    me.client
        .find(Locator::Css("form[action='/signout'] button"))
        .await
        .expect("sign out")
        .click()
        .await
        .expect("click");
    me.client.wait().for_element(Locator::Id("f-Email")).await.expect("the sign-in page");
    me.sign_in("ada@example.com", new).await;
    me.client.find(Locator::Id("f-Code")).await.expect("the code step, without the password again");
    me.check_page("signin-code").await;
    app.clock.advance(time::Duration::seconds(portico::domain::two_factor::STEP_SECONDS as i64));
    me.fill("f-Code", &code_now(0)).await;
    me.submit("/signin/code").await;
    let landed = me.client.current_url().await.expect("url");
    assert!(landed.path().starts_with("/profile"), "{landed}");

    // Ada becomes the location's admin: the staff pages, in the same browser session.
    let location = app.state.store.locations().await.expect("locations")[0].name.clone();
    let admin = portico::domain::staff::Role::Admin;
    portico::service::staff::grant(&app.state, "ada@example.com", &location, admin, None)
        .await
        .expect("granted");
    me.open("/staff?query=grace").await;
    me.check_page("staff-members").await;
    me.client
        .find(Locator::LinkText("Grace Hopper"))
        .await
        .expect("Grace in the list")
        .click()
        .await
        .expect("click");
    me.client.wait().for_element(Locator::Id("f-AccessPincode")).await.expect("the staff-only properties");
    let grace = me.client.current_url().await.expect("url").path().to_string();
    me.fill("f-AccessPincode", "5521").await;
    me.submit(&grace).await;
    let saved = me.client.find(Locator::Css("p.saved")).await.expect("saved").text().await.expect("text");
    assert_eq!(saved, "Saved.");
    me.check_page("staff-member").await;
    let grace_token = app.sign_in("grace@example.com", PASSWORD).await;
    assert_eq!(app.profile(&grace_token).await["AccessPincode"], "5521");
    me.open("/staff/audit").await;
    let rows = me.client.find_all(Locator::Css("table.audit tbody tr")).await.expect("rows");
    assert!(!rows.is_empty());
    me.check_page("staff-audit").await;
    me.open("/staff/outbox").await;
    me.check_page("staff-outbox").await;

    // On a phone the profile's sections fold: the list of sections first, each heading a
    // switch; a link of the list opens its section.
    me.client.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    me.open("/profile").await;
    let open: Value = me
        .client
        .execute(
            "return [...document.querySelectorAll('section.card > details')].filter(d => d.open).length;",
            vec![],
        )
        .await
        .expect("count");
    assert_eq!(open, json!(0), "on a phone every section starts folded");
    std::fs::write(
        screenshots().join("profile-folded-phone.png"),
        me.client.screenshot().await.expect("png"),
    )
    .expect("write screenshot");
    me.client
        .find(Locator::Css("nav.contents a[href='#billing']"))
        .await
        .expect("link")
        .click()
        .await
        .expect("click");
    let billing: Value = me
        .client
        .execute("return document.querySelector('#billing > details').open;", vec![])
        .await
        .expect("open");
    assert_eq!(billing, json!(true), "the list's link opens its section");
    me.client.set_window_size(DESKTOP.0, DESKTOP.1).await.expect("resize");

    // The member's language, chosen on the profile page: every page in it, checked by axe
    // and for missing translations (the lookup records every miss), German in pictures.
    for (code, heading) in [("de", "Mein Profil"), ("fr", "Mon profil"), ("es", "Mi perfil")] {
        me.open("/profile#language").await;
        me.client
            .find(Locator::Id("f-Language"))
            .await
            .expect("the language menu")
            .select_by_value(code)
            .await
            .expect("choose");
        me.submit("/profile/language").await;
        let lang: Value =
            me.client.execute("return document.documentElement.lang;", vec![]).await.expect("lang");
        assert_eq!(lang, json!(code));
        let h1 = me.client.find(Locator::Css("h1")).await.expect("h1").text().await.expect("text");
        assert_eq!(h1, heading);
        for path in
            ["/profile", "/directory", "/profile/two-factor", "/staff", "/staff/audit", "/staff/outbox"]
        {
            me.open(path).await;
            let name = format!("{}-{code}", path.trim_start_matches('/').replace('/', "-"));
            if code == "de" && matches!(path, "/profile" | "/directory" | "/staff/audit") {
                me.check_page(&name).await;
            } else {
                let problems = me.accessibility_problems().await;
                assert!(problems.is_empty(), "{name}: {problems:?}");
            }
        }
    }
    let missing = portico::i18n::misses();
    assert!(missing.is_empty(), "translations missing: {missing:?}");
    me.client.close().await.expect("close");
}
