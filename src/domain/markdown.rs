//! The member's Markdown bio as HTML for the directory (`ProfileSummaryHtml`).
//!
//! A bio is rendered once, when it is saved, and the HTML is stored beside it: reads never
//! render. Rendering is bounded: quotes and lists nested deeper than [`MAX_NESTING`] are
//! refused, and so is a bio whose HTML would pass [`MAX_HTML_BYTES`].
//!
//! Two guards, each enough on its own for what it covers: pulldown-cmark's raw-HTML events
//! are turned into text before rendering, so markup a member types is shown, never
//! interpreted; and ammonia then keeps only an allow-list of tags and attributes, links
//! only to `http`, `https` and `mailto` with `rel="nofollow noopener noreferrer"`, and
//! images only from the hosts an operator allows (none by default).

use std::collections::HashSet;

use pulldown_cmark::{Event, Options, Parser, Tag, html};

/// The tags a rendered bio may contain: what CommonMark with tables and strikethrough
/// produces, without headings' ids or any style.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Block quotes and lists may nest this deep; a bio nested deeper is refused.
pub const MAX_NESTING: usize = 8;
/// The most HTML a bio may render to. Ordinary text renders to about its own size; only
/// markup chosen to multiply (thousands of empty table cells) comes near.
pub const MAX_HTML_BYTES: usize = 128 * 1024;

/// A bio's stored HTML and the [`render_key`] it was rendered under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBio {
    pub html: String,
    pub render_key: String,
}

/// Why a bio cannot be rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderRefusal {
    TooDeep,
    TooLarge,
}

impl RenderRefusal {
    pub fn message(self) -> String {
        match self {
            RenderRefusal::TooDeep => {
                format!("nests quotes or lists more than {MAX_NESTING} levels deep; flatten them")
            }
            RenderRefusal::TooLarge => format!(
                "would make more than {} KiB of HTML in the directory; shorten it or use less markup",
                MAX_HTML_BYTES / 1024
            ),
        }
    }
}

/// What identifies how a bio was rendered: the renderer's revision and the image hosts.
/// HTML stored under another key is rendered again (at start-up, and meanwhile on read).
pub fn render_key(image_hosts: &[String]) -> String {
    let mut hosts: Vec<&str> = image_hosts.iter().map(String::as_str).collect();
    hosts.sort_unstable();
    format!("1:{}", hosts.join(","))
}

/// Renders `markdown` to sanitised HTML, within the nesting and size limits.
/// `image_hosts` are the hosts whose `https` images may be shown; an image from anywhere
/// else is dropped (its alt text stays). Slow for long input: never on an async worker.
pub fn render_bio(markdown: &str, image_hosts: &[String]) -> Result<String, RenderRefusal> {
    let parser =
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| {
            match event {
                Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
                other => other,
            }
        });
    let events = within_nesting(parser)?;
    let events = drop_foreign_images(events.into_iter(), image_hosts);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    if unsafe_html.len() > MAX_HTML_BYTES * 2 {
        return Err(RenderRefusal::TooLarge);
    }
    let html = sanitizer(image_hosts).clean(&unsafe_html).to_string();
    if html.len() > MAX_HTML_BYTES {
        return Err(RenderRefusal::TooLarge);
    }
    Ok(html)
}

/// Renders a bio for tests and the preview that knows it is within the limits.
#[cfg(test)]
pub fn render(markdown: &str, image_hosts: &[String]) -> String {
    render_bio(markdown, image_hosts).expect("a bio within the limits")
}

/// The events, or `TooDeep` at the first quote or list nested past [`MAX_NESTING`].
fn within_nesting<'a>(events: impl Iterator<Item = Event<'a>>) -> Result<Vec<Event<'a>>, RenderRefusal> {
    let mut depth = 0usize;
    let mut kept = Vec::new();
    for event in events {
        match &event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(RenderRefusal::TooDeep);
                }
            }
            Event::End(pulldown_cmark::TagEnd::BlockQuote(_) | pulldown_cmark::TagEnd::List(_)) => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        kept.push(event);
    }
    Ok(kept)
}

/// Replaces each image whose address is not an allowed host's `https` address by its alt
/// text, so a bio cannot make a reader's browser fetch from elsewhere (a tracking pixel).
fn drop_foreign_images<'a>(
    events: impl Iterator<Item = Event<'a>>,
    image_hosts: &[String],
) -> Vec<Event<'a>> {
    let mut kept = Vec::new();
    let mut dropping = 0usize;
    for event in events {
        match event {
            Event::Start(Tag::Image { ref dest_url, .. })
                if dropping > 0 || !allowed_image(dest_url, image_hosts) =>
            {
                dropping += 1;
            }
            Event::End(pulldown_cmark::TagEnd::Image) if dropping > 0 => dropping -= 1,
            Event::Start(_) | Event::End(_) if dropping > 0 => {}
            other => kept.push(other),
        }
    }
    kept
}

fn allowed_image(address: &str, image_hosts: &[String]) -> bool {
    url::Url::parse(address).is_ok_and(|url| {
        url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|host| image_hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(host)))
    })
}

