//! The member's Markdown bio as HTML for the directory (`ProfileSummaryHtml`).
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

/// Renders `markdown` to sanitised HTML. `image_hosts` are the hosts whose `https` images
/// may be shown; an image from anywhere else is dropped (its alt text stays).
pub fn render(markdown: &str, image_hosts: &[String]) -> String {
    let parser =
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| {
            match event {
                Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
                other => other,
            }
        });
    let events = drop_foreign_images(parser, image_hosts);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    sanitizer(image_hosts).clean(&unsafe_html).to_string()
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
    use super::render;

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