fn sanitizer(image_hosts: &[String]) -> ammonia::Builder<'static> {
    let mut tags: HashSet<&'static str> = TAGS.iter().copied().collect();
    let mut attributes = std::collections::HashMap::from([("a", HashSet::from(["href", "title"]))]);
    if !image_hosts.is_empty() {
        tags.insert("img");
        attributes.insert("img", HashSet::from(["src", "alt", "title"]));
    }
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .tag_attributes(attributes)
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("nofollow noopener noreferrer"));
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_lists_nest_only_so_deep() {
        let at_limit = format!("{}deep", "> ".repeat(MAX_NESTING));
        assert_eq!(render_bio(&at_limit, &[]).map(|h| h.matches("<blockquote>").count()), Ok(MAX_NESTING));
        let past = format!("{}deep", "> ".repeat(MAX_NESTING + 1));
        assert_eq!(render_bio(&past, &[]), Err(RenderRefusal::TooDeep));
        let lists: String = (0..=MAX_NESTING).map(|n| format!("{}- item\n", "  ".repeat(n))).collect();
        assert_eq!(render_bio(&lists, &[]), Err(RenderRefusal::TooDeep));
        let mixed = format!("{}x", "> - ".repeat(MAX_NESTING / 2 + 1));
        assert_eq!(render_bio(&mixed, &[]), Err(RenderRefusal::TooDeep));
        let side_by_side = "> a\n\nb\n\n".repeat(MAX_NESTING * 4);
        assert!(render_bio(&side_by_side, &[]).is_ok(), "depth, not the number of quotes, counts");
    }

    #[test]
    fn the_attack_bios_are_refused_quickly() {
        let attacks = [
            format!("{}a", ">".repeat(19_999)),
            format!("{}a", "- ".repeat(9_999)),
            format!("{}a", "> - ".repeat(4_999)),
        ];
        for bio in attacks {
            let started = std::time::Instant::now();
            assert_eq!(render_bio(&bio, &[]), Err(RenderRefusal::TooDeep));
            assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        }
    }

    #[test]
    fn html_past_the_limit_is_refused() {
        let cells = format!("{}|\n{}|\n{}", "|a".repeat(10), "|-".repeat(10), "|x\n".repeat(6_000));
        let rendered = render_bio(&cells, &[]);
        assert!(rendered == Err(RenderRefusal::TooLarge), "{:?}", rendered.map(|html| html.len()));
        let prose = "Designer and *maker* of [things](https://example.com). ".repeat(300);
        let html = render_bio(&prose, &[]).expect("ordinary prose renders");
        assert!(html.len() < MAX_HTML_BYTES, "{}", html.len());
    }

    #[test]
    fn a_refusal_says_which_limit() {
        assert!(RenderRefusal::TooDeep.message().contains("more than 8 levels deep"));
        assert!(RenderRefusal::TooLarge.message().contains("more than 128 KiB of HTML"));
    }

    #[test]
    fn the_render_key_names_the_image_hosts_in_any_order() {
        let a = render_key(&["b.example".into(), "a.example".into()]);
        assert_eq!(a, render_key(&["a.example".into(), "b.example".into()]));
        assert_ne!(a, render_key(&[]));
    }

    #[test]
    fn markdown_becomes_html() {
        let html = render("**Designer** at [Acme](https://acme.example)\n\n- one\n- two", &[]);
        assert!(html.contains("<strong>Designer</strong>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://acme.example" rel="nofollow noopener noreferrer">Acme</a>"#),
            "{html}"
        );
        assert!(html.contains("<li>one</li>"), "{html}");
    }

    #[test]
    fn tables_and_strikethrough_are_rendered() {
        let html = render("~~old~~ new\n\n| a | b |\n|---|---|\n| 1 | 2 |", &[]);
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("<table>") && html.contains("<td>2</td>"), "{html}");
    }

    #[test]
    fn a_dropped_image_leaves_exactly_its_alt_text() {
        assert_eq!(render("![pixel](https://t.example/p.gif) after", &[]), "<p>pixel after</p>\n");
        let hosts = ["cdn.example".to_string()];
        assert_eq!(
            render("![a](https://t.example/a.gif) ![b](https://cdn.example/b.png)", &hosts),
            "<p>a <img src=\"https://cdn.example/b.png\" alt=\"b\"></p>\n"
        );
    }

    #[test]
    fn nothing_inside_a_dropped_image_survives_but_its_words() {
        assert_eq!(render("![**bold** alt](https://t.example/x.gif)", &[]), "<p>bold alt</p>\n");
        let hosts = ["cdn.example".to_string()];
        let nested = render("![![in](https://cdn.example/in.png)](https://t.example/out.gif)", &hosts);
        assert_eq!(nested, "<p>in</p>\n", "an allowed image inside a dropped one goes too");
        let after_nested =
            render("![![in](https://cdn.example/in.png) **x**](https://t.example/out.gif)", &hosts);
        assert_eq!(after_nested, "<p>in x</p>\n", "the nested image's end does not end the dropping");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("Hi <b>there</b> <script>alert(1)</script>", &[]);
        assert!(html.contains("&lt;b&gt;there&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
    }

    #[test]
    fn only_web_and_mail_links_survive() {
        let html = render(
            "[a](javascript:alert(1)) [b](data:text/html,x) [c](mailto:a@b.example) [d](/relative)",
            &[],
        );
        assert!(!html.contains("javascript:") && !html.contains("data:"), "{html}");
        assert!(html.contains(r#"href="mailto:a@b.example""#), "{html}");
        assert!(!html.contains("/relative\""), "{html}");
    }

    #[test]
    fn images_come_only_from_allowed_hosts() {
        let markdown = "![pixel](https://tracker.example/p.gif) ![logo](https://cdn.example/logo.png)";
        let none = render(markdown, &[]);
        assert!(!none.contains("<img") && none.contains("pixel"), "{none}");
        let allowed = render(markdown, &["cdn.example".to_string()]);
        assert!(allowed.contains(r#"<img src="https://cdn.example/logo.png" alt="logo">"#), "{allowed}");
        assert!(!allowed.contains("tracker.example"), "{allowed}");
        let plain_http = render("![x](http://cdn.example/x.png)", &["cdn.example".to_string()]);
        assert!(!plain_http.contains("<img"), "{plain_http}");
    }
}
